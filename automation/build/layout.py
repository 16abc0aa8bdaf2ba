"""Where things go on a sheet: shared by the template builder and the tool-sheet writer.

Row 1 names the sheet, row 2 says what it is for, and tables follow from row 4, one under
another with ``GAP`` blank rows between, each with its title on the row above its header.
"""

from __future__ import annotations

from automation import schema

# Excel number formats by column type, for the builder's cells and the writers' alike.
NUMBER_FORMATS = {
    schema.ColType.INT: "0",
    schema.ColType.DECIMAL: "0.00",
    schema.ColType.MONEY: "£#,##0.00",
    schema.ColType.PERCENT: "0.0%",
    schema.ColType.DATE: "dd/mm/yyyy",
    schema.ColType.DATETIME: "dd/mm/yyyy hh:mm",
}


def number_format(col: schema.Column) -> str | None:
    """A column's number format: its own, else its type's (None for text and the like)."""
    return col.number_format or NUMBER_FORMATS.get(col.type)


FIRST_TABLE_ROW = 4  # title row of the first table; its header is the row below
GAP = 2


def write_heading(ws, sheet: schema.Sheet) -> int:
    """Write the sheet's title and purpose; return the row of the first table's title."""
    from openpyxl.styles import Font  # the template builder's (openpyxl) sheets only

    ws["A1"] = sheet.name
    ws["A1"].font = Font(bold=True, size=16, color="1F4E79")
    ws.row_dimensions[1].height = 26
    ws["A2"] = sheet.purpose
    ws["A2"].font = Font(italic=True, color="595959")
    return FIRST_TABLE_ROW


def freeze(ws, sheet: schema.Sheet) -> None:
    """Keep the header visible on one-table sheets; on stacked sheets keep the heading."""
    if len(sheet.tables) == 1:
        ws.freeze_panes = f"B{FIRST_TABLE_ROW + 2}"
    elif sheet.tables:
        ws.freeze_panes = "A3"


def table_tops(row_counts: list[int]) -> list[int]:
    """Title rows of stacked tables, given how many body rows each has (at least one)."""
    tops, top = [], FIRST_TABLE_ROW
    for n in row_counts:
        tops.append(top)
        top = top + 1 + max(n, 1) + GAP + 1
    return tops


NOTE_AUTHOR = "Award workbook"


def note_text(spec: schema.Table, col: schema.Column) -> str:
    """The note on a table's header cell: the column's help, and how to fill it in; "" where
    it would only repeat the header (a tool table's column with no help): no note there."""
    if spec.owner != "user" and not col.help and not col.is_formula:
        return ""
    extra = []
    if spec.owner == "user" and not col.is_formula:
        extra.append("Required." if col.required else "Optional.")
        extra.append(f"Type: {col.type.value}.")
    if col.is_formula:
        extra.append("Worked out by a formula; locked.")
        if spec.formula_rows is not None:
            extra.append(
                f"Only the first {spec.formula_rows:,} rows get the formula: on a longer table "
                "it would keep Excel or LibreOffice busy whenever the file opens (the tool "
                "works this out for itself)."
            )
    return " ".join([col.help or col.name, *extra])


# A note box is this wide; about this many characters of its font fit on one of its lines.
NOTE_WIDTH, NOTE_LINE_CHARS = 260, 40


def note_size(text: str) -> tuple[int, int]:
    """Width and height in pixels of the box that shows ``text`` whole: a one-line note in a
    box sized for six lines looked empty, and a long one ran past the bottom of its box."""
    import textwrap

    lines = sum(max(1, len(textwrap.wrap(part, NOTE_LINE_CHARS))) for part in text.split("\n"))
    return NOTE_WIDTH, min(400, 16 * lines + 12)  # 9-point lines, about 16 pixels each
