"""The XML of a tool table's cells, built a whole column at a time.

A Results or Panel table of 60,000 rows is a million cells; a Python call per cell with a
chain of type checks took seconds. Here each column is turned into the XML of all its cells
by arrow string kernels, the kind of cell decided once from the column's dtype: numbers are
formatted once per distinct value, text is cleaned, cut and escaped in one pass, and rows are
joined in C. ``cell`` stays the reference for one value (and for columns of mixed Python
objects, which still go a cell at a time): the column builders write exactly what it writes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from automation import schema
from automation.column_text import by_distinct, is_text, strip, text_array

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ILLEGAL_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"  # the same characters for arrow's regex engine
_EPOCH = dt.datetime(1899, 12, 30)
MAX_CELL_TEXT = 32767
_STR = pa.large_string()


# --------------------------------------------------------------------------------------------
# One cell (the reference)
# --------------------------------------------------------------------------------------------
def text(value: str) -> str:
    """The ``<t>`` element of an inline string: illegal XML characters dropped, cut to what a
    cell holds, spaces at either end kept."""
    value = _ILLEGAL_XML.sub("", value)[:MAX_CELL_TEXT]
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<t{space}>{escape(value)}</t>"


def cell(ref: str, value: object, style: str | None) -> str:
    """One cell's XML; "" for a blank cell without a style."""
    s = f' s="{style}"' if style else ""
    if value is None or value is pd.NA or value is pd.NaT:
        return f'<c r="{ref}"{s}/>' if s else ""
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if isinstance(value, float) and math.isnan(value):
        return f'<c r="{ref}"{s}/>' if s else ""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        value = (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
    elif isinstance(value, dt.date):
        value = (dt.datetime(value.year, value.month, value.day) - _EPOCH).days
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if hasattr(value, "item"):  # numpy scalar
        return cell(ref, value.item(), style)
    return f'<c r="{ref}"{s} t="inlineStr"><is>{text(str(value))}</is></c>'


# --------------------------------------------------------------------------------------------
# A column of cells
# --------------------------------------------------------------------------------------------
def _s(value: str) -> pa.Scalar:
    return pa.scalar(value, _STR)


def join(*parts: pa.Array | pa.Scalar) -> pa.Array:
    """Row-wise concatenation of string arrays and constants (at least one array)."""
    return pc.binary_join_element_wise(*parts, _s(""))


def row_numbers(first: int, n: int) -> pa.Array:
    return pa.array(np.arange(first, first + n, dtype=np.int64)).cast(_STR)


def column_cells(
    col: schema.Column,
    frame: pd.DataFrame,
    letter: str,
    numbers: pa.Array,
    style: str | None,
    count: int,
) -> pa.Array | pa.Scalar:
    """The XML of one column's body cells, one string per row of ``numbers`` (a constant
    when every row reads the same, such as a column of blank unstyled cells)."""
    s = f' s="{style}"' if style else ""
    ref = _s(f'<c r="{letter}')
    if col.is_formula and count:
        formula = escape(col.formula.lstrip("="))
        return join(ref, numbers, _s(f'"{s}><f>{formula}</f></c>'))
    empty = join(ref, numbers, _s(f'"{s}/>')) if s else _s("")
    if col.name not in frame.columns or not count:
        return empty
    series = frame[col.name]
    if pd.api.types.is_datetime64_any_dtype(series):
        series = (series - pd.Timestamp(_EPOCH)) / pd.Timedelta(days=1)
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        # Nullable integers: missing becomes NaN, not pd.NA; every number is written as a float.
        floats = series.astype(float)
        values = by_distinct(floats, float.__repr__, "")
        cells = join(ref, numbers, _s(f'"{s}><v>'), values, _s("</v></c>"))
        return pc.if_else(pa.array(np.isnan(floats.to_numpy())), empty, cells)
    strings = _as_text(series)
    if strings is None:  # mixed Python objects: the cell writer decides for each
        rows = numbers.to_pylist()
        return pa.array(
            [cell(f"{letter}{r}", v, style) for r, v in zip(rows, series.tolist(), strict=True)],
            type=_STR,
        )
    return _text_cells(strings, ref, numbers, s, empty)


def _as_text(series: pd.Series) -> pa.Array | None:
    """The column as the text its cells show (yes/no for booleans), null where blank; None
    when it is not one kind of value."""
    if pd.api.types.is_bool_dtype(series):
        flags = pa.array(series, type=pa.bool_(), from_pandas=True)
        return pc.if_else(flags, _s("yes"), _s("no"))
    if is_text(series):
        return text_array(series)
    return None


def _text_cells(
    strings: pa.Array, ref: pa.Scalar, numbers: pa.Array, s: str, empty: pa.Array | pa.Scalar
) -> pa.Array:
    """``cell`` of every text value, with ``empty`` where a value is missing."""
    value = pc.replace_substring_regex(strings, _ILLEGAL_RE2, "")
    value = pc.utf8_slice_codeunits(value, 0, MAX_CELL_TEXT)  # counts code points, as str does
    spaced = pc.not_equal(strip(value), value)
    for char, entity in (("&", "&amp;"), (">", "&gt;"), ("<", "&lt;")):  # as saxutils.escape
        value = pc.replace_substring(value, char, entity)
    opening = pc.if_else(spaced, _s('<t xml:space="preserve">'), _s("<t>"))
    cells = join(ref, numbers, _s(f'"{s} t="inlineStr"><is>'), opening, value, _s("</t></is></c>"))
    return pc.if_else(strings.is_null(), empty, cells)


def concatenated(rows: pa.Array) -> pa.Buffer | bytes:
    """All strings of ``rows`` one after another, as UTF-8 bytes, without copying them: an
    arrow string array keeps its values end to end in one buffer."""
    rows = rows.cast(_STR)
    if rows.null_count:
        rows = rows.fill_null("")
    if not len(rows):
        return b""
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)
    start, end = offsets[rows.offset], offsets[rows.offset + len(rows)]
    data = rows.buffers()[2]
    return data[int(start) : int(end)] if data is not None and end > start else b""
