"""Settings cells that could not be used: the default stands, and the team should know."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np

from complaint_xl.checks.context import Context, Hits, Place
from complaint_xl.checks.rules.base import rule

__all__ = ["settings_problems"]

_CELL = re.compile(r"^([A-Z]*)(\d*)$")


@rule("settings-invalid")
def settings_problems(ctx: Context) -> Iterator[Hits]:
    """Each problem the settings reader met, located at its settings cell."""
    problems = ctx.settings.problems
    if not problems:
        return
    cells = [_CELL.match(p.cell.upper()) for p in problems]
    place = Place(
        sheet=[p.sheet for p in problems],
        row=[int(m[2]) if m and m[2] else 0 for m in cells],
        column=[m[1] if m else "" for m in cells],
        header=[p.key for p in problems],
    )
    yield Hits("settings-invalid", "", np.empty(0, dtype=np.int64),
               np.array([p.value or None for p in problems], dtype=object),
               {"detail": [p.said for p in problems]}, place=place)
