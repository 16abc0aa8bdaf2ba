"""How each sheet prints, worked out from the schema: orientation, pages wide, print area,
repeated header row and row heights that fit wrapped text.

Shared by the template builder (openpyxl) and the tool-sheet writer (which re-stacks tables on
every run), so a sheet prints the same however it was last written. Widths are Excel's
character units; the figures below are for A4 with the narrow margins set here.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from automation import schema
from automation.schema import ColType

# Width units that fit across a page at 100% (A4, 10 mm side margins).
LANDSCAPE_UNITS = 150
PORTRAIT_UNITS = 100
MIN_SCALE = 0.75  # below this, print over more pages rather than shrink further
LINE_PT = 15.0  # one line of 11 pt Calibri/Carlito with a little leading
MAX_LINES = 15
MARGIN_IN = 0.4  # left and right
MARGIN_TOP_IN = 0.6
FOOTER_IN = 0.25  # the page footer's distance from the paper's edge, inside the margin

WRAPPED = (ColType.LONGTEXT,)
HEADER_CHAR = 1.15
MAX_CHOICE_WIDTH = 24  # a bold header letter is wider than the width unit (one "0")


@dataclass(frozen=True)
class PageLayout:
    """How one sheet prints."""

    landscape: bool
    pages_wide: int


def fits_header(col: schema.Column) -> float:
    """The declared width, widened so no word of the header has to break ("Respondent s")
    and a dropdown's longest value shows whole."""
    longest = max((len(word) for word in col.name.split()), default=0)
    width = max(col.width, round(longest * HEADER_CHAR + 1.5, 1))
    if col.choices:
        # A dropdown's values do not wrap: leave room for the longest ("customer-nominated").
        choice = max((len(v) for v in schema.LISTS[col.choices]), default=0)
        width = max(width, min(choice + 2, MAX_CHOICE_WIDTH))
    return width


# An Excel column nobody sized (the blank one between a table and the one beside it).
DEFAULT_WIDTH = 8.43


def first_column(spec: schema.Table) -> int:
    """The column (1-based) a table starts in: A, or one blank column after the table it
    is placed beside (JudgeProgress beside Judges)."""
    return len(schema.TABLE_BY_NAME[spec.beside].columns) + 2 if spec.beside else 1


def column_widths(sheet: schema.Sheet) -> list[float]:
    """The width of each column as the builder sets it: the widest table column above it,
    across to the last column of a table placed beside another."""
    widths: list[float] = []
    for name in sheet.tables:
        spec = schema.TABLE_BY_NAME[name]
        start = first_column(spec) - 1
        widths += [DEFAULT_WIDTH] * (start - len(widths))
        for j, col in enumerate(spec.columns, start=start):
            if j < len(widths):
                widths[j] = max(widths[j], fits_header(col))
            else:
                widths.append(fits_header(col))
    return widths


def printed_columns(sheet: schema.Sheet) -> int:
    """How many columns, from A, the sheet prints: to the last printed column of its widest
    table (helper columns at a table's right end are left off)."""
    return max(area_columns(sheet), default=1)


def layout_for(sheet: schema.Sheet, widths: Sequence[float] | None = None) -> PageLayout:
    """Portrait when the tables fit a portrait page at a readable scale; otherwise landscape,
    over as many pages wide as keeps the print at least ``MIN_SCALE``."""
    widths = list(widths if widths is not None else column_widths(sheet))[: printed_columns(sheet)]
    total = sum(widths)
    if total <= PORTRAIT_UNITS / MIN_SCALE:
        return PageLayout(landscape=False, pages_wide=1)
    # Each page after the first repeats the title columns: n pages hold n * page - (n - 1) *
    # repeated of the sheet's own width.
    page = LANDSCAPE_UNITS / MIN_SCALE
    first, last = _title_span(sheet)
    repeated = min(sum(widths[first - 1 : last]), page / 2)
    return PageLayout(
        landscape=True, pages_wide=max(1, math.ceil((total - repeated) / (page - repeated)))
    )


