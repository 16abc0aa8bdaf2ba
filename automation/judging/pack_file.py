"""Judge packs as small .xlsx workbooks: writing them, and reading them back when returned.

The pack is what a judge sees, so it is laid out for a judge, not for the tool: an
Instructions sheet with the deadline and how to score, the nominations with their evidence,
the rubric with a descriptor for each level, and the score grid where only the Score and
Comment cells are open for typing (dropdowns limited to the category's scale). Every sheet
is a real Excel table, protected without a password like the programme workbook. The
signature sits on a very hidden, protected sheet that Excel's Unhide menu does not list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableFormula, TableStyleInfo

from automation.documents.english import weekday_date
from automation.errors import UserError
from automation.issues import column_letter
from automation.judging.packs import FORMAT, LEVELS, Pack, Signature

SIGNATURE_SHEET = "Signature"
SCORES_SHEET = "Scores"
SCORES_TABLE = "PackScores"
NOMINATIONS_TABLE = "PackNominations"
RUBRIC_TABLE = "PackRubric"

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
FORMULA_FILL = PatternFill("solid", fgColor="EDEDED")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="BFBFBF")
TITLE = Font(bold=True, size=16, color="1F4E79")


def _this(table: str, column: str) -> str:
    return f"{table}[[#This Row],[{column}]]"


_CHECK = (
    '=IF({s}="","to score",IF(AND(ISNUMBER({s}),{s}>={lo},{s}<={hi},INT({s})={s}),"ok",'
    '"not on the scale"))'
).format(
    s=_this(SCORES_TABLE, "Score"),
    lo=_this(SCORES_TABLE, "Lowest"),
    hi=_this(SCORES_TABLE, "Highest"),
)
_ENTERED = '=COUNTIFS({t}[Nomination code],{n},{t}[Score],"<>")'.format(
    t=SCORES_TABLE, n=_this(NOMINATIONS_TABLE, "Nomination code")
)
_OF = "=COUNTIFS({t}[Nomination code],{n})".format(
    t=SCORES_TABLE, n=_this(NOMINATIONS_TABLE, "Nomination code")
)

GRID = (
    ("Nomination code", 14, None),
    ("Category", 22, None),
    ("Criterion", 26, None),
    ("Weight", 9, "0%"),
    ("Lowest", 8, "0"),
    ("Highest", 8, "0"),
    ("Score", 9, "0"),
    ("Comment", 48, "@"),
    ("Check", 16, None),
)


def pack_filename(pack: Pack) -> str:
    """'Judge pack - Q3 2026 - Helen Okafor.xlsx' (characters Windows refuses left out)."""
    bad = '<>:"/\\|?*'
    stem = (
        f"Judge pack - {pack.period} - {pack.judge}"
        if pack.period
        else f"Judge pack - {pack.judge}"
    )
    return "".join(ch for ch in stem if ch not in bad).strip() + ".xlsx"


def write_pack(pack: Pack, path: Path) -> Path:
    """Write ``pack`` as an .xlsx workbook at ``path``."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Instructions"
    _instructions(ws, pack)
    _nominations_sheet(wb.create_sheet("Nominations"), pack)
    _rubric_sheet(wb.create_sheet("Rubric"), pack)
    _scores_sheet(wb.create_sheet(SCORES_SHEET), pack)
    _signature_sheet(wb.create_sheet(SIGNATURE_SHEET), pack.signature)
    for sheet in wb.worksheets:
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
    wb.active = 0
    wb.calculation.fullCalcOnLoad = True
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _protect(ws) -> None:
    ws.protection.sheet = True
    for attr in ("formatColumns", "formatRows", "sort", "autoFilter"):
        setattr(ws.protection, attr, False)  # False means allowed


