"""Scores' lookup formulas go into the first rows only (``schema.LOOKUP_MAX_ROWS``).

Every writer that puts Scores rows into a workbook follows the same rule: body rows up to the
limit get the calculated columns' formulas, later rows no lookup cells at all. The tests lower the
limit so that small workbooks cross it.
"""

from __future__ import annotations

import dataclasses
import shutil

import openpyxl
import pytest

from automation import macros, schema
from automation.build.example import content
from automation.build.workbook import build_workbook
from automation.io.package import TableInfo, open_package, sheet_parts
from automation.io.patch import TableEdit, write_changes
from automation.io.read import read_workbook
from automation.io.rows import TableEdit as RowsEdit
from automation.io.rows import patch_table
from tests.support.jsonbook import run_macro
from tests.test_judging import NOW, assigned, fill, packs, unscored  # noqa: F401 (fixtures)

FORMULA_COLUMNS = [c.name for c in schema.TABLE_BY_NAME["Scores"].columns if c.is_formula]


@pytest.fixture
def limit(monkeypatch):
    """Set the Scores formula limit for one test: ``limit(n)``."""

    def set_limit(n: int) -> schema.Table:
        spec = dataclasses.replace(schema.TABLE_BY_NAME["Scores"], formula_rows=n)
        monkeypatch.setitem(schema.TABLE_BY_NAME, "Scores", spec)
        monkeypatch.setattr(
            schema, "TABLES", tuple(spec if t.name == "Scores" else t for t in schema.TABLES)
        )
        return spec

    return set_limit


def _formula_rows(path) -> list[bool]:
    """For each body row of Scores: whether its lookup cells hold formulas (all or none)."""
    ws = openpyxl.load_workbook(path)["Scores"]
    ref = ws.tables["Scores"].ref
    cells = ws[ref]
    header = [c.value for c in cells[0]]
    at = [header.index(name) for name in FORMULA_COLUMNS]
    out = []
    for row in cells[1:]:
        has = [str(row[j].value or "").startswith("=") for j in at]
        assert len(set(has)) == 1, f"row {row[0].row}: some lookup cells have formulas"
        out.append(has[0])
    return out


def test_the_builder_writes_the_formulas_into_the_first_rows_only(limit, tmp_path):
    limit(3)
    tables, settings = content()
    path = build_workbook(tmp_path / "book.xlsx", tables, settings, spare_rows=2)
    rows = _formula_rows(path)
    assert len(rows) > 3 and rows[:3] == [True] * 3 and not any(rows[3:])
    with open_package(path) as zf:
        xml = zf.read(sheet_parts(zf)["Scores"]).decode()
    assert xml.count('<c r="F') == 1 + 3  # the header and three formulas, no blank cells
    ws = openpyxl.load_workbook(path)["Scores"]
    notes = [c.comment.text for c in ws[5] if c.comment and c.value in FORMULA_COLUMNS]
    assert len(notes) == len(FORMULA_COLUMNS)
    assert all("Only the first 3 rows get the formula" in n for n in notes)
    # The tool reads and scores the table the same way either way.
    assert len(read_workbook(path)["Scores"]) == len(tables["Scores"])


def test_the_default_limit_leaves_the_example_whole(built_example):
    assert all(_formula_rows(built_example))


def _sheet_xml(rows: int) -> tuple[str, TableInfo]:
    header = "".join(
        f'<c r="{chr(65 + j)}5" t="inlineStr"><is><t>{c.name}</t></is></c>'
        for j, c in enumerate(schema.TABLE_BY_NAME["Scores"].columns)
    )
    body = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Jo</t></is></c>'
        f'<c r="F{n}" s="3"><f>X</f></c></row>'
        for n in range(6, 6 + rows)
    )
    xml = f'<worksheet><sheetData><row r="5">{header}</row>{body}</sheetData></worksheet>'
    names = tuple(schema.TABLE_BY_NAME["Scores"].names)
    return xml, TableInfo("Scores", "Scores", "x", "y", f"A5:J{5 + rows}", names)


def test_rows_added_past_the_limit_get_blank_lookup_cells(limit):
    spec = limit(3)
    xml, info = _sheet_xml(2)
    new = [{"Judge": "Kim", "Nomination ID": "N1", "Criterion": "Care", "Score": 4}] * 3
    out = patch_table(xml, info, spec, RowsEdit(appends=new)).sheet_xml
    assert out.count("<f>") == 2 + len(FORMULA_COLUMNS)  # two old rows (one cell each) + row 3
    assert '<c r="F8" s="3"><f>' in out  # body row 3: still within the limit
    # Past it, no lookup cell at all (not even a styled blank: every cell costs a parse).
    assert '<c r="F9"' not in out and '<c r="F10"' not in out and '<c r="A10"' in out
    # A replaced body follows the same rule, old formulas past the limit included.
    out = patch_table(xml, info, spec, RowsEdit(appends=new + new, replace=True)).sheet_xml
    assert out.count("<f>") == 3 * len(FORMULA_COLUMNS)


def test_a_rewritten_scores_table_keeps_formulas_in_the_first_rows(limit, example_copy):
    limit(2)
    scores = read_workbook(example_copy)["Scores"]
    rows = scores[["Judge", "Nomination ID", "Criterion", "Score"]].head(5)
    edit = TableEdit("Scores", clear=True, append=rows.to_dict("records"))
    written = write_changes(example_copy, {"Scores": edit}, backup=False)
    flags = _formula_rows(written.path)
    assert flags[:2] == [True, True] and not any(flags[2:])


def test_collected_rows_past_the_limit_in_excel_get_no_formulas(
    limit,
    assigned,  # noqa: F811
    packs,  # noqa: F811
    tmp_path,
):
    """The Collect button writes through xlwings (here its JSON book)."""
    before = len(_formula_rows(assigned))
    limit(before)
    folder = tmp_path / "returned"
    fill(packs[0], folder / packs[0].name)
    work = tmp_path / "programme.xlsx"
    shutil.copyfile(assigned, work)
    wb = openpyxl.load_workbook(work)
    for row in wb["Settings"].iter_rows():
        if row[0].value == "Returned packs folder":
            row[1].value = str(folder)
    wb.save(work)
    dest = tmp_path / "out.xlsx"
    run_macro(macros.collect_scores, work, dest, now=NOW)
    flags = _formula_rows(dest)
    assert len(flags) > before
    assert not any(flags[before:])


def test_a_whole_table_written_through_excel_follows_the_rule(limit):
    import pandas as pd

    from automation.io.book import _block

    spec = limit(2)
    frame = pd.DataFrame({"Judge": ["Jo"] * 4, "Score": [1, 2, 3, 4]})
    body = _block(spec, frame)[1:]
    at = [spec.names.index(n) for n in FORMULA_COLUMNS]
    assert [all(str(row[j]).startswith("=") for j in at) for row in body] == [
        True,
        True,
        False,
        False,
    ]
    assert all(row[j] is None for row in body[2:] for j in at)
