"""Change rows of input tables (Nominations, Scores, Periods, Settings...) inside the .xlsx package.

``automation.io.write`` replaces whole sheets the tool owns. Input sheets are the user's: their
formatting, dropdowns, notes and anything typed beside a table must survive. So this module
edits only what it is asked to, in the sheet's XML:

* ``clear``: empty a table's body (a new period starts with empty Nominations and Scores), keep
  ``blank_rows`` empty rows to type into, each cell styled like the table's first body row;
* ``append``: add rows after the last row that holds data (an import), growing the table;
* ``cells``: set single cells (a period's status, a setting's value, an anonymised contact).

Cells outside the table's columns are never touched. When a table grows into the one below it
on a stacked sheet, everything from that table down moves down (rows, table ranges, dropdowns
and the header notes), as inserting rows in Excel would. Dropdown ranges that covered a
table's body follow its new size. The result is saved through the same atomic write and
backup as the tool sheets (``save_parts``).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from automation import schema
from automation.build import printing
from automation.build.layout import GAP
from automation.errors import UserError
from automation.io.package import TableInfo, col_index, open_package, parse_ref, sheet_parts, tables
from automation.io.package import _rels as part_rels
from automation.io.print_areas import edited_sheet_areas
from automation.io.row_cap import check_fits
from automation.io.safe_save import replace, saving
from automation.io.upgrade import PackageParts
from automation.io.write import (
    SMALL_PARTS,
    Part,
    WriteResult,
    _cell,
    _drop_calc_chain,
    _sheet_xml,
    _show_patched,
    backup_copy,
    finished_workbook_xml,
    read_small_parts,
    save_target,
    write_package,
)
from automation.issues import column_letter

COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
DRAWING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
CHART_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
VML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"

_ROW = re.compile(r"<row\b([^>]*?)(/>|>(.*?)</row>)", re.S)
_CELL = re.compile(r"<c\b([^>]*?)(/>|>(.*?)</c>)", re.S)
_R_ATTR = re.compile(r'\br="([A-Z]*)(\d+)"')
_S_ATTR = re.compile(r'\bs="(\d+)"')


@dataclass
class TableEdit:
    """What to change in one input table; see the module docstring."""

    table: str
    clear: bool = False
    append: list[Mapping[str, object]] = field(default_factory=list)
    cells: dict[tuple[int, str], object] = field(default_factory=dict)
    blank_rows: int = 0
    last_data_row: int | None = None  # Excel row of the last row holding data (from the reader)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


# --------------------------------------------------------------------------------------------
# A sheet's rows as a small editable model
# --------------------------------------------------------------------------------------------
class _Row:
    """One row: its attributes and its cells, parsed only when something needs them (a long
    Scores sheet has hundreds of thousands of rows that a new period simply drops)."""

    def __init__(
        self, attrs: str, cells: dict[int, str] | None = None, *, inner: str = "", number: int = 0
    ) -> None:
        self.attrs = attrs
        self._cells = cells
        self._inner = inner
        self._number = number

    @property
    def cells(self) -> dict[int, str]:  # column index -> cell XML
        if self._cells is None:
            self._cells = _parse_cells(self._inner, self._number)
            self._inner = ""
        return self._cells

    @cells.setter
    def cells(self, value: dict[int, str]) -> None:
        self._cells, self._inner = value, ""

    def span(self) -> tuple[int, int] | None:
        """First and last column holding a cell, without parsing every cell."""
        if self._cells is not None:
            return (min(self._cells), max(self._cells)) if self._cells else None
        first, last = self._inner.find("<c "), self._inner.rfind("<c ")
        refs = _CELL_REF.match(self._inner, first), _CELL_REF.match(self._inner, last)
        if not all(refs):
            return (min(self.cells), max(self.cells)) if self.cells else None
        return col_index(refs[0].group(1)), col_index(refs[1].group(1))

    def xml(self) -> str:
        if self._cells is None:
            return self._inner
        return "".join(self._cells[c] for c in sorted(self._cells))


_CELL_REF = re.compile(r'<c\b[^>]*?\br="([A-Z]+)\d+"')


def _parse_cells(inner: str, number: int) -> dict[int, str]:
    cells: dict[int, str] = {}
    col = 0
    for cm in _CELL.finditer(inner):
        ref = _R_ATTR.search(cm.group(1))
        col = col_index(ref.group(1)) if ref and ref.group(1) else col + 1
        text = cm.group(0)
        if not ref:  # give every cell its address, so moved rows can be renumbered
            text = f'<c r="{column_letter(col)}{number}"' + text[2:]
        cells[col] = text
    return cells


def _parse_rows(xml: str) -> tuple[str, dict[int, _Row], str]:
    m = re.search(r"<sheetData\s*/>|<sheetData>(.*?)</sheetData>", xml, flags=re.S)
    if not m:
        raise UserError(
            "A sheet the tool edits has an unexpected layout.",
            "Open the workbook in Excel and save it again, then try again.",
        )
    rows: dict[int, _Row] = {}
    last = 0
    for rm in _ROW.finditer(m.group(1) or ""):
        attrs = rm.group(1)
        ra = re.search(r'\br="(\d+)"', attrs)
        number = int(ra.group(1)) if ra else last + 1
        last = number
        rows[number] = _Row(attrs, inner=rm.group(3) or "", number=number)
    return xml[: m.start()], rows, xml[m.end() :]


def _row_attrs(attrs: str, number: int, *, fresh: bool) -> str:
    attrs = re.sub(r'\s*\br="\d+"', "", attrs)
    attrs = re.sub(r'\s*\bspans="[^"]*"', "", attrs)  # an optional hint that would go stale
    if fresh:  # a rewritten row gets its height from its new content
        attrs = re.sub(r'\s*\b(ht|customHeight)="[^"]*"', "", attrs)
    return f' r="{number}"{attrs}'


def _serialise(rows: dict[int, _Row]) -> str:
    out = []
    for number in sorted(rows):
        row = rows[number]
        cells = row.xml()
        if not cells and "ht=" not in row.attrs and "s=" not in row.attrs:
            continue
        out.append(f"<row{row.attrs}>{cells}</row>" if cells else f"<row{row.attrs}/>")
    return "<sheetData>" + "".join(out) + "</sheetData>"


def _style(cell_xml: str | None) -> str | None:
    if not cell_xml:
        return None
    m = _S_ATTR.search(cell_xml.split(">", 1)[0])
    return m.group(1) if m else None


def _retarget(cell_xml: str, ref: str) -> str:
    return _R_ATTR.sub(f'r="{ref}"', cell_xml, count=1)


# --------------------------------------------------------------------------------------------
# Editing one table
# --------------------------------------------------------------------------------------------
@dataclass
class _Layout:
    columns: dict[int, schema.Column | None]  # sheet column index -> schema column (or None)
    styles: dict[int, str | None]


def _layout(info: TableInfo, spec: schema.Table, rows: dict[int, _Row]) -> _Layout:
    by_norm = {_norm(c.name): c for c in spec.columns}
    c1 = info.first_col
    body = rows.get(info.header_row + 1)
    columns, styles = {}, {}
    for j, header in enumerate(info.columns):
        columns[c1 + j] = by_norm.get(_norm(header))
        styles[c1 + j] = _style(body.cells.get(c1 + j)) if body else None
    return _Layout(columns, styles)


def _new_cell(
    col: schema.Column | None, ref: str, value: object, style: str | None, formulas: bool = True
) -> str:
    """``formulas``: whether a calculated column gets its formula in this row (see
    ``schema.Table.formula_at``) or no cell at all."""
    if col is not None and col.is_formula:
        if not formulas:
            return ""  # a styled blank would cost every reader a cell to parse
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s}><f>{escape(col.formula.lstrip("="))}</f></c>'
    if isinstance(value, str) and value == "":
        value = None
    return _cell(ref, value, style) or (f'<c r="{ref}" s="{style}"/>' if style else "")


def _write_row(
    rows: dict[int, _Row],
    number: int,
    lay: _Layout,
    values: Mapping[str, object],
    spec: schema.Table,
    position: int,
) -> None:
    """Write body row ``position`` of the table (1 = under the header) at sheet row ``number``."""
    row = rows.get(number) or _Row("", {})
    # The table's own column widths: the printed width of its columns on this sheet.
    lines = printing.lines_needed(spec, values, [c.width for c in spec.columns])
    attrs = _row_attrs(row.attrs, number, fresh=True)
    height = printing.row_height(lines)
    if height:
        attrs += f' ht="{height}" customHeight="1"'
    row.attrs = attrs
    for c, col in lay.columns.items():
        ref = f"{column_letter(c)}{number}"
        value = values.get(col.name) if col is not None else None
        text = _new_cell(col, ref, value, lay.styles.get(c), spec.formula_at(position))
        if text:
            row.cells[c] = text
        else:
            row.cells.pop(c, None)
    rows[number] = row


def _set_cell(rows: dict[int, _Row], number: int, c: int, value: object, col) -> None:
    row = rows.setdefault(number, _Row(f' r="{number}"', {}))
    ref = f"{column_letter(c)}{number}"
    text = _new_cell(col, ref, value, _style(row.cells.get(c)))
    if text:
        row.cells[c] = text
    else:
        row.cells.pop(c, None)


def _clear_span(rows: dict[int, _Row], first: int, last: int, c1: int, c2: int) -> None:
    for number in range(first, last + 1):
        row = rows.get(number)
        if row is None:
            continue
        span = row.span()
        if span is None or (c1 <= span[0] and span[1] <= c2):
            row.cells = {}  # everything in the row is the table's: no need to look at it
        else:
            for c in [c for c in row.cells if c1 <= c <= c2]:
                del row.cells[c]
        row.attrs = _row_attrs(row.attrs, number, fresh=True)


def _planned_last(edit: TableEdit, info: TableInfo) -> int:
    """The table's last row after ``edit`` (worked out before anything moves)."""
    _, r1, _, r2 = parse_ref(info.ref)
    last_data = r1 if edit.clear else max(edit.last_data_row or r1, r1)
    new_last = max(last_data + len(edit.append) + edit.blank_rows, r1 + 1)
    return new_last if edit.clear else max(new_last, r2)


