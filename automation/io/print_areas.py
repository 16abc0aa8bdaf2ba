"""Print areas and titles: what each printed sheet covers, kept in step with its tables.

A table's print area runs from its title to its last row in use, so neither pages of blank
rows nor rows cut off are printed. The tool sheets get theirs as they are rendered; the
user's sheets get theirs from the rows in use, which a write that edits a sheet reads back
from the sheet's new XML (an import, a new assignment or a new period changes how many rows
a table holds).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from xml.sax.saxutils import escape, unescape

from automation import schema
from automation.build import printing
from automation.io.load import norm
from automation.io.package import TableInfo, col_index, parse_ref


def user_print_areas(
    found: Mapping[str, TableInfo],
    used_rows: Mapping[str, int],
    sheets: Collection[str] | None = None,
) -> dict[str, str]:
    """Print areas of the input sheets (of ``sheets`` only, when given): each table's title
    to its last row in use."""
    if not used_rows:
        return {}
    areas = {}
    for sheet in schema.SHEETS:
        if sheet.name in schema.TOOL_SHEETS or not sheet.tables:
            continue
        if sheets is not None and sheet.name not in sheets:
            continue
        if not all(t in found for t in sheet.tables):
            continue  # a table moved or renamed by the user: leave their print area alone
        spans: dict[str, tuple[int, int]] = {}
        for name in sheet.tables:
            _, header, _, last = parse_ref(found[name].ref)
            used = min(max(used_rows.get(name, header + 1), header + 1), last)
            # A table beside another prints with it, down to the longer of the two.
            beside = schema.TABLE_BY_NAME[name].beside
            if beside in spans:
                spans[beside] = (spans[beside][0], max(spans[beside][1], used))
            else:
                spans[name] = (header - 1, used)
        areas[sheet.name] = printing.print_area(
            spans.values(), printing.area_columns(sheet), sheet.name
        )
    return areas


# Attribute order varies between programs (Excel writes name first, others may not).
_PRINT_AREA = re.compile(
    r'<definedName\b(?=[^>]*\bname="_xlnm\.Print_Area")[^>]*\blocalSheetId="(\d+)"[^>]*>'
    r"[^<]*</definedName>"
)


def sheet_index(workbook_xml: str) -> dict[str, int]:
    """Each sheet's position, as a defined name's ``localSheetId`` gives it."""
    names = re.findall(r'<sheet\b[^>]*\bname="([^"]*)"', workbook_xml)
    return {unescape(n): i for i, n in enumerate(names)}


def set_print_areas(workbook_xml: str, areas: Mapping[str, str]) -> str:
    """Replace (or add) the ``_xlnm.Print_Area`` name of each sheet in ``areas``."""
    if not areas:
        return workbook_xml
    index = sheet_index(workbook_xml)
    wanted = {index[s]: ref for s, ref in areas.items() if s in index}
    workbook_xml = _PRINT_AREA.sub(
        lambda m: "" if int(m.group(1)) in wanted else m.group(0), workbook_xml
    )
    added = "".join(
        f'<definedName name="_xlnm.Print_Area" localSheetId="{i}">{escape(ref)}</definedName>'
        for i, ref in sorted(wanted.items())
    )
    if "<definedNames>" in workbook_xml:
        return workbook_xml.replace("<definedNames>", "<definedNames>" + added, 1)
    if "<definedNames/>" in workbook_xml:
        return workbook_xml.replace("<definedNames/>", f"<definedNames>{added}</definedNames>", 1)
    return workbook_xml.replace("</sheets>", f"</sheets><definedNames>{added}</definedNames>", 1)


_PRINT_TITLES = re.compile(
    r'(<definedName\b(?=[^>]*\bname="_xlnm\.Print_Titles")[^>]*\blocalSheetId="(\d+)"[^>]*>)'
    r"([^<]*)(</definedName>)"
)
_TITLE_COLUMNS = re.compile(r"\$[A-Z]{1,3}:\$[A-Z]{1,3}")


_TITLE_ROWS = re.compile(r"\$\d+:\$\d+")
_AREA_TOP = re.compile(r"!\$[A-Z]{1,3}\$(\d+):")


def set_title_columns(
    workbook_xml: str, sheets: Collection[str], areas: Mapping[str, str] | None = None
) -> str:
    """The columns each printed page of ``sheets`` repeats, as the schema declares them: a
    workbook made before a sheet declared the columns that tell its rows apart repeats
    column A. Only the columns of an existing title are changed (its rows are kept, and a
    sheet whose titles were removed stays so), except on a sheet of several tables that
    repeats its last table's header (``repeat_header``): that header moves down as the
    tables above it grow, so its row is set from the sheet's new print area in ``areas``."""
    index = sheet_index(workbook_xml)
    wanted = {
        index[name]: printing.title_columns(schema.SHEET_BY_NAME[name])
        for name in sheets
        if name in index and printing.layout_for(schema.SHEET_BY_NAME[name]).pages_wide > 1
    }
    rows = {}
    for name in sheets:
        sheet = schema.SHEET_BY_NAME.get(name)
        tops = [int(t) for t in _AREA_TOP.findall((areas or {}).get(name, ""))]
        if name in index and sheet is not None and sheet.repeat_header and tops:
            rows[index[name]] = printing.title_rows(sheet, tops)

    def fixed(m: re.Match) -> str:
        at = int(m.group(2))
        value = m.group(3)
        columns = wanted.get(at)
        if columns is not None:
            first, last = columns.split(":")
            value = _TITLE_COLUMNS.sub(f"${first}:${last}", value, count=1)
        if rows.get(at):
            first, last = rows[at].split(":")
            if _TITLE_ROWS.search(value):
                value = _TITLE_ROWS.sub(f"${first}:${last}", value, count=1)
            else:
                sheet_ref = value.split("!", 1)[0]
                value += f",{sheet_ref}!${first}:${last}"
        return m.group(1) + value + m.group(4)

    return _PRINT_TITLES.sub(fixed, workbook_xml) if wanted or rows else workbook_xml


