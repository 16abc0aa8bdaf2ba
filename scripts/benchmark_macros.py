"""Benchmark: the Validate and Score ribbon macros on a big workbook, through the JSON book.

    python scripts/benchmark_macros.py --nominations 2000

Runs each macro the way Excel would (one xlwings book, reads from its snapshot, writes queued
as actions) on xlwings' JSON book, as the tests do (tests/support/jsonbook.py), and prints the
seconds of Python each took, how often each table's range was read and how many actions went
to each sheet. The workbook is the one scripts/benchmark.py builds (cached in the temp
folder); the JSON payload made from it is cached beside it under OUT (default: the temp
folder's awards-bench-macros/), since building it with openpyxl takes far longer than the
macros. A benchmark, not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.support.jsonbook
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # the JSON book is xlwings PRO


def cached_payload(book: Path, out: Path) -> dict:
    """The JSON book's payload for ``book``, rebuilt when the workbook changed."""
    from tests.support.jsonbook import payload_from_xlsx

    stat = book.stat()
    cache = out / f"{book.stem}-{stat.st_size}-{int(stat.st_mtime)}.json"
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    t = time.perf_counter()
    payload = payload_from_xlsx(book)
    out.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(payload), encoding="utf-8")
    print(f"built the payload of {book.name} in {time.perf_counter() - t:.0f} s")
    return payload


def counted_reads() -> Counter:
    """Count every read of cell values from the JSON book, by sheet and address."""
    from xlwings.pro import _xlremote

    reads: Counter = Counter()
    getter = _xlremote.Range.raw_value.fget

    def raw_value(self):
        reads[(self.sheet.name, self.arg1, self.arg2)] += 1
        return getter(self)

    _xlremote.Range.raw_value = property(raw_value, _xlremote.Range.raw_value.fset)
    return reads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nominations", type=int, default=2000)
    parser.add_argument("--macro", choices=("validate", "score"), nargs="+")
    parser.add_argument("--repeat", type=int, default=3, help="runs per macro (best is shown)")
    parser.add_argument("--profile", action="store_true", help="print the top of a profile")
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "awards-bench-macros"
    )
    args = parser.parse_args()

    from benchmark import big_workbook

    from automation import macros
    from tests.support.jsonbook import open_json_book

    payload = cached_payload(big_workbook(args.nominations), args.out)
    reads = counted_reads()
    for name in args.macro or ("validate", "score"):
        best, counts, actions = None, Counter(), []
        for _ in range(args.repeat):
            book = open_json_book(payload)
            reads.clear()
            profile = cProfile.Profile() if args.profile else None
            try:
                t = time.perf_counter()
                if profile:
                    profile.enable()
                getattr(macros, name)(book)
                if profile:
                    profile.disable()
                seconds = time.perf_counter() - t
                actions = book.json()["actions"]
            finally:
                book.close()
            best = seconds if best is None else min(best, seconds)
            counts = Counter(reads)
        sheets = [s["name"] for s in payload["sheets"]]
        by_sheet = Counter(
            (sheets[a["sheet_position"]] if a.get("sheet_position") is not None else "-", a["func"])
            for a in actions
        )
        print(f"{name}: {best:.2f} s of Python (best of {args.repeat})")
        print(f"  reads: {sum(counts.values())}, most per range: {max(counts.values(), default=0)}")
        for (sheet, a1, a2), n in sorted(counts.items(), key=lambda kv: -kv[1])[:5]:
            print(f"    {n} x {sheet} {a1}-{a2}")
        print(f"  actions: {len(actions)}")
        for (sheet, func), n in sorted(by_sheet.items()):
            print(f"    {sheet:<14} {func:<22} {n}")
        if profile:
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
