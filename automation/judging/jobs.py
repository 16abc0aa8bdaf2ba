"""The judging jobs the CLI and the macros run: assign, packs, judge emails and collect.

Each reads the programme once, calls the core (``assign``, ``packs``, ``collect``) and
writes back through the part-patching writer (atomic, with a backup, refusing while Excel
holds the file). The ``*_changes`` functions return what to write as data so the Excel
macros can write the same through the live book.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from automation import schema
from automation.documents.english import count_of
from automation.errors import UserError
from automation.io.read import read_workbook
from automation.io.rows import TableEdit
from automation.io.write import WriteResult, write_tool_tables
from automation.issues import Issue, Report
from automation.judging.assign import AssignPlan, plan_assignments
from automation.judging.packs import Pack, build_packs, no_pack_lines
from automation.judging.progress import progress_frame
from automation.model import ROW, ProgrammeData
from automation.tables import issues_frame

# Pack files are openpyxl workbooks: their modules load only in the jobs that read or write
# packs, so checking and scoring (which write judge progress) do not pay for openpyxl.
if TYPE_CHECKING:
    from automation.judging.collect import Collected


@dataclass
class JudgingOutcome:
    """What a judging job did, for the shell to print."""

    lines: list[str] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    written: WriteResult | None = None
    files: list[Path] = field(default_factory=list)
    collected: Collected | None = None
    plan: AssignPlan | None = None


def progress_edit(
    data: ProgrammeData, collected: dict[str, object] | None = None
) -> dict[str, TableEdit]:
    """The JudgeProgress rewrite, or nothing for a workbook made before that table existed."""
    if "JudgeProgress" not in data.places:
        return {}
    frame = progress_frame(data, collected)
    return {"JudgeProgress": TableEdit(appends=frame.to_dict("records"), replace=True)}


def with_scores(data: ProgrammeData, result: Collected) -> ProgrammeData:
    """``data`` as it will be once ``result`` is merged (for the progress figures)."""
    scores = data["Scores"].copy()
    for row, values in result.updates.items():
        for col, value in values.items():
            scores.loc[scores[ROW] == row, col] = value
    if result.appends:
        scores = pd.concat([scores, pd.DataFrame(result.appends)], ignore_index=True)
    return _replaced(data, "Scores", scores)


def with_assignments(data: ProgrammeData, plan: AssignPlan) -> ProgrammeData:
    old = data["Assignments"] if not plan.replace else data["Assignments"][:0]
    return _replaced(data, "Assignments", pd.concat([old, plan.rows], ignore_index=True))


def _replaced(data: ProgrammeData, table: str, frame: pd.DataFrame) -> ProgrammeData:
    tables = dict(data.tables) | {table: frame}
    return ProgrammeData(tables, data.settings, data.places, data.problems, data.source)


# ---------------------------------------------------------------------------------------------
# Assign
# ---------------------------------------------------------------------------------------------
def assign_changes(plan: AssignPlan, data: ProgrammeData) -> dict[str, TableEdit]:
    """The Assignments (and JudgeProgress) edits that write ``plan``."""
    rows = plan.rows.to_dict("records")
    edit = TableEdit(appends=rows, replace=plan.replace)
    return {"Assignments": edit} | progress_edit(with_assignments(data, plan))


def assign_lines(plan: AssignPlan) -> list[str]:
    lines = []
    for c in plan.categories:
        if not c.nominations:  # only a calibration entry, or nominations that cannot win
            lines.append(f"{c.category}: no nominations to share out.")
            continue
        loads = ", ".join(f"{j} {n}" for j, n in sorted(c.load.items()))
        lines.append(
            f"{c.category}: {count_of(c.nominations, 'nomination')}, "
            f"{count_of(c.per_nomination, 'judge')} each; "
            f"nominations per judge: {loads}."
        )
    return lines


def _refuse_bad_setting(
    data: ProgrammeData,
    key: str,
    option: str = "",
    refused: str = "no judges were assigned",
) -> None:
    """Stop before a job runs on a setting the manager typed wrongly: the default would be
    used quietly in its place. ``option``: the command's option that could stand in for it."""
    from automation.validate.planning import setting_at

    cell = setting_at(data, key).get("cell")
    bad = next((p for p in data.problems if p.code == "bad-setting" and p.cell == cell), None)
    if cell and bad is not None:
        spec = schema.SETTING_BY_KEY[key]
        should = f"a {spec.type.value}" + (f" ({spec.allowed})" if spec.allowed else "")
        raise UserError(
            f"The setting '{spec.label}' on Settings!{cell} holds '{bad.value}', which the tool "
            f"cannot use, so {refused}.",
            f"Type {should} there" + (f", or pass {option}." if option else "."),
        )


