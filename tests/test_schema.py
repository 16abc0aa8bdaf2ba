"""The one schema is consistent: names unique, references and formulas resolve."""

from __future__ import annotations

import re

import pytest

from automation import schema

STRUCTURED = re.compile(r"([A-Za-z]+)\[(?:\[#This Row\],)?\[?([^\]\[]+)\]")


def test_every_table_is_on_exactly_one_declared_sheet():
    placed = [t for s in schema.SHEETS for t in s.tables]
    assert sorted(placed) == sorted(t.name for t in schema.TABLES)
    for t in schema.TABLES:
        assert t.name in schema.SHEET_BY_NAME[t.sheet].tables


def test_names_are_unique_and_valid():
    assert len({t.name for t in schema.TABLES}) == len(schema.TABLES)
    assert len({s.name for s in schema.SHEETS}) == len(schema.SHEETS)
    for t in schema.TABLES:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", t.name)
        assert len(set(t.names)) == len(t.names), t.name
    assert len({s.key for s in schema.SETTINGS}) == len(schema.SETTINGS)
    assert len({s.label for s in schema.SETTINGS}) == len(schema.SETTINGS)


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.name)
def test_choices_and_refs_resolve(table):
    for col in table.columns:
        if col.choices:
            assert col.choices in schema.LISTS, (table.name, col.name)
        if col.ref:
            ref_table, ref_col = col.ref.split(".")
            assert ref_col in schema.TABLE_BY_NAME[ref_table].names


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.name)
def test_formulas_reference_real_tables_and_columns(table):
    for col in table.columns:
        if not col.formula:
            continue
        for tname, cname in STRUCTURED.findall(col.formula):
            assert tname in schema.TABLE_BY_NAME, (col.formula, tname)
            assert cname in schema.TABLE_BY_NAME[tname].names, (col.formula, cname)


def test_status_and_evidence_formulas_reference_real_columns():
    formulas = [f for *_, f in schema.STATUS]
    for formula in formulas:
        for tname, cname in STRUCTURED.findall(formula):
            assert cname in schema.TABLE_BY_NAME[tname].names, formula


def test_tool_sheets_hold_only_tool_tables():
    assert set(schema.TOOL_SHEETS) == {
        "Results",
        "Judging",
        "Evidence",
        "Issues",
        "Audit log",
        "Tool data",
        "History",
        "Nomination history",
        "Score history",
        "Assignment history",
        "Result history",
    }


def test_every_column_has_help_for_its_header_comment():
    for t in schema.TABLES:
        if t.owner == "user":
            for c in t.columns:
                assert c.help, (t.name, c.name)
