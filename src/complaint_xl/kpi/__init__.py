"""Weekly KPIs of the complaint register (周报): figures, breakdowns, trend, hard points.

The definitions are the contract in design.md; :func:`weekly` computes them all in
whole columns and returns one :class:`WeeklyKpis` that every output reads.
"""

from complaint_xl.kpi.facts import REPEAT_WITHIN_DAYS, categories, row_facts
from complaint_xl.kpi.hardpoints import HardPoint
from complaint_xl.kpi.kpis import FILTER_FIELDS, WeeklyKpis, weekly
from complaint_xl.kpi.labels import AGING_BUCKETS, DIMENSIONS, FIGURES
from complaint_xl.kpi.weeks import WEEKS_IN_TREND, Week, default_week, parse_week

__all__ = [
    "AGING_BUCKETS",
    "DIMENSIONS",
    "FIGURES",
    "FILTER_FIELDS",
    "REPEAT_WITHIN_DAYS",
    "WEEKS_IN_TREND",
    "HardPoint",
    "Week",
    "WeeklyKpis",
    "categories",
    "default_week",
    "parse_week",
    "row_facts",
    "weekly",
]
