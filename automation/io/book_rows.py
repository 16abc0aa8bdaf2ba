"""Change rows of input tables in a live (or JSON) workbook: the macros' twin of ``io.rows``.

The same ``TableEdit`` the file writer applies is applied here through the xlwings Book API
that desktop Excel and the JSON book share (docs/xlwings_jsonbook.md): positions come from
what was read before the first write; updates set single cells; new rows fill the table's
blank rows at its end and then the rows below it, which the table is resized to take in (Excel copies
the column's formatting and dropdown into them); a replace rewrites the body and clears
what is left. Only the table's own columns are written, so the input tables beside and
under it are not touched. A replace needs only where the columns are, which the read that
gave the data already found: given those places, it reads nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from automation import schema
from automation.errors import UserError
from automation.io.book import _cell_value, _find_table, _screen_frozen, _unprotected
from automation.io.package import col_index
from automation.io.rows import TableEdit
from automation.model import TablePlace


def apply_edits(
    book: Any, edits: Mapping[str, TableEdit], places: Mapping[str, TablePlace] | None = None
) -> dict[str, int]:
    """Apply each table's edit; return the rows set or added per table.

    ``places``: where ``read_book`` found each table's columns (``ProgrammeData.places``), so
    a replace does not read the table a second time.
    """
    sheets = {s.name: s for s in book.sheets}
    counts: dict[str, int] = {}
    with _screen_frozen(book):
        for name, edit in edits.items():
            if edit.empty:
                continue
            spec = schema.TABLE_BY_NAME[name]
            found = _find_table(sheets, spec)
            if found is None:
                raise UserError(
                    f"The table '{name}' is missing from the '{spec.sheet}' sheet.",
                    f"Copy the '{spec.sheet}' sheet's {name} table from a fresh template "
                    "(awards template) into this workbook.",
                )
            sheet, table = found
            with _unprotected(sheet):
                counts[name] = _apply(sheet, table, spec, edit, (places or {}).get(name))
    return counts


def _apply(
    sheet: Any, table: Any, spec: schema.Table, edit: TableEdit, place: TablePlace | None
) -> int:
    rng = table.range
    top, left = rng.row, rng.column
    nrows, ncols = rng.shape
    if edit.replace and place is not None and place.header_row == top:
        body: list[list[object]] = []
        col_of = {name: col_index(letter) - left for name, letter in place.columns.items()}
    else:
        block = rng.options(ndim=2).value or [[]]
        headers = [str(h or "").strip().casefold() for h in block[0]]
        body = block[1:]
        col_of = {
            c.name: headers.index(c.name.casefold())
            for c in spec.columns
            if c.name.casefold() in headers
        }
    inputs = [c for c in spec.columns if not c.is_formula and c.name in col_of]

    def row_values(values: Mapping[str, object], excel_row: int) -> list[object]:
        out: list[object] = [None] * ncols
        formulas = spec.formula_at(excel_row - top)  # past the formula rows: left blank
        for col in spec.columns:
            j = col_of.get(col.name)
            if j is None:
                continue
            if col.is_formula:
                out[j] = col.formula if formulas else None
            else:
                out[j] = _cell_value(values.get(col.name))
        return out

    if edit.replace:
        rows = [row_values(v, top + 1 + i) for i, v in enumerate(edit.appends)] or [[None] * ncols]
        keep = max(len(rows), nrows - 1) if spec.owner == "user" else len(rows)
        table.resize(sheet.range((top, left), (top + keep, left + ncols - 1)))
        sheet.range((top + 1, left)).value = rows
        if nrows - 1 > len(rows):
            sheet.range(
                (top + 1 + len(rows), left), (top + nrows - 1, left + ncols - 1)
            ).clear_contents()
        return len(edit.appends)

    written = 0
    for excel_row, values in edit.updates.items():
        for name, value in values.items():
            j = col_of.get(name)
            if j is not None:
                sheet.range((excel_row, left + j)).value = _cell_value(value)
                written += 1
    # The blank rows at the table's end take new rows first, as in the file writer.
    blank: list[int] = []
    for i in range(len(body) - 1, -1, -1):
        if top + 1 + i in edit.updates or any(
            body[i][col_of[c.name]] not in (None, "") for c in inputs
        ):
            break
        blank.insert(0, top + 1 + i)
    pending = list(edit.appends)
    targets: list[tuple[int, list[object]]] = []
    for r in blank:
        if not pending:
            break
        targets.append((r, row_values(pending.pop(0), r)))
    last = top + nrows - 1
    if pending:
        table.resize(sheet.range((top, left), (last + len(pending), left + ncols - 1)))
        for i, values in enumerate(pending, start=1):
            targets.append((last + i, row_values(values, last + i)))
    # One write per run of consecutive rows.
    run: list[list[object]] = []
    start = None
    for r, values in targets + [(None, None)]:
        if start is not None and (r is None or r != start + len(run)):
            sheet.range((start, left)).value = run
            run, start = [], None
        if r is None:
            break
        if start is None:
            start = r
        run.append(values)
    return written + len(edit.appends)


__all__ = ["apply_edits"]
