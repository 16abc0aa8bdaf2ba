"""The Excel shell: one function per ribbon button, run by xlwings on the open workbook.

Every button of the add-in (addin/ribbon.xml) calls ``run(<its tag>)``. Each macro reads the
tables it needs once (``automation.io.book.read_book``), calls the same library functions as
the CLI, writes the tool's tables back in blocks and shows a short summary in an alert. No
business logic lives here: what counts as a problem, a winner or a document is decided in
the library, so the buttons and the ``awards`` commands always agree.

Each macro takes ``book=None`` (the workbook that called it, ``xw.Book.caller()``); tests pass
a JSON book instead. Keyword arguments such as ``today`` or ``out_dir`` exist for tests and
scripts; the buttons never pass them.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from automation import __version__
from automation import lock as score_lock
from automation.audit import record
from automation.equity import equity_frames
from automation.errors import UserError
from automation.evidence import evaluate, evidence_tables
from automation.io.book import MAX_NOTES, highlight_issues, read_book, write_tables
from automation.issues import Report
from automation.model import ProgrammeData
from automation.scoring import Results
from automation.scoring import score as score_data
from automation.scoring.panel_votes import RECORD_VOTE
from automation.tables import issues_frame, ranked_count, results_tables, score_summary
from automation.validate import validate as check_data

TITLE = "Award Programme"
BUG_LOG = "awards-excel-error.log"
# An alert is read, not scrolled: name this many winners and point to the sheet for the rest.
WINNERS_SHOWN = 8


def _book(book: Any | None) -> Any:
    """The workbook to work on: ``book`` if given, else the one the button was clicked in.

    RunPython names ``ThisWorkbook`` as the caller, which for our buttons is the add-in
    (award_programme.xlam), not the user's workbook. The caller still gives the right Excel
    instance, and its active workbook is the one the user is looking at (an add-in is never
    the active workbook).
    """
    if book is not None:
        return book
    import xlwings as xw  # only here: importing the module must not need Excel

    caller = xw.Book.caller()
    if not str(caller.name).lower().endswith((".xlam", ".xla")):
        return caller  # run from a workbook's own macro, not from the add-in
    active = caller.app.books.active
    if active is None:
        raise UserError(
            "No workbook is open.",
            "Open the award programme workbook, then click the button again.",
        )
    return active


def _show(book: Any, message: str, *, problem: bool = False) -> str:
    book.app.alert(message, title=TITLE, mode="critical" if problem else "info")
    return message


# ---------------------------------------------------------------------------------------------
# Check and score
# ---------------------------------------------------------------------------------------------
def validate(book: Any | None = None, *, today: dt.date | None = None) -> str:
    """Validate button: check the workbook, list the problems on Issues, note the cells."""
    book = _book(book)
    data = read_book(book)
    report = check_data(data, today=today)
    evidence = evaluate(data)
    write_tables(
        book,
        {
            "Issues": issues_frame(report),
            **evidence_tables(data, found=evidence),
            **record(data, "validate", f"{report.summary()}; {evidence.summary()}"),
        },
    )
    _refresh_progress(book, data)
    notes = highlight_issues(book, report, data)
    text = f"{_checked(report, notes)}\n\nEvidence sheet: {evidence.summary()} of the unit."
    return _show(book, text, problem=bool(report.errors))


def _refresh_progress(book: Any, data: ProgrammeData) -> None:
    """Judge progress beside the Judges table (assigned, scored, missing per judge)."""
    from automation.io.book_rows import apply_edits
    from automation.judging.jobs import progress_edit

    apply_edits(book, progress_edit(data), data.places)


def score(book: Any | None = None, *, today: dt.date | None = None) -> str:
    """Score button: check, score and rank; write Issues, Results, Judging and the audit log."""
    book = _book(book)
    data = read_book(book)
    report = check_data(data, today=today)
    results = score_data(data)
    tables = results_tables(results, data)
    score_lock.refuse_changed_results(data, tables["Results"])
    evidence = evaluate(data, results)
    write_tables(
        book,
        {
            "Issues": issues_frame(report),
            **tables,
            **evidence_tables(data, results, found=evidence),
            **record(data, "score", f"{score_summary(results)}; {evidence.summary()}"),
            **equity_frames(data, results),
        },
    )
    notes = highlight_issues(book, report, data)
    lines = [_checked(report, notes)]
    if report.errors:
        lines.append(
            "Scores with errors were left out: fix them and score again before announcing winners."
        )
    lines.append(_winners(results))
    lines.append("The Results and Judging sheets show every rank and how far the judges agreed.")
    return _show(book, "\n\n".join(lines), problem=bool(report.errors))


def _checked(report: Report, notes: int) -> str:
    if not len(report):
        return "Checked the workbook: no problems found."
    text = (
        f"Checked the workbook: {report.summary()}. They are listed on the Issues sheet "
        "and the cells are lit (red: error, amber: warning)."
    )
    if notes:
        text += f" Notes on {notes} of those cells say how to fix them."
        if notes >= MAX_NOTES:
            text += f" (Notes stop at {MAX_NOTES}; the Issues sheet lists them all.)"
    return text


def _winners(results: Results) -> str:
    winners = results.winners
    counted = ranked_count(results)
    ties = int((results.nominations["Place"] == "panel vote").sum())
    # Said even when nothing has won yet: a tie may be all that stands between a category and
    # its winner.
    tie_line = (
        f"{ties} nominations tied for a win and need a panel vote: {RECORD_VOTE}, then click "
        "Score again."
    )
    if winners.empty:
        return f"{counted}; no winners yet." + (f"\n{tie_line}" if ties else "")
    lines = [f"{counted}. Winners:"]
    for _, row in winners.head(WINNERS_SHOWN).iterrows():
        lines.append(f"  {row['Category']} ({row['Period']}): {row['Nominee']}")
    if len(winners) > WINNERS_SHOWN:
        lines.append(f"  ... and {len(winners) - WINNERS_SHOWN} more on the Results sheet.")
    if ties:
        lines.append(tie_line)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------------------------
def certificates(
    book: Any | None = None, *, out_dir: Path | None = None, today: dt.date | None = None
) -> str:
    """Certificates button: a Word certificate for each winner and runner-up."""
    # No progress bar: under Excel, Python may have no console to draw it on.
    return _documents(
        book,
        "certificates",
        out_dir,
        today,
        lambda gen, d, r, out: gen.generate_certificates(d, r, out, progress=False),
    )


def newsletter(
    book: Any | None = None, *, out_dir: Path | None = None, today: dt.date | None = None
) -> str:
    """Newsletter button: the article announcing this period's winners."""
    return _documents(
        book,
        "newsletter",
        out_dir,
        today,
        lambda gen, d, r, out: gen.generate_newsletter(d, r, out, today=today),
    )


