"""Reading the structure of an .xlsx package: which sheet is which part, where each table is.

An .xlsx file is a zip of XML parts. Looking at the small parts directly (workbook, relations,
table definitions) tells us where every Excel table sits without loading the sheets, which is
what lets the reader and writer stay fast on a 300,000-row workbook.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from automation.errors import UserError

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
TABLE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")


def col_index(letters: str) -> int:
    """Excel column letters to a 1-based index (A -> 1, AA -> 27)."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def parse_ref(ref: str) -> tuple[int, int, int, int]:
    """'B5:H20' -> (first_col, first_row, last_col, last_row), 1-based."""
    m = _REF.match(ref.strip())
    if not m:
        raise ValueError(f"not a cell range: {ref!r}")
    c1, r1, c2, r2 = m.groups()
    c2, r2 = c2 or c1, r2 or r1
    return col_index(c1), int(r1), col_index(c2), int(r2)


@dataclass(frozen=True)
class TableInfo:
    """An Excel table as declared in the package."""

    name: str
    sheet: str
    sheet_part: str
    part: str
    ref: str
    columns: tuple[str, ...]

    @property
    def header_row(self) -> int:
        return parse_ref(self.ref)[1]

    @property
    def first_col(self) -> int:
        return parse_ref(self.ref)[0]

    @property
    def last_row(self) -> int:
        return parse_ref(self.ref)[3]


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, absolute target part) for a part."""
    folder, name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", name + ".rels")
    if rels_part not in zf.namelist():
        return {}
    root = ET.fromstring(zf.read(rels_part))
    out = {}
    for rel in root.findall("rel:Relationship", NS):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        path = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        out[rel.get("Id")] = (rel.get("Type", ""), path)
    return out


def open_package(path: Path) -> zipfile.ZipFile:
    """Open an .xlsx file as a zip, turning the usual failures into plain messages."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"No workbook at {path}.", "Check the file name and folder.")
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        raise UserError(
            f"{path.name} is not an Excel workbook (.xlsx).",
            "Save it from Excel as 'Excel Workbook (*.xlsx)' and try again.",
        )
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise UserError(
            f"{path.name} is not a valid .xlsx file (it may be damaged or still downloading).",
            "Open it in Excel and save it again as an .xlsx workbook.",
        ) from exc
    except PermissionError as exc:
        raise UserError(
            f"Cannot read {path.name}: permission denied.",
            "Close other programs using it and check its permissions.",
        ) from exc


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> sheet XML part, in workbook order."""
    root = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = _rels(zf, "xl/workbook.xml")
    out: dict[str, str] = {}
    for sheet in root.findall("m:sheets/m:sheet", NS):
        rid = sheet.get(R_ID)
        if rid in rels:
            out[sheet.get("name")] = rels[rid][1]
    return out


def tables(zf: zipfile.ZipFile) -> dict[str, TableInfo]:
    """Every Excel table in the workbook, by name."""
    out: dict[str, TableInfo] = {}
    for sheet, part in sheet_parts(zf).items():
        for kind, target in _rels(zf, part).values():
            if kind != TABLE_REL or target not in zf.namelist():
                continue
            root = ET.fromstring(zf.read(target))
            name = root.get("displayName") or root.get("name")
            cols = tuple(
                c.get("name", "") for c in root.findall("m:tableColumns/m:tableColumn", NS)
            )
            out[name] = TableInfo(name, sheet, part, target, root.get("ref"), cols)
    return out
