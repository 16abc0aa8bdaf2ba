"""The `awards` command line: a thin shell over the library.

Each command gathers its arguments, calls one public function and prints the result. A
UserError becomes a plain message and exit code 2; anything else is a bug, logged in full to
a file and reported in one line.
"""

from __future__ import annotations

import argparse
import atexit
import json
import logging
import os
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from automation import __version__
from automation.errors import UserError

log = logging.getLogger("automation")

COMMANDS: dict[str, tuple[str, str, Callable[[argparse.ArgumentParser], None]]] = {}


def command(name: str, summary: str, example: str):
    """Register a sub-command; its help ends with a worked example."""

    def deco(fn):
        COMMANDS[name] = (summary, example, fn)
        return fn

    return deco


def _add_workbook(p: argparse.ArgumentParser) -> None:
    p.add_argument("workbook", type=Path, help="the programme workbook (.xlsx)")


def _add_format(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="how to print the result (default: table)",
    )


def _start_reading(workbook: Path) -> None:
    """Start loading the workbook's tables on other threads before the job's modules (pandas
    and the rest, about half a second) are imported; the job's read takes the load over."""
    from automation.io.load import start_loading

    start_loading(workbook)


# ---------------------------------------------------------------------------------------------
def _builder(p, default: str, build: Callable[[Path], Path]):
    """A command that builds a workbook at OUT, keeping any file it replaces."""
    p.add_argument(
        "out",
        type=Path,
        nargs="?",
        default=Path(default),
        help=f"where to write it (default: {default}); a file already there is kept in backups/",
    )

    def run(args) -> int:
        _refuse_overwrite_open(args.out)
        print(f"Wrote {build(args.out)}")
        return 0

    return run


@command(
    "template",
    "build the blank programme workbook",
    "awards template workbook/award_programme.xlsx",
)
def _template(p):
    def build(out: Path) -> Path:
        from automation.build.workbook import build_workbook

        return build_workbook(out)

    return _builder(p, "workbook/award_programme.xlsx", build)


@command(
    "example",
    "build the worked example workbook (Northgate Contact Centre)",
    "awards example workbook/example_programme.xlsx",
)
def _example(p):
    def build(out: Path) -> Path:
        from automation.build.example import build_example

        return build_example(out)

    return _builder(p, "workbook/example_programme.xlsx", build)


@command(
    "summary",
    "read every sheet and print what the workbook holds",
    "awards summary workbook/example_programme.xlsx",
)
def _summary(p):
    _add_workbook(p)
    _add_format(p)

    def run(args) -> int:
        from automation.io.read import read_workbook
        from automation.summary import summarise

        data = read_workbook(args.workbook)
        s = summarise(data)
        if args.format == "json":
            print(json.dumps(s, indent=2, default=str))
        else:
            _print_summary(s)
        return 0

    return run


@command(
    "run",
    "the main job: read, validate, score and write results (and documents)",
    "awards run workbook/example_programme.xlsx --out out/",
)
def _run(p):
    _add_workbook(p)
    p.add_argument(
        "--out",
        type=Path,
        default=Path("out"),
        help="folder for the updated copy of the workbook and the documents",
    )
    p.add_argument(
        "--in-place",
        action="store_true",
        help="write results into WORKBOOK itself (a backup is kept) instead of a copy in --out",
    )
    p.add_argument("--no-documents", action="store_true", help="skip certificates etc.")
    p.add_argument("--pdf", action="store_true", help="also convert documents to PDF")
    p.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)

    def run(args) -> int:
        _start_reading(args.workbook)
        from automation.pipeline import run_all

        outcome = run_all(
            args.workbook,
            args.out,
            in_place=args.in_place,
            documents=not args.no_documents,
            pdf=args.pdf,
            today=args.today,
        )
        for line in outcome.lines:
            print(line)
        return outcome.exit_code

    return run


