"""Render the README pictures: a sample certificate and the first page of a sample report.

Usage: python scripts/render_readme_images.py [--keep DIR]

Builds documents from the test sample data (Northgate Contact Centre), converts them to PDF with
LibreOffice and turns the first page of each into a PNG with pdftoppm, writing
docs/images/certificate.png and docs/images/evaluation_report.png, and the example
workbook's Start sheet as docs/images/workbook_start.png and the Scores sheet of a judge pack as
docs/images/judge_pack.png. Needs LibreOffice and
poppler-utils (pdftoppm).
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from automation.documents.certificates import write_certificates  # noqa: E402
from automation.documents.evaluation import write_evaluation_report  # noqa: E402
from automation.documents.pdf import to_pdf  # noqa: E402
from automation.errors import UserError  # noqa: E402
from tests.documents_sample import BRANDING, EVALUATION, HERO, sample_logo  # noqa: E402

IMAGES = ROOT / "docs" / "images"


def _png(pdf: Path, out_png: Path, page: int = 1, dpi: int = 80) -> Path:
    if not shutil.which("pdftoppm"):
        raise UserError("pdftoppm was not found.", hint="Install poppler-utils.")
    stem = out_png.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
         str(pdf), str(stem)],
        check=True,
    )  # fmt: skip
    return out_png


def judge_pack(work: Path) -> Path:
    """The Scores sheet of a blind judge pack from the example, a few rows scored."""
    from openpyxl import load_workbook

    from automation.build.example import content
    from automation.build.workbook import build_workbook
    from automation.judging.jobs import assign_workbook, packs_workbook

    tables, settings = content()  # the example before any judge has scored
    book = build_workbook(work / "programme.xlsx", tables | {"Scores": []}, settings)
    assign_workbook(book, seed=1)
    pack = packs_workbook(book, work / "packs").files[0]
    wb = load_workbook(pack)
    ws = wb["Scores"]
    rows = list(ws[ws.tables["PackScores"].ref])[1:]
    for row, score in zip(rows, (4, 3, 5, 4, 4, 3, 2, 3), strict=False):
        row[6].value = score
    rows[0][7].value = "Owned it from the first call to the follow-up a week later."
    rows[2][7].value = "Went well beyond what the process asks."
    for sheet in wb.worksheets:
        if sheet.title not in ("Scores", "Signature"):
            sheet.sheet_state = "hidden"
    wb.active = wb.sheetnames.index("Scores")
    ws.print_area = "A1:I22"
    picture = work / "judge_pack.xlsx"
    wb.save(picture)
    (pdf,) = to_pdf([picture], work / "pdf")
    png = _png(pdf, IMAGES / "judge_pack.png", dpi=90)
    from PIL import Image, ImageChops, ImageOps  # Pillow comes with matplotlib

    image = Image.open(png).convert("RGB")
    box = ImageOps.invert(image).getbbox() or ImageChops.difference(image, image).getbbox()
    if box:  # trim the empty page around the table
        left, top, right, bottom = box
        image.crop((max(left - 12, 0), max(top - 12, 0), right + 12, bottom + 12)).save(png)
    return png


def render(work: Path) -> list[Path]:
    """Make the documents in ``work`` and the PNGs in docs/images; return the PNG paths."""
    branding = dataclasses.replace(BRANDING, logo_path=sample_logo(work / "logo.png"))
    run = write_certificates(
        [HERO], branding, work / "certificates", combined=False, progress=False
    )
    report = write_evaluation_report(EVALUATION, branding, work / "evaluation_report.docx")
    certificate_pdf, report_pdf = to_pdf([run.files[0][1], report], work / "pdf")
    (workbook_pdf,) = to_pdf([ROOT / "workbook" / "example_programme.xlsx"], work / "pdf")
    IMAGES.mkdir(parents=True, exist_ok=True)
    return [
        _png(certificate_pdf, IMAGES / "certificate.png", dpi=90),
        _png(report_pdf, IMAGES / "evaluation_report.png", dpi=70),
        _png(workbook_pdf, IMAGES / "workbook_start.png", dpi=70),
        judge_pack(work),
    ]


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Render the README sample images.")
    parser.add_argument("--keep", type=Path, help="keep the .docx and PDF files in this folder")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        paths = render(args.keep)
    else:
        with tempfile.TemporaryDirectory() as work:
            paths = render(Path(work))
    for path in paths:
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    try:
        main()
    except UserError as error:
        sys.exit(f"error: {error}")
