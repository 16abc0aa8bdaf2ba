"""Tie-breaking on arrays gives what the recursive per-nomination version gave: the same order,
ranks, notes (nested for sub-groups) and unresolved flags, asking each rule for the keys of
the same nominations."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as hs

from automation.scoring import tiebreak
from tests.support import tiebreak_reference as reference

# Rules with tuple keys of any length (as tuples, and as rows of a matrix padded with +inf),
# one-number keys given as tuples or as an array, an unknown rule (skipped) and the panel
# vote (stops the chain).
RULES = [
    "criteria",
    "matrix criteria",
    "count",
    "array count",
    "array share",
    "unknown",
    tiebreak.PANEL_VOTE,
]
SCORES = [0.5, 0.5 + 1e-10, 0.5 + 1e-8, 0.75, 1.0, 0.0, -0.0, 0.25, 3.0]
PART = hs.sampled_from([0.2, 0.4, 0.40000000001, 2.5, -0.0, 0.0, 1, 3])


@hs.composite
def cases(draw):
    ids = draw(hs.lists(hs.text("AaBé1 ", min_size=1, max_size=3), unique=True, max_size=14))
    n = len(ids)
    return {
        "ids": ids,
        "scores": draw(hs.lists(hs.sampled_from(SCORES), min_size=n, max_size=n)),
        "rules": draw(hs.lists(hs.sampled_from(RULES), max_size=4)),
        "criteria": draw(hs.lists(hs.lists(PART, max_size=3).map(tuple), min_size=n, max_size=n)),
        "count": draw(hs.lists(hs.integers(0, 2), min_size=n, max_size=n)),
        "array count": draw(
            hs.lists(hs.sampled_from([-(2**63 - 1), -5, 0, 3]), min_size=n, max_size=n)
        ),
        "array share": draw(
            hs.lists(hs.sampled_from([0.1, -0.0, 0.0, 2.5, -3.0]), min_size=n, max_size=n)
        ),
        "said": draw(hs.lists(hs.sampled_from(["", "two", "3"]), min_size=n, max_size=n)),
    }


def _both(case):
    """The reference's and the array version's rankings as lists of Ranked, and the
    nominations each asked every rule's key and wording for."""
    ids = case["ids"]
    pos = {n: i for i, n in enumerate(ids)}
    asked = {"reference": {}, "arrays": {}}

    def per_nomination(rule, values, what="key"):
        def fn(n):
            asked["reference"].setdefault((what, rule), set()).add(n)
            return values[pos[n]]

        return fn

    def batch(rule, values, array=False, what="key"):
        def fn(at):
            asked["arrays"].setdefault((what, rule), set()).update(ids[i] for i in at)
            picked = [values[i] for i in at]
            return np.array(picked) if array else picked

        return fn

    def matrix(rule, values):
        def fn(at):
            asked["arrays"].setdefault(("key", rule), set()).update(ids[i] for i in at)
            rows = np.full((len(at), max((len(values[i]) for i in at), default=0)), np.inf)
            for k, i in enumerate(at):
                rows[k, : len(values[i])] = values[i]
            return rows

        return fn

    # A matrix holds floats: the reference gets the same keys as float tuples.
    floats = [tuple(float(v) for v in key) for key in case["criteria"]]

    one = {r: [(v,) for v in case[r]] for r in ("count", "array count", "array share")}
    expected = _reference(
        dict(zip(ids, case["scores"], strict=True)),
        case["rules"],
        {
            "criteria": per_nomination("criteria", case["criteria"]),
            "matrix criteria": per_nomination("matrix criteria", floats),
            **{r: per_nomination(r, one[r]) for r in one},
        },
        {"count": per_nomination("count", case["said"], what="words")},
    )
    ranking = tiebreak.rank(
        ids,
        case["scores"],
        case["rules"],
        {
            "criteria": batch("criteria", case["criteria"]),
            "matrix criteria": matrix("matrix criteria", case["criteria"]),
            "count": batch("count", one["count"]),
            "array count": batch("array count", case["array count"], array=True),
            "array share": batch("array share", case["array share"], array=True),
        },
        {"count": batch("count", case["said"], what="words")},
    )
    got = [
        reference.Ranked(ids[o], int(r), note, bool(u))
        for o, r, note, u in zip(
            ranking.order, ranking.rank, ranking.note, ranking.unresolved, strict=True
        )
    ]
    return expected, got, asked


def _reference(*args):
    try:
        return reference.rank(*args)
    except TypeError:
        # The reference compared the nomination ID with a key's next element when one key
        # is the start of another: see test_a_key_that_starts_another_ranks_first.
        return None


@settings(max_examples=400, deadline=None)
@given(cases())
def test_array_ranking_equals_the_recursive_reference(case):
    expected, got, asked = _both(case)
    assume(expected is not None)
    assert got == expected
    assert asked["arrays"] == asked["reference"]


def _case(ids, scores, rules, **keys):
    n = len(ids)
    return {
        "ids": ids,
        "scores": scores,
        "rules": rules,
        "criteria": keys.get("criteria", [()] * n),
        "count": keys.get("count", [0] * n),
        "array count": keys.get("array_count", [0] * n),
        "array share": keys.get("array_share", [0.0] * n),
        "said": keys.get("said", [""] * n),
    }


