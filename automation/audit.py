"""The audit trail: one chained entry for every action of the tool that writes.

``record(data, action, summary)`` is the one function every writing action calls (validate
--write, score --write, run, documents, email, lock, unlock, the assessor pack, and any
later action such as collecting scores or starting a new period). It returns the frames to
write: the Audit table with a new entry appended, and the seal on the very hidden Tool data
sheet.

Each entry holds the UTC time, the OS login, the action, a SHA-256 of the input tables
before and after the action, a summary, the digest of the entry above and its own digest
over all of that. ``check_audit(data)`` recomputes the chain, so an edited entry, one
deleted from the middle, one inserted or moved, and (through the seal, which records how
many entries there were and the last digest) one deleted from the end are all reported.

Workbooks made before the chain existed have entries without digests. Those are accepted
as the *unchained start*: the first chained entry's "Previous digest" is a digest of
everything in them except the local time (a date and time goes through Excel as a float),
so they cannot be changed later unnoticed either, but nothing can prove what they held
before the chain began. Rows without a digest after a chained one are reported.

This module is core: it works on ProgrammeData and frames and never touches a workbook.
"""

from __future__ import annotations

import datetime as dt
import getpass
import re
from collections.abc import Iterator

import pandas as pd

from automation import __version__, responses, schema
from automation.digest import SEP, canonical, sha256, tables_digest
from automation.issues import ERROR, Issue
from automation.model import ROW, ProgrammeData

AUDIT = "Audit"
SEAL = "AuditSeal"
LOCK_TABLES = ("LockState", "LockRows")
# The fields a row digest covers, in order. "When" (local time) is a display copy of
# "When (UTC)": it is a date cell, which Excel may round, so the UTC text is what is sealed.
SEALED = (
    "When (UTC)",
    "User",
    "Action",
    "Detail",
    "Tool version",
    "Inputs before",
    "Inputs after",
    "Previous digest",
)
LEGACY = ("User", "Action", "Detail", "Tool version")
# Not ISO 8601's "T...Z" form on purpose: xlwings' remote (JSON) book turns such text into a
# date, which would change what the digest was taken over.
UTC_FORMAT = "%Y-%m-%d %H:%M:%S UTC"
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_TEXT = 32767


def as_utc(now: dt.datetime | None) -> dt.datetime:
    """``now`` in UTC (the present moment when None); without a time zone it is taken as UTC,
    so the example workbook is the same on every machine."""
    if now is None:
        return dt.datetime.now(dt.UTC)
    return now.replace(tzinfo=dt.UTC) if now.tzinfo is None else now.astimezone(dt.UTC)


def os_user() -> str:
    """The OS login name, or 'unknown' for accounts that have none (some services)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name: still log the run
        return "unknown"


def _clean(text: object) -> str:
    """Text as it will read back from a cell: what the digest must be taken over."""
    text = "" if text is None else str(text).replace("\r\n", "\n").replace("\r", "\n")
    # XML readers turn a carriage return into a line feed, so the digest is taken without.
    return _ILLEGAL_XML.sub("", text).strip()[:MAX_TEXT]


def row_digest(row: dict) -> str:
    """Digest of one entry over its sealed fields (``row`` keyed by column name)."""
    return sha256(SEP.join(canonical(row.get(c)) for c in SEALED))


def legacy_digest(rows: pd.DataFrame) -> str:
    """Digest of the unchained start (entries written before the chain existed)."""
    lines = [SEP.join(canonical(r.get(c)) for c in LEGACY) for r in rows.to_dict("records")]
    return sha256("legacy audit entries\n" + "\n".join(lines))


def _entries(data: ProgrammeData) -> pd.DataFrame:
    cols = list(schema.TABLE_BY_NAME[AUDIT].names)
    frame = data.tables.get(AUDIT)
    if frame is None or frame.empty:
        return pd.DataFrame(columns=cols)
    return frame.reindex(columns=cols)


def _chained(frame: pd.DataFrame) -> pd.Series:
    return frame["Row digest"].map(canonical) != ""


def _previous(frame: pd.DataFrame) -> str:
    """What the next entry's "Previous digest" must be."""
    chained = _chained(frame)
    if not chained.any():  # a new log, or one from before the chain: its unchained start
        return legacy_digest(frame)
    return canonical(frame["Row digest"].iloc[-1])


