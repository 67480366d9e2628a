"""Writing output files so that a failed run leaves nothing half-written.

Every output is written under a temporary name in the target folder and renamed into
place (``os.replace`` is atomic on one file system). File names built from cell
values go through :func:`safe_filename`, so a customer called ``../x`` or ``CON``
cannot leave the output folder or hit a reserved Windows name.

A run killed midway leaves its temporary file behind (a hidden ``.name.cxl_….xlsx``):
the next run writing into that folder removes such files once they are
:data:`STALE_AFTER` old. A run that fails midway can say what it wrote: the files are
listed in :func:`recording`'s list as each is renamed into place.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import re
import sys
import tempfile
import time
import traceback
import unicodedata
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Final

from complaint_xl.errors import OutputError
from complaint_xl.words import Phrase, phrase

__all__ = ["STALE_AFTER", "TEMP_MARK", "atomic_path", "clear_stale", "ensure_folder", "output_folder",
           "reason", "recording", "safe_filename", "workbook_folder", "write_bytes"]

TEMP_MARK: Final[str] = "cxl_"
"""In every temporary name (``.weekly-2026-W48.cxl_1a2b3c4d.xlsx``): the product's own, and
nobody else's, are cleared."""
STALE_AFTER: Final[float] = 10 * 60
"""Seconds after which a temporary file is left over from a run that stopped, not one
still writing (a million-row report writes its workbook for under a minute)."""
_TEMP_NAME: Final = re.compile(r"\..+\." + re.escape(TEMP_MARK) + r"[a-z0-9_]{8}(\.[A-Za-z0-9]{1,5})?")
_OLD_TEMP: Final = r"\.{stem}\.[a-z0-9_]{{8}}{suffix}"
"""Temporary names before the mark: cleared only beside the file they were to become."""
_cleared: set[Path] = set()  # folders this process has cleared already
_mine: set[Path] = set()  # temporary files this process is writing now
_written: ContextVar[list[Path] | None] = ContextVar("written", default=None)
_announce: ContextVar[Callable[[Path], None] | None] = ContextVar("announce", default=None)

_RESERVED: Final[frozenset[str]] = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def safe_filename(name: str, *, default: str = "unnamed", max_length: int = 80) -> str:
    """A file-name stem from user text: no separators, controls, dots-only or reserved names."""
    text = unicodedata.normalize("NFKC", name or "")
    text = _UNSAFE.sub("_", text).strip().strip(".").strip()
    text = re.sub(r"\s+", " ", text)[:max_length]
    # File systems count bytes (255 on ext4): 80 four-byte characters would not fit.
    text = text.encode("utf-8")[:200].decode("utf-8", "ignore").rstrip(" .")
    if not text or set(text) <= {"_", "."}:
        text = default
    if text.split(".")[0].upper() in _RESERVED:
        text = f"_{text}"
    return text


_REASONS: Final[frozenset[str]] = frozenset(
    {"ENOSPC", "EDQUOT", "EFBIG", "EACCES", "EPERM", "EROFS", "ENOENT", "ENAMETOOLONG"})


def reason(exc: OSError) -> Phrase | str:
    """Why a write failed, in the reader's language for the usual reasons (a full disk …);
    else as the operating system words it."""
    name = errno.errorcode.get(exc.errno or 0, "")
    if name in _REASONS:
        return phrase(f"os-error.{name}")
    return exc.strerror or str(exc)


def ensure_folder(folder: str | Path) -> Path:
    """Create the output folder if needed; refuse a path that is a file."""
    p = Path(folder)
    if p.exists() and not p.is_dir():
        raise OutputError("out-is-file", path=str(p))
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError("out-not-writable", path=str(p), detail=reason(exc)) from None
    return p


def workbook_folder(workbook: str | Path | None) -> Path | None:
    """The folder a workbook sits in (None without a workbook, e.g. a CSV register).

    A workbook opened from SharePoint/OneDrive has a URL for a name: the user's
    Documents folder stands in for it then, since a URL is no folder Python can write to.
    """
    if workbook is None:
        return None
    text = str(workbook)
    if "://" not in text:
        parent = Path(text).absolute().parent
        if parent.is_dir():
            return parent
    return Path.home() / "Documents"