def _apply(edit: TableEdit, info: TableInfo, rows: dict[int, _Row]) -> tuple[int, int]:
    """Edit the rows of one table; return (old last row, new last row)."""
    spec = schema.TABLE_BY_NAME[edit.table]
    c1, r1, c2, r2 = parse_ref(info.ref)
    lay = _layout(info, spec, rows)
    letters = {col.name: c for c, col in lay.columns.items() if col is not None}
    for (number, name), value in edit.cells.items():
        if name not in letters:
            raise UserError(
                f"The table {spec.name} has no column '{name}'.",
                f"Add a column headed '{name}' to the table, as in a fresh template.",
            )
        _set_cell(rows, number, letters[name], value, spec.column(name))
    if edit.clear:
        _clear_span(rows, r1 + 1, r2, c1, c2)
        last_data = r1
    else:
        last_data = max(edit.last_data_row or r1, r1)
    number = last_data
    for values in edit.append:
        number += 1
        _write_row(rows, number, lay, values, spec, number - r1)
    new_last = max(number + edit.blank_rows, r1 + 1)
    if not edit.clear:
        new_last = max(new_last, r2)
    for blank in range(number + 1, new_last + 1):
        if edit.clear or blank > r2:
            _write_row(rows, blank, lay, {}, spec, blank - r1)
    return r2, new_last


