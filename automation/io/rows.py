"""Patch the rows of one Excel table inside a sheet's XML, leaving everything else as it was.

The tool-sheet writer (``automation.io.write``) regenerates whole sheets it owns. Input
tables (Scores, Assignments) and the tool table that sits on an input sheet (JudgeProgress
beside the Judges table) belong to sheets the user also types on, so they are changed cell by
cell instead:

* an *edit* sets some cells of existing rows (a changed score), fills the blank rows at the
  table's end with new rows, and appends what is left below the table, growing it;
* a *replace* makes the table's body exactly the given rows (a tool table), shrinking it when
  there are fewer.

Cells outside the table's columns, every other row, the sheet's formatting, merged cells,
notes and conditional formats are copied untouched. New cells take the style of the cell
above them, calculated columns get the schema's formula, and data validations that covered
the table's body are stretched to its new last row, so dropdowns keep working on the new rows.
It works on files saved by the builder, by Excel and by LibreOffice (shared strings, cells
without styles, rows without spans).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from automation import schema
from automation.errors import UserError
from automation.io.package import TableInfo, col_index, parse_ref
from automation.io.row_cap import check_fits
from automation.issues import column_letter

Row = Mapping[str, object]

_ROW = re.compile(r'<row\b[^>]*?\br="(\d+)"[^>]*?(?:/>|>.*?</row>)', re.S)
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_CELL_REF = re.compile(r'\br="([A-Z]+)(\d+)"')
_STYLE = re.compile(r'\bs="(\d+)"')
_SQREF = re.compile(r'(<(?:dataValidation|conditionalFormatting)\b[^>]*?\bsqref=")([^"]*)(")')


@dataclass
class TableEdit:
    """What to change in one table.

    ``updates`` maps an Excel row number to the cells to set there (column name -> value;
    None clears a cell). ``appends`` are new rows: they fill the blank rows at the table's end
    first, then go below it. ``replace`` makes the body exactly ``appends`` (for tool tables).
    """

    updates: dict[int, dict[str, object]] = field(default_factory=dict)
    appends: list[dict[str, object]] = field(default_factory=list)
    replace: bool = False

    @property
    def empty(self) -> bool:
        return not (self.updates or self.appends or self.replace)


@dataclass(frozen=True)
class PatchResult:
    sheet_xml: str
    table_ref: str
    rows_written: int  # rows set or added


def _cells(row_xml: str) -> dict[int, str]:
    """Column index -> cell XML of one row (cells without r= follow the one before)."""
    if not row_xml:
        return {}
    body_start = row_xml.find(">") + 1
    if row_xml[body_start - 2] == "/":
        return {}
    out: dict[int, str] = {}
    last = 0
    for m in _CELL.finditer(row_xml, body_start):
        ref = _CELL_REF.search(m.group(1))
        last = col_index(ref.group(1)) if ref else last + 1
        out[last] = m.group(0)
    return out


def _row_open(row_xml: str, number: int) -> str:
    """The row's opening tag without ``spans`` (it would be stale once cells change)."""
    if not row_xml:
        return f'<row r="{number}">'
    tag = row_xml[: row_xml.find(">") + 1]
    if tag.endswith("/>"):
        tag = tag[:-2].rstrip() + ">"
    return re.sub(r'\sspans="[^"]*"', "", tag)


def _has_value(cell_xml: str) -> bool:
    return "<v>" in cell_xml or "<v " in cell_xml or "<is>" in cell_xml or "<f" in cell_xml


def _style_of(cell_xml: str | None) -> str | None:
    if not cell_xml:
        return None
    m = _STYLE.search(cell_xml[: cell_xml.find(">") + 1])
    return m.group(1) if m else None


def _value_xml(ref: str, value: object, style: str | None) -> str:
    from automation.io.write import _cell  # one cell writer for the whole package

    out = _cell(ref, value, style)
    return out or (f'<c r="{ref}" s="{style}"/>' if style else "")


def _formula_xml(ref: str, formula: str, style: str | None) -> str:
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s}><f>{escape(formula.lstrip("="))}</f></c>'


