"""Benchmark: 1,000 certificates, ours against a plain docxtpl loop.

    python scripts/benchmark_certificates.py --certificates 1000 --out /tmp/docs-bench

Reads and scores the bundled example workbook, takes its winners and runners-up and repeats
them (each copy with its own nominee name, so every file name differs) up to N awards. Then
times, in the same run, ``write_certificates`` (individual files only, no combined file) and
the naive way: ``DocxTemplate(path).render(ctx); save()`` once per certificate with the same
context. A benchmark, not a test: it prints timings (best of ``--repeat``) and asserts nothing.
Both wall-clock and CPU time of this process are shown: on a shared machine the wall clock
mostly measures the other jobs.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import time
from pathlib import Path

from docxtpl import DocxTemplate

from automation.documents.certificates import certificate_fields, write_certificates
from automation.documents.generate import awards, branding
from automation.documents.render import DEFAULT_TEMPLATE_DIR, clean_text, plain
from automation.io.read import read_workbook
from automation.scoring import score

EXAMPLE = Path(__file__).resolve().parents[1] / "workbook" / "example_programme.xlsx"


def fake_awards(count: int):
    """``count`` awards: the example's placed nominations again and again, renamed."""
    data = read_workbook(EXAMPLE)
    placed = awards(data, score(data))
    return branding(data), [
        dataclasses.replace(
            placed[i % len(placed)], nominee=f"{placed[i % len(placed)].nominee} {i}"
        )
        for i in range(count)
    ]


def naive(items, brand, out: Path) -> None:
    """What a script would do without a renderer: open, render and save the template each time."""
    shared = {
        "organisation": clean_text(brand.organisation, single_line=True),
        "signatory_name": clean_text(brand.signatory_name, single_line=True),
        "signatory_title": clean_text(brand.signatory_title, single_line=True),
        "logo": "",
    }
    template = DEFAULT_TEMPLATE_DIR / "certificate.docx"
    for number, award in enumerate(items):
        context = plain(
            {**shared, "certificates": [certificate_fields(award, brand.signatory_name)]}
        )
        document = DocxTemplate(template)
        document.render(context, autoescape=True)
        document.save(out / f"{number:05d}.docx")


def _best(fn, repeat: int) -> tuple[float, float]:
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return min(wall), min(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("/tmp/certificates-bench"))
    args = parser.parse_args()
    brand, items = fake_awards(args.certificates)

    def fresh(name: str) -> Path:
        folder = args.out / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder

    ours = _best(
        lambda: write_certificates(items, brand, fresh("ours"), combined=False, progress=False),
        args.repeat,
    )
    plain_loop = _best(lambda: naive(items, brand, fresh("naive")), args.repeat)
    print(f"{args.certificates} certificates (wall / CPU seconds, best of {args.repeat})")
    print(f"  write_certificates     {ours[0]:7.2f} / {ours[1]:7.2f}")
    print(f"  naive docxtpl loop     {plain_loop[0]:7.2f} / {plain_loop[1]:7.2f}")
    print(f"  ours is {plain_loop[0] / ours[0]:.1f}x faster (wall)")


if __name__ == "__main__":
    main()