def evaluation_report(
    book: Any | None = None, *, out_dir: Path | None = None, today: dt.date | None = None
) -> str:
    """Evaluation report button: how well the programme worked, from four viewpoints."""
    return _documents(
        book,
        "evaluation report",
        out_dir,
        today,
        lambda gen, d, r, out: gen.generate_evaluation(d, r, out, today=today),
    )


def email_drafts(
    book: Any | None = None, *, out_dir: Path | None = None, today: dt.date | None = None
) -> str:
    """Email drafts button: emails to winners, their managers and the comms team, to review."""
    return _documents(
        book,
        "email drafts",
        out_dir,
        today,
        lambda gen, d, r, out: gen.generate_email_drafts(d, r, out, today=today),
    )


Generator = Callable[[Any, ProgrammeData, Results, Path], Path | list[Path]]


def _documents(
    book: Any | None, what: str, out_dir: Path | None, today: dt.date | None, make: Generator
) -> str:
    """Read, check, score, hand data and results to one document generator, log it."""
    from automation.documents import generate  # heavy (Word, charts): only when asked

    book = _book(book)
    data = read_book(book)
    report = check_data(data, today=today)
    results = score_data(data)
    score_lock.refuse_other_announcement(data, results)
    folder = Path(out_dir) if out_dir is not None else output_folder(book)
    folder.mkdir(parents=True, exist_ok=True)
    made = make(generate, data, results, folder)
    paths = [made] if isinstance(made, Path) else list(made)
    detail = f"{what}: {len(paths)} file{'s' if len(paths) != 1 else ''} in {folder}"
    write_tables(book, record(data, what.replace(" ", "-"), detail))
    lines = []
    if report.errors:
        lines.append(
            f"The check found {report.summary()}: the documents may be wrong until "
            "they are fixed. Click Validate to see them."
        )
    if paths:
        names = ", ".join(p.name for p in paths[:3]) + (
            f" and {len(paths) - 3} more" if len(paths) > 3 else ""
        )
        lines.append(f"Wrote the {what} ({names}) into:\n{folder}")
    else:
        lines.append(f"There were no {what} to write.")
    notes = getattr(made, "notes", [])  # email drafts: who got none, and where to fix it
    if notes:
        lines.append("\n".join(notes))
    return _show(book, "\n\n".join(lines), problem=bool(report.errors))


