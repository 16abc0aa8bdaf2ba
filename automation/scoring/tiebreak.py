"""Rank nominations within a category and period, breaking ties with the declared chain.

The chain comes from the Categories sheet (Tie-break 1, 2, 3) and is applied the same way
every time: scores are compared to a fixed precision, each rule only separates nominations
still tied after the rules before it, and what is still tied after the chain (or at a
'panel vote' rule) shares a rank and is flagged for the panel to decide.

Tie-breaking is lexicographic, so the order comes from refining one sort rule by rule over
integer codes of the keys (not a recursive split per tied group with a key function per
nomination: a benchmark with 20,000 nominations has thousands of tied groups). Each note
still describes the group it was made for, as the recursive version wrote it:
tests/support/tiebreak_reference.py is that version, and the oracle of tests/test_tiebreak.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

PRECISION = 9  # decimal places: equal to this precision counts as a tie
PANEL_VOTE = "panel vote"

# A rule's keys for the nominations at the given positions: a sequence of tuples (compared
# element by element, higher first, a tuple before any longer one it starts), a 1-D numeric
# array meaning one-number keys, or a 2-D numeric array of tuples as rows, a shorter one
# padded with +inf (so it comes before the longer ones it starts, as a tuple does). Asked for
# only the nominations a rule is reached for, like the per-nomination key functions before.
KeyFn = Callable[[np.ndarray], "Sequence[tuple] | np.ndarray"]
# A rule's own wording of those nominations' keys ("" to show the key itself).
DescribeFn = Callable[[np.ndarray], Sequence[str]]


@dataclass
class Ranking:
    """The ranked nominations best first, as positions into the ids given to :func:`rank`,
    with each one's rank (shared by a tie left unresolved), tie note and unresolved flag."""

    order: np.ndarray
    rank: np.ndarray
    note: list[str]
    unresolved: np.ndarray


def key_part(v: object) -> str:
    """One element of a key as a note shows it: a fraction as a percentage."""
    if isinstance(v, float):
        return f"{v:.2f}" if abs(v) >= 2 else f"{v * 100:.1f}%"
    return str(v)


def _fmt(key: tuple) -> str:
    return "/".join(key_part(v) for v in key)


def _descending(key: tuple) -> tuple:
    return tuple(-x if isinstance(x, int | float) else x for x in key)


def _codes(values: Sequence[tuple] | np.ndarray) -> np.ndarray:
    """Integer codes of keys: equal keys share a code, and a lower code wins."""
    if isinstance(values, np.ndarray) and values.ndim == 2:
        # Rows sorted on their first column, then the next...: a row's code is how many
        # different rows sort before it. Thousands of tied nominations, sorted in C.
        worse = -values
        order = np.lexsort(worse.T[::-1]) if worse.shape[1] else np.arange(len(worse))
        ranked = worse[order]
        new = np.r_[False, (ranked[1:] != ranked[:-1]).any(axis=1)] if len(ranked) else []
        codes = np.empty(len(worse), dtype=np.int64)
        codes[order] = np.cumsum(new)
        return codes
    if isinstance(values, np.ndarray):
        return np.unique(-values, return_inverse=True)[1].reshape(-1)
    # Each distinct key once: the few distinct keys are sorted in Python, as tuples compare.
    index: dict = {}
    codes = np.fromiter(
        (index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values)
    )
    distinct = list(index)
    best_first = sorted(range(len(distinct)), key=lambda i: _descending(distinct[i]))
    code_of = np.empty(len(distinct), dtype=np.int64)
    code_of[best_first] = np.arange(len(distinct))
    return code_of[codes]


def _as_tuples(values: Sequence[tuple] | np.ndarray) -> list[tuple]:
    if isinstance(values, np.ndarray) and values.ndim == 2:
        return [tuple(v for v in row if v != np.inf) for row in values.tolist()]
    if isinstance(values, np.ndarray):
        return [(v,) for v in values.tolist()]
    return list(values)


