"""Turn raw cell values (text from the columnar reader, or Python values from a live book)
into typed columns, vectorised, and say which cells could not be understood.

Users type dates as text, add trailing spaces, write "Yes" or "Y", and put 20 for 20%; we
accept what a person clearly meant and report only what is genuinely ambiguous or wrong.

A workbook has a few hundred columns, most of them short, so the cost that matters on a small
book is the fixed cost per column, and on a big one the cost per cell. Both are kept low by
working on Arrow arrays and NumPy arrays (a handful of calls per column, none per cell) and
building one pandas Series per column at the end; ``Cells`` holds a column's cleaned text in
whichever of the two forms it arrived.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray, BooleanArray

from automation.schema import LISTS, ColType, Column

_TRUE = {"yes", "y", "true", "1", "1.0", "x", "✓"}
_FALSE = {"no", "n", "false", "0", "0.0"}
_TRUE_ARROW = pa.array(sorted(_TRUE), pa.string())
_FALSE_ARROW = pa.array(sorted(_FALSE), pa.string())
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# One address, nothing else: no spaces or line breaks (a CR/LF in a From address would be
# header injection in an email), no lists.
EMAIL_ADDRESS = r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+"

# What a number may carry besides digits: the pound sign, thousands commas, a per cent sign
# and whitespace. Spelt out for Arrow's RE2, whose ``\s`` is ASCII only, as exactly the
# characters Python's ``\s`` (and ``str.strip``) treat as whitespace; tests/test_parse.py
# checks the list against every code point.
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_NUMBER_JUNK = "[£,%" + "".join(f"\\x{{{ord(c):x}}}" for c in PY_WHITESPACE) + "]"

_STRING_DTYPE = pd.StringDtype("pyarrow")  # what ``astype("string")`` gives


class Cells:
    """One column's cleaned cells: stripped text, or None for a blank cell.

    Text from the columnar reader stays in Arrow (stripped and compared there, in C); Python
    values from a live book are cleaned once in Python. Each form is made from the other
    only when a parser needs it, and kept.
    """

    __slots__ = ("_arrow", "_objects", "_present")

    def __init__(self, arrow: pa.Array | None = None, objects: np.ndarray | None = None):
        self._arrow = arrow
        self._objects = objects
        self._present: np.ndarray | None = None

    @classmethod
    def from_arrow(cls, raw: pa.Array | pa.ChunkedArray) -> Cells:
        """Raw text from the reader (nulls for empty cells)."""
        if isinstance(raw, pa.ChunkedArray):
            raw = raw.combine_chunks() if raw.num_chunks != 1 else raw.chunk(0)
        if not pa.types.is_string(raw.type):
            raw = raw.cast(pa.string())
        if raw.null_count == len(raw):
            return cls(arrow=raw)
        text = pc.utf8_trim_whitespace(raw)
        blank = pc.equal(pc.utf8_length(text), 0)
        return cls(arrow=pc.if_else(blank, pa.scalar(None, pa.string()), text))

    @classmethod
    def from_values(cls, values: np.ndarray) -> Cells:
        """Python values (str, numbers, dates, bools, None/NaN), as a 1-D object array."""
        na = pd.isna(values)
        if na.all():
            return cls(objects=np.full(len(values), None, dtype=object))
        pairs = zip(values.tolist(), na.tolist(), strict=True)
        cleaned = (None if m else _clean_value(v) for v, m in pairs)
        return cls(objects=np.fromiter(cleaned, dtype=object, count=len(values)))

    @classmethod
    def from_series(cls, raw: pd.Series) -> Cells:
        if _is_arrow_text(raw):
            return cls.from_arrow(raw.array.__arrow_array__())
        return cls.from_values(np.asarray(raw.astype(object), dtype=object))

    def __len__(self) -> int:
        return len(self._arrow) if self._arrow is not None else len(self._objects)

    def arrow(self) -> pa.Array:
        if self._arrow is None:
            self._arrow = pa.array(self._objects, type=pa.string())
        return self._arrow

    def objects(self) -> np.ndarray:
        """The cells as an object array of str and None."""
        if self._objects is None:
            self._objects = _to_objects(self._arrow)
        return self._objects

    def present(self) -> np.ndarray:
        """True where the cell holds something."""
        if self._present is None:
            if self._arrow is not None:
                self._present = np.asarray(self._arrow.is_valid(), dtype=bool)
            else:
                self._present = np.not_equal(self._objects, None)
        return self._present

    def any(self) -> bool:
        if self._arrow is not None:
            return self._arrow.null_count < len(self._arrow)
        return bool(self.present().any())

    def take(self, mask: np.ndarray) -> Cells:
        """The cells where ``mask`` is True."""
        if self._objects is not None:
            return Cells(objects=self._objects[mask])
        return Cells(arrow=self._arrow.filter(pa.array(mask)))


def _as_given(text: pd.Series) -> Cells:
    """Text taken as it is, not stripped (the public parsers expect cleaned text)."""
    arr = text.astype("string").array.__arrow_array__()
    return Cells(arrow=arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0))


def _is_arrow_text(raw: pd.Series) -> bool:
    from pandas.arrays import ArrowExtensionArray

    if not isinstance(raw.array, ArrowExtensionArray):
        return False
    kind = raw.array.__arrow_array__().type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _to_objects(arr: pa.Array) -> np.ndarray:
    """Arrow strings as Python str/None; a long column of few distinct values (judges,
    criteria, IDs repeated per score) shares one str object per value instead of making
    one per cell."""
    n = len(arr)
    if n < 4096 or arr.null_count == n:
        return arr.to_numpy(zero_copy_only=False)
    encoded = pc.dictionary_encode(arr)
    if len(encoded.dictionary) * 4 > n:
        return arr.to_numpy(zero_copy_only=False)
    words = np.append(encoded.dictionary.to_numpy(zero_copy_only=False), None).astype(object)
    codes = encoded.indices.fill_null(len(encoded.dictionary)).to_numpy()
    return words[codes]


def _clean_value(value: object) -> str | None:
    text = (value if type(value) is str else _to_str(value)).strip()
    return text or None


def clean_text(raw: pd.Series) -> pd.Series:
    """Strip spaces and turn blank cells into missing values; keeps everything as str."""
    return pd.Series(Cells.from_series(raw).objects(), index=raw.index, dtype=object)


def _to_str(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def parse_number(text: pd.Series, *, percent: bool = False) -> pd.Series:
    """Numbers, allowing '£1,200', '25%' and (for percentages) 25 meaning 25%."""
    return pd.Series(_numbers(_as_given(text), percent=percent), index=text.index)


def _numbers(cells: Cells, *, percent: bool = False) -> np.ndarray:
    """The cells as floats, NaN where blank or unreadable. A number too big for a float
    ('1e400' is infinity) is unreadable too: no count, weight or scale is infinite, and the
    code using them could not turn it into a whole number."""
    num = _read_numbers(cells, percent=percent)
    infinite = np.isinf(num)
    return np.where(infinite, np.nan, num) if infinite.any() else num


def _read_numbers(cells: Cells, *, percent: bool = False) -> np.ndarray:
    arr = cells.arrow()
    num = _plain_numbers(arr)
    if num is not None:  # no '%' anywhere, so neither percentage rule applies
        return num / 100 if percent and bool((np.abs(num) > 1).any()) else num
    has_pct = np.asarray(pc.fill_null(pc.ends_with(arr, "%"), False), dtype=bool)
    cleaned = pc.replace_substring_regex(arr, _NUMBER_JUNK, "").to_numpy(zero_copy_only=False)
    cleaned[~cells.present()] = pd.NA  # as a "string" column hands them to pandas
    # pandas' own number parser decides what counts as a number ('1e5' yes, '1_000' no)
    # and how it rounds; a nullable result as for a "string" column, then plain floats.
    num = pd.to_numeric(cleaned, errors="coerce", dtype_backend="numpy_nullable")
    num = pd.Series(num).astype(float).to_numpy()
    if percent:
        # A percentage column holds fractions (0.25). '25%' means 25 per cent; and when any
        # bare number in the column is above 1, the user is typing percentage points (25, 40),
        # so the whole column is read that way rather than guessing cell by cell.
        points = bool((np.abs(num[~has_pct]) > 1).any())
        if points:
            return num / 100
        return np.where(has_pct, num / 100, num)
    if has_pct.any():
        return np.where(has_pct, num / 100, num)
    return num


# Plain decimals of at most 15 characters: every parser rounds these the same (one exact
# integer scaled once by an exact power of ten), so Arrow's cast gives what pandas gives.
_PLAIN_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"


def _plain_numbers(arr: pa.Array) -> np.ndarray | None:
    """The column as floats when every cell is blank or a plain decimal; else None."""
    plain = pc.match_substring_regex(arr, _PLAIN_NUMBER)
    if plain.true_count != len(arr) - arr.null_count:
        return None
    if len(arr) > arr.null_count and pc.max(pc.utf8_length(arr)).as_py() > 15:
        return None
    num = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
    # '-0' is 0 or -0.0 in pandas depending on the rest of the column: leave it to pandas.
    if (np.signbit(num) & (num == 0)).any():
        return None
    return num


def parse_date(text: pd.Series) -> pd.Series:
    """Dates from real date cells, ISO text, UK day-first text or Excel serial numbers.

    Only dates Excel itself can show (1900 to 9999; here 1900 to 2262, the useful part and
    as far as pandas' nanosecond dates reach) are accepted: '01/01/0001' or '.5' is a typing
    slip, reported as not a date rather than overflowing pandas' nanosecond range. A date
    with a time zone ('...T10:00Z') is not one a workbook cell holds: not a date either.
    """
    return pd.Series(_dates(_as_given(text)), index=text.index)


def _dates(cells: Cells) -> np.ndarray:
    """Nanosecond datetimes (NaT where there is no date) for the cells."""
    fast = _iso_dates(cells.arrow())
    if fast is not None:
        return fast
    s = pd.Series(ArrowStringArray(cells.arrow()))
    try:
        return _dates_by_pandas(s)
    except (TypeError, ValueError, OverflowError):
        # Time zones make pandas refuse the column (mixed offsets) or the range check
        # (aware against naive): take the cells one at a time, and such a cell is no date.
        return np.array([_one_date(s.iloc[i : i + 1]) for i in range(len(s))], "datetime64[ns]")


def _one_date(s: pd.Series) -> np.datetime64:
    try:
        return _dates_by_pandas(s)[0]
    except (TypeError, ValueError, OverflowError):
        return np.datetime64("NaT", "ns")


def _dates_by_pandas(s: pd.Series) -> np.ndarray:
    """``s`` is a "string" Series: ISO text first, then Excel serials, then day-first text."""
    out = _in_range(pd.to_datetime(s, errors="coerce", format="ISO8601"))
    rest = out.isna() & s.notna()
    if rest.any():
        serial = pd.to_numeric(s[rest], errors="coerce")
        ok = serial.between(1, _MAX_SERIAL)
        days = _EXCEL_EPOCH + pd.to_timedelta(serial[ok], unit="D")
        out = out.fillna(_in_range(days).reindex(out.index))
        rest = out.isna() & s.notna()
    if rest.any():
        mixed = pd.to_datetime(s[rest], errors="coerce", dayfirst=True, format="mixed")
        out = out.fillna(_in_range(mixed).reindex(out.index))
    return out.astype("datetime64[ns]").to_numpy()


# The last day is also the last whole day a nanosecond timestamp can hold (11 April 2262):
# a later date (typed '2500-01-01') would otherwise overflow when stored as a date.
_FIRST_DAY = pd.Timestamp("1900-01-01")
_LAST_DAY = pd.Timestamp("2262-04-11")
_MAX_SERIAL = (_LAST_DAY - _EXCEL_EPOCH).days
_SPAN = np.array([_FIRST_DAY, _LAST_DAY], dtype="datetime64[s]").astype("int64")

# How the reader hands over a date cell ('2026-08-13 00:00:00'), or a date typed the ISO
# way; anything else goes through pandas' parsers.
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2})?$"


def _iso_dates(arr: pa.Array) -> np.ndarray | None:
    """The cells as dates when every one is blank or a valid ISO date inside the span
    (what pandas' ISO parser makes of them, in one Arrow cast); else None."""
    iso = pc.match_substring_regex(arr, _ISO_DATE)
    if iso.true_count != len(arr) - arr.null_count:
        return None
    try:
        seconds = pc.cast(arr, pa.timestamp("s")).cast(pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # 31 February and the like: pandas says which
    seconds = seconds.to_numpy(zero_copy_only=False)
    valid = ~np.isnan(seconds) if seconds.dtype.kind == "f" else np.ones(len(arr), bool)
    inside = (seconds[valid] >= _SPAN[0]) & (seconds[valid] <= _SPAN[1])
    if not inside.all():
        return None
    out = np.full(len(arr), np.datetime64("NaT"), dtype="datetime64[ns]")
    out[valid] = seconds[valid].astype("int64").astype("datetime64[s]")
    return out


def _in_range(parsed: pd.Series) -> pd.Series:
    """Parsed dates (any time unit) inside the accepted span, as nanosecond datetimes."""
    ok = parsed.notna() & (parsed >= _FIRST_DAY) & (parsed <= _LAST_DAY)
    return parsed.where(ok).astype("datetime64[ns]")


def parse_bool(text: pd.Series) -> pd.Series:
    """yes/no (also y/n, true/false, 1/0) to True/False; anything else missing."""
    return pd.Series(_bools(_as_given(text)), index=text.index)


def _bools(cells: Cells) -> BooleanArray:
    low = pc.utf8_lower(cells.arrow())
    yes = np.asarray(pc.fill_null(pc.is_in(low, value_set=_TRUE_ARROW), False), dtype=bool)
    no = np.asarray(pc.fill_null(pc.is_in(low, value_set=_FALSE_ARROW), False), dtype=bool)
    return BooleanArray(yes, ~(yes | no))


def canonical_choice(text: pd.Series, key: str) -> pd.Series:
    """Match a dropdown value whatever its case; unknown values are kept for the validator."""
    return pd.Series(_choices(_as_given(text), key), index=text.index, dtype=object)


@functools.cache
def _allowed(key: str) -> tuple[pa.Array, pa.Array]:
    allowed = {v.lower(): v for v in LISTS[key]}
    return pa.array(list(allowed), pa.string()), pa.array(list(allowed.values()), pa.string())


def _choices(cells: Cells, key: str) -> np.ndarray:
    """Canonical spelling, or the text as typed; a blank cell is NaN (as pandas' ``map``
    has always left it), not None as in a text column."""
    if not cells.any():
        return np.full(len(cells), np.nan, dtype=object)
    lowered, canonical = _allowed(key)
    arr = cells.arrow()
    found = pc.index_in(pc.utf8_lower(arr), value_set=lowered)
    out = _to_objects(pc.coalesce(pc.take(canonical, found), arr))
    out[~cells.present()] = np.nan
    return out


_NUMERIC = (ColType.INT, ColType.DECIMAL, ColType.MONEY, ColType.PERCENT)
_DATES = (ColType.DATE, ColType.DATETIME)


def parse_column(raw: pd.Series, col: Column) -> tuple[pd.Series, pd.Series]:
    """Typed values for one column and a boolean mask of cells that could not be read."""
    values, bad = parse_cells(Cells.from_series(raw), col)
    return as_series(values, raw.index), pd.Series(bad, index=raw.index)


def as_series(values, index: pd.Index | None = None) -> pd.Series:
    """A parsed column as a Series (text stays object: pandas would make it Arrow text)."""
    return pd.Series(values, index=index, dtype=object if values.dtype == object else None)


def parse_cells(cells: Cells, col: Column) -> tuple[np.ndarray | BooleanArray, np.ndarray]:
    """Like ``parse_column`` for cleaned cells, as arrays: the typed values (float, datetime64
    or object array, or a nullable boolean array) and a mask of cells that could not be read.
    """
    t = col.type
    n = len(cells)
    if not cells.any():  # a blank column parses the same whatever its length
        return blank_cells(col, n), np.zeros(n, dtype=bool)
    present = cells.present()
    if t in _NUMERIC:
        num = _numbers(cells, percent=t is ColType.PERCENT)
        missing = np.isnan(num)
        bad = present & missing
        if t is ColType.INT:
            with np.errstate(invalid="ignore"):
                bad |= present & ~missing & (num % 1 != 0)
        return num, bad
    if t in _DATES:
        values = _dates(cells)
        return values, present & np.isnat(values)
    if t is ColType.BOOL:
        values = _bools(cells)
        return values, present & values.isna()
    if t is ColType.CHOICE and col.choices:
        return _choices(cells, col.choices), np.zeros(n, dtype=bool)
    return cells.objects(), np.zeros(n, dtype=bool)


def blank_cells(col: Column, n: int) -> np.ndarray | BooleanArray:
    """``n`` empty cells typed like the column."""
    t = col.type
    if t in _NUMERIC:
        return np.full(n, np.nan)
    if t in _DATES:
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if t is ColType.BOOL:
        return BooleanArray(np.zeros(n, bool), np.ones(n, bool))
    if t is ColType.CHOICE and col.choices:
        return np.full(n, np.nan, dtype=object)
    return np.full(n, None, dtype=object)


def is_blank(values: np.ndarray | BooleanArray) -> np.ndarray:
    """Which parsed cells are empty (NaN, NaT, None or NA)."""
    if isinstance(values, np.ndarray):
        if values.dtype.kind == "f":
            return np.isnan(values)
        if values.dtype.kind == "M":
            return np.isnat(values)
    return np.asarray(pd.isna(values), dtype=bool)


def missing_column(col: Column, n: int) -> pd.Series:
    """``n`` empty cells typed like the column (NaN for numbers, NaT for dates), so rules
    comparing numbers still work when the user deleted the column."""
    return as_series(blank_cells(col, n), pd.RangeIndex(n))


def blank_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows where every cell is empty (tables are pre-sized with blank rows)."""
    if frame.empty:
        return pd.Series(dtype=bool)
    return frame.isna().all(axis=1)


def email_address_ok(value: object) -> bool:
    """One plain address (see ``EMAIL_ADDRESS``)."""
    return re.fullmatch(EMAIL_ADDRESS, str(value)) is not None


def as_python(value: object) -> object:
    """A pandas/numpy scalar as a plain Python value (for JSON and templates)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value