def wrapped_lines(text: str, width: float) -> int:
    """Lines a wrapped cell of ``width`` units needs for ``text`` (words are not broken)."""
    per_line = max(int(width * 1.1), 6)
    lines = 0
    for paragraph in str(text).splitlines() or [""]:
        lines += max(1, len(textwrap.wrap(paragraph, per_line, break_long_words=False)))
    return min(lines, MAX_LINES)


def lines_needed(spec: schema.Table, row: Mapping[str, object], widths: Sequence[float]) -> int:
    """Lines the longest wrapped cell of a row needs at its column's printed width."""
    most = 1
    for j, col in enumerate(spec.columns):
        value = row.get(col.name)
        if col.type in WRAPPED and isinstance(value, str):
            most = max(most, wrapped_lines(value, widths[j]))
    return most


def quick_lines(length: int, width: float) -> int:
    """A cheap estimate of :func:`wrapped_lines` from the text's length alone (long tables)."""
    per_line = max(int(width * 1.1), 6)
    return min(max(1, math.ceil(length * 1.15 / per_line)), MAX_LINES)


def header_height(spec: schema.Table, widths: Sequence[float]) -> float | None:
    """Height for a header row whose names wrap ("Nomination ID" in 13 units), else None."""
    lines = max(
        (
            wrapped_lines(col.name, (widths[j] - 1.5) / HEADER_CHAR / 1.1)
            for j, col in enumerate(spec.columns)
        ),
        default=1,
    )
    return LINE_PT * lines + 2 if lines > 1 else None


def row_height(lines: int) -> float | None:
    """Height for a body row needing ``lines`` lines, or None for the default single line."""
    return LINE_PT * lines if lines > 1 else None


def title_rows(sheet: schema.Sheet, tops: Sequence[int]) -> str | None:
    """Rows to repeat on every printed page, from the title row of each of the sheet's print
    areas (``tops``, in order): a one-table sheet repeats its header, a sheet of several its
    ``repeat_header`` table's (the last), others none."""
    if not tops:
        return None
    if len(sheet.tables) == 1:
        row = tops[0] + 1
    elif sheet.repeat_header:
        row = tops[-1] + 1
    else:
        return None
    return f"{row}:{row}"


def title_columns(sheet: schema.Sheet) -> str:
    """Columns to repeat at the left of every page of a sheet printed more than one page
    wide: its ``print_key`` (which says which row is which), else column A."""
    from automation.issues import column_letter

    first, last = _title_span(sheet)
    return f"{column_letter(first)}:{column_letter(last)}"


def _title_span(sheet: schema.Sheet) -> tuple[int, int]:
    """The first and last title column (1-based)."""
    if sheet.print_key is None:
        return 1, 1
    table, first, last = sheet.print_key
    names = schema.TABLE_BY_NAME[table].names
    return names.index(first) + 1, names.index(last) + 1


def area_columns(sheet: schema.Sheet) -> list[int]:
    """The last printed column of each of the sheet's print areas, one per table (a table
    placed beside another prints in that one's area): a table's own, not the sheet's widest,
    so a narrow table on a sheet with a wide one is not printed over a second page that
    holds only the repeated columns."""
    last: dict[str, int] = {}
    for name in sheet.tables:
        spec = schema.TABLE_BY_NAME[name]
        shown = [j for j, col in enumerate(spec.columns, start=1) if col.printed]
        end = first_column(spec) - 1 + max(shown, default=1)
        if spec.beside:
            last[spec.beside] = max(last[spec.beside], end)
        else:
            last[name] = end
    return list(last.values())


def print_area(spans: Iterable[tuple[int, int]], columns: Iterable[int], sheet: str) -> str:
    """``'Sheet'!$A$1:$H$40,'Sheet'!$A$44:$F$50``: the sheet heading with the first table,
    then each table from its title row to its last used row (blank rows are left out), each
    as wide as its ``columns`` (see area_columns)."""
    from automation.issues import column_letter

    quoted = "'" + sheet.replace("'", "''") + "'"
    areas = []
    for number, ((first, end), width) in enumerate(zip(spans, columns, strict=True)):
        top = 1 if number == 0 else first
        last = column_letter(max(width, 1))
        areas.append(f"{quoted}!$A${top}:${last}${max(end, top)}")
    return ",".join(areas)
