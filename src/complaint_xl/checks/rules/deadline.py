"""Deadlines against the SLA setting: missing ones are derived, far ones are questioned."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from complaint_xl.checks.context import Context, Hits
from complaint_xl.checks.rules.base import rule

__all__ = ["deadline_beyond_sla", "deadline_missing"]


@rule("deadline-missing")
def deadline_missing(ctx: Context) -> Iterator[Hits]:
    """An empty deadline cell: say which deadline the chase and the KPIs use instead."""
    if not ctx.has_column("deadline"):
        return  # a sheet without the column relies on the SLA by design
    empty = ctx.frame["deadline_derived"].to_numpy(dtype=bool) & ctx.missing("deadline")
    # the derived deadline as the chase counts from it (the key accounts' SLA where set)
    yield ctx.hits("deadline-missing", "deadline", empty, date=ctx.effective().original,
                   sla=ctx.sla())


@rule("deadline-beyond-sla")
def deadline_beyond_sla(ctx: Context) -> Iterator[Hits]:
    """A deadline more working days after the raised date than the SLA allows."""
    if not ctx.has_column("deadline"):
        return
    raised, deadline = ctx.dates("raised_on"), ctx.dates("deadline")
    sla = ctx.sla()
    # n working days never span fewer than n calendar days: count only where they might
    far = ~ctx.frame["deadline_derived"].to_numpy(dtype=bool) & (
        (deadline - raised) > sla.astype("timedelta64[D]"))
    pos = np.flatnonzero(far)
    if not len(pos):
        return
    workdays = np.zeros(ctx.n, dtype=np.int64)
    workdays[pos] = ctx.calendar.count(raised[pos], deadline[pos])
    beyond = far & (workdays > sla)
    latest = np.full(ctx.n, np.datetime64("NaT"), dtype="datetime64[D]")
    latest[beyond] = ctx.calendar.add(raised[beyond], sla[beyond])
    yield ctx.hits("deadline-beyond-sla", "deadline", beyond, workdays=workdays, sla=sla,
                   latest=latest)
