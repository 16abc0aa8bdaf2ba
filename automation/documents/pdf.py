"""Convert .docx files to PDF with LibreOffice running headless."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from automation.errors import UserError

# soffice silently stops converting after roughly 250 files in one call; stay well below.
BATCH_SIZE = 200
TIMEOUT_PER_FILE_S = 30
_INSTALL_HINT = (
    "Install LibreOffice (free, libreoffice.org). On Windows or macOS use the installer and make "
    "sure 'soffice' is on your PATH; on Debian or Ubuntu: "
    "sudo apt-get install libreoffice-writer-nogui fonts-crosextra-carlito "
    "fonts-crosextra-caladea."
)


def find_soffice() -> str:
    """The LibreOffice executable, or a UserError saying how to install it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (
        Path("C:/Program Files/LibreOffice/program/soffice.exe"),
        Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
    ):
        if candidate.is_file():
            return str(candidate)
    raise UserError("LibreOffice is needed to make PDFs but was not found.", hint=_INSTALL_HINT)


def to_pdf(paths: Sequence[Path], out_dir: Path, batch_size: int = BATCH_SIZE) -> list[Path]:
    """Convert each .docx to ``out_dir/<name>.pdf`` and return the PDF paths in input order.

    LibreOffice runs with a private, throwaway profile, so it works while the user has
    LibreOffice open and never touches their settings. Any PDF that did not appear is named in
    a UserError.
    """
    paths = [Path(path) for path in paths]
    if not paths:
        return []
    stems = [path.stem.lower() for path in paths]
    clashes = sorted({stem for stem in stems if stems.count(stem) > 1})
    if clashes:
        raise UserError(
            f"Two files would make the same PDF name: {', '.join(clashes)}.",
            hint="Give the documents different names or convert them into different folders.",
        )
    missing_inputs = [str(path) for path in paths if not path.is_file()]
    if missing_inputs:
        raise UserError(f"Cannot make PDFs of missing files: {', '.join(missing_inputs)}.")
    soffice = find_soffice()
    out_dir = Path(out_dir)
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    expected = [out_dir / f"{path.stem}.pdf" for path in paths]
    for pdf in expected:
        pdf.unlink(missing_ok=True)  # so a stale PDF from an earlier run cannot pass the check

    with tempfile.TemporaryDirectory(prefix="awards-lo-profile-") as profile:
        profile_url = Path(profile).resolve().as_uri()
        for start in range(0, len(paths), batch_size):
            batch = paths[start : start + batch_size]
            command = [
                soffice,
                f"-env:UserInstallation={profile_url}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                *[str(path.resolve()) for path in batch],
            ]
            try:
                subprocess.run(
                    command,
                    check=False,
                    capture_output=True,
                    timeout=60 + TIMEOUT_PER_FILE_S * len(batch),
                )
            except subprocess.TimeoutExpired as exc:
                raise UserError(
                    "LibreOffice took too long converting to PDF and was stopped.",
                    hint="Close any LibreOffice dialog boxes and try again with fewer documents.",
                ) from exc
    missing = [pdf.name for pdf in expected if not pdf.is_file() or pdf.stat().st_size == 0]
    if missing and created and not any(out_dir.iterdir()):
        out_dir.rmdir()  # a failed conversion leaves no empty folder behind
    if missing:
        shown = ", ".join(missing[:10]) + (
            f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        )
        raise UserError(
            f"LibreOffice did not produce {len(missing)} of {len(expected)} PDFs: {shown}.",
            hint="Open one of those .docx files in Word or LibreOffice to check it is not damaged, "
            "then run the PDF step again.",
        )
    return expected