def assign_workbook(
    path: Path,
    *,
    per_nomination: int | None = None,
    seed: int = 0,
    replace: bool = False,
    now: dt.datetime | None = None,
    user: str | None = None,
) -> JudgingOutcome:
    """Fill the Assignments table of the workbook at ``path`` (see ``judging.assign``)."""
    data = read_workbook(path)
    refuse_if_locked(data, "assign judges")
    if per_nomination is not None and per_nomination < 1:
        raise UserError(
            "--judges-per-nomination must be 1 or more.", "For example: --judges-per-nomination 3"
        )
    if per_nomination is None:
        _refuse_bad_setting(data, "judges_per_nomination", "--judges-per-nomination N")
    plan = plan_assignments(data, per_nomination, seed=seed, replace=replace)
    out = JudgingOutcome(report=plan.report, plan=plan)
    out.lines += assign_lines(plan)
    if plan.rows.empty and not replace:
        out.lines.append("Nothing to add: every nomination already has its judges.")
        return out
    from automation.judging.audit import judging_audit

    detail = plan.summary() + f" (seed {seed})"
    frames = judging_audit(data, "assign", detail, now=now, user=user, seal=True)
    out.written = write_tool_tables(path, frames, edits=assign_changes(plan, data), now=now)
    issues = f"; {plan.report.summary()}" if len(plan.report) else ""
    out.lines.append(f"Wrote {plan.rows_summary()} into {path}{issues}.")
    out.lines += out.written.backup_lines()
    return out


# ---------------------------------------------------------------------------------------------
# Packs and emails
# ---------------------------------------------------------------------------------------------
def refuse_past_due(data: ProgrammeData, now: dt.datetime | None = None) -> None:
    """Stop before packs go out asking for scores by a date already gone (after a new period,
    *Scores due* may still hold the last round's date)."""
    from automation.documents.english import weekday_date
    from automation.validate.planning import setting_at

    # "soon" would otherwise give packs that say "as agreed with the organiser".
    _refuse_bad_setting(data, "scores_due", refused="no packs were made")
    due = data.date_setting("scores_due")
    today = (now or dt.datetime.now()).date()
    if due is None or due >= today:
        return
    cell = setting_at(data, "scores_due").get("cell")
    where = f" on Settings!{cell}" if cell else ""
    raise UserError(
        f"The packs would ask the judges for their scores by {weekday_date(due)}, which "
        f"has passed (the setting 'Scores due'{where}), so no packs were made.",
        "Type the date the judges should return their packs by there (or clear it to leave "
        "the date off the packs), then make the packs again.",
    )


def no_due_lines(made: Sequence[tuple[Pack, Path]]) -> list[str]:
    """Said when the packs carry no date to return them by."""
    if not made or made[0][0].due is not None:
        return []
    return [
        "The packs give no date to return them by ('Scores due' on the Settings sheet is "
        "blank), so they say 'as agreed with the organiser'."
    ]