def _instructions(ws, pack: Pack) -> None:
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 90
    ws["A1"] = f"Judge pack: {pack.programme_name or 'award programme'}"
    ws["A1"].font = TITLE
    ws.row_dimensions[1].height = 26
    ws["A2"] = pack.organisation or None
    ws["A2"].font = Font(italic=True, color="595959")
    due = weekday_date(pack.due) if pack.due else "as agreed with the organiser"
    facts = [
        ("Prepared for", pack.judge),
        ("Period", pack.period or "(not set)"),
        ("Scores due", due),
        ("Nominations to score", pack.size),
        ("Scores to give", len(pack.grid)),
        ("Scores entered", f"=COUNT({SCORES_TABLE}[Score])"),
        ("Scores still to enter", f"=ROWS({SCORES_TABLE}[Score])-COUNT({SCORES_TABLE}[Score])"),
    ]
    row = 4
    for label, value in facts:
        ws.cell(row=row, column=1, value=label).font = Font(bold=True)
        cell = ws.cell(row=row, column=2, value=value)
        cell.alignment = Alignment(horizontal="left")
        if isinstance(value, str) and value.startswith("="):
            cell.fill = FORMULA_FILL
        row += 1
    row += 1
    ws.cell(row=row, column=1, value="How to judge").font = Font(bold=True, size=13, color="1F4E79")
    row += 1
    steps = [
        "1. Read each nomination on the Nominations sheet.",
        "2. On the Rubric sheet, read what each score level looks like for every criterion.",
        "3. On the Scores sheet, give one whole-number score per criterion in the yellow Score "
        "cells (the dropdown shows the scale) and, if you can, a short comment saying why.",
        "4. Score every row: the Check column says 'ok' when a score is on the scale.",
        "5. Save this file (keep it as .xlsx, do not rename its sheets) and return it to the "
        "organiser" + (" by the date above." if pack.due else "."),
    ]
    if pack.blind:
        steps.append(
            "This pack is blind: nominees are shown as codes and names in the evidence are "
            "replaced by their role, e.g. [nominee] or [colleague], so that every nomination is "
            "judged on what was done, not on who did it."
        )
    if pack.calibration:
        steps.append(
            "The practice entry (calibration) is scored by every judge so the panel can compare "
            "how the rubric is applied; it does not count toward the results."
        )
    steps.append(
        "If you have a conflict of interest with any nomination (you know the person well, "
        "you manage them, or you nominated them), do not score it: tell the organiser."
    )
    for step in steps:
        cell = ws.cell(row=row, column=1, value=step)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = 15 * (1 + len(step) // 105)
        row += 1
    _protect(ws)


def _table(ws, name: str, top: int, columns, rows: list[list[object]], formulas=None):
    """Header at ``top`` and body below; returns the table's last row."""
    formulas = formulas or {}
    for j, (title, width, _fmt) in enumerate(columns, start=1):
        cell = ws.cell(row=top, column=j, value=title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[column_letter(j)].width = width
    ws.row_dimensions[top].height = 30  # room for a two-line header
    body = rows or [[None] * len(columns)]
    for i, values in enumerate(body, start=top + 1):
        for j, ((title, _w, fmt), value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = ws.cell(row=i, column=j, value=formulas.get(title, value))
            cell.alignment = Alignment(vertical="top", wrap_text=(_w or 0) >= 30)
            cell.border = Border(bottom=THIN)
            if fmt:
                cell.number_format = fmt
            if title in formulas:
                cell.fill = FORMULA_FILL
    last = top + len(body)
    table = Table(displayName=name, ref=f"A{top}:{column_letter(len(columns))}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    table._initialise_columns()
    for tc, (title, _w, _f) in zip(table.tableColumns, columns, strict=True):
        tc.name = title
        if title in formulas:
            tc.calculatedColumnFormula = TableFormula(attr_text=formulas[title].lstrip("="))
    ws.add_table(table)
    return last


def _heading(ws, title: str, purpose: str) -> None:
    ws["A1"] = title
    ws["A1"].font = TITLE
    ws.row_dimensions[1].height = 26
    ws["A2"] = purpose
    ws["A2"].font = Font(italic=True, color="595959")


def _lines(text: object, width: float) -> int:
    return -(-len(str(text or "")) // max(int(width * 1.1), 10))


def _nominations_sheet(ws, pack: Pack) -> None:
    _heading(ws, "Nominations", "What each nominee did, in the nominator's words.")
    frame = pack.nominations
    widths = {"Evidence": 60, "Customer quote": 36, "Nominee": 20, "Category": 22}
    names = [c for c in frame.columns]
    columns = [(c, widths.get(c, 16), "@") for c in names]
    columns += [("Scores entered", 10, "0"), ("Of", 6, "0")]
    rows = [[_plain(v) for v in r] + [None, None] for r in frame.itertuples(index=False)]
    _table(ws, NOMINATIONS_TABLE, 4, columns, rows, {"Scores entered": _ENTERED, "Of": _OF})
    for i, r in enumerate(frame.itertuples(index=False), start=5):
        longest = max(_lines(getattr(r, "Evidence", ""), 60), 1)
        ws.row_dimensions[i].height = 15 * min(longest, 12)
    ws.freeze_panes = "B5"
    _protect(ws)


def _rubric_sheet(ws, pack: Pack) -> None:
    _heading(ws, "Rubric", "What each score level looks like, criterion by criterion.")
    columns = [
        ("Category", 22, "@"),
        ("Criterion", 18, "@"),
        ("Weight", 8, "0%"),
        ("Scale", 9, "@"),
    ]
    columns += [(lv, 32, "@") for lv in LEVELS]
    rows = [[_plain(v) for v in r] for r in pack.rubric.itertuples(index=False)]
    _table(ws, RUBRIC_TABLE, 4, columns, rows)
    for i, r in enumerate(rows, start=5):
        longest = max([_lines(v, 32) for v in r[4:]] + [1])
        ws.row_dimensions[i].height = 15 * min(longest, 10)
    ws.freeze_panes = "C5"
    _protect(ws)


def _scores_sheet(ws, pack: Pack) -> None:
    _heading(
        ws,
        "Scores",
        "Type a whole-number score for each row in the yellow cells; comments help moderation.",
    )
    rows = []
    for r in pack.grid.itertuples(index=False):
        lo, hi = pack.scales.get(str(r.Category), (None, None))
        score = None if r.Score is None or r.Score != r.Score else r.Score
        score = int(score) if isinstance(score, float) and score.is_integer() else score
        comment = r.Comment if isinstance(r.Comment, str) else None
        rows.append([r[0], r.Category, r.Criterion, r.Weight, lo, hi, score, comment, None])
    last = _table(ws, SCORES_TABLE, 4, GRID, rows, {"Check": _CHECK})
    score_col = column_letter(7)
    comment_col = column_letter(8)
    for i in range(5, last + 1):
        for letter in (score_col, comment_col):
            cell = ws[f"{letter}{i}"]
            cell.protection = Protection(locked=False)
            cell.fill = INPUT_FILL
        ws[f"{score_col}{i}"].alignment = Alignment(horizontal="center", vertical="top")
    # One dropdown per run of rows sharing a scale (a category's rows are together).
    start = 5
    for i in range(5, last + 2):
        same = (
            i <= last
            and ws[f"E{i}"].value == ws[f"E{start}"].value
            and ws[f"F{i}"].value == ws[f"F{start}"].value
        )
        if same:
            continue
        lo, hi = ws[f"E{start}"].value, ws[f"F{start}"].value
        if lo is not None and hi is not None:
            rng = f"{score_col}{start}:{score_col}{i - 1}"
            if hi - lo <= 20:
                values = ",".join(str(v) for v in range(int(lo), int(hi) + 1))
                dv = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
            else:
                dv = DataValidation(
                    type="whole", operator="between", formula1=str(lo), formula2=str(hi)
                )
            dv.error = f"Choose a whole number from {lo} to {hi}."
            dv.errorTitle = "Not on the scale"
            dv.prompt = f"A whole number from {lo} to {hi}; the Rubric sheet says what each means."
            dv.showErrorMessage = True
            dv.add(rng)
            ws.add_data_validation(dv)
        start = i
    ws.freeze_panes = "D5"
    _protect(ws)


def _signature_sheet(ws, sig: Signature) -> None:
    ws["A1"] = "Do not change this sheet: it ties the pack to its programme, period and judge."
    facts = [
        ("format", sig.format),
        ("programme", sig.programme),
        ("period", sig.period),
        ("judge", sig.judge),
        ("digest", sig.digest),
        ("made", sig.made),
    ]
    for i, (k, v) in enumerate(facts, start=3):
        ws.cell(row=i, column=1, value=k)
        ws.cell(row=i, column=2, value=v).number_format = "@"
    top = 3 + len(facts) + 1
    for j, h in enumerate(("Nomination ID", "Category", "Criterion"), start=1):
        ws.cell(row=top, column=j, value=h)
    for i, item in enumerate(sig.items, start=top + 1):
        for j, v in enumerate(item, start=1):
            ws.cell(row=i, column=j, value=v).number_format = "@"
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def _plain(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


# ---------------------------------------------------------------------------------------------
# Reading a returned pack
# ---------------------------------------------------------------------------------------------
@dataclass
class ReturnedPack:
    """A pack as it came back: its signature and the judge's rows (None when unsigned)."""

    path: Path
    signature: Signature | None
    rows: pd.DataFrame  # Nomination code, Criterion, Score (raw), Comment, _row
    # What is wrong with the score grid, when its rows cannot be trusted: the table is gone,
    # or a heading the rows are read by was changed. Then ``rows`` is empty.
    grid_damage: GridDamage | None = None


@dataclass
class GridDamage:
    """Why a pack's score grid cannot be read: what a manager is told, and the cell."""

    what: str  # e.g. "the 'Score' heading (cell G4) reads '2'"
    cell: str | None = None
    value: str | None = None


def read_pack(path: Path) -> ReturnedPack:
    """Read a returned pack; a file that is not a readable .xlsx is a UserError."""
    path = Path(path)
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged or foreign files
        raise UserError(
            f"{path.name} could not be read as an Excel workbook ({type(exc).__name__}).",
            "Ask the judge to save it again as an Excel Workbook (.xlsx) and resend it.",
        ) from exc
    sig = _read_signature(wb)
    rows, damage = _read_scores(wb)
    return ReturnedPack(path, sig, rows, damage)


def _read_signature(wb) -> Signature | None:
    if SIGNATURE_SHEET not in wb.sheetnames:
        return None
    ws = wb[SIGNATURE_SHEET]
    facts: dict[str, str] = {}
    items: list[tuple[str, str, str]] = []
    in_items = False
    for row in ws.iter_rows(min_row=2, values_only=True):
        a, b, c = (list(row) + [None, None, None])[:3]
        if a == "Nomination ID":
            in_items = True
            continue
        if in_items and a is not None:
            items.append((str(a), str(b or ""), str(c or "")))
        elif a is not None and not in_items:
            facts[str(a)] = "" if b is None else str(b)
    if facts.get("format") != FORMAT:
        return None
    return Signature(
        facts.get("programme", ""),
        facts.get("period", ""),
        facts.get("judge", ""),
        facts.get("digest", ""),
        facts.get("made", ""),
        items,
    )


# The grid's columns a returned pack is read by: a changed heading would lose their values.
READ_BY = ("Nomination code", "Criterion", "Score", "Comment")


def _read_scores(wb) -> tuple[pd.DataFrame, GridDamage | None]:
    cols = ["Nomination code", "Criterion", "Score", "Comment", "_row"]
    for ws in wb.worksheets:
        if SCORES_TABLE not in ws.tables:
            continue
        ref = ws.tables[SCORES_TABLE].ref
        block = list(ws[ref])
        headers = [str(c.value).strip() if c.value is not None else "" for c in block[0]]
        lost = [h for h in READ_BY if h not in headers]
        if lost:
            return pd.DataFrame(columns=cols), _lost_heading(ws, block[0], lost[0])
        out = []
        for cells in block[1:]:
            values = dict(zip(headers, (c.value for c in cells), strict=False))
            if all(values.get(h) is None for h in ("Nomination code", "Criterion", "Score")):
                continue
            out.append(
                {
                    "Nomination code": values.get("Nomination code"),
                    "Criterion": values.get("Criterion"),
                    "Score": values.get("Score"),
                    "Comment": values.get("Comment"),
                    "_row": cells[0].row,
                }
            )
        return pd.DataFrame(out, columns=cols), None
    damage = GridDamage(
        f"its score grid (the table {SCORES_TABLE} on the {SCORES_SHEET} sheet) is gone"
    )
    return pd.DataFrame(columns=cols), damage


def _lost_heading(ws, header_cells, heading: str) -> GridDamage:
    """The grid's ``heading`` is missing: name the cell the pack wrote it in."""
    at = [name for name, _w, _f in GRID].index(heading)
    cell = ws.cell(header_cells[0].row, header_cells[0].column + at)
    value = "" if cell.value is None else str(cell.value)
    now = f"reads '{value}'" if value.strip() else "is blank"
    where = f"{ws.title}!{cell.coordinate}"
    return GridDamage(
        f"the '{heading}' heading of its score grid was changed (cell {where} {now})",
        cell.coordinate,
        value,
    )


def is_pack_file(path: Path) -> bool:
    """A file a folder scan should look at (Excel's own ~$ lock files are skipped)."""
    return path.suffix.lower() == ".xlsx" and not path.name.startswith(("~$", "."))


def today_stamp(now: dt.datetime | None = None) -> str:
    return f"{(now or dt.datetime.now()):%d/%m/%Y %H:%M}"