# --------------------------------------------------------------------------------------------
# Moving what lies below a growing table
# --------------------------------------------------------------------------------------------
def _shift_ref(ref: str, boundary: int, delta: int) -> str:
    def one(part: str) -> str:
        m = re.match(r"^(\$?)([A-Z]+)(\$?)(\d+)$", part)
        if not m:
            return part
        row = int(m.group(4))
        return f"{m.group(1)}{m.group(2)}{m.group(3)}{row + delta if row >= boundary else row}"

    return ":".join(one(p) for p in ref.split(":"))


def _shift_rows(rows: dict[int, _Row], boundary: int, delta: int) -> dict[int, _Row]:
    out: dict[int, _Row] = {}
    for number, row in rows.items():
        if number < boundary:
            out[number] = row
            continue
        new = number + delta
        row.attrs = _row_attrs(row.attrs, new, fresh=False)
        row.cells = {
            c: _retarget(text, f"{column_letter(c)}{new}") for c, text in row.cells.items()
        }
        out[new] = row
    return out


def _resize_validations(tail: str, spans: list[tuple[int, int, int, int, int]]) -> str:
    """Dropdown ranges that covered a table body follow its new last row.

    ``spans`` holds (first col, last col, first body row, old last row, new last row).
    """

    def fix(m: re.Match) -> str:
        parts = []
        for ref in m.group(2).split():
            try:
                a, b, c, d = parse_ref(ref)
            except ValueError:
                parts.append(ref)
                continue
            for c1, c2, top, old_last, new_last in spans:
                if c1 <= a and c <= c2 and b == top and d >= min(old_last, new_last):
                    ref = f"{column_letter(a)}{b}:{column_letter(c)}{max(new_last, b)}"
                    break
            parts.append(ref)
        return f'{m.group(1)}{" ".join(parts)}"'

    return re.sub(r'(<dataValidation\b[^>]*?\bsqref=")([^"]*)"', fix, tail)