def output_folder(book: Any) -> Path:
    """Where documents go: '<workbook name> documents' beside the workbook.

    A workbook that was never saved, or lives only online (OneDrive or SharePoint address),
    has no folder on this computer; its documents go to the user's Documents folder.
    """
    path = Path(str(book.fullname))
    if path.is_absolute() and path.parent.is_dir():
        return path.parent / f"{path.stem} documents"
    documents = Path.home() / "Documents"
    return (documents if documents.is_dir() else Path.home()) / f"{path.stem} documents"


# ---------------------------------------------------------------------------------------------
# Judging: assign, packs, collect
# ---------------------------------------------------------------------------------------------
def assign_judges(book: Any | None = None, *, seed: int = 0) -> str:
    """Assign judges button: fill the Assignments table for the current period."""
    from automation.io.book_rows import apply_edits
    from automation.judging.assign import plan_assignments
    from automation.judging.audit import judging_audit
    from automation.judging.jobs import assign_changes, assign_lines, refuse_if_locked

    book = _book(book)
    data = read_book(book)
    refuse_if_locked(data, "assign judges")
    plan = plan_assignments(data, seed=seed)
    lines = assign_lines(plan)
    if plan.rows.empty:
        lines.append("Nothing to add: every nomination already has its judges.")
    else:
        apply_edits(book, assign_changes(plan, data))
        write_tables(book, judging_audit(data, "assign", plan.summary()))
        lines.append(f"Added {plan.summary()} to the Assignments table (Judges sheet).")
    lines += _issue_lines(plan.report)
    return _show(book, "\n\n".join(lines), problem=bool(plan.report.errors))


def judge_packs(
    book: Any | None = None, *, out_dir: Path | None = None, now: dt.datetime | None = None
) -> str:
    """Judge packs button: one blind pack per judge, and an email draft to each."""
    from automation.judging.audit import judging_audit
    from automation.judging.emails import judge_messages
    from automation.judging.jobs import _drafts, no_due_lines, write_packs
    from automation.judging.packs import no_pack_lines

    book = _book(book)
    data = read_book(book)
    folder = Path(out_dir) if out_dir is not None else output_folder(book) / "judge packs"
    made = write_packs(data, folder, now=now)
    messages, skipped = judge_messages(data, made)
    drafts = _drafts(messages, folder / "emails")
    detail = f"judge packs: {len(made)} packs and {len(drafts)} email drafts in {folder}"
    write_tables(book, judging_audit(data, "packs", detail, now=now))
    lines = [f"Wrote {len(made)} judge packs into:\n{folder}"]
    lines += no_pack_lines(data, [p for p, _ in made])
    lines += no_due_lines(made)
    lines.append(
        f"Email drafts with each pack attached are in its 'emails' folder ({len(drafts)})."
    )
    lines += [f"No email for {name}: {why}." for name, why in skipped]
    return _show(book, "\n\n".join(lines))


