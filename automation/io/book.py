"""The edge between a live xlwings Book and our data: read every table once, write in blocks.

The macros in ``automation.macros`` call these three functions and nothing else that touches
Excel. They use only the part of the xlwings Book API that behaves the same in desktop Excel
and on xlwings' JSON book, which is how the tests drive them (docs/xlwings_jsonbook.md). Two
consequences shape the code:

* Reads come from a snapshot on the JSON book, so every position is worked out from what was
  read *before* the first write, and later steps add up the rows they moved instead of
  reading positions again.
* Excel cannot move a table by resizing it: ``ListObject.Resize`` keeps the header row where
  it is and the new range must overlap the old one. So when a table on a sheet with stacked
  tables (Judging) grows or shrinks, the cells below it are inserted or deleted (shifted
  down or up), which moves the tables underneath; then the table is resized in place.

The workbook's sheets are protected (without a password) so users do not overwrite
formulas; Excel refuses every write, resize and note on a protected sheet, so each sheet is
unprotected while the tool writes to it and protected again afterwards.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from automation import schema
from automation.build.layout import number_format
from automation.errors import UserError
from automation.io.read import RawTable, build_data
from automation.issues import Report
from automation.model import ProgrammeData
from automation.tables import issues_frame

# Thousands of notes would take minutes through COM and bury the sheet; the Issues sheet and
# the conditional formatting already show every issue, so notes cover the first ones only.
MAX_NOTES = 500
# Starts every note the tool writes, so a later run (in desktop Excel, which can read note
# text) removes only its own notes and never one a user wrote.
NOTE_TAG = "Award Programme check:"
MAX_CELL_TEXT = 32767
# Columns whose text Excel must keep as typed: without the Text format, "October 2026"
# would become a date and "00123" a number when written.
_TEXT_TYPES = {
    schema.ColType.TEXT,
    schema.ColType.LONGTEXT,
    schema.ColType.PERSON,
    schema.ColType.EMAIL,
    schema.ColType.CHOICE,
}


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------
def read_book(book: Any) -> ProgrammeData:
    """Read every schema table of a live (or JSON) workbook into typed ProgrammeData.

    Each table is read once as a 2-D block (header and body together) and handed to the same
    ``build_data`` the file reader uses, so both give the same data and the same problems.
    """
    sheets = {s.name: s for s in book.sheets}
    raw: dict[str, RawTable] = {}
    for spec in schema.TABLES:
        found = _find_table(sheets, spec)
        if found is None:
            continue  # build_data reports a missing user table as a problem
        sheet, table = found
        rng = table.range
        block = rng.options(ndim=2).value or [[]]
        headers = [_header(h, i) for i, h in enumerate(block[0])]
        body = block[1:]
        if body:
            frame = pd.DataFrame(body, columns=headers, dtype=object)
        else:
            frame = pd.DataFrame({h: pd.Series(dtype=object) for h in headers})
        raw[spec.name] = RawTable(spec.name, sheet.name, rng.row, rng.column, headers, frame)
    return build_data(raw, source=_source(book))


def _header(value: object, index: int) -> str:
    # Excel keeps table headers as text, but a header typed as a number arrives as 3.0.
    if value is None:
        return f"Column{index + 1}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _source(book: Any) -> Path | None:
    """The workbook's path, when it is a saved local file (not a new or cloud-only book)."""
    try:
        path = Path(book.fullname)
    except Exception:  # some engines cannot say; the data is still usable without a path
        return None
    return path if path.is_absolute() else None


def _find_table(sheets: Mapping[str, Any], spec: schema.Table) -> tuple[Any, Any] | None:
    """The table on the sheet the schema names, else wherever a user moved it."""
    home = sheets.get(spec.sheet)
    if home is not None and spec.name in home.tables:
        return home, home.tables[spec.name]
    wanted = spec.name.casefold()
    for sheet in sheets.values():
        for table in sheet.tables:
            if table.name.casefold() == wanted:
                return sheet, table
    return None


