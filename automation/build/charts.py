"""Charts drawn in the workbook itself, over the tables the tool writes.

The Equity chart plots each group's nomination ratio to the best-served group. Its series
refer to the Equity table's body; when the tool rewrites the table, the writer
(``automation.io.patch``) moves the series' last row with it, and Excel does the same for a
table resized from a button.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference

from automation import schema
from automation.io.package import parse_ref
from automation.issues import column_letter


def add_equity_chart(wb) -> None:
    """A bar chart of Equity[Nomination ratio] by group, to the right of the tables."""
    sheet = schema.TABLE_BY_NAME["Equity"].sheet
    ws = wb[sheet]
    table = ws.tables["Equity"]
    c1, r1, _, r2 = parse_ref(table.ref)
    names = schema.TABLE_BY_NAME["Equity"].names
    ratio = c1 + names.index("Nomination ratio")
    group = c1 + names.index("Group")
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Nominations per eligible member: ratio to the best group (flag below 0.8)"
    chart.y_axis.title = "Ratio to the best-served group"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.legend = None
    chart.add_data(
        Reference(ws, min_col=ratio, min_row=r1, max_row=max(r2, r1 + 1)), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=group, min_row=r1 + 1, max_row=max(r2, r1 + 1)))
    chart.height, chart.width = 9, 16
    widest = max(len(schema.TABLE_BY_NAME[t].columns) for t in schema.SHEET_BY_NAME[sheet].tables)
    ws.add_chart(chart, f"{column_letter(widest + 2)}{r1 - 1}")