def collect_scores(
    book: Any | None = None,
    *,
    folder: Path | None = None,
    accept_changes: bool = False,
    now: dt.datetime | None = None,
) -> str:
    """Collect scores button: merge the returned packs in the folder into the Scores table."""
    from automation.io.book_rows import apply_edits
    from automation.judging.collect import collect
    from automation.judging.jobs import collect_changes, pack_files, refuse_if_locked
    from automation.judging.pack_file import read_pack

    book = _book(book)
    data = read_book(book)
    refuse_if_locked(data, "collect scores")
    now = now or dt.datetime.now().replace(microsecond=0)
    source = Path(folder) if folder is not None else returned_folder(book, data)
    returned, unreadable = [], []
    for file in pack_files([source]):
        try:
            returned.append(read_pack(file))
        except UserError as exc:
            unreadable.append(f"{file.name}: {exc.message}")
    result = collect(data, returned, accept_changes=accept_changes)
    lines = [t.line(j) for j, t in sorted(result.tally.items())] or ["No judge packs were found."]
    if result.changes_anything:
        edits, frames = collect_changes(data, result, now=now)
        apply_edits(book, edits)
        write_tables(book, frames)
        lines.append(f"{result.summary()}; merged into the Scores table.")
    else:
        lines.append("Nothing new to merge: the Scores table already holds these scores.")
    lines += [f"Could not read {u}" for u in unreadable]
    lines += _issue_lines(result.report)
    if any(c.code == "pack-score-changed" for c in result.report):
        lines.append(
            "Changed scores were not taken. If they are right, run 'awards collect WORKBOOK "
            "FOLDER --accept-changes' (each change is written to the Audit log)."
        )
    return _show(book, "\n\n".join(lines), problem=bool(result.report.errors or unreadable))


def returned_folder(book: Any, data: ProgrammeData) -> Path:
    """The folder of returned packs: the Returned packs folder setting, else ask for one."""
    setting = str(data.setting("returned_packs_folder") or "").strip()
    base = Path(str(book.fullname)).parent
    if setting:
        path = Path(setting)
        return path if path.is_absolute() else base / path
    picked = _pick_folder(book)
    if picked is None:
        raise UserError(
            "No folder of returned judge packs was chosen.",
            "Save the returned packs in one folder and name it in Settings > Returned packs "
            "folder (relative to this workbook), or choose it when asked.",
        )
    return picked


def _pick_folder(book: Any) -> Path | None:
    """Excel's own folder picker (Windows); None where there is none (macOS, JSON book)."""
    import sys

    if sys.platform != "win32" or _engine_name(book) == "remote":
        return None
    dialog = book.app.api.FileDialog(4)  # msoFileDialogFolderPicker
    dialog.Title = "Folder of returned judge packs"
    if dialog.Show() != -1:
        return None
    return Path(dialog.SelectedItems(1))


def _engine_name(book: Any) -> str:
    try:
        return str(book.app.engine.name)
    except Exception:  # an engine that cannot say: treat it like the JSON book
        return "remote"


def _issue_lines(report: Report, shown: int = 6) -> list[str]:
    issues = list(report)
    if not issues:
        return []
    lines = [f"{report.summary()}:"] + [f"  {i.severity}: {i.message}" for i in issues[:shown]]
    if len(issues) > shown:
        lines.append(f"  ... and {len(issues) - shown} more (run 'awards collect' to list all).")
    return ["\n".join(lines)]


