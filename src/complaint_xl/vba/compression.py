"""[MS-OVBA] 2.4.1 compression, the LZ77 variant VBA uses for `dir` and module streams.

Written here rather than taken from ms-ovba-compression because that package
computes the copy-token length mask wrongly and corrupts modules above ~1 KB.
The compressor follows the spec's greedy matching (longest match, nearest on a
tie), so its output equals the examples in [MS-OVBA] 3.2 byte for byte.
"""

from __future__ import annotations

import struct

__all__ = ["compress", "decompress"]

_SIGNATURE = 0x01
_CHUNK_SIZE = 4096
_MIN_MATCH = 3
# Chunk header: bits 0-11 = chunk size - 3, bits 12-14 = 0b011, bit 15 = compressed.
_HEADER_SIGNATURE = 0b011 << 12
_COMPRESSED_FLAG = 0x8000
# A raw chunk always carries 4096 bytes, so its size field is 4096 + 2 - 3.
_RAW_HEADER = _HEADER_SIGNATURE | (_CHUNK_SIZE + 2 - 3)
_COMPARE_STEP = 64


def _copy_token_bits(position: int) -> int:
    """Bits of a copy token spent on the offset at `position` within the chunk (2.4.1.3.19.1)."""
    return max((position - 1).bit_length(), 4)


def _match_length(data: bytes, candidate: int, current: int, limit: int) -> int:
    """Length of the common run at `candidate` and `current`, at most `limit` (may overlap)."""
    length = 0
    # Slice compares run in C; the byte loop only finishes the last partial step.
    while (
        length + _COMPARE_STEP <= limit
        and data[candidate + length : candidate + length + _COMPARE_STEP]
        == data[current + length : current + length + _COMPARE_STEP]
    ):
        length += _COMPARE_STEP
    while length < limit and data[candidate + length] == data[current + length]:
        length += 1
    return length


def _compress_chunk(chunk: bytes) -> bytes:
    """Token sequences for one chunk of at most 4096 bytes (2.4.1.3.7 to 2.4.1.3.9)."""
    end = len(chunk)
    # Hash chains on 3-byte prefixes visit exactly the candidates the spec's
    # exhaustive backwards scan could accept, nearest first, so output is identical.
    latest: dict[bytes, int] = {}
    previous = [-1] * end
    indexed = 0
    out = bytearray()
    current = 0
    while current < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if current >= end:
                break
            while indexed < current and indexed + _MIN_MATCH <= end:
                key = chunk[indexed : indexed + _MIN_MATCH]
                previous[indexed] = latest.get(key, -1)
                latest[key] = indexed
                indexed += 1
            best_length = 0
            best_candidate = -1
            if current + _MIN_MATCH <= end:
                remaining = end - current
                candidate = latest.get(chunk[current : current + _MIN_MATCH], -1)
                while candidate >= 0:
                    length = _match_length(chunk, candidate, current, remaining)
                    if length > best_length:
                        best_length, best_candidate = length, candidate
                        if length == remaining:
                            break  # nothing farther can be longer
                    candidate = previous[candidate]
            if best_length >= _MIN_MATCH:
                bits = _copy_token_bits(current)
                length = min(best_length, (0xFFFF >> bits) + _MIN_MATCH)
                offset = current - best_candidate
                token = ((offset - 1) << (16 - bits)) | (length - _MIN_MATCH)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                current += length
            else:
                out.append(chunk[current])
                current += 1
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """Compress `data` into an MS-OVBA CompressedContainer.

    An incompressible final chunk shorter than 4096 bytes is stored raw and
    therefore zero-padded to 4096 bytes, as 2.4.1.3.10 prescribes; VBA source
    text never gets there.
    """
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), _CHUNK_SIZE):
        chunk = data[start : start + _CHUNK_SIZE]
        body = _compress_chunk(chunk)
        if len(body) <= _CHUNK_SIZE:
            out += struct.pack("<H", _COMPRESSED_FLAG | _HEADER_SIGNATURE | (len(body) + 2 - 3))
            out += body
        else:
            out += struct.pack("<H", _RAW_HEADER)
            out += chunk.ljust(_CHUNK_SIZE, b"\x00")
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """Decompress an MS-OVBA CompressedContainer (2.4.1.3.1); raises ValueError if malformed."""
    if not data or data[0] != _SIGNATURE:
        raise ValueError("not an MS-OVBA compressed container (signature byte != 0x01)")
    out = bytearray()
    position = 1
    while position < len(data):
        if position + 2 > len(data):
            raise ValueError(f"truncated chunk header at offset {position}")
        (header,) = struct.unpack_from("<H", data, position)
        if header & 0x7000 != _HEADER_SIGNATURE:
            raise ValueError(f"bad chunk signature at offset {position}")
        chunk_end = min(position + (header & 0x0FFF) + 3, len(data))
        position += 2
        chunk_start = len(out)
        if not header & _COMPRESSED_FLAG:
            out += data[position : position + _CHUNK_SIZE]
            position += _CHUNK_SIZE
            continue
        while position < chunk_end:
            flags = data[position]
            position += 1
            for bit in range(8):
                if position >= chunk_end:
                    break
                if not flags & (1 << bit):
                    out.append(data[position])
                    position += 1
                    continue
                if position + 2 > chunk_end:
                    raise ValueError(f"truncated copy token at offset {position}")
                (token,) = struct.unpack_from("<H", data, position)
                position += 2
                bits = _copy_token_bits(len(out) - chunk_start)
                offset = (token >> (16 - bits)) + 1
                length = (token & (0xFFFF >> bits)) + _MIN_MATCH
                source = len(out) - offset
                if source < chunk_start:
                    raise ValueError(f"copy token points before its chunk at offset {position - 2}")
                # Byte-wise so that overlapping copies repeat the pattern.
                for index in range(source, source + length):
                    out.append(out[index])
    return bytes(out)
