"""Several registers in one run: which files, and whose team each is.

A regional manager's teams each keep their own register file (design.md, "Several
registers"). validate, chase, report and export take several REGISTERs: this module turns
the arguments into files (folders and globs expanded) and names each file's team;
:mod:`complaint_xl.joining` joins what was computed per file. It imports no pandas, so the
command line can expand its arguments before pandas is loaded.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import stat
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from complaint_xl.errors import ComplaintXLError, UsageError
from complaint_xl.register.roles import sheet_role
from complaint_xl.register.text import fold

if TYPE_CHECKING:
    from complaint_xl.loading import Loaded
    from complaint_xl.settings import Settings

__all__ = [
    "SPREADSHEETS",
    "WORKERS_FROM_BYTES",
    "Failure",
    "FileReading",
    "Part",
    "compact",
    "expand",
    "file_team",
    "own_settings_sheets",
    "read_file",
    "skipped",
    "unused_columns",
    "workers_for",
]

SPREADSHEETS: Final[tuple[str, ...]] = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
"""What a folder's files are read as registers (any case)."""
_GLOB: Final = frozenset("*?[")
WORKERS_FROM_BYTES: Final[int] = 24_000_000
"""Registers this large in all are read by worker processes, in parallel (a few 50,000-row
files; below it, starting the processes would cost more than it saves)."""


# -- which files -------------------------------------------------------------------------------

def skipped(path: Path) -> bool:
    """A file a folder or glob holds that is no team's register: Excel's lock and temporary
    files (``~$x.xlsx``, ``~WRL0001.tmp``), LibreOffice's lock (``.~lock.x.xlsx#``), hidden
    files (a leading dot, or Windows' hidden attribute)."""
    name = path.name
    if name.startswith(("~", ".")) or name.endswith("#"):
        return True
    try:
        attributes = getattr(path.stat(), "st_file_attributes", 0)
    except OSError:
        return True
    return bool(attributes & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))


def _spreadsheets(paths: Iterable[Path]) -> list[Path]:
    return sorted((p for p in paths if p.is_file() and p.suffix.lower() in SPREADSHEETS
                   and not skipped(p)), key=lambda p: (p.name.casefold(), p.name))


def expand(args: Sequence[str | Path]) -> list[Path]:
    """The REGISTER arguments as files, each once, in the order given.

    A file stays as given (a missing one is reported when it is read); a folder gives every
    spreadsheet directly inside it (not its subfolders: a team's archive folder would count
    twice), by name; a pattern with ``*``, ``?`` or ``[`` that is not itself a file gives its
    matches, by name — the shell of Windows leaves patterns to the program. Lock, temporary
    and hidden files are skipped (:func:`skipped`). Raises UsageError for a folder or pattern
    that holds no spreadsheet.
    """
    files: dict[Path, None] = {}
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            found = _spreadsheets(path.iterdir())
            if not found:
                raise UsageError("folder-no-registers", path=str(path),
                                 kinds="/".join(SPREADSHEETS))
        elif not path.exists() and _GLOB & set(str(arg)):
            found = _spreadsheets(Path(p) for p in glob.glob(os.path.expanduser(str(arg))))
            if not found:
                raise UsageError("glob-no-registers", pattern=str(arg),
                                 kinds="/".join(SPREADSHEETS))
        else:
            found = [path]
        files.update(dict.fromkeys(found))
    # A pattern the shell expanded names Excel's lock files too (~$x.xlsx): left out, unless
    # nothing else is left (then reading it says what is wrong with it).
    kept = [p for p in files if not (p.is_file() and skipped(p))]
    return kept or list(files)


def file_team(path: Path) -> str:
    """The team a file stands for where its rows do not say: its name without the extension."""
    return fold(path.stem) or path.name


# -- one file of several -------------------------------------------------------------------------

