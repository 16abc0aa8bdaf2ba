"""The score lock: once winners are announced, the scores behind them cannot change unnoticed.

Locking stores a digest of the Scores, Assignments and Results tables and one digest per row,
on the very hidden Tool data sheet (a manager cannot open it by accident, and it travels with
the file through any save in Excel). Validation then compares the workbook with the lock and
reports ``scores-changed-after-lock`` for every row added, removed or changed, naming it by
its key (judge, nomination and criterion for a score). Sorting a table is not a change: rows
are compared by key, never by position. Scoring refuses to write results that differ from
the locked ones. Unlocking needs a reason, which goes into the audit trail.

This module is core: it works on ProgrammeData and frames and never touches a workbook.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from automation import audit, schema
from automation.audit import UTC_FORMAT
from automation.digest import SEP, as_read, canonical, row_texts, sha256
from automation.documents.english import join_list
from automation.errors import UserError
from automation.issues import ERROR, Issue
from automation.keys import key as key_texts
from automation.model import ROW, ProgrammeData
from automation.privacy import erased

LOCKED = ("Scores", "Assignments", "Results")
KEYS: dict[str, tuple[str, ...]] = {
    "Scores": ("Judge", "Nomination ID", "Criterion"),
    "Assignments": ("Judge", "Nomination ID"),
    "Results": ("Period", "Category", "Nomination ID"),
}
CODE = "scores-changed-after-lock"


# The scores as decimals are left out of a Results row's digest: a workbook read from a file
# gives them to about ten digits and a live book to seventeen, so the same result could look
# changed. What a result *is* stays locked: place, rank, nominee, judges counted, the tie-break,
# the flags and the per-criterion and per-judge scores as shown (text), and the Scores table
# behind them.
UNSEALED: dict[str, tuple[str, ...]] = {
    "Results": ("Raw score", "Normalised score", "Adjusted score")
}


def _columns(table: str) -> list[str]:
    skip = UNSEALED.get(table, ())
    return [c.name for c in schema.TABLE_BY_NAME[table].input_columns if c.name not in skip]


def row_digests(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Key, digest and Excel row of every row of a locked table."""
    cols = _columns(table)
    texts = row_texts(frame, cols)
    keys = row_texts(frame, list(KEYS[table]))
    return pd.DataFrame(
        {
            "Key": [k.replace(SEP, " / ") for k in keys],
            "Digest": [sha256(table + SEP + t) for t in texts],
            ROW: frame[ROW].tolist() if ROW in frame.columns else [None] * len(frame),
        }
    )


def read_row_digests(data: ProgrammeData, table: str) -> pd.DataFrame:
    """``row_digests`` of a table as read, worked out once per read: validation, scoring and
    the refusal to write changed results each compare the workbook with its lock."""
    return data.cached(f"lock row digests {table}", lambda d: row_digests(d.tables[table], table))


def table_digest(digests: pd.Series, table: str) -> str:
    """One digest of a table that ignores row order."""
    return sha256(table + "\n" + "\n".join(sorted(digests)))


def is_locked(data: ProgrammeData) -> bool:
    state = data.tables.get("LockState")
    return state is not None and not state.empty


def lock_state(data: ProgrammeData) -> dict[str, str]:
    """The lock's row (when and by whom, the table digests); empty when not locked."""
    if not is_locked(data):
        return {}
    row = data.tables["LockState"].iloc[0].to_dict()
    return {k: canonical(v) for k, v in row.items() if k != ROW}


