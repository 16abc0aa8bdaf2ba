"""Run our xlwings macros on Linux, without Excel, against xlwings' JSON book.

``xw.Book(json=payload)`` opens a book on xlwings' "remote" engine (an xlwings PRO
feature): reads are served from the payload, a snapshot taken when the book is opened,
and writes are queued as *actions* that ``book.json()["actions"]`` hands back. This
module builds the payload from an .xlsx file (``payload_from_xlsx``) and replays the
actions onto a copy of that file with openpyxl (``apply_actions``), so a test can read
the result back with the project's normal reader.

Typical use::

    actions = run_macro(macros.summarise, src, dest)
    assert alerts(actions) == ["Done"]
    # ... read dest with our reader and assert on it

docs/xlwings_jsonbook.md lists the Book API subset that behaves the same on a live
book and on this one, and the pitfalls (stale reads, dates, blanks).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import xlwings as xw
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.formula.translate import Translator
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection
from openpyxl.utils.cell import get_column_letter, quote_sheetname, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

Action = dict[str, Any]
Payload = dict[str, Any]

LICENSE_ENV = "XLWINGS_LICENSE_KEY"
# "Office.js" is the richest client the remote engine knows: a "VBA" or "Google Apps
# Script" client makes it refuse notes, comments and alignment, which desktop Excel
# (where our macros really run) supports.
CLIENT = "Office.js"
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
# Excel's day zero; a time-only cell is this date plus the time, as Excel reports it.
EXCEL_EPOCH = dt.date(1899, 12, 30)

_VISIBILITY = {"visible": "Visible", "hidden": "Hidden", "veryHidden": "VeryHidden"}
_SHEET_STATE = {v: k for k, v in _VISIBILITY.items()}
_CALCULATION = {"auto": "Automatic", "manual": "Manual", "autoNoTable": "AutomaticExceptTables"}
# What xlwings' remote engine writes for dates and datetimes (see
# Engine.prepare_xl_data_element); Excel parses these strings like typed input.
_WRITTEN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2})?")


# --- engine ---------------------------------------------------------------------------


def ensure_remote_engine() -> None:
    """Make ``xw.Book(json=...)`` work in this process.

    xlwings registers its PRO engines only if a licence key is set when ``xlwings`` is
    first imported, and test collection may import the macros (hence xlwings) before
    this helper runs. So set the noncommercial key unless a key is already set, and
    register the remote engine late if it is missing.
    """
    os.environ.setdefault(LICENSE_ENV, "noncommercial")
    if "remote" in {engine.name for engine in xw.engines}:
        return
    from xlwings.main import Engine
    from xlwings.pro import _xlremote

    xw.engines.add(Engine(impl=_xlremote.engine))


def open_json_book(payload: Payload) -> xw.Book:
    """Open a JSON book on a deep copy of ``payload`` (the engine mutates what it gets).

    Close it (``book.close()``) when done: ``book.app.alert`` queues its action on the
    remote app's *most recently opened* book, not on the book it was called through.
    """
    ensure_remote_engine()
    return xw.Book(json=copy.deepcopy(payload))


def book_actions(book: xw.Book) -> list[Action]:
    """The actions ``book`` queued, round-tripped through JSON.

    A real client receives them as JSON, so a value JSON can't carry fails here rather
    than in Excel.
    """
    return json.loads(json.dumps(book.json()["actions"]))


def run_macro(
    macro: Callable[..., object],
    src: Path,
    dest: Path,
    *,
    active_sheet: str | None = None,
    **kwargs: Any,
) -> list[Action]:
    """Run ``macro(book=<JSON book of src>, **kwargs)``, replay its actions into ``dest``.

    Returns the actions so a test can also check ``alerts(actions)``.
    """
    book = open_json_book(payload_from_xlsx(src, active_sheet=active_sheet))
    try:
        macro(book=book, **kwargs)
        actions = book_actions(book)
    finally:
        book.close()
    apply_actions(src, actions, dest)
    return actions


def alerts(actions: list[Action]) -> list[str]:
    """The messages of the alerts (``book.app.alert``) a macro showed, in order."""
    return [str(action["args"][0]) for action in actions if action["func"] == "alert"]


# --- payload: .xlsx -> what xw.Book(json=...) expects ----------------------------------


def payload_from_xlsx(path: Path, *, active_sheet: str | None = None) -> Payload:
    """Describe the workbook at ``path`` the way an xlwings client would send it.

    Cell values are what Excel shows: formula cells carry their cached result, which is
    None (sent as "") in a file that Excel never recalculated (e.g. one written by
    openpyxl). Includes Excel tables, range names and cell notes.
    """
    path = Path(path)
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = wb.worksheets
    if active_sheet is not None:
        active = wb[active_sheet]
    else:
        # wb.active may be a chart sheet, which the xlwings clients don't list.
        active = wb.active if wb.active in sheets else sheets[0]
    calc_mode = wb.calculation.calcMode if wb.calculation is not None else None
    return {
        "client": CLIENT,
        # Must equal the installed xlwings' version unless the client is Office.js.
        "version": xw.__version__,
        "book": {
            "name": path.name,
            "active_sheet_index": sheets.index(active),
            "selection": _selection(active),
            "calculation": _CALCULATION.get(calc_mode or "auto", "Automatic"),
        },
        "names": _names(wb),
        "sheets": [_sheet_payload(ws) for ws in sheets],
    }


def _selection(ws: Worksheet) -> str:
    views = ws.sheet_view.selection
    sqref = str(views[0].sqref or "") if views else ""
    # A multi-area selection ("A1 C3") can't be one Range; keep its first area.
    return sqref.split()[0] if sqref.strip() else (ws.active_cell or "A1")


def _address(min_row: int, min_col: int, max_row: int, max_col: int) -> str:
    """An absolute A1 address, as ``Range.address`` writes it."""
    first = f"${get_column_letter(min_col)}${min_row}"
    if (min_row, min_col) == (max_row, max_col):
        return first
    return f"{first}:${get_column_letter(max_col)}${max_row}"


def _used_bounds(ws: Worksheet) -> tuple[int, int, int, int] | None:
    """(min_row, min_col, max_row, max_col) of the used range, or None if empty.

    openpyxl counts formatted-but-empty cells, as Excel's UsedRange does.
    """
    if ws.max_row == 1 and ws.max_column == 1:
        corner = ws.cell(1, 1)
        if corner.value is None and not corner.has_style:
            return None
    return ws.min_row, ws.min_column, ws.max_row, ws.max_column


def _sheet_payload(ws: Worksheet) -> dict[str, Any]:
    bounds = _used_bounds(ws)
    if bounds is None:
        values: list[list[Any]] = [[""]]
    else:
        # The clients always send values anchored at A1, up to the used range's end.
        rows = ws.iter_rows(
            min_row=1, min_col=1, max_row=bounds[2], max_col=bounds[3], values_only=True
        )
        values = [[_json_value(value) for value in row] for row in rows]
    return {
        "name": ws.title,
        "visibility": _VISIBILITY.get(ws.sheet_state, "Visible"),
        "values": values,
        "used_range_address": _address(*bounds) if bounds else None,
        "tables": [_table_payload(table) for table in ws.tables.values()],
        "notes": [
            {"address": cell.coordinate} for row in ws.iter_rows() for cell in row if cell.comment
        ],
        "notes_supported": True,
        "show_gridlines": ws.sheet_view.showGridLines is not False,
        # Pictures, shapes and charts aren't read from the file; the macros don't use them.
        "pictures": [],
        "shapes": [],
        "charts": [],
    }


def _json_value(value: object) -> object:
    """One cell as the clients send it: "" for blank, ISO strings ending in Z for dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        # Desktop Excel hands every number to Python as a float; so do we.
        return float(value)
    if isinstance(value, dt.datetime):
        return _iso(value)
    if isinstance(value, dt.date):
        return _iso(dt.datetime.combine(value, dt.time()))
    if isinstance(value, dt.time):
        return _iso(dt.datetime.combine(EXCEL_EPOCH, value))
    if isinstance(value, dt.timedelta):
        # A duration cell holds a number of days.
        return value / dt.timedelta(days=1)
    return str(value)


