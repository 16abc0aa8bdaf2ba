"""Build the Award Programme Excel add-in, ``workbook/award_programme.xlam``, on any OS.

Run ``python -m automation.excel.addin`` after editing ``addin/ribbon.xml`` or
``addin/AwardsRibbon.bas``; both are plain text and are the only sources of our ribbon and VBA.

How the add-in is made, and why this way:

* The starting point is ``quickstart_addin_ribbon.xlam`` from the installed (free, BSD) xlwings
  package, read at build time. Its VBA project already holds xlwings' ``RunPython`` module, so the
  add-in's VBA always matches the xlwings Python package it was built with. Nothing of xlwings is
  copied into this repository; only the built ``.xlam`` (a build output) contains it.
* The Office package (a zip) is edited directly rather than through openpyxl, because openpyxl
  drops the customUI relationship from ``_rels/.rels`` and the ribbon would silently vanish. We
  swap in ``customUI/customUI.xml`` and keep every other part and relationship.
* ``xl/vbaProject.bin`` is rewritten here with the standard library plus ``olefile`` (read only).
  We considered the PyPI package ``ms-ovba``: it builds a whole project from scratch (references,
  document modules, xlwings' modules) and is a 0.0.x release, so reusing the template's project
  and changing only what we must is smaller and easier to keep correct. What changes:

  - the template's ribbon module ``RibbonMyAddin`` is renamed to ``AwardsRibbon`` and its source
    replaced by ours; the module list in the ``dir`` stream, the ``PROJECT`` stream and the
    ``PROJECTwm`` stream are updated to match (MS-OVBA 2.3.4);
  - xlwings' module gets one constant changed, ``PROJECT_NAME = "xlwings"``, so ``RunPython`` reads
    the same config as the standard xlwings add-in (``~/.xlwings/xlwings.conf`` on Windows, the
    sandboxed ``xlwings.conf`` on macOS), which is what ``awards excel install`` writes;
  - both rewritten modules are stored as compressed source only (``MODULEOFFSET = 0``, no p-code),
    and ``_VBA_PROJECT`` keeps version ``0xFFFF``: no VBA build matches that version, so Excel
    discards any compiled cache and compiles from the source we wrote. xlwings ships its own
    module the same way, so this is the form Excel already loads in the field;
  - the VBA project is renamed ``AwardProgramme``.

  The compound file (MS-CFB) is then written out afresh by the small writer below, because olefile
  can only overwrite streams in place with the same size.
* The output is reproducible: fixed zip timestamps and no timestamps in the compound file, so
  rebuilding without source changes gives identical bytes.
"""

from __future__ import annotations

import io
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
ADDIN_SOURCES = REPO_ROOT / "addin"
RIBBON_XML = ADDIN_SOURCES / "ribbon.xml"
RIBBON_MODULE = ADDIN_SOURCES / "AwardsRibbon.bas"
DEFAULT_OUT = REPO_ROOT / "workbook" / "award_programme.xlam"

TAB_LABEL = "Award Programme"
VBA_PROJECT_NAME = "AwardProgramme"
XLWINGS_MODULE = "xlwings"
# RunPython reads the user config file <CONFIG_NAME>.conf: "xlwings" makes that xlwings' own
# (xlwings.USER_CONFIG_FILE), which `awards excel install` writes. See setup.install().
CONFIG_NAME = "xlwings"

CUSTOMUI_NS = "http://schemas.microsoft.com/office/2006/01/customui"
CUSTOMUI_PART = "customUI/customUI.xml"
# The relationship type must match the ribbon's namespace: the 2006/01 customUI schema (Office
# 2007 and later) is linked with the 2006 type. The 2007 type belongs to customUI14 (the
# 2009/07 schema, Office 2010): xlwings' template pairs it with 2006/01 XML, which the Open XML
# SDK rejects and Excel 2007 ignores.
CUSTOMUI_REL_TYPE = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
_CUSTOMUI14_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

_TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
_TEMPLATE_RIBBON_MODULE = "RibbonMyAddin"
_TEMPLATE_CONFIG_SHEET = "_myaddin.conf"
_PROJECT_NAME_CONST = re.compile(r'(Public Const PROJECT_NAME As String = )"[^"]*"')
_XLWINGS_VERSION_CONST = re.compile(r'Public Const XLWINGS_VERSION As String = "([^"]+)"')
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class AddinBuildError(Exception):
    """The sources or the xlwings template are not what the builder expects: fix and rebuild."""


