"""Benchmark: how long the main job takes, on the bundled example and on big programmes.

    python scripts/benchmark.py                       # the example, and 20,000 nominations
    python scripts/benchmark.py --nominations 2000 20000 60000 --runs 3

For each size it builds (once, cached in the temp folder) a workbook with N nominations scored
by 3 judges on 5 criteria (N x 15 score rows: 300,000 for 20,000 nominations), then reports:

- the stages of the main job in one process (read, validate, score, write), median of the runs;
  the build and the stages each run in a process of their own, so that the end-to-end runs'
  peak memory is theirs alone;
- ``awards run BOOK --no-documents`` as a user runs it, in a fresh process each time: the
  median wall time and the peak memory (resident set) of that process.

For the example it times ``awards --help``, ``awards validate`` and ``awards run`` with
documents. A benchmark, not a test: it prints figures and asserts nothing. The README's
figures come from this script; the machine matters, so print ``nproc`` beside them.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The allocator the command line chooses (automation.cli.main), for the in-process stages.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbook" / "example_programme.xlsx"
AWARDS = [sys.executable, "-m", "automation"]


def bench_path(n: int) -> Path:
    """Where the workbook of ``n`` nominations is cached: by size and by the schema it was
    built to, so a book an older version built (lacking a table this one adds, which the
    first write then adds) is not timed as if it were current."""
    import hashlib

    from automation import schema

    built_to = hashlib.sha256(repr((schema.TABLES, schema.SHEETS)).encode()).hexdigest()[:8]
    return Path(tempfile.gettempdir()) / f"awards-bench-{n}-{built_to}.xlsx"


def big_workbook(n: int) -> Path:
    """A workbook of ``n`` nominations with every score filled in (cached by size)."""
    from automation.build.example import content
    from automation.build.workbook import build_workbook

    path = bench_path(n)
    if path.exists():
        return path
    tables, settings = content()
    rng = random.Random(7)
    base = [r for r in tables["Nominations"] if r.get("Calibration") != "yes"]
    crit: dict[str, list[str]] = {}
    for c in tables["Criteria"]:
        crit.setdefault(c["Category"], []).append(c["Criterion"])
    judges = ["Helen Okafor", "Aisha Rahman", "David Lowe"]
    noms, scores = [], []
    for i in range(n):
        row = dict(base[i % len(base)])
        row["ID"] = f"B-{i + 1:06d}"
        row["Nominator"] = f"Person {i}"
        noms.append(row)
        quality = rng.random()
        for j in judges:
            for c in crit[row["Category"]]:
                score = min(5, max(1, round(1 + quality * 4 + rng.gauss(0, 0.5))))
                scores.append(
                    {"Judge": j, "Nomination ID": row["ID"], "Criterion": c, "Score": score}
                )
    tables["Nominations"], tables["Scores"] = noms, scores
    tables["Judges"] = [j for j in tables["Judges"] if j["Judge"] in judges]
    tables["Conflicts"] = []
    t = time.perf_counter()
    partial = path.with_suffix(".part.xlsx")
    build_workbook(partial, tables, settings, spare_rows=0)
    partial.replace(path)  # a build killed half way must not be taken for a cached book
    print(f"built {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.0f} s")
    return path


# A user's Python keeps compiled modules (__pycache__); some sandboxes turn that off, which
# would add a recompile of every module to each timing.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed_process(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one fresh process running ``args``."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=ENV
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):  # 1 = the workbook has errors, still a full run
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{err[-2000:]}")
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    return seconds, peak_mb


def end_to_end(label: str, args: list[str], runs: int) -> None:
    timed_process(args)  # warm-up: compiled modules and the file in the disk cache
    times, peaks = zip(*(timed_process(args) for _ in range(runs)), strict=True)
    print(f"  {label:<34} {statistics.median(times):6.2f} s   peak {max(peaks):6.0f} MB")


# Which stage each function the main job calls belongs to, as (module, name). The jobs import
# most of them when they run, so each is patched where it is defined (the two that
# automation.pipeline imports up front are patched there).
STAGES = {
    ("automation.pipeline", "read_workbook"): "read",
    ("automation.validate", "validate_early"): "early rules",
    ("automation.pipeline", "validate"): "validate",
    ("automation.scoring", "score"): "score",
    ("automation.tables", "results_tables"): "result tables",
    ("automation.evidence", "evaluate"): "result tables",
    ("automation.evidence", "evidence_tables"): "result tables",
    ("automation.equity", "equity_frames"): "result tables",
    ("automation.judging.jobs", "progress_edit"): "result tables",
    ("automation.audit", "record"): "audit",
    ("automation.digest", "tables_digest"): "input digest",
    ("automation.io.write", "write_tool_tables"): "write",
    ("automation.io.patch", "write_tables"): "write",
}


def stages(path: Path, runs: int, out: Path) -> None:
    """Where the main job's time goes, in this process (median of ``runs``).

    The functions that ``pipeline.score_workbook`` calls are wrapped with a clock, so the
    figures follow the job as it is, not a copy of it."""
    import importlib

    from automation import pipeline

    timings: dict[str, list[float]] = {}
    this_run: dict[str, float] = {}

    def clocked(stage: str, fn):
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                this_run[stage] = this_run.get(stage, 0.0) + time.perf_counter() - t

        return wrapper

    originals = {
        (module, name): getattr(importlib.import_module(module), name) for module, name in STAGES
    }
    try:
        for (module, name), fn in originals.items():
            setattr(importlib.import_module(module), name, clocked(STAGES[module, name], fn))
        for _ in range(runs):
            this_run.clear()
            t = time.perf_counter()
            outcome = pipeline.score_workbook(path, dest=out / path.name, backup=False)
            this_run["total"] = time.perf_counter() - t
            for stage, seconds in this_run.items():
                timings.setdefault(stage, []).append(seconds)
    finally:
        for (module, name), fn in originals.items():
            setattr(importlib.import_module(module), name, fn)
    data = outcome.data
    print(f"  {len(data['Scores']):,} score rows, {len(outcome.report)} issues; stages (median):")
    for stage in [*dict.fromkeys(STAGES.values()), "total"]:
        if stage in timings:
            note = {
                "input digest": "  (on a second thread, while scoring)",
                "early rules": "  (part of read: validation while Scores loads)",
            }.get(stage, "")
            print(f"    {stage:<14} {statistics.median(timings[stage]):6.2f} s{note}")


def in_child(*args: str) -> None:
    """Run one of this script's in-process parts in a fresh process of its own.

    Linux keeps a process's peak resident set across exec, so a child started by a parent
    that had grown (building a 300,000-row workbook takes about 1 GB, and timing the stages
    in process about 450 MB) would report the parent's peak as its own. The parent therefore
    never loads the tool: the build and the stages run here, each in its own process."""
    sys.stdout.flush()  # so the child's lines come after the parent's
    subprocess.run([sys.executable, __file__, *args], check=True, cwd=ROOT, env=ENV)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nominations", type=int, nargs="*", default=[20000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-example", action="store_true", help="skip the example's timings")
    # The parts that run in a child process (see in_child).
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--stages", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stages-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build is not None:
        big_workbook(args.build)
        return
    if args.stages is not None:
        stages(args.stages, args.runs, args.stages_out)
        return
    out = Path(tempfile.mkdtemp(prefix="awards-bench-out-"))
    try:
        print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {args.runs} runs each")
        if not args.no_example:
            print(f"example ({EXAMPLE.name}):")
            end_to_end("awards --help", [*AWARDS, "--help"], args.runs)
            end_to_end("awards validate", [*AWARDS, "validate", str(EXAMPLE)], args.runs)
            end_to_end(
                "awards run (with documents)",
                [*AWARDS, "run", str(EXAMPLE), "--out", str(out / "example")],
                args.runs,
            )
        for n in args.nominations:
            path = bench_path(n)
            if not path.exists():
                in_child("--build", str(n))
            print(f"{n:,} nominations ({path.stat().st_size / 1e6:.0f} MB):")
            end_to_end(
                "awards run --no-documents",
                [*AWARDS, "run", str(path), "--out", str(out / str(n)), "--no-documents"],
                args.runs,
            )
            in_child("--stages", str(path), "--runs", str(args.runs), "--stages-out", str(out))
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