def write_packs(
    data: ProgrammeData,
    out_dir: Path,
    *,
    blind: bool | None = None,
    now: dt.datetime | None = None,
    overdue: bool = False,
) -> list[tuple[Pack, Path]]:
    """Write every judge's pack into ``out_dir``; returns (pack, file) pairs. Refused when
    *Scores due* has passed, unless the packs go with reminders (``overdue``)."""
    from automation.judging.pack_file import pack_filename, write_pack

    if not overdue:
        refuse_past_due(data, now)
    packs = build_packs(data, blind=blind, now=now)
    if not packs:
        raise UserError(
            "No judge has anything to score this period, so there are no packs to make.",
            "Add nominations for the current period and assign judges (awards assign), then "
            "try again.",
        )
    out_dir = Path(out_dir)
    return [(p, write_pack(p, out_dir / pack_filename(p))) for p in packs]


def packs_workbook(
    path: Path,
    out_dir: Path,
    *,
    blind: bool | None = None,
    email: bool = False,
    now: dt.datetime | None = None,
) -> JudgingOutcome:
    """Write the judge packs (and, with ``email``, a draft to each judge)."""
    data = read_workbook(path)
    made = write_packs(data, out_dir, blind=blind, now=now)
    out = JudgingOutcome(files=[f for _, f in made])
    for pack, file in made:
        out.lines.append(
            f"{file}  ({pack.judge}: {count_of(pack.size, 'nomination')}, "
            f"{count_of(len(pack.grid), 'score')})"
        )
    out.lines += no_pack_lines(data, [p for p, _ in made])
    out.lines += no_due_lines(made)
    if made[0][0].blind:
        out.lines.append(f"Wrote {count_of(len(made), 'blind judge pack')} into {out_dir}.")
    else:
        out.lines.append(
            f"Wrote {count_of(len(made), 'named judge pack')} into {out_dir} (blind judging is "
            "off)."
        )
    if email:
        from automation.judging.emails import judge_messages

        messages, skipped = judge_messages(data, made)
        out.files += _drafts(messages, Path(out_dir) / "emails")
        out.lines += [f"No email for {name}: {why}." for name, why in skipped]
        out.lines.append(
            f"Wrote {count_of(len(messages), 'email draft')} into {Path(out_dir) / 'emails'}."
        )
    return out


def judge_emails_workbook(
    path: Path, out_dir: Path, *, reminders: bool = False, now: dt.datetime | None = None
) -> JudgingOutcome:
    """Email drafts to judges with their pack attached; ``reminders``: only to judges with
    scores still missing, saying how many."""
    from automation.judging.emails import judge_messages, reminder_messages

    data = read_workbook(path)
    made = write_packs(data, Path(out_dir) / "judge packs", now=now, overdue=reminders)
    if reminders:
        messages, skipped, owing = reminder_messages(
            data, made, today=(now or dt.datetime.now()).date()
        )
        _drop_unsent_packs(made, owing)
    else:
        messages, skipped = judge_messages(data, made)
    out = JudgingOutcome()
    out.files = _drafts(messages, Path(out_dir) / "emails")
    out.lines += [str(f) for f in out.files]
    if not reminders:
        out.lines += no_due_lines(made)
    out.lines += [f"No email for {name}: {why}." for name, why in skipped]
    what = "reminder" if reminders else "judge pack"
    if reminders and not messages:
        out.lines.append("Every judge has returned all their scores: no reminders needed.")
    else:
        out.lines.append(
            f"Wrote {count_of(len(messages), f'{what} email draft')} into "
            f"{Path(out_dir) / 'emails'}: open "
            "one in Outlook or Thunderbird to check and send it."
        )
    return out


def _drop_unsent_packs(made, owing: list[Path]) -> None:
    """Reminders go only to judges with scores missing (``owing``: their packs): the packs
    made for the others go again, so that no folder of packs nobody is sent is left behind
    (or an empty one)."""
    keep = set(owing)
    for _, file in made:
        if file not in keep:
            file.unlink(missing_ok=True)
    for folder in {file.parent for _, file in made}:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def _drafts(messages, folder: Path) -> list[Path]:
    from automation.documents.mail import write_drafts

    return write_drafts(messages, folder)