# ---------------------------------------------------------------------------------------------
# Ribbon: read and check addin/ribbon.xml
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RibbonButton:
    """One button of the ribbon; ``tag`` is the macro name in ``automation.macros.MACROS``."""

    id: str
    label: str
    tag: str
    on_action: str
    image_mso: str
    screentip: str
    supertip: str
    size: str
    group: str


def ribbon_buttons(xml: bytes) -> list[RibbonButton]:
    """Return the buttons of the "Award Programme" tab, in ribbon order."""
    root = ET.fromstring(xml)
    ns = {"ui": CUSTOMUI_NS}
    if root.tag != f"{{{CUSTOMUI_NS}}}customUI":
        raise AddinBuildError(f"ribbon root must be <customUI xmlns={CUSTOMUI_NS!r}>")
    tab = root.find(f"ui:ribbon/ui:tabs/ui:tab[@label='{TAB_LABEL}']", ns)
    if tab is None:
        raise AddinBuildError(f"ribbon has no tab labelled {TAB_LABEL!r}")
    buttons = []
    for group in tab.findall("ui:group", ns):
        for b in group.findall("ui:button", ns):
            buttons.append(
                RibbonButton(
                    id=b.get("id", ""),
                    label=b.get("label", ""),
                    tag=b.get("tag", ""),
                    on_action=b.get("onAction", ""),
                    image_mso=b.get("imageMso", ""),
                    screentip=b.get("screentip", ""),
                    supertip=b.get("supertip", ""),
                    size=b.get("size", ""),
                    group=group.get("label", ""),
                )
            )
    return buttons


def check_ribbon(xml: bytes, callback: str) -> list[RibbonButton]:
    """Validate the ribbon against our conventions and return its buttons.

    Excel ignores a broken customUI part without saying why, so mistakes are caught here instead.
    """
    buttons = ribbon_buttons(xml)
    if not buttons:
        raise AddinBuildError("the ribbon tab has no buttons")
    problems = []
    all_ids = [e.get("id") for e in ET.fromstring(xml).iter() if e.get("id")]
    for dup in sorted({i for i in all_ids if all_ids.count(i) > 1}):
        problems.append(f"id {dup!r} is used more than once")
    tags = [b.tag for b in buttons]
    for dup in sorted({t for t in tags if tags.count(t) > 1}):
        problems.append(f"tag {dup!r} is used by more than one button")
    for b in buttons:
        where = f"button {b.id or b.label!r}"
        for field in ("id", "label", "image_mso", "screentip", "supertip"):
            if not getattr(b, field):
                problems.append(f"{where} has no {field}")
        # The tag is pasted into a Python string literal by the VBA callback: keep it an identifier.
        if not b.tag.isidentifier():
            problems.append(f"{where} needs a tag that is a Python identifier, not {b.tag!r}")
        if b.on_action != callback:
            problems.append(f"{where} must have onAction={callback!r}")
        if b.size != "large":
            problems.append(f'{where} must have size="large"')
    if problems:
        raise AddinBuildError("addin/ribbon.xml: " + "; ".join(problems))
    return buttons


