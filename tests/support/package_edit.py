"""Change an .xlsx package part by part, as a damaged download or an attacker would."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

from automation.io.package import open_package, sheet_parts
from automation.io.package import tables as package_tables


def rewrite_parts(
    src: Path,
    dest: Path,
    change: Mapping[str, bytes | Callable[[bytes], bytes] | None],
    *,
    add: Mapping[str, bytes] | None = None,
    level: int = 6,
) -> Path:
    """Copy ``src`` to ``dest`` with parts replaced (bytes), edited (callable) or dropped (None)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in change:
                new = change[info.filename]
                if new is None:
                    continue
                data = new(data) if callable(new) else new
            zout.writestr(info.filename, data, compresslevel=level)
        for name, data in (add or {}).items():
            zout.writestr(name, data, compresslevel=level)
    return dest


def sheet_part(path: Path, sheet: str) -> str:
    with open_package(path) as zf:
        return sheet_parts(zf)[sheet]


def table_part(path: Path, table: str) -> str:
    with open_package(path) as zf:
        return package_tables(zf)[table].part


def with_doctype(xml: bytes, doctype: bytes) -> bytes:
    """Insert a DOCTYPE (entity declarations) after the XML declaration."""
    m = re.match(rb"<\?xml[^>]*\?>\s*", xml)
    at = m.end() if m else 0
    return xml[:at] + doctype + xml[at:]


BILLION_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)
XXE = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