def _shift_sqrefs(text: str, tag: str, boundary: int, delta: int) -> str:
    def fix(m: re.Match) -> str:
        refs = " ".join(_shift_ref(r, boundary, delta) for r in m.group(2).split())
        return f'{m.group(1)}{refs}"'

    return re.sub(rf'(<{tag}\b[^>]*?\b(?:sqref|ref)=")([^"]*)"', fix, text)


def _shift_comments(zf: zipfile.ZipFile, sheet_part: str, boundary: int, delta: int) -> dict:
    """Header notes below the boundary move with their cells (comments and their VML shapes)."""
    out: dict[str, bytes] = {}
    for kind, target in part_rels(zf, sheet_part).values():
        if target not in zf.namelist():
            continue
        if kind == COMMENTS_REL:
            xml = zf.read(target).decode("utf-8")
            xml = re.sub(
                r'(<comment\b[^>]*?\bref=")([^"]*)"',
                lambda m: f'{m.group(1)}{_shift_ref(m.group(2), boundary, delta)}"',
                xml,
            )
            out[target] = xml.encode("utf-8")
        elif kind == VML_REL:
            xml = zf.read(target).decode("utf-8", errors="replace")

            def row(m: re.Match) -> str:
                n = int(m.group(2))  # 0-based in VML
                return f"{m.group(1)}{n + delta if n + 1 >= boundary else n}{m.group(3)}"

            # Excel writes the x: prefix; openpyxl and LibreOffice may use others.
            xml = re.sub(r"(<(?:\w+:)?Row>)(\d+)(</(?:\w+:)?Row>)", row, xml)

            def anchor(m: re.Match) -> str:
                nums = [int(x.strip()) for x in m.group(2).split(",")]
                if len(nums) == 8:
                    for i in (2, 6):
                        if nums[i] + 1 >= boundary:
                            nums[i] += delta
                return f"{m.group(1)}{', '.join(map(str, nums))}{m.group(3)}"

            xml = re.sub(r"(<(?:\w+:)?Anchor>)([^<]*)(</(?:\w+:)?Anchor>)", anchor, xml)
            out[target] = xml.encode("utf-8")
    return out


def _charts(zf: zipfile.ZipFile, sheet_part: str) -> list[str]:
    """The chart parts drawn on a sheet."""
    out = []
    for kind, drawing in part_rels(zf, sheet_part).values():
        if kind == DRAWING_REL and drawing in zf.namelist():
            out += [
                t
                for k, t in part_rels(zf, drawing).values()
                if k == CHART_REL and t in zf.namelist()
            ]
    return out


def _resize_chart_refs(xml: str, sheet: str, spans: list[tuple[int, int, int, int, int]]) -> str:
    """Chart series that plotted a table's body column follow the table's new last row."""

    def fix(m: re.Match) -> str:
        name, c1, r1 = m.group(1), m.group(2), int(m.group(3))
        c2, r2 = m.group(4) or c1, int(m.group(5) or r1)  # a one-row table: a single cell
        if name.strip("'").replace("''", "'") != sheet or c1 != c2:
            return m.group(0)
        col = col_index(c1)
        for a, b, top, old_last, new_last in spans:
            if a <= col <= b and r1 == top and r2 == old_last:
                return f"{name}!${c1}${r1}:${c2}${max(new_last, top)}"
        return m.group(0)

    return re.sub(r"('[^']+'|[A-Za-z0-9_]+)!\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?", fix, xml)


