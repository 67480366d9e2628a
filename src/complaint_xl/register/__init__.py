"""The register: opening the file, finding the table, reading it into canonical fields."""

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
