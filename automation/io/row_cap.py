"""An Excel sheet's last row, and the message when a table would grow past it.

Excel (and LibreOffice) refuse or silently cut a sheet with more than 1,048,576 rows, so a
writer checks a table's planned last row before anything is written. Closed periods' rows
are what makes a programme's tables grow year after year: ``awards new-period`` moves them
to the history sheets, and history past its own cap goes to the Parquet sidecar files beside
the workbook (automation.io.sidecar), so that is where the message points.
"""

from __future__ import annotations

from automation.errors import UserError

EXCEL_ROWS = 1_048_576


def check_fits(table: str, sheet: str, last_row: int) -> None:
    """Refuse (UserError) a table whose last row would be past the sheet's last row."""
    if last_row <= EXCEL_ROWS:
        return
    raise UserError(
        f"The {table} table on the '{sheet}' sheet would need rows down to {last_row:,}, but a "
        f"sheet holds at most {EXCEL_ROWS:,} rows. Nothing was written.",
        "Close the period first (awards new-period): the closed period's rows move to the "
        "history sheets, and history past the sheet's cap goes to the sidecar files beside the "
        "workbook. A programme that is still too big for one period needs one workbook per "
        "category.",
    )