# ---------------------------------------------------------------------------------------------
# VBA module source: read addin/AwardsRibbon.bas
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VbaModule:
    """A standard VBA module as exported by the VBA editor (first line ``Attribute VB_Name``)."""

    name: str
    source: str  # with CRLF line endings, as the VBA editor stores it

    @classmethod
    def from_bas(cls, text: str) -> VbaModule:
        lines = text.replace("\r\n", "\n").split("\n")
        match = re.fullmatch(r'Attribute VB_Name = "(\w+)"', lines[0].strip())
        if not match:
            raise AddinBuildError('a .bas file must start with: Attribute VB_Name = "<name>"')
        return cls(name=match.group(1), source="\r\n".join(lines).rstrip("\r\n") + "\r\n")

    def public_subs(self) -> list[str]:
        return re.findall(r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(", self.source, flags=re.M | re.I)


# ---------------------------------------------------------------------------------------------
# MS-OVBA 2.4.1 compression, written from the specification
# ---------------------------------------------------------------------------------------------

_CHUNK = 4096


def _copy_token_bits(decompressed_in_chunk: int) -> int:
    """Bits used for the offset of a copy token at this position (MS-OVBA 2.4.1.3.19.1)."""
    return max((decompressed_in_chunk - 1).bit_length(), 4)


def ovba_decompress(data: bytes) -> bytes:
    """Decompress an MS-OVBA CompressedContainer."""
    if not data or data[0] != 1:
        raise ValueError("not an MS-OVBA compressed container (signature byte is not 1)")
    out = bytearray()
    pos = 1
    while pos < len(data):
        (header,) = struct.unpack_from("<H", data, pos)
        chunk_end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        chunk_start = len(out)
        if not header & 0x8000:  # stored raw
            out += data[pos : pos + _CHUNK]
            pos += _CHUNK
            continue
        while pos < chunk_end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                (token,) = struct.unpack_from("<H", data, pos)
                pos += 2
                bits = _copy_token_bits(len(out) - chunk_start)
                length = (token & (0xFFFF >> bits)) + 3
                source = len(out) - ((token >> (16 - bits)) + 1)
                for i in range(length):  # byte by byte: a copy may overlap its own output
                    out.append(out[source + i])
        pos = chunk_end
    return bytes(out)


def ovba_compress(data: bytes) -> bytes:
    """Compress bytes into an MS-OVBA CompressedContainer."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        out += _compress_chunk(data[start : start + _CHUNK])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    body = bytearray()
    seen: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions, to find matches fast

    def remember(upto: int, start: int) -> None:
        for p in range(start, upto):
            if p + 3 <= len(chunk):
                seen.setdefault(chunk[p : p + 3], []).append(p)

    pos = 0
    while pos < len(chunk):
        flag_at = len(body)
        body.append(0)
        for bit in range(8):
            if pos >= len(chunk):
                break
            bits = _copy_token_bits(pos)
            limit = min((0xFFFF >> bits) + 3, len(chunk) - pos)
            best_len, best_at = 0, 0
            # The 64 nearest candidates are plenty for source code; any valid match decodes right.
            for cand in reversed(seen.get(chunk[pos : pos + 3], [])[-64:]):
                n = 0
                while n < limit and chunk[cand + n] == chunk[pos + n]:
                    n += 1
                if n > best_len:
                    best_len, best_at = n, cand
                    if n == limit:
                        break
            if best_len >= 3:
                token = ((pos - best_at - 1) << (16 - bits)) | (best_len - 3)
                body += struct.pack("<H", token)
                body[flag_at] |= 1 << bit
                remember(pos + best_len, pos)
                pos += best_len
            else:
                body.append(chunk[pos])
                remember(pos + 1, pos)
                pos += 1
    if len(body) <= _CHUNK:
        return struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body
    if len(chunk) == _CHUNK:  # incompressible full chunk: store it raw
        return struct.pack("<H", 0x3000 | (_CHUNK + 2 - 3)) + chunk
    raise ValueError("incompressible final chunk cannot be stored")


# ---------------------------------------------------------------------------------------------
# The VBA project's dir, PROJECT and PROJECTwm streams (MS-OVBA 2.3.4)
# ---------------------------------------------------------------------------------------------

_PROJECTNAME = 0x0004
_PROJECTVERSION = 0x0009
_MODULENAME = 0x0019
_MODULENAMEUNICODE = 0x0047
_MODULESTREAMNAME = 0x001A
_MODULESTREAMNAMEUNICODE = 0x0032
_MODULEOFFSET = 0x0031
_MODULE_TERMINATOR = 0x002B


@dataclass
class _Record:
    rid: int
    data: bytes


def parse_dir(data: bytes) -> list[_Record]:
    """Split the decompressed ``dir`` stream into (id, payload) records."""
    records = []
    pos = 0
    while pos < len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        pos += 6
        if rid == _PROJECTVERSION:  # its size field is "Reserved = 4" but 6 bytes follow
            size = 6
        records.append(_Record(rid, data[pos : pos + size]))
        pos += size
    return records


def serialize_dir(records: list[_Record]) -> bytes:
    """Join records back into a decompressed ``dir`` stream (the inverse of ``parse_dir``)."""
    out = bytearray()
    for r in records:
        size = 4 if r.rid == _PROJECTVERSION else len(r.data)
        out += struct.pack("<HI", r.rid, size) + r.data
    return bytes(out)


def _module_groups(records: list[_Record]) -> list[list[_Record]]:
    """The records of each module, MODULENAME through its terminator, in project order."""
    groups: list[list[_Record]] = []
    current: list[_Record] | None = None
    for r in records:
        if r.rid == _MODULENAME:
            current = []
            groups.append(current)
        if current is not None:
            current.append(r)
            if r.rid == _MODULE_TERMINATOR:
                current = None
    return groups


def _field(group: list[_Record], rid: int) -> _Record:
    return next(r for r in group if r.rid == rid)


def module_offsets(dir_records: list[_Record], codepage: str) -> dict[str, int]:
    """Stream name -> MODULEOFFSET (where the compressed source starts in the module stream)."""
    return {
        _field(g, _MODULESTREAMNAME).data.decode(codepage): struct.unpack(
            "<I", _field(g, _MODULEOFFSET).data
        )[0]
        for g in _module_groups(dir_records)
    }


def _codepage(records: list[_Record]) -> str:
    (cp,) = struct.unpack("<H", next(r for r in records if r.rid == 0x0003).data)
    return f"cp{cp}"


def _rename_in_project_stream(text: str, old: str, new: str, project_name: str) -> str:
    """Apply a module rename and the project name to the text of the PROJECT stream."""
    lines = []
    for line in text.split("\r\n"):
        key, sep, value = line.partition("=")
        if key == "Name" and sep:
            value = f'"{project_name}"'
        elif key == "Module" and value == old:
            value = new
        elif key == old and sep:  # the [Workspace] entry of the module
            key = new
        lines.append(f"{key}{sep}{value}")
    return "\r\n".join(lines)


def _projectwm(names: list[str], codepage: str) -> bytes:
    """The PROJECTwm stream: each module name in the code page and in UTF-16 (MS-OVBA 2.3.3)."""
    out = bytearray()
    for name in names:
        out += name.encode(codepage) + b"\x00" + name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def build_vba_project(template: bytes, module: VbaModule) -> bytes:
    """Return a new vbaProject.bin: the template's project with our ribbon module in it."""
    import olefile  # only needed to build or inspect an add-in

    with olefile.OleFileIO(template) as ole:
        streams = {"/".join(p): ole.openstream(p).read() for p in ole.listdir()}

    dir_bytes = ovba_decompress(streams["VBA/dir"])
    records = parse_dir(dir_bytes)
    if serialize_dir(records) != dir_bytes:
        raise AddinBuildError("the template's dir stream did not parse cleanly")
    codepage = _codepage(records)
    groups = {_field(g, _MODULENAME).data.decode(codepage): g for g in _module_groups(records)}
    for needed in (_TEMPLATE_RIBBON_MODULE, XLWINGS_MODULE):
        if needed not in groups:
            raise AddinBuildError(f"xlwings' template has no VBA module {needed!r}")
    offsets = module_offsets(records, codepage)

    # xlwings' module: point RunPython at the standard xlwings config (see the module docstring).
    xl_name = _field(groups[XLWINGS_MODULE], _MODULESTREAMNAME).data.decode(codepage)
    xl_stream = "VBA/" + xl_name
    xl_source = ovba_decompress(streams[xl_stream][offsets[xl_name] :]).decode(codepage)
    xl_source, count = _PROJECT_NAME_CONST.subn(rf'\g<1>"{CONFIG_NAME}"', xl_source)
    if count != 1:
        raise AddinBuildError("xlwings' VBA module no longer declares PROJECT_NAME once")
    streams[xl_stream] = ovba_compress(xl_source.encode(codepage))
    _field(groups[XLWINGS_MODULE], _MODULEOFFSET).data = struct.pack("<I", 0)

    # The template's ribbon module becomes ours: new name, new source, no compiled code.
    group = groups[_TEMPLATE_RIBBON_MODULE]
    old_stream = _field(group, _MODULESTREAMNAME).data.decode(codepage)
    for rid, encoding in (
        (_MODULENAME, codepage),
        (_MODULENAMEUNICODE, "utf-16-le"),
        (_MODULESTREAMNAME, codepage),
        (_MODULESTREAMNAMEUNICODE, "utf-16-le"),
    ):
        _field(group, rid).data = module.name.encode(encoding)
    _field(group, _MODULEOFFSET).data = struct.pack("<I", 0)
    del streams["VBA/" + old_stream]
    try:
        source = module.source.encode(codepage)
    except UnicodeEncodeError as exc:
        raise AddinBuildError(f"module {module.name} has a character outside {codepage}") from exc
    streams["VBA/" + module.name] = ovba_compress(source)

    next(r for r in records if r.rid == _PROJECTNAME).data = VBA_PROJECT_NAME.encode(codepage)
    streams["VBA/dir"] = ovba_compress(serialize_dir(records))

    project = streams["PROJECT"].decode(codepage)
    project = _rename_in_project_stream(
        project, _TEMPLATE_RIBBON_MODULE, module.name, VBA_PROJECT_NAME
    )
    streams["PROJECT"] = project.encode(codepage)
    names = [_field(g, _MODULENAME).data.decode(codepage) for g in _module_groups(records)]
    streams["PROJECTwm"] = _projectwm(names, codepage)

    # Version 0xFFFF matches no VBA build, so Excel ignores compiled code and reads our source.
    vba_project = streams["VBA/_VBA_PROJECT"]
    if vba_project[2:4] != b"\xff\xff":
        streams["VBA/_VBA_PROJECT"] = b"\xcc\x61\xff\xff\x00\x00\x00"
    return write_compound_file(streams)


def read_module_source(vba_project_bin: bytes, module_name: str) -> str:
    """The source code of one VBA module, as Excel will read it (used by doctor and tests)."""
    import olefile

    with olefile.OleFileIO(vba_project_bin) as ole:
        records = parse_dir(ovba_decompress(ole.openstream("VBA/dir").read()))
        codepage = _codepage(records)
        for g in _module_groups(records):
            if _field(g, _MODULENAME).data.decode(codepage) == module_name:
                stream = _field(g, _MODULESTREAMNAME).data.decode(codepage)
                (offset,) = struct.unpack("<I", _field(g, _MODULEOFFSET).data)
                data = ole.openstream("VBA/" + stream).read()
                return ovba_decompress(data[offset:]).decode(codepage)
    raise KeyError(module_name)


def addin_xlwings_version(xlam: Path) -> str | None:
    """The xlwings version whose VBA is inside an add-in, or None if it has no xlwings module."""
    with zipfile.ZipFile(xlam) as z:
        bin_ = z.read("xl/vbaProject.bin")
    try:
        source = read_module_source(bin_, XLWINGS_MODULE)
    except KeyError:
        return None
    match = _XLWINGS_VERSION_CONST.search(source)
    return match.group(1) if match else None


# ---------------------------------------------------------------------------------------------
# MS-CFB (compound file) writer: version 3, 512-byte sectors, written from the specification
# ---------------------------------------------------------------------------------------------

_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_FREESECT, _ENDOFCHAIN, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] | None = None
    sid: int = 0
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    color: int = _BLACK
    start: int = _ENDOFCHAIN
    size: int = 0


def _cfb_key(entry: _Entry) -> tuple[int, str]:
    # MS-CFB 2.6.4: shorter names sort first, then names compare upper-cased.
    return len(entry.name.encode("utf-16-le")), entry.name.upper()


def _link_siblings(items: list[_Entry], depth: int, depths: dict[int, int]) -> int:
    """Build a balanced binary search tree of siblings; return the root's stream id."""
    if not items:
        return _NOSTREAM
    mid = len(items) // 2
    node = items[mid]
    depths[node.sid] = depth
    node.left = _link_siblings(items[:mid], depth + 1, depths)
    node.right = _link_siblings(items[mid + 1 :], depth + 1, depths)
    return node.sid


def _colour_siblings(items: list[_Entry], depths: dict[int, int]) -> None:
    """Make the sibling tree a valid red-black tree, as MS-CFB requires.

    A tree split at the middle has all its empty links on its last two levels, so painting the
    deepest level red (unless that level is full) gives every path the same number of black nodes.
    """
    deepest = max(depths[e.sid] for e in items)
    full = len(items) == 2 ** (deepest + 1) - 1
    for e in items:
        e.color = _RED if depths[e.sid] == deepest and not full else _BLACK


def _dir_entry(e: _Entry | None) -> bytes:
    if e is None:  # an unused slot
        return struct.pack(
            "<64sHBBIII16sIQQIQ", b"", 0, 0, 0, *(_NOSTREAM,) * 3, b"", 0, 0, 0, 0, 0
        )
    name = e.name.encode("utf-16-le") + b"\x00\x00"
    if len(name) > 64:
        raise ValueError(f"compound file names are at most 31 characters: {e.name!r}")
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name),
        e.kind,
        e.color,
        e.left,
        e.right,
        e.child,
        b"",
        0,
        0,
        0,
        e.start,
        e.size,
    )