def test_nested_notes_for_a_sub_group_split_by_a_later_rule():
    case = _case(
        ["N3", "N1", "N2", "N4"],
        [0.8, 0.8, 0.8, 0.5],
        ["criteria", "count"],
        criteria=[(0.6, 0.2), (0.6, 0.2), (0.8,), ()],
        count=[1, 2, 0, 0],
    )
    expected, got, _ = _both(case)
    assert got == expected
    assert [r.nomination for r in got] == ["N2", "N1", "N3", "N4"]
    assert [r.rank for r in got] == [1, 2, 3, 4]
    assert got[0].tie_note == (
        "Tied on 80.0% (N1, N2, N3); separated by criteria "
        "(N2 80.0% v N1 60.0%/20.0% v N3 60.0%/20.0%)"
    )
    assert got[1].tie_note == "Tied on 80.0% (N1, N3); separated by count (N1 2 v N3 1)"
    assert got[3].tie_note == "" and not any(r.unresolved for r in got)


def test_panel_vote_stops_the_chain_and_ties_share_a_rank():
    case = _case(
        ["B", "A", "C", "D"],
        [0.9, 0.9, 0.9, 0.9 + 1e-12],  # D ties: scores equal to nine places
        ["unknown", "array count", tiebreak.PANEL_VOTE, "count"],
        array_count=[1, 1, 1, 0],
        count=[1, 2, 3, 4],
    )
    expected, got, asked = _both(case)
    assert got == expected and asked["arrays"] == asked["reference"]
    assert [(r.nomination, r.rank, r.unresolved) for r in got] == [
        ("A", 1, True),
        ("B", 1, True),
        ("C", 1, True),
        ("D", 4, False),
    ]
    assert got[0].tie_note == "Tied on 90.0% (A, B, C); needs a panel vote"
    assert ("key", "count") not in asked["arrays"]  # never reached


def test_ties_left_after_the_chain_share_a_rank_and_the_next_rank_skips():
    case = _case(["X", "W", "Z", "Y"], [0.7, 0.7, 0.6, 0.6], ["count"], count=[5, 5, 1, 1])
    expected, got, _ = _both(case)
    assert got == expected
    assert [(r.nomination, r.rank) for r in got] == [("W", 1), ("X", 1), ("Y", 3), ("Z", 3)]
    assert got[2].tie_note == (
        "Tied on 60.0% (Y, Z); not separated by the tie-break rules: panel decides"
    )
    assert all(r.unresolved for r in got)


def test_no_nominations():
    ranking = tiebreak.rank([], [], ["count"], {})
    assert len(ranking.order) == 0 and ranking.note == []


def test_a_key_that_starts_another_ranks_first():
    """Criterion means in tie-break order for a nomination scored on fewer criteria (each
    judge skipped one) end where the others' go on: as tuples compare, the shorter ranks
    first. The recursive version raised a TypeError here (it compared the ID with a score)."""
    case = _case(["N1", "N2"], [0.8, 0.8], ["criteria"], criteria=[(0.8, 0.8), (0.8,)])
    expected, got, _ = _both(case)
    assert expected is None
    assert [(r.nomination, r.rank, r.unresolved) for r in got] == [
        ("N2", 1, False),
        ("N1", 2, False),
    ]
    assert got[0].tie_note == (
        "Tied on 80.0% (N1, N2); separated by criteria (N2 80.0% v N1 80.0%/80.0%)"
    )


def test_a_shorter_matrix_row_ranks_first_as_a_tuple_does():
    """The same keys as rows of a matrix, the shorter padded with +inf: the same order, and
    the note shows the keys without the padding."""
    case = _case(["N1", "N2"], [0.8, 0.8], ["matrix criteria"], criteria=[(0.8, 0.8), (0.8,)])
    _, got, _ = _both(case)
    assert [(r.nomination, r.rank) for r in got] == [("N2", 1), ("N1", 2)]
    assert got[0].tie_note == (
        "Tied on 80.0% (N1, N2); separated by matrix criteria (N2 80.0% v N1 80.0%/80.0%)"
    )


def test_criterion_keys_are_a_padded_matrix_or_tuples_when_a_fraction_is_not_finite():
    import pandas as pd

    from automation.scoring.results import criterion_keys

    def by_crit(fracs):
        return pd.DataFrame(
            {
                "Nomination ID": ["N1", "N1", "N2"],
                "Criterion": ["A", "B", "A"],
                "frac": fracs,
                "order": [1.0, 2.0, 1.0],
                "weight": [50.0, 50.0, 100.0],
            }
        ).set_index(["Nomination ID", "Criterion"])

    keys = criterion_keys(by_crit([0.5, 0.25, 0.75])).in_order(np.array(["N2", "N1", "N9"]))
    assert keys.tolist() == [[0.75, np.inf], [0.5, 0.25], [np.inf, np.inf]]
    # A fraction of a scale whose maximum is 0 is infinite: kept as tuples, as before.
    keys = criterion_keys(by_crit([np.inf, 0.25, 0.75])).in_order(np.array(["N2", "N1", "N9"]))
    assert keys == [(0.75,), (np.inf, 0.25), ()]
