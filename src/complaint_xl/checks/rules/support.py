"""Rule 8: a support request names both the unit asked and what it is asked for."""

from __future__ import annotations

from collections.abc import Iterator

from complaint_xl.checks.context import Context, Hits
from complaint_xl.checks.rules.base import rule

__all__ = ["support_request"]


@rule("support-need-missing", "support-unit-missing")
def support_request(ctx: Context) -> Iterator[Hits]:
    """A support unit without a 支援或协助需求点, or a need without a unit."""
    if not (ctx.has_column("support_unit") and ctx.has_column("support_need")):
        return
    unit, need = ctx.given("support_unit"), ctx.given("support_need")
    yield ctx.hits("support-need-missing", "support_need", unit & ctx.missing("support_need"),
                   unit=ctx.values("support_unit"))
    yield ctx.hits("support-unit-missing", "support_unit", need & ctx.missing("support_unit"))
