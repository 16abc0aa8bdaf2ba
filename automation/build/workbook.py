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
from automation.build import layout, printing
from automation.build.layout import NUMBER_FORMATS, number_format
from automation.build.printing import lines_needed as _lines_needed
from automation.issues import column_letter
from automation.schema import ColType

Rows = Sequence[Mapping[str, object]]

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
FORMULA_FILL = PatternFill("solid", fgColor="EDEDED")
THIN = Side(style="thin", color="BFBFBF")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C", bgColor="FFEB9C")

TEXT_TYPES = (ColType.TEXT, ColType.LONGTEXT, ColType.CHOICE, ColType.PERSON, ColType.EMAIL)

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
    "6. Record nominations as they arrive, or bring in a Microsoft Forms or Google Forms "
    "export ('awards import'). Click Assign judges to share them out, then Judge packs: each "
    "judge gets a blind workbook to score, and Collect scores merges the returned packs into "
    "Scores (scores can also be typed there, one row per criterion).",
    "7. Click Validate on the Award Programme ribbon tab (or run 'awards validate'): problems "
    "are listed on Issues and the cells light up (red: error, amber: warning).",
    "8. Click Score: Results and Judging show ranks, winners and how far the judges agreed. "
    "If the tie-break rules cannot settle a tie for first place, Results shows 'panel vote': "
    "record the panel's choice on the Appeals sheet (Panel votes) and click Score again.",
    "9. Generate certificates, the newsletter article and email drafts; record the evaluation.",
    "10. Once winners are announced, click Lock scores: any later change to a score is "
    "reported. The Evidence sheet shows which criteria of the unit are met; Assessor pack "
    "makes a pseudonymised copy and an evidence index for your assessor.",
    "11. When the period is over, click New period: its nominations, scores and results move "
    "to the history sheets and its winners to PastWinners (for the cool-off rule); the next "
    "period starts with those tables empty.",
    "Grey cells are worked out by formulas and locked; white cells are yours. Sheets are "
    "protected without a password so formulas are not overwritten by accident "
    "(Review > Unprotect Sheet if you need to change the layout).",
)


NUMERIC_TYPES = (ColType.INT, ColType.DECIMAL, ColType.MONEY, ColType.PERCENT)


def _style_for(col: schema.Column, cell, *, header: bool = False) -> None:
    # Numbers sit at the right of their cell, so their heading does too: a left heading over
    # right-aligned figures reads as the next column's.
    right = "right" if col.type in NUMERIC_TYPES else "left"
    # Text starts one step in, so it does not run into a right-aligned figure on its left.
    indent = 0 if right == "right" else 1
    if header:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(
            wrap_text=True, vertical="center", horizontal=right, indent=indent
        )
        return
    if fmt := number_format(col):
        cell.number_format = fmt
    elif col.type in TEXT_TYPES and not col.is_formula:
        # Text format stops Excel turning "Oct 2026" into a date or 0161 into 161.
        cell.number_format = "@"
    cell.alignment = Alignment(
        wrap_text=col.type is ColType.LONGTEXT, vertical="top", horizontal=right, indent=indent
    )
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


def _totals(ws, spec: schema.Table, row: int) -> None:
    """Live totals on the title row, above their columns, labelled in the column before."""
    for name in spec.totals:
        j = spec.names.index(name) + 1
        cell = ws.cell(row=row, column=j, value=f"=SUM({spec.name}[{name}])")
        cell.font = Font(bold=True)
        cell.fill = FORMULA_FILL
        cell.number_format = number_format(spec.column(name))
    if spec.totals:
        first = min(spec.names.index(n) for n in spec.totals)
        if first > 0 and spec.names[first - 1] not in spec.totals:
            label = ws.cell(row=row, column=first, value="Total")
            label.font = Font(bold=True)
            label.alignment = Alignment(horizontal="right")


