"""The jobs the CLI runs on a workbook file: check, score, and the main job that does all.

Each reads the workbook once, calls the core, and writes the tool sheets back in one patch
(in place with a backup, or into a copy).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from automation.equity import equity_frames
from automation.io.patch import write_tables
from automation.io.read import read_workbook
from automation.io.write import WriteResult, write_tool_tables
from automation.issues import Report
from automation.model import ProgrammeData
from automation.scoring import Results, score
from automation.tables import audit_frame, issues_frame, results_tables, score_summary
from automation.validate import validate


@dataclass
class Outcome:
    data: ProgrammeData
    report: Report
    results: Results | None = None
    written: WriteResult | None = None
    documents: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def check_workbook(
    path: Path, *, write: bool = False, dest: Path | None = None, today: dt.date | None = None
) -> Outcome:
    """Validate; optionally write the Issues sheet (and an audit entry)."""
    data = read_workbook(path)
    report = validate(data, today=today)
    outcome = Outcome(data, report, lines=[f"Checked {Path(path).name}: {report.summary()}."])
    if write or dest:
        frames = {
            "Issues": issues_frame(report),
            "Audit": audit_frame(data, "validate", report.summary()),
        }
        outcome.written = write_tool_tables(path, frames, dest=dest)
        outcome.lines.append(_written_line(outcome.written))
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
) -> Outcome:
    """Validate and score; optionally write Issues, Results, Judging and an audit entry."""
    data = read_workbook(path)
    report = validate(data, today=today)
    results = score(data)
    outcome = Outcome(data, report, results)
    outcome.lines.append(f"Checked {Path(path).name}: {report.summary()}.")
    if report.errors:
        n = len(report.errors)
        outcome.lines.append(
            f"There {'is 1 error' if n == 1 else f'are {n} errors'} (run 'awards validate' or "
            "see the Issues sheet): anything wrong was left out of the scores; fix and score "
            "again before announcing winners."
        )
    outcome.lines.append(score_summary(results) + ".")
    if write or dest:
        frames = {
            "Issues": issues_frame(report),
            **results_tables(results),
            **equity_frames(data, results),
            "Audit": audit_frame(data, "score", score_summary(results), now=now, user=user),
        }
        # Equity sits on the Evaluation sheet beside the user's tables: the patch writer.
        outcome.written = write_tables(path, frames, dest=dest, backup=backup, now=now)
        outcome.lines.append(_written_line(outcome.written))
    return outcome


def _written_line(w: WriteResult) -> str:
    text = f"Wrote results into {w.path}"
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

    Results go into a copy of the workbook in ``out`` unless ``in_place`` is set.
    """
    path, out = Path(path), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    dest = None if in_place else out / path.name
    if dest is not None and dest.resolve() == path.resolve():
        dest = None
    outcome = score_workbook(path, write=True, dest=dest, today=today)
    if documents and outcome.results.winners.empty:
        outcome.lines.append("No winners yet, so no documents were made.")
    elif documents:
        from automation.documents.generate import generate_all

        outcome.documents = generate_all(outcome.data, outcome.results, out, pdf=pdf, today=today)
        outcome.lines.append(f"Wrote {len(outcome.documents)} documents into {out}.")
    return outcome
