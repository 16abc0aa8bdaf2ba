"""Write the tool-owned sheets (Results, Judging, Issues, Audit log) into a user's workbook.

Loading and re-saving a whole workbook with openpyxl takes about a minute on a 300,000-row
Scores sheet and can lose things openpyxl does not understand. Instead we patch the .xlsx
package: only the XML of the sheets the tool owns and their table definitions are replaced;
every other part (the user's sheets, formatting, validations, extra sheets) is copied as is.
The new file is written beside the original and swapped in atomically after a timestamped
backup is made, so a failed write never damages the user's file.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

try:  # ISA-L's deflate, much faster than zlib's at its fastest level; zlib when missing
    from isal import isal_zlib as _fast_zlib
except ImportError:  # pragma: no cover - isal has wheels for the usual platforms
    _fast_zlib = zlib

from automation import schema
from automation.build import layout, printing
from automation.column_text import by_distinct, is_text, text_array
from automation.errors import UserError
from automation.io import moved, sheet_xml
from automation.io.package import TableInfo, damaged, open_package, parse_ref, sheet_parts, tables
from automation.io.print_areas import (
    edited_sheet_areas,
    set_print_areas,
    set_title_columns,
    user_print_areas,
)
from automation.io.rows import TableEdit, patch_table
from automation.io.safe_save import check_writable, replace, saving, verified_copy
from automation.io.sheet_xml import cell as _cell  # also the cell writer of io.rows
from automation.io.upgrade import PackageParts, add_missing, keep_very_hidden, one_name_each
from automation.issues import column_letter

BACKUPS_KEPT = 10
BIG_PART = 8_000_000  # bytes of XML above which a part is deflated at the fastest level
# A piece of a new part's bytes (a long sheet is never joined into one string).
Chunk = bytes | pa.Buffer


@dataclass(frozen=True)
class WriteResult:
    path: Path
    backup: Path | None
    rows: dict[str, int]

    def backup_lines(self) -> list[str]:
        """The line telling the user where the workbook as it was is kept (none if no backup)."""
        return [f"Backup of the workbook as it was: {self.backup}."] if self.backup else []


def lock_file(path: Path) -> Path:
    """The owner file Excel keeps beside a workbook it has open."""
    return path.with_name("~$" + path.name)


def check_not_open(path: Path) -> None:
    if lock_file(path).exists():
        raise UserError(
            f"{path.name} is open in Excel (found {lock_file(path).name} beside it).",
            "Close the workbook in Excel, or use the ribbon buttons inside Excel, then try "
            "again. If Excel is not running, delete the ~$ file.",
        )


# --------------------------------------------------------------------------------------------
# Reading styles back from the sheet the builder (or an earlier run) made
# --------------------------------------------------------------------------------------------
_CELL_TAG = re.compile(r'<c r="([A-Z]+)(\d+)"([^>]*?)(/?)>')
_STYLE = re.compile(r'\bs="(\d+)"')


def _row_xml(xml: str, row: int) -> str:
    start = xml.find(f'<row r="{row}"')
    if start < 0:
        return ""
    end = xml.find("</row>", start)
    gt = xml.find(">", start)
    # Only a "/>" ending the row's own tag matters: looking further scanned the rest of a long
    # sheet whose cells all have values.
    close = xml.find("/>", start, gt + 1)
    if close >= 0 and close < gt + 1 and (end < 0 or close < end):
        return xml[start : close + 2]
    return xml[start : end + 6]


def _row_styles(xml: str, row: int) -> dict[str, str]:
    out = {}
    for m in _CELL_TAG.finditer(_row_xml(xml, row)):
        st = _STYLE.search(m.group(3))
        if st:
            out[m.group(1)] = st.group(1)
    return out


@dataclass
class _TableStyles:
    title: str | None
    header: dict[int, str | None]
    body: dict[int, str | None]


def _styles_for(xml: str, info: TableInfo, ncols: int) -> _TableStyles:
    c1, r1, _, _ = parse_ref(info.ref)
    title = _row_styles(xml, r1 - 1).get(column_letter(c1))
    header = _row_styles(xml, r1)
    body = _row_styles(xml, r1 + 1)
    return _TableStyles(
        title,
        {j: header.get(column_letter(c1 + j)) for j in range(ncols)},
        {j: body.get(column_letter(c1 + j)) for j in range(ncols)},
    )


# --------------------------------------------------------------------------------------------
# Sheet generation
# --------------------------------------------------------------------------------------------
def _height(points: float | None) -> str:
    return f' ht="{points:g}" customHeight="1"' if points else ""


def _body_heights(
    spec: schema.Table, frame: pd.DataFrame, widths: list[float], n: int
) -> pa.Array | pa.Scalar:
    """Row heights for wrapped long text, so printed notes do not overlap the next row.

    Estimated from the text's length (cheap on a long table), per wrapped column, largest wins.
    """
    lines = np.ones(n, dtype=np.int64)
    if len(frame):
        for j, col in enumerate(spec.columns):
            if col.type not in printing.WRAPPED or col.name not in frame.columns:
                continue
            values = frame[col.name]
            strings = text_array(values) if is_text(values) else None
            if strings is not None:  # what str.len() of the text gives, counted in C
                length = pc.utf8_length(strings).fill_null(0).to_numpy(zero_copy_only=False)
            else:
                length = values.astype("string").str.len().fillna(0).astype(int).to_numpy()
            # Worked out once per distinct length: a long table has few.
            lengths, where = np.unique(length, return_inverse=True)
            need = [printing.quick_lines(int(k), widths[j]) for k in lengths]
            lines = np.maximum(lines, np.asarray(need, dtype=np.int64)[where])
    if (lines <= 1).all():
        return pa.scalar(_height(printing.row_height(1)), pa.large_string())
    return by_distinct(pd.Series(lines), lambda k: _height(printing.row_height(int(k))), "")


def _table_rows_xml(
    spec: schema.Table,
    frame: pd.DataFrame,
    top: int,
    styles: _TableStyles,
    widths: list[float] | None = None,
) -> tuple[Iterator[Chunk], str]:
    """The XML of a table's title row, header row and body rows (made as they are taken),
    and the table's range."""
    return _rows_xml(spec, frame, top, styles, widths), _table_ref(spec, len(frame), top)


