"""Warn before an input table runs out of sheet rows (a sheet holds 1,048,576).

A big programme's Scores table grows by judges x criteria rows per nomination, so a period
of 60,000 nominations scored by three judges on five criteria already fills 900,000 rows.
The warning comes while there is still room to close the period in good order, rather than
as a refusal when the next import or collected pack would not fit.
"""

from __future__ import annotations

from collections.abc import Iterator

from automation import schema
from automation.io.row_cap import EXCEL_ROWS
from automation.issues import WARNING, Issue
from automation.model import ROW, ProgrammeData

# Rows to spare below which the warning comes: room for about one more big import.
HEADROOM = 50_000


def check_capacity(data: ProgrammeData) -> Iterator[Issue]:
    for spec in schema.TABLES:
        if spec.owner != "user" or spec.name not in data.tables:
            continue
        frame = data[spec.name]
        if frame.empty or ROW not in frame.columns or not frame[ROW].notna().any():
            continue
        last = int(frame[ROW].max())
        if last <= EXCEL_ROWS - HEADROOM:
            continue
        place = data.place(spec.name)
        column = spec.input_columns[0].name
        yield Issue(
            "table-near-row-cap",
            WARNING,
            place.sheet,
            f"The {spec.name} table reaches row {last:,}; a sheet holds at most "
            f"{EXCEL_ROWS:,} rows, so only {EXCEL_ROWS - last:,} more fit.",
            "Close the period (awards new-period) before adding more: its rows move to the "
            "history sheets, and history past the sheet's cap goes to the sidecar files beside "
            "the workbook.",
            row=last,
            column=column,
            cell=place.cell(column, last),
        )