def _write_table(
    wb: Workbook,
    ws,
    spec: schema.Table,
    top: int,
    rows: Rows | None,
    blank: int,
    widths: list[float] | None = None,
    first_col: int = 1,
) -> int:
    """Write one table with its title at row ``top``, from column ``first_col``; returns the
    last row used.

    ``widths`` are the sheet's column widths (the widest table column above each), so wrapped
    headers and long notes get rows tall enough to show them when printed. A table placed
    beside another (``first_col`` > 1) uses its own columns' widths.
    """
    if first_col > 1 or not widths:
        widths = [0.0] * (first_col - 1) + [c.width for c in spec.columns]
    off = first_col - 1
    title = ws.cell(row=top, column=first_col, value=spec.title)
    title.font = Font(bold=True, size=12, color="1F4E79")
    _totals(ws, spec, top)
    header_row = top + 1
    body = _table_rows(spec, rows, blank)
    if not body:
        body = [{}]
    for j, col in enumerate(spec.columns, start=first_col):
        cell = ws.cell(row=header_row, column=j, value=col.name)
        _style_for(col, cell, header=True)
        dim = ws.column_dimensions[column_letter(j)]
        # Beside another table's columns, keep the wider of the two widths.
        dim.width = widths[j - 1] if first_col == 1 else max(dim.width or 0, widths[j - 1])
    own = widths[off:]
    height = printing.header_height(spec, own)
    if height:
        ws.row_dimensions[header_row].height = height  # a wrapped header is not cut off
    for i, row in enumerate(body, start=header_row + 1):
        height = printing.row_height(_lines_needed(spec, row, own))
        if height:
            # Neither Excel nor LibreOffice grows a row for wrapped text it did not lay out
            # itself, so long notes would overlap; size the row for them.
            ws.row_dimensions[i].height = height
        formulas = spec.formula_at(i - header_row)
        for j, col in enumerate(spec.columns, start=first_col):
            if col.is_formula and not formulas:
                continue  # past the formula rows: no cell (each costs a reader a parse)
            cell = ws.cell(row=i, column=j)
            if col.is_formula:
                cell.value = col.formula
            elif col.name in row and row[col.name] is not None and row[col.name] != "":
                # (An empty text would be written as an empty inline string: a cell that
                # holds nothing, but is not blank to Excel's checks.)
                cell.value = _excel_value(row[col.name])
            _style_for(col, cell)
            if spec.owner == "user" and col.type is ColType.DECIMAL and not col.is_formula:
                # What a manager types (a target of 81, a score of 3, a survey result of 4.7):
                # shown as typed, not as 81.00.
                cell.number_format = "General"
    last = header_row + len(body)
    ref = f"{column_letter(first_col)}{header_row}:{column_letter(off + len(spec.columns))}{last}"
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
    if spec.name == "Survey":
        _agree_as_percent(ws, spec, header_row + 1, last)
    _comments(ws, spec, header_row, first_col)
    return last


def _agree_as_percent(ws, spec: schema.Table, first: int, last: int) -> None:
    """A '% agree' result is kept as a fraction (0.86, what Excel stores for a typed 86%):
    show it as 86%, on any row, whatever the manager typed it as."""
    from openpyxl.formatting.rule import Rule
    from openpyxl.styles.differential import DifferentialStyle
    from openpyxl.styles.numbers import NumberFormat

    result = column_letter(spec.names.index("Result") + 1)
    scale = column_letter(spec.names.index("Scale") + 1)
    percent = DifferentialStyle(numFmt=NumberFormat(numFmtId=9, formatCode="0%"))
    rule = Rule(type="expression", dxf=percent, formula=[f'${scale}{first}="% agree"'])
    ws.conditional_formatting.add(f"{result}{first}:{result}{max(last, first)}", rule)


def _comments(ws, spec: schema.Table, header_row: int, first_col: int = 1) -> None:
    from openpyxl.comments import Comment

    for j, col in enumerate(spec.columns, start=first_col):
        text = layout.note_text(spec, col)
        if not text:
            continue
        comment = Comment(text, layout.NOTE_AUTHOR)
        comment.width, comment.height = layout.note_size(text)
        ws.cell(row=header_row, column=j).comment = comment


def _validations(ws, spec: schema.Table, first: int, last: int) -> None:
    for j, col in enumerate(spec.columns, start=1):
        if col.is_formula:
            continue
        rng = f"{column_letter(j)}{first}:{column_letter(j)}{max(last, first)}"
        dv = _validation_for(col)
        if dv is not None:
            dv.add(rng)
            ws.add_data_validation(dv)


def _validation_for(col: schema.Column) -> DataValidation | None:
    """The dropdown or range check for a cell of ``col``'s kind, or None."""
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
        return None
    dv.error = f"{col.name}: {col.help}"
    dv.errorTitle = "Not an allowed value"
    dv.prompt = col.help
    dv.showErrorMessage = True
    # Referenced lists may legitimately be empty while the workbook is set up.
    dv.allow_blank = True
    return dv


def _settings_values(ws, spec: schema.Table, top: int) -> None:
    """Each setting's Value cell formatted and checked as its kind: the Value column is text,
    so a date showed as 46304 and a percentage as 0.25, and yes/no had no dropdown."""
    j = spec.names.index("Value") + 1
    width = spec.columns[j - 1].width
    for i, setting in enumerate(schema.SETTINGS):
        cell = ws.cell(row=top + 2 + i, column=j)
        col = schema.Column(
            setting.label,
            setting.type,
            help=setting.help_text,
            choices=setting.choices or ("yes_no" if setting.type is ColType.BOOL else None),
            min=setting.minimum,
            max=setting.maximum,
        )
        if setting.type in NUMBER_FORMATS:
            cell.number_format = NUMBER_FORMATS[setting.type]
        if setting.type is ColType.DECIMAL:
            cell.number_format = "General"
        if setting.type is ColType.PERCENT:
            cell.number_format = "0%"  # "From 0% to 100%", as its help says
        if setting.type is ColType.LONGTEXT:
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left", indent=1)
            # Tall enough for the value or its help, whichever wraps to more lines.
            height = printing.row_height(printing.wrapped_lines(str(cell.value or ""), width))
            held = ws.row_dimensions[cell.row].height
            if height and (held is None or height > held):
                ws.row_dimensions[cell.row].height = height
        dv = _validation_for(col)
        if dv is not None:
            dv.add(cell.coordinate)
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


