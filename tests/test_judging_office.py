"""Judge packs and collected workbooks in LibreOffice and the Open XML validator."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from automation.io.read import read_workbook
from automation.judging.jobs import collect_workbook
from tests.test_judging import NOW, assigned, fill, packs, unscored  # noqa: F401 (fixtures)
from tests.test_libreoffice import _recalc

ROOT = Path(__file__).resolve().parents[1]
VALIDATOR = ROOT.parent / "shared" / "tools" / "ooxml-validate"
ERRORS = ("#VALUE!", "#REF!", "#NAME?", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "Err:")

office = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)


def _error_cells(path: Path) -> list[str]:
    wb = load_workbook(path, data_only=True)
    return [
        f"{ws.title}!{c.coordinate}={c.value}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith(ERRORS)
    ]


@office
def test_pack_recalculates_in_libreoffice(packs, tmp_path):  # noqa: F811
    filled = fill(
        packs[0],
        tmp_path / "in" / "pack.xlsx",
        score=lambda j, n, c, i: 9 if i == 1 else (None if i == 2 else 4),
    )
    out = _recalc(filled, tmp_path / "out")
    assert not _error_cells(out)
    ws = load_workbook(out, data_only=True)["Scores"]
    rows = list(ws[ws.tables["PackScores"].ref]) if ws.tables else list(ws.iter_rows(min_row=4))
    head = [c.value for c in rows[0]]
    check = [r[head.index("Check")].value for r in rows[1:4]]
    assert check == ["ok", "not on the scale", "to score"]
    instructions = load_workbook(out, data_only=True)["Instructions"]
    facts = {r[0]: r[1] for r in instructions.iter_rows(min_row=4, max_row=10, values_only=True)}
    total = facts["Scores to give"]
    assert facts["Scores entered"] == total - 1
    assert facts["Scores still to enter"] == 1


@pytest.mark.skipif(
    not VALIDATOR.exists() or shutil.which("npm") is None,
    reason="the Open XML validator (../shared/tools/ooxml-validate, needs npm) is not available",
)
def test_packs_and_the_collected_workbook_pass_the_open_xml_validator(
    assigned,  # noqa: F811
    packs,  # noqa: F811
    tmp_path,
):
    work = tmp_path / "programme.xlsx"
    shutil.copyfile(assigned, work)
    collect_workbook(work, [fill(packs[0], tmp_path / "r" / packs[0].name)], now=NOW)
    done = subprocess.run(
        [str(VALIDATOR), *map(str, packs), str(work)], capture_output=True, text=True, timeout=600
    )
    if done.returncode == 2:
        pytest.skip(f"the validator could not run: {done.stderr.strip()}")
    assert done.returncode == 0, done.stdout + done.stderr


@office
def test_collect_into_a_workbook_saved_by_libreoffice(assigned, packs, tmp_path):  # noqa: F811
    saved = _recalc(assigned, tmp_path / "lo")  # LibreOffice's own .xlsx (shared strings etc.)
    work = tmp_path / "programme.xlsx"
    shutil.copyfile(saved, work)
    before = read_workbook(work)
    returned = [fill(p, tmp_path / "r" / p.name) for p in packs[:2]]
    outcome = collect_workbook(work, returned, now=NOW)
    assert not outcome.report.errors, [i.message for i in outcome.report.errors]
    after = read_workbook(work)
    assert len(after["Scores"]) == len(before["Scores"]) + sum(
        t.added for t in outcome.collected.tally.values()
    )
    # Every other table is as LibreOffice left it.
    for name in ("Nominations", "Judges", "Assignments", "Criteria"):
        assert after[name].drop(columns="_row").equals(before[name].drop(columns="_row")), name
    wb = load_workbook(work)
    ws = wb["Scores"]
    last = int(ws.tables["Scores"].ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    assert last == int(after["Scores"]["_row"].max())
    judge_lists = [dv for dv in ws.data_validations.dataValidation if "Judge" in str(dv.formula1)]
    assert judge_lists and all(str(dv.sqref).endswith(str(last)) for dv in judge_lists)
    # And LibreOffice computes the formulas of the new rows.
    again = _recalc(work, tmp_path / "lo2")
    assert not _error_cells(again)
    values = load_workbook(again, data_only=True)["Scores"]
    head = [c.value for c in values[5]]
    points = [values.cell(row=last, column=head.index("Points") + 1).value]
    assert isinstance(points[0], float) and 0 < points[0] <= 1