def _iso(value: dt.datetime) -> str:
    # The engine only recognises "YYYY-MM-DDTHH:MM:SS[.fff]Z" and drops the last
    # character before parsing, so the trailing Z is required.
    return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _table_payload(table: Table) -> dict[str, Any]:
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    has_header = table.headerRowCount != 0  # None means the default, one header row
    has_totals = bool(table.totalsRowCount)
    body_first = min_row + int(has_header)
    body_last = max_row - int(has_totals)
    style = table.tableStyleInfo
    return {
        "name": table.displayName,
        "range_address": _address(min_row, min_col, max_row, max_col),
        "header_row_range_address": (
            _address(min_row, min_col, min_row, max_col) if has_header else None
        ),
        "data_body_range_address": (
            _address(body_first, min_col, body_last, max_col) if body_first <= body_last else None
        ),
        "total_row_range_address": (
            _address(max_row, min_col, max_row, max_col) if has_totals else None
        ),
        "show_headers": has_header,
        "show_totals": has_totals,
        "table_style": (style.name or "") if style else "",
        "show_autofilter": table.autoFilter is not None,
        "show_table_style_first_column": bool(style and style.showFirstColumn),
        "show_table_style_last_column": bool(style and style.showLastColumn),
        "show_table_style_row_stripes": bool(style and style.showRowStripes),
        "show_table_style_column_stripes": bool(style and style.showColumnStripes),
        "columns": [column.name for column in table.tableColumns],
        "row_count": max_row - min_row + 1,
        "column_count": max_col - min_col + 1,
    }


