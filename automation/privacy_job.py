"""`awards anonymise` and `awards erase`: apply a PrivacyChange to a workbook in one save."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from automation import schema
from automation.auditlog import audit_entry
from automation.documents.english import count_of, join_list, plural
from automation.history import SHEET_ROW_CAP
from automation.io import sidecar
from automation.io.patch import TableEdit, write_changes
from automation.io.read import read_workbook
from automation.io.write import WriteResult
from automation.keys import key, key_of
from automation.lock import reseal
from automation.model import ProgrammeData
from automation.privacy import PrivacyChange, anonymise, erase, retention_cutoff


@dataclass
class PrivacyOutcome:
    change: PrivacyChange
    written: WriteResult | None
    lines: list[str] = field(default_factory=list)


def _write(
    path: Path,
    data: ProgrammeData,
    change: PrivacyChange,
    action: str,
    detail: str,
    *,
    dest: Path | None,
    now: dt.datetime | None,
    user: str | None,
    row_cap: int,
) -> WriteResult:
    edits = {t: TableEdit(t, cells=c) for t, c in change.cells.items() if c}
    frames = {}
    overflow = {}
    for name, frame in change.history.items():
        if name in sidecar.HISTORY_TABLES:
            older, newer = sidecar.split(frame, row_cap)
            frames[name], overflow[name] = newer.reset_index(drop=True), older
        elif name != "Audit":
            frames[name] = frame
    if "Audit" in change.history:
        data.tables["Audit"] = change.history["Audit"]
    lock_frames, resealed = reseal(data, change.after)
    if resealed:
        detail += f"; the score lock was sealed again over the {count_of(resealed, 'row')} changed"
    frames.update(audit_entry(data, action, detail, now=now, user=user))
    frames.update(lock_frames)
    change.counts["resealed"] = resealed
    target = Path(dest) if dest else path
    pending = sidecar.prepare(target, overflow)
    try:
        written = write_changes(path, edits, frames, dest=dest, now=now)
    except BaseException:
        sidecar.discard(pending)
        raise
    sidecar.commit(pending)
    return written


def anonymise_workbook(
    path: Path | str,
    *,
    before: dt.date | None = None,
    today: dt.date | None = None,
    dest: Path | str | None = None,
    now: dt.datetime | None = None,
    user: str | None = None,
    row_cap: int = SHEET_ROW_CAP,
) -> PrivacyOutcome:
    """Anonymise nominations received before ``before`` (default: the retention period)."""
    path = Path(path)
    data = read_workbook(path)
    before = before or retention_cutoff(data, today or dt.date.today())
    change = anonymise(data, before)
    c = change.counts
    detail = (
        f"nominations received before {before:%d/%m/%Y}: {c['contact details']} contact details "
        f"and {c['customer names']} customer names replaced"
    )
    out = PrivacyOutcome(change, None, [f"Anonymised {detail}."])
    if change.empty:
        out.lines = [f"Nothing to anonymise: no personal data older than {before:%d/%m/%Y}."]
        return out
    out.written = _write(
        path, data, change, "anonymise", detail, dest=dest, now=now, user=user, row_cap=row_cap
    )
    out.lines.append("Scores and results are unchanged.")
    if out.written.backup:
        out.lines.append(
            f"The backup ({out.written.backup}) and the older ones in that folder still hold "
            "the old data: delete them once you are sure, or they keep what you anonymised."
        )
    return out


def erase_workbook(
    path: Path | str,
    person: str,
    *,
    dest: Path | str | None = None,
    now: dt.datetime | None = None,
    user: str | None = None,
    row_cap: int = SHEET_ROW_CAP,
) -> PrivacyOutcome:
    """Remove one person's personal data from nominations, results and history."""
    path = Path(path)
    data = read_workbook(path)
    change = erase(data, person)
    # The log must not keep the name it records erasing.
    detail = f"erased one person's personal data ({change.counts['rows']} rows); counts kept"
    out = PrivacyOutcome(change, None)
    out.written = _write(
        path, data, change, "erase", detail, dest=dest, now=now, user=user, row_cap=row_cap
    )
    out.lines.append(
        f"Removed {person}'s personal data from {count_of(change.counts['rows'], 'row')}: "
        f"{_where(change.rows_by_table)}. The rows stay, so counts by team, site and period "
        "are unchanged."
    )
    if change.counts.get("resealed"):
        out.lines.append(
            "The scores stay locked: the lock now covers the erased rows as they are "
            f"({count_of(change.counts['resealed'], 'row')}), so they are not reported as changed."
        )
    # Where the person is still named outside what erasure rewrites: said, not guessed.
    still = [
        sheet
        for sheet, table, column in (("Staff", "Staff", "Name"), ("Judges", "Judges", "Judge"))
        if key_of(person) in set(key(data[table][column]).dropna())
    ]
    if still:
        out.lines.append(
            f"{person} is still on the {join_list(still)} {plural('sheet', len(still))}: "
            f"remove them there if they have left."
        )
    if out.written.backup:
        out.lines.append(
            f"Delete the backup {out.written.backup} (and older ones in that folder): they "
            "still hold the erased data."
        )
    return out


def _where(rows_by_table: dict[str, int]) -> str:
    """``1 in the Conflicts table on the Judges sheet and 2 on the Nominations sheet``: the sheet,
    and the table where the sheet holds another one."""
    parts = []
    for table, n in rows_by_table.items():
        sheet = schema.TABLE_BY_NAME[table].sheet
        if len(schema.SHEET_BY_NAME[sheet].tables) > 1 and table != sheet:
            parts.append(f"{n:,} in the {table} table on the {sheet} sheet")
        else:
            parts.append(f"{n:,} on the {sheet} sheet")
    return join_list(parts)
