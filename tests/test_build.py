"""The template and example workbooks: built from the schema, committed, good Excel citizens."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from automation import schema
from tests.support.compare import fingerprint

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("committed", "fixture"),
    [
        ("workbook/award_programme.xlsx", "built_template"),
        ("workbook/example_programme.xlsx", "built_example"),
    ],
)
def test_committed_workbooks_match_the_builder(committed, fixture, request):
    built = request.getfixturevalue(fixture)
    assert fingerprint(ROOT / committed) == fingerprint(built), (
        f"{committed} is out of date: run 'awards template' / 'awards example' and commit"
    )


@pytest.fixture(scope="module")
def template(built_template):
    return load_workbook(built_template)


def test_every_sheet_and_table_is_present(template):
    assert template.sheetnames == [s.name for s in schema.SHEETS]
    for spec in schema.TABLES:
        ws = template[spec.sheet]
        assert spec.name in ws.tables, spec.name
        table = ws.tables[spec.name]
        first = table.ref.split(":")[0]
        header_row = int("".join(ch for ch in first if ch.isdigit()))
        col = ws[first].column - 1  # a table beside another starts to the right of column A
        headers = [c.value for c in ws[header_row]][col : col + len(spec.columns)]
        assert headers == list(spec.names)


def test_lists_sheet_is_hidden_and_feeds_named_ranges(template):
    assert template["Lists"].sheet_state == "hidden"
    for key, values in schema.LISTS.items():
        name = template.defined_names[schema.list_name(key)]
        ((sheet, ref),) = name.destinations
        cells = [c.value for row in template[sheet][ref.replace("$", "")] for c in row]
        assert cells == list(values)


def test_named_ranges_present(template):
    names = set(template.defined_names)
    for key in schema.LISTS:
        assert schema.list_name(key) in names
    for _, name, _ in schema.STATUS:
        assert name in names
    for _, name in schema.OPTION_FACTORS:
        assert name in names
    refs = {c.ref for t in schema.TABLES for c in t.columns if c.ref}
    for ref in refs:
        assert template.defined_names[schema.ref_name(ref)].attr_text == schema.ref_formula(ref)
    assert {"IssueKeys", "IssueSeverities"} <= names


def test_choice_columns_have_dropdowns(template):
    for spec in schema.TABLES:
        if spec.owner != "user":
            continue
        ws = template[spec.sheet]
        formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
        for col in spec.input_columns:
            if col.choices:
                assert f"={schema.list_name(col.choices)}" in formulas, (spec.name, col.name)
            elif col.ref:
                assert f"={schema.ref_name(col.ref)}" in formulas, (spec.name, col.name)


def test_input_cells_unlocked_formula_cells_locked_and_sheets_protected(template):
    for spec in schema.TABLES:
        ws = template[spec.sheet]
        assert ws.protection.sheet, spec.sheet
        table = ws.tables[spec.name]
        first = int(table.ref.split(":")[0][1:]) + 1
        for j, col in enumerate(spec.columns, start=1):
            cell = ws.cell(row=first, column=j)
            if col.is_formula:
                assert cell.protection.locked, (spec.name, col.name)
                assert str(cell.value).startswith("="), (spec.name, col.name)
            elif spec.owner == "user" and spec.name not in ("EvidenceMap",):
                assert not cell.protection.locked, (spec.name, col.name)


def test_formats_freeze_panes_and_header_comments(template):
    ws = template["Nominations"]
    assert ws.freeze_panes == "B6"
    table = ws.tables["Nominations"]
    header = int(table.ref.split(":")[0][1:])
    received = schema.TABLE_BY_NAME["Nominations"].names.index("Received") + 1
    assert ws.cell(row=header + 1, column=received).number_format == "dd/mm/yyyy"
    period = schema.TABLE_BY_NAME["Nominations"].names.index("Period") + 1
    assert ws.cell(row=header + 1, column=period).number_format == "@"  # "Oct 2026" stays text
    assert ws.cell(row=header, column=1).comment is not None
    weight = schema.TABLE_BY_NAME["Criteria"].names.index("Weight") + 1
    crit = template["Criteria"]
    assert crit.cell(row=6, column=weight).number_format == "0.0%"


def test_input_sheets_light_up_cells_named_on_issues(template):
    for sheet in schema.SHEETS:
        if any(schema.TABLE_BY_NAME[t].owner == "user" for t in sheet.tables):
            rules = [r for cf in template[sheet.name].conditional_formatting for r in cf.rules]
            text = " ".join(f for r in rules for f in r.formula)
            assert "IssueKeys" in text and '"error"' in text and '"warning"' in text


def test_formulas_recalculate_on_open(template):
    assert template.calculation.fullCalcOnLoad