def patch_table(
    sheet_xml: str, info: TableInfo, spec: schema.Table, edit: TableEdit
) -> PatchResult:
    """Apply ``edit`` to the table ``info`` (declared by ``spec``) in ``sheet_xml``."""
    c1, header, c2, old_last = parse_ref(info.ref)
    by_header = {h.strip().casefold(): c1 + i for i, h in enumerate(info.columns)}
    col_of: dict[str, int] = {}
    for col in spec.columns:
        j = by_header.get(col.name.casefold())
        if j is not None:
            col_of[col.name] = j
    inputs = [c for c in spec.columns if not c.is_formula and c.name in col_of]
    formulas = [c for c in spec.columns if c.is_formula and c.name in col_of]

    m = re.search(r"<sheetData\s*/>|<sheetData>(.*)</sheetData>", sheet_xml, flags=re.S)
    if not m:
        raise UserError(
            f"The '{info.sheet}' sheet has an unexpected layout.",
            "Open and save it in Excel, then try again.",
        )
    data_start = m.start(1) if m.group(1) is not None else None
    rows: dict[int, tuple[int, int]] = {}  # row number -> (start, end) in sheet_xml
    if data_start is not None:
        for rm in _ROW.finditer(sheet_xml, data_start, m.end(1)):
            rows[int(rm.group(1))] = (rm.start(), rm.end())

    def row_xml(n: int) -> str:
        span = rows.get(n)
        return sheet_xml[span[0] : span[1]] if span else ""

    body = range(header + 1, old_last + 1)
    # Styles for new cells: the last body row's, falling back to the first's.
    template = _cells(row_xml(old_last)) or _cells(row_xml(header + 1))
    styles = {j: _style_of(template.get(j)) for j in range(c1, c2 + 1)}

    def is_blank(n: int) -> bool:
        cells = _cells(row_xml(n))
        return not any(
            _has_value(cells.get(col_of[c.name], "")) for c in inputs if col_of[c.name] in cells
        )

    targets: dict[int, dict[str, object] | None] = {}  # row -> values (None: clear the row)
    if edit.replace:
        for i, values in enumerate(edit.appends):
            targets[header + 1 + i] = dict(values)
        new_last = header + max(len(edit.appends), 1)
        if spec.owner == "user":
            # An input table keeps its blank rows to type into; only a tool table shrinks.
            new_last = max(new_last, old_last)
        for n in range(header + 1 + len(edit.appends), max(old_last, new_last) + 1):
            targets[n] = None
    else:
        for n, values in edit.updates.items():
            if n not in body:
                raise ValueError(f"row {n} is not in table {info.name} ({info.ref})")
            targets[n] = dict(values)
        pending = list(edit.appends)
        # The blank rows at the table's end (the template's spare rows) take new rows first.
        # Only the end is searched: on a 300,000-row Scores table a full scan would cost
        # seconds, and a blank row left in the middle by a user is better left where it is.
        first_blank = old_last + 1
        if pending:
            while (
                first_blank - 1 > header
                and first_blank - 1 not in targets
                and is_blank(first_blank - 1)
            ):
                first_blank -= 1
        for n in range(first_blank, old_last + 1):
            if not pending:
                break
            targets[n] = pending.pop(0)
        n = old_last
        for values in pending:
            n += 1
            targets[n] = values
        new_last = max(old_last, n)
    check_fits(info.name, info.sheet, new_last)
    # Rows below the table that it grows into must be empty in its columns.
    for n in range(old_last + 1, new_last + 1):
        cells = _cells(row_xml(n))
        if any(_has_value(x) for j, x in cells.items() if c1 <= j <= c2):
            raise UserError(
                f"The {info.name} table on the '{info.sheet}' sheet needs {new_last - old_last} "
                f"more rows, but row {n} below it is not empty.",
                f"Move what is below the {info.name} table further down (or to another sheet), "
                "then try again.",
            )

    written = 0
    new_rows: dict[int, str] = {}
    for n, values in sorted(targets.items()):
        existing = _cells(row_xml(n))
        cells = dict(existing)
        in_body = header < n <= new_last
        if values is None or not in_body:
            for j in range(c1, c2 + 1):
                if values is None and not in_body:
                    cells.pop(j, None)  # shrunk away: the cells leave with the table
                elif j in cells:
                    ref = f"{column_letter(j)}{n}"
                    st = _style_of(cells[j]) or styles.get(j)
                    cells[j] = f'<c r="{ref}" s="{st}"/>' if st else ""
        else:
            written += 1
            partial = not edit.replace and n in edit.updates
            for col in inputs:
                if partial and col.name not in values:
                    continue  # an update sets only the cells it names
                j = col_of[col.name]
                ref = f"{column_letter(j)}{n}"
                st = _style_of(existing.get(j)) or styles.get(j)
                cells[j] = _value_xml(ref, values.get(col.name), st)
            with_formulas = spec.formula_at(n - header)
            for col in formulas:
                j = col_of[col.name]
                if n > old_last or edit.replace or not _has_value(existing.get(j, "")):
                    ref = f"{column_letter(j)}{n}"
                    st = _style_of(existing.get(j)) or styles.get(j)
                    # Past the table's formula rows: no cell at all (a styled blank
                    # would cost every reader, spreadsheet or ours, a cell to parse).
                    cells[j] = _formula_xml(ref, col.formula, st) if with_formulas else ""
        content = "".join(cells[j] for j in sorted(cells) if cells[j])
        new_rows[n] = f"{_row_open(row_xml(n), n)}{content}</row>"

    # Splice: replace changed rows in place and insert new ones in row order.
    pieces: list[str] = []
    if data_start is None:
        pieces.append("<sheetData>")
        pieces.extend(new_rows[n] for n in sorted(new_rows))
        pieces.append("</sheetData>")
        out = sheet_xml[: m.start()] + "".join(pieces) + sheet_xml[m.end() :]
    else:
        pos = data_start
        existing_numbers = sorted(rows)
        inserts = sorted(n for n in new_rows if n not in rows)
        k = 0
        for n in existing_numbers:
            while k < len(inserts) and inserts[k] < n:
                pieces.append(sheet_xml[pos : rows[n][0]])
                pos = rows[n][0]
                pieces.append(new_rows[inserts[k]])
                k += 1
            if n in new_rows:
                start, end = rows[n]
                pieces.append(sheet_xml[pos:start])
                pieces.append(new_rows[n])
                pos = end
        pieces.append(sheet_xml[pos : m.end(1)])
        pieces.extend(new_rows[n] for n in inserts[k:])
        out = sheet_xml[:data_start] + "".join(pieces) + sheet_xml[m.end(1) :]

    new_ref = f"{column_letter(c1)}{header}:{column_letter(c2)}{new_last}"
    if new_last != old_last:
        out = _stretch_ranges(out, c1, c2, header + 1, old_last, new_last)
        out = _grow_dimension(out, new_last)
    return PatchResult(out, new_ref, written)


