"""The complaint's lifecycle (design.md): acceptance, pauses, extensions, abnormal closure and
the follow-up call, each checked only where the sheet has the column.

The limits are the team's settings (受理时限, 最长暂停, 最长延期); the deadline an extension
is measured from is the one :func:`complaint_xl.deadlines.effective_deadlines` starts from.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from complaint_xl.checks.context import Context, Hits
from complaint_xl.checks.rules.base import rule
from complaint_xl.register.schema import CLOSURE_KINDS, DISSATISFIED, SATISFACTION_LEVELS
from complaint_xl.words import listing, phrase

__all__ = ["acceptance", "closure", "extensions", "followup", "lifecycle_dates", "pauses"]

_DAY = np.timedelta64(1, "D")


def _nat(n: int) -> np.ndarray:
    return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")


def _count(ctx: Context, a: np.ndarray, b: np.ndarray, where: np.ndarray) -> np.ndarray:
    """workdays(a, b] where ``where`` (0 elsewhere): counted only for the rows that need it."""
    out = np.zeros(ctx.n, dtype=np.int64)
    at = np.flatnonzero(where)
    if len(at):
        out[at] = ctx.calendar.count(a[at], b[at]).astype(np.int64)
    return out


def _latest(ctx: Context, start: np.ndarray, days: int, where: np.ndarray) -> np.ndarray:
    """The ``days``-th working day after ``start`` (``start`` itself for 0) where ``where``."""
    out = _nat(ctx.n)
    at = np.flatnonzero(where)
    if len(at):
        first = np.asarray(start)[at].astype("datetime64[D]")
        out[at] = ctx.calendar.add(first, days) if days > 0 else first
    return out


def _days(ctx: Context, name: str) -> np.ndarray:
    return ctx.dates(name).astype("datetime64[D]")


@rule("accepted-before-raised", "pause-before-raised", "pause-end-before-start",
      "followup-before-closed", "date-in-future")
def lifecycle_dates(ctx: Context) -> Iterator[Hits]:
    """Lifecycle dates that cannot be: before the date they follow, or after today."""
    raised = _days(ctx, "raised_on")
    if ctx.has_column("accepted_on"):
        yield ctx.hits("accepted-before-raised", "accepted_on", _days(ctx, "accepted_on") < raised,
                       raised=raised)
    start, stop = _days(ctx, "paused_from"), _days(ctx, "paused_to")
    if ctx.has_column("paused_from"):
        yield ctx.hits("pause-before-raised", "paused_from", start < raised, raised=raised)
    if ctx.has_column("paused_to"):
        yield ctx.hits("pause-end-before-start", "paused_to", stop < start, start=start)
    if ctx.has_column("followup_on"):
        closed_on = _days(ctx, "closed_on")
        yield ctx.hits("followup-before-closed", "followup_on",
                       _days(ctx, "followup_on") < closed_on, closed=closed_on)
    today = np.datetime64(ctx.as_of, "D")
    # paused_to and extended_to may lie ahead: they are plans, the others happened
    for name in ("accepted_on", "paused_from", "followup_on"):
        if ctx.has_column(name):
            yield ctx.hits("date-in-future", name, _days(ctx, name) > today,
                           as_of=ctx.as_of.isoformat())


@rule("accepted-late", "not-accepted")
def acceptance(ctx: Context) -> Iterator[Hits]:
    """Accepted more than 受理时限 working days after it was raised, or not accepted yet."""
    if not ctx.has_column("accepted_on"):
        return
    limit = ctx.settings.accept_days
    raised, accepted = _days(ctx, "raised_on"), _days(ctx, "accepted_on")
    after = accepted >= raised  # NaT compares False: both dates needed
    taken = _count(ctx, raised, accepted, after)
    late = after & (taken > limit)
    yield ctx.hits("accepted-late", "accepted_on", late, workdays=taken, limit=limit,
                   latest=_latest(ctx, raised, limit, late))
    waiting = (~ctx.frame["is_closed"].to_numpy(dtype=bool) & ctx.missing("accepted_on")
               & ~np.isnat(raised))
    today = np.full(ctx.n, np.datetime64(ctx.as_of, "D"))
    since = _count(ctx, raised, today, waiting & (raised < today))
    overdue = waiting & (since > limit)
    yield ctx.hits("not-accepted", "accepted_on", overdue, workdays=since, limit=limit,
                   latest=_latest(ctx, raised, limit, overdue))


@rule("pause-without-start", "pause-too-long")
def pauses(ctx: Context) -> Iterator[Hits]:
    """A pause end without its start (the pause cannot count), or a pause beyond 最长暂停."""
    if ctx.has_column("paused_to"):
        stop = _days(ctx, "paused_to")
        at = "paused_from" if ctx.has_column("paused_from") else "paused_to"
        yield ctx.hits("pause-without-start", at, ~np.isnat(stop) & ctx.missing("paused_from"),
                       stop=stop)
    if not ctx.has_column("paused_from"):
        return
    limit = ctx.settings.pause_max_days
    paused = ctx.effective().paused_workdays
    yield ctx.hits("pause-too-long", "paused_from", paused > limit, workdays=paused, limit=limit)


@rule("extension-not-later", "extension-too-long", "extension-not-informed")
def extensions(ctx: Context) -> Iterator[Hits]:
    """An extension must end after the deadline, within 最长延期, and the customer be told."""
    if not ctx.has_column("extended_to"):
        return
    extended, original = _days(ctx, "extended_to"), ctx.effective().original
    given = ~np.isnat(extended)
    yield ctx.hits("extension-not-later", "extended_to", extended <= original, original=original)
    limit = ctx.settings.extension_max_days
    added = _count(ctx, original, extended, extended > original)
    too_long = (extended > original) & (added > limit)
    yield ctx.hits("extension-too-long", "extended_to", too_long, workdays=added, limit=limit,
                   original=original, latest=_latest(ctx, original, limit, too_long))
    untold = given & ~ctx.frame["is_informed"].to_numpy(dtype=bool)
    if ctx.has_column("customer_informed"):
        yield ctx.hits("extension-not-informed", "customer_informed", untold, date=extended)
    else:  # nowhere to say it: the finding sits at the extension
        yield ctx.hits("extension-not-informed", "extended_to", untold, date=extended,
                       variant="no-column")


@rule("abnormal-closure-incomplete", "unknown-closure-kind")
def closure(ctx: Context) -> Iterator[Hits]:
    """结案方式 must be 正常 or 非正常; a 非正常结案 needs its reason and who approved it."""
    if not ctx.has_column("closure_kind"):
        return
    known = ctx.map_values("closure_kind", lambda v: v is None or v in CLOSURE_KINDS, bool)
    yield ctx.hits("unknown-closure-kind", "closure_kind", ~known & ~ctx.error("closure_kind"),
                   allowed=listing(phrase(f"lifecycle.{w}") for w in CLOSURE_KINDS.values()))
    abnormal = ctx.frame["is_abnormal"].to_numpy(dtype=bool)
    if not abnormal.any():
        return
    needed = ("abnormal_reason", "approved_by")
    for name in needed:
        if ctx.has_column(name):
            yield ctx.hits("abnormal-closure-incomplete", name, abnormal & ctx.missing(name),
                           missing=phrase(f"field-word.{name}"))
    absent = [name for name in needed if not ctx.has_column(name)]
    if absent:  # no column to point at: once, at the 结案方式 cell
        yield ctx.hits("abnormal-closure-incomplete", "closure_kind", abnormal,
                       missing=listing(phrase(f"field-word.{n}") for n in absent),
                       variant="no-column")


@rule("followup-not-closed", "dissatisfied", "unknown-satisfaction")
def followup(ctx: Context) -> Iterator[Hits]:
    """A follow-up call on an open complaint, a dissatisfied customer, a 满意度 not understood."""
    if ctx.has_column("followup_on"):
        yield ctx.hits("followup-not-closed", "followup_on",
                       ~np.isnat(_days(ctx, "followup_on"))
                       & ~ctx.frame["is_closed"].to_numpy(dtype=bool))
    if not ctx.has_column("satisfaction"):
        return
    level = ctx.map_values("satisfaction",
                           lambda v: v if v is None or v in SATISFACTION_LEVELS else "?")
    yield ctx.hits("unknown-satisfaction", "satisfaction",
                   (level == "?") & ~ctx.error("satisfaction"),
                   allowed=listing(phrase(f"lifecycle.{w}") for w in SATISFACTION_LEVELS.values()))
    yield ctx.hits("dissatisfied", "satisfaction", level == DISSATISFIED)
