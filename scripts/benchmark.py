"""Benchmark: read, validate, score and write a big programme workbook.

    python scripts/benchmark.py --nominations 20000

Builds (once, cached in the temp folder) a workbook with N nominations scored by 3 judges on
5 criteria (N x 15 score rows: 300,000 for 20,000 nominations), then times each stage of the
main job. A benchmark, not a test: it prints timings and asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from automation.build.example import content
from automation.build.workbook import build_workbook


def big_workbook(n: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"awards-bench-{n}.xlsx"
    if path.exists():
        return path
    tables, settings = content()
    rng = random.Random(7)
    base = [r for r in tables["Nominations"] if r.get("Calibration") != "yes"]
    crit = {}
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
    build_workbook(path, tables, settings, spare_rows=0)
    print(f"built {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.0f} s")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nominations", type=int, default=20000)
    args = parser.parse_args()
    path = big_workbook(args.nominations)

    from automation.io.read import read_workbook
    from automation.io.write import write_tool_tables
    from automation.scoring import score
    from automation.tables import audit_frame, issues_frame, results_tables
    from automation.validate import validate

    timings = {}
    t = time.perf_counter()
    data = read_workbook(path)
    timings["read"] = time.perf_counter() - t
    t = time.perf_counter()
    report = validate(data)
    timings["validate"] = time.perf_counter() - t
    t = time.perf_counter()
    results = score(data)
    timings["score"] = time.perf_counter() - t
    t = time.perf_counter()
    dest = path.with_name(path.stem + "-scored.xlsx")
    write_tool_tables(
        path,
        {
            "Issues": issues_frame(report),
            **results_tables(results),
            "Audit": audit_frame(data, "benchmark", ""),
        },
        dest=dest,
    )
    timings["write"] = time.perf_counter() - t
    print(
        f"{len(data['Scores']):,} score rows, {len(data['Nominations']):,} nominations, "
        f"{len(report)} issues"
    )
    for stage, seconds in timings.items():
        print(f"  {stage:<9} {seconds:6.2f} s")
    print(f"  {'total':<9} {sum(timings.values()):6.2f} s")


if __name__ == "__main__":
    main()