def _table_ref(spec: schema.Table, count: int, top: int) -> str:
    """The range of a tool table of ``count`` rows whose title is on row ``top`` (an empty
    table keeps one blank row)."""
    return f"A{top + 1}:{column_letter(len(spec.columns))}{top + 1 + max(count, 1)}"


def _rows_xml(
    spec: schema.Table,
    frame: pd.DataFrame,
    top: int,
    styles: _TableStyles,
    widths: list[float] | None,
) -> Iterator[Chunk]:
    cols = spec.columns
    letters = [column_letter(j + 1) for j in range(len(cols))]
    title = f'<row r="{top}">{_cell(f"A{top}", spec.title, styles.title)}</row>'
    header = "".join(
        _cell(f"{letters[j]}{top + 1}", c.name, styles.header[j]) for j, c in enumerate(cols)
    )
    widths = widths or [c.width for c in cols]
    header = f'<row r="{top + 1}"{_height(printing.header_height(spec, widths))}>{header}</row>'
    yield title.encode("utf-8")
    yield header.encode("utf-8")
    count = len(frame)
    n = max(count, 1)
    # Built a column at a time, each column by the one cell writer its type needs, and the
    # rows joined in C: a Python call per cell was most of the time on a 60,000-row table.
    # A long table goes in slices of rows, so the per-column pieces of only one slice are
    # held at a time (they are several times the size of the XML they make).
    for first in range(0, n, ROWS_AT_ONCE):
        rows = min(ROWS_AT_ONCE, n - first)
        part = frame.iloc[first : first + rows] if count else frame
        numbers = sheet_xml.row_numbers(top + 2 + first, rows)
        pieces = [
            piece
            for j, c in enumerate(cols)
            for piece in sheet_xml.column_cells(
                c, part, letters[j], numbers, styles.body[j], rows if count else 0
            )
        ]
        heights = _body_heights(spec, part, widths, rows)
        xml = sheet_xml.join(_ROW_OPEN, numbers, _QUOTE, heights, _GT, *pieces, _ROW_CLOSE)
        yield sheet_xml.concatenated(xml)


