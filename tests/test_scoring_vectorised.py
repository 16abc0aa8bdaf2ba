"""The vectorised paths of scoring and the result tables give what the per-row Python they
replaced gave, on awkward values (NaN, infinities, -0.0, unicode, blanks, missing keys)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from automation.judging.progress import expected_with_status, progress_frame
from automation.keys import key, key_of
from automation.scoring import score
from automation.scoring.prepare import prepare
from automation.scoring.results import formatted, joined, listed, nomination_stats
from automation.validate import validate
from automation.validate.judging import expected_scores, repeated_scores, scored_frame
from automation.validate.linked import distinct_rows
from tests.support import small
from tests.support.factory import data_from_rows

AWKWARD = [0.15, 2.25, 0.125, -0.3, -0.0, 0.0, 1e17, -1e-9, math.nan, math.inf, -math.inf, 0.5]


@pytest.mark.parametrize("fmt", ["{:.0f}%", "{:.1f}", "{:g}", "{:.2f}"])
def test_formatted_equals_formatting_each_value(fmt):
    values = pd.Series(AWKWARD * 3)
    assert list(formatted(values, fmt)) == [fmt.format(v) for v in values]
    assert list(formatted(values * 100, fmt)) == list((values * 100).map(fmt.format))


@pytest.mark.parametrize("dtype", [object, "str"])
def test_joined_equals_agg_join(dtype):
    texts = pd.Series(["Ann 80%", "", "Zoë 5%", "李 100%", "x; y", "Bob 0%", "last"], dtype=dtype)
    by = pd.Series(["N2", "N1", "N2", None, "N1", "N2", "N3"], dtype=object)
    expected = texts.groupby(by).agg("; ".join)
    got = joined(texts.to_numpy(dtype=object), by)
    assert got.to_dict() == expected.to_dict()
    assert list(got.index) == list(expected.index)


def test_listed_equals_agg_list():
    values = pd.Series(["a", "Zoë", "", "b", "c", "d"], dtype="str")
    by = pd.Series(["N2", "N1", None, "N2", "N10", "N1"], dtype=object, name="Nomination ID")
    expected = values.groupby(by).agg(list)
    got = listed(values, by)
    assert got.to_dict() == expected.to_dict()
    assert list(got.index) == list(expected.index)
    assert listed(values[:0], by[:0]).empty


def _repeat_rows() -> dict[str, list[dict]]:
    """Scores repeated as typed, retyped, with blank keys (blank equals blank), and a score
    by a judge on their own nomination (a conflict)."""
    rows = small.rows()
    rows["Nominations"].append(dict(rows["Nominations"][0], ID="N4", Nominee="Lee Judge"))
    first = rows["Scores"][0]
    rows["Scores"] += [
        dict(first, Score=1),
        dict(first, Judge=" JO judge", Score=2),
        dict(first, Judge=None, Score=3),
        dict(first, Judge=None, Score=4),
        dict(first, Criterion=None, Score=2),
        dict(first, Score=None),
        {"Judge": "Lee Judge", "Nomination ID": "N4", "Criterion": "Care", "Score": 4},
        {"Judge": "Lee Judge", "Nomination ID": "N4", "Criterion": "Care", "Score": 5},
        {"Judge": "Kim Judge", "Nomination ID": "N4", "Criterion": "Care", "Score": 3},
    ]
    return rows


def test_repeated_scores_equal_duplicated_keys_with_missing_ones():
    data = data_from_rows(_repeat_rows(), small.SETTINGS)
    keys = pd.DataFrame(
        {c: key(data["Scores"][c]) for c in ("Judge", "Nomination ID", "Criterion")}
    )
    assert list(repeated_scores(data)) == list(keys.duplicated())
    assert repeated_scores(data).sum() == 5


def test_prepared_reasons_as_the_rules_give_them():
    data = data_from_rows(_repeat_rows(), small.SETTINGS)
    got = prepare(data)["Excluded"]
    n = len(small.rows()["Scores"])
    assert got[:n].isna().all() and got.dtype == object
    assert list(got[n:-1]) == [
        "repeated score",
        "repeated score",
        "judge not on the panel",
        "judge not on the panel",
        "criterion not in the category",
        "no score",
        "conflict: judge nominated or is the nominee",
        "repeated score",  # a repeat is named before the conflict
    ]
    assert got.iloc[-1] is not None and pd.isna(got.iloc[-1])
    # Counted scores hold the conflict column's blank (NaN), as mapping it gave.
    assert all(isinstance(v, float) and math.isnan(v) for v in got[got.isna()])


def _old_progress(data) -> pd.DataFrame:
    """The JudgeProgress figures as the per-judge, per-row loop worked them out."""
    exp = expected_scores(data)
    f = scored_frame(data)
    f = f[f["Score"].notna()]
    have = set(zip(f["_j"], f["_nid"], f["_c"], strict=True))
    triples = zip(key(exp["Judge"]), key(exp["Nomination ID"]), key(exp["Criterion"]), strict=True)
    exp = exp.assign(scored=[t in have for t in triples])
    rows = []
    for judge in [str(j) for j in data["Judges"]["Judge"].dropna().drop_duplicates()]:
        mine = exp[key(exp["Judge"]) == key_of(judge)]
        per_nom = mine.groupby("Nomination ID")["scored"].all()
        rows.append((judge, len(per_nom), int(per_nom.sum()), int((~mine["scored"]).sum())))
    return pd.DataFrame(rows, columns=["Judge", "Assigned", "Scored", "Missing scores"])


def _awkward_rows() -> dict[str, list[dict]]:
    rows = small.rows()
    rows["Judges"].append({"Judge": " kim judge ", "Role": "x"})  # the same judge, retyped
    rows["Judges"].append({"Judge": "Zoë Judge", "Role": "x"})  # scores nothing
    rows["Scores"] = [
        s for s in rows["Scores"] if (s["Judge"], s["Nomination ID"]) != ("Jo Judge", "N2")
    ]
    rows["Scores"][0]["Score"] = None  # blank score: expected, not in
    rows["Scores"].append(
        {"Judge": "JO JUDGE ", "Nomination ID": " n2", "Criterion": "care", "Score": 3}
    )
    return rows


def _assigned_rows() -> dict[str, list[dict]]:
    """Assignments in use: a repeated pair, a retyped judge, an ID no nomination has, a
    judge paired with their own nomination (a conflict), and a judge assigned nothing."""
    rows = _awkward_rows()
    rows["Nominations"].append(dict(rows["Nominations"][0], ID="N4", Nominee="Lee Judge"))
    rows["Assignments"] = [
        {"Judge": "Jo Judge", "Nomination ID": "N1"},
        {"Judge": "Jo Judge", "Nomination ID": "N1"},
        {"Judge": "JO JUDGE", "Nomination ID": "N2"},
        {"Judge": "Kim Judge", "Nomination ID": "N3"},
        {"Judge": "Kim Judge", "Nomination ID": "N9"},
        {"Judge": "Lee Judge", "Nomination ID": "N4"},
        {"Judge": "Lee Judge", "Nomination ID": "N2"},
    ]
    return rows


def _calibration_rows() -> dict[str, list[dict]]:
    """A calibration entry everyone scores, and two nominations whose IDs differ by case
    only (each counts as a nomination of its own)."""
    rows = _awkward_rows()
    rows["Nominations"].append(dict(rows["Nominations"][0], ID="CAL-1", Calibration=True))
    rows["Nominations"].append(dict(rows["Nominations"][1], ID="n2"))
    rows["Scores"] += [
        {"Judge": j, "Nomination ID": "CAL-1", "Criterion": c, "Score": 4}
        for j in small.JUDGES
        for c in ("Care", "Speed")
        if (j, c) != ("Lee Judge", "Speed")
    ]
    return rows


def _no_scores_rows() -> dict[str, list[dict]]:
    rows = small.rows()
    rows["Scores"] = []
    return rows


@pytest.mark.parametrize(
    "make", [_awkward_rows, _assigned_rows, _calibration_rows, _no_scores_rows, small.rows]
)
def test_progress_equals_the_per_judge_loop(make):
    data = data_from_rows(make(), small.SETTINGS)
    got = progress_frame(data)
    expected = _old_progress(data_from_rows(make(), small.SETTINGS))
    pd.testing.assert_frame_equal(
        got[expected.columns].astype({c: int for c in expected.columns[1:]}), expected
    )
    # The same figures whether or not validation filled the shared caches first.
    validated = data_from_rows(make(), small.SETTINGS)
    validate(validated)
    pd.testing.assert_frame_equal(progress_frame(validated), got)


@pytest.mark.parametrize("make", [_awkward_rows, _assigned_rows, _calibration_rows])
def test_expected_status_equals_matching_the_keys(make):
    data = data_from_rows(make(), small.SETTINGS)
    status = expected_with_status(data)
    f = scored_frame(data)
    f = f[f["Score"].notna()]
    have = set(zip(f["_j"], f["_nid"], f["_c"], strict=True))
    keys = zip(
        key(status["Judge"]), key(status["Nomination ID"]), key(status["Criterion"]), strict=True
    )
    assert list(status["scored"]) == [k in have for k in keys]
    assert not status["scored"].all() and status["scored"].any()


def test_a_cached_frame_is_each_callers_own():
    data = data_from_rows(_awkward_rows(), small.SETTINGS)
    first = scored_frame(data)
    before = first.copy()
    first.loc[first.index[0], "Score"] = 99.0
    first["extra"] = 1
    exp = expected_scores(data)
    exp.loc[exp.index[0], "Judge"] = "someone else"
    assert scored_frame(data).equals(before)
    assert expected_scores(data).loc[0, "Judge"] != "someone else"


def test_flags_in_their_fixed_order():
    rows = small.rows()
    rows["Categories"][0]["Min judges"] = 3
    rows["Nominations"].append(dict(rows["Nominations"][0], ID="N4", Nominee="Kim Judge"))
    rows["Scores"] = [
        s
        for s in rows["Scores"]
        if not (
            s["Nomination ID"] == "N1" and s["Judge"] == "Jo Judge" and s["Criterion"] == "Speed"
        )
    ]
    rows["Scores"] = [
        s for s in rows["Scores"] if s["Nomination ID"] != "N3" or s["Judge"] == "Kim Judge"
    ]
    results = score(data_from_rows(rows, {**small.SETTINGS, "rank_by": "raw"}))
    flags = results.nominations.set_index("Nomination ID")["Flags"].to_dict()
    assert flags["N1"] == "Jo Judge scored only some criteria"
    assert flags["N2"] == ""
    assert flags["N3"] == "too few judges (1 of 3)"
    assert flags["N4"] == (
        "too few judges (0 of 3); not eligible: nominee is a judge; no scores counted"
    )
    assert results.nominations["Flags"].map(type).eq(str).all()
    assert np.isnan(results.nominations.set_index("Nomination ID").loc["N4", "Raw score"])


def test_by_judge_and_by_criterion_texts_equal_the_per_row_python():
    """The Arrow-built text columns of nomination_stats: rows of a nomination apart, unicode
    names, -0.0, halves that "{:.0f}" rounds to even, a name that is a number."""
    counted = pd.DataFrame(
        {
            "Nomination ID": ["N2", "N1", "N2", "N10", "N1", "N2"],
            "Judge": ["Zoë", "李 Judge", "Bob", 7, "Ann; x", "Zoë"],
            "Weighted": [0.005, -0.0, 0.015, 1.0, 0.125, 0.0],
            "Normalised": [0.1] * 6,
            "Criteria": [2, 2, 2, 2, 1, 2],
            "Flag": [""] * 6,
        }
    )
    by_crit = pd.DataFrame(
        {
            "Nomination ID": ["N1", "N2", "N1", "N10"],
            "Criterion": ["Care", "Speed", "Zoë's", "Care"],
            "mean": [4.25, -0.0, 3.0, math.nan],
            "maxv": [5.0, 10.0, 5.0, 5.0],
        }
    ).set_index(["Nomination ID", "Criterion"])
    excluded = pd.DataFrame({"Nomination ID": [], "Judge": [], "Excluded": []})
    stats = nomination_stats(counted, by_crit, excluded, trim_from=0)

    def by_judge(n):
        rows = counted[counted["Nomination ID"] == n]
        pairs = zip(rows["Judge"], rows["Weighted"], strict=True)
        return "; ".join(f"{j} {w * 100:.0f}%" for j, w in pairs)

    def by_criterion(n):
        rows = by_crit.loc[n]
        return "; ".join(f"{c} {m:.1f}/{x:g}" for c, m, x in rows.itertuples())

    assert list(stats.index) == ["N2", "N1", "N10"]
    assert stats["By judge"].to_dict() == {n: by_judge(n) for n in stats.index}
    assert stats["By criterion"].to_dict() == {n: by_criterion(n) for n in stats.index}
    assert stats.loc["N1", "By judge"] == "李 Judge -0%; Ann; x 12%"


# Values a column of names may hold once read or edited: text differing in case and
# spaces, blanks of every kind, and numbers that compare equal across types.
_CELLS = st.sampled_from(["Ann", "ann", " Ann", "B", "", None, math.nan, pd.NA, 1, 1.0, True])


@given(st.lists(st.tuples(_CELLS, _CELLS, _CELLS), max_size=30), st.integers(0, 3))
def test_distinct_rows_equals_drop_duplicates(rows, repeat):
    # Runs of one row repeated, as a judge's criteria of one nomination are.
    rows = [r for r in rows for _ in range(1 + repeat % 2)]
    frame = pd.DataFrame(rows, columns=["Category", "Judge", "Nomination ID"], dtype=object)
    frame.index = frame.index * 3 + 7
    expected = frame.drop_duplicates()
    got = distinct_rows(frame)
    assert got.index.equals(expected.index)
    pd.testing.assert_frame_equal(got, expected)
