"""Minimal [MS-CFB] version 3 writer: the OLE compound file that holds a VBA project.

Only writing a whole file at once is needed, which keeps this small: 512-byte
sectors, one FAT without DIFAT sectors (enough for ~7 MB), a mini stream for
streams under 4096 bytes, and a balanced, validly coloured red-black directory
tree per storage. olefile only reads, and the PyPI writers add more than they save.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["build_compound_file"]

_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_ENTRY_SIZE = 128
_IDS_PER_SECTOR = _SECTOR // 4
_HEADER_DIFAT_SLOTS = 109
_FREESECT = 0xFFFFFFFF
_ENDOFCHAIN = 0xFFFFFFFE
_FATSECT = 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
# name, name size, type, colour, left, right, child, CLSID, state, ctime, mtime, start, size
_DIR_ENTRY = struct.Struct("<64sHBBIII16sI8s8sIQ")


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    sid: int = 0
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    color: int = _BLACK
    start: int = _ENDOFCHAIN


def _sort_key(name: str) -> tuple[int, str]:
    """Directory order of [MS-CFB] 2.6.4: shorter names first, then case-insensitive."""
    return len(name.encode("utf-16-le")) // 2, name.upper()


def _link_siblings(siblings: list[_Entry], depth: int, red_depth: int) -> int:
    """Make a balanced search tree of sorted `siblings`; return the root's id.

    Median splitting fills every level but the last, so colouring just that
    level red gives every path the same black height: a valid red-black tree.
    """
    if not siblings:
        return _NOSTREAM
    middle = len(siblings) // 2
    node = siblings[middle]
    node.color = _RED if depth == red_depth else _BLACK
    node.left = _link_siblings(siblings[:middle], depth + 1, red_depth)
    node.right = _link_siblings(siblings[middle + 1 :], depth + 1, red_depth)
    return node.sid


def _tree(root: _Entry) -> list[_Entry]:
    """Number every entry (root first) and link each storage to its children."""
    entries = [root]
    pending = [root]
    while pending:
        storage = pending.pop(0)
        siblings = sorted(storage.children.values(), key=lambda e: _sort_key(e.name))
        for entry in siblings:
            entry.sid = len(entries)
            entries.append(entry)
            pending.append(entry)
        # Levels 0..full-1 are complete; a partial last level sits at depth `full`.
        full = (len(siblings) + 1).bit_length() - 1
        storage.child = _link_siblings(siblings, 0, full)
    return entries


def _chain(fat: list[int], start: int, count: int) -> None:
    """Link `count` consecutive sectors from `start` into one chain in `fat`."""
    for index in range(start, start + count - 1):
        fat[index] = index + 1
    if count:
        fat[start + count - 1] = _ENDOFCHAIN


def _sectors(size: int, sector: int) -> int:
    return -(-size // sector)


def _directory_entry(entry: _Entry, size: int) -> bytes:
    name = entry.name.encode("utf-16-le")
    return _DIR_ENTRY.pack(
        name,
        len(name) + 2,  # counts the terminating NUL
        entry.kind,
        entry.color,
        entry.left,
        entry.right,
        entry.child,
        b"\x00" * 16,  # CLSID
        0,  # state bits
        b"\x00" * 8,  # creation time
        b"\x00" * 8,  # modification time
        entry.start,
        size,
    )


def build_compound_file(streams: Mapping[str, bytes]) -> bytes:
    """Return a CFB v3 file holding `streams`, keyed by "/"-separated paths.

    Storages are created from the path prefixes, e.g. {"VBA/dir": ...}.
    Raises ValueError for names CFB cannot hold or a file too large for one FAT.
    """
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        *storages, leaf = path.split("/")
        parent = root
        for part in [*storages, leaf]:
            if not part or len(part) > 31 or any(c in part for c in "!:\\"):
                raise ValueError(f"invalid compound file entry name in {path!r}")
        for part in storages:
            # [MS-CFB] 2.6.3: a storage's start sector and size are zero.
            storage = _Entry(part, _STORAGE, start=0)
            parent = parent.children.setdefault(part.upper(), storage)
            if parent.kind != _STORAGE:
                raise ValueError(f"{path!r} puts a stream inside a stream")
        if leaf.upper() in parent.children:
            raise ValueError(f"duplicate compound file entry {path!r}")
        parent.children[leaf.upper()] = _Entry(leaf, _STREAM, bytes(data))
    entries = _tree(root)

    small = [e for e in entries if e.kind == _STREAM and 0 < len(e.data) < _MINI_CUTOFF]
    large = [e for e in entries if e.kind == _STREAM and len(e.data) >= _MINI_CUTOFF]

    mini_fat: list[int] = []
    mini_stream = bytearray()
    for entry in small:
        count = _sectors(len(entry.data), _MINI_SECTOR)
        entry.start = len(mini_fat)
        mini_fat += [0] * count
        _chain(mini_fat, entry.start, count)
        mini_stream += entry.data.ljust(count * _MINI_SECTOR, b"\x00")

    dir_count = _sectors(len(entries) * _ENTRY_SIZE, _SECTOR)
    mini_fat_count = _sectors(len(mini_fat) * 4, _SECTOR)
    mini_stream_count = _sectors(len(mini_stream), _SECTOR)
    large_counts = [_sectors(len(e.data), _SECTOR) for e in large]
    content = dir_count + mini_fat_count + mini_stream_count + sum(large_counts)
    fat_count = 1
    while fat_count * _IDS_PER_SECTOR < content + fat_count:
        fat_count += 1
    if fat_count > _HEADER_DIFAT_SLOTS:
        raise ValueError("compound file too large for a FAT without DIFAT sectors")

    # Layout: FAT, directory, mini FAT, mini stream, then each large stream.
    fat = [_FREESECT] * (fat_count * _IDS_PER_SECTOR)
    fat[:fat_count] = [_FATSECT] * fat_count
    next_sector = fat_count
    starts = []
    for count in (dir_count, mini_fat_count, mini_stream_count, *large_counts):
        starts.append(next_sector if count else _ENDOFCHAIN)
        _chain(fat, next_sector, count)
        next_sector += count
    dir_start, mini_fat_start, mini_stream_start, *large_starts = starts
    root.start = mini_stream_start
    for entry, start in zip(large, large_starts, strict=True):
        entry.start = start

    directory = bytearray()
    for entry in entries:
        size = len(mini_stream) if entry.kind == _ROOT else len(entry.data)
        directory += _directory_entry(entry, size)
    # Free slots are zero except for the three "no entry" links ([MS-CFB] 2.6.3).
    unused = _DIR_ENTRY.pack(b"", 0, 0, 0, *[_NOSTREAM] * 3, b"", 0, b"", b"", 0, 0)
    while len(directory) % _SECTOR:
        directory += unused

    difat = [*range(fat_count), *[_FREESECT] * (_HEADER_DIFAT_SLOTS - fat_count)]
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        _SIGNATURE,
        b"\x00" * 16,
        0x003E,  # minor version
        0x0003,  # major version 3: 512-byte sectors
        0xFFFE,  # little-endian byte order mark
        9,  # sector shift: 2**9 = 512
        6,  # mini sector shift: 2**6 = 64
        b"\x00" * 6,
        0,  # directory sector count, always 0 in version 3
        fat_count,
        dir_start,
        0,  # transaction signature
        _MINI_CUTOFF,
        mini_fat_start,
        mini_fat_count,
        _ENDOFCHAIN,  # first DIFAT sector: none
        0,
        *difat,
    )

    def padded(data: bytes | bytearray) -> bytes:
        return bytes(data).ljust(_sectors(len(data), _SECTOR) * _SECTOR, b"\x00")

    mini_fat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat)
    mini_fat_bytes += struct.pack("<I", _FREESECT) * ((-len(mini_fat)) % _IDS_PER_SECTOR)
    parts = [
        header,
        struct.pack(f"<{len(fat)}I", *fat),
        bytes(directory),
        mini_fat_bytes,
        padded(mini_stream),
        *(padded(entry.data) for entry in large),
    ]
    return b"".join(parts)