# ---------------------------------------------------------------------------------------------
# Closing judging and the assessor's pack
# ---------------------------------------------------------------------------------------------
def lock_scores(book: Any | None = None, *, today: dt.date | None = None) -> str:
    """Lock scores button: close judging so the scores behind the results cannot change."""
    book = _book(book)
    data = read_book(book)
    results = score_data(data)
    write_tables(book, score_lock.lock(data, results_tables(results, data)["Results"]))
    return _show(
        book,
        "The scores are locked. From now on Validate reports any score, assignment or result "
        "that changes, and Score will not change the results.\n\nTo reopen judging, run "
        '"awards unlock WORKBOOK --reason ..." (the reason is kept in the Audit log).',
    )


def assessor_pack(
    book: Any | None = None,
    *,
    out_dir: Path | None = None,
    today: dt.date | None = None,
    source: Path | None = None,
) -> str:
    """Assessor pack button: pseudonymised copy, documents and evidence index, zipped.

    The pack is made from the saved file (``source`` stands in for it in tests).
    """
    from automation.assessor.pack import build_pack

    book = _book(book)
    path = Path(source) if source is not None else Path(str(book.fullname))
    if not path.is_absolute() or not path.is_file():
        raise UserError(
            "The assessor pack is made from the saved workbook, and this one is not saved on "
            "this computer.",
            "Save the workbook (File > Save As, on this computer), then click the button again.",
        )
    folder = Path(out_dir) if out_dir is not None else path.parent / f"{path.stem} assessor pack"
    pack = build_pack(path, folder, today=today)
    lines = [*pack.lines, "It was made from the workbook as last saved."]
    return _show(book, "\n\n".join(lines))


# ---------------------------------------------------------------------------------------------
# New period
# ---------------------------------------------------------------------------------------------
def new_period(
    book: Any | None = None, *, period: str | None = None, require_saved: bool = True
) -> str:
    """New period button: close the current period and open the next one on the Periods sheet.

    The button cannot ask for a name, so it opens the period that follows the current one on
    the Periods sheet. Excel cannot undo a macro, so the workbook as last saved is copied into
    ``backups/`` first; an unsaved workbook must be saved before (``require_saved`` is for tests
    on the JSON book, which has no file).
    """
    from automation.io.book_inputs import write_input_tables
    from automation.period_job import live_change

    book = _book(book)
    data = read_book(book)
    results = score_data(data)
    backup = None
    source = data.source
    if source is not None and source.is_file():
        from automation.io.write import backup_copy

        backup = backup_copy(source)
    elif require_saved:
        raise UserError(
            "Save the workbook first: starting a new period cannot be undone, so the tool "
            "keeps a copy of the saved workbook before it changes anything.",
            "Save it (File > Save), then click New period again.",
        )
    change, inputs, tools = live_change(data, results, period)
    write_input_tables(book, inputs)
    write_tables(book, tools)
    lines = [
        f"Closed {change.closed} and opened {change.opened}.",
        f"Moved into the history sheets: {change.moved_text()}.",
    ]
    if len(change.past_winners):
        lines.append(
            "Winners added to PastWinners (the cool-off rule now applies): "
            + "; ".join(
                f"{r['Nominee']} ({r['Category']})" for _, r in change.past_winners.iterrows()
            )
            + "."
        )
    lines += [f"Warning: {w}." for w in change.warnings] + [f"{n}." for n in change.notes]
    if backup is not None:
        lines.append(f"The workbook as last saved is kept in {backup}. Save to keep the change.")
    return _show(book, "\n\n".join(lines))


