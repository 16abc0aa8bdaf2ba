"""A document or draft that fails part way leaves no half file, no temporary file and says so."""

from __future__ import annotations

import errno
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

from automation.documents import atomic_file
from automation.documents.certificates import write_certificates
from automation.documents.mail import write_drafts
from automation.documents.render import DEFAULT_TEMPLATE_DIR, DocxRenderer
from automation.errors import UserError
from tests.documents_sample import BRANDING, HERO


@pytest.fixture
def disk_fills_up(monkeypatch):
    """Every file the documents write gets half its bytes on disk, then ENOSPC."""
    real_open = open

    class HalfFile:
        def __init__(self, path, mode):
            self._file = real_open(path, mode)

        def write(self, data):
            self._file.write(data[: len(data) // 2])
            self._file.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._file.close()

    monkeypatch.setattr(atomic_file, "open", HalfFile, raising=False)


def _message() -> EmailMessage:
    message = EmailMessage()
    message["To"] = "Ann Patel <ann.patel@northgate.example>"
    message["Subject"] = "Congratulations"
    message.set_content("Well done.\n")
    return message


def test_a_document_write_that_fails_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, disk_fills_up
) -> None:
    target = tmp_path / "certificate.docx"
    target.write_bytes(b"the previous certificate")
    renderer = DocxRenderer(DEFAULT_TEMPLATE_DIR / "certificate.docx")
    context = {"organisation": "N", "signatory_name": "", "signatory_title": "", "logo": ""}
    with pytest.raises(UserError, match="disk .* is full"):
        renderer.render({**context, "certificates": []}, target)
    assert target.read_bytes() == b"the previous certificate"
    assert [p.name for p in tmp_path.iterdir()] == ["certificate.docx"]


def test_a_certificate_run_that_fails_leaves_no_file_behind(tmp_path: Path, disk_fills_up) -> None:
    with pytest.raises(UserError, match="full"):
        write_certificates([HERO], BRANDING, tmp_path / "out", progress=False)
    assert list((tmp_path / "out").iterdir()) == []


def test_a_draft_that_fails_leaves_no_half_draft(tmp_path: Path, disk_fills_up) -> None:
    with pytest.raises(UserError, match="draft .* full"):
        write_drafts([_message()], tmp_path / "emails")
    assert list((tmp_path / "emails").iterdir()) == []


def test_written_files_have_the_usual_permissions_and_no_temporary_stays(tmp_path: Path) -> None:
    import os

    umask = os.umask(0o022)
    try:
        [draft] = write_drafts([_message()], tmp_path)
    finally:
        os.umask(umask)
    assert draft.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == [draft.name]


def test_a_temporary_file_of_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    orphan = tmp_path / f".001-winner-ann-patel.pid{gone.stdout.strip()}.x1y2.tmp"
    orphan.write_bytes(b"half a draft")
    atomic_file._cleaned.pop(tmp_path, None)
    [draft] = write_drafts([_message()], tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [draft.name]


def test_a_folder_that_cannot_be_written_is_a_user_error(tmp_path: Path) -> None:
    blocker = tmp_path / "emails"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(UserError):
        write_drafts([_message()], blocker / "inner")
