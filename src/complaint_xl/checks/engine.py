"""Running the rules over a register and turning their hits into located, worded findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, Final

import numpy as np
import pandas as pd

from complaint_xl.checks.catalogue import CATALOGUE, Code, Lang, Severity
from complaint_xl.checks.context import Context, Hits
from complaint_xl.checks.findings import COLUMNS, Findings
from complaint_xl.checks.rules import RULES, Rule
from complaint_xl.loading import make_calendar
from complaint_xl.register.reader import Register
from complaint_xl.register.schema import ALL_FIELDS
from complaint_xl.register.text import header_key, map_unique
from complaint_xl.settings import RuleSetting, Settings, SettingsProblem
from complaint_xl.words import Said, phrase
from complaint_xl.workdays import Calendar

__all__ = ["check_register", "rule_choices", "unknown_rules"]

_ON: Final[RuleSetting] = RuleSetting()
_SHOWN_LENGTH: Final[int] = 40
"""Longer values are cut in messages (the full value is in the finding's ``value``)."""


def _rule_names() -> dict[str, str]:
    """Every way a 规则 row may name a rule (code, code with _, zh or en title) -> code."""
    by_name = {header_key(c.code): c.code for c in CATALOGUE.values()}
    by_name |= {header_key(c.code.replace("-", "_")): c.code for c in CATALOGUE.values()}
    by_name |= {header_key(t): c.code for c in CATALOGUE.values() for t in c.titles()}
    return by_name


def rule_choices(settings: Settings) -> dict[str, RuleSetting]:
    """The team's 规则 sheet by code; a row may name a rule by its code or its title."""
    by_name = _rule_names()
    return {by_name[header_key(name)]: choice for name, choice in settings.rules.items()
            if header_key(name) in by_name}


def unknown_rules(settings: Settings) -> list[SettingsProblem]:
    """Rows of the 规则 sheet that name no rule: a typo there would silently change nothing."""
    by_name = _rule_names()
    return [
        SettingsProblem(choice.sheet or "规则", choice.cell or "", name, name,
                        phrase("settings.unknown-rule", name=name))
        for name, choice in settings.rules.items() if header_key(name) not in by_name
    ]


def check_register(register: Register, settings: Settings, as_of: dt.date,
                   calendar: Calendar | None = None, *, lang: Lang | None = None) -> Findings:
    """Check every row of ``register`` against the rules; never raises for a bad row.

    ``as_of`` is the run's today (dates after it are in the future); ``calendar``
    defaults to the team's (country and holiday sheet of ``settings``); messages are
    in ``lang``, else the settings' language.
    """
    if calendar is None:
        calendar = make_calendar(settings)
    use: Lang = lang or settings.lang
    unknown = unknown_rules(settings)
    if unknown:
        settings = replace(settings, problems=[*settings.problems, *unknown])
    ctx = Context(register, settings, as_of, calendar, use)
    choices = rule_choices(settings)
    hits = [h for h in _run(RULES, ctx, choices) if len(h)]
    return Findings(register.path, len(register), as_of, use, _table(ctx, hits, choices))


def _run(rules: Iterable[Rule], ctx: Context, choices: Mapping[str, RuleSetting]
         ) -> Iterable[Hits]:
    for rule in rules:
        if not any(choices.get(c, _ON).enabled for c in rule.codes):
            continue  # a rule the team switched off entirely is not even computed
        for hits in rule(ctx):
            if choices.get(hits.code, _ON).enabled:
                yield hits


def _clean(header: str) -> str:
    return " ".join(header.split())


def _short(value: Any) -> str:
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return text if len(text) <= _SHOWN_LENGTH else text[:_SHOWN_LENGTH - 1] + "…"


def _column_number(letter: str) -> int:
    number = 0
    for ch in letter:
        number = number * 26 + ord(ch) - 64
    return number


def _table(ctx: Context, parts: list[Hits], choices: Mapping[str, RuleSetting]) -> pd.DataFrame:
    """One row per finding, located and worded, sorted for reading."""
    lang = ctx.lang
    labels = {f.name: f.header(lang) for f in ALL_FIELDS}
    places = {(s.name, f): (letter, _clean(header)) for s in ctx.register.sheets
              for f, (letter, header) in s.columns.items()}
    row_of = ctx.frame["_row"].to_numpy()
    out: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    for hits in parts:
        entry = CATALOGUE[hits.code]
        severity: Severity = choices.get(hits.code, _ON).severity or entry.severity
        n = len(hits)
        label = labels.get(hits.field, hits.field)
        if hits.place is not None:
            sheets, rows = hits.place.sheet, hits.place.row
            columns, headers = hits.place.column, hits.place.header
            owners: list[Any] = [None] * n
        else:
            sheets, rows = ctx.cells("_sheet", hits.index).tolist(), row_of[hits.index].tolist()
            by_sheet = {s: places.get((s, hits.field), ("", label)) for s in set(sheets)}
            located = list(map(by_sheet.__getitem__, sheets))
            columns, headers = [c for c, _ in located], [h or label for _, h in located]
            owners = ctx.cells("owner", hits.index).tolist()
        values = hits.value.tolist()
        variants = _per_hit(hits.variant, n)
        params = {k: _per_hit(v, n) for k, v in hits.params.items()}
        messages = _messages(entry, lang, variants, headers, values, params)
        out["sheet"] += sheets
        out["row"] += rows
        out["column"] += columns
        out["header"] += headers
        out["field"] += [hits.field] * n
        out["code"] += [hits.code] * n
        out["severity"] += [severity] * n
        out["message"] += messages
        out["value"] += [None if v is None else str(v) for v in values]
        out["owner"] += owners
    table = pd.DataFrame({c: pd.Series(v, dtype=np.int64 if c == "row" else object)
                          for c, v in out.items()})
    if table.empty:
        return table
    order = {s.name: i for i, s in enumerate(ctx.register.sheets)}
    sheet_rank = map_unique(table["sheet"], lambda s: order.get(s, len(order)), np.int64).to_numpy()
    severity_rank = table["severity"].eq("warning").to_numpy(dtype=np.int64)
    column_rank = map_unique(table["column"], lambda c: _column_number(c or ""), np.int64).to_numpy()
    code_rank = pd.factorize(table["code"], sort=True)[0]
    keys = (code_rank, column_rank, severity_rank, table["row"].to_numpy(), sheet_rank)
    return table.iloc[np.lexsort(keys)].reset_index(drop=True)


def _messages(entry: Code, lang: Lang, variants: list[Any], headers: list[str], values: list[Any],
              params: dict[str, list[Any]]) -> list[str]:
    """Each hit's message, worded once per distinct variant, header, value and parameters.

    Registers repeat a mistake thousands of times (every row closed as 无效); the types
    are in the key so that 1, 1.0 and True are not taken for one another.
    """

    def word(hit: tuple[Any, ...]) -> str:
        variant, header, value, *given = hit
        picked = {k: _pick(v, lang) for k, v in zip(params, given, strict=True)}
        return entry.template(lang, variant).format(header=header, value=_short(value), **picked)

    words: dict[tuple[Any, ...], str] = {}
    out = []
    for hit in zip(variants, headers, values, *params.values(), strict=True):
        key = (hit, tuple(map(type, hit)))
        try:
            text = words[key]
        except KeyError:
            text = words[key] = word(hit)
        except TypeError:  # an unhashable parameter: worded every time
            text = word(hit)
        out.append(text)
    return out


def _per_hit(value: Any, n: int) -> list[Any]:
    """A parameter as one value per hit (scalars and Phrases are repeated)."""
    if isinstance(value, np.ndarray | list):
        return list(value)
    return [value] * n


def _pick(value: Any, lang: Lang) -> Any:
    if isinstance(value, Said):
        return value.say(lang)
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value
