"""Build the programme workbook from the schema with openpyxl.

The same function builds the blank template and the worked example: the example only adds
rows. Layout rules (title rows, one table under another, two blank rows between) are shared
with the writer through ``automation.build.layout`` so a sheet the tool rewrites looks the
same as the one the builder made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table as XLTable
from openpyxl.worksheet.table import TableFormula, TableStyleInfo

from automation import schema
from automation.build import layout
from automation.issues import column_letter
from automation.schema import ColType

Rows = Sequence[Mapping[str, object]]

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
FORMULA_FILL = PatternFill("solid", fgColor="EDEDED")
THIN = Side(style="thin", color="BFBFBF")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C", bgColor="FFEB9C")

TEXT_TYPES = (ColType.TEXT, ColType.LONGTEXT, ColType.CHOICE, ColType.PERSON, ColType.EMAIL)
NUMBER_FORMATS = {
    ColType.INT: "0",
    ColType.DECIMAL: "0.00",
    ColType.MONEY: "£#,##0.00",
    ColType.PERCENT: "0.0%",
    ColType.DATE: "dd/mm/yyyy",
    ColType.DATETIME: "dd/mm/yyyy hh:mm",
}

START_TEXT = (
    "This workbook holds a whole customer service award programme: why it exists, what it "
    "should achieve, the plan, the awards and how they are judged, nominations, scores, "
    "results, promotion and evaluation. It is also the evidence file for the NVQ unit "
    "'Manage a customer service award programme' (L/506/2181): the Evidence sheet shows the "
    "assessor where each criterion is met."
)
START_STEPS = (
    "1. Fill in Settings (organisation, signatory, current period).",
    "2. Write the rationale, business case and SMART objectives on Programme; appraise options.",
    "3. Plan actions and risks on Plan; define periods on Periods.",
    "4. Set up each award on Categories and its weighted criteria on Criteria (weights add to "
    "100%).",
    "5. Enter staff and teams, the judging panel and any declared conflicts of interest.",
    "6. Record nominations as they arrive; judges' scores go on Scores, one row per criterion.",
    "7. Click Validate on the Award Programme ribbon tab (or run 'awards validate'): problems "
    "are listed on Issues and the cells light up (red: error, amber: warning).",
    "8. Click Score: Results and Judging show ranks, winners and how far the judges agreed.",
    "9. Generate certificates, the newsletter article and email drafts; record the evaluation.",
    "Grey cells are worked out by formulas and locked; white cells are yours. Sheets are "
    "protected without a password so formulas are not overwritten by accident "
    "(Review > Unprotect Sheet if you need to change the layout).",
)


def _style_for(col: schema.Column, cell, *, header: bool = False) -> None:
    if header:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        return
    if col.type in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[col.type]
    elif col.type in TEXT_TYPES and not col.is_formula:
        # Text format stops Excel turning "Oct 2026" into a date or 0161 into 161.
        cell.number_format = "@"
    cell.alignment = Alignment(wrap_text=col.type is ColType.LONGTEXT, vertical="top")
    cell.border = Border(bottom=THIN)
    if col.is_formula:
        cell.fill = FORMULA_FILL
        cell.protection = Protection(locked=True)
    else:
        cell.protection = Protection(locked=False)


def _excel_value(value: object) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _defined(wb: Workbook, name: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _lists_sheet(wb: Workbook) -> None:
    ws = wb["Lists"]
    for i, (key, values) in enumerate(schema.LISTS.items(), start=1):
        letter = column_letter(i)
        ws.cell(row=1, column=i, value=key).font = Font(bold=True)
        for r, v in enumerate(values, start=2):
            ws.cell(row=r, column=i, value=v)
        ws.column_dimensions[letter].width = 24
        _defined(wb, schema.list_name(key), f"Lists!${letter}$2:${letter}${len(values) + 1}")


def _table_rows(spec: schema.Table, rows: Rows | None, blank: int) -> list[Mapping[str, object]]:
    return list(rows or []) + [{} for _ in range(blank)]


def _lines_needed(spec: schema.Table, row: Mapping[str, object]) -> int:
    """Lines the longest wrapped cell of a row needs at its column's width (a fair guess)."""
    most = 1
    for col in spec.columns:
        value = row.get(col.name)
        if col.type is ColType.LONGTEXT and isinstance(value, str):
            per_line = max(int(col.width * 1.2), 10)
            most = max(most, -(-len(value) // per_line))
    return min(most, 8)


def _totals(ws, spec: schema.Table, row: int) -> None:
    """Live totals on the title row, above their columns, labelled in the column before."""
    for name in spec.totals:
        j = spec.names.index(name) + 1
        cell = ws.cell(row=row, column=j, value=f"=SUM({spec.name}[{name}])")
        cell.font = Font(bold=True)
        cell.fill = FORMULA_FILL
        cell.number_format = NUMBER_FORMATS[spec.column(name).type]
    if spec.totals:
        first = min(spec.names.index(n) for n in spec.totals)
        if first > 0 and spec.names[first - 1] not in spec.totals:
            label = ws.cell(row=row, column=first, value="Total")
            label.font = Font(bold=True)
            label.alignment = Alignment(horizontal="right")


def _write_table(
    wb: Workbook, ws, spec: schema.Table, top: int, rows: Rows | None, blank: int
) -> int:
    """Write one table with its title at row ``top``; returns the last row used."""
    title = ws.cell(row=top, column=1, value=spec.title)
    title.font = Font(bold=True, size=12, color="1F4E79")
    _totals(ws, spec, top)
    header_row = top + 1
    body = _table_rows(spec, rows, blank)
    if not body:
        body = [{}]
    for j, col in enumerate(spec.columns, start=1):
        cell = ws.cell(row=header_row, column=j, value=col.name)
        _style_for(col, cell, header=True)
        ws.column_dimensions[column_letter(j)].width = max(
            ws.column_dimensions[column_letter(j)].width or 0, col.width
        )
    for i, row in enumerate(body, start=header_row + 1):
        lines = _lines_needed(spec, row)
        if lines > 1:
            # Neither Excel nor LibreOffice grows a row for wrapped text it did not lay out
            # itself, so long notes would overlap; size the row for them.
            ws.row_dimensions[i].height = 15 * lines
        for j, col in enumerate(spec.columns, start=1):
            cell = ws.cell(row=i, column=j)
            if col.is_formula:
                cell.value = col.formula
            elif col.name in row and row[col.name] is not None:
                cell.value = _excel_value(row[col.name])
            _style_for(col, cell)
    last = header_row + len(body)
    ref = f"A{header_row}:{column_letter(len(spec.columns))}{last}"
    table = XLTable(displayName=spec.name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    table._initialise_columns()
    for tc, col in zip(table.tableColumns, spec.columns, strict=True):
        tc.name = col.name
        if col.is_formula:
            tc.calculatedColumnFormula = TableFormula(attr_text=col.formula.lstrip("="))
    ws.add_table(table)
    if spec.owner == "user":
        _validations(ws, spec, header_row + 1, last)
    _comments(ws, spec, header_row)
    return last


def _comments(ws, spec: schema.Table, header_row: int) -> None:
    from openpyxl.comments import Comment

    for j, col in enumerate(spec.columns, start=1):
        text = col.help or col.name
        extra = []
        if spec.owner == "user" and not col.is_formula:
            extra.append("Required." if col.required else "Optional.")
            extra.append(f"Type: {col.type.value}.")
        if col.is_formula:
            extra.append("Worked out by a formula; locked.")
        comment = Comment(" ".join([text, *extra]), "Award workbook")
        comment.width, comment.height = 260, 90
        ws.cell(row=header_row, column=j).comment = comment


def _validations(ws, spec: schema.Table, first: int, last: int) -> None:
    for j, col in enumerate(spec.columns, start=1):
        if col.is_formula:
            continue
        rng = f"{column_letter(j)}{first}:{column_letter(j)}{max(last, first)}"
        dv = None
        if col.choices:
            dv = DataValidation(type="list", formula1=f"={schema.list_name(col.choices)}")
        elif col.ref:
            dv = DataValidation(type="list", formula1=f"={schema.ref_name(col.ref)}")
        elif col.type is ColType.BOOL:
            dv = DataValidation(type="list", formula1=f"={schema.list_name('yes_no')}")
        elif col.type in (ColType.INT, ColType.DECIMAL, ColType.MONEY, ColType.PERCENT) and (
            col.min is not None or col.max is not None
        ):
            kind = "whole" if col.type is ColType.INT else "decimal"
            lo = col.min if col.min is not None else -1e9
            hi = col.max if col.max is not None else 1e12
            dv = DataValidation(type=kind, operator="between", formula1=str(lo), formula2=str(hi))
        elif col.type in (ColType.DATE, ColType.DATETIME):
            dv = DataValidation(type="date", operator="greaterThan", formula1="36526")
        if dv is None:
            continue
        dv.error = f"{col.name}: {col.help}"
        dv.errorTitle = "Not an allowed value"
        dv.prompt = col.help
        dv.showErrorMessage = True
        # Referenced lists may legitimately be empty while the workbook is set up.
        dv.allow_blank = True
        dv.add(rng)
        ws.add_data_validation(dv)


def _issue_highlighting(ws, sheet: schema.Sheet) -> None:
    """Light a cell when the Issues table names it; clears itself after the next check."""
    key = f'"{sheet.name}!"&ADDRESS(ROW(),COLUMN(),4)'
    rng = "A1:AZ1048576"
    ws.conditional_formatting.add(
        rng,
        FormulaRule(
            formula=[f'COUNTIFS(IssueKeys,{key},IssueSeverities,"error")>0'],
            fill=ERROR_FILL,
            stopIfTrue=True,
        ),
    )
    ws.conditional_formatting.add(
        rng,
        FormulaRule(
            formula=[f'COUNTIFS(IssueKeys,{key},IssueSeverities,"warning")>0'], fill=WARNING_FILL
        ),
    )


def _page_setup(ws) -> None:
    """Print landscape, one page wide, so an assessor can print any sheet legibly."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _protect(ws) -> None:
    p = ws.protection
    p.sheet = True
    # False means "allowed" in openpyxl's SheetProtection.
    for attr in (
        "formatCells",
        "formatColumns",
        "formatRows",
        "insertRows",
        "deleteRows",
        "sort",
        "autoFilter",
        "insertHyperlinks",
    ):
        setattr(p, attr, False)


def _start_sheet(wb: Workbook, ws, settings: Mapping[str, object]) -> None:
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 110
    ws["A1"] = settings.get("programme") or "Customer Service Awards"
    ws["A1"].font = Font(bold=True, size=18, color="1F4E79")
    ws.row_dimensions[1].height = 30
    ws["A2"] = settings.get("organisation") or "Award programme workbook"
    ws["A2"].font = Font(size=12, italic=True)
    ws["A4"] = START_TEXT
    ws.merge_cells("A4:B4")
    ws["A4"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[4].height = 60
    ws["A6"] = "How to use it"
    ws["A6"].font = Font(bold=True, size=13, color="1F4E79")
    row = 7
    for step in START_STEPS:
        ws.cell(row=row, column=1, value=step)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = 15 * (1 + len(step) // 120)
        row += 1
    row += 1
    ws.cell(row=row, column=1, value="Where the programme stands").font = Font(
        bold=True, size=13, color="1F4E79"
    )
    row += 1
    for label, name, formula in schema.STATUS:
        ws.cell(row=row, column=1, value=label)
        cell = ws.cell(row=row, column=2, value=formula)
        cell.fill = FORMULA_FILL
        cell.alignment = Alignment(horizontal="left")
        if "£" in label:
            cell.number_format = "£#,##0"
        elif "return" in label:
            cell.number_format = "0%"
        elif "Last run" in label:
            cell.number_format = "dd/mm/yyyy hh:mm"
        _defined(wb, name, f"Start!$B${row}")
        row += 1
    row += 1
    ws.cell(row=row, column=1, value="Sheets").font = Font(bold=True, size=13, color="1F4E79")
    row += 1
    for sheet in schema.SHEETS:
        if sheet.hidden or sheet.name == "Start":
            continue
        ws.cell(row=row, column=1, value=sheet.name).hyperlink = f"#'{sheet.name}'!A1"
        ws.cell(row=row, column=1).font = Font(color="0563C1", underline="single")
        ws.cell(row=row, column=2, value=sheet.purpose)
        row += 1
    _protect(ws)


def _settings_rows(values: Mapping[str, object]) -> list[dict[str, object]]:
    rows = []
    for s in schema.SETTINGS:
        v = values.get(s.key, s.default)
        rows.append({"Setting": s.label, "Value": v if v != "" else None, "Help": s.help})
    return rows


def build_workbook(
    path: Path,
    content: Mapping[str, Rows] | None = None,
    settings: Mapping[str, object] | None = None,
    *,
    spare_rows: int | None = None,
) -> Path:
    """Build a programme workbook at ``path`` from the schema.

    ``content`` maps table names to rows (dicts keyed by column name); ``settings`` maps
    setting keys to values. With neither, the result is the blank template. Input tables get
    their declared blank rows (or ``spare_rows`` after the content) so they can be typed into
    on a protected sheet.
    """
    content = content or {}
    settings = dict(settings or {})
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in schema.SHEETS:
        ws = wb.create_sheet(sheet.name)
        ws.sheet_properties.tabColor = sheet.tab_colour
        if sheet.hidden:
            ws.sheet_state = "hidden"
    _lists_sheet(wb)
    for spec in schema.TABLES:
        for col in spec.columns:
            if col.ref:
                _defined(wb, schema.ref_name(col.ref), schema.ref_formula(col.ref))
    _defined(wb, "IssueKeys", "Issues[Key]")
    _defined(wb, "IssueSeverities", "Issues[Severity]")
    for sheet in schema.SHEETS:
        ws = wb[sheet.name]
        if sheet.name in ("Start", "Lists"):
            continue
        top = layout.write_heading(ws, sheet)
        for name in sheet.tables:
            spec = schema.TABLE_BY_NAME[name]
            rows = content.get(name)
            if name == "Settings":
                rows, blank = _settings_rows(settings), 0
            elif name == "OptionWeights":
                rows, blank = content.get(name) or _default_option_weights(), 0
            elif name == "EvidenceMap":
                rows, blank = _evidence_rows(), 0
            elif spec.owner == "tool":
                blank = 0 if rows else 1
            else:
                blank = spec.blank_rows if spare_rows is None or not rows else spare_rows
            last = _write_table(wb, ws, spec, top, rows, blank)
            if name == "OptionWeights":
                for i, (_, defined) in enumerate(schema.OPTION_FACTORS):
                    letter = column_letter(spec.names.index("Weight") + 1)
                    _defined(wb, defined, f"Options!${letter}${top + 2 + i}")
            if name == "EvidenceMap":
                for i, (*_, formula) in enumerate(schema.EVIDENCE):
                    c = ws.cell(
                        row=top + 2 + i, column=spec.names.index("Entries") + 1, value=formula
                    )
                    c.fill = FORMULA_FILL
                    c.protection = Protection(locked=True)
            top = last + layout.GAP + 1
        layout.freeze(ws, sheet)
        if sheet.protected:
            _protect(ws)
        if any(schema.TABLE_BY_NAME[t].owner == "user" for t in sheet.tables):
            _issue_highlighting(ws, sheet)
    from automation.build.charts import add_equity_chart

    add_equity_chart(wb)
    _start_sheet(wb, wb["Start"], settings)
    _protect(wb["Lists"])
    for ws in wb.worksheets:
        _page_setup(ws)
    wb.active = 0
    wb.calculation.fullCalcOnLoad = True
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _default_option_weights() -> list[dict[str, object]]:
    guides = (
        "1: little benefit to service or morale; 5: large, lasting benefit.",
        "1: serious drawbacks (unfairness, rivalry, admin); 5: hardly any.",
        "1: expensive for what it gives; 5: cheap.",
        "1: does little for the SMART objectives; 5: directly serves them all.",
    )
    weights = (0.35, 0.2, 0.2, 0.25)
    return [
        {"Factor": f, "Weight": w, "Scoring guide": g}
        for (f, _), w, g in zip(schema.OPTION_FACTORS, weights, guides, strict=True)
    ]


def _evidence_rows() -> list[dict[str, object]]:
    return [
        {"Criterion": c, "What is asked": asked, "Where in this workbook": where}
        for c, asked, where, _ in schema.EVIDENCE
    ]
