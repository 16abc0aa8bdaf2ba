"""`awards import`: read a form export, plan the import, append the nominations in one save."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from automation import responses
from automation.auditlog import audit_entry
from automation.documents.english import count_of, join_list
from automation.errors import UserError
from automation.importer import (
    OTHER_FORM,
    ImportPlan,
    format_mapping,
    map_headers,
    parse_mapping,
    plan_import,
)
from automation.io.patch import TableEdit, write_changes
from automation.io.read import read_workbook
from automation.io.write import WriteResult
from automation.keys import key, key_of
from automation.period_job import last_row, records, setting_edit


@dataclass
class ImportOutcome:
    plan: ImportPlan
    written: WriteResult | None
    lines: list[str] = field(default_factory=list)


def read_export(path: Path | str) -> pd.DataFrame:
    """The responses of a form export as raw values, with the headers as written.

    .xlsx: the first sheet, headers in row 1 (Microsoft Forms' "Open in Excel" download).
    .csv: UTF-8 (with or without a byte-order mark) or Windows-1252, comma or semicolon.
    """
    path = Path(path)
    if not path.exists():
        raise UserError(f"No export at {path}.", "Check the file name and folder.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a bad file
            raise UserError(
                f"Cannot read {path.name}: {exc}", "Download the export again from the form."
            ) from exc
        ws = wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
    elif suffix in (".csv", ".txt"):
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        # The header line decides the separator: a sniffer can be fooled by the answers.
        header = text.split("\n", 1)[0]
        delimiter = next((d for d in (",", ";", "\t") if d in header), ",")
        rows = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    else:
        raise UserError(
            f"{path.name} is not a form export this tool reads.",
            "Download the responses as .xlsx (Microsoft Forms) or .csv (Google Forms).",
        )
    if not rows or not any(rows[0]):
        raise UserError(f"{path.name} has no header row.", "Download the export again.")
    headers = [str(h).strip() if h is not None else "" for h in rows[0]]
    body = [r + [None] * (len(headers) - len(r)) for r in rows[1:]]
    return pd.DataFrame([r[: len(headers)] for r in body], columns=headers, dtype=object)


# What to do about the rows an import reports, said once after their list.
SKIPPED_FIX = (
    "To bring a skipped response in, correct it in the export and import the file again "
    "(responses already imported are skipped), or type it on the Nominations sheet."
)
# Skips that correcting the export would not change.
NOT_FIXED_IN_THE_EXPORT = {
    OTHER_FORM,
    "already imported",
    "withdrawn",
    "duplicate",
    "period closed",
    "period not run",
    "no period",
}
NO_PERIOD_FIX = (
    "A response dated outside every period on the Periods sheet comes in once its period is "
    "listed: add the period there (its name, first and last day), then import again."
)
WITHDRAWN_FIX = (
    "A response is imported once: one withdrawn from the Nominations sheet is not added again "
    "by a later export. To reinstate it, type it on the Nominations sheet."
)
OTHER_FORM_FIX = (
    "Each form numbers its responses from 1, so a second form's responses have the first "
    "one's IDs and an import cannot tell them apart: type those on the Nominations sheet."
)
CHECK_FIX = (
    "The responses to check were added as they came: correct them on the Nominations sheet "
    "(by their new IDs), or add a person who is missing to the Staff sheet (a team to Teams)."
)


def closed_fix(data, reasons: Collection[str]) -> str:
    """What to do about responses skipped for a closed period (they missed its judging) or
    one not run (``reasons``: the reasons responses were skipped)."""
    current = str(data.setting("current_period") or "").strip()
    then = (
        f"to have one judged in {current}, type it on the Nominations sheet with Period "
        f"{current} and the date you accept it as Received"
        if current
        else "to have one judged in the current period, type it on the Nominations sheet"
    )
    late = "A response for a closed period came in too late for its judging"
    if "period not run" in reasons:
        late = (
            f"{late}, and one for a period not run has none"
            if "period closed" in reasons
            else "A response for a period not run has no judging"
        )
    return f"{late}: thank the nominator, or, {then}."


def later_periods(data, added: pd.DataFrame) -> list[str]:
    """A line for the added nominations of a period other than the current one: they are
    neither judged nor scored until that period is the current one."""
    current = str(data.setting("current_period") or "").strip()
    if not current or added.empty:
        return []
    other = added[(key(added["Period"]) != key_of(current)).fillna(False).to_numpy(dtype=bool)]
    if other.empty:
        return []
    periods = join_list(list(dict.fromkeys(other["Period"].astype(str))))
    n, of = len(other), len(added)
    if n == of:
        which = "The nomination added is" if n == 1 else f"All {n:,} nominations added are"
    else:
        which = f"{n:,} of the {of:,} nominations added {'is' if n == 1 else 'are'}"
    return [
        f"{which} for {periods}, not the current period ({current}): "
        f"{'it is' if n == 1 else 'they are'} judged and scored once that period starts "
        "(awards new-period)."
    ]


def locked_period(data, added: pd.DataFrame) -> list[str]:
    """A line for nominations added to the current period after its scores were locked: its
    results are final, so new-period refuses to close it until they are dealt with."""
    from automation.lock import is_locked

    current = str(data.setting("current_period") or "").strip()
    if not current or added.empty or not is_locked(data):
        return []
    mine = added[(key(added["Period"]) == key_of(current)).fillna(False).to_numpy(dtype=bool)]
    if mine.empty:
        return []
    ids = join_list([str(i) for i in mine["ID"]])
    them = "it" if len(mine) == 1 else "them"
    return [
        f"The scores of {current} are locked, so {ids} cannot be judged in it: give {them} "
        "the next period on the Nominations sheet (and a Received date in it), or unlock the "
        f"scores (awards unlock) to judge {them} now."
    ]


def import_workbook(
    path: Path | str,
    export: Path | str,
    *,
    given: Mapping[str, str] | None = None,
    source: str | None = None,
    ask: Callable[[str, list[str]], str | None] | None = None,
    dry_run: bool = False,
    dest: Path | str | None = None,
    now: dt.datetime | None = None,
    user: str | None = None,
) -> ImportOutcome:
    """Import the responses in ``export`` into the Nominations table of ``path``."""
    path = Path(path)
    data = read_workbook(path)
    frame = read_export(export)
    saved = parse_mapping(str(data.setting("import_mapping") or ""))
    mapping = map_headers(list(frame.columns), saved, given, ask)
    plan = plan_import(data, frame, mapping, source=source)
    out = ImportOutcome(plan, None)
    name = Path(export).name
    out.lines.append(f"{name}: {plan.summary(dry_run=dry_run)}.")
    for s in plan.skipped:
        out.lines.append(f"  skipped row {s.row} ({s.reason}): {s.detail}")
    reasons = {s.reason for s in plan.skipped}
    if reasons - NOT_FIXED_IN_THE_EXPORT:
        out.lines.append(SKIPPED_FIX)
    if "withdrawn" in reasons:
        out.lines.append(WITHDRAWN_FIX)
    if OTHER_FORM in reasons:
        out.lines.append(OTHER_FORM_FIX)
    if "no period" in reasons:
        out.lines.append(NO_PERIOD_FIX)
    if reasons & {"period closed", "period not run"}:
        out.lines.append(closed_fix(data, reasons))
    for note in plan.notes:
        out.lines.append(f"  check {note}")
    if plan.notes:
        out.lines.append(CHECK_FIX)
    out.lines += later_periods(data, plan.added)
    out.lines += locked_period(data, plan.added)
    if dry_run:
        out.lines.append("Nothing was written (--dry-run).")
        return out
    text = format_mapping(mapping, list(frame.columns))
    new_mapping = bool(text) and text != str(data.setting("import_mapping") or "")
    if not len(plan.added) and not new_mapping:
        # The same export imported again: nothing to save, and no backup of an unchanged file.
        out.lines.append(f"Nothing new to add, so {path.name} was not changed.")
        return out
    edits = {
        "Nominations": TableEdit(
            "Nominations",
            append=records(plan.added),
            last_data_row=last_row(data, "Nominations"),
            blank_rows=10,
        ),
    }
    if new_mapping:
        edits["Settings"] = setting_edit(data, {"import_mapping": text})
    detail = f"{name}: {plan.summary()}"
    if plan.skipped:
        detail += "; skipped rows " + ", ".join(f"{s.row} ({s.reason})" for s in plan.skipped)
    frames = audit_entry(data, "import", detail, now=now, user=user)
    frames[responses.TABLE] = responses.held_table(data, plan.added, now=now)
    out.written = write_changes(path, edits, frames, dest=dest, now=now)
    out.lines.append(f"Added {count_of(len(plan.added), 'nomination')} to {out.written.path}.")
    out.lines += out.written.backup_lines()
    return out
