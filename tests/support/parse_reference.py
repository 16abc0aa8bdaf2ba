"""The reader's parsers as they were before they were vectorised (pandas calls per column).

Kept only as the reference the fast parsers must agree with, cell for cell and type for type
(tests/test_parse.py); nothing in the package uses it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from automation.schema import LISTS, ColType, Column

_TRUE = {"yes", "y", "true", "1", "1.0", "x", "✓"}
_FALSE = {"no", "n", "false", "0", "0.0"}
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# One address, nothing else: no spaces or line breaks (a CR/LF in a From address would be
# header injection in an email), no lists.
EMAIL_ADDRESS = r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+"


def clean_text(raw: pd.Series) -> pd.Series:
    """Strip spaces and turn blank cells into missing values; keeps everything as str."""
    if raw.dtype != object and pd.api.types.is_string_dtype(raw.dtype):
        # The columnar reader hands text already: strip it in one vectorised call (a Python
        # call per cell costs seconds on a 300,000-row Scores table).
        s = raw.str.strip()
    else:
        s = raw.astype(object).where(raw.notna(), None)
        s = s.map(_to_str, na_action="ignore")
        s = s.str.strip()
    # Blank cells become None however the column arrived: ``where(..., None)`` keeps NaN
    # when pandas has made an all-blank column a float column, and then a file read and a
    # live read of the same empty column would differ.
    out = pd.Series(s.to_numpy(dtype=object), index=s.index, dtype=object)
    out[~(s.notna() & (s != "")).to_numpy(dtype=bool)] = None
    return out


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
    s = text.astype("string")
    has_pct = s.str.endswith("%", na=False)
    cleaned = s.str.replace(r"[£,%\s]", "", regex=True)
    num = pd.to_numeric(cleaned, errors="coerce").astype(float)
    if percent:
        # A percentage column holds fractions (0.25). '25%' means 25 per cent; and when any
        # bare number in the column is above 1, the user is typing percentage points (25, 40),
        # so the whole column is read that way rather than guessing cell by cell.
        points = bool((num[~has_pct].abs() > 1).any())
        num = num.where(~(has_pct | points), num / 100)
    elif has_pct.any():
        num = num.where(~has_pct, num / 100)
    # Since then a number too big for a float ('1e400', 'inf') is unreadable, not infinite.
    return num.where(~num.isin([float("inf"), float("-inf")]))


def parse_date(text: pd.Series) -> pd.Series:
    """Dates from real date cells, ISO text, UK day-first text or Excel serial numbers.

    Only dates Excel itself can show (1900 to 9999; here 1900-2999, the useful part) are
    accepted: '01/01/0001' or '.5' is a typing slip, reported as not a date rather than
    overflowing pandas' nanosecond range.
    """
    s = text.astype("string")
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
    return out.astype("datetime64[ns]")


_FIRST_DAY, _LAST_DAY = pd.Timestamp("1900-01-01"), pd.Timestamp("2999-12-31")
_MAX_SERIAL = (_LAST_DAY - _EXCEL_EPOCH).days


def _in_range(parsed: pd.Series) -> pd.Series:
    """Parsed dates (any time unit) inside the accepted span, as nanosecond datetimes."""
    ok = parsed.notna() & (parsed >= _FIRST_DAY) & (parsed <= _LAST_DAY)
    return parsed.where(ok).astype("datetime64[ns]")


def parse_bool(text: pd.Series) -> pd.Series:
    """yes/no (also y/n, true/false, 1/0) to True/False; anything else missing."""
    low = text.astype("string").str.lower()
    out = pd.Series(pd.NA, index=text.index, dtype="boolean")
    out[low.isin(_TRUE)] = True
    out[low.isin(_FALSE)] = False
    return out


def canonical_choice(text: pd.Series, key: str) -> pd.Series:
    """Match a dropdown value whatever its case; unknown values are kept for the validator."""
    allowed = {v.lower(): v for v in LISTS[key]}
    low = text.astype("string").str.lower()
    mapped = low.map(allowed)
    return mapped.where(mapped.notna(), text).astype(object)


def parse_column(raw: pd.Series, col: Column) -> tuple[pd.Series, pd.Series]:
    """Typed values for one column and a boolean mask of cells that could not be read."""
    text = clean_text(raw)
    present = text.notna()
    t = col.type
    if t in (ColType.INT, ColType.DECIMAL, ColType.MONEY, ColType.PERCENT):
        values = parse_number(text, percent=t is ColType.PERCENT)
        bad = present & values.isna()
        if t is ColType.INT:
            bad |= present & values.notna() & (values % 1 != 0)
        return values, bad
    if t in (ColType.DATE, ColType.DATETIME):
        values = parse_date(text)
        return values, present & values.isna()
    if t is ColType.BOOL:
        values = parse_bool(text)
        return values, present & values.isna()
    if t is ColType.CHOICE and col.choices:
        return canonical_choice(text, col.choices), pd.Series(False, index=text.index)
    return text, pd.Series(False, index=text.index)