# ---------------------------------------------------------------------------------------------
# Comparing a workbook with its lock
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One row that differs from the lock."""

    table: str
    kind: str  # "added", "removed" or "changed"
    key: str
    row: int | None  # Excel row now (None for a removed row)


def changes(data: ProgrammeData, frames: dict[str, pd.DataFrame] | None = None) -> list[Change]:
    """Every row of the locked tables that was added, removed or changed since the lock.

    ``frames`` replaces tables of ``data`` (e.g. the results scoring would write now).
    """
    if not is_locked(data):
        return []
    state = lock_state(data)
    stored = data.tables["LockRows"]
    out: list[Change] = []
    for table in LOCKED:
        frame = (frames or {}).get(table)
        now = row_digests(frame, table) if frame is not None else read_row_digests(data, table)
        if table_digest(now["Digest"], table) == state.get(f"{table} digest"):
            continue
        old = stored[stored["Table"] == table]
        out.extend(_diff(table, old, now))
    return out


def _diff(table: str, old: pd.DataFrame, now: pd.DataFrame) -> Iterator[Change]:
    before: dict[str, Counter] = {}
    for key, digest in zip(old["Key"].map(canonical), old["Digest"].map(canonical), strict=True):
        before.setdefault(key, Counter())[digest] += 1
    after: dict[str, list[tuple[str, int | None]]] = {}
    for key, digest, row in zip(now["Key"], now["Digest"], now[ROW], strict=True):
        after.setdefault(key, []).append((digest, None if pd.isna(row) else int(row)))
    for key in sorted(set(before) | set(after)):
        left = Counter(before.get(key, Counter()))
        new_rows = []
        for digest, row in after.get(key, []):
            if left[digest]:
                left[digest] -= 1
            else:
                new_rows.append(row)
        gone = sum(left.values())
        paired = min(gone, len(new_rows))
        for row in new_rows[:paired]:
            yield Change(table, "changed", key, row)
        for row in new_rows[paired:]:
            yield Change(table, "added", key, row)
        for _ in range(gone - paired):
            yield Change(table, "removed", key, None)


def check_lock(data: ProgrammeData) -> Iterator[Issue]:
    """``scores-changed-after-lock`` (error) for each row that differs from the lock."""
    state = lock_state(data)
    when = state.get("Locked (UTC)", "")
    who = state.get("Locked by", "")
    for ch in changes(data):
        place = data.place(ch.table)
        noun = {"Scores": "score", "Assignments": "assignment", "Results": "result"}[ch.table]
        where = f" (row {ch.row})" if ch.row else ""
        first = KEYS[ch.table][0]
        yield Issue(
            CODE,
            ERROR,
            place.sheet,
            f"The {noun} {ch.key}{where} was {ch.kind} after the scores were locked on "
            f"{when} by {who}.",
            "Put it back as it was (a copy from before the change is in the backups folder), "
            'or, if the change is agreed, run: awards unlock WORKBOOK --reason "...", score '
            "again and lock again. The reason is kept in the Audit log.",
            ch.row,
            first if ch.row else None,
            place.cell(first, ch.row),
            ch.key,
        )


# ---------------------------------------------------------------------------------------------
# Locking and unlocking
# ---------------------------------------------------------------------------------------------
def lock(
    data: ProgrammeData,
    current_results: pd.DataFrame,
    *,
    now: dt.datetime | None = None,
    user: str | None = None,
) -> dict[str, pd.DataFrame]:
    """The frames that lock the workbook (Tool data sheet and the audit entry).

    ``current_results`` is the Results table scoring gives now: locking refuses when the
    Results sheet is out of date with the scores, because the lock would then freeze results
    nobody can reproduce.
    """
    if is_locked(data):
        state = lock_state(data)
        raise UserError(
            f"The scores are already locked (since {state.get('Locked (UTC)')} by "
            f"{state.get('Locked by')}).",
            'To change them, run: awards unlock WORKBOOK --reason "..." first.',
        )
    if data.tables["Results"].empty:
        raise UserError(
            "There are no results to lock yet.",
            "Score the nominations first (Score button, or awards score WORKBOOK --write).",
        )
    stale = _stale(data, current_results)
    if stale:
        raise UserError(
            "The Results sheet does not match the scores (for example "
            f"{stale}): it was not scored since the last change.",
            "Score again (Score button, or awards score WORKBOOK --write), check the winners, "
            "then lock.",
        )
    user = user or audit.os_user()
    when = now.astimezone(dt.UTC) if now and now.tzinfo else now or dt.datetime.now(dt.UTC)
    rows, state = [], {"Locked (UTC)": when.strftime(UTC_FORMAT), "Locked by": user}
    counts = {}
    for table in LOCKED:
        digests = read_row_digests(data, table)
        counts[table] = len(digests)
        state[f"{table} digest"] = table_digest(digests["Digest"], table)
        rows += [
            {"Table": table, "Key": k, "Digest": d}
            for k, d in zip(digests["Key"], digests["Digest"], strict=True)
        ]
    summary = (
        f"scores locked: {counts['Scores']} scores, {counts['Assignments']} assignments and "
        f"{counts['Results']} results rows; Scores digest {state['Scores digest'][:12]}, "
        f"Results digest {state['Results digest'][:12]}"
    )
    frames = audit.record(data, "lock", summary, now=now, user=user, seal=True)
    frames["LockState"] = pd.DataFrame([state])
    frames["LockRows"] = pd.DataFrame(rows, columns=["Table", "Key", "Digest"])
    return frames


def _stale(data: ProgrammeData, current: pd.DataFrame) -> str:
    now = row_digests(as_read(current, "Results"), "Results")
    read = read_row_digests(data, "Results")
    if table_digest(now["Digest"], "Results") == table_digest(read["Digest"], "Results"):
        return ""
    diff = set(now["Digest"]) ^ set(read["Digest"])
    keys = [k for k, d in zip(now["Key"], now["Digest"], strict=True) if d in diff]
    keys += [k for k, d in zip(read["Key"], read["Digest"], strict=True) if d in diff]
    return keys[0] if keys else "a row"


def unlock(
    data: ProgrammeData, reason: str, *, now: dt.datetime | None = None, user: str | None = None
) -> dict[str, pd.DataFrame]:
    """The frames that reopen judging, with the reason in the audit trail."""
    reason = (reason or "").strip()
    if not reason:
        raise UserError(
            "Unlocking needs a reason.",
            'Say why the scores must change, e.g. --reason "appeal upheld for N-0012".',
        )
    if not is_locked(data):
        raise UserError("The scores are not locked.", "Nothing to do.")
    state = lock_state(data)
    frames = audit.record(
        data,
        "unlock",
        f"scores unlocked (locked since {state.get('Locked (UTC)')} by "
        f"{state.get('Locked by')}); reason: {reason}",
        now=now,
        user=user,
        seal=True,
    )
    frames["LockState"] = pd.DataFrame(columns=list(schema.TABLE_BY_NAME["LockState"].names))
    frames["LockRows"] = pd.DataFrame(columns=["Table", "Key", "Digest"])
    return frames


def reseal(data: ProgrammeData, after: dict[str, pd.DataFrame]) -> tuple[dict, int]:
    """The lock sealed again over the rows a sanctioned change rewrote (an erasure on
    request), and how many rows it now covers as changed.

    ``after`` holds whole tables as the change leaves them, row for row with the tables read.
    Only rows that were as locked are sealed anew: a row changed since the lock by anything
    else stays reported. Returns no frames when the workbook is not locked or nothing locked
    was touched.
    """
    touched = [t for t in LOCKED if t in after]
    if not is_locked(data) or not touched:
        return {}, 0
    state = {k: v for k, v in data.tables["LockState"].iloc[0].to_dict().items() if k != ROW}
    stored = data.tables["LockRows"].drop(columns=[ROW], errors="ignore").copy()
    stored["Key"], stored["Digest"] = stored["Key"].map(canonical), stored["Digest"].map(canonical)
    resealed = 0
    for table in touched:
        before, now = read_row_digests(data, table), row_digests(after[table], table)
        # What each sealed (key, digest) becomes; rows are in the same order in both.
        becomes: dict[tuple[str, str], list[str]] = {}
        for k, old, new in zip(before["Key"], before["Digest"], now["Digest"], strict=True):
            if old != new:
                becomes.setdefault((k, old), []).append(new)
        mine = stored.index[stored["Table"] == table]
        for i in mine:
            swaps = becomes.get((stored.at[i, "Key"], stored.at[i, "Digest"]))
            if swaps:
                stored.at[i, "Digest"] = swaps.pop()
                resealed += 1
        state[f"{table} digest"] = table_digest(stored.loc[mine, "Digest"], table)
    frames = {
        "LockState": pd.DataFrame([state]),
        "LockRows": stored[["Table", "Key", "Digest"]].reset_index(drop=True),
    }
    return frames, resealed


def refuse_changed_results(
    data: ProgrammeData, new_results: pd.DataFrame, *, documents: bool = False
) -> None:
    """Raise a UserError when writing ``new_results`` would change locked results (or the
    locked scores were changed); a rerun that gives the same results is let through.
    ``documents``: the results are to be announced (certificates, emails), not written."""
    if not is_locked(data):
        return
    found = changes(data) or changes(data, {"Results": as_read(new_results, "Results")})
    if not found:
        return
    state = lock_state(data)
    shown = "; ".join(f"{c.table} {c.key} {c.kind}" for c in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    doing = (
        "the documents would announce results that differ from the locked ones"
        if documents
        else "scoring now would change the published results"
    )
    message = (
        f"The scores were locked on {state.get('Locked (UTC)')} by {state.get('Locked by')}, "
        f"and {doing} ({shown}{more}). Nothing was written."
    )
    hint = (
        'If the change is agreed, run: awards unlock WORKBOOK --reason "...", then score and '
        "lock again; otherwise put the scores back as they were (see the Issues sheet)."
    )
    erased = _erased_among(data, found)
    if erased:
        whose = (
            f"{erased[0]}'s nominee was erased on request, so it"
            if len(erased) == 1
            else f"The nominee of {join_list(erased)} was erased on request, so they"
        )
        message += f" {whose} can no longer win or be named, and the places after move up."
        hint = (
            'To pass the award on, run: awards unlock WORKBOOK --reason "nominee erased on '
            'request", then score and lock again. Until then the locked results stand, and no '
            "documents can be made from them."
        )
    raise UserError(message, hint)


def refuse_other_announcement(data: ProgrammeData, results) -> None:
    """Documents and emails announce results: while the scores are locked, only the locked
    ones (a UserError otherwise). ``results``: what scoring gives now."""
    if not is_locked(data):
        return
    from automation.tables import results_tables

    refuse_changed_results(data, results_tables(results, data)["Results"], documents=True)


def _erased_among(data: ProgrammeData, found: list[Change]) -> list[str]:
    """The nomination IDs of changed Results rows whose nominee was erased on request."""
    noms = data["Nominations"]
    erased_ids = noms.loc[erased(noms["Nominee"]).to_numpy(), "ID"].dropna()
    gone = dict(zip(key_texts(erased_ids), erased_ids.astype(str), strict=True))
    changed = pd.Series([c.key.rsplit(" / ", 1)[-1] for c in found if c.table == "Results"])
    return sorted({gone[k] for k in key_texts(changed.astype(object)) if k in gone})


__all__ = [
    "CODE",
    "changes",
    "check_lock",
    "is_locked",
    "lock",
    "refuse_changed_results",
    "refuse_other_announcement",
    "reseal",
    "unlock",
]