def _names(wb: Workbook) -> list[dict[str, Any]]:
    """Range names, book- and sheet-scoped, in the clients' format.

    Like the clients, only names that refer to one range are sent; Excel's own hidden
    names (print areas, filter databases) are left out.
    """
    positions = {ws.title: ix for ix, ws in enumerate(wb.worksheets)}
    scoped: list[tuple[Worksheet | None, DefinedName]] = [
        (None, name) for name in wb.defined_names.values()
    ]
    scoped += [(ws, name) for ws in wb.worksheets for name in ws.defined_names.values()]
    entries = []
    for scope, name in scoped:
        if name.hidden or name.name.startswith("_xlnm."):
            continue
        try:
            destinations = list(name.destinations)
        except AttributeError:
            # openpyxl can't resolve a structured reference ("Issues[Key]"); leave it out.
            continue
        if len(destinations) != 1 or destinations[0][0] not in positions:
            continue
        title, cells = destinations[0]
        entries.append(
            {
                "name": name.name,
                "sheet_index": positions[title],
                "address": cells.replace("$", ""),
                "book_scope": scope is None,
                "scope_sheet_name": None if scope is None else scope.title,
                "scope_sheet_index": None if scope is None else positions[scope.title],
                "refers_to": f"={name.attr_text}",
            }
        )
    return entries


# --- actions -> openpyxl ----------------------------------------------------------------

Handler = Callable[[Workbook, Action], None]
_HANDLERS: dict[str, Handler] = {}
# Actions with no effect on the saved file: UI, recalculation, saving.
_IGNORED = {
    "alert",
    "setAutofit",
    "setSheetAutofit",
    "setScreenUpdating",
    "calculate",
    "setCalculation",
    "save",
    "rangeSelect",
}


def apply_actions(src: Path, actions: list[Action], dest: Path) -> None:
    """Replay ``actions`` onto a copy of the workbook at ``src``; save it as ``dest``.

    Mirrors what Excel does with each action closely enough for tests: blanks ("") clear
    cells and the date strings xlwings writes become dates. Formulas are stored but not
    calculated. An action this replayer doesn't know raises NotImplementedError rather
    than being skipped, so a test can't pass on a write that never landed.
    """
    src, dest = Path(src), Path(dest)
    wb = openpyxl.load_workbook(src, keep_vba=src.suffix.lower() in {".xlsm", ".xltm"})
    for action in actions:
        func = action["func"]
        if func in _IGNORED:
            continue
        handler = _HANDLERS.get(func)
        if handler is None:
            raise NotImplementedError(
                f"apply_actions can't replay {func!r} yet; "
                "extend tests/support/jsonbook.py or keep the macro to the documented subset."
            )
        handler(wb, action)
    for ws in wb.worksheets:
        for table in ws.tables.values():
            _sync_columns(ws, table)
    wb.save(dest)