_ROW_START = re.compile(r'<row\b[^>]*?\br="(\d+)"')
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_CELL_COLUMN = re.compile(r'\br="([A-Z]+)\d+"')
# A value typed or pasted: a number or shared string (<v>), or inline text, not empty.
_TYPED = re.compile(r"<v>[^<]|<t(?:\s[^>]*)?>[^<]")


def last_used_row(sheet_xml: str, info: TableInfo) -> int:
    """The last row of the table ``info`` with a value in one of its input columns (its
    header row when none has). Read from the end of the sheet, so the spare rows at a long
    table's end cost little and its hundreds of thousands of rows above them nothing; a
    formula cell never counts (blank rows carry the table's formulas)."""
    c1, header, _, last = parse_ref(info.ref)
    spec = schema.TABLE_BY_NAME[info.name]
    inputs = {norm(c.name) for c in spec.input_columns}
    columns = {c1 + i for i, h in enumerate(info.columns) if norm(h) in inputs}
    end = sheet_xml.rfind("</sheetData>")
    if end < 0 or not columns:
        return header
    while True:
        start = sheet_xml.rfind("<row", 0, end)
        if start < 0:
            return header
        m = _ROW_START.match(sheet_xml, start)
        number = int(m.group(1)) if m else 0
        if number <= header:
            return header
        if number <= last and _holds_input(sheet_xml[start:end], columns):
            return number
        end = start


def _holds_input(row_xml: str, columns: Collection[int]) -> bool:
    column = 0
    for m in _CELL.finditer(row_xml):
        ref = _CELL_COLUMN.search(m.group(1))
        column = col_index(ref.group(1)) if ref else column + 1
        body = m.group(2) or ""
        if column in columns and "<f" not in body and _TYPED.search(body):
            return True
    return False


def edited_sheet_areas(
    found: Mapping[str, TableInfo], sheet_xml: Mapping[str, str]
) -> dict[str, str]:
    """Print areas of the user's sheets whose new XML is in ``sheet_xml`` (by sheet part),
    from the rows each of their tables holds now (``found``: the tables after the edit)."""
    used = {
        name: last_used_row(sheet_xml[info.sheet_part], info)
        for name, info in found.items()
        if info.sheet_part in sheet_xml and name in schema.TABLE_BY_NAME
    }
    sheets = {found[name].sheet for name in used}
    return user_print_areas(found, used, sheets)
