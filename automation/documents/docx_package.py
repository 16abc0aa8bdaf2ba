"""A rendered .docx package reused as bytes: only the parts that change are compressed again.

A certificate differs from the next one only in ``word/document.xml`` (7 KB); the styles,
theme, fonts and pictures around it are nearly 1 MB of XML that python-docx would parse,
serialise and deflate again for every file. Here the package is read once and each new file
copies the other parts' compressed records byte for byte, so a file costs one small deflate.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

_LOCAL = struct.Struct("<IHHHHHIIIHH")  # local file header, fixed part (30 bytes)
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")  # central directory entry, fixed part (46 bytes)
_END = struct.Struct("<IHHHHIIH")  # end of central directory record (22 bytes)
_DATA_DESCRIPTOR = 0x08  # general-purpose flag: sizes follow the data instead of the header
# What zipfile itself writes for deflate (level -1 is zlib's default, as in python-docx).
_DEFLATE_LEVEL = -1


@dataclass(frozen=True)
class _Entry:
    name: str
    local: bytes  # local header and compressed data, as in the base package
    central: bytes  # central directory entry, offset to be filled in


class PackageTemplate:
    """The base package's parts, ready to be written again with some parts replaced."""

    def __init__(self, entries: list[_Entry]) -> None:
        self._entries = entries
        self.names = frozenset(entry.name for entry in entries)

    @classmethod
    def from_bytes(cls, data: bytes) -> PackageTemplate | None:
        """Split a zip into reusable records; None for a layout this writer does not copy.

        Only the plain layout python-docx writes is copied (no data descriptors, no zip64, no
        archive comment); anything else makes the caller save the usual way.
        """
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
        if not infos or len(infos) >= 0xFFFF:
            return None
        end = data.rfind(b"PK\x05\x06")
        if end < 0 or len(data) - end != _END.size:
            return None
        _, _, _, _, count, size, start, _ = _END.unpack_from(data, end)
        if count != len(infos) or start + size != end:
            return None
        entries: list[_Entry] = []
        central = start
        local_starts = sorted(info.header_offset for info in infos) + [start]
        for info in infos:
            fields = _CENTRAL.unpack_from(data, central)
            if fields[0] != 0x02014B50 or fields[3] & _DATA_DESCRIPTOR or 0xFFFFFFFF in fields:
                return None  # sizes after the data, or zip64: not the layout copied here
            length = _CENTRAL.size + fields[10] + fields[11] + fields[12]
            offset = fields[16]
            following = local_starts[local_starts.index(offset) + 1]
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                return None
            entries.append(
                _Entry(info.filename, data[offset:following], data[central : central + length])
            )
            central += length
        return cls(entries)

    def write(self, replacements: dict[str, bytes]) -> bytes:
        """The package with each part in ``replacements`` deflated anew, the rest copied."""
        chunks: list[bytes] = []
        directory: list[bytes] = []
        offset = 0
        for entry in self._entries:
            local, central = entry.local, bytearray(entry.central)
            blob = replacements.get(entry.name)
            if blob is not None:
                local, central = _replaced(entry, blob)
            struct.pack_into("<I", central, 42, offset)
            chunks.append(local)
            directory.append(bytes(central))
            offset += len(local)
        size = sum(map(len, directory))
        end = _END.pack(0x06054B50, 0, 0, len(directory), len(directory), size, offset, 0)
        return b"".join([*chunks, *directory, end])


def _replaced(entry: _Entry, blob: bytes) -> tuple[bytes, bytearray]:
    """New local record and central entry for ``entry`` holding ``blob``."""
    header = _LOCAL.unpack_from(entry.local)
    method = header[3]
    if method == zipfile.ZIP_DEFLATED:
        packer = zlib.compressobj(_DEFLATE_LEVEL, zlib.DEFLATED, -15)
        data = packer.compress(blob) + packer.flush()
    else:
        data = blob
    crc = zlib.crc32(blob)
    fixed = _LOCAL.pack(*header[:6], crc, len(data), len(blob), *header[9:])
    tail_start = _LOCAL.size + header[9] + header[10]
    local = fixed + entry.local[_LOCAL.size : tail_start] + data
    central = bytearray(entry.central)
    struct.pack_into("<III", central, 16, crc, len(data), len(blob))
    return local, central