# ---------------------------------------------------------------------------------------------
# Writing tool tables
# ---------------------------------------------------------------------------------------------
@dataclass
class _Placed:
    """A table as found before any write: header row, first column and size."""

    spec: schema.Table | None  # None for a table the schema does not know (left alone)
    table: Any
    row: int
    col: int
    rows: int  # header + body
    cols: int


def write_tables(book: Any, frames: Mapping[str, pd.DataFrame]) -> dict[str, int]:
    """Replace the rows of tool-owned tables (Results, Panel, JudgeStats, Agreement, Issues,
    Audit) with ``frames``; return the rows written per table.

    Each table keeps its header row, gets header + max(rows, 1) rows and its body is written
    as one 2-D block. Rows are inserted below a table that grows, or deleted below one that
    shrinks, so stacked tables underneath move with it and nothing is left over from a
    longer previous run. Calculated columns get their formula written into every row.
    Tables on a sheet that are not in ``frames`` keep their rows.
    """
    by_sheet: dict[str, list[str]] = {}
    for name in frames:
        spec = schema.TABLE_BY_NAME.get(name)
        if spec is None or spec.owner != "tool":
            raise ValueError(f"{name} is not a table the tool writes")
        by_sheet.setdefault(spec.sheet, []).append(name)
    sheets = {s.name: s for s in book.sheets}
    counts: dict[str, int] = {}
    with _screen_frozen(book):
        for sheet_name in by_sheet:
            sheet = sheets.get(sheet_name)
            if sheet is None and schema.SHEET_BY_NAME[sheet_name].very_hidden:
                raise UserError(
                    f"This workbook was made by an older version and has no '{sheet_name}' "
                    "sheet (where the audit seal and the score lock are kept).",
                    "Save and close it, run 'awards validate WORKBOOK --write' once (it adds the "
                    "sheet), open it again and click the button again.",
                )
            if sheet is None:
                raise UserError(
                    f"The '{sheet_name}' sheet is missing from this workbook.",
                    f"Copy the '{sheet_name}' sheet from a fresh template (awards template) "
                    "into this workbook, then try again.",
                )
            placed = _placed_tables(sheet, sheet_name, by_sheet[sheet_name])
            with _unprotected(sheet):
                counts |= _write_sheet(sheet, placed, frames)
    return counts


def _placed_tables(sheet: Any, sheet_name: str, written: Iterable[str]) -> list[_Placed]:
    """Every table on the sheet, top to bottom, as the snapshot shows them. Only a table
    being ``written`` must be there: one added by a later version (ImportedResponses on
    Tool data) is missing from an older workbook, and the others keep their rows anyway."""
    present = {t.name: t for t in sheet.tables}
    wanted = schema.SHEET_BY_NAME[sheet_name].tables
    missing = [t for t in wanted if t not in present and t in set(written)]
    if missing:
        raise UserError(
            f"The table(s) {', '.join(missing)} on the '{sheet_name}' sheet are missing.",
            f"Copy the '{sheet_name}' sheet from a fresh template (awards template) into this "
            "workbook; do not rename or convert its tables to ranges.",
        )
    placed = []
    for name, table in present.items():
        rng = table.range
        rows, cols = rng.shape
        spec = schema.TABLE_BY_NAME.get(name) if name in wanted else None
        placed.append(_Placed(spec, table, rng.row, rng.column, rows, cols))
    return sorted(placed, key=lambda p: p.row)


