"""The score lock: every kind of edit is named, reordering is not an edit, scoring refuses."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from automation import cli, lock
from automation.errors import UserError
from automation.io.read import read_workbook
from automation.pipeline import lock_workbook, score_workbook, unlock_workbook
from automation.validate import validate
from tests.support.edit import rewrite_table, table_rows


@pytest.fixture(scope="module")
def locked(built_example, tmp_path_factory):
    path = tmp_path_factory.mktemp("locked") / "locked.xlsx"
    shutil.copyfile(built_example, path)
    lock_workbook(path, user="ann")
    return path


@pytest.fixture
def locked_copy(locked, tmp_path):
    return shutil.copyfile(locked, tmp_path / "programme.xlsx")


def _lock_issues(path, today):
    return [i for i in validate(read_workbook(path), today=today) if i.code == lock.CODE]


def _scores(path):
    header, rows = table_rows(path, "Scores")
    return header, [r for r in rows if any(v is not None for v in r)]


def test_locking_stores_table_and_row_digests_and_logs_it(locked, today):
    data = read_workbook(locked)
    state = lock.lock_state(data)
    assert state["Locked by"] == "ann" and len(state["Scores digest"]) == 64
    counts = data["LockRows"]["Table"].value_counts()
    assert counts["Scores"] == len(data["Scores"]) and counts["Results"] == len(data["Results"])
    assert data["Audit"]["Action"].tolist()[-1] == "lock"
    assert _lock_issues(locked, today) == []
    sheet = load_workbook(locked, read_only=True)["Tool data"]
    assert sheet.sheet_state == "veryHidden"


def test_a_changed_score_is_named(locked_copy, today):
    header, rows = _scores(locked_copy)
    j, n, c, s = (header.index(k) for k in ("Judge", "Nomination ID", "Criterion", "Score"))
    rows[5][s] = 1 if rows[5][s] != 1 else 2
    rewrite_table(locked_copy, "Scores", header, rows)
    (issue,) = _lock_issues(locked_copy, today)
    assert issue.severity == "error" and issue.sheet == "Scores"
    assert issue.value == f"{rows[5][j]} / {rows[5][n]} / {rows[5][c]}"
    assert "changed" in issue.message and issue.row == 6 + 5


def test_added_and_removed_scores_are_named(locked_copy, today):
    header, rows = _scores(locked_copy)
    removed = rows.pop(3)
    added = list(rows[0])
    added[header.index("Criterion")] = "Made-up criterion"
    rewrite_table(locked_copy, "Scores", header, [*rows, added])
    kinds = sorted(
        (i.message.split(" was ")[1].split()[0], i.value) for i in _lock_issues(locked_copy, today)
    )
    j, n, c = (header.index(k) for k in ("Judge", "Nomination ID", "Criterion"))
    assert kinds == sorted(
        [
            ("added", f"{added[j]} / {added[n]} / Made-up criterion"),
            ("removed", f"{removed[j]} / {removed[n]} / {removed[c]}"),
        ]
    )


def test_reordering_rows_is_not_an_edit(locked_copy, today):
    header, rows = _scores(locked_copy)
    rewrite_table(locked_copy, "Scores", header, list(reversed(rows)))
    assert _lock_issues(locked_copy, today) == []


def test_an_edited_result_and_an_added_assignment_are_found(locked_copy, today):
    header, rows = table_rows(locked_copy, "Results")
    rows[0][header.index("Place")] = (
        "runner-up" if rows[0][header.index("Place")] != "runner-up" else None
    )
    rewrite_table(locked_copy, "Results", header, rows)
    rewrite_table(
        locked_copy, "Assignments", ["Judge", "Nomination ID"], [["Helen Okafor", "N-0001"]]
    )
    found = {
        (i.sheet, i.message.split(" was ")[1].split()[0]) for i in _lock_issues(locked_copy, today)
    }
    assert found == {("Results", "changed"), ("Judges", "added")}


def test_scoring_refuses_to_change_locked_results_but_reruns_same(locked_copy, today):
    score_workbook(locked_copy, write=True, today=today)  # same results: allowed
    header, rows = _scores(locked_copy)
    s = header.index("Score")
    for r in rows[:40]:
        r[s] = 1
    rewrite_table(locked_copy, "Scores", header, rows)
    before = locked_copy.read_bytes()
    with pytest.raises(UserError, match="locked"):
        score_workbook(locked_copy, write=True, today=today)
    assert locked_copy.read_bytes() == before


def test_unlock_needs_a_reason_and_is_logged(locked_copy, capsys):
    with pytest.raises(UserError, match="reason"):
        unlock_workbook(locked_copy, "  ")
    assert cli.main(["unlock", str(locked_copy), "--reason", "appeal upheld for N-0012"]) == 0
    data = read_workbook(locked_copy)
    assert not lock.is_locked(data) and data["LockRows"].empty
    last = data["Audit"].iloc[-1]
    assert last["Action"] == "unlock" and "appeal upheld for N-0012" in last["Detail"]
    assert cli.main(["unlock", str(locked_copy), "--reason", "again"]) == 2
    assert "not locked" in capsys.readouterr().err


def test_locking_twice_or_with_stale_results_is_refused(locked_copy, built_example, tmp_path):
    with pytest.raises(UserError, match="already locked"):
        lock_workbook(locked_copy)
    stale = shutil.copyfile(built_example, tmp_path / "stale.xlsx")
    header, rows = _scores(stale)
    s = header.index("Score")
    for r in rows[:40]:
        r[s] = 1
    rewrite_table(stale, "Scores", header, rows)
    with pytest.raises(UserError, match="does not match the scores"):
        lock_workbook(stale)
