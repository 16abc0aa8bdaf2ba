"""One spelling per name: a cell naming a judge, nomination, category, period, team or member
of staff as another table writes it, but in other case ('helen okafor', 'customer hero'),
takes that table's spelling when the workbook is read.

The rules match such names by key (``automation.keys``), so they accepted both spellings;
but scoring groups rows by their text and the documents print it. Two spellings of one judge
were two judges to the normalisation, a score row typed 'n-0001' was left out of N-0001's
score, and a nomination whose category was typed in lower case was ranked as a category of
its own, with a winner of its own. A cell that matches nothing keeps what was typed, so the
problem reported about it shows it as typed.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from automation import schema
from automation.keys import key, keyed

# Names matched by key that no column's ``ref`` declares: the nominee (a member of staff, or
# a team for a team award) and the criterion a score is for.
_MATCHED = {
    ("Nominations", "Nominee"): (("Staff", "Name"), ("Teams", "Team")),
    ("Conflicts", "Nominee"): (("Staff", "Name"), ("Teams", "Team")),
    ("PastWinners", "Nominee"): (("Staff", "Name"), ("Teams", "Team")),
    ("Scores", "Criterion"): (("Criteria", "Criterion"),),
}


def _sources() -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """Each (table, column) that names something, and where its spelling comes from."""
    out: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
    for spec in schema.TABLES:
        for col in spec.input_columns:
            if col.ref and spec.owner == "user":
                table, column = col.ref.split(".")
                out[spec.name, col.name] = ((table, column),)
    return {**out, **_MATCHED}


SOURCES = _sources()

# A table (with its columns) as the reader has mapped it so far.
Frames = Mapping[str, pd.DataFrame]


def spellings(frames: Frames, sources: tuple[tuple[str, str], ...]) -> dict[str, str] | None:
    """Each key's spelling in the source columns (the first row of a key wins, as in the
    lookups), or None while a source table is not read yet."""
    out: dict[str, str] = {}
    for table, column in reversed(sources):  # the first source wins: it goes in last
        frame = frames.get(table)
        if frame is None:
            return None
        if column not in frame.columns:
            continue
        names = frame[column].dropna()
        names = names[[isinstance(v, str) for v in names]]
        keys = key(names)
        out.update(zip(keys.to_numpy()[::-1], names.to_numpy()[::-1], strict=True))
    return out


def respelled(values: pd.Series, spelling: Mapping[str, str]) -> tuple[pd.Series | None, tuple]:
    """``values`` with each name that matches a key in the source's spelling, or None when
    every name is spelled so already (the common case: nothing is copied); and the column's
    keys as ``keys.keyed`` gives them, for the keys cache (the same whichever spelling)."""
    keyed_ = keyed(values)
    rows, texts = keyed_[1], keyed_[3]
    if rows is None:  # a short column: its distinct texts are worked out here
        rows, texts = pd.factorize(values.to_numpy(dtype=object))
    if not len(texts) or not spelling:
        return None, keyed_
    if keyed_[2] is not None:  # the distinct texts' keys, worked out by ``keyed`` already
        keys = keyed_[2]
    else:  # non-text cells (a number typed as a name) match nothing: no key
        names = [t if isinstance(t, str) else None for t in texts]
        keys = key(pd.Series(names, dtype=object))
    found = pd.Series(keys.to_numpy(dtype=object)).map(spelling).to_numpy(dtype=object)
    canon = np.where(pd.isna(found), texts, found)
    if (canon == texts).all():
        return None, keyed_
    out = canon[rows.clip(min=0)]
    out[rows < 0] = None
    if keyed_[1] is not None:  # the same keys and codes; the distinct texts as now spelled
        keyed_ = (keyed_[0], keyed_[1], keyed_[2], canon)
    return pd.Series(out, index=values.index, dtype=object), keyed_


def with_one_spelling(
    name: str, frame: pd.DataFrame, frames: Frames, known: dict | None = None
) -> tuple[pd.DataFrame | None, dict[str, tuple]]:
    """``frame`` (the table ``name``) with its names in their source's spelling, or None when
    nothing changes; and each such column's keys (``keys.keyed``), for the keys cache of the
    frame returned (or of ``frame`` when it is None). A column whose source table is not
    among ``frames`` is left as typed. ``known``: spellings already worked out, by source
    (the source columns never change)."""
    known = {} if known is None else known
    changed: dict[str, pd.Series] = {}
    keys_of: dict[str, tuple] = {}
    for (table, column), sources in SOURCES.items():
        if table != name or column not in frame.columns:
            continue
        if sources not in known:
            known[sources] = spellings(frames, sources)
        spelling = known[sources]
        if spelling is None:
            continue
        values, keys_of[column] = respelled(frame[column], spelling)
        if values is not None:
            changed[column] = values
    return (frame.assign(**changed) if changed else None), keys_of