def _write_sheet(
    sheet: Any, placed: list[_Placed], frames: Mapping[str, pd.DataFrame]
) -> dict[str, int]:
    # Insert and delete across every used column so anything beside the tables stays level
    # with them; the tables start in column A in the template but a user may have moved them.
    used = sheet.used_range
    first_col = min(p.col for p in placed)
    last_col = max([p.col + p.cols - 1 for p in placed] + [used.column + used.shape[1] - 1])
    shift = 0  # rows moved so far by insertions (+) and deletions (-) above the next table
    counts: dict[str, int] = {}
    for p in placed:
        top = p.row + shift
        if p.spec is None or p.spec.name not in frames:
            continue
        spec, frame = p.spec, frames[p.spec.name]
        block = _block(spec, frame)
        new_rows = len(block)
        ncols = len(spec.columns)
        old_last = top + p.rows - 1
        grow = new_rows - p.rows
        if grow > 0:
            # New rows go just below the table, so Excel copies its body formatting into them.
            sheet.range((old_last + 1, first_col), (old_last + grow, last_col)).insert(
                shift="down", copy_origin="format_from_left_or_above"
            )
        p.table.resize(sheet.range((top, p.col), (top + new_rows - 1, p.col + ncols - 1)))
        _formats(sheet, spec, top + 1, p.col, new_rows - 1)
        sheet.range((top, p.col)).value = block
        if p.cols > ncols:  # a column added by hand is now outside the table: empty it
            sheet.range((top, p.col + ncols), (old_last, p.col + p.cols - 1)).clear_contents()
        if grow < 0:
            # Rows left over from a longer previous run: delete them so the tables below move
            # up and keep their gap (the table was shrunk first, so no table is cut).
            sheet.range((top + new_rows, first_col), (old_last, last_col)).delete(shift="up")
        shift += grow
        counts[spec.name] = len(frame)
    return counts


def _block(spec: schema.Table, frame: pd.DataFrame) -> list[list[object]]:
    """Header and body as one 2-D list of plain Python values, in the schema's column order.

    Calculated columns get the schema's formula text in every row rather than relying on
    Excel's calculated-column fill: Excel does not reliably fill rows added by a resize (and
    never after a user overwrote one cell of the column), and the JSON book never fills.
    The formula uses ``Table[[#This Row],[Column]]`` references, which Excel accepts through
    ``Range.Value`` in its English formula syntax (it shows them as ``[@Column]``).
    """
    n = len(frame)
    columns = []
    for col in spec.columns:
        if col.is_formula:
            # The file format marks newer functions (_xlfn.MAXIFS); typed into Excel they
            # go in by their plain names.
            formula = col.formula.replace("_xlfn.", "")
            columns.append([formula if spec.formula_at(i) else None for i in range(1, n + 1)])
        elif col.name in frame.columns:
            columns.append(_column_values(frame[col.name]))
        else:
            columns.append([None] * n)
    body = [list(row) for row in zip(*columns, strict=True)] if n else []
    if not body:  # an Excel table always has at least one body row
        body = [[None] * len(spec.columns)]
    return [list(spec.names), *body]


def _column_values(series: pd.Series) -> list[object]:
    """``[_cell_value(v) for v in series]``, a column at a time where the dtype settles it.

    Numbers, flags and text make up nearly every cell the tool writes (200,000 at 2,000
    nominations); anything else (dates, nullable numbers, mixed objects) goes cell by cell.
    """
    kind = series.dtype.kind
    if kind in "iu" and isinstance(series.dtype, np.dtype):
        return series.tolist()
    if kind == "b" and isinstance(series.dtype, np.dtype):
        return np.where(series.to_numpy(), "yes", "no").tolist()
    if kind == "f" and isinstance(series.dtype, np.dtype):
        values = series.to_numpy()
        out = values.tolist()
        for i in np.flatnonzero(~np.isfinite(values)).tolist():
            out[i] = None
        return out
    out = series.tolist()
    if isinstance(series.dtype, pd.StringDtype):
        for i in np.flatnonzero(series.isna().to_numpy()).tolist():
            out[i] = None
        too_long = bool((series.str.len() > MAX_CELL_TEXT).any())
    elif all(type(v) is str for v in out):
        too_long = max(map(len, out), default=0) > MAX_CELL_TEXT
    else:
        return [_cell_value(v) for v in out]
    if too_long:
        out = [v if v is None else v[:MAX_CELL_TEXT] for v in out]
    return out