@dataclass
class Part:
    """One register of a run with several: its file, its team and how it was read."""

    path: Path
    loaded: Loaded
    settings_from: Path | None = None
    """The ``--settings`` workbook whose settings the file was read under; None: its own."""
    settings_sheets: tuple[str, ...] = ()
    """The file's own settings sheets (设置, 人员, 节假日 …) that applied, in workbook order."""

    @property
    def team(self) -> str:
        """The file's team: the team of its rows whose 团队 is blank (all, without the column)."""
        return file_team(self.path)


@dataclass
class Failure:
    """A file among several that could not be used; the others are still processed."""

    path: Path
    error: ComplaintXLError


def own_settings_sheets(sheet_names: Iterable[str]) -> tuple[str, ...]:
    """The settings sheets of a workbook (设置, 人员, 列表, 节假日, 列映射, 规则)."""
    return tuple(n for n in sheet_names if sheet_role(n) not in (None, "tool"))


# -- what a job keeps of a register ---------------------------------------------------------------

_UNUSED: Final[tuple[str, ...]] = ("customer_contact", "reporter", "reporter_contact",
                                   "support_need", "progress")
"""Fields no figure of the report reads (the chase and the export do)."""


def unused_columns(columns: Sequence[str], job: str = "report") -> list[str]:
    """The columns a ``job`` ('report' or 'export') never reads: how each date was written
    (``__raw``, ``__note``: validate's), and for the report :data:`_UNUSED` too."""
    return [c for c in columns
            if c.endswith(("__raw", "__note")) or (job == "report" and c in _UNUSED)]


def compact(loaded: Loaded, job: str = "report") -> Loaded:
    """``loaded`` without the columns ``job`` never reads (in a worker process, before its
    register is handed back: less to carry and to keep)."""
    import dataclasses

    import pandas as pd

    register = loaded.register
    frame = register.frame.drop(columns=unused_columns(list(register.frame.columns), job))
    return dataclasses.replace(loaded, register=dataclasses.replace(
        register, frame=frame, extras=pd.DataFrame(index=frame.index)))


# -- reading a register in another process ---------------------------------------------------------

@dataclass(frozen=True)
class FileReading:
    """How every register of a run is read (the options of :func:`complaint_xl.loading.load_grids`),
    as a worker process gets it."""

    as_of: dt.date | None
    mapping: dict[str, str]
    country: str | None
    lang: str | None
    date_order: str | None
    sheets: tuple[str, ...]
    settings: Settings | None = None
    compact: str | None = None
    """'report' or 'export': hand back only the columns that job reads
    (:func:`compact`)."""


def read_file(path: Path, how: FileReading
              ) -> tuple[Loaded | ComplaintXLError, tuple[str, ...], list[Warning]]:
    """Read one register (in a worker process): what it holds, or why it cannot be used; its
    own settings sheets; the warnings the reading raised, for the run to say."""
    from complaint_xl.loading import load_grids
    from complaint_xl.register.book import open_book

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            book = open_book(path)
            loaded: Loaded | ComplaintXLError = load_grids(
                book, book.grids(), as_of=how.as_of, mapping=how.mapping, country=how.country,
                lang=how.lang, date_order=how.date_order, settings=how.settings,
                sheets=how.sheets or None)
            own = own_settings_sheets(book.sheet_names)
            del book
            if how.compact:
                loaded = compact(loaded, how.compact)
        except ComplaintXLError as exc:
            loaded, own = exc, ()
    return loaded, own, [w.message for w in caught if isinstance(w.message, Warning)]


def workers_for(files: Sequence[Path]) -> int:
    """How many worker processes read ``files``: none for small registers (a process takes a
    second to start), else one per core, at most 4. ``COMPLAINT_XL_WORKERS`` decides when set
    (0: none)."""
    given = os.environ.get("COMPLAINT_XL_WORKERS", "").strip()
    if given.isdigit():
        return min(int(given), len(files))
    try:
        size = sum(p.stat().st_size for p in files if p.is_file())
    except OSError:
        return 0
    if len(files) < 2 or size < WORKERS_FROM_BYTES:
        return 0
    return min(len(files), os.cpu_count() or 1, 4)