@command(
    "validate",
    "check every sheet and list problems with their cells",
    "awards validate workbook/example_programme.xlsx --write",
)
def _validate(p):
    _add_workbook(p)
    _add_format(p)
    p.add_argument(
        "--write",
        action="store_true",
        help="also rewrite the Issues sheet so problem cells light up in Excel "
        "(a backup of the workbook is kept)",
    )
    p.add_argument(
        "--today",
        type=_date,
        default=None,
        help="date to judge 'overdue' against (default: today), YYYY-MM-DD",
    )

    def run(args) -> int:
        _start_reading(args.workbook)
        from automation.pipeline import check_workbook

        outcome = check_workbook(args.workbook, write=args.write, today=args.today)
        if args.format == "json":
            print(
                json.dumps(
                    {
                        "summary": outcome.report.summary(),
                        "issues": [i.as_dict() for i in outcome.report],
                    },
                    indent=2,
                )
            )
        else:
            _print_issues(outcome.report)
            for line in outcome.lines:
                print(line)
        return 1 if outcome.report.errors else 0

    return run


@command(
    "score",
    "score nominations, rank each category and pick winners",
    "awards score workbook/example_programme.xlsx --format json",
)
def _score(p):
    _add_workbook(p)
    _add_format(p)
    p.add_argument(
        "--write",
        action="store_true",
        help="write Results, Judging and Issues into the workbook (backup kept)",
    )
    p.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)

    def run(args) -> int:
        _start_reading(args.workbook)
        from automation.pipeline import score_workbook

        outcome = score_workbook(args.workbook, write=args.write, today=args.today)
        if args.format == "json":
            payload = outcome.results.as_json()
            payload["issues"] = [i.as_dict() for i in outcome.report]
            print(json.dumps(payload, indent=2, default=str))
        else:
            _print_results(outcome.results)
            for line in outcome.lines:
                print(line)
        return outcome.exit_code  # 1 when validation found errors, as validate and run do

    return run


def _print_issues(report) -> None:
    if not len(report):
        print("No problems found.")
        return
    from automation.issues import alike, other_cells

    rows = [
        (i.severity, i.code, f"{i.sheet}!{i.cell}" if i.cell else i.sheet, i.message, i.hint)
        for i in report
    ]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    w2 = max(len(r[2]) for r in rows)
    # The same problem in many cells (a judge who left the panel, with 150 score rows) is
    # printed once, with the other cells after it; the Issues sheet still lists every cell.
    indent = " " * (w0 + w1 + w2 + 6)
    for group in alike(report):
        first = group[0]
        where = f"{first.sheet}!{first.cell}" if first.cell else first.sheet
        print(f"{first.severity:<{w0}}  {first.code:<{w1}}  {where:<{w2}}  {first.message}")
        if first.hint:
            print(f"{indent}fix: {first.hint}")
        others = other_cells(group)
        if others:
            print(f"{indent}{others}")


def _print_results(results) -> None:
    frame = results.nominations
    for (period, cat), grp in frame.groupby(["Period", "Category"], sort=True):
        print(f"{cat} - {period}")
        for _, r in grp.head(5).iterrows():
            place = r["Place"] if isinstance(r["Place"], str) else ""
            raw = f"{r['Raw score'] * 100:5.1f}%" if r["Raw score"] == r["Raw score"] else "  n/a"
            norm = (
                f"{r['Normalised score'] * 100:5.1f}%"
                if r["Normalised score"] == r["Normalised score"]
                else "  n/a"
            )
            adj = (
                f"{r['Adjusted score'] * 100:5.1f}%"
                if r["Adjusted score"] == r["Adjusted score"]
                else "  n/a"
            )
            rank = int(r["Rank"]) if r["Rank"] == r["Rank"] and r["Rank"] is not None else "-"
            print(
                f"  {rank!s:>3}  {r['Nomination ID']:<8} {str(r['Nominee']):<24} raw {raw}  "
                f"normalised {norm}  adjusted {adj}  {place}"
            )
        if len(grp) > 5:
            print(f"  ... and {len(grp) - 5} more (see the Results sheet or --format json)")
    if results.fallbacks:
        print("Normalisation fallbacks: " + "; ".join(results.fallbacks))
    for text in results.judge_groups:
        print("Judges not linked: " + text)


