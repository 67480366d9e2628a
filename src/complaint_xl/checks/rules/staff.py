"""Owners must be people the staff sheet knows, or the chase mail has nobody to go to."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

import numpy as np
import pandas as pd

from complaint_xl.checks.context import Context, Hits
from complaint_xl.checks.rules.base import rule
from complaint_xl.checks.rules.lists import suggest
from complaint_xl.register.text import fold, map_unique

__all__ = ["owner_in_staff"]

_SEPARATORS: Final[re.Pattern[str]] = re.compile(r"[/、,，;；&＆+]+|\s+和\s+")


@rule("owner-not-in-staff")
def owner_in_staff(ctx: Context) -> Iterator[Hits]:
    """An owner (or one of several, 李明/张伟) missing from the staff sheet, when there is one."""
    staff = ctx.settings.staff
    if not staff or not ctx.has_column("owner"):
        return
    names = [p.name for p in staff.values()]

    def stranger(v: object) -> str | None:
        """The first name not on the staff sheet, or None."""
        if not isinstance(v, str):
            return None
        for part in _SEPARATORS.split(v):
            part = fold(part)
            if part and part not in staff:
                return part
        return None

    unknown = ctx.map_values("owner", stranger)
    mask = ~np.equal(unknown, None) & ctx.given("owner")
    if not mask.any():
        return
    hint = map_unique(pd.Series(unknown), lambda v: suggest(v, names) if v else None
                      ).to_numpy(dtype=object)
    yield ctx.hits("owner-not-in-staff", "owner", mask, suggestion=hint,
                   variant=np.where(pd.isna(hint), "", "hint"))
