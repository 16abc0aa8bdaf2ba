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
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as _defused_fromstring

from automation.errors import UserError

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
TABLE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"

# Limits that stop a zip bomb before it is inflated. A real workbook's sheet XML compresses
# about 10-40 times; 1.5 GB of spaces compresses over 1,000 times. Small parts (workbook,
# relations, table definitions, styles) are kilobytes in any real file.
SMALL_PART_LIMIT = 64 * 2**20
PART_LIMIT = 3 * 2**30
RATIO_LIMIT = 200
RATIO_FROM = 32 * 2**20
_BIG_PARTS = re.compile(r"^xl/(worksheets/sheet\d+|sharedStrings)\.xml$")

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
    # Why the table cannot be read as declared (a range narrower than its columns, no
    # range at all); None for a sound table. Excel would "repair" such a table on opening.
    problem: str | None = None

    @property
    def header_row(self) -> int:
        return parse_ref(self.ref)[1]

    @property
    def first_col(self) -> int:
        return parse_ref(self.ref)[0]

    @property
    def last_row(self) -> int:
        return parse_ref(self.ref)[3]


def parse_xml(zf: zipfile.ZipFile, part: str) -> Element:
    """One small XML part of the package, parsed with entities and DTDs refused.

    defusedxml stops entity expansion (billion laughs) and external entities (XXE); a part
    that is missing or not XML is a damaged workbook, which the user can repair in Excel.
    """
    name = getattr(zf, "filename", None) or "the workbook"
    try:
        data = zf.read(part)
    except KeyError as exc:
        raise damaged(name, f"its part {part} is missing") from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise damaged(name, f"its part {part} cannot be unpacked ({exc})") from exc
    try:
        return _defused_fromstring(data)
    except DefusedXmlException as exc:
        raise damaged(
            name, f"its part {part} declares XML entities, which Excel never writes"
        ) from exc
    except (ParseError, ValueError) as exc:
        raise damaged(name, f"its part {part} is not well-formed XML ({exc})") from exc


def damaged(name: str | Path, why: str) -> UserError:
    """The one message for a workbook whose package is broken."""
    return UserError(
        f"{Path(name).name} is damaged: {why}.",
        "Open it in Excel (Excel offers to repair it) and save it again as an .xlsx workbook, "
        "or go back to the copy in the backups folder.",
    )


def check_sizes(zf: zipfile.ZipFile, name: str | Path) -> None:
    """Refuse a package whose parts would inflate to an absurd size (a zip bomb)."""
    for info in zf.infolist():
        limit = PART_LIMIT if _BIG_PARTS.match(info.filename) else SMALL_PART_LIMIT
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limit or (info.file_size > RATIO_FROM and ratio > RATIO_LIMIT):
            raise UserError(
                f"{Path(name).name} is not a workbook the tool will open: its part "
                f"{info.filename} would unpack to {info.file_size / 2**20:,.0f} MB "
                f"({ratio:,.0f} times its packed size).",
                "A real workbook never looks like this; if it came from outside, do not open "
                "it. Otherwise open it in Excel, delete unused rows and save it again.",
            )


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, absolute target part) for a part."""
    folder, name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", name + ".rels")
    if rels_part not in zf.namelist():
        return {}
    root = parse_xml(zf, rels_part)
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
    if path.is_dir():
        raise UserError(
            f"{path} is a folder, not a workbook.",
            f"Give the path of the .xlsx file inside it, e.g. {path / 'award_programme.xlsx'}.",
        )
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        raise UserError(
            f"{path.name} is not an Excel workbook (.xlsx).",
            "Save it from Excel as 'Excel Workbook (*.xlsx)' and try again.",
        )
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise UserError(
            f"{path.name} is not a valid .xlsx file (it may be damaged or still downloading).",
            "Open it in Excel and save it again as an .xlsx workbook.",
        ) from exc
    except PermissionError as exc:
        raise UserError(
            f"Cannot read {path.name}: permission denied.",
            "Close other programs using it and check its permissions.",
        ) from exc
    except OSError as exc:
        raise UserError(
            f"Cannot read {path.name}: {exc.strerror or exc}.",
            "Check that the file is reachable (a network drive may be offline) and try again.",
        ) from exc
    try:
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names:
            kind = (
                "a Word document"
                if "word/document.xml" in names
                else "a PowerPoint file"
                if "ppt/presentation.xml" in names
                else "a zip file"
            )
            raise UserError(
                f"{path.name} is {kind}, not an Excel workbook (it has no workbook part).",
                "Choose the programme workbook (.xlsx) instead; if the name was changed by "
                "hand, give it its real extension back.",
            )
        check_sizes(zf, path)
    except BaseException:
        zf.close()
        raise
    return zf


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> sheet XML part, in workbook order."""
    root = parse_xml(zf, "xl/workbook.xml")
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
            root = parse_xml(zf, target)
            name = root.get("displayName") or root.get("name")
            cols = tuple(
                c.get("name", "") for c in root.findall("m:tableColumns/m:tableColumn", NS)
            )
            ref = root.get("ref") or ""
            out[name] = TableInfo(name, sheet, part, target, ref, cols, _table_problem(ref, cols))
    return out


def _table_problem(ref: str, columns: tuple[str, ...]) -> str | None:
    try:
        c1, r1, c2, r2 = parse_ref(ref)
    except ValueError:
        return f"its range {ref!r} is not a cell range"
    if c2 - c1 + 1 != len(columns):
        return f"its range {ref} is {c2 - c1 + 1} columns wide but it lists {len(columns)}"
    if r2 < r1 or not columns:
        return f"its range {ref} has no header row"
    return None
