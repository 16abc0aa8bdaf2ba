"""Bring a workbook made by an older version up to the tool tables this version writes.

A workbook built before a tool table existed (the D17 requirements on the Evidence sheet,
the very hidden Tool data sheet with the audit seal and the score lock) or with fewer columns
in one (the Audit table's digests) must still take a write. These helpers work on the package
parts as bytes: they add a missing tool sheet or table as an empty Excel table and rewrite a
tool table's column list from the schema, so the writer can then fill it as usual. The user's
sheets are never touched.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, MutableMapping
from xml.sax.saxutils import escape, quoteattr

from automation import schema
from automation.build import layout
from automation.issues import column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_TYPE = f"{REL}/worksheet"
TABLE_TYPE = f"{REL}/table"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
TABLE_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"

Parts = MutableMapping[str, bytes]


def table_columns_xml(spec: schema.Table) -> str:
    """``<tableColumns>`` for a table, from the schema (calculated columns keep their formula)."""
    cols = []
    for i, col in enumerate(spec.columns, start=1):
        name = quoteattr(col.name)
        if col.is_formula:
            f = escape(col.formula.lstrip("="))
            cols.append(
                f'<tableColumn id="{i}" name={name}>'
                f"<calculatedColumnFormula>{f}</calculatedColumnFormula></tableColumn>"
            )
        else:
            cols.append(f'<tableColumn id="{i}" name={name}/>')
    return f'<tableColumns count="{len(cols)}">{"".join(cols)}</tableColumns>'


def sync_table_columns(table_xml: str, spec: schema.Table) -> str:
    """The table definition with its column list matching the schema (unchanged if it does).

    Only for tool tables, whose every column the writer fills: a user table's own columns
    are the user's business.
    """
    names = [_unescape(n) for n in re.findall(r'<tableColumn\b[^>]*?\bname="([^"]*)"', table_xml)]
    if names == list(spec.names):
        return table_xml
    return re.sub(
        r"<tableColumns\b.*?</tableColumns>",
        table_columns_xml(spec),
        table_xml,
        count=1,
        flags=re.S,
    )


def _unescape(text: str) -> str:
    return (
        text.replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


def _rels_part(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _next_number(parts: Iterable[str], pattern: str) -> int:
    found = [int(m.group(1)) for p in parts if (m := re.fullmatch(pattern, p))]
    return max(found, default=0) + 1


def _next_rid(rels_xml: str) -> str:
    used = set(re.findall(r'\bId="([^"]*)"', rels_xml))
    n = 1
    while f"rId{n}" in used:
        n += 1
    return f"rId{n}"


def _add_override(parts: Parts, part: str, content_type: str) -> None:
    ct = parts["[Content_Types].xml"].decode("utf-8")
    entry = f'<Override PartName="/{part}" ContentType="{content_type}"/>'
    parts["[Content_Types].xml"] = ct.replace("</Types>", entry + "</Types>").encode("utf-8")


def _add_relationship(parts: Parts, source: str, rel_type: str, target: str) -> str:
    rels_part = _rels_part(source)
    xml = (
        parts[rels_part].decode("utf-8")
        if rels_part in parts
        else f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG}"></Relationships>'
    )
    rid = _next_rid(xml)
    entry = f'<Relationship Id="{rid}" Type="{rel_type}" Target="/{target}"/>'
    parts[rels_part] = xml.replace("</Relationships>", entry + "</Relationships>").encode("utf-8")
    return rid


def _table_xml(spec: schema.Table, table_id: int, top: int) -> str:
    ref = f"A{top + 1}:{column_letter(len(spec.columns))}{top + 2}"
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<table xmlns="{MAIN}" id="{table_id}" name="{spec.name}" displayName="{spec.name}" '
        f'ref="{ref}" headerRowCount="1"><autoFilter ref="{ref}"/>{table_columns_xml(spec)}'
        '<tableStyleInfo name="TableStyleLight9" showRowStripes="1"/></table>'
    )


def _table_ids(parts: Parts) -> list[int]:
    ids = []
    # By name first: reading every part (items()) inflated the whole package, a long Scores
    # sheet's hundred MB of XML included, to add one table to an older workbook.
    for name in [n for n in parts if n.startswith("xl/tables/") and n.endswith(".xml")]:
        m = re.search(rb'<table\b[^>]*?\bid="(\d+)"', parts[name])
        if m:
            ids.append(int(m.group(1)))
    return ids


def add_table(parts: Parts, sheet_part: str, spec: schema.Table, top: int) -> None:
    """Add an empty Excel table to a sheet part (its rows are written afterwards)."""
    number = _next_number(parts, r"xl/tables/table(\d+)\.xml")
    part = f"xl/tables/table{number}.xml"
    parts[part] = _table_xml(spec, max(_table_ids(parts), default=0) + 1, top).encode("utf-8")
    _add_override(parts, part, TABLE_CT)
    rid = _add_relationship(parts, sheet_part, TABLE_TYPE, part)
    xml = parts[sheet_part].decode("utf-8")
    tag = f'<tablePart xmlns:r="{REL}" r:id="{rid}"/>'
    m = re.search(r'<tableParts\b[^>]*count="(\d+)"[^>]*>', xml)
    if m:
        count = int(m.group(1)) + 1
        opening = re.sub(r'count="\d+"', f'count="{count}"', m.group(0))
        xml = xml[: m.start()] + opening + tag + xml[m.end() :]
    else:
        block = f'<tableParts count="1">{tag}</tableParts>'
        at = xml.find("<extLst")
        xml = (
            (xml[:at] + block + xml[at:])
            if at >= 0
            else xml.replace("</worksheet>", block + "</worksheet>")
        )
    parts[sheet_part] = xml.encode("utf-8")


def add_sheet(parts: Parts, sheet: schema.Sheet) -> str:
    """Add an empty worksheet (at the end, hidden as the schema says); return its part."""
    number = _next_number(parts, r"xl/worksheets/sheet(\d+)\.xml")
    part = f"xl/worksheets/sheet{number}.xml"
    parts[part] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><dimension ref="A1"/>'
        "<sheetData/></worksheet>"
    ).encode()
    _add_override(parts, part, WORKSHEET_CT)
    rid = _add_relationship(parts, "xl/workbook.xml", WORKSHEET_TYPE, part)
    wb = parts["xl/workbook.xml"].decode("utf-8")
    ids = [int(i) for i in re.findall(r'<sheet\b[^>]*?\bsheetId="(\d+)"', wb)]
    state = (
        ' state="veryHidden"' if sheet.very_hidden else (' state="hidden"' if sheet.hidden else "")
    )
    entry = (
        f'<sheet xmlns:r="{REL}" name={quoteattr(sheet.name)} sheetId="{max(ids, default=0) + 1}"'
        f'{state} r:id="{rid}"/>'
    )
    parts["xl/workbook.xml"] = wb.replace("</sheets>", entry + "</sheets>").encode("utf-8")
    return part


def add_missing(
    parts: Parts, sheet_parts: dict[str, str], found: set[str], sheets: Iterable[str]
) -> bool:
    """Add whatever tool sheets and tables of ``sheets`` are missing; True if any was added.

    ``sheet_parts`` maps sheet names to parts and ``found`` names the tables present.
    A table added to an existing sheet goes below everything on it; the writer lays the
    sheet out again anyway.
    """
    changed = False
    for name in sheets:
        sheet = schema.SHEET_BY_NAME[name]
        missing = [t for t in sheet.tables if t not in found]
        if not missing:
            continue
        part = sheet_parts.get(name) or add_sheet(parts, sheet)
        sheet_parts[name] = part
        rows = [int(r) for r in re.findall(rb'<row r="(\d+)"', parts[part])]
        # With none of the sheet's tables left, start where the layout does (the writer then
        # replaces whatever was left below the heading); otherwise go below what is there.
        some_left = len(missing) < len(sheet.tables)
        top = max(rows) + layout.GAP + 1 if rows and some_left else layout.FIRST_TABLE_ROW
        for table in missing:
            add_table(parts, part, schema.TABLE_BY_NAME[table], top)
            top += 4
        changed = True
    return changed


class PackageParts(MutableMapping):
    """The parts of an open package, read on demand, with changed and added parts on top.

    Has ``read`` and ``namelist`` like a ZipFile, so the package helpers work on it too.
    """

    def __init__(self, zf) -> None:
        self._zf = zf
        self._names = set(zf.namelist())
        self.changed: dict[str, bytes] = {}

    def __getitem__(self, name: str) -> bytes:
        if name in self.changed:
            return self.changed[name]
        if name in self._names:
            return self._zf.read(name)
        raise KeyError(name)

    def __setitem__(self, name: str, data: bytes) -> None:
        self.changed[name] = data

    def __delitem__(self, name: str) -> None:
        raise NotImplementedError("parts are never deleted here")

    def __iter__(self):
        return iter(sorted(self._names | set(self.changed)))

    def __len__(self) -> int:
        return len(self._names | set(self.changed))

    def __contains__(self, name: object) -> bool:
        return name in self.changed or name in self._names

    def read(self, name: str) -> bytes:
        return self[name]

    def namelist(self) -> list[str]:
        return list(self)

    @property
    def added(self) -> list[str]:
        return [n for n in self.changed if n not in self._names]


def keep_very_hidden(workbook_xml: str) -> str:
    """Sheets the schema keeps very hidden, made so again.

    LibreOffice saves a very hidden sheet as merely hidden (it has no such state), which
    would let it be unhidden from the menu; every write puts it back.
    """
    for sheet in schema.SHEETS:
        if not sheet.very_hidden:
            continue
        name = re.escape(quoteattr(sheet.name)[1:-1])
        pattern = re.compile(rf'<sheet\b[^>]*\bname="{name}"[^>]*?/>')
        m = pattern.search(workbook_xml)
        if not m:
            continue
        tag = re.sub(r'\s+state="[^"]*"', "", m.group(0))
        tag = tag.replace("<sheet ", '<sheet state="veryHidden" ', 1)
        workbook_xml = workbook_xml[: m.start()] + tag + workbook_xml[m.end() :]
    return workbook_xml


_DEFINED_NAME = re.compile(r"<definedName\b([^>]*?)(?:/>|>[^<]*</definedName>)")
_ATTRIBUTE = re.compile(r'\b(name|localSheetId)="([^"]*)"')


def one_name_each(workbook_xml: str) -> str:
    """Each defined name once in its scope, the first kept.

    LibreOffice writes a sheet's print titles twice when they repeat both rows and columns
    (once in each order); Excel takes a name defined twice in one scope for damage and offers
    to repair the file, so every write keeps the first definition and drops the rest.
    """
    seen: set[tuple[str, str | None]] = set()

    def kept(m: re.Match) -> str:
        attributes = dict(_ATTRIBUTE.findall(m.group(1)))
        # Excel compares names without regard to case.
        key = (attributes.get("name", "").casefold(), attributes.get("localSheetId"))
        if key in seen:
            return ""
        seen.add(key)
        return m.group(0)

    return _DEFINED_NAME.sub(kept, workbook_xml)