@command(
    "documents",
    "generate certificates, the newsletter article and the evaluation report",
    "awards documents workbook/example_programme.xlsx --out out/ --pdf",
)
def _documents(p):
    _add_workbook(p)
    p.add_argument("--out", type=Path, default=Path("out"), help="folder for the documents")
    p.add_argument(
        "--pdf",
        action="store_true",
        help="also convert to PDF with LibreOffice (must be installed)",
    )
    p.add_argument(
        "--only",
        choices=("certificates", "newsletter", "evaluation"),
        help="make just one kind of document",
    )
    p.add_argument(
        "--today",
        type=_date,
        default=None,
        help="date printed on the documents (default: today), YYYY-MM-DD",
    )

    def run(args) -> int:
        from automation.documents import generate as g
        from automation.io.read import read_workbook
        from automation.lock import refuse_other_announcement
        from automation.scoring import score

        data = read_workbook(args.workbook)
        results = score(data)
        refuse_other_announcement(data, results)
        if args.only == "certificates":
            paths = g.generate_certificates(data, results, args.out, pdf=args.pdf)
        elif args.only == "newsletter":
            paths = [g.generate_newsletter(data, results, args.out, today=args.today, pdf=args.pdf)]
        elif args.only == "evaluation":
            paths = [g.generate_evaluation(data, results, args.out, today=args.today, pdf=args.pdf)]
        else:
            paths = g.generate_all(data, results, args.out, pdf=args.pdf, today=args.today)
        for path in paths:
            print(path)
        for note in getattr(paths, "notes", ()):  # recipients who got no email draft
            print(note)
        print(f"Wrote {len(paths)} files into {args.out}.")
        from automation.pipeline import log_action

        print(
            log_action(args.workbook, "documents", f"{len(paths)} files in {args.out}", data=data)
        )
        return 0

    return run


@command(
    "email",
    "write award emails as drafts (.eml), or send them through SMTP",
    "awards email workbook/example_programme.xlsx --out out/ --dry-run",
)
def _email(p):
    _add_workbook(p)
    p.add_argument(
        "--out", type=Path, default=Path("out"), help="folder for the drafts and their attachments"
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--send",
        action="store_true",
        help="send through the SMTP server in Settings; the password is read "
        "from the AWARDS_SMTP_PASSWORD environment variable",
    )
    group.add_argument("--dry-run", action="store_true", help="list what would be sent")
    group.add_argument(
        "--judges",
        action="store_true",
        help="instead: a draft to each judge with their judge pack attached and the deadline",
    )
    group.add_argument(
        "--reminders",
        action="store_true",
        help="instead: drafts only to judges with scores missing, saying how many",
    )
    p.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)

    def run(args) -> int:
        from automation.documents import generate as g
        from automation.io.read import read_workbook
        from automation.scoring import score

        if args.judges or args.reminders:
            from automation.judging.jobs import judge_emails_workbook

            outcome = judge_emails_workbook(args.workbook, args.out, reminders=args.reminders)
            for line in outcome.lines:
                print(line)
            return 0
        from automation.lock import refuse_other_announcement
        from automation.pipeline import log_action

        data = read_workbook(args.workbook)
        results = score(data)
        refuse_other_announcement(data, results)
        if not (args.send or args.dry_run):
            drafts = g.generate_email_drafts(data, results, args.out, today=args.today)
            for path in drafts:
                print(path)
            for note in drafts.notes:  # recipients without a usable address
                print(note)
            print(
                f"Drafts are in {args.out / 'emails'}: open one in Outlook or Thunderbird to "
                "check and send it."
            )
            detail = f"{len(drafts)} files in {args.out}"
            print(log_action(args.workbook, "email-drafts", detail, data=data))
            return 0
        outbox, deliveries = g.send_emails(data, results, args.out, dry_run=args.dry_run)
        for d in deliveries:
            status = "would send" if args.dry_run else ("FAILED: " + d.error if d.error else "sent")
            print(f"{status:<12} {', '.join(d.to)}  {d.subject}")
        for s in outbox.skipped:
            print(f"skipped      {s.describe()}")
        failed = [d for d in deliveries if d.error]
        if not args.dry_run:
            sent = len(deliveries) - len(failed)
            detail = f"{sent} sent, {len(failed)} failed"
            print(log_action(args.workbook, "email-send", detail, data=data))
        return 1 if failed else 0

    return run


