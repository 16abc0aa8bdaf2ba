"""The score lock: every kind of edit is named, reordering is not an edit, scoring refuses."""

from __future__ import annotations

import dataclasses
import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook

from automation import cli, lock
from automation.errors import UserError
from automation.io.read import read_workbook
from automation.pipeline import lock_workbook, score_workbook, unlock_workbook
from automation.scoring import score
from automation.tables import results_tables
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


def test_a_changed_score_is_named_after_a_save_and_scoring_refuses(locked_copy, today):
    header, rows = _scores(locked_copy)
    j, n, c, s = (header.index(k) for k in ("Judge", "Nomination ID", "Criterion", "Score"))
    rows[5][s] = 1 if rows[5][s] != 1 else 2
    rewrite_table(locked_copy, "Scores", header, rows)
    (issue,) = _lock_issues(locked_copy, today)
    assert issue.severity == "error" and issue.sheet == "Scores"
    assert issue.value == f"{rows[5][j]} / {rows[5][n]} / {rows[5][c]}"
    assert "changed" in issue.message and issue.row == 6 + 5
    # Scoring says the results are not the locked ones, and will not write them.
    outcome = score_workbook(locked_copy, today=today)
    assert any("differ from the locked ones" in line for line in outcome.lines)
    with pytest.raises(UserError, match="Nothing was written"):
        lock.refuse_changed_results(
            outcome.data, results_tables(outcome.results, outcome.data)["Results"]
        )


# The kinds of edit, on the data as read (the file round trip is covered above).
@pytest.fixture(scope="module")
def locked_data(locked):
    return read_workbook(locked)


def _with(data, **tables):
    return dataclasses.replace(data, tables={**data.tables, **tables}, cache={})


def _found(data) -> list[tuple[str, str, str]]:
    return sorted((c.table, c.kind, c.key) for c in lock.changes(data))


def _key(row, table="Scores") -> str:
    return " / ".join(str(row[k]) for k in lock.KEYS[table])


def test_every_kind_of_edit_is_named(locked_data):
    scores = locked_data["Scores"]
    changed = scores.copy()
    changed.loc[2, "Score"] = 0 if changed.loc[2, "Score"] != 0 else 1
    changed.loc[7, "Comment"] = "second thoughts"
    added = scores.iloc[[0]].assign(Criterion="Made-up criterion", _row=9999)
    edited = pd.concat([changed.drop(index=4), added], ignore_index=True)
    found = _found(_with(locked_data, Scores=edited))
    assert found == sorted(
        [
            ("Scores", "changed", _key(scores.loc[2])),
            ("Scores", "changed", _key(scores.loc[7])),
            ("Scores", "removed", _key(scores.loc[4])),
            ("Scores", "added", _key(added.iloc[0])),
        ]
    )


def test_reordering_rows_is_not_an_edit(locked_data):
    shuffled = locked_data["Scores"].sample(frac=1, random_state=3).reset_index(drop=True)
    results = locked_data["Results"].iloc[::-1].reset_index(drop=True)
    assert _found(_with(locked_data, Scores=shuffled, Results=results)) == []


def test_a_duplicated_row_is_an_addition(locked_data):
    scores = locked_data["Scores"]
    doubled = pd.concat([scores, scores.iloc[[10]]], ignore_index=True)
    assert _found(_with(locked_data, Scores=doubled)) == [("Scores", "added", _key(scores.loc[10]))]


def test_an_edited_result_and_an_added_assignment_are_found(locked_data):
    results = locked_data["Results"].copy()
    results.loc[0, "Place"] = "runner-up" if results.loc[0, "Place"] != "runner-up" else None
    assignments = pd.DataFrame([{"Judge": "Helen Okafor", "Nomination ID": "N-0001", "_row": 20}])
    found = _found(_with(locked_data, Results=results, Assignments=assignments))
    assert found == [
        ("Assignments", "added", "Helen Okafor / N-0001"),
        ("Results", "changed", _key(results.loc[0], "Results")),
    ]
    issues = list(lock.check_lock(_with(locked_data, Assignments=assignments)))
    assert [(i.code, i.sheet, i.row, i.cell) for i in issues] == [
        (lock.CODE, "Judges", 20, issues[0].cell)
    ]


def test_scoring_again_with_the_same_results_is_allowed(locked_data):
    same = results_tables(score(locked_data), locked_data)["Results"]
    lock.refuse_changed_results(locked_data, same)  # does not raise


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


def test_locking_twice_or_with_stale_results_is_refused(locked_data, example_data):
    current = results_tables(score(example_data), example_data)["Results"]
    with pytest.raises(UserError, match="already locked"):
        lock.lock(locked_data, current)
    results = example_data["Results"].copy()
    results.loc[0, "Rank"] = 99
    with pytest.raises(UserError, match="does not match the scores"):
        lock.lock(_with(example_data, Results=results), current)
    with pytest.raises(UserError, match="no results"):
        lock.lock(_with(example_data, Results=results.iloc[0:0]), current)


def _erase_the_winner(path, category="Customers' Choice"):
    from automation.privacy_job import erase_workbook

    winners = score(read_workbook(path)).winners.set_index("Category")
    person, nid = winners.loc[category, ["Nominee", "Nomination ID"]]
    return erase_workbook(path, person), nid


def test_an_erasure_keeps_the_lock_and_a_changed_score_stays_reported(locked_copy, today):
    """Erasing a person on request rewrites locked Results rows (the name and citation): the
    lock is sealed again over them, so validation does not tell the manager to put the
    erased data back; a score changed before the erasure is still reported."""
    header, rows = _scores(locked_copy)
    s = header.index("Score")
    rows[5][s] = 1 if rows[5][s] != 1 else 2
    rewrite_table(locked_copy, "Scores", header, rows)
    before = {(i.sheet, i.value) for i in _lock_issues(locked_copy, today)}
    assert len(before) == 1
    out, _ = _erase_the_winner(locked_copy)
    assert any(line.startswith("The scores stay locked") for line in out.lines)
    after = read_workbook(locked_copy)
    assert lock.is_locked(after)
    assert {(i.sheet, i.value) for i in _lock_issues(locked_copy, today)} == before
    assert "sealed again" in after["Audit"]["Detail"].iloc[-1]


def test_after_erasing_a_locked_winner_the_refusal_says_why(locked_copy, today):
    _, nid = _erase_the_winner(locked_copy)
    after = read_workbook(locked_copy)
    assert _lock_issues(locked_copy, today) == []
    # Scoring now would pass the award on: refused, and the message says why.
    with pytest.raises(UserError) as refused:
        lock.refuse_other_announcement(after, score(after))
    # (Jordan Foster has two nominations in the category, both named.)
    assert "The nominee of N-0039 and N-0051 was erased on request" in refused.value.message
    assert nid == "N-0039"
    assert "documents would announce" in refused.value.message
    assert 'unlock WORKBOOK --reason "nominee erased on request"' in refused.value.hint


def test_documents_are_refused_while_they_would_differ_from_the_locked_results(
    locked_copy, tmp_path, capsys
):
    header, rows = _scores(locked_copy)
    s = header.index("Score")
    for r in rows:  # every score the same: the ranks, and so the places, change
        r[s] = 3
    rewrite_table(locked_copy, "Scores", header, rows)
    code = cli.main(["documents", str(locked_copy), "--out", str(tmp_path / "docs")])
    assert code == 2
    assert "documents would announce results that differ" in capsys.readouterr().err
    assert not (tmp_path / "docs").exists()
