"""PDF conversion: a real LibreOffice run (skipped without it) and its batching and checks."""

from __future__ import annotations

import dataclasses
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from automation.documents import pdf
from automation.documents.certificates import write_certificates
from automation.documents.pdf import to_pdf
from automation.errors import UserError
from tests.documents_sample import AWARDS, BRANDING, HERO, sample_logo

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice missing")


def _pdf_pages(path: Path) -> list[tuple[float, float]]:
    """Page sizes in points, read with pdfinfo when present, else from the PDF's MediaBoxes."""
    if shutil.which("pdfinfo"):
        out = subprocess.run(
            ["pdfinfo", "-f", "1", "-l", "999", str(path)], capture_output=True, text=True
        ).stdout
        sizes = []
        for line in out.splitlines():
            if line.startswith("Page") and "size:" in line:
                width, _, height = line.split("size:")[1].split()[:3]
                sizes.append((float(width), float(height)))
        return sizes
    raise pytest.skip("pdfinfo missing")


@needs_soffice
def test_certificates_convert_to_one_landscape_page_each(tmp_path: Path) -> None:
    # The worst case for overflow: logo, long name, long place, long citation.
    long_one = dataclasses.replace(
        HERO,
        nominee="Alexandra Montgomery-Fitzwilliam",
        category="Outstanding Customer Service Champion of the Quarter",
        team="Billing and Payments Resolution",
        evidence="Alexandra " + "patiently and kindly " * 30 + "helped.",
    )
    branding = dataclasses.replace(BRANDING, logo_path=sample_logo(tmp_path / "logo.png"))
    run = write_certificates([long_one, AWARDS[1]], branding, tmp_path / "docx", progress=False)
    pdfs = to_pdf(run.paths, tmp_path / "pdf")
    assert [p.name for p in pdfs] == [p.with_suffix(".pdf").name for p in run.paths]
    for single in pdfs[:2]:
        pages = _pdf_pages(single)
        assert len(pages) == 1, single.name
        width, height = pages[0]
        assert width > height  # landscape
        assert round(width) == 842 and round(height) == 595  # A4 in points
    assert len(_pdf_pages(pdfs[2])) == 2  # the combined file: one page per certificate


def _fake_soffice(folder: Path, skip: str = "") -> Path:
    """A stand-in soffice that logs its arguments and 'converts' by writing tiny PDFs."""
    script = folder / "soffice"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys, pathlib\n"
        f"log = pathlib.Path({str(folder / 'calls.log')!r})\n"
        "args = sys.argv[1:]\n"
        "log.open('a').write(' '.join(args) + '\\n')\n"
        "out = pathlib.Path(args[args.index('--outdir') + 1])\n"
        "for name in args[args.index('--outdir') + 2:]:\n"
        f"    if {skip!r} and name.endswith({skip!r}):\n"
        "        continue\n"
        "    (out / (pathlib.Path(name).stem + '.pdf')).write_bytes(b'%PDF-1.4 fake')\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


@pytest.fixture
def fake_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


def _inputs(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    paths = [folder / f"doc-{n:03d}.docx" for n in range(count)]
    for path in paths:
        path.write_bytes(b"x")
    return paths


def test_conversion_runs_in_batches_of_200_with_a_private_profile(
    tmp_path: Path, fake_path: Path
) -> None:
    _fake_soffice(fake_path)
    pdfs = to_pdf(_inputs(tmp_path / "in", 450), tmp_path / "out")
    assert len(pdfs) == 450 and all(p.is_file() for p in pdfs)
    calls = (fake_path / "calls.log").read_text().splitlines()
    assert [line.count(".docx") for line in calls] == [200, 200, 50]
    assert all("-env:UserInstallation=file://" in line and "--headless" in line for line in calls)


def test_missing_pdf_is_named_in_a_user_error(tmp_path: Path, fake_path: Path) -> None:
    _fake_soffice(fake_path, skip="doc-001.docx")
    with pytest.raises(UserError, match="did not produce 1 of 3 PDFs: doc-001.pdf"):
        to_pdf(_inputs(tmp_path / "in", 3), tmp_path / "out")


def test_stale_pdf_from_an_earlier_run_does_not_count(tmp_path: Path, fake_path: Path) -> None:
    _fake_soffice(fake_path, skip="doc-000.docx")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "doc-000.pdf").write_bytes(b"%PDF old")
    with pytest.raises(UserError, match="doc-000.pdf"):
        to_pdf(_inputs(tmp_path / "in", 1), tmp_path / "out")


def test_no_libreoffice_gives_install_instructions(
    tmp_path: Path, fake_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "Path", _NoSuchFile)
    with pytest.raises(UserError, match="LibreOffice") as caught:
        pdf.find_soffice()
    assert "libreoffice-writer-nogui" in caught.value.hint


class _NoSuchFile(type(Path())):  # type: ignore[misc]
    """A Path whose files never exist, to hide a system-wide LibreOffice install."""

    def is_file(self) -> bool:
        return False


def test_same_name_twice_is_refused_before_converting(tmp_path: Path, fake_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in ("a", "b"):
        (tmp_path / folder / "same.docx").write_bytes(b"x")
    with pytest.raises(UserError, match="same PDF name"):
        to_pdf([tmp_path / "a" / "same.docx", tmp_path / "b" / "same.docx"], tmp_path / "out")
    assert not os.path.exists(fake_path / "calls.log")
