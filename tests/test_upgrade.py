"""A workbook made before the evidence statuses, the audit chain and the lock still works."""

from __future__ import annotations

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import TableColumn

from automation.audit import check_audit
from automation.io.read import read_workbook
from automation.pipeline import check_workbook
from automation.validate import validate

OLD_AUDIT = ["When", "User", "Action", "Detail", "Tool version"]
OLD_EVIDENCE = ["Criterion", "What is asked", "Where in this workbook", "Entries", "Notes"]


def _make_old(path) -> None:
    """Turn a fresh example into what version 0.1.0 wrote: no Tool data sheet, no D17 table,
    the Audit and EvidenceMap tables with their old columns, audit rows without digests."""
    wb = load_workbook(path)
    del wb["Tool data"]
    del wb["Evidence"].tables["EvidenceRequirements"]
    _rewrite(
        wb["Audit log"],
        "Audit",
        OLD_AUDIT,
        ["2026-11-01 10:00", "bob", "score", "60 ranked", "0.1.0"],
    )
    _rewrite(
        wb["Evidence"],
        "EvidenceMap",
        OLD_EVIDENCE,
        ["2.1", "SMART objectives", "Programme", None, "Objectives agreed at the May board."],
    )
    wb.save(path)


def _rewrite(ws, name: str, header: list[str], row: list) -> None:
    """One table as an older version laid it out: its header and a single row."""
    table = ws.tables[name]
    first = table.ref.split(":")[0]
    top = ws[first].row
    for cells in ws[table.ref]:
        for c in cells:
            c.value = None
    for j, (h, v) in enumerate(zip(header, row, strict=True), start=1):
        ws.cell(row=top, column=j, value=h)
        ws.cell(row=top + 1, column=j, value=v)
    table.ref = f"A{top}:{get_column_letter(len(header))}{top + 1}"
    table.autoFilter.ref = table.ref
    table.tableColumns = [TableColumn(id=i + 1, name=h) for i, h in enumerate(header)]


def test_an_old_workbook_gets_the_new_tables_and_keeps_its_history(example_copy, today):
    _make_old(example_copy)
    old = read_workbook(example_copy)
    assert "AuditSeal" not in old.places
    assert not set(validate(old, today=today).codes()) & {"audit-row-edited", "audit-chain-broken"}

    check_workbook(example_copy, write=True, today=today)
    data = read_workbook(example_copy)
    assert {"AuditSeal", "LockState", "LockRows", "EvidenceRequirements"} <= set(data.places)
    assert load_workbook(example_copy, read_only=True)["Tool data"].sheet_state == "veryHidden"
    # The old entry is the unchained start; the new one is chained to it and sealed.
    assert data["Audit"]["User"].tolist()[0] == "bob" and pd_isna(data["Audit"]["Row digest"][0])
    assert list(check_audit(data)) == []
    assert data["AuditSeal"]["Entries"].tolist() == ["2"]
    emap = data["EvidenceMap"].set_index("Criterion")
    assert emap.loc["2.1", "Notes"] == "Objectives agreed at the May board."
    assert (emap["Status"] == "met").all() and len(data["EvidenceRequirements"]) == 9


def pd_isna(value) -> bool:
    return value is None or value != value


def test_adding_a_table_to_an_older_workbook_reads_only_the_parts_it_changes(example_copy):
    """Adding one table read every part of the package, a long Scores sheet's hundred MB of
    XML included (130 MB more at 20,000 nominations, on the first write of an older book)."""
    import zipfile

    from automation import schema
    from automation.io.package import sheet_parts
    from automation.io.upgrade import PackageParts, add_table

    class Counted(PackageParts):
        def __init__(self, zf):
            super().__init__(zf)
            self.read_parts: set[str] = set()

        def __getitem__(self, name):
            self.read_parts.add(name)
            return super().__getitem__(name)

    with zipfile.ZipFile(example_copy) as zf:
        parts = Counted(zf)
        tool_data = sheet_parts(zf)["Tool data"]
        add_table(parts, tool_data, schema.TABLE_BY_NAME["ImportedResponses"], 40)
        scores = sheet_parts(zf)["Scores"]
    assert scores not in parts.read_parts
    assert all(
        p.startswith("xl/tables/") or p.endswith(".rels") or p in (tool_data, "[Content_Types].xml")
        for p in parts.read_parts
    ), parts.read_parts