def record(
    data: ProgrammeData,
    action: str,
    summary: str,
    *,
    after: ProgrammeData | None = None,
    now: dt.datetime | None = None,
    user: str | None = None,
    seal: bool | None = None,
    inputs: str | None = None,
) -> dict[str, pd.DataFrame]:
    """The Audit table with a new chained entry, and the Tool data tables to write with it.

    ``data`` is the workbook as read before the action; ``after`` the input tables after it
    when the action changed them (collecting scores, anonymising, a new period), else the
    inputs are recorded as unchanged. ``now`` given without a time zone is taken as UTC and
    also shown as the local time (so the example workbook is the same on every machine).
    Merge the result into the frames being written: ``{**other_frames, **record(...)}``.
    The lock tables are passed through unchanged (a writer empties tables it is not given);
    ``automation.lock`` overrides them when it locks or unlocks.

    ``seal``: whether to return the Tool data tables (the seal, and the lock passed through).
    By default only when the workbook has that sheet: a live workbook in Excel cannot have one
    added, while the file writer adds it to an older workbook, so file jobs pass True.

    ``inputs``: ``tables_digest(data)`` when the caller has it already (several entries made
    over the same input tables), so a long Scores table is not digested again for each.
    """
    utc = as_utc(now).replace(microsecond=0)
    if now is None:
        local = dt.datetime.now().replace(microsecond=0)
    elif now.tzinfo is None:
        local = now
    else:
        local = now.astimezone().replace(tzinfo=None)
    before = inputs if inputs is not None else tables_digest(data)
    old = _entries(data)
    row = {
        "When": local,
        "User": _clean(user or os_user()),
        "Action": _clean(action),
        "Detail": _clean(summary),
        "Tool version": __version__,
        "When (UTC)": utc.strftime(UTC_FORMAT),
        "Inputs before": before,
        "Inputs after": tables_digest(after) if after is not None else before,
        "Previous digest": _previous(old),
    }
    row["Row digest"] = row_digest(row)
    new = pd.DataFrame([row], columns=old.columns)
    audit = pd.concat([old, new], ignore_index=True) if len(old) else new
    frames = {AUDIT: audit.drop(columns=[ROW], errors="ignore")}
    if seal or (seal is None and _has_tool_sheet(data)):
        frames[SEAL] = pd.DataFrame(
            [{"Entries": str(len(audit)), "Last digest": row["Row digest"]}]
        )
        for name in LOCK_TABLES:
            frame = data.tables.get(name)
            if frame is None:
                frame = pd.DataFrame(columns=list(schema.TABLE_BY_NAME[name].names))
            frames[name] = frame.drop(columns=[ROW], errors="ignore")
        # The responses remembered, with any on the Nominations sheet not yet among them; a
        # live workbook of an older version, which lacks the table, keeps going without.
        if seal or responses.TABLE in data.places:
            frames[responses.TABLE] = responses.held_table(data, now=now)
    return frames


def _has_tool_sheet(data: ProgrammeData) -> bool:
    """Whether the workbook has the Tool data sheet (older ones do not; the chain alone then
    guards the entries, and only the newest ones can go unnoticed)."""
    return all(t in data.places for t in (SEAL, *LOCK_TABLES))


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------
_RESTORE = (
    "The tool never changes earlier entries. Restore the Audit log sheet from a copy in the "
    "backups folder beside the workbook, or explain to the assessor what happened."
)


def check_audit(data: ProgrammeData) -> Iterator[Issue]:
    """Report edited, inserted, moved or deleted audit entries."""
    frame = _entries(data)
    place = data.place(AUDIT)
    sheet = place.sheet
    rows = data.tables[AUDIT][ROW].tolist() if AUDIT in data.tables else []
    chained = _chained(frame).tolist()

    def issue(code: str, i: int, column: str, message: str, hint: str = _RESTORE) -> Issue:
        row = int(rows[i]) if i < len(rows) else None
        value = canonical(frame[column].iloc[i]) if column in frame.columns else None
        return Issue(code, ERROR, sheet, message, hint, row, column, place.cell(column, row), value)

    first = chained.index(True) if True in chained else len(chained)
    expected = legacy_digest(frame.iloc[:first])
    records = frame.to_dict("records")
    for i in range(first, len(records)):
        r = records[i]
        if not chained[i]:
            yield issue(
                "audit-row-unsealed",
                i,
                "Row digest",
                "This audit entry has no digest, but entries above it do: it was typed in or "
                "its digest was cleared, so it is not the tool's record.",
            )
            expected = None
            continue
        if canonical(r["Row digest"]) != row_digest(r):
            yield issue(
                "audit-row-edited",
                i,
                "Row digest",
                f"Audit entry '{canonical(r['Action'])}' of {canonical(r['When (UTC)'])} was "
                "changed after the tool wrote it: its contents no longer match its digest.",
            )
        elif expected is not None and canonical(r["Previous digest"]) != expected:
            what = (
                "the entries written before the chain began were changed"
                if i == first and first
                else "an entry above it was deleted, inserted or moved"
            )
            yield issue(
                "audit-chain-broken",
                i,
                "Previous digest",
                f"The audit chain is broken above the entry of {canonical(r['When (UTC)'])}: "
                f"{what}.",
            )
        expected = canonical(r["Row digest"])
    yield from _check_seal(data, frame, issue)


def _check_seal(data: ProgrammeData, frame: pd.DataFrame, issue) -> Iterator[Issue]:
    seal = data.tables.get(SEAL)
    if seal is None or seal.empty:
        return
    count = pd.to_numeric(pd.Series([seal["Entries"].iloc[0]]), errors="coerce").iloc[0]
    last = canonical(seal["Last digest"].iloc[0])
    digests = [canonical(d) for d in frame["Row digest"].tolist()]
    if last in digests and digests.index(last) + 1 == count:
        return
    n = len(frame)
    place = data.place(SEAL)
    yield Issue(
        "audit-entries-removed",
        ERROR,
        schema.TABLE_BY_NAME[AUDIT].sheet,
        f"The Audit log should hold {canonical(count)} entries ending with the one the tool "
        f"wrote last, but it holds {n} and that entry is "
        + ("not the last." if last in digests else "missing: entries were deleted."),
        _RESTORE,
        value=f"{n} entries" if place else None,
    )


__all__ = ["check_audit", "legacy_digest", "os_user", "record", "row_digest"]
