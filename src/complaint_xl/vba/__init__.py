"""Build the workbook's vbaProject.bin on any OS, straight from VBA source text.

Excel compiles the source when the workbook opens, so no Windows machine or
Excel installation is needed at build time.
"""

from complaint_xl.vba.compression import compress, decompress
from complaint_xl.vba.project import build_vba_project
from complaint_xl.vba.sources import XLWINGS_MODULES, load_macro_sources

__all__ = [
    "XLWINGS_MODULES",
    "build_vba_project",
    "compress",
    "decompress",
    "load_macro_sources",
]