# Rows of a tool table turned into XML at once (see _table_rows_xml).
ROWS_AT_ONCE = 8_192


_ROW_OPEN, _QUOTE, _GT, _ROW_CLOSE = (
    pa.scalar(t, pa.large_string()) for t in ('<row r="', '"', ">", "</row>")
)


def _replace_sheet_data(xml: str, rows: Iterable[Chunk], dimension: str) -> Iterator[Chunk]:
    """The sheet's XML (UTF-8, in pieces) with ``rows`` as its sheetData and its dimension set.

    Kept as pieces of bytes: the rows are tens of MB on a long table; they are never decoded
    nor copied into one string, but compressed piece by piece as they are made (``_packed``).
    """
    m = re.search(r"<sheetData\s*/>|<sheetData>.*</sheetData>", xml, flags=re.S)
    if not m:
        raise UserError(
            "A sheet the tool writes has an unexpected layout.",
            "Replace the sheet with a fresh copy from the template.",
        )
    head, tail = xml[: m.start()], xml[m.end() :]
    if re.search(r"<dimension [^>]*/>", head) or re.search(r"<dimension [^>]*/>", tail):
        # The rows hold no markup of their own (text is escaped), so the first dimension
        # element is in the head, or else in the tail.
        new = f'<dimension ref="{dimension}"/>'
        head, done = re.subn(r'<dimension ref="[^"]*"\s*/>', new, head, count=1)
        if not done:
            tail = re.sub(r'<dimension ref="[^"]*"\s*/>', new, tail, count=1)
    return itertools.chain(
        [head.encode("utf-8"), b"<sheetData>"], rows, [b"</sheetData>", tail.encode("utf-8")]
    )


def _set_table_ref(xml: str, ref: str) -> str:
    xml = re.sub(r'(<table\b[^>]*?\bref=")[^"]*(")', rf"\g<1>{ref}\g<2>", xml, count=1)
    return re.sub(r'(<autoFilter\b[^>]*?\bref=")[^"]*(")', rf"\g<1>{ref}\g<2>", xml, count=1)


def _drop_calc_chain(parts: dict[str, bytes]) -> None:
    """Excel rebuilds calcChain.xml; a stale one makes it offer to repair the file."""
    parts.pop("xl/calcChain.xml", None)
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    rels = re.sub(r"<Relationship [^>]*calcChain[^>]*/>", "", rels)
    parts["xl/_rels/workbook.xml.rels"] = rels.encode("utf-8")
    ct = parts["[Content_Types].xml"].decode("utf-8")
    ct = re.sub(r'<Override [^>]*PartName="/xl/calcChain.xml"[^>]*/>', "", ct)
    parts["[Content_Types].xml"] = ct.encode("utf-8")


def _full_calc_on_load(workbook_xml: str) -> str:
    if "<calcPr" not in workbook_xml:
        return workbook_xml.replace("</workbook>", '<calcPr fullCalcOnLoad="1"/></workbook>')
    if "fullCalcOnLoad" in workbook_xml:
        return re.sub(r'fullCalcOnLoad="[^"]*"', 'fullCalcOnLoad="1"', workbook_xml)
    return workbook_xml.replace("<calcPr", '<calcPr fullCalcOnLoad="1"', 1)


SMALL_PARTS = ("xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/workbook.xml")


def save_target(path: Path | str, dest: Path | str | None) -> tuple[Path, Path]:
    """The workbook and where to save it, once it is safe to: neither open in Excel, and the
    target not read-only."""
    path = Path(path)
    target = Path(dest) if dest else path
    check_not_open(path)
    if target != path:
        check_not_open(target)
    check_writable(target)
    return path, target


def read_small_parts(read: Callable[[str], bytes], path: Path) -> dict[str, bytes]:
    """The package parts every save rewrites (relations, content types, workbook)."""
    out = {}
    for name in SMALL_PARTS:
        try:
            out[name] = read(name)
        except KeyError as exc:
            raise damaged(path, f"its part {name} is missing") from exc
    return out


