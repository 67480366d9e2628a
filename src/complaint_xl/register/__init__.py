"""The register: opening the file, finding the table, reading it into canonical fields.

Below everything else: it takes what it needs from the team's settings as plain
values (:class:`~complaint_xl.register.options.ReadOptions`) and imports nothing of
the settings, checks, chase, KPIs, outputs or Excel layers (tests/test_house.py).
"""

from types import ModuleType
from typing import TYPE_CHECKING, Any

from complaint_xl.lazy import export

if TYPE_CHECKING:
    from complaint_xl.register.book import Book, Grid, open_book
    from complaint_xl.register.options import ReadOptions
    from complaint_xl.register.reader import Register, SheetLayout, read_register, sla_days
    from complaint_xl.register.schema import FIELD_NAMES, FIELDS, Field

__all__ = [
    "FIELDS",
    "FIELD_NAMES",
    "Book",
    "Field",
    "Grid",
    "ReadOptions",
    "Register",
    "SheetLayout",
    "open_book",
    "read_register",
    "sla_days",
]


def _modules() -> tuple[ModuleType, ...]:
    from complaint_xl.register import book, options, reader, schema

    return (book, options, reader, schema)


def __getattr__(name: str) -> Any:
    return export(__name__, name, __all__, _modules)
