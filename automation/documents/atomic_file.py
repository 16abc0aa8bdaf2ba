"""Writing a document or draft so that a full disk or a killed run never leaves half a file.

The bytes go to a temporary file beside the target (named as ``io.safe_save`` names them, so
the next run can tell an orphan) and are swapped in with one rename: the folder holds either
the old file, the new one or none, never a truncated .docx or .eml.
"""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

from automation.errors import UserError
from automation.io.safe_save import new_file_mode, saving

# When each folder was last cleared of orphans: a certificate run writes a thousand files into
# one folder, and listing it before every file would make the run quadratic.
_cleaned: dict[Path, float] = {}
_CLEAN_EVERY_S = 60.0


def write_file(path: Path, data: bytes, what: str = "the document") -> Path:
    """Write ``data`` to ``path`` through a temporary file and return the path.

    Disk-full and permission errors become a UserError naming the file; nothing of the
    failed write stays behind. Orphans of killed runs in the folder are removed first (at
    most once a minute per folder).
    """
    path = Path(path)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _error(exc, path, what) from exc
    now = time.monotonic()
    due = now - _cleaned.get(folder, -_CLEAN_EVERY_S) >= _CLEAN_EVERY_S
    if due:
        _cleaned[folder] = now
    with saving(path, what, clean_orphans=due, error=_error) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
        # mkstemp makes 0600 files; a document gets what the user's umask gives, as before.
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, path)
    return path


def _error(exc: OSError, path: Path, what: str) -> UserError:
    if exc.errno == errno.ENOSPC:
        return UserError(
            f"Could not write {what} {path.name}: the disk holding {path.parent} is full. "
            "No half-written file was left.",
            "Free some space (or choose another folder with --out) and run it again.",
        )
    if isinstance(exc, PermissionError):
        return UserError(
            f"Could not write {what} {path}: it is open in another program or read-only.",
            "Close it (in Word or your email program) and try again, or choose another folder.",
        )
    return UserError(
        f"Could not write {what} {path}: {exc.strerror or exc}. No half-written file was left.",
        "Check that the folder is reachable (a network drive may be offline) and try again.",
    )