def write_package(
    zf: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    parts: Mapping[str, Part | None],
    tmp: Path,
    *,
    added: Collection[str] = (),
    read_added: Callable[[str], bytes] | None = None,
) -> None:
    """Write the package to ``tmp``: ``parts`` maps each part kept to its new bytes (or those
    deflated already), or None to copy it unchanged (compressed, without inflating it);
    parts not in ``parts`` are
    dropped (calcChain). ``added`` parts come from ``read_added`` (tool sheets an older
    workbook lacked). Flushed to disk before the caller swaps it in."""
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as out:
        for info in infos:
            if info.filename not in parts:
                continue
            data = parts[info.filename]
            if data is None and info.filename in added and read_added is not None:
                data = read_added(info.filename)
            if data is None and copy_compressed(zf, info, out):
                continue
            if data is None:
                data = zf.read(info)
            zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            # A long Results or Panel sheet is tens of MB of XML: deflated fast (Excel
            # recompresses on its next save anyway).
            if not isinstance(data, Deflated):
                data = _packed([data])
            if isinstance(data, Deflated):
                zi.CRC, zi.file_size = data.crc, data.size
                zi.compress_size = sum(len(r) for r in data.raw)
                _add_entry(out, zi, data.raw)
                continue
            out.writestr(zi, data, compresslevel=6)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())


def _has_range(info: TableInfo) -> bool:
    try:
        parse_ref(info.ref)
    except ValueError:
        return False
    return True


def render_tool_sheets(
    zf: zipfile.ZipFile | PackageParts,
    frames: Mapping[str, pd.DataFrame],
    found: Mapping[str, TableInfo] | None = None,
) -> tuple[dict[str, Part], dict[str, int], dict[str, str]]:
    """New XML for each tool-owned sheet that has a table in ``frames``, and its tables.

    ``found``: the package's tables when the caller has them (``package.tables``)."""
    found = tables(zf) if found is None else found
    parts_by_sheet = sheet_parts(zf)
    out: dict[str, Part] = {}
    counts: dict[str, int] = {}
    areas: dict[str, str] = {}
    rows_on: dict[str, int] = {}
    for name, frame in frames.items():
        sheet_name = schema.TABLE_BY_NAME[name].sheet
        rows_on[sheet_name] = rows_on.get(sheet_name, 0) + len(frame)
    sheets = sorted(rows_on, key=lambda s: -rows_on[s])  # the longest started first
    for sheet_name in sheets:
        if sheet_name not in schema.TOOL_SHEETS:
            raise ValueError(f"{sheet_name} is not a tool-owned sheet")
    # A sheet's XML is built mostly by arrow kernels, which release the GIL: the two long
    # sheets of a big programme (Results, Judging) are built side by side on two cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        rendered = list(
            pool.map(lambda name: _render_sheet(zf, name, frames, found, parts_by_sheet), sheets)
        )
    for name, (parts, sheet_counts, area) in zip(sheets, rendered, strict=True):
        out.update(parts)
        counts.update(sheet_counts)
        areas[name] = area
    return out, counts, areas


def render_adding_missing(zf: zipfile.ZipFile, frames: Mapping[str, pd.DataFrame]):
    """``render_tool_sheets`` on a workbook that may be older than this version: the tool
    sheets and tables of ``frames``' sheets it lacks are added empty first (the user's sheets
    are untouched). Returns the package view (with the additions), the new parts (additions
    and rendered sheets), the row counts, the print areas and the tables found."""
    view = PackageParts(zf)
    found = tables(zf)  # read once: parsing every table part is a good part of a small write
    sheets = {schema.TABLE_BY_NAME[name].sheet for name in frames}
    if add_missing(view, sheet_parts(zf), set(found), sheets):
        found = tables(view)
    parts, counts, areas = render_tool_sheets(view, frames, found)
    return view, {**view.changed, **parts}, counts, areas, found