@command(
    "assign",
    "share out the nominations among the judges (fills the Assignments table)",
    "awards assign workbook/example_programme.xlsx --judges-per-nomination 3 --seed 1",
)
def _assign(p):
    _add_workbook(p)
    p.add_argument(
        "--judges-per-nomination",
        type=int,
        default=None,
        metavar="N",
        help="judges per nomination (default: the Judges per nomination setting, 3)",
    )
    p.add_argument("--seed", type=int, default=0, help="same seed, same assignments (default 0)")
    p.add_argument(
        "--replace",
        action="store_true",
        help="start again: replace every row of the Assignments table (default: keep them)",
    )

    def run(args) -> int:
        from automation.judging.jobs import assign_workbook

        outcome = assign_workbook(
            args.workbook,
            per_nomination=args.judges_per_nomination,
            seed=args.seed,
            replace=args.replace,
        )
        _print_issues(outcome.report) if len(outcome.report) else None
        for line in outcome.lines:
            print(line)
        return 1 if outcome.report.errors else 0

    return run


@command(
    "packs",
    "write one blind judge pack (.xlsx) per judge, with their nominations and score grid",
    "awards packs workbook/example_programme.xlsx --out packs/ --email",
)
def _packs(p):
    _add_workbook(p)
    p.add_argument("--out", type=Path, default=Path("judge packs"), help="folder for the packs")
    p.add_argument(
        "--email",
        action="store_true",
        help="also write an email draft to each judge (in OUT/emails)",
    )
    p.add_argument(
        "--named",
        action="store_true",
        help="show nominees' names even if Blind judging is on (default: the setting)",
    )

    def run(args) -> int:
        from automation.judging.jobs import packs_workbook

        outcome = packs_workbook(
            args.workbook, args.out, blind=False if args.named else None, email=args.email
        )
        for line in outcome.lines:
            print(line)
        return 0

    return run


@command(
    "collect",
    "check returned judge packs and merge their scores into the Scores table",
    "awards collect workbook/example_programme.xlsx returned/ --accept-changes",
)
def _collect(p):
    _add_workbook(p)
    p.add_argument("packs", type=Path, nargs="+", help="returned pack files or folders of them")
    p.add_argument(
        "--accept-changes",
        action="store_true",
        help="let a returned score replace a different one already in the Scores table "
        "(each change is written to the Audit log)",
    )
    _add_format(p)

    def run(args) -> int:
        from automation.judging.jobs import collect_workbook

        outcome = collect_workbook(args.workbook, args.packs, accept_changes=args.accept_changes)
        if args.format == "json":
            result = outcome.collected
            print(
                json.dumps(
                    {
                        "summary": result.summary(),
                        "judges": {j: vars(t) for j, t in result.tally.items()},
                        "issues": [i.as_dict() for i in outcome.report],
                        "written": bool(outcome.written),
                    },
                    indent=2,
                    default=str,
                )
            )
        else:
            _print_issues(outcome.report) if len(outcome.report) else None
            for line in outcome.lines:
                print(line)
        return 1 if outcome.report.errors else 0

    return run


@command(
    "excel", "install the Excel add-in (Windows/macOS) or check the set-up", "awards excel doctor"
)
def _excel(p):
    p.add_argument(
        "action",
        choices=("install", "doctor"),
        help="install: copy the add-in and point it at this Python; doctor: check",
    )

    def run(args) -> int:
        from automation.excel import setup

        if args.action == "install":
            result = setup.install()
            print(f"Installed the add-in: {result.addin}")
            print(f"Buttons will run this Python: {result.interpreter} (set in {result.config})")
            for note in result.notes:
                print(note)
            return 0
        checks = setup.doctor()
        for c in checks:
            mark = "ok " if c.ok else "NO "
            print(f"{mark} {c.name}: {c.detail}")
            if not c.ok and c.fix:
                print(f"    fix: {c.fix}")
        return 0 if all(c.ok for c in checks) else 1

    return run


