"""Turn a boolean mask over a table into Issues with coordinates (only flagged rows loop)."""

from __future__ import annotations

from collections.abc import Callable
from string import Formatter

import pandas as pd

from automation.issues import Issue
from automation.model import ROW, ProgrammeData
from automation.parse import as_python

Message = str | Callable[[pd.Series], str]


def _fmt(value: object) -> str | None:
    v = as_python(value)
    if v is None:
        return None
    if hasattr(v, "strftime"):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


class _Row(dict):
    """One flagged row as its column -> value, with ``name`` (its index label) like the row
    Series of ``iterrows``; far cheaper to make when thousands of rows are flagged."""

    __slots__ = ("name",)


def _fields(message: str) -> list[str]:
    """The column names a format-string message refers to ("{Nominee}" -> Nominee)."""
    names = (f for _, f, _, _ in Formatter().parse(message) if f)
    return list(dict.fromkeys(n.split(".")[0].split("[")[0] for n in names))


def row_issues(
    data: ProgrammeData,
    table: str,
    mask: pd.Series,
    column: str,
    code: str,
    severity: str,
    message: Message,
    hint: str,
) -> list[Issue]:
    """One issue per True row of ``mask``, pointing at ``column`` of that row.

    ``message`` may be a format string over the row's columns ("{Nominee}") or a function of
    the row.
    """
    frame = data[table]
    if not isinstance(mask, pd.Series):
        mask = pd.Series(mask, index=frame.index)
    if frame.empty or not mask.any():
        return []
    place = data.place(table)
    flagged = frame[mask.reindex(frame.index, fill_value=False).astype(bool)]
    columns = list(flagged.columns)
    # ``.values`` is what iterrows reads each row from, so every value keeps the type (and
    # the formatting) it had when rows were Series.
    values = flagged.values
    fields = None if callable(message) else _fields(message)
    has_column = column in columns
    out = []
    for label, vals in zip(flagged.index, values, strict=True):
        row = _Row(zip(columns, vals, strict=True))
        row.name = label
        excel_row = int(row[ROW]) if pd.notna(row[ROW]) else None
        if fields is None:
            text = message(row)
        else:
            text = message.format(**{k: _fmt(row[k]) or "" for k in fields if k in row})
        value = _fmt(row[column]) if has_column else None
        out.append(
            Issue(
                code,
                severity,
                place.sheet,
                text,
                hint,
                row=excel_row,
                column=column,
                cell=place.cell(column, excel_row),
                value=value,
            )
        )
    return out
