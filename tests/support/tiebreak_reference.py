"""Tie-breaking as it was before it was done on arrays: a recursive split of each tied group
with a Python key function per rule, called per nomination.

Kept only as the reference the array version in automation/scoring/tiebreak.py must agree
with, rank for rank and note for note (tests/test_tiebreak.py); nothing in the package uses
it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

PRECISION = 9  # decimal places: equal to this precision counts as a tie
PANEL_VOTE = "panel vote"


@dataclass
class Ranked:
    nomination: str
    rank: int
    tie_note: str = ""
    unresolved: bool = False


KeyFn = Callable[[str], tuple]


def _fmt(key: tuple) -> str:
    parts = []
    for v in key:
        if isinstance(v, float):
            parts.append(f"{v:.2f}" if abs(v) >= 2 else f"{v * 100:.1f}%")
        else:
            parts.append(str(v))
    return "/".join(parts)


def rank(
    scores: dict[str, float],
    rules: Sequence[str],
    keys: dict[str, KeyFn],
    describe: dict[str, Callable[[str], str]] | None = None,
) -> list[Ranked]:
    """Order nominations by score (high first) and break ties with ``rules`` in order.

    ``keys`` maps each rule to a function giving a nomination's key (higher wins).
    """
    describe = describe or {}
    rounded = {n: round(v, PRECISION) for n, v in scores.items()}
    order = sorted(scores, key=lambda n: (-rounded[n], n))
    groups: list[list[str]] = []
    for n in order:
        if groups and rounded[groups[-1][0]] == rounded[n]:
            groups[-1].append(n)
        else:
            groups.append([n])
    result: list[Ranked] = []
    position = 1
    for group in groups:
        if len(group) == 1:
            result.append(Ranked(group[0], position))
            position += 1
            continue
        for chunk, note, unresolved in _split(group, list(rules), keys, describe, scores):
            for n in chunk:
                result.append(Ranked(n, position, note, unresolved))
            position += len(chunk)
    return result


def _split(group: list[str], rules: list[str], keys: dict[str, KeyFn], describe, scores):
    """Yield (members, note, unresolved) in final order for one tied group."""
    others = ", ".join(group)
    base = f"Tied on {scores[group[0]] * 100:.1f}% ({others})"
    for i, rule in enumerate(rules):
        if rule == PANEL_VOTE:
            yield group, f"{base}; needs a panel vote", True
            return
        fn = keys.get(rule)
        if fn is None:
            continue
        k = {n: fn(n) for n in group}
        if len(set(k.values())) == 1:
            continue
        ordered = sorted(
            group, key=lambda n: tuple(-x if isinstance(x, int | float) else x for x in k[n]) + (n,)
        )
        sub: list[list[str]] = []
        for n in ordered:
            if sub and k[sub[-1][0]] == k[n]:
                sub[-1].append(n)
            else:
                sub.append([n])
        detail = " v ".join(f"{n} {describe.get(rule, _default)(n) or _fmt(k[n])}" for n in ordered)
        note = f"{base}; separated by {rule} ({detail})"
        for s in sub:
            if len(s) == 1:
                yield s, note, False
            else:
                yield from _split(s, rules[i + 1 :], keys, describe, scores)
        return
    yield group, f"{base}; not separated by the tie-break rules: panel decides", True


def _default(_: str) -> str:
    return ""