# --------------------------------------------------------------------------------------------
# The whole edit
# --------------------------------------------------------------------------------------------
def render_edits(zf: zipfile.ZipFile, edits: Mapping[str, TableEdit]) -> dict[str, bytes]:
    """New XML for every sheet and table part the edits touch."""
    found = tables(zf)
    sheet_parts(zf)
    out: dict[str, bytes] = {}
    by_sheet: dict[str, list[TableEdit]] = {}
    for edit in edits.values():
        if edit.table not in found:
            spec = schema.TABLE_BY_NAME[edit.table]
            raise UserError(
                f"The table {edit.table} is missing from the '{spec.sheet}' sheet.",
                f"Copy the '{spec.sheet}' sheet from a fresh template (awards template) into "
                "this workbook; do not rename or convert its tables to ranges.",
            )
        by_sheet.setdefault(found[edit.table].sheet_part, []).append(edit)
    for sheet_part, sheet_edits in by_sheet.items():
        xml = zf.read(sheet_part).decode("utf-8")
        head, rows, tail = _parse_rows(xml)
        on_sheet = sorted(
            (t for t in found.values() if t.sheet_part == sheet_part), key=lambda t: t.header_row
        )
        refs = {t.name: t.ref for t in on_sheet}
        spans = []
        extra_parts: dict[str, bytes] = {}
        # Bottom table first: growing it never moves the tables already edited above.
        for edit in sorted(sheet_edits, key=lambda e: -found[e.table].header_row):
            info = TableInfo(**{**found[edit.table].__dict__, "ref": refs[edit.table]})
            new_last = _planned_last(edit, info)
            check_fits(edit.table, info.sheet, new_last)
            c1, r1, c2, _ = parse_ref(info.ref)
            below = [t for t in on_sheet if parse_ref(refs[t.name])[1] > r1]
            # Make room first: the tables below move before this one writes its new rows.
            if below:
                boundary = min(parse_ref(refs[t.name])[1] for t in below) - 1  # its title row
                room = boundary - GAP - 1
                if new_last > room:
                    delta = new_last - room
                    rows = _shift_rows(rows, boundary, delta)
                    for t in below:
                        refs[t.name] = _shift_ref(refs[t.name], boundary, delta)
                        check_fits(t.name, t.sheet, parse_ref(refs[t.name])[3])
                    tail = _shift_sqrefs(tail, "dataValidation", boundary, delta)
                    tail = _shift_sqrefs(tail, "mergeCell", boundary, delta)
                    spans = [
                        (a, b, top + delta, o + delta, n + delta)
                        if top >= boundary
                        else (a, b, top, o, n)
                        for a, b, top, o, n in spans
                    ]
                    extra_parts |= _shift_comments(zf, sheet_part, boundary, delta)
            old_last, applied_last = _apply(edit, info, rows)
            assert applied_last == new_last, (applied_last, new_last)
            refs[edit.table] = f"{column_letter(c1)}{r1}:{column_letter(c2)}{new_last}"
            spans.append((c1, c2, r1 + 1, old_last, new_last))
        # Dropdowns follow the final table sizes (after any move).
        tail = _resize_validations(tail, spans)
        last_row = max(rows) if rows else 1
        last_col = max((sp[1] for r in rows.values() if (sp := r.span())), default=1)
        head = re.sub(
            r'<dimension ref="[^"]*"\s*/>',
            f'<dimension ref="A1:{column_letter(last_col)}{last_row}"/>',
            head,
            count=1,
        )
        out[sheet_part] = (head + _serialise(rows) + tail).encode("utf-8")
        out |= extra_parts
        sheet_name = on_sheet[0].sheet if on_sheet else ""
        for chart in _charts(zf, sheet_part):
            xml_c = zf.read(chart).decode("utf-8")
            new_c = _resize_chart_refs(xml_c, sheet_name, spans)
            if new_c != xml_c:
                out[chart] = new_c.encode("utf-8")
        for t in on_sheet:
            if refs[t.name] != t.ref:
                table_xml = zf.read(t.part).decode("utf-8")
                table_xml = re.sub(
                    r'(<table\b[^>]*?\bref=")[^"]*(")',
                    rf"\g<1>{refs[t.name]}\g<2>",
                    table_xml,
                    count=1,
                )
                table_xml = re.sub(
                    r'(<autoFilter\b[^>]*?\bref=")[^"]*(")',
                    rf"\g<1>{refs[t.name]}\g<2>",
                    table_xml,
                    count=1,
                )
                out[t.part] = table_xml.encode("utf-8")
    return out


