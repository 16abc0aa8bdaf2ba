"""Change a workbook the way a user might (openpyxl; small test workbooks only)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.table import TableColumn


def table_rows(path: Path, table: str) -> tuple[list[str], list[list[object]]]:
    wb = load_workbook(path)
    for ws in wb.worksheets:
        if table in ws.tables:
            cells = ws[ws.tables[table].ref]
            header = [c.value for c in cells[0]]
            return header, [[c.value for c in row] for row in cells[1:]]
    raise KeyError(table)


def rewrite_table(
    path: Path, table: str, header: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    """Replace a table's header and body (any column order, extra columns allowed)."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        if table not in ws.tables:
            continue
        t = ws.tables[table]
        first, last = t.ref.split(":")
        col0 = ws[first].column
        row0 = ws[first].row
        old_rows = ws[t.ref]
        for row in old_rows:
            for c in row:
                c.value = None
        for j, h in enumerate(header):
            ws.cell(row=row0, column=col0 + j, value=h)
        for i, r in enumerate(rows, start=1):
            for j, v in enumerate(r):
                ws.cell(row=row0 + i, column=col0 + j, value=v)
        from openpyxl.utils import get_column_letter

        end = f"{get_column_letter(col0 + len(header) - 1)}{row0 + max(len(rows), 1)}"
        t.ref = f"{first}:{end}"
        t.autoFilter.ref = t.ref
        t.tableColumns = [TableColumn(id=i + 1, name=str(h)) for i, h in enumerate(header)]
        wb.save(path)
        return
    raise KeyError(table)


def delete_table(path: Path, table: str) -> None:
    wb = load_workbook(path)
    for ws in wb.worksheets:
        if table in ws.tables:
            del ws.tables[table]
            wb.save(path)
            return
    raise KeyError(table)


def set_cell(path: Path, sheet: str, ref: str, value: object) -> None:
    wb = load_workbook(path)
    wb[sheet][ref] = value
    wb.save(path)
