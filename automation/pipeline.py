"""The jobs the CLI runs on a workbook file: check, score, and the main job that does all.

Each reads the workbook once, calls the core, and writes the tool sheets back in one patch
(in place with a backup, or into a copy).

Only reading and checking are imported up front: ``awards validate`` is the command a manager
runs most and must start fast, so scoring and the writers load in the jobs that use them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from automation.errors import UserError
from automation.io.read import read_workbook
from automation.issues import Report
from automation.model import ROW, ProgrammeData
from automation.validate import validate

if TYPE_CHECKING:
    import pandas as pd

    from automation.io.write import WriteResult
    from automation.scoring import Results

T = TypeVar("T")

# How many errors the main job names before pointing at the Issues sheet for the rest.
ERRORS_SHOWN = 5


@dataclass
class Outcome:
    data: ProgrammeData
    report: Report
    results: Results | None = None
    written: WriteResult | None = None
    documents: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    # The Audit table as written, so a later entry in the same job need not read it back.
    audit: pd.DataFrame | None = None

    @property
    def exit_code(self) -> int:
        """1 when validation found errors (the results cannot be trusted yet), else 0."""
        return 1 if self.report.errors else 0


def error_lines(report: Report, shown: int = ERRORS_SHOWN) -> list[str]:
    """The first few errors, each with its sheet and cell and how to fix it, for the console
    (the same error in many cells once, with the others after it)."""
    from automation.issues import alike, other_cells

    errors = report.errors
    n = len(errors)
    lines = [
        f"There {'is 1 error' if n == 1 else f'are {n} errors'}; anything wrong was left out of "
        "the scores. Fix and score again before announcing winners:"
    ]
    groups = alike(errors)
    for group in groups[:shown]:
        issue = group[0]
        where = f"{issue.sheet}!{issue.cell}" if issue.cell else issue.sheet
        line = f"  - {where}: {issue.message}"
        if issue.hint:
            line += f" Fix: {issue.hint}"
        others = other_cells(group)
        if others:
            line += f" ({others})"
        lines.append(line)
    if len(groups) > shown:
        left = sum(len(g) for g in groups[shown:])
        lines.append(f"  ...and {left} more: see the Issues sheet or run 'awards validate'.")
    return lines


def used_rows(data: ProgrammeData) -> dict[str, int]:
    """The last Excel row in use in each input table (for print areas)."""
    out = {}
    for name, frame in data.tables.items():
        if ROW in frame.columns and frame[ROW].notna().any():
            out[name] = int(frame[ROW].max())
    return out


def read_and_validate(path: Path, today: dt.date | None) -> tuple[ProgrammeData, Report]:
    """Read and validate; the rules that need no big table run while Scores still loads
    (on a big workbook the main thread has nothing else to do for most of a second)."""
    from automation.keys import adopt_work
    from automation.validate import validate_early

    early: dict = {}
    provisional: list[ProgrammeData] = []

    def while_waiting(partial: ProgrammeData) -> None:
        provisional.append(partial)
        early.update(validate_early(partial, today=today))

    data = read_workbook(path, while_waiting=while_waiting)
    if provisional:
        adopt_work(provisional[0], data)
    return data, validate(data, today=today, early=early)


def check_workbook(
    path: Path, *, write: bool = False, dest: Path | None = None, today: dt.date | None = None
) -> Outcome:
    """Validate; optionally write the Issues sheet (and an audit entry)."""
    data, report = read_and_validate(path, today)
    outcome = Outcome(data, report, lines=[f"Checked {Path(path).name}: {report.summary()}."])
    if write or dest:
        from automation.audit import record
        from automation.evidence import evaluate, evidence_tables
        from automation.io.write import write_tool_tables
        from automation.judging.jobs import progress_edit
        from automation.tables import issues_frame

        evidence = evaluate(data)
        frames = {
            "Issues": issues_frame(report),
            **evidence_tables(data, found=evidence),
            **record(data, "validate", f"{report.summary()}; {evidence.summary()}", seal=True),
        }
        outcome.written = write_tool_tables(
            path, frames, dest=dest, used_rows=used_rows(data), edits=progress_edit(data)
        )
        outcome.lines.append(_written_line(outcome.written, "Wrote the Issues sheet into"))
    return outcome


def score_workbook(
    path: Path,
    *,
    write: bool = False,
    dest: Path | None = None,
    today: dt.date | None = None,
    backup: bool = True,
    now: dt.datetime | None = None,
    user: str | None = None,
    scored: Callable[[Outcome], None] | None = None,
) -> Outcome:
    """Validate and score; optionally write Issues, Results, Judging and an audit entry.

    ``scored`` is called with the outcome as soon as the scores are known, before anything is
    written (``run`` starts the evaluation report's charts there)."""
    from automation.audit import record
    from automation.digest import as_read, tables_digest
    from automation.equity import equity_frames
    from automation.evidence import evaluate, evidence_tables
    from automation.io.write import write_tool_tables
    from automation.judging.jobs import progress_edit
    from automation.lock import changes, is_locked, lock_state, refuse_changed_results
    from automation.scoring import score
    from automation.tables import (
        categories_without_nominations,
        issues_frame,
        results_tables,
        score_summary,
    )

    data, report = read_and_validate(path, today)
    # The audit entry's digest of the inputs is worked out on a second thread while this one
    # scores: it runs mostly in Arrow and hashlib, which release the GIL, over the key texts
    # validation has just worked out (read-only from here on).
    inputs = in_background(tables_digest, data) if write or dest else None
    results = score(data)
    outcome = Outcome(data, report, results)
    outcome.lines.append(f"Checked {Path(path).name}: {report.summary()}.")
    if report.errors:
        outcome.lines.extend(error_lines(report))
    outcome.lines.append(score_summary(results) + ".")
    empty = categories_without_nominations(data)
    if empty:
        outcome.lines.append(empty + ".")
    if scored is not None:
        scored(outcome)
    tables = None  # the tool tables of these results, made once when needed
    if is_locked(data):
        tables = results_tables(results, data)
        state = lock_state(data)
        same = not changes(data, {"Results": as_read(tables["Results"], "Results")})
        outcome.lines.append(
            f"The scores are locked (since {state.get('Locked (UTC)')} by "
            f"{state.get('Locked by')}): "
            + (
                "these results are the locked ones."
                if same and not changes(data)
                else "these results differ from the locked ones, so they cannot be written "
                'until the scores are unlocked (awards unlock WORKBOOK --reason "...").'
            )
        )
    if write or dest:
        if tables is None:
            tables = results_tables(results, data)
        refuse_changed_results(data, tables["Results"])
        evidence = evaluate(data, results)
        frames = {
            "Issues": issues_frame(report),
            **tables,
            **evidence_tables(data, results, found=evidence),
            # Equity sits on the Evaluation sheet beside the user's tables: patched in place
            # in the same save.
            **equity_frames(data, results),
            **record(
                data,
                "score",
                f"{score_summary(results)}; {evidence.summary()}",
                now=now,
                user=user,
                seal=True,
                inputs=inputs.result() if inputs else None,
            ),
        }
        outcome.written = write_tool_tables(
            path,
            frames,
            dest=dest,
            backup=backup,
            now=now,
            used_rows=used_rows(data),
            edits=progress_edit(data),
        )
        outcome.audit = frames["Audit"]
        outcome.lines.append(_written_line(outcome.written))
    return outcome


def in_background(fn: Callable[..., T], *args) -> Future[T]:
    """``fn(*args)`` started on a thread of its own; its future's result waits for it."""
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - raised where the result is taken
            future.set_exception(exc)

    threading.Thread(target=run, name=f"awards-{fn.__name__}", daemon=True).start()
    return future


def _written_line(w: WriteResult, lead: str = "Wrote results into") -> str:
    text = f"{lead} {w.path}"
    if w.backup:
        text += f" (backup: {w.backup})"
    return text + "."


def run_all(
    path: Path,
    out: Path,
    *,
    in_place: bool = False,
    documents: bool = True,
    pdf: bool = False,
    today: dt.date | None = None,
) -> Outcome:
    """The main job: read, validate, score, write the results and generate the documents.

    Results go into a copy of the workbook in ``out`` unless ``in_place`` is set. When
    validation finds errors the scored workbook is still written (its Issues sheet lights the
    cells to fix) but no documents are made: they would announce winners that may change.
    ``out`` is created only when something is written into it.
    """
    path, out = Path(path), Path(out)
    dest = None if in_place else out / path.name
    if dest is not None and dest.resolve() == path.resolve():
        raise UserError(
            f"--out {out} is the folder {path.name} is in, so the copy would replace it.",
            "Choose another folder for the results, or use --in-place to write into the "
            "workbook itself (a backup is kept).",
        )
    if not documents:
        return _score_and_document(path, out, dest, pdf, today, None)
    from automation.documents.charts import warm_up
    from automation.documents.side_process import opened

    # The report's charts need matplotlib: a second process imports it while this one reads
    # and scores, then draws the charts while the results and the other documents are written.
    with opened(warm_up) as second:
        return _score_and_document(path, out, dest, pdf, today, second)


def _why_no_documents(outcome: Outcome) -> str | None:
    """Why the scored workbook gets no documents, or None when it gets them."""
    if outcome.report.errors:
        return (
            "No documents were made because of the errors above: certificates and emails "
            "would announce winners that may change."
        )
    if outcome.results.winners.empty:
        return "No winners yet, so no documents were made."
    return None


def _score_and_document(path, out, dest, pdf, today, second) -> Outcome:
    """``second``: the second process when documents are wanted, else None."""
    started = []

    def start_report(outcome: Outcome) -> None:
        if _why_no_documents(outcome) is None:
            from automation.documents.generate import start_evaluation

            started.append(start_evaluation(outcome.data, outcome.results, second, today=today))

    outcome = score_workbook(
        path, write=True, dest=dest, today=today, scored=start_report if second else None
    )
    if second is None:
        return outcome
    why_not = _why_no_documents(outcome)
    if why_not:
        outcome.lines.append(why_not)
    else:
        from automation.documents.generate import generate_all

        outcome.documents = generate_all(
            outcome.data, outcome.results, out, pdf=pdf, today=today, evaluation=started[0]
        )
        outcome.lines.append(f"Wrote {len(outcome.documents)} documents into {out}.")
        outcome.lines += outcome.documents.notes  # recipients who got no email draft
        outcome.lines.append(
            log_action(
                outcome.written.path,
                "documents",
                f"{len(outcome.documents)} files in {out}",
                backup=False,
                data=_as_written(outcome),
            )
        )
    return outcome


def _as_written(outcome: Outcome) -> ProgrammeData:
    """The workbook's data as the job just wrote it, as reading it back would give it.

    Scoring writes only tool tables, so the inputs are the ones read; of what it wrote, only
    the Audit table matters to the next entry, so that one is taken through the round trip.
    """
    from automation.digest import as_read

    audit = as_read(outcome.audit, "Audit")
    return dataclasses.replace(outcome.data, tables={**outcome.data.tables, "Audit": audit})


def lock_workbook(
    path: Path, *, now: dt.datetime | None = None, user: str | None = None
) -> Outcome:
    """Close judging: store the digests of Scores, Assignments and Results (and log it)."""
    from automation import lock
    from automation.io.write import write_tool_tables
    from automation.scoring import score
    from automation.tables import results_tables

    data = read_workbook(path)
    report = validate(data)
    results = score(data)
    frames = lock.lock(data, results_tables(results, data)["Results"], now=now, user=user)
    outcome = Outcome(data, report, results)
    outcome.written = write_tool_tables(path, frames, now=now)
    outcome.lines.append(
        f"Locked the scores of {Path(path).name}: from now on validation reports any score, "
        "assignment or result that changes, and scoring will not change the results. "
        '(To reopen: awards unlock WORKBOOK --reason "...")'
    )
    outcome.lines.append(_written_line(outcome.written, "Wrote the lock into"))
    return outcome


def unlock_workbook(
    path: Path, reason: str, *, now: dt.datetime | None = None, user: str | None = None
) -> Outcome:
    """Reopen judging after a lock; the reason goes into the Audit log."""
    from automation import lock
    from automation.io.write import write_tool_tables

    data = read_workbook(path)
    frames = lock.unlock(data, reason, now=now, user=user)
    outcome = Outcome(data, Report())
    outcome.written = write_tool_tables(path, frames, now=now)
    outcome.lines.append(
        f"Unlocked the scores of {Path(path).name}; the reason is in the Audit log. Score and "
        "lock again once the change is made."
    )
    outcome.lines.append(_written_line(outcome.written, "Saved"))
    return outcome


def log_action(
    path: Path,
    action: str,
    summary: str,
    *,
    backup: bool = True,
    now: dt.datetime | None = None,
    data: ProgrammeData | None = None,
) -> str:
    """Append an audit entry for an action that wrote files but not the workbook (documents,
    email). Returns a line to show; a workbook open in Excel is left alone and the line says
    the entry could not be made. ``data``: the workbook as it is now, when the caller has just
    read or written it (saves reading it again)."""
    from automation.audit import record
    from automation.io.write import write_tool_tables

    try:
        if data is None:
            data = read_workbook(path)
        frames = record(data, action, summary, now=now, seal=True)
        written = write_tool_tables(path, frames, backup=backup)
    except UserError as exc:
        return f"Not recorded in the Audit log: {exc.message}"
    # Said like every other write of the workbook: where the copy of it as it was is kept.
    kept = f" (backup: {written.backup})" if written.backup else ""
    return f"Recorded in the Audit log of {written.path}{kept}."
