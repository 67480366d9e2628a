"""The register: opening the file, finding the table, reading it into canonical fields."""

from types import ModuleType
from typing import TYPE_CHECKING, Any

from complaint_xl.lazy import export

if TYPE_CHECKING:
    from complaint_xl.register.book import Book, open_book
    from complaint_xl.register.reader import Register, SheetLayout, read_register, sla_days
    from complaint_xl.register.schema import FIELD_NAMES, FIELDS, Field

__all__ = [
    "FIELDS",
    "FIELD_NAMES",
    "Book",
    "Field",
    "Register",
    "SheetLayout",
    "open_book",
    "read_register",
    "sla_days",
]


def _modules() -> tuple[ModuleType, ...]:
    from complaint_xl.register import book, reader, schema

    return (book, reader, schema)


def __getattr__(name: str) -> Any:
    return export(__name__, name, __all__, _modules)
