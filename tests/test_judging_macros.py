"""The judging buttons (Assign judges, Judge packs, Collect scores) on xlwings' JSON book.

As in tests/test_macros.py, each macro runs on a JSON book built from a workbook file, its
actions are replayed into a copy, and the copy is read back with the project's file reader.
"""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from automation import macros
from automation.io.read import read_workbook
from tests.support.jsonbook import alerts, run_macro
from tests.test_judging import NOW, assigned, fill, packs, unscored  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _licence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")  # the JSON book is xlwings PRO


def test_assign_button_fills_assignments_and_progress(unscored, tmp_path):  # noqa: F811
    dest = tmp_path / "out.xlsx"
    actions = run_macro(macros.assign_judges, unscored, dest, seed=7)
    back = read_workbook(dest)
    rows = back["Assignments"]
    per_nom = rows.groupby("Nomination ID")["Judge"].nunique()
    assert (per_nom.drop("N-CAL1") == 3).all()
    # The same rows as the command gives for the same seed.
    from automation.judging.assign import plan_assignments

    plan = plan_assignments(read_workbook(unscored), seed=7)
    assert list(zip(rows["Judge"], rows["Nomination ID"], strict=True)) == list(
        zip(plan.rows["Judge"], plan.rows["Nomination ID"], strict=True)
    )
    assert set(back["JudgeProgress"]["Judge"]) == set(back["Judges"]["Judge"])
    assert (back["JudgeProgress"]["Assigned"] > 0).all()
    assert back["Audit"]["Action"].iloc[-1] == "assign"
    # The tables beside and above are untouched.
    assert back["Judges"].equals(read_workbook(unscored)["Judges"])
    (alert,) = alerts(actions)
    assert "Assignments" in alert and "Traceback" not in alert


def test_packs_button_writes_packs_and_drafts(assigned, tmp_path):  # noqa: F811
    out = tmp_path / "packs"
    actions = run_macro(macros.judge_packs, assigned, tmp_path / "out.xlsx", out_dir=out, now=NOW)
    assert len(list(out.glob("Judge pack - *.xlsx"))) == 4
    assert len(list((out / "emails").glob("*.eml"))) == 4
    assert read_workbook(tmp_path / "out.xlsx")["Audit"]["Action"].iloc[-1] == "packs"
    (alert,) = alerts(actions)
    assert "Wrote 4 judge packs" in alert


def test_collect_button_reads_the_settings_folder(assigned, packs, tmp_path):  # noqa: F811
    folder = tmp_path / "returned"
    returned = [fill(p, folder / p.name) for p in packs[:2]]
    work = tmp_path / "programme.xlsx"
    shutil.copyfile(assigned, work)
    wb = openpyxl.load_workbook(work)
    ws = wb["Settings"]
    for row in ws.iter_rows():
        if row[0].value == "Returned packs folder":
            row[1].value = str(folder)
    wb.save(work)
    dest = tmp_path / "out.xlsx"
    actions = run_macro(macros.collect_scores, work, dest, now=NOW)
    back = read_workbook(dest)
    from tests.test_judging import _entered, _scores

    assert _scores(dest) == _entered(returned[0]) | _entered(returned[1])
    progress = back["JudgeProgress"].set_index("Judge")
    done = progress[progress["Last pack collected"].notna()]
    assert len(done) == 2 and (done["Missing scores"] == 0).all()
    assert back["Audit"]["Action"].iloc[-1] == "collect"
    (alert,) = alerts(actions)
    assert "added" in alert and "Traceback" not in alert
    # The Scores sheet formulas were written into the new rows.
    sheet = openpyxl.load_workbook(dest)["Scores"]
    last = sheet.tables["Scores"].ref.split(":")[1]
    row = int("".join(ch for ch in last if ch.isdigit()))
    assert str(sheet.cell(row=row, column=10).value).startswith("=")
    # Collecting again changes nothing.
    again = run_macro(macros.collect_scores, dest, tmp_path / "again.xlsx", now=NOW)
    assert "Nothing new to merge" in alerts(again)[0]
    assert _scores(tmp_path / "again.xlsx") == _scores(dest)


def test_collect_button_without_a_folder_says_how_to_name_one(assigned, tmp_path):  # noqa: F811
    actions = run_macro(
        lambda book: macros.run("collect_scores", book), assigned, tmp_path / "o.xlsx"
    )
    (alert,) = alerts(actions)
    assert "Returned packs folder" in alert and "Traceback" not in alert
