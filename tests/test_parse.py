"""The vectorised parsers give what the per-column pandas parsers gave, on awkward values."""

from __future__ import annotations

import datetime as dt
import decimal
import random
import re
import sys

import numpy as np
import pandas as pd
import pytest

from automation import schema
from automation.parse import PY_WHITESPACE, clean_text, parse_column, parse_date
from tests.support import parse_reference as before

AWKWARD: tuple[object, ...] = (
    *("", " ", None, "nan", "NaN", float("nan"), np.nan, pd.NA, pd.NaT, "abc", "🙂", "ÉCOLE"),
    *("straße", "İ", "\xa0x\u2003", "\u3000", "\x1cx\x1f", "x\x85", "\u2028x", "x\u200b"),
    *(".5", "5.", "+5", "-0", "-0.0", "5", " 5 ", "\t5\n", "3.0", "1e5", "1e-5", "1e400"),
    *("inf", "-inf", "1_000", "0x10", "1,000.50", "£1,200", "25 %", "%25", "1%%", "100%"),
    *("%", "£", "1,2,3", "(5)", "--5", "nan%", "١٢", "１２", "½", "1 000", "1\u00a0000"),
    *("0.30000000000000004", "9007199254740993", "123456789012345678901234567890"),
    *(0, -1, 3.5, -0.0, 1e-300, 1e308, 10**20, 10**30, 46282, 46282.75, 0.1, True, False),
    *(np.int64(5), np.float64(2.5), decimal.Decimal("2.5"), "46282", "46282.5", "2958466"),
    *("2026-11-05", "2026-11-05 00:00:00", "2026-11-05 10:30:00", "2026-11-05T10:00"),
    *("2026-02-29", "2024-02-29", "2026-02-30 00:00:00", "2026-13-01", "31/02/2026"),
    *("5/11/2026", "05/11/26", "Nov 5 2026", "01/01/0001", "9999-12-31", "1899-12-31"),
    *(dt.date(2026, 11, 5), dt.datetime(2026, 11, 5, 10, 30), pd.Timestamp("2026-11-05")),
    *("yes", "NO", " Y ", "✓", "x", "X", "1.0", " TRUE ", "tRuE", "false", "0.0", "N"),
    *("draft", "DRAFT", "Open", "open ", "Closed"),
)
_COLUMNS = {c.type: c for t in schema.TABLES for c in t.input_columns if not c.choices}
_CHOICES = [c for t in schema.TABLES for c in t.input_columns if c.choices][:3]
COLUMNS = [*_COLUMNS.values(), *_CHOICES]


def _as_text(value: object) -> str | None:
    """A value as the columnar reader hands it over: text, or missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    return str(value)


def _samples(kind: str, seed: int) -> list[pd.Series]:
    rng = random.Random(seed)
    out = []
    for n in (0, 1, 2, 5, 40):
        values = [rng.choice(AWKWARD) for _ in range(n)]
        if kind == "objects":
            out.append(pd.Series(values, dtype=object))
        else:
            dtype = pd.StringDtype("pyarrow", na_value=np.nan)
            out.append(pd.Series([_as_text(v) for v in values], dtype=dtype))
    return out


def _same(got: pd.Series, expected: pd.Series) -> None:
    pd.testing.assert_series_equal(got, expected, check_exact=True)
    if expected.dtype == object:
        assert [type(v) for v in got] == [type(v) for v in expected]


@pytest.mark.parametrize("kind", ["objects", "text"])
@pytest.mark.parametrize("col", COLUMNS, ids=lambda c: f"{c.type.value}-{c.name}")
def test_every_column_type_parses_as_before(col, kind):
    for seed in range(4):
        for raw in _samples(kind, seed):
            values, bad = parse_column(raw, col)
            old_values, old_bad = before.parse_column(raw, col)
            _same(values, old_values)
            _same(bad, old_bad)
            _same(clean_text(raw), before.clean_text(raw))


def test_a_column_of_plain_numbers_rounds_as_pandas_does():
    rng = random.Random(3)
    texts = []
    for _ in range(3000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 14)))
        cut = rng.randint(0, len(digits))
        texts.append(("-" if rng.random() < 0.3 else "") + (digits[:cut] or "0") + "." + digits)
    raw = pd.Series([t[:15].rstrip(".") for t in texts], dtype=object)
    for col in (_COLUMNS[schema.ColType.DECIMAL], _COLUMNS[schema.ColType.PERCENT]):
        _same(parse_column(raw, col)[0], before.parse_column(raw, col)[0])


def test_whitespace_is_what_python_strips():
    spaces = "".join(chr(i) for i in range(sys.maxunicode + 1) if re.match(r"\s", chr(i)))
    assert spaces == PY_WHITESPACE


@pytest.mark.parametrize(
    "typed", ["2500-01-01", "2262-04-12", "10/10/2600", "2026-01-01T00:00:00Z", "2026-01-01+01:00"]
)
def test_dates_pandas_cannot_hold_are_not_dates(typed):
    """Beyond 11 April 2262 (nanosecond dates end there) or with a time zone: not a date,
    where they used to stop the reader."""
    col = _COLUMNS[schema.ColType.DATE]
    values, bad = parse_column(pd.Series(["2026-11-05", typed, None], dtype=object), col)
    assert list(bad) == [False, True, False]
    assert values.iloc[0] == pd.Timestamp(2026, 11, 5) and values.isna().iloc[1:].all()


def test_mixed_time_zones_in_one_column_are_each_not_a_date():
    out = parse_date(pd.Series(["2026-01-01 10:00:00", "2026-01-01T00:00:00+01:00", "5/11/2026"]))
    assert list(out) == [pd.Timestamp(2026, 1, 1, 10), pd.NaT, pd.Timestamp(2026, 11, 5)]