# ---------------------------------------------------------------------------------------------
# Collect
# ---------------------------------------------------------------------------------------------
def pack_files(sources: Iterable[Path]) -> list[Path]:
    """The pack files named, folders expanded (sorted by name, so runs are repeatable)."""
    from automation.judging.pack_file import is_pack_file

    files: list[Path] = []
    for source in sources:
        source = Path(source)
        if source.is_dir():
            files += sorted((p for p in source.iterdir() if is_pack_file(p)), key=lambda p: p.name)
        elif source.is_file():
            files.append(source)
        else:
            raise UserError(
                f"No pack or folder at {source}.", "Check the name; give pack files or a folder."
            )
    if not files:
        raise UserError(
            "No returned packs (.xlsx files) were found.",
            "Save the judges' returned packs into the folder and try again.",
        )
    return files


def refuse_if_locked(data: ProgrammeData, what: str) -> None:
    """Judging is closed while the scores are locked: nothing may change the Scores or
    Assignments tables until a manager unlocks them (with a reason, in the Audit log)."""
    from automation.lock import is_locked

    if is_locked(data):
        raise UserError(
            f"The scores are locked, so the tool will not {what}.",
            'Reopen judging first with: awards unlock WORKBOOK --reason "..." (the reason is '
            "kept in the Audit log).",
        )


def collect_changes(
    data: ProgrammeData, result: Collected, *, now: dt.datetime, seal: bool | None = None
) -> tuple[dict[str, TableEdit], dict[str, pd.DataFrame]]:
    """The table edits and tool frames that write a collect ``result``.

    ``seal``: True for a file job (see ``automation.audit.record``); a live book decides.
    """
    from automation.judging.audit import judging_audit

    edits = {"Scores": TableEdit(updates=result.updates, appends=result.appends)}
    stamp = now.strftime("%d/%m/%Y %H:%M")
    edits |= progress_edit(with_scores(data, result), dict.fromkeys(result.merged_judges, stamp))
    from automation.validate import validate

    merged = with_scores(data, result)
    report = validate(merged, today=now.date())
    issues = Report([*result.report.issues, *report.issues])
    frames = {
        "Issues": issues_frame(issues),
        **judging_audit(data, "collect", result.summary(), result.changes, now=now, seal=seal),
    }
    return edits, frames


def collect_workbook(
    path: Path,
    sources: Sequence[Path],
    *,
    accept_changes: bool = False,
    now: dt.datetime | None = None,
) -> JudgingOutcome:
    """Check the returned packs and merge their scores into the Scores table."""
    from automation.judging.collect import collect
    from automation.judging.pack_file import read_pack

    now = now or dt.datetime.now().replace(microsecond=0)
    data = read_workbook(path)
    refuse_if_locked(data, "collect scores")
    returned = []
    unreadable: list[Issue] = []
    for file in pack_files(sources):
        try:
            returned.append(read_pack(file))
        except UserError as exc:
            unreadable.append(
                Issue("pack-unreadable", "error", file.name, exc.message, exc.hint, value=file.name)
            )
    result = collect(data, returned, accept_changes=accept_changes)
    result.report.issues[:0] = unreadable
    out = JudgingOutcome(report=result.report, collected=result)
    out.lines += [t.line(j) for j, t in sorted(result.tally.items())]
    if not result.changes_anything:
        out.lines.append(result.nothing_merged())
        return out
    edits, frames = collect_changes(data, result, now=now, seal=True)
    out.written = write_tool_tables(path, frames, edits=edits, now=now)
    out.lines.append(f"{result.summary()[0].upper()}{result.summary()[1:]}; merged into {path}.")
    out.lines += out.written.backup_lines()
    return out