@command(
    "simulate",
    "compare raw, normalised and judge-effect scoring on rounds where the truth is known",
    "awards simulate --trials 1500 --seed 1",
)
def _simulate(p):
    p.add_argument("--trials", type=int, default=1500, help="rounds to play (default 1500)")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same result)")
    p.add_argument("--nominations", type=int, default=20, help="nominations per round")
    p.add_argument("--judges", type=int, default=6, help="judges on the panel")
    p.add_argument(
        "--panel-size",
        type=int,
        nargs="+",
        default=[3, 2],
        help="judges scoring each nomination in the partial-panel scenarios (default 3 2)",
    )
    p.add_argument(
        "--leniency",
        type=float,
        default=0.8,
        help="spread of judges' leniency, in scale points (SD)",
    )
    p.add_argument(
        "--spread",
        type=float,
        default=0.3,
        help="SD of judges' spread factor (1 = marks like the typical judge)",
    )
    p.add_argument("--noise", type=float, default=0.6, help="scoring noise, in scale points (SD)")
    p.add_argument(
        "--no-fair",
        action="store_true",
        help="leave out the scenarios with fair judges (no leniency or spread)",
    )

    def run(args) -> int:
        from automation.scoring.simulate import format_report, simulate

        try:
            report = simulate(
                args.trials,
                seed=args.seed,
                nominations=args.nominations,
                judges=args.judges,
                panel_sizes=tuple(args.panel_size),
                leniency_sd=args.leniency,
                spread_sd=args.spread,
                noise_sd=args.noise,
                fair=not args.no_fair,
            )
        except ValueError as exc:
            raise UserError(
                f"Cannot simulate with those settings: {exc}",
                "See 'awards simulate --help' for the allowed ranges.",
            ) from exc
        print(format_report(report))
        return 0

    return run


@command(
    "lock",
    "close judging: lock the scores, assignments and results against later change",
    "awards lock workbook/example_programme.xlsx",
)
def _lock(p):
    _add_workbook(p)

    def run(args) -> int:
        from automation.pipeline import lock_workbook

        for line in lock_workbook(args.workbook).lines:
            print(line)
        return 0

    return run


@command(
    "new-period",
    "close the current period and start the next (history kept, winners to PastWinners)",
    'awards new-period workbook/example_programme.xlsx --period "Q4 2026"',
)
def _new_period(p):
    _add_workbook(p)
    p.add_argument(
        "--period", required=True, help="name of the new period, e.g. 'Q4 2026' or 2027-01"
    )
    day = {"type": _date, "metavar": "YYYY-MM-DD"}
    p.add_argument("--starts", **day, help="its first day (when not on the Periods sheet)")
    p.add_argument("--ends", **day, help="its last day (when not on the Periods sheet)")
    p.add_argument("--ceremony", **day, help="the day its winners are presented")
    p.add_argument(
        "--force",
        action="store_true",
        help="close even with unscored nominations, results not final or open appeals",
    )
    p.add_argument("--out", type=Path, help="write a copy here instead of changing WORKBOOK")

    def run(args) -> int:
        from automation.period_job import new_period_workbook

        outcome = new_period_workbook(
            args.workbook,
            args.period,
            starts=args.starts,
            ends=args.ends,
            ceremony=args.ceremony,
            force=args.force,
            dest=args.out,
        )
        for line in outcome.lines:
            print(line)
        return 0

    return run


