"""Turn a boolean mask over a table into Issues with coordinates (only flagged rows loop)."""

from __future__ import annotations

from collections.abc import Callable

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
    out = []
    for _, row in flagged.iterrows():
        excel_row = int(row[ROW]) if pd.notna(row[ROW]) else None
        if callable(message):
            text = message(row)
        else:
            text = message.format(
                **{k: _fmt(v) or "" for k, v in row.items() if isinstance(k, str)}
            )
        value = _fmt(row[column]) if column in row.index else None
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
