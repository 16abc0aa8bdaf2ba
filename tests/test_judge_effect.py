"""The judge-effect model: hand-computed small panels, the settings, and invariants.

Scores here are weighted scores (fractions of the scale) handed to the fit directly, so the
expected figures can be worked out by hand; the last tests go through ``score()``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from automation.scoring import ScoringSettings, score
from automation.scoring.judge_effect import MIN_SPREAD, fit_judge_effects
from tests.support import small
from tests.support.factory import data_from_rows

QUALITY = {"e1": 0.2, "e2": 0.4, "e3": 0.6, "e4": 0.8}


def _panel(rows: list[tuple[str, str, float]], category: str = "X") -> pd.DataFrame:
    return pd.DataFrame(
        [(category, j, e, s) for j, e, s in rows],
        columns=["Category", "Judge", "Nomination ID", "Weighted"],
    )


def _lenient_half() -> pd.DataFrame:
    """Ann and Bob score every nomination fairly; Cy is 10 points lenient and scores only the
    top half of the field."""
    rows = [(j, e, q) for e, q in QUALITY.items() for j in ("Ann", "Bob")]
    rows += [("Cy", e, QUALITY[e] + 0.1) for e in ("e3", "e4")]
    return _panel(rows)


def _effects(fit) -> dict[str, float]:
    return dict(zip(fit.judges["Judge"], fit.judges["Leniency"], strict=True))


def test_lenient_judge_scoring_half_the_field_by_hand():
    fit = fit_judge_effects(_lenient_half(), shrinkage=0, spread_from=0)
    # Exact fit: Cy sits 0.1 above the others; leniencies add to 0, so Cy +2/30, the others
    # -1/30 each, and every quality comes out 1/30 above the fair judges' score.
    assert _effects(fit) == pytest.approx({"Ann": -1 / 30, "Bob": -1 / 30, "Cy": 2 / 30})
    assert fit.nominations.to_dict() == pytest.approx({e: q + 1 / 30 for e, q in QUALITY.items()})
    # Each judge's own score, leniency taken out, agrees with the quality exactly.
    panel = _lenient_half()
    assert fit.scores.to_numpy() == pytest.approx(
        fit.nominations.reindex(panel["Nomination ID"]).to_numpy()
    )
    # Nothing left over, so the standard errors are 0; every judge is in the one group.
    assert fit.judges["Uncertainty"].to_numpy() == pytest.approx(0, abs=1e-9)
    assert set(fit.judges["Group"]) == {"1 of 1"} and not fit.groups
    # The plain mean, by contrast, lifts e3 and e4 by a third of Cy's leniency.
    raw = panel.groupby("Nomination ID")["Weighted"].mean()
    assert raw["e4"] - raw["e1"] == pytest.approx(0.6 + 0.1 / 3)


def test_shrinkage_pulls_a_judge_with_few_scores_towards_zero_by_hand():
    # Ann scores all four, Cy only e4 (10 points above Ann). Leniency d = l_Cy - l_Ann; the
    # two leniencies add to 0. Per judge: (n + lambda) l - (shared) = sum of deviations, which
    # for this panel gives l_Cy = 0.05 / (1 + lambda) (the half of 0.1 that is Cy's share
    # when the quality of e4 is its two scores' mean), so lambda = 1 halves it.
    rows = [("Ann", e, q) for e, q in QUALITY.items()] + [("Cy", "e4", 0.9)]
    exact = _effects(fit_judge_effects(_panel(rows), shrinkage=0, spread_from=0))
    assert exact["Cy"] == pytest.approx(0.05)
    shrunk = _effects(fit_judge_effects(_panel(rows), shrinkage=1, spread_from=0))
    assert shrunk["Cy"] == pytest.approx(0.025)
    assert shrunk["Ann"] == pytest.approx(-0.025)


def test_judge_with_constant_scores_gets_a_leniency_and_a_small_spread():
    # Ann and Bob score the field fairly; Kim gives every nomination 90%. Kim's leniency is
    # the distance of 90% from the others' mean score (50%); with the spread term on, Kim
    # hardly tells nominations apart (floor), so the qualities follow Ann and Bob.
    rows = [(j, e, q) for e, q in QUALITY.items() for j in ("Ann", "Bob")]
    rows += [("Kim", e, 0.9) for e in QUALITY]
    additive = fit_judge_effects(_panel(rows), shrinkage=0, spread_from=0)
    lv = _effects(additive)
    assert lv["Kim"] == pytest.approx(0.4 * 2 / 3)  # 0.4 above, shared so the three add to 0
    assert lv["Ann"] == pytest.approx(-0.4 / 3) and lv["Bob"] == pytest.approx(-0.4 / 3)
    # Additive only: Kim's constant score flattens the field (differences are 2/3 of true).
    assert additive.nominations["e4"] - additive.nominations["e1"] == pytest.approx(0.6 * 2 / 3)

    spread = fit_judge_effects(_panel(rows), shrinkage=0, spread_from=4)
    kim = spread.judges.set_index("Judge").loc["Kim"]
    assert kim["Spread"] == pytest.approx(MIN_SPREAD)
    assert kim["Leniency"] > 0.2
    q = spread.nominations
    assert list(q.sort_values().index) == ["e1", "e2", "e3", "e4"]


def test_disconnected_panel_is_named_and_each_group_averages_zero():
    rows = [
        ("Ann", "e1", 0.5),
        ("Ann", "e2", 0.7),
        ("Bob", "e1", 0.6),
        ("Cy", "e3", 0.9),
        ("Dee", "e3", 0.8),
        ("Dee", "e4", 0.4),
        ("Eve", "e5", 0.3),
    ]
    fit = fit_judge_effects(_panel(rows, "Star"), shrinkage=0, spread_from=0)
    j = fit.judges.set_index("Judge")
    assert j["Group"].to_dict() == {
        "Ann": "1 of 3",
        "Bob": "1 of 3",
        "Cy": "2 of 3",
        "Dee": "2 of 3",
        "Eve": "3 of 3",
    }
    # By hand: Ann and Bob differ by 0.1 on e1 -> -0.05 / +0.05; Cy and Dee by 0.1 on e3.
    assert j["Leniency"].to_dict() == pytest.approx(
        {"Ann": -0.05, "Bob": 0.05, "Cy": 0.05, "Dee": -0.05, "Eve": 0.0}
    )
    # Qualities: e1 is the mean of its scores; e2 is Ann's 0.7 + 0.05.
    assert fit.nominations.to_dict() == pytest.approx(
        {"e1": 0.55, "e2": 0.75, "e3": 0.85, "e4": 0.45, "e5": 0.3}
    )
    assert np.isnan(j.loc["Eve", "Uncertainty"])
    assert "not measured" in j.loc["Eve", "Note"]
    assert len(fit.groups) == 1
    assert all(name in fit.groups[0] for name in ("Ann", "Bob", "Cy", "Dee", "Eve", "Star"))


def test_categories_are_fitted_apart():
    one = _lenient_half()
    two = _lenient_half().assign(Category="Y", Weighted=lambda f: f["Weighted"] * 0.5)
    two["Nomination ID"] = two["Nomination ID"] + "y"
    both = fit_judge_effects(pd.concat([one, two], ignore_index=True), shrinkage=0)
    alone = fit_judge_effects(one, shrinkage=0)
    x = both.judges[both.judges["Category"] == "X"].reset_index(drop=True)
    pd.testing.assert_frame_equal(x, alone.judges)


def test_negative_shrinkage_is_refused():
    with pytest.raises(ValueError):
        fit_judge_effects(_lenient_half(), shrinkage=-1)


def test_empty_panel():
    fit = fit_judge_effects(_panel([]))
    assert fit.nominations.empty and fit.judges.empty and not fit.groups


# ---- invariants ---------------------------------------------------------------------------
QUICK = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@hs.composite
def panels(draw):
    """A random partial panel: 3-6 judges, 4-10 nominations, 2-3 judges per nomination,
    scores on a 20-step grid (so exact ties are possible)."""
    n_j = draw(hs.integers(3, 6))
    n_e = draw(hs.integers(4, 10))
    rows = []
    for e in range(n_e):
        k = draw(hs.integers(2, min(3, n_j)))
        judges = draw(hs.permutations(range(n_j)))[:k]
        for j in judges:
            rows.append((f"J{j}", f"e{e}", draw(hs.integers(0, 20)) / 20))
    return _panel(rows)


def _ranking(values: pd.Series) -> list[str]:
    q = values.round(6)
    return list(q.index[np.lexsort((q.index.to_numpy(), -q.to_numpy()))])


@QUICK
@given(panels(), hs.floats(-0.3, 0.3), hs.integers(0, 5), hs.sampled_from([0, 3]))
def test_adding_a_constant_to_one_judge_leaves_the_ranking_unchanged(
    panel, shift, which, spread_from
):
    # Exactly true without shrinkage (the leniency absorbs the constant); with shrinkage a
    # judge is by design only partly corrected.
    judge = sorted(set(panel["Judge"]))[which % panel["Judge"].nunique()]
    before = fit_judge_effects(panel, shrinkage=0, spread_from=spread_from)
    moved = panel.assign(Weighted=panel["Weighted"] + np.where(panel["Judge"] == judge, shift, 0.0))
    after = fit_judge_effects(moved, shrinkage=0, spread_from=spread_from)
    diff = after.nominations - before.nominations.reindex(after.nominations.index)
    # Per group of linked judges every quality moves by the same amount, so no nomination
    # overtakes another it can be compared with.
    groups = before.judges.set_index("Judge")["Group"]
    group_of = panel.groupby("Nomination ID")["Judge"].first().map(groups)
    for _, ids in group_of.groupby(group_of):
        d = diff.reindex(ids.index)
        assert d.max() - d.min() == pytest.approx(0, abs=1e-7)
    if group_of.nunique() == 1:
        assert _ranking(after.nominations - diff.mean()) == _ranking(before.nominations)


@QUICK
@given(panels(), hs.randoms(use_true_random=False), hs.sampled_from([0.0, 2.0]))
def test_permuting_rows_changes_nothing(panel, rnd, shrinkage):
    before = fit_judge_effects(panel, shrinkage=shrinkage)
    order = list(panel.index)
    rnd.shuffle(order)
    after = fit_judge_effects(panel.loc[order], shrinkage=shrinkage)
    pd.testing.assert_series_equal(after.nominations, before.nominations)
    pd.testing.assert_frame_equal(after.judges, before.judges)
    pd.testing.assert_series_equal(after.scores.sort_index(), before.scores.sort_index())


@QUICK
@given(panels(), hs.sampled_from([0.0, 1.0, 5.0]), hs.sampled_from([0, 3]))
def test_leniencies_add_to_zero_in_every_group(panel, shrinkage, spread_from):
    fit = fit_judge_effects(panel, shrinkage=shrinkage, spread_from=spread_from)
    sums = fit.judges.groupby("Group")["Leniency"].sum()
    assert sums.to_numpy() == pytest.approx(0, abs=1e-9)
    assert fit.judges["Spread"].between(MIN_SPREAD - 1e-12, 4 + 1e-12).all()


# ---- through score() ----------------------------------------------------------------------
def _rows_for(scores: dict[str, dict[str, tuple[int, int]]]) -> dict:
    rows = small.rows()
    rows["Scores"] = [
        {"Judge": j, "Nomination ID": n, "Criterion": c, "Score": s[k]}
        for j, by in scores.items()
        for n, s in by.items()
        for k, c in enumerate(("Care", "Speed"))
    ]
    return rows


def test_harsh_judge_with_the_strong_nominations_through_score():
    # Jo and Kim score everything alike; Lee is harsh (two points lower) and scored only N1
    # and N3. N1 is best (Jo and Kim both put it first, 100% against 92%). The raw mean sinks
    # N1 below N2 with Lee's harshness; judge-effect ranking recovers the order Jo and Kim
    # agree on.
    scores = {
        "Jo Judge": {"N1": (5, 5), "N2": (5, 4), "N3": (3, 3)},
        "Kim Judge": {"N1": (5, 5), "N2": (5, 4), "N3": (3, 3)},
        "Lee Judge": {"N1": (3, 3), "N3": (1, 1)},
    }
    data = data_from_rows(_rows_for(scores), {**small.SETTINGS, "judge_shrinkage": 0})
    results = score(data, ScoringSettings(rank_by="judge-effect", shrinkage=0, trim_from=0))
    res = results.nominations.set_index("Nomination ID")
    assert res["Ranked on"].unique().tolist() == ["judge-effect"]
    assert res["Rank"].to_dict() == {"N1": 1, "N2": 2, "N3": 3}
    assert res.loc["N1", "Place"] == "winner"
    lee = results.effects.set_index("Judge").loc["Lee Judge"]
    assert lee["Leniency"] < -0.2 and lee["Scores"] == 2
    raw = score(data, ScoringSettings(rank_by="raw", trim_from=0)).nominations
    assert raw.set_index("Nomination ID")["Rank"].to_dict() == {"N2": 1, "N1": 2, "N3": 3}
    tables = results.to_tables()
    assert {"JudgeEffects", "WinnersExplained"} <= set(tables)
    explained = tables["WinnersExplained"].iloc[0]
    assert explained["Nomination ID"] == "N1" and explained["Ranked on"] == "judge-effect"
    assert "Lee Judge 60% (leniency -" in explained["By judge, with leniency"]
    assert explained["Decided by"].startswith("higher judge-effect score")


def test_settings_are_read_from_the_workbook():
    data = data_from_rows(
        _rows_for({"Jo Judge": {"N1": (5, 5)}}),
        {**small.SETTINGS, "judge_shrinkage": 0, "judge_spread_from": 0, "rank_by": "judge-effect"},
    )
    s = ScoringSettings.from_data(data)
    assert (s.rank_by, s.shrinkage, s.spread_from) == ("judge-effect", 0.0, 0)
    default = ScoringSettings.from_data(data_from_rows(small.rows(), small.SETTINGS))
    assert (default.shrinkage, default.spread_from) == (1.0, 5)


def _split_panel_rows() -> dict:
    rows = small.rows()
    rows["Categories"][0]["Min judges"] = 1
    rows["Scores"] = [
        {"Judge": j, "Nomination ID": n, "Criterion": c, "Score": 3}
        for j, noms in {"Jo Judge": ["N1", "N2"], "Kim Judge": ["N3"], "Lee Judge": ["N3"]}.items()
        for n in noms
        for c in ("Care", "Speed")
    ]
    return rows


def test_unlinked_judges_are_a_warning_on_the_judges_sheet():
    from automation.validate import validate

    data = data_from_rows(_split_panel_rows(), small.SETTINGS)
    found = [i for i in validate(data) if i.code == "judges-not-linked"]
    assert len(found) == 1
    issue = found[0]
    assert (issue.severity, issue.sheet, issue.column, issue.value) == (
        "warning",
        "Judges",
        "Judge",
        "Kim Judge",
    )
    assert "Jo Judge" in issue.message and "Lee Judge" in issue.message
    # Scoring says the same on the Judging sheet and in its notes.
    results = score(data)
    assert len(results.judge_groups) == 1 and "Kim Judge and Lee Judge" in results.judge_groups[0]
    assert set(results.effects["Group"]) == {"1 of 2", "2 of 2"}
    # Ranking on raw scores never compares judges, so there is nothing to warn about.
    raw = data_from_rows(_split_panel_rows(), {**small.SETTINGS, "rank_by": "raw"})
    assert not [i for i in validate(raw) if i.code == "judges-not-linked"]