def save_parts(
    path: Path | str,
    new_parts: Mapping[str, bytes],
    *,
    dest: Path | str | None = None,
    backup: bool = True,
    now: dt.datetime | None = None,
    counts: Mapping[str, int] | None = None,
    areas: Mapping[str, str] | None = None,
    written: Collection[str] = (),
) -> WriteResult:
    """Write ``path`` with ``new_parts`` replaced (atomic swap, backup), as the tool writer
    does: ``areas`` are the new print areas by sheet, ``written`` the sheets rewritten."""
    path, target = save_target(path, dest)
    now = now or dt.datetime.now()
    with open_package(path) as zf:
        infos = zf.infolist()
        # A new part (a tool sheet or table an older workbook lacked) is written after the rest.
        present = {i.filename for i in infos}
        infos += [
            zipfile.ZipInfo(name, date_time=infos[0].date_time)
            for name in new_parts
            if name not in present
        ]
        parts: dict[str, bytes | None] = {i.filename: new_parts.get(i.filename) for i in infos}
        parts.update({**read_small_parts(zf.read, path), **_small(new_parts)})
        _drop_calc_chain(parts)
        parts["xl/workbook.xml"] = finished_workbook_xml(
            parts["xl/workbook.xml"].decode("utf-8"), areas, written
        ).encode("utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        with saving(target) as tmp:
            write_package(zf, infos, parts, tmp)
    try:
        backup_file = backup_copy(path, now) if target == path and backup else None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    # The same swap as the tool writer: the file keeps its permissions (safe_save).
    replace(tmp, target)
    return WriteResult(target, backup_file, dict(counts or {}))


def _small(parts: Mapping[str, Part]) -> dict[str, bytes]:
    """The small parts every save rewrites, where ``parts`` changed them (a sheet added)."""
    return {name: parts[name] for name in SMALL_PARTS if isinstance(parts.get(name), bytes)}


def write_changes(
    path: Path | str,
    edits: Mapping[str, TableEdit],
    tool_frames: Mapping | None = None,
    *,
    dest: Path | str | None = None,
    backup: bool = True,
    now: dt.datetime | None = None,
) -> WriteResult:
    """Apply input-table ``edits`` and rewrite tool tables (``tool_frames``) in one save.

    A tool table on a sheet that also holds the user's tables (Equity on Evaluation) is
    rewritten in place like an input table; whole tool sheets are regenerated.
    """
    from automation.io.write import render_adding_missing

    path = Path(path)
    tool_frames = dict(tool_frames or {})
    edits = {**edits, **replacing(tool_frames)}
    with open_package(path) as zf:
        edited = render_edits(zf, edits)
        new_parts: dict[str, Part] = dict(edited)
        counts: dict[str, int] = {}
        areas: dict[str, str] = {}
        if tool_frames:
            # An older workbook may lack a tool sheet or table this version writes (the Tool
            # data sheet): added empty first, as the tool writer does.
            _, tool_parts, counts, areas, _ = render_adding_missing(zf, tool_frames)
            new_parts |= tool_parts
        if edited:
            # The edited sheets print the rows their tables hold now (more after an import,
            # none after a new period), read back from their new XML.
            areas |= edited_sheet_areas(_show_patched(PackageParts(zf), edited), _sheet_xml(edited))
    for name, edit in edits.items():
        counts[name] = len(edit.append)
    written = {schema.TABLE_BY_NAME[name].sheet for name in [*edits, *tool_frames]}
    return save_parts(
        path,
        new_parts,
        dest=dest,
        backup=backup,
        now=now,
        counts=counts,
        areas=areas,
        written=written,
    )


def write_tables(
    path: Path | str,
    frames: Mapping,
    *,
    dest: Path | str | None = None,
    backup: bool = True,
    now: dt.datetime | None = None,
) -> WriteResult:
    """Write tool tables wherever they are (see ``write_changes``)."""
    return write_changes(path, {}, frames, dest=dest, backup=backup, now=now)


def replacing(frames: dict) -> dict[str, TableEdit]:
    """Edits that replace the rows of each tool table in ``frames`` that sits on a sheet of
    the user's (Equity on Evaluation), taken out of ``frames``: such a table is rewritten in
    place like an input table, since its sheet cannot be regenerated."""
    on_user_sheets = [n for n in frames if schema.TABLE_BY_NAME[n].sheet not in schema.TOOL_SHEETS]
    return {n: TableEdit(n, clear=True, append=_records(frames.pop(n))) for n in on_user_sheets}


def _records(frame) -> list[dict[str, object]]:
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict("records")