@command(
    "unlock",
    "reopen judging after a lock (the reason is kept in the Audit log)",
    'awards unlock workbook/example_programme.xlsx --reason "appeal upheld for N-0012"',
)
def _unlock(p):
    _add_workbook(p)
    p.add_argument("--reason", required=True, help="why the scores must change (logged)")

    def run(args) -> int:
        from automation.pipeline import unlock_workbook

        for line in unlock_workbook(args.workbook, args.reason).lines:
            print(line)
        return 0

    return run


@command(
    "import",
    "append nominations from a Microsoft Forms (.xlsx) or Google Forms (.csv) export",
    'awards import workbook/example_programme.xlsx responses.csv --map "Who?=Nominee"',
)
def _import(p):
    _add_workbook(p)
    p.add_argument("export", type=Path, help="the form's responses (.xlsx or .csv)")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar='"QUESTION=COLUMN"',
        help="which Nominations column a question fills (repeatable; saved in Settings)",
    )
    p.add_argument(
        "--source",
        choices=("customer", "colleague", "manager", "self"),
        help="who nominates, for a form that does not ask",
    )
    p.add_argument("--dry-run", action="store_true", help="show what would happen, write nothing")
    p.add_argument("--out", type=Path, help="write a copy here instead of changing WORKBOOK")

    def run(args) -> int:
        from automation.import_job import import_workbook
        from automation.importer import parse_mapping

        given = parse_mapping("; ".join(args.map))
        outcome = import_workbook(
            args.workbook,
            args.export,
            given=given,
            source=args.source,
            ask=_ask_column if sys.stdin.isatty() else None,
            dry_run=args.dry_run,
            dest=args.out,
        )
        for line in outcome.lines:
            print(line)
        return 0

    return run


def _ask_column(target: str, headers: list[str]) -> str | None:
    """Ask at the terminal which export column holds ``target`` (first import only)."""
    print(f"Which column of the export holds {target}?")
    for i, h in enumerate(headers, start=1):
        print(f"  {i}. {h}")
    answer = input("Number (Enter to skip): ").strip()
    if answer.isdigit() and 1 <= int(answer) <= len(headers):
        return headers[int(answer) - 1]
    return None


@command(
    "anonymise",
    "replace old nominators' contact details and customer names with a marker",
    "awards anonymise workbook/example_programme.xlsx --before 2025-11-01",
)
def _anonymise(p):
    _add_workbook(p)
    p.add_argument(
        "--before",
        type=_date,
        help="anonymise nominations received before this date (default: today less the "
        "Retention setting, 12 months)",
    )
    p.add_argument("--out", type=Path, help="write a copy here instead of changing WORKBOOK")

    def run(args) -> int:
        from automation.privacy_job import anonymise_workbook

        for line in anonymise_workbook(args.workbook, before=args.before, dest=args.out).lines:
            print(line)
        return 0

    return run


@command(
    "assessor-pack",
    "the NVQ assessor's pack: pseudonymised workbook, documents and an evidence index",
    "awards assessor-pack workbook/example_programme.xlsx --out pack/",
)
def _assessor_pack(p):
    _add_workbook(p)
    p.add_argument("--out", type=Path, default=Path("assessor pack"), help="folder for the pack")
    p.add_argument("--no-pdf", action="store_true", help="skip the PDF of the index")
    p.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)

    def run(args) -> int:
        from automation.assessor.pack import build_pack

        pack = build_pack(args.workbook, args.out, pdf=not args.no_pdf, today=args.today)
        for line in pack.lines:
            print(line)
        return 0

    return run


@command(
    "erase",
    "remove one person's personal data from nominations and history (right to erasure)",
    'awards erase workbook/example_programme.xlsx --person "Jon Smith"',
)
def _erase(p):
    _add_workbook(p)
    p.add_argument("--person", required=True, help="the person's name as on the Nominations sheet")
    p.add_argument("--out", type=Path, help="write a copy here instead of changing WORKBOOK")

    def run(args) -> int:
        from automation.privacy_job import erase_workbook

        for line in erase_workbook(args.workbook, args.person, dest=args.out).lines:
            print(line)
        return 0

    return run


def _date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from exc