def output_folder(name: str, setting: str | None, workbook: str | Path | None, *,
                  beside_workbook: bool = False) -> Path:
    """The folder ``name`` (催办-2026-11-30, 周报-2026-W48) a run writes into when not told where.

    It goes into the settings' folder (草稿文件夹) when the workbook names one, relative to
    the workbook; else beside the workbook for a button (``beside_workbook``), or into the
    current directory for the command line. One rule for both front ends.
    """
    home = workbook_folder(workbook)
    if setting:
        chosen = Path(setting).expanduser()
        base = chosen if chosen.is_absolute() or home is None else home / chosen
    else:
        base = home if beside_workbook and home is not None else Path.cwd()
    return base / name


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def recording(announce: Callable[[Path], None] | None = None) -> Iterator[list[Path]]:
    """Collect the files written inside the block, in order, as each is renamed into place.

    A run that stops midway then says which files it wrote; ``announce`` hears each
    file before it is written (the command line's progress shows it).
    """
    written: list[Path] = []
    tokens = _written.set(written), _announce.set(announce)
    try:
        yield written
    finally:
        _written.reset(tokens[0])
        _announce.reset(tokens[1])


def clear_stale(folder: Path, target: Path | None = None, *, now: float | None = None) -> list[Path]:
    """Remove temporary files that a stopped run left in ``folder``; return those removed.

    Only the product's own temporary names are touched (:data:`TEMP_MARK`, or the older
    unmarked names beside ``target``), only once :data:`STALE_AFTER` old, never one this
    process is writing, and a file another program holds open (Windows refuses) is left.
    """
    now = time.time() if now is None else now
    old = (re.compile(_OLD_TEMP.format(stem=re.escape(target.stem[:40]), suffix=re.escape(target.suffix)))
           if target is not None else None)
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (_TEMP_NAME.fullmatch(name) or (old is not None and old.fullmatch(name))):
            continue
        path = Path(entry.path)
        with contextlib.suppress(OSError):
            if (path not in _mine and entry.is_file(follow_symlinks=False)
                    and now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER):
                path.unlink()
                removed.append(path)
    return removed


def _xlsxwriter_error() -> type[Exception]:
    """XlsxWriter's FileCreateError, imported when a write fails: the command line imports this
    module before it starts parsing the register, and XlsxWriter takes 25 ms to import."""
    from xlsxwriter.exceptions import FileCreateError

    return FileCreateError


def _let_go(exc: BaseException) -> None:
    """Close now, and quietly, what a failed writer left open (XlsxWriter's zip file).

    Left to the garbage collector, the zip file would try to finish itself on the full
    disk whenever the error is dropped and print "Exception ignored in: ZipFile.__del__"
    with a traceback; cleared here, its second failure is nobody's news.
    """
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        chain, seen = [exc], {id(exc)}
        while chain:  # every error that led to this one (a failed write, then a failed close …)
            failed = chain.pop()
            if failed.__traceback__ is not None:
                traceback.clear_frames(failed.__traceback__)
            for before in (failed.__context__, failed.__cause__):
                if before is not None and id(before) not in seen:
                    seen.add(id(before))
                    chain.append(before)
        gc.collect()  # the zip file and its open member refer to each other: a cycle
    finally:
        sys.unraisablehook = hook


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it into place when the block succeeds.

    Refuses a target that Excel holds open (its ``~$`` lock file is beside it), because
    Windows would refuse the rename and a user would lose track of which file is new.
    """
    target = Path(target)
    folder = ensure_folder(target.parent)
    if (folder / f"~${target.name}").exists():
        raise OutputError("out-not-writable", path=str(target), detail=phrase("os-error.in-excel"))
    if folder not in _cleared:
        _cleared.add(folder)
        clear_stale(folder, target)
    announce = _announce.get()
    if announce is not None:
        announce(target)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem[:40]}.{TEMP_MARK}", suffix=target.suffix,
                                        dir=folder)
        os.close(fd)
        os.chmod(tmp_name, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
    except OSError as exc:
        raise OutputError("out-not-writable", path=str(folder), detail=reason(exc)) from None
    tmp = Path(tmp_name)
    _mine.add(tmp)
    try:
        yield tmp
        os.replace(tmp, target)
    except (OSError, _xlsxwriter_error()) as exc:
        # XlsxWriter wraps a full disk or a vanished folder in its own FileCreateError.
        cause = exc if isinstance(exc, OSError) else exc.__context__
        detail = reason(cause) if isinstance(cause, OSError) else str(exc)
        _let_go(exc)
        raise OutputError("out-not-writable", path=str(target), detail=detail) from None
    finally:
        _mine.discard(tmp)
        with contextlib.suppress(OSError):
            tmp.unlink()
    written = _written.get()
    if written is not None:
        written.append(target)


def write_bytes(target: str | Path, data: bytes) -> Path:
    """Write bytes atomically (see :func:`atomic_path`)."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)
