"""Saving without ever leaving a half file: temporary files, verified backups, orphans.

A save writes a temporary file beside the target and swaps it in with one rename, so a
killed run or a full disk leaves either the old file or the new one, never a mix. A backup
is copied under a temporary name too, checked (size and SHA-256) against the original and
only then given its real name, so a truncated copy is never taken for a backup. Temporary
names carry the process id: the next run removes those whose process is gone.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from automation.errors import UserError

_TEMP = re.compile(r"^\..+\.pid(\d+)\.[^.]+\.tmp$")


def check_writable(path: Path) -> None:
    """Refuse to replace a workbook its owner made read-only (or a folder we cannot write)."""
    path = Path(path)
    if path.exists() and not (path.stat().st_mode & stat.S_IWUSR and os.access(path, os.W_OK)):
        raise UserError(
            f"{path.name} is read-only, so the tool will not change it.",
            "Write the results into a copy instead (awards run WORKBOOK --out FOLDER), or "
            "clear 'Read-only' in the file's properties if you do mean to change it.",
        )
    folder = path.parent if path.parent != Path("") else Path(".")
    if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(
            f"Cannot write into the folder {folder}: permission denied.",
            "Choose a folder you can save into (for example with --out).",
        )


def temp_name(target: Path) -> Path:
    """A fresh temporary file beside ``target``, named so the next run can tell it is orphaned."""
    fd, name = tempfile.mkstemp(
        prefix=f".{target.stem}.pid{os.getpid()}.", suffix=".tmp", dir=target.parent
    )
    os.close(fd)
    return Path(name)


def remove_orphans(folder: Path) -> list[Path]:
    """Delete temporary files left by runs that were killed (their process is gone)."""
    removed: list[Path] = []
    with contextlib.suppress(OSError):
        for entry in Path(folder).iterdir():
            m = _TEMP.match(entry.name)
            if m and not _alive(int(m.group(1))):
                with contextlib.suppress(OSError):
                    entry.unlink()
                    removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


@contextlib.contextmanager
def saving(
    target: Path,
    what: str = "the workbook",
    *,
    clean_orphans: bool = True,
    error: Callable[[OSError, Path, str], UserError] | None = None,
) -> Iterator[Path]:
    """Yield a temporary path to write; on success the caller swaps it in, on failure it goes.

    Disk-full and permission errors become a UserError naming the folder (``error`` words it
    for other kinds of file); nothing half written is left behind. ``clean_orphans=False``
    skips listing the folder for a killed run's temporary files, for a caller that writes
    many files into one folder and clears it itself now and then.
    """
    target = Path(target)
    error = error or _save_error
    if clean_orphans:
        remove_orphans(target.parent)
    try:
        tmp = temp_name(target)
    except OSError as exc:
        raise error(exc, target, what) from exc
    try:
        yield tmp
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise error(exc, target, what) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def new_file_mode() -> int:
    """The permissions a newly created file gets under the user's umask (0644 usually)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def replace(tmp: Path, target: Path) -> None:
    """Swap ``tmp`` in as ``target`` in one step, keeping the replaced file's permissions."""
    try:
        if not target.exists():
            # mkstemp makes 0600 files; a new workbook gets what the user's umask gives.
            os.chmod(tmp, new_file_mode())
        else:
            shutil.copymode(target, tmp)
        os.replace(tmp, target)
    except PermissionError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(
            f"Could not save {target.name}: it is locked by another program.",
            "Close it in Excel (or any other program) and try again.",
        ) from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _save_error(exc, target, "the workbook") from exc


def verified_copy(source: Path, dest: Path) -> Path:
    """Copy ``source`` to ``dest`` through a temporary file, checked before it is named."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with saving(dest, "the backup") as tmp:
        shutil.copy2(source, tmp)
        if tmp.stat().st_size != source.stat().st_size or _digest(tmp) != _digest(source):
            raise OSError(errno.EIO, "the copy does not match the original")
        os.replace(tmp, dest)
    return dest


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _save_error(exc: OSError, target: Path, what: str) -> UserError:
    folder = target.parent
    if exc.errno == errno.ENOSPC:
        return UserError(
            f"Could not save {what} ({target.name}): the disk holding {folder} is full. "
            "Nothing was changed.",
            "Free some space (or choose another folder with --out) and run it again.",
        )
    if isinstance(exc, PermissionError):
        return UserError(
            f"Could not save {what} ({target.name}) in {folder}: permission denied. Nothing "
            "was changed.",
            "Choose a folder you can save into (for example with --out), or ask for write "
            "access to this one.",
        )
    return UserError(
        f"Could not save {what} ({target.name}) in {folder}: {exc.strerror or exc}. Nothing "
        "was changed.",
        "Check that the folder is reachable (a network drive may be offline) and try again.",
    )
