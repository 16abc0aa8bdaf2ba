"""The JSON-book harness: .xlsx -> payload -> macro -> actions -> .xlsx."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlwings as xw
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table, TableStyleInfo

from tests.support.jsonbook import (
    alerts,
    apply_actions,
    book_actions,
    open_json_book,
    payload_from_xlsx,
    run_macro,
)

HEADER = ["Name", "Team", "Score", "Joined"]
PEOPLE = [
    ["Ann", "North", 3, dt.datetime(2024, 1, 5)],
    ["Bob", "South", 5, dt.datetime(2023, 6, 1)],
    ["Cat", "North", 4, dt.datetime(2024, 3, 9)],
]


@pytest.fixture(autouse=True)
def _xlwings_license(monkeypatch: pytest.MonkeyPatch) -> None:
    # The JSON book is an xlwings PRO feature.
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """People table on one sheet; an empty-ish Summary sheet with a named threshold."""
    wb = openpyxl.Workbook()
    people = wb.active
    people.title = "People"
    people.append(HEADER)
    for row in PEOPLE:
        people.append(row)
    table = Table(displayName="People", ref="A1:D4")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    people.add_table(table)
    summary = wb.create_sheet("Summary")
    summary["E1"] = "left over from last run"
    summary["G1"] = 4
    wb.defined_names["Threshold"] = DefinedName("Threshold", attr_text="Summary!$G$1")
    path = tmp_path / "awards.xlsx"
    wb.save(path)
    return path


def summarise_teams(book: xw.Book | None = None) -> None:
    """A macro in our house style: read a table as a block, write a block back."""
    book = book or xw.Book.caller()
    table = book.sheets["People"].tables["People"]
    header = table.header_row_range.value
    rows = table.data_body_range.options(ndim=2).value
    team, score, joined = (header.index(column) for column in ("Team", "Score", "Joined"))
    threshold = book.names["Threshold"].refers_to_range.value
    totals: dict[str, float] = defaultdict(float)
    latest: dict[str, dt.datetime] = {}
    for row in rows:
        totals[row[team]] += row[score]
        latest[row[team]] = max(latest.get(row[team], row[joined]), row[joined])
    block = [["Team", "Total", "Latest join", "Above threshold"]]
    block += [[t, totals[t], latest[t].date(), totals[t] > threshold] for t in sorted(totals)]
    summary = book.sheets["Summary"]
    summary.range("E1").clear_contents()
    summary.range("A1").value = block
    summary.range("A1:D1").color = (255, 255, 0)
    book.app.alert(f"Summarised {len(rows)} people in {len(totals)} teams", title="Summary")


def read_block(path: Path, sheet: str, cells: str) -> list[list[object]]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [[cell.value for cell in row] for row in ws[cells]]


# --- payload ---


def test_payload_describes_book_sheets_tables_and_names(workbook: Path) -> None:
    payload = payload_from_xlsx(workbook)

    assert payload["version"] == xw.__version__
    assert payload["book"]["name"] == "awards.xlsx"
    assert payload["book"]["active_sheet_index"] == 0
    people, summary = payload["sheets"]
    # Blank cells are "", numbers floats, dates ISO strings with a trailing Z.
    assert people["values"][:2] == [HEADER, ["Ann", "North", 3.0, "2024-01-05T00:00:00.000Z"]]
    assert summary["values"][0] == ["", "", "", "", "left over from last run", "", 4.0]
    assert summary["used_range_address"] == "$E$1:$G$1"
    (table,) = people["tables"]
    assert table["name"] == "People"
    assert table["range_address"] == "$A$1:$D$4"
    assert table["header_row_range_address"] == "$A$1:$D$1"
    assert table["data_body_range_address"] == "$A$2:$D$4"
    assert table["columns"] == HEADER
    assert payload["names"] == [
        {
            "name": "Threshold",
            "sheet_index": 1,
            "address": "G1",
            "book_scope": True,
            "scope_sheet_name": None,
            "scope_sheet_index": None,
            "refers_to": "=Summary!$G$1",
        }
    ]


def test_active_sheet_can_be_chosen(workbook: Path) -> None:
    payload = payload_from_xlsx(workbook, active_sheet="Summary")
    assert payload["book"]["active_sheet_index"] == 1
    with pytest.raises(KeyError):
        payload_from_xlsx(workbook, active_sheet="Nope")


# --- reading through the Book API ---


def test_book_api_reads_blocks_from_the_payload(workbook: Path) -> None:
    book = open_json_book(payload_from_xlsx(workbook))
    try:
        people = book.sheets["People"]
        assert people.range("A1").expand().address == "$A$1:$D$4"
        assert people.used_range.address == "$A$1:$D$4"
        body = people.tables["People"].data_body_range.options(ndim=2).value
        assert body[0] == ["Ann", "North", 3.0, dt.datetime(2024, 1, 5)]
        # A table's name is also a range name for its data body, as in Excel.
        assert people.range("People").address == "$A$2:$D$4"
        assert book.sheets["Summary"].range("A1:B1").options(ndim=2).value == [[None, None]]
        assert book.names["Threshold"].refers_to_range.value == 4.0
        assert book.sheets.active.name == "People"
    finally:
        book.close()


def test_reads_come_from_the_snapshot_not_from_earlier_writes(workbook: Path) -> None:
    # Unlike a live book: a macro must not read back what it wrote in the same run.
    book = open_json_book(payload_from_xlsx(workbook))
    try:
        cell = book.sheets["People"].range("C2")
        cell.value = 99
        assert cell.value == 3.0
    finally:
        book.close()


# --- the whole round trip ---


def test_macro_round_trip_lands_values_colour_and_alert(workbook: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out.xlsx"

    actions = run_macro(summarise_teams, workbook, dest)

    assert read_block(dest, "Summary", "A1:E3") == [
        ["Team", "Total", "Latest join", "Above threshold", None],
        ["North", 7, dt.datetime(2024, 3, 9), True, None],
        ["South", 5, dt.datetime(2023, 6, 1), True, None],
    ]
    summary = openpyxl.load_workbook(dest)["Summary"]
    assert summary["A1"].fill.fgColor.rgb == "FFFFFF00"
    assert summary["D1"].fill.fgColor.rgb == "FFFFFF00"
    assert summary["A2"].fill.fill_type is None
    assert summary["G1"].value == 4  # untouched
    assert read_block(dest, "People", "A1:D2") == [HEADER, PEOPLE[0]]
    assert alerts(actions) == ["Summarised 3 people in 2 teams"]


def test_actions_are_zero_based_blocks(workbook: Path) -> None:
    book = open_json_book(payload_from_xlsx(workbook))
    try:
        book.sheets["Summary"].range("B3").value = [[1, None], ["x", dt.date(2024, 2, 1)]]
        (action,) = book_actions(book)
    finally:
        book.close()
    assert action == {
        "func": "setValues",
        "args": [None],
        "values": [[1, ""], ["x", "2024-02-01"]],
        "sheet_position": 1,
        "start_row": 2,
        "start_column": 1,
        "row_count": 2,
        "column_count": 2,
    }


def test_table_update_resizes_the_table(workbook: Path, tmp_path: Path) -> None:
    def replace_people(book: xw.Book) -> None:
        frame = pd.DataFrame({"Name": ["Dan", "Eve"], "Team": ["East", "West"]})
        book.sheets["People"].tables["People"].update(frame, index=False)

    dest = tmp_path / "out.xlsx"
    run_macro(replace_people, workbook, dest)

    ws = openpyxl.load_workbook(dest)["People"]
    table = ws.tables["People"]
    assert table.ref == "A1:B3"
    assert [column.name for column in table.tableColumns] == ["Name", "Team"]
    assert read_block(dest, "People", "A1:D4") == [
        ["Name", "Team", None, None],
        ["Dan", "East", None, None],
        ["Eve", "West", None, None],
        [None, None, None, None],
    ]


def test_new_tables_and_names_are_replayed(workbook: Path, tmp_path: Path) -> None:
    def add_results(book: xw.Book) -> None:
        sheet = book.sheets["Summary"]
        sheet.range("A1").value = [["Team", "Total"], ["North", 7]]
        sheet.tables.add(source=sheet.range("A1:B2"), name="Results")
        book.names.add("ResultsStart", "=Summary!$A$1")

    dest = tmp_path / "out.xlsx"
    run_macro(add_results, workbook, dest)

    wb = openpyxl.load_workbook(dest)
    table = wb["Summary"].tables["Results"]
    assert table.ref == "A1:B2"
    assert [column.name for column in table.tableColumns] == ["Team", "Total"]
    assert wb.defined_names["ResultsStart"].attr_text == "Summary!$A$1"


def test_formulas_formats_notes_and_sheets_are_replayed(workbook: Path, tmp_path: Path) -> None:
    def decorate(book: xw.Book) -> None:
        summary = book.sheets["Summary"]
        summary.range("G2:G3").formula = "=G1*2"  # one formula filled down, as in Excel
        summary.range("A1").font.bold = True
        summary.range("A1").number_format = "0.0%"
        summary.range("A1").add_note("Checked by the panel")
        summary.range("A2").add_hyperlink("https://example.org", "Guidance")
        summary.range("A3").value = dt.datetime(2024, 5, 1, 9, 30)
        extra = book.sheets.add("Extra", after=summary)
        extra.range("A1").value = "new"
        extra.name = "Notes"
        book.sheets["People"].activate()

    dest = tmp_path / "out.xlsx"
    run_macro(decorate, workbook, dest)

    wb = openpyxl.load_workbook(dest)
    summary = wb["Summary"]
    assert [summary["G2"].value, summary["G3"].value] == ["=G1*2", "=G2*2"]
    assert summary["A1"].font.b is True
    assert summary["A1"].number_format == "0.0%"
    assert summary["A1"].comment.text == "Checked by the panel"
    assert summary["A2"].value == "Guidance"
    assert summary["A2"].hyperlink.target == "https://example.org"
    assert summary["A3"].value == dt.datetime(2024, 5, 1, 9, 30)
    assert wb.sheetnames == ["People", "Summary", "Notes"]
    assert wb["Notes"]["A1"].value == "new"
    assert wb.active.title == "People"


def test_unknown_actions_fail_loudly(workbook: Path, tmp_path: Path) -> None:
    action = {
        "func": "rangeSort",
        "args": [[1], [True], True],
        "values": None,
        "sheet_position": 0,
        "start_row": 0,
        "start_column": 0,
        "row_count": 4,
        "column_count": 4,
    }
    with pytest.raises(NotImplementedError, match="rangeSort"):
        apply_actions(workbook, [action], tmp_path / "out.xlsx")