def _handles(*funcs: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for func in funcs:
            _HANDLERS[func] = handler
        return handler

    return register


def _sheet(wb: Workbook, action: Action) -> Worksheet:
    # sheet_position is 0-based over worksheets, as xlwings' Book.sheets lists them.
    return wb.worksheets[action["sheet_position"]]


def _origin(action: Action) -> tuple[int, int]:
    """The action's top-left cell as 1-based (row, column); actions are 0-based."""
    return action["start_row"] + 1, action["start_column"] + 1


def _cells(wb: Workbook, action: Action) -> Iterator[Cell]:
    """Every cell of the action's range.

    Whole rows or columns are cut to the used range, so formatting column A doesn't
    create a million cells.
    """
    ws = _sheet(wb, action)
    row, col = _origin(action)
    last_row = row + action["row_count"] - 1
    last_col = col + action["column_count"] - 1
    if action["row_count"] >= MAX_ROWS:
        last_row = ws.max_row
    if action["column_count"] >= MAX_COLUMNS:
        last_col = ws.max_column
    for r in range(row, last_row + 1):
        for c in range(col, last_col + 1):
            yield ws.cell(r, c)


def _excel_value(cell: Cell, value: object) -> object:
    """What Excel stores when xlwings writes ``value`` into ``cell``."""
    if value == "" and isinstance(value, str):
        return None
    if isinstance(value, str) and cell.number_format != "@" and _WRITTEN_DATE.fullmatch(value):
        parsed = dt.datetime.fromisoformat(value)
        return parsed.date() if len(value) == 10 else parsed
    return value


@_handles("setValues")
def _set_values(wb: Workbook, action: Action) -> None:
    ws = _sheet(wb, action)
    row, col = _origin(action)
    for i, values in enumerate(action["values"]):
        for j, value in enumerate(values):
            cell = ws.cell(row + i, col + j)
            cell.value = _excel_value(cell, value)


@_handles("setFormula")
def _set_formula(wb: Workbook, action: Action) -> None:
    values = action["values"]
    if isinstance(values, list):
        _set_values(wb, action)
        return
    # One formula for a bigger range: Excel fills it, shifting relative references.
    origin = _sheet(wb, action).cell(*_origin(action)).coordinate
    for cell in _cells(wb, action):
        cell.value = Translator(values, origin=origin).translate_formula(cell.coordinate)


@_handles("rangeClearContents")
def _clear_contents(wb: Workbook, action: Action) -> None:
    for cell in _cells(wb, action):
        cell.value = None


def _clear_formats(cell: Cell) -> None:
    cell.font = Font()
    cell.fill = PatternFill()
    cell.border = Border()
    cell.alignment = Alignment()
    cell.protection = Protection()
    cell.number_format = "General"


@_handles("rangeClearFormats")
def _range_clear_formats(wb: Workbook, action: Action) -> None:
    for cell in _cells(wb, action):
        _clear_formats(cell)


@_handles("rangeClear")
def _range_clear(wb: Workbook, action: Action) -> None:
    for cell in _cells(wb, action):
        cell.value = None
        cell.hyperlink = None
        cell.comment = None
        _clear_formats(cell)


@_handles("sheetClearContents", "sheetClear", "sheetClearFormats")
def _sheet_clear(wb: Workbook, action: Action) -> None:
    for row in _sheet(wb, action).iter_rows():
        for cell in row:
            if action["func"] != "sheetClearFormats":
                cell.value = None
            if action["func"] != "sheetClearContents":
                _clear_formats(cell)


def _fill(color: str | None) -> PatternFill:
    if color is None:
        return PatternFill(fill_type=None)
    # The engine sends "#rrggbb"; openpyxl wants ARGB.
    return PatternFill(fill_type="solid", fgColor="FF" + color.lstrip("#").upper())


@_handles("setRangeColor")
def _set_range_color(wb: Workbook, action: Action) -> None:
    for cell in _cells(wb, action):
        cell.fill = _fill(action["args"][0])


@_handles("setRangeColors")
def _set_range_colors(wb: Workbook, action: Action) -> None:
    ws = _sheet(wb, action)
    row, col = _origin(action)
    for i, colors in enumerate(action["args"][0]):
        for j, color in enumerate(colors):
            if color != "keep":
                ws.cell(row + i, col + j).fill = _fill(color)


@_handles("setNumberFormat")
def _set_number_format(wb: Workbook, action: Action) -> None:
    for cell in _cells(wb, action):
        cell.number_format = action["args"][0]


@_handles("setFontProperty")
def _set_font_property(wb: Workbook, action: Action) -> None:
    attribute, value = action["args"]
    if attribute == "color" and value is not None:
        value = "FF" + value.lstrip("#").upper()
    for cell in _cells(wb, action):
        font = copy.copy(cell.font)
        setattr(font, attribute, value)
        cell.font = font


_ALIGNMENT_ARG = {"CenterAcrossSelection": "centerContinuous"}


@_handles("setWrapText", "setHorizontalAlignment", "setVerticalAlignment")
def _set_alignment(wb: Workbook, action: Action) -> None:
    value = action["args"][0]
    if action["func"] == "setWrapText":
        attribute = "wrap_text"
    else:
        attribute = "horizontal" if action["func"] == "setHorizontalAlignment" else "vertical"
        # Office.js names ("Center") -> OOXML names ("center").
        value = _ALIGNMENT_ARG.get(value, value[:1].lower() + value[1:])
    for cell in _cells(wb, action):
        alignment = copy.copy(cell.alignment)
        setattr(alignment, attribute, value)
        cell.alignment = alignment


@_handles("addHyperlink")
def _add_hyperlink(wb: Workbook, action: Action) -> None:
    address, text, _tip = action["args"]
    for cell in _cells(wb, action):
        cell.hyperlink = address
        # Excel shows the address when no text is given.
        cell.value = text or address


@_handles("addNote", "setNoteText", "addComment")
def _add_note(wb: Workbook, action: Action) -> None:
    # openpyxl only writes notes (legacy comments), so threaded comments land as notes.
    text = action["args"][-1]
    for cell in _cells(wb, action):
        cell.comment = Comment(text, "xlwings")


@_handles("deleteNote")
def _delete_note(wb: Workbook, action: Action) -> None:
    for cell in _cells(wb, action):
        cell.comment = None


@_handles("setColumnWidth", "setColumnHidden")
def _set_column(wb: Workbook, action: Action) -> None:
    ws = _sheet(wb, action)
    first = action["start_column"] + 1
    for col in range(first, first + action["column_count"]):
        dimension = ws.column_dimensions[get_column_letter(col)]
        if action["func"] == "setColumnWidth":
            # Stored as given; Excel (desktop) reads it as characters, Office.js as points.
            dimension.width = action["args"][0]
        else:
            dimension.hidden = bool(action["args"][0])


@_handles("setRowHeight", "setRowHidden")
def _set_row(wb: Workbook, action: Action) -> None:
    ws = _sheet(wb, action)
    first = action["start_row"] + 1
    last = ws.max_row if action["row_count"] >= MAX_ROWS else first + action["row_count"] - 1
    for row in range(first, last + 1):
        dimension = ws.row_dimensions[row]
        if action["func"] == "setRowHeight":
            dimension.height = action["args"][0]
        else:
            dimension.hidden = bool(action["args"][0])


# --- sheets ---


@_handles("addSheet")
def _add_sheet(wb: Workbook, action: Action) -> None:
    position, title = action["args"]
    sheets = wb.worksheets
    # The position counts worksheets; openpyxl's index also counts chart sheets.
    index = wb.index(sheets[position]) if position < len(sheets) else len(wb.sheetnames)
    wb.create_sheet(title=title, index=index)


@_handles("sheetDelete")
def _delete_sheet(wb: Workbook, action: Action) -> None:
    wb.remove(_sheet(wb, action))


@_handles("setSheetName")
def _rename_sheet(wb: Workbook, action: Action) -> None:
    _sheet(wb, action).title = action["args"][0]


@_handles("setSheetVisibility")
def _set_sheet_visibility(wb: Workbook, action: Action) -> None:
    _sheet(wb, action).sheet_state = _SHEET_STATE[action["args"][0]]


@_handles("setShowGridlines")
def _set_gridlines(wb: Workbook, action: Action) -> None:
    _sheet(wb, action).sheet_view.showGridLines = bool(action["args"][0])


@_handles("activateSheet")
def _activate_sheet(wb: Workbook, action: Action) -> None:
    active = wb.worksheets[action["args"][0]]
    for ws in wb.worksheets:
        # Otherwise Excel opens the file with two tabs selected.
        ws.sheet_view.tabSelected = ws is active
    wb.active = active


@_handles("setSheetPosition")
def _move_sheet(wb: Workbook, action: Action) -> None:
    ws = _sheet(wb, action)
    target = wb.worksheets[action["args"][0]]
    wb.move_sheet(ws, offset=wb.index(target) - wb.index(ws))


# --- tables ---


def _table(wb: Workbook, action: Action) -> Table:
    # Table actions address a table by its 0-based position in the sheet's table list,
    # the order payload_from_xlsx sent them in.
    return list(_sheet(wb, action).tables.values())[action["args"][0]]


def _sync_columns(ws: Worksheet, table: Table) -> None:
    """Make the table's column list match its header cells, as Excel keeps it.

    Excel turns blank or non-text headers into text ("Column3", "2024"); existing
    columns keep their settings (formulas, totals) and are only renamed.
    """
    min_col, min_row, max_col, _ = range_boundaries(table.ref)
    columns = list(table.tableColumns)
    names: list[str] = []
    for offset, col in enumerate(range(min_col, max_col + 1), start=1):
        if table.headerRowCount == 0:
            name = f"Column{offset}"
        else:
            cell = ws.cell(min_row, col)
            name = f"Column{offset}" if cell.value in (None, "") else str(cell.value)
            cell.value = name
        names.append(name)
    while len(columns) < len(names):
        columns.append(TableColumn(id=len(columns) + 1, name=names[len(columns)]))
    del columns[len(names) :]
    for column, name in zip(columns, names, strict=True):
        column.name = name
    table.tableColumns = columns


@_handles("addTable")
def _add_table(wb: Workbook, action: Action) -> None:
    address, has_headers, style, name = action["args"]
    if not has_headers:
        raise NotImplementedError("apply_actions only replays addTable with has_headers=True")
    ws = _sheet(wb, action)
    min_col, min_row, max_col, max_row = range_boundaries(address.replace("$", ""))
    # Excel gives a header-only source one (empty) body row.
    max_row = max(max_row, min_row + 1)
    ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
    existing = {t for sheet in wb.worksheets for t in sheet.tables}
    if not name:
        name = next(f"Table{n}" for n in range(1, len(existing) + 2) if f"Table{n}" not in existing)
    table = Table(displayName=name, name=name, ref=ref, autoFilter=AutoFilter(ref=ref))
    if style:
        table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
    _sync_columns(ws, table)
    ws.add_table(table)


@_handles("resizeTable")
def _resize_table(wb: Workbook, action: Action) -> None:
    table = _table(wb, action)
    table.ref = action["args"][1].replace("$", "")
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref
    _sync_columns(_sheet(wb, action), table)


@_handles("setTableName")
def _rename_table(wb: Workbook, action: Action) -> None:
    tables = _sheet(wb, action).tables
    table = _table(wb, action)
    old, new = table.name, action["args"][1]  # TableList is keyed by name
    table.name = table.displayName = new
    # Re-key in place: later actions find tables by position, so keep the order.
    # (TableList.items() yields refs, not tables, hence the key loop.)
    ordered = [(key, tables[key]) for key in list(tables)]
    tables.clear()
    for key, value in ordered:
        tables[new if key == old else key] = value


@_handles("setTableStyle")
def _set_table_style(wb: Workbook, action: Action) -> None:
    table = _table(wb, action)
    if table.tableStyleInfo is None:
        table.tableStyleInfo = TableStyleInfo(showRowStripes=True)
    table.tableStyleInfo.name = action["args"][1]


@_handles("showAutofilterTable")
def _show_autofilter(wb: Workbook, action: Action) -> None:
    table = _table(wb, action)
    table.autoFilter = AutoFilter(ref=table.ref) if action["args"][1] else None


# --- names ---


@_handles("namesAdd")
def _add_name(wb: Workbook, action: Action) -> None:
    name, refers_to = action["args"]
    defined = DefinedName(name, attr_text=refers_to.removeprefix("="))
    # A sheet-scoped name is queued through its sheet, so it carries a position.
    if action["sheet_position"] is None:
        wb.defined_names[name] = defined
    else:
        _sheet(wb, action).defined_names[name] = defined


@_handles("setRangeName")
def _name_range(wb: Workbook, action: Action) -> None:
    ws = _sheet(wb, action)
    row, col = _origin(action)
    last = (row + action["row_count"] - 1, col + action["column_count"] - 1)
    address = _address(row, col, *last)
    name = action["args"][0]
    wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(ws.title)}!{address}")


@_handles("nameDelete")
def _delete_name(wb: Workbook, action: Action) -> None:
    _full, _refers_to, name, _sheet_index, book_scope, scope_sheet_index = action["args"]
    if book_scope:
        del wb.defined_names[name]
    else:
        del wb.worksheets[scope_sheet_index].defined_names[name]


# Excel's own refusals (moving a header, overlapping tables, cutting a table in two) replayed
# too, so a macro that Excel would reject fails its test.
from tests.support import excel_rules  # noqa: E402  (needs the handlers defined above)

_HANDLERS["rangeInsert"] = excel_rules._insert_cells
_HANDLERS["rangeDelete"] = excel_rules._delete_cells
_HANDLERS["resizeTable"] = excel_rules.strict_resize(_HANDLERS["resizeTable"])
