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


def test_each_setting_is_shown_and_checked_as_its_kind(built_example):
    ws = load_workbook(built_example)["Settings"]
    table = ws.tables["Settings"]
    header = int(table.ref.split(":")[0][1:])
    value = schema.TABLE_BY_NAME["Settings"].names.index("Value") + 1
    cells = {
        ws.cell(row=r, column=1).value: ws.cell(row=r, column=value)
        for r in range(header + 1, header + 1 + len(schema.SETTINGS))
    }
    by_label = {s.label: s for s in schema.SETTINGS}
    # A date showed as 46304 and a percentage as 0.25 in the text-formatted column.
    assert cells["Scores due"].number_format == "dd/mm/yyyy"
    assert cells["Disagreement threshold"].number_format == "0%"
    assert cells["Organisation"].number_format == "@"
    assert cells["Judge-effect shrinkage"].number_format == "General"
    checks = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            checks[rng.coord] = dv
    for label, cell in cells.items():
        setting = by_label[label]
        dv = checks.get(cell.coordinate)
        if setting.type is schema.ColType.BOOL:
            assert dv is not None and dv.formula1 == f"={schema.list_name('yes_no')}", label
        elif setting.choices:
            assert dv is not None and dv.formula1 == f"={schema.list_name(setting.choices)}", label
        elif setting.minimum is not None or setting.maximum is not None:
            assert dv is not None and dv.type in ("whole", "decimal"), label
        elif setting.type is schema.ColType.DATE:
            assert dv is not None and dv.type == "date", label
        else:
            assert dv is None, label


def test_typed_decimals_show_as_typed_and_agree_results_as_percentages(built_example):
    wb = load_workbook(built_example)
    objectives = wb["Programme"].tables["Objectives"]
    first = int(objectives.ref.split(":")[0][1:]) + 1
    target = schema.TABLE_BY_NAME["Objectives"].names.index("Target") + 1
    assert wb["Programme"].cell(row=first, column=target).number_format == "General"
    survey = wb["Evaluation"]
    rules = [r for cf in survey.conditional_formatting for r in cf.rules if r.dxf and r.dxf.numFmt]
    assert len(rules) == 1 and rules[0].dxf.numFmt.formatCode == "0%"
    assert '="% agree"' in rules[0].formula[0]
