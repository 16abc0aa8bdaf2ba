"""Matching names the way a person would: ignoring case and stray spaces.

One definition, used wherever a judge, nominee, category or ID typed in one table is looked
up in another. Arrow-backed string operations keep this fast on 300,000-row columns.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from pandas.api.types import is_object_dtype

from automation.model import ProgrammeData

_KEY_DTYPE = "string[pyarrow]"


def _key_direct(s: pd.Series) -> pd.Series:
    return s.astype(_KEY_DTYPE).str.strip().str.lower()


def keyed(
    s: pd.Series,
) -> tuple[pd.Series, np.ndarray | None, pd.Series | None, np.ndarray | None]:
    """``key(s)``; when worked out per distinct text, also each row's code into those texts
    (-1 for missing), their keys and the texts themselves. The keys cache holds it; the
    reader, which keys some columns anyway, hands it on (``seed_keys``)."""
    values = s.to_numpy()
    # A long column of a few hundred distinct names (judges, criteria, IDs repeated per score):
    # key each distinct text once. Only for text cells: factorize would treat 1, 1.0 and True
    # as one value, whose texts differ.
    if len(s) > 1000 and is_object_dtype(s.dtype) and pd.api.types.infer_dtype(values) == "string":
        raw, uniques = pd.factorize(values)
        keyed = _key_direct(pd.Series(uniques, dtype=object))
        out = pd.Series(keyed.array.take(raw, allow_fill=True), index=s.index, name=s.name)
        return out, raw, keyed, uniques
    return _key_direct(s), None, None, None


def key(s: pd.Series) -> pd.Series:
    """Lower-case, trimmed text for matching; missing stays missing."""
    return keyed(s)[0]


def seed_keys(data: ProgrammeData, table: str, column: str, entry: tuple, frame) -> None:
    """Cache ``entry`` (``keyed`` of the column) as the keys of ``table``'s ``column`` when
    ``frame`` is the very table ``data`` holds (else a later frame would be keyed wrongly)."""
    if dict.get(data.tables, table) is frame and ("key", table, column) not in data.cache:
        data.cache[("key", table, column)] = entry
        data.cache[("key source", table, column)] = frame


def _codes(keyed: tuple[pd.Series, np.ndarray | None, pd.Series | None, np.ndarray | None]):
    out, raw, uniques, _ = keyed
    if raw is None:
        code, vocab = pd.factorize(out, use_na_sentinel=False)
        return code.astype(np.int64), pd.Index(vocab)
    # Codes of the few distinct texts' keys, spread to the rows; missing gets a code of its own.
    small, vocab = pd.factorize(uniques, use_na_sentinel=False)
    vocab = pd.Index(vocab)
    if (raw < 0).any():
        vocab = vocab.append(pd.Index(pd.array([pd.NA], dtype=vocab.dtype)))
    code = np.where(raw < 0, len(vocab) - 1, small.astype(np.int64)[raw.clip(min=0)])
    return code, vocab


def key_of(value: object) -> str:
    """The same key for a single value."""
    return str(value or "").strip().lower()


def _cached_keys(data: ProgrammeData, table: str, column: str):
    name = ("key", table, column)
    if name not in data.cache:
        data.cache[name] = keyed(data[table][column])
        data.cache[("key source", table, column)] = data[table]
    return data.cache[name]


def _cached_codes(data: ProgrammeData, table: str, column: str):
    name = ("codes", table, column)
    if name not in data.cache:
        data.cache[name] = _codes(_cached_keys(data, table, column))
    return data.cache[name]


def adopt_work(source: ProgrammeData, target: ProgrammeData) -> None:
    """Give ``target`` what ``source`` (a provisional read, made while the last big table
    loaded) worked out and cached. All of it when every table ``source`` holds is the very
    frame ``target`` holds (what asked for the table still loading raised, and cached
    nothing); else only the column keys of the frames they share (sidecar history rows make
    new frames on each read)."""
    held = list(dict.keys(source.tables))
    if all(dict.get(source.tables, t) is target.tables.get(t) for t in held):
        for name, value in source.cache.items():
            target.cache.setdefault(name, value)
        return
    for name, value in source.cache.items():
        if isinstance(name, tuple) and name[0] in ("key", "codes", "key source"):
            table = name[1]
            mine = dict.get(source.tables, table)
            if mine is not None and mine is dict.get(target.tables, table):
                target.cache.setdefault(name, value)


def column_key(data: ProgrammeData, table: str, column: str) -> pd.Series:
    """``key(data[table][column])``, worked out once per read (tables never change after it).

    Read-only: the same Series is handed to every caller.
    """
    return _cached_keys(data, table, column)[0]


def column_distinct(
    data: ProgrammeData, table: str, column: str
) -> tuple[np.ndarray, np.ndarray] | None:
    """Each cell's code into the column's distinct texts (-1 where blank) and those texts,
    when its keys were worked out already, per distinct text (a long column of text only),
    from the table ``data`` holds now; else None. Read-only.

    Lets a caller that needs every cell as text (a digest) work on the few distinct texts
    without paying for the keys when nothing needed them.
    """
    entry = data.cache.get(("key", table, column))
    if entry is None or entry[1] is None:
        return None
    if data.cache.get(("key source", table, column)) is not data.tables.get(table):
        return None  # a table replaced after its keys were cached
    return entry[1], entry[3]


def column_codes(data: ProgrammeData, table: str, column: str) -> tuple[np.ndarray, pd.Index]:
    """The column's keys as integer codes and the distinct keys they index (missing keys
    share one code), for matching on integers; once per read, read-only."""
    return _cached_codes(data, table, column)


# Key spaces up to this many combinations are matched through a lookup table (8 bytes each).
_LOOKUP_TABLE = 4_000_000


def first_match(left: list[tuple[np.ndarray, pd.Index]], right: list[pd.Series]) -> np.ndarray:
    """For each left row, the position of the first right row with the same keys, else -1.

    What a left merge onto ``right.drop_duplicates()`` finds (missing matches missing, as in
    a merge), done on integer codes: ``left`` holds each key column's ``column_codes(...)``, ``right``
    the key Series of the table looked up, in the same order.
    """
    n_right = len(right[0]) if right else 0
    n_left = len(left[0][0]) if left else 0
    if not n_right or not n_left:
        return np.full(n_left, -1, dtype=np.int64)
    left_code = np.zeros(n_left, dtype=np.int64)
    right_code = np.zeros(n_right, dtype=np.int64)
    usable = np.ones(n_right, dtype=bool)
    for (lc, vocab), rk in zip(left, right, strict=True):
        rc = vocab.get_indexer(rk)
        usable &= rc >= 0
        left_code = left_code * len(vocab) + lc
        right_code = right_code * len(vocab) + rc
    where = np.flatnonzero(usable)
    found, first = np.unique(right_code[where], return_index=True)
    size = int(np.prod([len(vocab) for _, vocab in left], dtype=object))
    if size <= _LOOKUP_TABLE:
        # Every possible key as a slot holding its first right row: one array lookup per
        # left row instead of a binary search.
        table = np.full(size, -1, dtype=np.int64)
        table[found] = where[first]
        return table[left_code]
    at = np.searchsorted(found, left_code).clip(max=max(len(found) - 1, 0))
    hit = (found[at] == left_code) if len(found) else np.zeros(n_left, dtype=bool)
    return np.where(hit, where[first][at] if len(found) else -1, -1).astype(np.int64)


def codes_in(s: pd.Series, vocab: pd.Index) -> np.ndarray:
    """Each row's key as its position in ``vocab`` (-1 when not there), so keys typed in one
    table can be matched against another table's ``column_codes``."""
    out, raw, uniques, _ = keyed(s)
    if raw is None:
        return vocab.get_indexer(out).astype(np.int64)
    at = vocab.get_indexer(uniques).astype(np.int64)
    missing = vocab.get_indexer(pd.Index(pd.array([pd.NA], dtype=vocab.dtype)))[0]
    return np.where(raw < 0, missing, at[raw.clip(min=0)] if len(at) else missing)


def closest(name: str, known: Mapping[str, str]) -> str | None:
    """The known name most like ``name`` (a typing slip: "Megan Elis" for "Megan Ellis"),
    or None; ``known`` maps each key (``key_of``) to the name as written."""
    import difflib

    close = difflib.get_close_matches(key_of(name), list(known), n=1, cutoff=0.8)
    return known[close[0]] if close else None
