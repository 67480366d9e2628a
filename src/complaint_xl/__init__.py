"""complaint_xl: checks, chases and summarises the complaint register a sales team keeps in Excel.

One core over a pandas DataFrame of the register, two front ends: the
``complaint-xl`` command line and the Excel buttons and UDFs (xlwings). The names
below are imported on first use, so that the command line starts quickly.
"""

from types import ModuleType
from typing import TYPE_CHECKING, Any

from complaint_xl import lazy  # not its export: complaint_xl.export is the engine export

if TYPE_CHECKING:
    from complaint_xl.checks import Findings, check_register
    from complaint_xl.errors import ComplaintXLError, OutputError, UnusableFile, UsageError
    from complaint_xl.loading import Loaded, load
    from complaint_xl.register import Register, open_book, read_register
    from complaint_xl.settings import Settings, read_settings
    from complaint_xl.workdays import Calendar, workdays

__all__ = [
    "Calendar",
    "ComplaintXLError",
    "Findings",
    "Loaded",
    "OutputError",
    "Register",
    "Settings",
    "UnusableFile",
    "UsageError",
    "check_register",
    "load",
    "open_book",
    "read_register",
    "read_settings",
    "workdays",
]
__version__ = "0.1.0"


def _modules() -> tuple[ModuleType, ...]:
    from complaint_xl import checks, errors, loading, register, settings, workdays

    return (checks, errors, loading, register, settings, workdays)


def __getattr__(name: str) -> Any:
    return lazy.export(__name__, name, __all__, _modules)