def _cell_value(value: object) -> object:
    """A DataFrame cell as a value Excel (and JSON) takes: no NaN, numpy or Timestamps."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"  # the workbook's yes/no lists, as the file writer does
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, str):
        return value[:MAX_CELL_TEXT]
    if isinstance(value, int | float | dt.date | dt.datetime):
        return value
    return str(value)


def _formats(sheet: Any, spec: schema.Table, first_row: int, first_col: int, rows: int) -> None:
    """Set number formats on the body, one range per run of columns sharing a format.

    Inserted rows copy the formatting of the row above, but a table that was empty had only
    one formatted row; and text columns need the Text format before the values are written.
    """
    last_row = first_row + max(rows, 1) - 1
    fmts = [_number_format(c) for c in spec.columns]
    j = 0
    while j < len(fmts):
        k = j
        while k + 1 < len(fmts) and fmts[k + 1] == fmts[j]:
            k += 1
        fmt = fmts[j]
        if fmt is not None:
            sheet.range((first_row, first_col + j), (last_row, first_col + k)).number_format = fmt
        j = k + 1


def _number_format(col: schema.Column) -> str | None:
    if col.is_formula:
        return number_format(col)  # never Text: a formula would show as text
    if col.type in _TEXT_TYPES:
        return "@"
    return number_format(col)


# ---------------------------------------------------------------------------------------------
# Notes on the cells issues point at
# ---------------------------------------------------------------------------------------------
def highlight_issues(book: Any, report: Report, data: ProgrammeData) -> int:
    """Put a note with the hint on each input cell an issue names; return the notes written.

    The colours come from the workbook's conditional formatting, which lights every cell the
    Issues table names, so only notes are added here. At most ``MAX_NOTES`` cells get one
    (errors first, in the Issues table's order). Notes this tool wrote for the previous run
    (the cells ``data``'s Issues table named) are removed first; in desktop Excel a note is
    only removed or replaced if its text starts with ``NOTE_TAG``, so a user's own note is
    never touched. The JSON book cannot read note text, so there a note on a cell the last
    run flagged is taken to be ours.
    """
    new = _noted_cells(issues_frame(report), data)
    old = set(_noted_cells(_previous_issues(data), data))
    sheets = {s.name: s for s in book.sheets}
    written = 0
    with _screen_frozen(book):
        for sheet_name in sorted({s for s, _ in new} | {s for s, _ in old}):
            sheet = sheets.get(sheet_name)
            if sheet is None:
                continue
            with _unprotected(sheet):
                for s, cell in sorted(old - set(new)):
                    if s == sheet_name:
                        note = sheet.range(cell).note
                        if note is not None and _is_ours(note):
                            note.delete()
                for (s, cell), text in new.items():
                    if s != sheet_name:
                        continue
                    rng = sheet.range(cell)
                    note = rng.note
                    if note is None:
                        rng.add_note(text)
                    elif (s, cell) in old and _is_ours(note):
                        note.text = text
                    else:
                        continue  # someone else's note (a column's help, a user's remark)
                    written += 1
    return written


def _previous_issues(data: ProgrammeData) -> pd.DataFrame:
    frame = data.tables.get("Issues")
    if frame is None or frame.empty:
        return pd.DataFrame(columns=list(schema.TABLE_BY_NAME["Issues"].names))
    return frame


def _noted_cells(issues: pd.DataFrame, data: ProgrammeData) -> dict[tuple[str, str], str]:
    """(sheet, cell) -> note text for the first MAX_NOTES cells of input sheets.

    The same rule picks the cells for this run and, from the old Issues table, the cells the
    previous run noted, so removal only has to look at those. Title and header rows are
    skipped: header cells carry the column's help note.
    """
    input_sheets = {s.name for s in schema.SHEETS if s.name not in schema.TOOL_SHEETS}
    skip: dict[str, set[int]] = {}
    for place in data.places.values():
        skip.setdefault(place.sheet, set()).update({place.header_row, place.header_row - 1})
    out: dict[tuple[str, str], list[str]] = {}
    for values in issues.to_dict(orient="records"):
        sheet, cell = _text(values.get("Sheet")), _text(values.get("Cell"))
        if not sheet or not cell or sheet not in input_sheets:
            continue
        number = _cell_row(cell)
        if number is None or number in skip.get(sheet, set()):
            continue
        key = (sheet, cell)
        if key not in out and len(out) >= MAX_NOTES:
            continue
        out.setdefault(key, []).append(_note_line(values))
    return {k: f"{NOTE_TAG} " + "\n\n".join(v) for k, v in out.items()}


def _note_line(values: Mapping[str, object]) -> str:
    severity = _text(values.get("Severity")) or "issue"
    text = f"{severity}: {_text(values.get('Message')) or ''}"
    hint = _text(values.get("How to fix"))
    return f"{text}\nHow to fix: {hint}" if hint else text


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def _cell_row(cell: str) -> int | None:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else None


def _is_ours(note: Any) -> bool:
    try:
        return str(note.text).startswith(NOTE_TAG)
    except NotImplementedError:  # JSON book: text unreadable; the caller checked the cell
        return True


# ---------------------------------------------------------------------------------------------
# Excel housekeeping: screen updating and sheet protection
# ---------------------------------------------------------------------------------------------
def _engine(book: Any) -> str:
    try:
        return str(book.app.engine.name)
    except Exception:  # an engine that cannot say is treated like the JSON book: no COM calls
        return "remote"


@contextlib.contextmanager
def _screen_frozen(book: Any) -> Iterator[None]:
    """Stop Excel redrawing during the writes (much faster); always switch it back on."""
    app = book.app
    app.screen_updating = False
    try:
        yield
    finally:
        app.screen_updating = True


# What a protected sheet may still allow; read before unprotecting so the user gets back exactly
# the protection they had (the template's is set in automation.build.workbook._protect).
_ALLOW = (
    "FormattingCells",
    "FormattingColumns",
    "FormattingRows",
    "InsertingColumns",
    "InsertingRows",
    "InsertingHyperlinks",
    "DeletingColumns",
    "DeletingRows",
    "Sorting",
    "Filtering",
    "UsingPivotTables",
)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


@contextlib.contextmanager
def _unprotected(sheet: Any) -> Iterator[None]:
    """Lift a sheet's protection for the tool's writes and put it back as it was afterwards.

    xlwings has no portable protection API, so this calls Excel's own object model: COM on
    Windows (``Worksheet.Protect`` and its ``Protection`` settings), AppleScript on macOS (the
    same settings, in snake case). The JSON book has no protection: nothing to do.
    """
    if _engine(sheet.book) == "remote":
        yield
        return
    api = sheet.api
    mac = sys.platform == "darwin"
    if not (api.protect_contents.get() if mac else api.ProtectContents):
        yield
        return
    if mac:
        protection = api.protection
        settings = {
            "drawing_objects": api.protect_drawing_objects.get(),
            "worksheet_contents": True,
            "scenarios": api.protect_scenarios.get(),
        }
        settings |= {
            f"allow_{_snake(a)}": getattr(protection, f"allow_{_snake(a)}").get() for a in _ALLOW
        }
    else:
        protection = api.Protection
        settings = {
            "DrawingObjects": api.ProtectDrawingObjects,
            "Contents": True,
            "Scenarios": api.ProtectScenarios,
        }
        settings |= {f"Allow{a}": getattr(protection, f"Allow{a}") for a in _ALLOW}
    try:
        api.unprotect() if mac else api.Unprotect()
    except Exception as exc:  # a password was set by someone other than the template
        raise UserError(
            f"The '{sheet.name}' sheet is protected with a password, so the tool cannot "
            "write to it.",
            "Unprotect it (Review > Unprotect Sheet), then click the button again.",
        ) from exc
    try:
        yield
    finally:
        if mac:
            api.protect_worksheet(**settings)
        else:
            api.Protect(**settings)


__all__ = ["MAX_NOTES", "NOTE_TAG", "highlight_issues", "read_book", "write_tables"]
