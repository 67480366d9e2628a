"""Writing output files so that a failed run leaves nothing half-written.

Every output is written under a temporary name in the target folder and renamed into
place (``os.replace`` is atomic on one file system). File names built from cell
values go through :func:`safe_filename`, so a customer called ``../x`` or ``CON``
cannot leave the output folder or hit a reserved Windows name.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from xlsxwriter.exceptions import FileCreateError

from complaint_xl.errors import OutputError

__all__ = ["atomic_path", "ensure_folder", "output_folder", "safe_filename", "workbook_folder",
           "write_bytes"]

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


def ensure_folder(folder: str | Path) -> Path:
    """Create the output folder if needed; refuse a path that is a file."""
    p = Path(folder)
    if p.exists() and not p.is_dir():
        raise OutputError("out-is-file", path=str(p))
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError("out-not-writable", path=str(p), detail=exc.strerror or str(exc)) from None
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
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it into place when the block succeeds.

    Refuses a target that Excel holds open (its ``~$`` lock file is beside it), because
    Windows would refuse the rename and a user would lose track of which file is new.
    """
    target = Path(target)
    folder = ensure_folder(target.parent)
    if (folder / f"~${target.name}").exists():
        raise OutputError("out-not-writable", path=str(target), detail="open in Excel")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem[:40]}.", suffix=target.suffix,
                                        dir=folder)
        os.close(fd)
        os.chmod(tmp_name, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
    except OSError as exc:
        raise OutputError("out-not-writable", path=str(folder),
                          detail=exc.strerror or str(exc)) from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    except (OSError, FileCreateError) as exc:
        # XlsxWriter wraps a full disk or a vanished folder in its own FileCreateError.
        cause = exc if isinstance(exc, OSError) else exc.__context__
        raise OutputError("out-not-writable", path=str(target),
                          detail=getattr(cause, "strerror", None) or str(exc)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_bytes(target: str | Path, data: bytes) -> Path:
    """Write bytes atomically (see :func:`atomic_path`)."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)
