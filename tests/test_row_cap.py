"""A table that would grow past a sheet's last row is refused before anything is written."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from automation import schema
from automation.errors import UserError
from automation.io.package import TableInfo
from automation.io.patch import TableEdit, write_changes
from automation.io.row_cap import EXCEL_ROWS, check_fits
from automation.io.rows import TableEdit as RowsEdit
from automation.io.rows import patch_table
from automation.model import ROW
from automation.validate import validate

NOMINATION = {"ID": "N-X", "Period": "Q4 2026", "Category": "Customer Hero", "Nominee": "A B"}


def test_the_last_row_of_a_sheet_fits_and_the_next_does_not():
    check_fits("Scores", "Scores", EXCEL_ROWS)
    with pytest.raises(UserError) as err:
        check_fits("Scores", "Scores", EXCEL_ROWS + 1)
    assert "1,048,577" in err.value.message and "Scores" in err.value.message
    assert "new-period" in err.value.hint and "sidecar" in err.value.hint


def test_the_patch_writer_refuses_and_leaves_the_workbook_as_it_was(example_copy):
    before = hashlib.sha256(example_copy.read_bytes()).hexdigest()
    edit = TableEdit("Nominations", append=[NOMINATION], last_data_row=EXCEL_ROWS)
    with pytest.raises(UserError, match="at most 1,048,576 rows"):
        write_changes(example_copy, {"Nominations": edit}, backup=False)
    assert hashlib.sha256(example_copy.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in example_copy.parent.iterdir()) == [example_copy.name]


def test_the_row_patcher_refuses_a_table_that_would_pass_the_last_row():
    top = EXCEL_ROWS - 3
    info = TableInfo(
        "Assignments", "Judges", "x", "y", f"A{top}:B{EXCEL_ROWS}", ("Judge", "Nomination ID")
    )
    cells = '<c r="A{n}" t="inlineStr"><is><t>J</t></is></c>'
    body = "".join(f'<row r="{n}">{cells.format(n=n)}</row>' for n in range(top, EXCEL_ROWS + 1))
    xml = f"<worksheet><sheetData>{body}</sheetData></worksheet>"
    edit = RowsEdit(appends=[{"Judge": "Jo", "Nomination ID": "N1"}])
    with pytest.raises(UserError, match="Assignments"):
        patch_table(xml, info, schema.TABLE_BY_NAME["Assignments"], edit)


def test_validation_warns_when_an_input_table_nears_the_last_row(example_data):
    assert "table-near-row-cap" not in validate(example_data).codes()
    scores = example_data["Scores"].copy()
    scores.loc[scores.index[-1], ROW] = EXCEL_ROWS - 10
    data = dataclasses.replace(
        example_data, tables={**example_data.tables, "Scores": scores}, cache={}
    )
    near = [i for i in validate(data) if i.code == "table-near-row-cap"]
    assert [(i.sheet, i.row, i.column) for i in near] == [("Scores", EXCEL_ROWS - 10, "Judge")]
    assert near[0].cell == f"A{EXCEL_ROWS - 10}"
