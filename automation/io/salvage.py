"""When the columnar reader fails on a table: say which table, and where we can, which cell.

fastexcel (calamine underneath) is fast because it trusts the file. On a damaged or hostile
file it raises its own errors or even panics in Rust (a ``PanicException``, which is not an
``Exception``), and a panic prints a Rust backtrace on stderr. This module keeps all of that
at the edge: the backtrace is swallowed, and the user gets a message naming the sheet, the
table and, for the usual cause (a date cell holding a number far outside Excel's calendar),
the cell itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from automation.errors import UserError
from automation.io.package import NS, TableInfo, col_index, open_package, parse_ref, parse_xml

# Excel's calendar: serial 1 is 1 January 1900, 2,958,465 is 31 December 9999.
_EXCEL_DAYS = (0, 2958466)
_CELL = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?\bs="(\d+)"[^>]*>\s*(?:<f\b[^>]*(?:/>|>.*?</f>)\s*)?'
    rb"<v>([^<]*)</v>"
)


@contextlib.contextmanager
def reader_errors(path: Path, info: TableInfo | None = None) -> Iterator[None]:
    """Turn any failure of the columnar reader into a UserError about ``info``'s table.

    Use it inside ``quiet_stderr`` (once around all the reading: redirecting file
    descriptors costs more than reading a small table).
    """
    try:
        yield
    except (KeyboardInterrupt, SystemExit, UserError):
        raise
    except BaseException as exc:  # includes pyo3's PanicException  # noqa: BLE001
        if info is None:
            raise UserError(
                f"Cannot read {Path(path).name}: {first_line(exc)}.",
                "Open it in Excel and save it again as an .xlsx workbook.",
            ) from exc
        raise unreadable_table(path, info, exc) from exc


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].rstrip(".") if text else type(exc).__name__


def unreadable_table(path: Path, info: TableInfo, exc: BaseException) -> UserError:
    """The message for a table the reader could not load, naming the bad cell if found."""
    cell = _find_impossible_date(Path(path), info)
    if cell:
        ref, value = cell
        return UserError(
            f"Cannot read the table {info.name} on the '{info.sheet}' sheet: cell {ref} is "
            f"formatted as a date but holds {value}, which is no date Excel can show.",
            f"Clear cell {ref} on the '{info.sheet}' sheet or type a real date, e.g. 23/11/2026.",
        )
    return UserError(
        f"Cannot read the table {info.name} on the '{info.sheet}' sheet ({first_line(exc)}).",
        f"Open the workbook in Excel, check the '{info.sheet}' sheet and save it again; if the "
        "sheet is damaged, go back to the copy in the backups folder.",
    )


def _find_impossible_date(path: Path, info: TableInfo) -> tuple[str, str] | None:
    """The first cell of the table with a date format and a serial outside Excel's calendar."""
    try:
        with open_package(path) as zf:
            dates = _date_styles(zf)
            c1, r1, c2, r2 = parse_ref(info.ref)
            for letters, row, style, value in _cells(zf, info.sheet_part):
                if int(style) not in dates or not (r1 <= int(row) <= r2):
                    continue
                if not (c1 <= col_index(letters.decode()) <= c2):
                    continue
                try:
                    number = float(value)
                except ValueError:
                    continue
                if not (_EXCEL_DAYS[0] <= number < _EXCEL_DAYS[1]):
                    return f"{letters.decode()}{int(row)}", value.decode()
    except (UserError, OSError, zipfile.BadZipFile, ValueError, KeyError):
        return None
    return None


def _date_styles(zf: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles whose number format shows a date."""
    # Only a damaged workbook gets here: the reader of a sound one must not load openpyxl.
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    root = parse_xml(zf, "xl/styles.xml")
    custom = {
        int(f.get("numFmtId", "-1")): f.get("formatCode", "")
        for f in root.findall("m:numFmts/m:numFmt", NS)
    }
    out: set[int] = set()
    for i, xf in enumerate(root.findall("m:cellXfs/m:xf", NS)):
        fmt_id = int(xf.get("numFmtId", "0"))
        code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "")
        if code and is_date_format(code):
            out.add(i)
    return out


def _cells(zf: zipfile.ZipFile, part: str) -> Iterator[tuple[bytes, bytes, bytes, bytes]]:
    """(column letters, row, style, value) of styled cells with a value, streamed."""
    tail = b""
    with zf.open(part) as fh:
        while chunk := fh.read(1 << 20):
            buf = tail + chunk
            cut = buf.rfind(b"</c>") + 4 if b"</c>" in buf else 0
            for m in _CELL.finditer(buf, 0, cut):
                yield m.group(1), m.group(2), m.group(3), m.group(4)
            tail = buf[cut:][-(1 << 16) :]


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Hide what Rust prints on a panic (it writes to file descriptor 2, not sys.stderr).

    What was written is replayed unless the block failed, so warnings are not lost.
    """
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # pytest capture, Excel: no real stderr
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), fd)
        failed = False
        try:
            yield
        except BaseException:
            failed = True
            raise
        finally:
            sys.stderr.flush()
            os.dup2(saved, fd)
            os.close(saved)
            if not failed:
                sink.seek(0)
                text = sink.read()
                if text:
                    os.write(fd, text)
