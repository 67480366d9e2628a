"""A column of texts laid end to end as code points, so character tests run in numpy.

A register's contacts and problem statements are nearly all distinct, so a Python
call per distinct value is a Python call per row. Deciding the common shapes (a bare
mobile number, a statement with a digit in it) over all code points at once leaves
only the unusual texts for the exact per-value code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Chars", "ascii_digit"]


@dataclass(frozen=True)
class Chars:
    """The code points of many texts, one text after another."""

    points: np.ndarray
    """Code points, in the narrowest unsigned type that holds them all (less memory to scan)."""
    start: np.ndarray
    """Where each text begins in ``points``."""
    length: np.ndarray
    """Each text's length in characters."""

    @classmethod
    def of(cls, texts: list[str]) -> Chars:
        """The texts' code points, one join and one encode for the whole column."""
        length = np.fromiter(map(len, texts), np.int64, len(texts))
        joined = "".join(texts)
        if joined.isascii():
            points = np.frombuffer(joined.encode("ascii"), np.uint8)
        else:
            # one number per character (surrogatepass: even a lone surrogate); UTF-16 is enough,
            # and half the memory, unless a character lies beyond U+FFFF and takes two
            encoded = joined.encode("utf-16-le", "surrogatepass")
            points = (np.frombuffer(encoded, np.uint16) if len(encoded) == 2 * len(joined)
                      else np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32))
        return cls(points, np.cumsum(length) - length, length)

    def any(self, found: np.ndarray) -> np.ndarray:
        """Per text: ``found`` (one flag per code point) holds for one of its characters."""
        filled = np.flatnonzero(self.length)  # an empty text has no segment of its own
        out = np.zeros(len(self.length), dtype=bool)
        if len(filled):
            # intp: Pyodide (xlwings Lite) is 32-bit and refuses int64 offsets here
            out[filled] = np.logical_or.reduceat(found, self.start[filled].astype(np.intp))
        return out

    def holding(self, at: np.ndarray) -> np.ndarray:
        """Per text: one of the positions ``at`` of ``points`` is in it (for rare characters)."""
        out = np.zeros(len(self.length), dtype=bool)
        # the last text starting at or before a position holds it (empty ones start there too)
        out[np.searchsorted(self.start, at, side="right") - 1] = True
        return out


def ascii_digit(points: np.ndarray) -> np.ndarray:
    """Code points 0-9 (unsigned: those below '0' wrap round to large numbers)."""
    return (points - ord("0")) < 10
