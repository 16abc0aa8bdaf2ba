"""Patching rows of one table inside a sheet's XML (automation.io.rows), on small sheets."""

from __future__ import annotations

import pytest

from automation import schema
from automation.errors import UserError
from automation.io.package import TableInfo
from automation.io.rows import TableEdit, patch_table

SPEC = schema.TABLE_BY_NAME["Assignments"]


def _sheet(rows: dict[int, str], validation: str = "A6:A8") -> str:
    body = "".join(f'<row r="{n}">{cells}</row>' for n, cells in sorted(rows.items()))
    return (
        '<worksheet><dimension ref="A1:D8"/><sheetData>'
        f"{body}</sheetData>"
        f'<dataValidations count="1"><dataValidation type="list" sqref="{validation}">'
        "<formula1>x</formula1></dataValidation></dataValidations></worksheet>"
    )


def _text(ref: str, value: str, style: str = "2") -> str:
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t>{value}</t></is></c>'


BASE = {
    5: _text("A5", "Judge") + _text("B5", "Nomination ID") + _text("D5", "beside"),
    6: _text("A6", "Jo") + _text("B6", "N1") + _text("D6", "keep me"),
    7: '<c r="A7" s="2"/><c r="B7" s="2"/>',
    8: '<c r="A8" s="2"/><c r="B8" s="2"/>',
}
INFO = TableInfo("Assignments", "Judges", "x", "y", "A5:B8", ("Judge", "Nomination ID"))


def test_new_rows_fill_blank_rows_then_grow_the_table_and_its_dropdowns():
    rows = [{"Judge": f"J{i}", "Nomination ID": f"N{i}"} for i in range(4)]
    out = patch_table(_sheet(BASE), INFO, SPEC, TableEdit(appends=rows))
    assert out.table_ref == "A5:B10"
    xml = out.sheet_xml
    assert "keep me" in xml and "<t>Jo</t>" in xml  # other cells and rows untouched
    for i, row in zip(range(4), (7, 8, 9, 10), strict=True):
        assert f'<c r="A{row}" s="2" t="inlineStr"><is><t>J{i}</t></is></c>' in xml
    assert 'sqref="A6:A10"' in xml and '<dimension ref="A1:D10"/>' in xml
    assert xml.index('<row r="9">') < xml.index('<row r="10">') < xml.index("</sheetData>")


def test_an_update_sets_only_the_cells_it_names():
    out = patch_table(_sheet(BASE), INFO, SPEC, TableEdit(updates={6: {"Judge": "Kim"}}))
    assert "<t>Kim</t>" in out.sheet_xml and "<t>N1</t>" in out.sheet_xml
    assert out.table_ref == "A5:B8"


def test_growing_into_cells_below_is_refused():
    rows = dict(BASE) | {9: _text("A9", "a note under the table")}
    edit = TableEdit(appends=[{"Judge": "J", "Nomination ID": "N"}] * 3)
    with pytest.raises(UserError, match="row 9 below it is not empty"):
        patch_table(_sheet(rows), INFO, SPEC, edit)


def test_replace_shrinks_a_tool_table_and_keeps_an_input_tables_size():
    spec = schema.TABLE_BY_NAME["JudgeProgress"]
    info = TableInfo("JudgeProgress", "Judges", "x", "y", "A5:B8", ("Judge", "Assigned"))
    out = patch_table(_sheet(BASE), info, spec, TableEdit(appends=[{"Judge": "Jo"}], replace=True))
    assert out.table_ref == "A5:B6"
    assert "<t>N1</t>" not in out.sheet_xml and "keep me" in out.sheet_xml
    kept = patch_table(
        _sheet(BASE), INFO, SPEC, TableEdit(appends=[{"Judge": "Kim"}], replace=True)
    )
    assert kept.table_ref == "A5:B8" and "<t>Jo</t>" not in kept.sheet_xml