def _runs(start: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For flags marking where runs begin: each slot's run, and the runs' starts and ends."""
    begins = np.flatnonzero(start)
    ends = np.r_[begins[1:], len(start)]
    return np.cumsum(start) - 1, begins, ends


def rank(
    ids: Sequence[str],
    scores: Sequence[float],
    rules: Sequence[str],
    keys: Mapping[str, KeyFn],
    describe: Mapping[str, DescribeFn] | None = None,
) -> Ranking:
    """Order nominations by score (high first) and break ties with ``rules`` in order.

    ``ids`` are distinct, ``scores`` are known (not NaN). ``keys`` maps each rule to a
    function giving the keys of nominations (higher wins) at positions into ``ids``;
    ``describe`` optionally words them. Nominations still tied when the rules run out (or
    at a 'panel vote' rule) share a rank and are unresolved; ties are ordered by ID.
    """
    describe = describe or {}
    ids = list(ids)
    scores = [float(v) for v in scores]
    n = len(ids)
    if not n:
        empty = np.zeros(0, dtype=np.int64)
        return Ranking(order=empty, rank=empty, note=[], unresolved=np.zeros(0, dtype=bool))
    # Python's round, as scores were always compared (numpy's rounds some halves otherwise),
    # of each distinct score once: ties make for few.
    distinct, which = np.unique(np.asarray(scores, dtype=float), return_inverse=True)
    rounded = np.array([round(v, PRECISION) for v in distinct.tolist()], dtype=float)[which]
    by_id = np.empty(n, dtype=np.int64)
    by_id[np.argsort(np.asarray(ids, dtype=object), kind="stable")] = np.arange(n)
    order = np.lexsort((by_id, -rounded))
    score_of = rounded[order]
    start = np.r_[True, score_of[1:] != score_of[:-1]]
    run, begins, ends = _runs(start)
    tied = (ends - begins)[run] >= 2
    note = [""] * n  # per slot of ``order``
    unresolved = np.zeros(n, dtype=bool)
    ending = "not separated by the tie-break rules: panel decides"

    def tied_on(members: np.ndarray) -> str:
        # The members of a tied run in ID order: the order it has until a rule splits it.
        members = members.tolist()
        return f"Tied on {scores[members[0]] * 100:.1f}% ({', '.join(ids[m] for m in members)})"

    for rule in rules:
        if rule == PANEL_VOTE:
            ending = "needs a panel vote"
            break
        fn = keys.get(rule)
        if fn is None:
            continue
        if not tied.any():
            break
        asked = order[tied]
        values = fn(asked)
        code = np.zeros(n, dtype=np.int64)
        code[asked] = _codes(values)
        # Within each tied run, by this rule's key and then by ID (the sort is stable and
        # the run is in ID order); the runs keep their places.
        before = order
        order = order[np.lexsort((code[order], run))]
        slot_code = code[order]
        splits = start | np.r_[True, slot_code[1:] != slot_code[:-1]]
        split_runs = np.unique(run[splits & ~start]).tolist()
        if not split_runs:
            continue
        in_split = np.zeros(n, dtype=bool)
        for r in split_runs:
            in_split[begins[r] : ends[r]] = True
        shown = order[in_split].tolist()
        words = describe.get(rule)
        said = list(words(np.asarray(shown))) if words is not None else [""] * len(shown)
        # A key the rule does not word is shown as it is.
        blank = [i for i, w in enumerate(said) if not w]
        if blank:
            value_of = dict(zip(asked.tolist(), _as_tuples(values), strict=True))
            for i in blank:
                said[i] = _fmt(value_of[shown[i]])
        text = {m: f"{ids[m]} {w}" for m, w in zip(shown, said, strict=True)}
        new_run, new_begins, new_ends = _runs(splits)
        alone = ((new_ends - new_begins)[new_run] == 1).tolist()
        for r in split_runs:
            a, b = int(begins[r]), int(ends[r])
            detail = " v ".join(text[m] for m in order[a:b].tolist())
            split_note = f"{tied_on(before[a:b])}; separated by {rule} ({detail})"
            for s in range(a, b):
                if alone[s]:
                    note[s] = split_note
        start, run, begins, ends = splits, new_run, new_begins, new_ends
        tied = (ends - begins)[run] >= 2
    for r in np.unique(run[tied]).tolist():
        a, b = int(begins[r]), int(ends[r])
        final = f"{tied_on(order[a:b])}; {ending}"
        for s in range(a, b):
            note[s] = final
        unresolved[a:b] = True
    return Ranking(order=order, rank=(begins + 1)[run], note=note, unresolved=unresolved)
