"""SHA-256 digests of tables as the tool reads them, shared by the audit trail and the score lock.

A digest must not depend on how a workbook was read (fastexcel from a file, or xlwings from
a live book) nor on anything Excel does on a save. So it is taken over *parsed* values in a
canonical text form: numbers to 10 significant digits (a float written and read back is
the same number to that precision), dates as ISO text, yes/no for booleans, text stripped,
and blanks as the empty string. Only input columns count: formula columns are Excel's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable, Iterable, Sequence
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from automation import schema
from automation.column_text import by_distinct, is_text, spread, strip, text_array
from automation.keys import column_distinct
from automation.model import ProgrammeData

SEP = "\x1f"  # unit separator: cannot be typed into a cell, so fields never run together
_EMPTY = pa.scalar("", pa.large_string())


def canonical(value: object) -> str:
    """One cell as canonical text (see the module docstring)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value == dt.datetime(value.year, value.month, value.day):
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int | float):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return ""
        return format(float(value), ".10g")
    return str(value).strip()


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Each cell's code into a column's distinct texts (-1 where blank) and those texts.
Distinct = tuple[np.ndarray, np.ndarray]


def column_texts(series: pd.Series, distinct: Distinct | None = None) -> pa.Array:
    """``canonical`` of every cell of ``series``, worked out in C for text (stripped) and once
    per distinct value for other columns.

    ``distinct``: the column's distinct texts and each cell's code into them, when known
    (``keys.column_distinct``; the column is text): each text is then stripped once,
    instead of turning 300,000 Python strings into arrow ones again."""
    if distinct is not None:
        codes, texts = distinct
        try:
            arr = pa.array(texts, type=pa.large_string())
        except (pa.ArrowException, UnicodeError):  # a lone surrogate: as below
            pass
        else:
            return spread(codes, strip(arr), "")
    if is_text(series):
        arr = text_array(series)
        if arr is not None:
            return strip(arr).fill_null("")
    return by_distinct(series, canonical, "")


def row_text_array(
    frame: pd.DataFrame,
    columns: Sequence[str],
    distinct: Callable[[str], Distinct | None] | None = None,
) -> pa.Array:
    """Each row of ``frame`` as one canonical line over ``columns`` (missing ones blank).

    ``distinct``: a column's distinct texts when known (see ``column_texts``), by name."""
    cols = [
        column_texts(frame[c], distinct(c) if distinct else None)
        if c in frame.columns
        else pa.repeat(_EMPTY, len(frame))
        for c in columns
    ]
    if not cols:
        return pa.array([], type=pa.large_string())
    return pc.binary_join_element_wise(*cols, pa.scalar(SEP, pa.large_string()))


def row_texts(frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    """Each row of ``frame`` as one canonical line over ``columns`` (missing ones blank)."""
    return row_text_array(frame, columns).to_pylist() if columns else []


def _joined(lines: pa.Array, sep: str) -> pa.Buffer | bytes:
    """``sep.join(lines)`` as UTF-8 bytes, joined in C."""
    if not len(lines):
        return b""
    offsets = pa.array([0, len(lines)], type=pa.int64())
    whole = pc.binary_join(
        pa.LargeListArray.from_arrays(offsets, lines), pa.scalar(sep, pa.large_string())
    )
    return whole[0].as_buffer()


def table_digest(
    frame: pd.DataFrame,
    table: str,
    *,
    ordered: bool = False,
    distinct: Callable[[str], Distinct | None] | None = None,
) -> str:
    """Digest of one table's input columns. Unordered by default: sorting rows first means
    moving rows about (sorting a sheet in Excel) does not change it. ``distinct``: as for
    ``row_text_array`` (the same digest, sooner)."""
    cols = [c.name for c in schema.TABLE_BY_NAME[table].input_columns]
    lines = row_text_array(frame, cols, distinct) if cols else pa.array([], type=pa.large_string())
    if not ordered:
        # UTF-8 bytes sort in code point order, as Python sorts str.
        lines = lines.take(pc.sort_indices(lines))
    digest = hashlib.sha256((table + "\n" + SEP.join(cols) + "\n").encode("utf-8"))
    digest.update(_joined(lines, "\n"))
    return digest.hexdigest()


def input_tables() -> tuple[str, ...]:
    """The tables a manager fills in: what the audit trail fingerprints."""
    return tuple(t.name for t in schema.TABLES if t.owner == "user")


def tables_digest(data: ProgrammeData, names: Iterable[str] | None = None) -> str:
    """One digest over several tables (by default every input table), in schema order.

    Row order counts here: the audit records what the workbook held, and a re-sorted table
    is a change a manager made.
    """
    names = tuple(names) if names is not None else input_tables()
    parts = []
    for name in names:
        frame = data.tables.get(name)
        if frame is None:
            frame = pd.DataFrame()
        # Long text columns whose keys validation worked out are turned into text from
        # their distinct values (the Scores sheet's judges, IDs and criteria).
        known = partial(column_distinct, data, name)
        parts.append(table_digest(frame, name, ordered=True, distinct=known))
    return sha256("\n".join(parts))


def as_read(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """A frame the tool is about to write, as the reader will give it back.

    The writer stores numbers as numbers and everything else as text, and the reader parses
    each column by its schema type (a percentage column with a value above 1 is read as
    points, for instance). Comparing a fresh frame with one read from a workbook is only fair
    after the same trip, so the comparison never reports a change that is not there.
    """
    from automation.parse import parse_column

    out = {}
    for col in schema.TABLE_BY_NAME[table].input_columns:
        if col.name not in frame.columns:
            continue
        raw = frame[col.name].map(_as_cell_text).astype(object)
        out[col.name], _ = parse_column(raw.reset_index(drop=True), col)
    result = pd.DataFrame(out)
    if "_row" in frame.columns:
        result["_row"] = frame["_row"].to_numpy()
    return result


def _as_cell_text(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int | float):
        return repr(float(value))
    return value