def _page_setup(ws, layout_: printing.PageLayout) -> None:
    """A4, the sheet's orientation, as many pages wide as keeps the print readable."""
    ws.page_setup.orientation = "landscape" if layout_.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = layout_.pages_wide
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = printing.MARGIN_IN
    ws.page_margins.top = ws.page_margins.bottom = printing.MARGIN_TOP_IN
    ws.page_margins.header = ws.page_margins.footer = printing.FOOTER_IN
    ws.print_options.gridLines = False
    # A wide table's pages go across before down, so the two halves of a row are printed
    # one after the other, not a dozen pages apart.
    ws.page_setup.pageOrder = "overThenDown"
    # A dropped pile of printouts can be put back together: each page names its sheet and
    # file and is numbered.
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.center.text = "&F"
    ws.oddFooter.right.text = "Page &P of &N"
    for part in (ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right):
        part.size = 8


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
        # Merged over A:B (144 units): rows as tall as the wrapped step, no blank line after.
        ws.row_dimensions[row].height = 15 * printing.wrapped_lines(step, 144)
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
        rows.append({"Setting": s.label, "Value": v if v != "" else None, "Help": s.help_text})
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
            ws.sheet_state = "veryHidden" if sheet.very_hidden else "hidden"
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
        widths = printing.column_widths(sheet)
        spans: list[tuple[int, int]] = []
        tops: dict[str, int] = {}
        for name in sheet.tables:
            spec = schema.TABLE_BY_NAME[name]
            rows = content.get(name)
            if spec.beside:
                # Beside another table, one blank column after it; the stacking goes on below.
                first = printing.first_column(spec)
                beside_top = tops[spec.beside]
                last = _write_table(
                    wb, ws, spec, beside_top, rows, 0 if rows else 1, first_col=first
                )
                # Printed with the table it is beside, down to the longer of the two.
                spans = [(a, max(b, last)) if a == beside_top else (a, b) for a, b in spans]
                continue
            tops[name] = top
            if name == "Settings":
                rows, blank = _settings_rows(settings), 0
            elif name == "OptionWeights":
                rows, blank = content.get(name) or _default_option_weights(), 0
            elif name in ("EvidenceMap", "EvidenceRequirements"):
                rows, blank = content.get(name) or _evidence_rows(name), 0
            elif spec.owner == "tool":
                blank = 0 if rows else 1
            else:
                blank = spec.blank_rows if spare_rows is None or not rows else spare_rows
            last = _write_table(wb, ws, spec, top, rows, blank, widths)
            if name == "Settings":
                _settings_values(ws, spec, top)
            # Printed: the title, header and the rows in use, not the blank rows to type in.
            spans.append((top, top + 1 + max(len(rows or []), 1)))
            if name == "OptionWeights":
                for i, (_, defined) in enumerate(schema.OPTION_FACTORS):
                    letter = column_letter(spec.names.index("Weight") + 1)
                    _defined(wb, defined, f"Options!${letter}${top + 2 + i}")
            top = last + layout.GAP + 1
        layout.freeze(ws, sheet)
        _page_setup(ws, printing.layout_for(sheet, widths))
        ws.print_area = printing.print_area(spans, printing.area_columns(sheet), sheet.name)
        titles = printing.title_rows(sheet, [top for top, _ in spans])
        if titles:
            ws.print_title_rows = titles
        if printing.layout_for(sheet, widths).pages_wide > 1:
            # The second page still shows which row is which.
            ws.print_title_cols = printing.title_columns(sheet)
        if sheet.protected:
            _protect(ws)
        if any(schema.TABLE_BY_NAME[t].owner == "user" for t in sheet.tables):
            _issue_highlighting(ws, sheet)
    from automation.build.charts import add_equity_chart

    add_equity_chart(wb)
    _start_sheet(wb, wb["Start"], settings)
    _protect(wb["Lists"])
    for name in ("Start", "Lists"):
        _page_setup(wb[name], printing.PageLayout(landscape=True, pages_wide=1))
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


def _evidence_rows(table: str) -> list[dict[str, object]]:
    """The evidence map before any check: every criterion listed, its status not worked out
    (the tool writes statuses at each check)."""
    from automation.evidence import catalogue_tables

    return catalogue_tables()[table].to_dict("records")