def _render_sheet(
    zf: zipfile.ZipFile | PackageParts,
    sheet_name: str,
    frames: Mapping[str, pd.DataFrame],
    found: Mapping[str, TableInfo],
    parts_by_sheet: Mapping[str, str],
) -> tuple[dict[str, Part], dict[str, int], str]:
    """One tool sheet's new XML (with its table and notes parts), its tables' row counts and
    its print area."""
    sheet = schema.SHEET_BY_NAME[sheet_name]
    out: dict[str, Part] = {}
    counts: dict[str, int] = {}
    # A tool table is rewritten whole, so a wrong column count is repaired here; only a
    # table with no usable range cannot be placed.
    missing = [t for t in sheet.tables if t not in found or not _has_range(found[t])]
    if sheet_name not in parts_by_sheet or missing:
        raise UserError(
            f"The '{sheet_name}' sheet or its table(s) {', '.join(missing)} are missing.",
            f"Copy the '{sheet_name}' sheet from a fresh template (awards template) into "
            "this workbook.",
        )
    part = parts_by_sheet[sheet_name]
    xml = zf.read(part).decode("utf-8")
    first_top = min(parse_ref(found[t].ref)[1] for t in sheet.tables) - 1
    keep = [_row_xml(xml, r) for r in range(1, first_top)]
    rows: list[Chunk] = [r.encode("utf-8") for r in keep if r]
    frames_here = [frames.get(t, pd.DataFrame()) for t in sheet.tables]
    tops = layout.table_tops([len(f) for f in frames_here])
    shift = first_top - layout.FIRST_TABLE_ROW
    last_ref = "A1"
    notes: list[tuple[int, int, str]] = []  # (row, column, text) of header notes
    widths = printing.column_widths(sheet)
    spans: list[tuple[int, int]] = []
    tables_rows: list[Iterable[Chunk]] = []
    for name, frame, top in zip(sheet.tables, frames_here, tops, strict=True):
        spec = schema.TABLE_BY_NAME[name]
        styles = _styles_for(xml, found[name], len(spec.columns))
        table_rows, ref = _table_rows_xml(spec, frame, top + shift, styles, widths)
        spans.append((top + shift, parse_ref(ref)[3]))
        tables_rows.append(table_rows)
        table_xml = zf.read(found[name].part).decode("utf-8")
        table_xml = moved.set_table_columns(_set_table_ref(table_xml, ref), spec)
        out[found[name].part] = table_xml.encode("utf-8")
        counts[name] = len(frame)
        header_row = top + shift + 1
        notes.extend(
            (header_row, j, text)
            for j, col in enumerate(spec.columns)
            if (text := layout.note_text(spec, col))
        )
        last_ref = ref
    out.update(_notes_parts(zf, part, notes))
    width = max(len(schema.TABLE_BY_NAME[t].columns) for t in sheet.tables)
    dim = f"A1:{column_letter(width)}{parse_ref(last_ref)[3]}"
    out[part] = _packed(_replace_sheet_data(xml, itertools.chain(rows, *tables_rows), dim))
    return out, counts, printing.print_area(spans, printing.area_columns(sheet), sheet_name)


def _notes_parts(
    zf: zipfile.ZipFile, sheet_part: str, notes: list[tuple[int, int, str]]
) -> dict[str, bytes]:
    """Header notes written afresh where each table's header now is (they do not move with
    a table by themselves; see ``automation.io.moved``)."""
    comments, vml = moved.drawing_parts(zf, sheet_part)
    if not comments or not vml:
        return {}  # the sheet has no notes (removed by the user): leave it so
    drawing = moved.vml_xml(
        zf.read(vml).decode("utf-8"),
        [(r - 1, c) for r, c, _ in notes],
        [layout.note_size(text) for _, _, text in notes],
    )
    if drawing is None:
        return {}
    cells = [(f"{column_letter(c + 1)}{r}", text) for r, c, text in notes]
    return {
        comments: moved.comments_xml(cells, layout.NOTE_AUTHOR).encode("utf-8"),
        vml: drawing.encode("utf-8"),
    }


def _show_patched(view: PackageParts, patched: Mapping[str, bytes]) -> dict[str, TableInfo]:
    """The tables once ``patched`` parts replace theirs (the view shows them from here on):
    a table patched in place may have pushed the ones below it down."""
    for name, data in patched.items():
        view[name] = data
    return tables(view)


