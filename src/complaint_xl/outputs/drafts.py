"""An output folder that a run may write into again without losing what the user changed.

The coordinator runs the chase every morning into the same folder and may have
edited yesterday's draft before sending it. A small manifest
(``.complaint-xl-manifest.json``) records the SHA-256 of every file we wrote, so a
rerun can tell "ours, untouched" (replace it) from "edited since" or "not ours"
(keep it and write the new file beside it, with a warning). Drafts of a previous run
that this run no longer produces are removed only while untouched, so no stale
reminder about a closed complaint lingers to be sent by mistake.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from complaint_xl.outputs.files import atomic_path, ensure_folder, safe_filename, write_bytes
from complaint_xl.words import say

__all__ = ["MANIFEST", "OutputFolder"]

MANIFEST: Final[str] = ".complaint-xl-manifest.json"

def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class OutputFolder:
    """Write files into a folder, replacing only files this tool wrote and nobody changed."""

    def __init__(self, path: str | Path, *, lang: str = "zh") -> None:
        self.path = ensure_folder(path).absolute()
        self.lang = lang
        self.kept: list[Path] = []
        """Files left alone because the user edited them (or they were never ours)."""
        self.warnings: list[str] = []
        self._written: set[str] = set()  # casefolded names written by this run
        self._manifest: dict[str, str] = self._load()

    def _say(self, key: str, **params: Any) -> None:
        self.warnings.append(say(f"folder.{key}", self.lang, **params))

    def _load(self) -> dict[str, str]:
        target = self.path / MANIFEST
        if not target.exists():
            return {}
        try:
            files = json.loads(target.read_text(encoding="utf-8"))["files"]
            return {str(k): str(v) for k, v in files.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self._say("manifest", path=str(target))
            return {}

    def _ours(self, name: str) -> bool:
        """The file is one we wrote and its bytes are still exactly what we wrote."""
        expected = self._manifest.get(name)
        target = self.path / name
        return expected is not None and target.is_file() and _sha256(target) == expected

    def _place(self, name: str) -> str:
        """The name to write under: ``name``, or ``stem (n).ext`` beside a file we must keep.

        A name already written in this run (compared case-insensitively, as on Windows
        and macOS) is never reused, so two people whose safe names coincide get two files.
        """
        stem, dot, ext = name.rpartition(".")
        stem, suffix = (stem, f".{ext}") if dot else (name, "")
        reason = None
        for n in itertools.count(1):
            candidate = name if n == 1 else f"{stem} ({n}){suffix}"
            if candidate.casefold() in self._written:
                continue
            target = self.path / candidate
            # Excel's lock file: replacing the workbook under it would fail on Windows.
            locked = (self.path / f"~${candidate}").exists()
            if not locked and (not target.exists() or self._ours(candidate)):
                if reason:
                    self._say(reason, old=str(self.path / name), new=candidate)
                return candidate
            if n == 1:  # the wanted name is open in Excel, edited or not ours: keep it
                reason = "locked" if locked else "kept"
                if not locked:
                    self.kept.append(target)
        raise AssertionError("unreachable")

    def _record(self, name: str, target: Path) -> Path:
        self._written.add(name.casefold())
        self._manifest[name] = _sha256(target)
        return target

    def write_bytes(self, name: str, data: bytes) -> Path:
        """Write ``data`` as ``name`` (made safe), atomically; return the path written."""
        name = self._place(_safe(name))
        return self._record(name, write_bytes(self.path / name, data))

    def write_with(self, name: str, writer: Callable[[Path], Any]) -> Path:
        """Let ``writer`` write a temporary file that then becomes ``name`` (e.g. a workbook)."""
        name = self._place(_safe(name))
        target = self.path / name
        with atomic_path(target) as tmp:
            writer(tmp)
        return self._record(name, target)

    def forget_stale(self, suffix: str, prefixes: tuple[str, ...] = ("",)) -> list[Path]:
        """Remove earlier runs' untouched files of one kind that this run did not write.

        ``prefixes`` narrows the kind, so a chase run sharing a folder with the weekly
        report never removes the report's draft.
        """
        removed = []
        for name in list(self._manifest):
            if (name.casefold() in self._written or not name.endswith(suffix)
                    or not name.startswith(prefixes)):
                continue
            target = self.path / name
            if self._ours(name):
                target.unlink()
                removed.append(target)
            if not target.exists():
                del self._manifest[name]
        return removed

    def save(self) -> Path:
        """Write the manifest (sorted, so a rerun with the same files gives the same bytes)."""
        document = {"version": 1, "tool": "complaint-xl", "files": dict(sorted(self._manifest.items()))}
        return write_bytes(self.path / MANIFEST,
                           json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))


def _safe(name: str) -> str:
    """A file name from a label: the stem made safe, a short plain extension kept."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not ext.isalnum() or len(ext) > 5:
        return safe_filename(name)
    return f"{safe_filename(stem)}.{ext}"
