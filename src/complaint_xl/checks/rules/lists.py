"""Category values that must come from the team's lists (rule 5 types, rule 6 support units)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

import numpy as np

from complaint_xl.checks.context import Context, Hits
from complaint_xl.checks.rules.base import rule
from complaint_xl.register.schema import SEVERITY_MAJOR
from complaint_xl.register.text import fold
from complaint_xl.words import listing

__all__ = ["listed_values", "suggest"]


def suggest(value: str, allowed: Iterable[str]) -> str | None:
    """The valid value the user most likely meant: one contained in it (售后服务 -> 售后), else
    the closest by difflib; None when nothing is close."""
    options = {fold(a).casefold(): a for a in allowed}
    key = fold(value).casefold()
    inside = [k for k in options if k and (k in key or key in k)]
    if inside:
        return options[max(inside, key=len)]
    close = difflib.get_close_matches(key, list(options), n=1, cutoff=0.5)
    return options[close[0]] if close else None


def _not_in_list(ctx: Context, code: str, name: str, allowed: tuple[str, ...],
                 also_ok: Iterable[str] = ()) -> Iterator[Hits]:
    if not ctx.has_column(name) or not allowed:
        return
    ok = {fold(a).casefold() for a in (*allowed, *also_ok)}

    def unknown(v: object) -> bool:
        return isinstance(v, str) and fold(v).casefold() not in ok

    mask = ctx.map_values(name, unknown, dtype=bool) & ctx.given(name)
    if not mask.any():
        return
    # difflib once per distinct value, not per row
    suggestion = ctx.map_values(name, lambda v: suggest(v, allowed) if unknown(v) else None)
    variant = np.where(np.equal(suggestion, None), "", "hint")
    yield ctx.hits(code, name, mask, variant=variant, suggestion=suggestion,
                   allowed=listing(allowed))


@rule("unknown-type", "unknown-support-unit", "unknown-effect", "unknown-severity")
def listed_values(ctx: Context) -> Iterator[Hits]:
    """A type, support unit, effect or severity that is not in the configured list after folding."""
    s = ctx.settings
    yield from _not_in_list(ctx, "unknown-type", "type", s.types)
    yield from _not_in_list(ctx, "unknown-support-unit", "support_unit", s.support_units)
    yield from _not_in_list(ctx, "unknown-effect", "effect", s.effect_values)
    # the words the reader already understands as major are not unknown
    yield from _not_in_list(ctx, "unknown-severity", "severity", s.severity_values, SEVERITY_MAJOR)
