"""Whole-column text (digests, sheet XML) equals what the per-cell functions give.

The vectorised paths are only a speed-up: a digest sealed in an existing workbook must still
verify, and a written sheet must hold the same bytes. So each is checked against the
straightforward per-cell version on awkward values of every dtype the reader and the tool
produce.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import pytest

from automation import schema
from automation.column_text import PY_WHITESPACE
from automation.digest import (
    SEP,
    canonical,
    column_texts,
    row_texts,
    sha256,
    table_digest,
    tables_digest,
)
from automation.io import sheet_xml
from automation.io.sheet_xml import cell
from automation.keys import column_distinct, column_key
from automation.model import ProgrammeData

FLOATS = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e16, 9999999999999998.0, 1e15, 1e-5, 1e-4]
FLOATS += [
    0.1 + 0.2,
    123456789012345678.0,
    5e-324,
    1.0,
    2.5,
    1e308,
    -7.25,
    1 / 3,
    0.5800000000000001,
]
TEXTS = [
    "a",
    " lead",
    "trail ",
    None,
    "&<>\"' &amp;",
    "bell\x07x\x0bv\x0cf\x00n",
    "tab\there",
    "\u3000wide space\u3000",
    "\x85next line",
    "\u200bzero width",
    "emoji 😀 ünïcødé",
    "x" * 40_000,
    "😀" * 33_000,
    " " + "y" * 32_766 + " ",
    "",
    "   ",
    "=SUM(A1:A3)",
    "\u00a0nbsp",
    "line\nbreak\r\n",
    "\x1c\x1d\x1e\x1fseparators ",
    "1",
    "1.0",
    " 2 ",
]
WHEN = [
    pd.Timestamp("2026-01-01"),
    pd.Timestamp("2026-01-01 10:30:15.5"),
    pd.NaT,
    pd.Timestamp("1900-01-01"),
    pd.Timestamp("2099-12-31 23:59:59.999999"),
    pd.Timestamp("2026-06-30 00:00:00.000001"),
]
MIXED = [
    "a",
    " text ",
    1,
    1.0,
    True,
    False,
    0,
    None,
    np.nan,
    pd.NA,
    pd.NaT,
    dt.date(2026, 3, 1),
    dt.datetime(2026, 3, 1, 12, 0, 1),
    dt.datetime(2026, 3, 1),
    pd.Timestamp("2026-03-02 08:00"),
    -0.0,
    0.0,
    np.int64(3),
    np.float64(2.5),
    np.bool_(True),
    2**70,
    float("inf"),
]


def _series() -> dict[str, pd.Series]:
    out = {
        "float64": pd.Series(FLOATS, dtype="float64"),
        "float32": pd.Series([0.1, -0.0, np.nan, 3.5], dtype="float32"),
        "Float64": pd.Series([0.5, None, -0.0, 0.0], dtype="Float64"),
        "Int64": pd.Series([1, None, -5, 2**53 + 1, 0, 2**62], dtype="Int64"),
        "int64": pd.Series([2**62, -(2**63), 0, 7, 7], dtype="int64"),
        "uint64": pd.Series([2**64 - 1, 0], dtype="uint64"),
        "boolean": pd.Series([True, False, None, True], dtype="boolean"),
        "bool": pd.Series([True, False, False]),
        "string[pyarrow]": pd.Series(TEXTS, dtype="string[pyarrow]"),
        "string[python]": pd.Series(TEXTS, dtype="string[python]"),
        "str": pd.Series(TEXTS, dtype="str"),
        "object text": pd.Series(TEXTS, dtype=object),
        "object numbers as text": pd.Series(["1", "1.0", " 2 ", None, "-0"], dtype=object),
        "object mixed": pd.Series(MIXED, dtype=object),
        "object all blank": pd.Series([None, np.nan, pd.NA], dtype=object),
        "datetime64[ns]": pd.Series(WHEN, dtype="datetime64[ns]"),
        "datetime64[us]": pd.Series(WHEN, dtype="datetime64[us]"),
        "empty": pd.Series([], dtype=object),
        "repeated": pd.Series(["x", "y", None, "x"] * 50, dtype=object),
    }
    return out


SERIES = _series()


def test_python_whitespace_is_what_str_strip_removes():
    assert set(PY_WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


@pytest.mark.parametrize(
    "series",
    [
        *SERIES.values(),
        pd.Series(WHEN, dtype="datetime64[ns]").dt.tz_localize("Europe/London"),
        pd.Series([pd.Timedelta(hours=1), pd.NaT, pd.Timedelta(0)]),
        pd.Series(["b", "a", None, "b"], dtype="category"),
    ],
    ids=[*SERIES, "tz datetime", "timedelta", "category"],
)
def test_canonical_column_text_is_canonical_of_each_cell(series):
    assert column_texts(series).to_pylist() == [canonical(v) for v in series.tolist()]


def _old_row_texts(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    cols = [
        [canonical(v) for v in frame[c].tolist()] if c in frame.columns else [""] * len(frame)
        for c in columns
    ]
    return [SEP.join(cells) for cells in zip(*cols, strict=True)] if columns else []


def _old_table_digest(frame: pd.DataFrame, table: str, ordered: bool) -> str:
    cols = [c.name for c in schema.TABLE_BY_NAME[table].input_columns]
    lines = _old_row_texts(frame, cols)
    if not ordered:
        lines = sorted(lines)
    text = table + "\n" + SEP.join(cols) + "\n" + "\n".join(lines)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _awkward_scores(n: int = 23) -> pd.DataFrame:
    texts = [t for t in TEXTS if t is None or len(t) < 100]
    return pd.DataFrame(
        {
            "Judge": pd.Series([texts[i % len(texts)] for i in range(n)], dtype=object),
            "Nomination ID": pd.Series([f"N-{i % 7}" for i in range(n)], dtype="str"),
            # "Criterion" left out: a missing column reads blank
            "Score": [FLOATS[i % len(FLOATS)] for i in range(n)],
            "Comment": pd.Series([MIXED[i % len(MIXED)] for i in range(n)], dtype=object),
        }
    )


@pytest.mark.parametrize("ordered", [True, False])
def test_table_digest_is_unchanged(ordered):
    frame = _awkward_scores()
    cols = [c.name for c in schema.TABLE_BY_NAME["Scores"].input_columns]
    assert row_texts(frame, cols) == _old_row_texts(frame, cols)
    assert table_digest(frame, "Scores", ordered=ordered) == _old_table_digest(
        frame, "Scores", ordered
    )
    empty = frame.iloc[:0]
    assert table_digest(empty, "Scores", ordered=ordered) == _old_table_digest(
        empty, "Scores", ordered
    )
    assert row_texts(frame, []) == []


def _long_text_scores(n: int = 1500) -> pd.DataFrame:
    """A Scores table long enough that its keys are worked out per distinct text."""
    texts = [t for t in TEXTS if t is None or len(t) < 100]
    return pd.DataFrame(
        {
            "Judge": pd.Series([texts[i % len(texts)] for i in range(n)], dtype=object),
            "Nomination ID": pd.Series([f" N-{i % 7}" for i in range(n)], dtype=object),
            "Criterion": pd.Series([None] * n, dtype=object),
            "Score": [FLOATS[i % len(FLOATS)] for i in range(n)],
            "Comment": pd.Series([MIXED[i % len(MIXED)] for i in range(n)], dtype=object),
        }
    )


def test_digest_from_the_cached_distinct_texts_is_unchanged():
    frame = _long_text_scores()
    data = ProgrammeData({"Scores": frame}, {})
    cold = tables_digest(data, ["Scores"])
    for column in ("Judge", "Nomination ID", "Criterion", "Comment"):
        column_key(data, "Scores", column)  # as validation leaves the cache
    assert column_distinct(data, "Scores", "Judge") is not None
    assert column_distinct(data, "Scores", "Comment") is None  # not all text
    assert tables_digest(data, ["Scores"]) == cold
    assert cold == sha256(_old_table_digest(frame, "Scores", ordered=True))


def test_digest_of_a_table_replaced_after_its_keys_were_cached():
    data = ProgrammeData({"Scores": _long_text_scores()}, {})
    column_key(data, "Scores", "Judge")
    other = _long_text_scores().assign(Judge=lambda f: f["Judge"].shift(1))
    # A copy that shares the cache (as dataclasses.replace leaves it) with a new table.
    changed = dataclasses.replace(data, tables={"Scores": other})
    assert column_distinct(changed, "Scores", "Judge") is None
    assert tables_digest(changed, ["Scores"]) == sha256(
        _old_table_digest(other, "Scores", ordered=True)
    )


# ---------------------------------------------------------------------------------------------
# Sheet XML
# ---------------------------------------------------------------------------------------------
def _per_cell(col, frame, letter, rows, style, count) -> list[str]:
    """The column writer before it was vectorised: a cell writer call per cell."""
    s = f' s="{style}"' if style else ""
    empty = f'<c r="{{}}"{s}/>' if s else ""
    if col.is_formula and count:
        f = escape(col.formula.lstrip("="))
        return [f'<c r="{letter}{r}"{s}><f>{f}</f></c>' for r in rows]
    if col.name not in frame.columns or not count:
        return [empty.format(f"{letter}{r}") if empty else "" for r in rows]
    series = frame[col.name]
    if pd.api.types.is_datetime64_any_dtype(series):
        series = (series - pd.Timestamp(sheet_xml._EPOCH)) / pd.Timedelta(days=1)
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        series = series.astype(float)
        return [
            f'<c r="{letter}{r}"{s}><v>{float(v)!r}</v></c>'
            if v == v
            else (empty.format(f"{letter}{r}") if empty else "")
            for r, v in zip(rows, series.tolist(), strict=True)
        ]
    return [cell(f"{letter}{r}", v, style) for r, v in zip(rows, series.tolist(), strict=True)]


def _by_column(col, frame, letter, top, style) -> str:
    count = len(frame)
    n = max(count, 1)
    pieces = sheet_xml.column_cells(col, frame, letter, sheet_xml.row_numbers(top, n), style, count)
    if not pieces:
        return ""
    return "".join(sheet_xml.join(*pieces).to_pylist())


@pytest.mark.parametrize("style", ["14", None])
@pytest.mark.parametrize("name", list(SERIES))
def test_column_builder_writes_what_the_cell_writer_writes(name, style):
    series = SERIES[name]
    col = schema.Column("Value")
    frame = pd.DataFrame({"Value": series})
    expected = "".join(
        _per_cell(col, frame, "C", range(8, 8 + max(len(frame), 1)), style, len(frame))
    )
    assert _by_column(col, frame, "C", 8, style) == expected


@pytest.mark.parametrize("style", ["3", None])
def test_formula_and_missing_columns(style):
    frame = pd.DataFrame({"Other": [1, 2, 3]})
    formula = schema.Column("F", formula='=IF([@Score]<>"",[@Score]&"<&>","")')
    missing = schema.Column("Value")
    for col in (formula, missing):
        for f in (frame, frame.iloc[:0]):
            expected = "".join(
                _per_cell(col, f, "AB", range(1000, 1000 + max(len(f), 1)), style, len(f))
            )
            assert _by_column(col, f, "AB", 1000, style) == expected


def test_numbers_are_formatted_once_per_distinct_value_but_all_rows_get_them():
    values = pd.Series([0.0, -0.0] * 1000 + [math.nan])
    col = schema.Column("Value")
    frame = pd.DataFrame({"Value": values})
    out = _by_column(col, frame, "A", 1, "1")
    assert out.count("<v>-0.0</v>") == 1000 and out.count("<v>0.0</v>") == 1000
    assert out.endswith('<c r="A2001" s="1"/>')


@pytest.mark.parametrize("style", ["14", None])
@pytest.mark.parametrize("text", [t for t in TEXTS if t is not None])
def test_each_awkward_text_alone_is_written_as_the_cell_writer_writes_it(text, style):
    # Alone, so that a column whose text needs only one treatment (only an illegal
    # character, only an ampersand, only too long) is checked as well as all at once.
    col = schema.Column("Value")
    frame = pd.DataFrame({"Value": pd.Series([text, "plain", None, text], dtype=object)})
    expected = "".join(_per_cell(col, frame, "B", range(3, 7), style, len(frame)))
    assert _by_column(col, frame, "B", 3, style) == expected