def _stretch_ranges(xml: str, c1: int, c2: int, first: int, old_last: int, new_last: int) -> str:
    """Validations and conditional formats over the table's body follow it to its new end."""

    def fix(ref: str) -> str:
        try:
            a, r1, b, r2 = parse_ref(ref)
        except ValueError:
            return ref
        if r1 == first and r2 == old_last and c1 <= a and b <= c2:
            return f"{column_letter(a)}{r1}:{column_letter(b)}{new_last}"
        return ref

    def sub(m: re.Match) -> str:
        return m.group(1) + " ".join(fix(r) for r in m.group(2).split()) + m.group(3)

    return _SQREF.sub(sub, xml)


def _grow_dimension(xml: str, last_row: int) -> str:
    m = re.search(r'<dimension ref="([^"]*)"\s*/>', xml)
    if not m:
        return xml
    try:
        a, r1, b, r2 = parse_ref(m.group(1))
    except ValueError:
        return xml
    ref = f"{column_letter(a)}{r1}:{column_letter(b)}{max(r2, last_row)}"
    return xml[: m.start()] + f'<dimension ref="{ref}"/>' + xml[m.end() :]


def table_edits_sheets(edits: Mapping[str, TableEdit]) -> Sequence[str]:
    """The sheets the edited tables are on (several tables of one sheet are patched in turn)."""
    return sorted({schema.TABLE_BY_NAME[name].sheet for name in edits})