def write_compound_file(streams: Mapping[str, bytes]) -> bytes:
    """Write a compound file holding ``streams`` (``"VBA/dir"`` is stream dir in storage VBA)."""
    root = _Entry("Root Entry", _ROOT, children={})
    for path, data in streams.items():
        *storages, leaf = path.split("/")
        node = root
        for part in storages:
            assert node.children is not None
            node = node.children.setdefault(part, _Entry(part, _STORAGE, children={}))
        assert node.children is not None
        node.children[leaf] = _Entry(leaf, _STREAM, data=data)

    entries: list[_Entry] = []

    def number(e: _Entry) -> None:
        e.sid = len(entries)
        entries.append(e)
        for child in (e.children or {}).values():
            number(child)

    number(root)
    for e in entries:
        if e.kind == _STORAGE:
            e.start = 0  # MS-CFB 2.6.3: a storage has no data, so start and size are zero
    for e in entries:
        if e.children:
            siblings = sorted(e.children.values(), key=_cfb_key)
            depths: dict[int, int] = {}
            e.child = _link_siblings(siblings, 0, depths)
            _colour_siblings(siblings, depths)

    fat: list[int] = []
    body = bytearray()

    def allocate(data: bytes) -> int:
        if not data:
            return _ENDOFCHAIN
        count = -(-len(data) // _SECTOR)
        start = len(fat)
        fat.extend(range(start + 1, start + count))
        fat.append(_ENDOFCHAIN)
        body.extend(data.ljust(count * _SECTOR, b"\x00"))
        return start

    mini = bytearray()
    minifat: list[int] = []
    for e in entries:
        if e.kind != _STREAM:
            continue
        e.size = len(e.data)
        if e.size >= _MINI_CUTOFF:
            e.start = allocate(e.data)
        elif e.size:
            count = -(-e.size // _MINI_SECTOR)
            e.start = len(minifat)
            minifat.extend(range(e.start + 1, e.start + count))
            minifat.append(_ENDOFCHAIN)
            mini.extend(e.data.ljust(count * _MINI_SECTOR, b"\x00"))
    root.start, root.size = allocate(bytes(mini)), len(mini)

    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat)
    minifat_bytes += b"\xff" * (-len(minifat_bytes) % _SECTOR)
    first_minifat = allocate(minifat_bytes)
    n_minifat = len(minifat_bytes) // _SECTOR

    directory = b"".join(_dir_entry(e) for e in entries)
    directory += _dir_entry(None) * (-len(entries) % (_SECTOR // 128))
    first_dir = allocate(directory)

    n_fat = 1
    while (len(fat) + n_fat) > n_fat * (_SECTOR // 4):
        n_fat += 1
    if n_fat > 109:
        raise ValueError("compound file too large for a header-only FAT index")
    fat_sectors = list(range(len(fat), len(fat) + n_fat))
    fat.extend([_FATSECT] * n_fat)
    fat.extend([_FREESECT] * (n_fat * (_SECTOR // 4) - len(fat)))

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        b"",
        0x003E,  # minor version
        0x0003,  # major version 3: 512-byte sectors
        0xFFFE,  # little-endian
        9,  # sector shift: 2**9 = 512
        6,  # mini sector shift: 2**6 = 64
        b"",
        0,  # directory sectors: always 0 in version 3
        n_fat,
        first_dir,
        0,  # transaction signature
        _MINI_CUTOFF,
        first_minifat if n_minifat else _ENDOFCHAIN,
        n_minifat,
        _ENDOFCHAIN,  # no DIFAT sectors
        0,
    )
    header += struct.pack("<109I", *(fat_sectors + [_FREESECT] * (109 - n_fat)))
    return header + bytes(body) + struct.pack(f"<{len(fat)}I", *fat)


# ---------------------------------------------------------------------------------------------
# The Office package
# ---------------------------------------------------------------------------------------------


def template_path() -> Path:
    """xlwings' ribbon add-in template, from the installed xlwings package."""
    import xlwings

    return Path(xlwings.__file__).parent / _TEMPLATE_NAME


def _check_package(parts: Mapping[str, bytes]) -> None:
    """Fail the build unless the package still declares its ribbon and VBA project correctly."""
    rels = ET.fromstring(parts["_rels/.rels"])
    targets = [
        r.get("Target", "").lstrip("/")
        for r in rels.findall(f"{{{RELS_NS}}}Relationship")
        if r.get("Type") == CUSTOMUI_REL_TYPE
    ]
    if targets != [CUSTOMUI_PART]:
        raise AddinBuildError(f"_rels/.rels must point once at {CUSTOMUI_PART}, not {targets}")
    content_types = ET.fromstring(parts["[Content_Types].xml"])
    defaults = {
        d.get("Extension"): d.get("ContentType") for d in content_types.iter(f"{{{CT_NS}}}Default")
    }
    overrides = {
        o.get("PartName"): o.get("ContentType") for o in content_types.iter(f"{{{CT_NS}}}Override")
    }
    if overrides.get("/" + CUSTOMUI_PART, defaults.get("xml")) != "application/xml":
        raise AddinBuildError("the customUI part must have content type application/xml")
    if overrides.get("/xl/vbaProject.bin") != "application/vnd.ms-office.vbaProject":
        raise AddinBuildError("xl/vbaProject.bin is not declared as a VBA project")
    if overrides.get("/xl/workbook.xml") != "application/vnd.ms-excel.addin.macroEnabled.main+xml":
        raise AddinBuildError("the workbook is not declared as a macro-enabled add-in")


def _set_core_properties(core: bytes) -> bytes:
    """Give the add-in the title and description shown in Excel's Add-ins dialog."""
    text = core.decode("utf-8")
    text = re.sub(
        r"<dc:title\s*/>|<dc:title>.*?</dc:title>", "<dc:title>Award Programme</dc:title>", text
    )
    text = re.sub(
        r"<dc:description\s*/>|<dc:description>.*?</dc:description>",
        "<dc:description>Ribbon buttons for the award programme workbook."
        " They run the project's Python macros through xlwings.</dc:description>",
        text,
    )
    return text.encode("utf-8")


def build_addin(
    out: Path = DEFAULT_OUT,
    *,
    ribbon_xml: Path = RIBBON_XML,
    module_bas: Path = RIBBON_MODULE,
    template: Path | None = None,
) -> Path:
    """Build the add-in from the text sources into ``out`` and return ``out``."""
    module = VbaModule.from_bas(module_bas.read_text(encoding="utf-8"))
    subs = module.public_subs()
    if len(subs) != 1:
        raise AddinBuildError(f"{module_bas.name} must hold exactly one Sub, the ribbon callback")
    ribbon = ribbon_xml.read_bytes()
    check_ribbon(ribbon, callback=f"{module.name}.{subs[0]}")

    with zipfile.ZipFile(template or template_path()) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts[CUSTOMUI_PART] = ribbon
    parts["xl/vbaProject.bin"] = build_vba_project(parts["xl/vbaProject.bin"], module)
    # The template's disabled add-in config sheet is named after its PROJECT_NAME; keep them in step.
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        f'name="{_TEMPLATE_CONFIG_SHEET}"'.encode(), f'name="_{CONFIG_NAME}.conf"'.encode()
    )
    parts["docProps/core.xml"] = _set_core_properties(parts["docProps/core.xml"])
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(
        _CUSTOMUI14_REL_TYPE.encode(), CUSTOMUI_REL_TYPE.encode()
    )
    _check_package(parts)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        # [Content_Types].xml first, as Office writes it; the rest in a stable order.
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.create_system = 0  # as on Windows, so the bytes do not depend on the build OS
            z.writestr(info, parts[name], zipfile.ZIP_DEFLATED)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buffer.getvalue())
    return out


def main() -> None:
    """``python -m automation.excel.addin [OUT]``: build the add-in (default workbook/...xlam)."""
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    try:
        path = build_addin(out)
    except AddinBuildError as exc:
        sys.exit(f"Could not build the add-in: {exc}")
    print(f"Built {path}")


if __name__ == "__main__":
    main()