def _refuse_overwrite_open(path: Path) -> None:
    """Never build over a workbook Excel has open, nor over one without keeping a copy."""
    from automation.io.write import backup_copy, check_not_open

    path = Path(path)
    check_not_open(path)
    if path.exists():
        print(f"Kept a copy of the old {path.name} in {backup_copy(path)}")


def _print_summary(s: dict) -> None:
    print(f"{s['workbook']}")
    print(
        f"  Organisation: {s['organisation'] or '(not set)'}   Period: "
        f"{s['current_period'] or '(not set)'}"
    )
    from automation import schema

    # By sheet, as the manager finds them in Excel; each table with its rows.
    width = max(len(sheet.name) for sheet in schema.SHEETS)
    print(f"  {'Sheet':<{width}}  Tables, with their rows")
    for sheet in schema.SHEETS:
        counts = [(t, s["tables"][t]) for t in sheet.tables if t in s["tables"]]
        if counts:
            listed = ", ".join(f"{t} {n:,}" for t, n in counts)
            print(f"  {sheet.name:<{width}}  {listed}")
    if s["problems"]:
        print(f"  Reading problems: {len(s['problems'])} (run 'awards validate' for details)")


# ---------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="awards",
        description="Run a customer service award programme from its Excel workbook.",
        epilog="Example: awards run workbook/example_programme.xlsx --out out/",
    )
    parser.add_argument("--version", action="version", version=f"awards {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (summary, example, factory) in COMMANDS.items():
        p = sub.add_parser(
            name,
            help=summary,
            description=summary[0].upper() + summary[1:] + ".",
            epilog=f"Example: {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(handler=factory(p))
    return parser


def _reading_done() -> None:
    """Wait for loads begun by _start_reading: stderr is redirected while they run (to hide
    what the Rust reader prints on a broken file), and an error is printed there next."""
    load = sys.modules.get("automation.io.load")
    if load is not None:
        load.wait_started()


def main(argv: Sequence[str] | None = None) -> int:
    # Arrow's own allocator (mimalloc) keeps freed memory for reuse; the system's gives big
    # blocks back at once. On the 300,000-row benchmark workbook the peak is about 440 MB
    # instead of 475 MB, and the run no slower. It must be chosen before pyarrow is imported;
    # a setting of the user's own wins.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        try:
            return args.handler(args)
        finally:
            _reading_done()
    except UserError as exc:
        print(f"awards: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        return 0
    except KeyboardInterrupt:
        print("awards: stopped.", file=sys.stderr)
        return 130
    except Exception:  # a bug: keep the detail for the report, show one line to the user
        log_file = Path(tempfile.gettempdir()) / "awards-error.log"
        log_file.write_text(traceback.format_exc(), encoding="utf-8")
        print(
            f"awards: unexpected error (a bug, not your mistake). Details were saved to "
            f"{log_file}; please send that file to the maintainers.",
            file=sys.stderr,
        )
        return 3


def entry() -> None:
    """The `awards` command itself: :func:`main`, then a quick exit.

    A normal exit tears the interpreter down object by object, which with pandas loaded takes
    about a quarter of a second on the development machine (a sixth of `awards validate` on
    the example), only to hand the memory back that the system takes back whole anyway. By
    the time main returns, every file it wrote is closed and renamed into place, and its
    loads and second process are finished; so the streams are flushed, the exit handlers run
    and the process ends. Should some other thread still be working, the normal exit waits
    for it. Tests call main, which returns as usual.
    """
    code = main()
    others = [t for t in threading.enumerate() if t is not threading.current_thread()]
    if any(t.is_alive() and not t.daemon for t in others):
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader (`head` and the like) stopped reading: as main
            pass
        except (AttributeError, OSError, ValueError):
            code = code or 120  # what Python's own exit returns when the output is lost
    # The handlers registered with atexit (logging's, multiprocessing's) still run: only the
    # teardown is skipped. _run_exitfuncs is what the interpreter itself calls on exit.
    atexit._run_exitfuncs()
    os._exit(code)


if __name__ == "__main__":
    entry()
