"""Excel's rules for the JSON-book replayer: cell inserts and deletes, and strict resizes.

Excel refuses to move a table's header with ListObject.Resize, to make a table overlap another,
or to shift cells through part of a table; the replayer refuses the same, so a macro that would
fail in Excel fails its test too. Registered as jsonbook's default handlers.
"""

from __future__ import annotations

from copy import copy

from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook

Action = dict


def _jb():
    """The replayer module (imported late: it registers these handlers when it loads)."""
    from tests.support import jsonbook

    return jsonbook


def box(ref: str) -> tuple[int, int, int, int]:
    """(first row, first column, last row, last column) of an A1 range."""
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    return min_row, min_col, max_row, max_col


def overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _check_resize(wb: Workbook, action: Action) -> None:
    ws = _jb()._sheet(wb, action)
    table = _jb()._table(wb, action)
    old, new = box(table.ref), box(action["args"][1])
    # ListObject.Resize: "The header must remain in the same row and the resulting list must
    # overlap the original list."
    assert new[0] == old[0], f"Excel cannot move {table.name}'s header from row {old[0]}"
    assert overlap(old, new), f"Excel cannot move {table.name} to {action['args'][1]}"
    for other in ws.tables.values():
        assert other is table or not overlap(new, box(other.ref)), (
            f"{table.name} would overlap {other.name}"
        )


def _shift_tables(ws, from_row: int, first_col: int, last_col: int, rows: int) -> None:
    for table in ws.tables.values():
        r1, c1, r2, c2 = box(table.ref)
        if r1 >= from_row and first_col <= c1 and c2 <= last_col:
            table.ref = f"{get_column_letter(c1)}{r1 + rows}:{get_column_letter(c2)}{r2 + rows}"
            if table.autoFilter is not None:
                table.autoFilter.ref = table.ref


def _refuse_partial_moves(ws, first_row: int, first_col: int, last_col: int) -> None:
    """Excel will not shift cells when that moves or cuts only part of a table."""
    for table in ws.tables.values():
        r1, c1, r2, c2 = box(table.ref)
        if r2 < first_row or c2 < first_col or c1 > last_col:
            continue  # untouched
        assert r1 >= first_row and first_col <= c1 and c2 <= last_col, (
            f"Excel would refuse: shifting cells would cut table {table.name}"
        )


def _insert_cells(wb: Workbook, action: Action) -> None:
    """``rng.insert(shift="down")``: cells at and below the range move down."""
    assert action["args"][0] == "down"
    ws = _jb()._sheet(wb, action)
    row, col = _jb()._origin(action)
    rows, last_col = action["row_count"], col + action["column_count"] - 1
    _refuse_partial_moves(ws, row, col, last_col)
    if ws.max_row >= row:
        ws.move_range(
            f"{get_column_letter(col)}{row}:{get_column_letter(last_col)}{ws.max_row}", rows=rows
        )
    _shift_tables(ws, row, col, last_col, rows)
    for r in range(row, row + rows):  # format_from_left_or_above
        for c in range(col, last_col + 1):
            ws.cell(r, c)._style = copy(ws.cell(row - 1, c)._style)


def _delete_cells(wb: Workbook, action: Action) -> None:
    """``rng.delete(shift="up")``: the range goes, cells below move up."""
    assert action["args"][0] == "up"
    ws = _jb()._sheet(wb, action)
    row, col = _jb()._origin(action)
    rows, last_col = action["row_count"], col + action["column_count"] - 1
    _refuse_partial_moves(ws, row, col, last_col)
    for r in range(row, row + rows):
        for c in range(col, last_col + 1):
            ws._cells.pop((r, c), None)
    below = row + rows
    if ws.max_row >= below:
        ws.move_range(
            f"{get_column_letter(col)}{below}:{get_column_letter(last_col)}{ws.max_row}", rows=-rows
        )
    _shift_tables(ws, below, col, last_col, -rows)


def strict_resize(original):
    """Wrap the plain resizeTable handler with Excel's checks."""

    def handler(wb: Workbook, action: Action) -> None:
        _check_resize(wb, action)
        original(wb, action)

    return handler
