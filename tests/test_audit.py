"""The audit trail: chained entries, and every kind of tampering detected by validation."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl import load_workbook

from automation import audit
from automation.digest import tables_digest
from automation.io.read import read_workbook
from automation.pipeline import check_workbook
from automation.validate import validate
from tests.support import small
from tests.support.factory import data_from_rows

T0 = dt.datetime(2026, 11, 20, 9, 0)
AUDIT_CODES = {
    "audit-row-edited",
    "audit-chain-broken",
    "audit-row-unsealed",
    "audit-entries-removed",
}


@pytest.fixture(scope="module")
def base():
    return data_from_rows(small.rows(), small.SETTINGS)


def _records(frame: pd.DataFrame) -> list[dict]:
    return [
        {k: (None if pd.isna(v) else v) for k, v in r.items() if k != "_row"}
        for r in frame.to_dict("records")
    ]


def _reread(base, audit_rows: list[dict], seal: list[dict] | None = None):
    """The data as a reader would give it after writing these Audit (and seal) rows."""
    tables = {"Audit": audit_rows}
    if seal is not None:
        tables["AuditSeal"] = seal
    return data_from_rows(tables, base=base)


def _tampered(base, data, rows: list[dict]):
    """``data`` with its Audit rows replaced by ``rows``; the seal is left as the tool wrote it."""
    return _reread(base, rows, _records(data["AuditSeal"]))


def _chain(base, n: int):
    """Data whose Audit log holds ``n`` chained entries, with the seal."""
    data = base
    frames = {}
    for i in range(n):
        frames = audit.record(
            data, f"action-{i}", f"summary {i}", now=T0 + dt.timedelta(hours=i), user="ann"
        )
        data = _reread(base, _records(frames["Audit"]), _records(frames["AuditSeal"]))
    return data, frames


def _codes(data) -> list[str]:
    return [i.code for i in audit.check_audit(data)]


def test_an_entry_holds_time_user_action_digests_and_the_chain(base):
    frames = audit.record(base, "score", "3 ranked", now=T0, user="ann")
    row = frames["Audit"].iloc[-1]
    assert row["When (UTC)"] == "2026-11-20 09:00:00 UTC" and row["User"] == "ann"
    assert row["Action"] == "score" and row["Detail"] == "3 ranked"
    assert row["Inputs before"] == row["Inputs after"] == tables_digest(base)
    assert len(row["Row digest"]) == 64 and row["Row digest"] == audit.row_digest(row.to_dict())
    assert frames["AuditSeal"].iloc[0].to_dict() == {
        "Entries": "1",
        "Last digest": row["Row digest"],
    }


def test_inputs_after_differ_when_the_action_changed_them(base):
    after = data_from_rows({"Findings": [{"Finding": "new"}]}, base=base)
    row = audit.record(base, "collect", "x", after=after, now=T0)["Audit"].iloc[-1]
    assert row["Inputs before"] != row["Inputs after"] == tables_digest(after)


def test_an_untouched_chain_has_no_issues(base):
    data, _ = _chain(base, 4)
    assert _codes(data) == []
    assert data["Audit"]["Previous digest"].iloc[1] == data["Audit"]["Row digest"].iloc[0]


@pytest.mark.parametrize("column", ["Detail", "User", "Action", "When (UTC)", "Inputs before"])
def test_an_edited_entry_is_detected(base, column):
    data, frames = _chain(base, 3)
    rows = _records(data["Audit"])
    rows[1][column] = str(rows[1][column]) + " (edited)"
    assert _codes(_tampered(base, data, rows)) == ["audit-row-edited"]


def test_a_deleted_entry_is_detected(base):
    data, _ = _chain(base, 4)
    rows = _records(data["Audit"])
    del rows[1]
    assert _codes(_tampered(base, data, rows)) == ["audit-chain-broken", "audit-entries-removed"]


def test_deleting_the_newest_entries_is_detected_through_the_seal(base):
    data, _ = _chain(base, 3)
    assert _codes(_tampered(base, data, _records(data["Audit"])[:-1])) == ["audit-entries-removed"]


def test_inserted_and_moved_entries_are_detected(base):
    data, _ = _chain(base, 3)
    rows = _records(data["Audit"])
    typed = {**rows[0], "Row digest": None, "Detail": "typed by hand"}
    assert "audit-row-unsealed" in _codes(_tampered(base, data, [*rows, typed]))
    forged = {**rows[0], "Detail": "forged", "Row digest": "0" * 64}
    assert "audit-row-edited" in _codes(_tampered(base, data, [*rows[:2], forged, rows[2]]))
    moved = [rows[1], rows[0], rows[2]]
    assert "audit-chain-broken" in _codes(_tampered(base, data, moved))


def test_entries_from_before_the_chain_are_the_unchained_start(base):
    legacy = [
        {
            "When": T0,
            "User": "bob",
            "Action": "score",
            "Detail": "old run",
            "Tool version": "0.1.0",
        },
        {
            "When": T0,
            "User": "bob",
            "Action": "validate",
            "Detail": "0 errors",
            "Tool version": "0.1.0",
        },
    ]
    data = _reread(base, legacy)
    assert _codes(data) == []  # an old workbook validates as before
    frames = audit.record(data, "score", "new run", now=T0, user="ann")
    chained = _records(frames["Audit"])
    assert chained[2]["Previous digest"] == audit.legacy_digest(data["Audit"])
    assert _codes(_reread(base, chained, _records(frames["AuditSeal"]))) == []
    chained[0]["Detail"] = "rewritten"
    assert _codes(_reread(base, chained)) == ["audit-chain-broken"]


def test_the_chain_survives_the_file_and_an_edit_in_excel_is_found(example_copy, today):
    check_workbook(example_copy, write=True, today=today)
    data = read_workbook(example_copy)
    assert len(data["Audit"]) == 2 and not set(validate(data, today=today).codes()) & AUDIT_CODES
    # The manager edits the detail of the first entry by hand.
    wb = load_workbook(example_copy)
    ws = wb["Audit log"]
    header = next(r for r in ws.iter_rows(min_row=1, max_row=10) if r[0].value == "When")
    detail = [c.value for c in header].index("Detail") + 1
    ws.cell(row=header[0].row + 1, column=detail).value = "0 errors, 0 warnings"
    wb.save(example_copy)
    codes = validate(read_workbook(example_copy), today=today).codes()
    assert codes.count("audit-row-edited") == 1


def test_documents_and_email_are_logged_unless_excel_has_the_workbook_open(example_copy):
    from automation.io.write import lock_file
    from automation.pipeline import log_action

    line = log_action(example_copy, "documents", "9 files in out", backup=False)
    assert line == f"Recorded in the Audit log of {example_copy}."
    assert read_workbook(example_copy)["Audit"]["Action"].iloc[-1] == "documents"
    # With a backup (the commands' default) the line says where it is, as every write does.
    line = log_action(example_copy, "documents", "9 files in out")
    assert line.startswith(f"Recorded in the Audit log of {example_copy} (backup: ")
    assert line.endswith(".xlsx).") and "backups" in line
    lock_file(example_copy).write_text("", encoding="utf-8")
    before = example_copy.read_bytes()
    line = log_action(example_copy, "email-drafts", "7 files in out")
    assert line.startswith("Not recorded in the Audit log") and "open in Excel" in line
    assert example_copy.read_bytes() == before
