"""Package attributes looked up on first use (PEP 562).

``complaint-xl validate big.xlsx`` starts reading the file before pandas is
loaded (the two overlap: the spreadsheet parser releases the GIL), so importing
``complaint_xl`` or ``complaint_xl.register`` must not pull pandas in by itself.
The packages import their modules with plain import statements inside their
``__getattr__`` and ask :func:`export` for the name: nothing is imported by a
computed name.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from types import ModuleType
from typing import Any

__all__ = ["export"]


def export(package: str, name: str, public: Collection[str],
           modules: Callable[[], Sequence[ModuleType]]) -> Any:
    """The public ``name`` of ``package``, from the first of its ``modules()`` that defines it.

    Other names fail before anything is imported: importing a submodule asks the
    package's ``__getattr__`` for it first.
    """
    if name in public:
        for module in modules():
            if name in vars(module) or name in getattr(module, "__all__", ()):
                return getattr(module, name)
    raise AttributeError(f"module {package!r} has no attribute {name!r}")