def _sheet_xml(parts: Mapping[str, Part]) -> dict[str, str]:
    """The worksheet parts among ``parts``, as text."""
    return {
        name: data.decode("utf-8")
        for name, data in parts.items()
        if name.startswith("xl/worksheets/") and isinstance(data, bytes)
    }


def finished_workbook_xml(
    workbook_xml: str, areas: Mapping[str, str] | None = None, written: Collection[str] = ()
) -> str:
    """workbook.xml as every write leaves it: worked out afresh when opened, the schema's very
    hidden sheets very hidden again (LibreOffice saves them as hidden), the print areas in
    ``areas`` set and the title columns of the sheets ``written``, and each defined name
    once in its scope (LibreOffice writes print titles twice)."""
    workbook_xml = keep_very_hidden(_full_calc_on_load(workbook_xml))
    workbook_xml = set_title_columns(set_print_areas(workbook_xml, areas or {}), written, areas)
    return one_name_each(workbook_xml)


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_ZIP64_LIMIT = 0xFFFFFFFF


@dataclass(frozen=True)
class Deflated:
    """A part deflated as soon as it was made, so a long sheet's XML is not kept until the
    package is written: its CRC, uncompressed size and raw deflate bytes."""

    crc: int
    size: int
    raw: tuple[bytes, ...]


Part = bytes | Deflated  # a new part: its bytes, or deflated already


def deflated(chunks: Iterable[Chunk]) -> Part:
    """``chunks`` (one part, in pieces, taken one at a time) deflated at the fastest level,
    with ISA-L when it is installed (about four times zlib's fastest level, and smaller). A
    part too big for a plain zip entry comes back as its bytes (the caller writes it with
    ZIP64 the usual way)."""
    deflate = _fast_zlib.compressobj(1, _fast_zlib.DEFLATED, -15)
    crc, size, raw = 0, 0, []
    for chunk in chunks:
        crc = _fast_zlib.crc32(chunk, crc)
        size += len(chunk)
        raw.append(deflate.compress(chunk))
    raw.append(deflate.flush())
    if max(size, sum(len(r) for r in raw)) >= _ZIP64_LIMIT:
        inflate = zlib.decompressobj(-15)
        return b"".join(inflate.decompress(r) for r in raw) + inflate.flush()
    return Deflated(crc, size, tuple(raw))


def _packed(chunks: Iterable[Chunk]) -> Part:
    """A new part as it is kept until the package is written. Pieces are taken as they are
    made: once the part is long it is deflated as it goes, so a long sheet's XML is never
    held whole (two sheets are built at once)."""
    held: list[Chunk] = []
    size = 0
    rest = iter(chunks)
    for chunk in rest:
        held.append(chunk)
        size += len(chunk)
        if size > BIG_PART:
            return deflated(_drained(held, rest))
    return b"".join(held)


def _drained(held: list[Chunk], rest: Iterator[Chunk]) -> Iterator[Chunk]:
    held.reverse()
    while held:  # let go of each held piece once it is used
        yield held.pop()
    yield from rest


def _add_entry(out: zipfile.ZipFile, zi: zipfile.ZipInfo, raw: list[bytes]) -> None:
    """Write an entry whose compressed bytes and sizes are known, and register it in the
    central directory as ZipFile.writestr would (the stdlib has no public call for this)."""
    zi.header_offset = out.fp.tell()
    out.fp.write(zi.FileHeader(zip64=False))
    for piece in raw:
        out.fp.write(piece)
    out.filelist.append(zi)
    out.NameToInfo[zi.filename] = zi
    out.start_dir = out.fp.tell()