# ---------------------------------------------------------------------------------------------
# Help
# ---------------------------------------------------------------------------------------------
HELP_TEXT = """How to use the Award Programme tab:

Validate: checks every sheet; problems are listed on the Issues sheet, the cells light up (red: \
error, amber: warning) and a note on each says how to fix it.
Score: ranks the nominations and picks winners on the Results sheet; the Judging sheet shows \
each judge's scores and how far the judges agreed.
Certificates, Newsletter, Evaluation report, Email drafts: write Word documents and email \
drafts into a folder named '<workbook> documents' beside this workbook.
Assign judges: shares this period's nominations out among the judges (Assignments table).
Judge packs: writes a blind scoring workbook for each judge, with an email draft, into \
'<workbook> documents/judge packs'.
Collect scores: merges the judges' returned packs (from the Returned packs folder in \
Settings) into the Scores table.
Lock scores: closes judging; any later change to a score, assignment or result is reported.
Assessor pack: a pseudonymised copy of the workbook, the documents and an evidence index for \
the NVQ assessor, in a folder and a zip beside this workbook.
New period: closes the current period (its nominations, scores and results move to the \
history sheets, its winners to PastWinners) and opens the next one on the Periods sheet.

Start with the Start sheet. Grey cells are worked out by formulas; white cells are yours.
Each run is recorded on the Audit log sheet."""


def help(book: Any | None = None) -> str:  # noqa: A001 - the button's tag is "help"
    """Help button: what each button does and where the full guide is."""
    book = _book(book)
    return _show(book, f"{HELP_TEXT}\n\n{_guide()}")


def _guide() -> str:
    root = Path(__file__).resolve().parents[1]
    readme, setup = root / "README.md", root / "docs" / "excel_setup.md"
    if readme.is_file():
        return f"The full guide is {readme} (Excel set-up and troubleshooting: {setup})."
    return (
        "The full guide is README.md in the award programme project folder; "
        "docs/excel_setup.md there covers Excel set-up and troubleshooting."
    )


# ---------------------------------------------------------------------------------------------
# Dispatch from the ribbon
# ---------------------------------------------------------------------------------------------
MACROS: dict[str, Callable[..., str]] = {
    "validate": validate,
    "score": score,
    "certificates": certificates,
    "newsletter": newsletter,
    "evaluation_report": evaluation_report,
    "email_drafts": email_drafts,
    "help": help,
    "assign_judges": assign_judges,
    "judge_packs": judge_packs,
    "collect_scores": collect_scores,
    "lock_scores": lock_scores,
    "assessor_pack": assessor_pack,
    "new_period": new_period,
}


def run(name: str, book: Any | None = None, **kwargs: Any) -> str:
    """Run the macro for a ribbon button; called by the add-in's VBA as ``run('<tag>')``.

    A UserError (bad input, a missing sheet) becomes a plain alert. Anything else is a bug:
    the traceback goes to a log file in the temp folder and the alert says where, so the user
    never sees a traceback. Returns the text that was shown.
    """
    try:
        book = _book(book)
        macro = MACROS.get(name)
        if macro is None:
            raise UserError(
                f"The button '{name}' is not known to this version of the award programme "
                f"tool ({__version__}).",
                "The add-in and the Python package are out of step: run `awards excel "
                "install` again, then restart Excel.",
            )
        return macro(book, **kwargs)
    except UserError as exc:
        return _alert_safely(book, str(exc), problem=True)
    except Exception:  # a bug: keep the detail for the maintainers, show one short line
        log = Path(tempfile.gettempdir()) / BUG_LOG
        log.write_text(
            f"{dt.datetime.now():%Y-%m-%d %H:%M:%S} button '{name}', tool "
            f"{__version__}\n{traceback.format_exc()}",
            encoding="utf-8",
        )
        return _alert_safely(
            book,
            "Something went wrong inside the award programme tool. This is a bug, not your "
            f"mistake.\n\nDetails were saved to {log}; "
            "please send that file to whoever supports the tool.",
            problem=True,
        )


def _alert_safely(book: Any | None, message: str, *, problem: bool) -> str:
    """Show an alert if there is a book to show it in; never raise from the error path."""
    if book is not None:
        try:
            _show(book, message, problem=problem)
        except Exception:  # Excel went away; the message is still returned and logged
            with (Path(tempfile.gettempdir()) / BUG_LOG).open("a", encoding="utf-8") as fh:
                fh.write(f"Could not show an alert: {message}\n{traceback.format_exc()}")
    return message