def copy_compressed(src: zipfile.ZipFile, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> bool:
    """Copy an unchanged part as its compressed bytes, without inflating and deflating it.

    The user's own sheets (a long Scores sheet is hundreds of MB of XML) are most of the
    package; copying them compressed is what keeps a write fast. The stdlib has no public call
    for this, so the local header is written with ZipInfo.FileHeader and the entry registered
    in the central directory as ZipFile.writestr would. Returns False (caller copies the slow
    way) for anything unusual: encrypted entries, other compression methods, ZIP64 sizes.
    """
    if (
        info.flag_bits & 0x01
        or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
        or max(info.compress_size, info.file_size) >= 0xFFFFFFFF
    ):
        return False
    src.fp.seek(info.header_offset)
    header = _LOCAL_HEADER.unpack(src.fp.read(_LOCAL_HEADER.size))
    name_length, extra_length = header[-2], header[-1]
    src.fp.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    raw = src.fp.read(info.compress_size)
    if len(raw) != info.compress_size:
        return False
    zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    zi.compress_type = info.compress_type
    zi.CRC, zi.compress_size, zi.file_size = info.CRC, info.compress_size, info.file_size
    zi.external_attr = info.external_attr
    zi.flag_bits = info.flag_bits & 0x800  # keep UTF-8 names; sizes are in the header now
    _add_entry(out, zi, [raw])
    return True


def _backup_path(path: Path, now: dt.datetime) -> Path:
    """A backup name not yet taken: two writes in the same second (a script, or two quick
    clicks) would otherwise replace the first one's backup, the only copy of that version."""
    folder = path.parent / "backups"
    folder.mkdir(exist_ok=True)
    stamp = f"{path.stem} {now:%Y-%m-%d %H%M%S}"
    dest, n = folder / f"{stamp}{path.suffix}", 1
    while dest.exists():
        n += 1
        dest = folder / f"{stamp}-{n}{path.suffix}"
    return dest


_BACKUP_NAME = re.compile(r" (\d{4}-\d{2}-\d{2} \d{6})(?:-(\d+))?$")


def _prune_backups(path: Path) -> None:
    folder = path.parent / "backups"
    found = []
    for f in folder.glob(f"{path.stem} ????-??-?? ??????*{path.suffix}"):
        m = _BACKUP_NAME.search(f.stem[len(path.stem) :])
        if m and f.stem[: len(path.stem)] == path.stem:
            found.append(((m.group(1), int(m.group(2) or 1)), f))
    for _, f in sorted(found)[:-BACKUPS_KEPT]:
        f.unlink(missing_ok=True)


def backup_copy(path: Path, now: dt.datetime | None = None) -> Path:
    """Copy ``path`` into ``backups/`` beside it with a timestamp; keep the last few.

    The copy is verified against the original before it gets its name (safe_save), so a
    backup is never a truncated file.
    """
    try:
        dest = _backup_path(path, now or dt.datetime.now())
    except OSError as exc:
        raise UserError(
            f"Could not make the backups folder beside {path.name}: {exc.strerror or exc}.",
            "Save the workbook in a folder you can write to, then try again.",
        ) from exc
    verified_copy(path, dest)
    _prune_backups(path)
    return dest


def _make_folder(folder: Path) -> list[Path]:
    """Create ``folder`` (and missing parents); return the ones made, deepest first."""
    made = []
    probe = folder
    while not probe.exists():
        made.append(probe)
        probe = probe.parent
    folder.mkdir(parents=True, exist_ok=True)
    return made


def _remove_folders(made: list[Path]) -> None:
    """Undo :func:`_make_folder` after a failed write, so no empty folder is left behind."""
    for folder in made:
        try:
            folder.rmdir()
        except OSError:
            break  # something else was put there: leave it


def render_table_edits(
    zf: zipfile.ZipFile,
    edits: Mapping[str, TableEdit],
    parts: Mapping[str, bytes],
    found: Mapping[str, TableInfo] | None = None,
) -> tuple[dict[str, bytes], dict[str, int]]:
    """New XML for the sheets and table parts that ``edits`` change (see ``io.rows``)."""
    found = tables(zf) if found is None else found
    out: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    for name, edit in edits.items():
        spec = schema.TABLE_BY_NAME[name]
        if spec.sheet in schema.TOOL_SHEETS:
            raise ValueError(f"{name} is on a tool sheet; write it as a frame")
        info = found.get(name)
        if info is None:
            raise UserError(
                f"The table '{name}' is missing from the '{spec.sheet}' sheet.",
                f"Copy the '{spec.sheet}' sheet's {name} table from a fresh template "
                "(awards template) into this workbook.",
            )
        sheet = out.get(info.sheet_part) or parts.get(info.sheet_part) or zf.read(info.sheet_part)
        result = patch_table(sheet.decode("utf-8"), info, spec, edit)
        out[info.sheet_part] = result.sheet_xml.encode("utf-8")
        table_xml = zf.read(info.part).decode("utf-8")
        out[info.part] = _set_table_ref(table_xml, result.table_ref).encode("utf-8")
        counts[name] = result.rows_written
    return out, counts


def write_tool_tables(
    path: Path | str,
    frames: Mapping[str, pd.DataFrame],
    *,
    dest: Path | str | None = None,
    backup: bool = True,
    now: dt.datetime | None = None,
    used_rows: Mapping[str, int] | None = None,
    edits: Mapping[str, TableEdit] | None = None,
) -> WriteResult:
    """Replace tool-owned tables in ``path`` (or write a patched copy to ``dest``).

    ``used_rows`` maps input tables to their last row in use (``ProgrammeData.used_rows``):
    each sheet's print area is set to the rows in use, so pages of blank rows do not print.

    ``frames`` maps tool table names (Results, Panel, JudgeStats, Agreement, Issues, Audit)
    to DataFrames with the schema's column names; every table of a sheet being written
    should be given (a missing one is written empty). Formula columns are filled in by the
    writer. A tool table on a sheet of the user's (Equity on Evaluation) has its rows
    replaced in place (``patch.replacing``). Writing in place keeps a timestamped copy of
    the original in ``backups/``.

    ``edits`` changes rows of tables on the user's sheets (Scores, Assignments) and of the
    JudgeProgress table beside the Judges table, cell by cell (``automation.io.rows``), in
    the same atomic save.
    """
    from automation.io.patch import render_edits, replacing  # (patch builds on this module)

    path, target = save_target(path, dest)
    now = now or dt.datetime.now()
    frames = dict(frames)
    in_place = replacing(frames)
    with open_package(path) as zf:
        view, new_parts, counts, areas, found = render_adding_missing(zf, frames)
        user_parts: dict[str, bytes] = {}  # the parts of the user's sheets this write changes
        if in_place:
            user_parts = render_edits(view, in_place)
            new_parts |= user_parts
            counts |= {name: len(edit.append) for name, edit in in_place.items()}
            found = _show_patched(view, user_parts)
        # The user's sheets print the rows in use when they were read; those this write
        # changes, the rows they hold now (read back from their new XML).
        areas.update(user_print_areas(found, used_rows or {}))
        if edits:
            edited, edit_counts = render_table_edits(
                zf, {k: v for k, v in edits.items() if not v.empty}, new_parts, found
            )
            new_parts |= edited
            user_parts |= edited
            counts |= edit_counts
            if edited:  # (the parts patched in place are in the view already)
                found = _show_patched(view, edited)
        if user_parts:
            areas.update(edited_sheet_areas(found, _sheet_xml(user_parts)))
        infos = zf.infolist()
        infos += [zipfile.ZipInfo(name, date_time=infos[0].date_time) for name in view.added]
        parts = {i.filename: new_parts.get(i.filename) for i in infos}
        parts.update(read_small_parts(view.read, path))
        _drop_calc_chain(parts)
        written = {schema.TABLE_BY_NAME[name].sheet for name in [*frames, *in_place]}
        parts["xl/workbook.xml"] = finished_workbook_xml(
            parts["xl/workbook.xml"].decode("utf-8"), areas, written
        ).encode("utf-8")
        try:
            made = _make_folder(target.parent)
        except OSError as exc:
            raise UserError(
                f"Cannot make the folder {target.parent}: {exc.strerror or exc}.",
                "Choose a folder you can save into.",
            ) from exc
        try:
            with saving(target) as tmp:
                write_package(zf, infos, parts, tmp, added=view.added, read_added=view.read)
        except BaseException:
            _remove_folders(made)
            raise
    try:
        backup_file = backup_copy(path, now) if target == path and backup else None
    except BaseException:
        tmp.unlink(missing_ok=True)
        _remove_folders(made)
        raise
    # The file keeps its permissions, or the umask's for a new one (mkstemp's 0600 would
    # lock colleagues out on a shared drive).
    replace(tmp, target)
    return WriteResult(target, backup_file, counts)
