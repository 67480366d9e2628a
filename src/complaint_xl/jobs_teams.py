"""The jobs over several registers, one per team (design.md, "Several registers").

Each takes the registers as an iterable of :class:`~complaint_xl.teams.Part`, read one by
one by the caller: a part is computed under its own settings and calendar as soon as it is
read, and only what the job needs of it is kept (the findings, the chase items, the
report's compact columns), never the cells of every file at once. What a run writes once
for all (language, recipients, the drafts' thresholds) follows the run's settings
(:func:`~complaint_xl.teams.run_settings`: the first register's, or the ``--settings``
workbook's, with every team's staff).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from complaint_xl.jobs import ChaseRun, ReportRun, Run, _recorded, register_notes
from complaint_xl.joining import Gathered, merge_chase, run_settings, tag_chase
from complaint_xl.teams import Part

if TYPE_CHECKING:
    from complaint_xl.checks import Findings
    from complaint_xl.kpi import Week
    from complaint_xl.settings import Settings

__all__ = ["FileFindings", "TeamsValidateRun", "file_entry", "findings_path", "run_chase_teams",
           "run_report_teams", "run_validate_teams"]


def file_entry(part: Part) -> dict[str, Any]:
    """How the JSON of a run with several registers names one of them."""
    return {"file": str(part.path), "team": part.team, "rows": len(part.loaded.register.frame),
            "settings": str(part.settings_from) if part.settings_from else
            ("own" if part.settings_sheets else "default")}


# -- validate ---------------------------------------------------------------------------------

@dataclass
class FileFindings:
    """One register's check: its findings and what the JSON says of its sheets and reading."""

    entry: dict[str, Any]
    findings: Findings
    sheets: list[dict[str, Any]]
    notes: list[str]
    workbook: Path | None = None


@dataclass(kw_only=True)
class TeamsValidateRun(Run):
    """A check of several registers: each file's findings, in the order read."""

    files: list[Path] = field(default_factory=list)
    checked: list[FileFindings] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return all(one.findings.valid for one in self.checked)


def findings_path(out: Path, part: Part, lang: str, taken: set[str]) -> Path:
    """Where one register's findings workbook goes: ``<out>-<team>.xlsx`` beside ``out`` when
    it names a workbook, else ``检查结果-<team>.xlsx`` in the folder ``out`` (made if need be)."""
    from complaint_xl.outputs.files import safe_filename
    from complaint_xl.outputs.findings_xlsx import findings_filename

    if out.suffix.lower() == ".xlsx":
        folder, stem = out.parent, out.stem
    else:
        folder, stem = out, Path(findings_filename(lang)).stem
    name = f"{stem}-{safe_filename(part.team)}"
    while name.casefold() in taken:  # two folders' registers of one name
        name += "_"
    taken.add(name.casefold())
    return folder / f"{name}.xlsx"


def run_validate_teams(parts: Iterable[Part], out: Path | None = None) -> TeamsValidateRun:
    """Check every register under its own settings; with ``out``, one findings workbook each
    (:func:`findings_path`, so each one's links open its own register)."""
    from complaint_xl.checks import check_register
    from complaint_xl.errors import OutputError
    from complaint_xl.outputs.findings_xlsx import write_findings_xlsx

    caught: list[Warning] = []
    checked: list[FileFindings] = []
    files: list[Path] = []
    taken: set[str] = set()
    with _recorded(caught):
        for part in parts:
            loaded = part.loaded
            findings = check_register(loaded.register, loaded.settings, loaded.as_of,
                                      loaded.calendar)
            rows = loaded.register.frame["_sheet"].value_counts(sort=False)
            one = FileFindings(file_entry(part), findings,
                               [{"file": str(part.path), "name": s.name, "header_row": s.header_row,
                                 "rows": int(rows.get(s.name, 0))} for s in loaded.register.sheets],
                               register_notes(loaded, findings.lang))
            if out is not None:
                target = findings_path(out, part, findings.lang, taken)
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise OutputError("out-not-writable", path=str(target.parent),
                                      detail=exc.strerror or str(exc)) from None
                one.workbook = write_findings_xlsx(findings, target)
                files.append(one.workbook)
            checked.append(one)
    return TeamsValidateRun(make_document=lambda: validate_teams_document(checked),
                            make_lines=list, files=files, warnings=caught, checked=checked)


def validate_teams_document(checked: Sequence[FileFindings]) -> dict[str, Any]:
    """The JSON of ``validate --json`` over several registers: the contract's keys over all
    of them, each finding with its ``file``; ``files`` has each register's counts."""
    findings: list[dict[str, Any]] = []
    entries = []
    for one in checked:
        doc = one.findings.to_json()
        findings += [{**f, "file": one.entry["file"]} for f in doc["findings"]]
        entries.append({**one.entry, "errors": doc["errors"], "warnings": doc["warnings"],
                        "valid": doc["valid"], "notes": one.notes})
    errors = sum(e["errors"] for e in entries)
    return {
        "register": "; ".join(one.entry["file"] for one in checked),
        "rows": sum(one.findings.rows for one in checked),
        "findings": findings,
        "as_of": checked[0].findings.as_of.isoformat() if checked else None,
        "valid": errors == 0,
        "errors": errors,
        "warnings": sum(e["warnings"] for e in entries),
        "files": entries,
        "sheets": [s for one in checked for s in one.sheets],
        "notes": [n for one in checked for n in one.notes],
    }


# -- chase ------------------------------------------------------------------------------------

_CHASE_LISTS = ("overdue", "due_soon", "paused", "followup_due", "new_action_due")


def run_chase_teams(parts: Iterable[Part], out: Path | None = None, *,
                    given: Settings | None = None, now: dt.datetime | None = None,
                    top: int = 5) -> ChaseRun | None:
    """Chase every register under its own settings, then write one chase list and one draft
    per owner across the teams (each item naming its team). None when no part came."""
    from complaint_xl.chase import chase
    from complaint_xl.outputs.chase import summary_lines, write_chase

    caught: list[Warning] = []
    with _recorded(caught):
        tagged, settings, entries = [], [], []
        for part in parts:
            loaded = part.loaded
            result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
            tagged.append(tag_chase(part, result))
            settings.append(loaded.settings)
            entries.append(file_entry(part))
        if not tagged:
            return None
        run = run_settings([given, *settings] if given else settings)
        result = merge_chase(tagged, run)
        outputs = write_chase(result, run, out, now=now)

    def document() -> dict[str, Any]:
        doc = result.to_json(outputs)
        for name in _CHASE_LISTS:
            items = getattr(result, name)
            for record, team, file in zip(doc[name], items["team"], items["file"], strict=True):
                record["team"], record["file"] = team, file
        return {**doc, "files": entries}

    def lines() -> list[str]:
        # the summary names each item's place: its team before its sheet
        shown = result.items.assign(sheet=result.items["team"] + "·" + result.items["sheet"])
        return summary_lines(dataclasses.replace(result, items=shown), outputs, run.lang, top=top)

    return ChaseRun(make_document=document, make_lines=lines,
                    files=[outputs.workbook, *outputs.drafts], warnings=caught,
                    result=result, outputs=outputs)


# -- report -----------------------------------------------------------------------------------

def run_report_teams(parts: Iterable[Part], *, as_of: dt.date, week: Week | None = None,
                     filters: Mapping[str, str | Sequence[str]] | None = None,
                     out: Path | None = None, given: Settings | None = None) -> ReportRun | None:
    """The weekly report over every team's rows: each register's facts under its own settings
    and calendar, the figures aggregated once (``by.team`` among the breakdowns). None when
    no part came."""
    from complaint_xl.kpi import weekly
    from complaint_xl.kpi.weeks import to_week
    from complaint_xl.outputs.weekly import summary_lines, write_weekly

    caught: list[Warning] = []
    with _recorded(caught):
        gathered = Gathered(as_of, to_week(week, as_of))
        settings, entries, calendar = [], [], None
        for part in parts:
            gathered.add(part)
            settings.append(part.loaded.settings)
            entries.append(file_entry(part))
            calendar = calendar or part.loaded.calendar
        if calendar is None:
            return None
        run = run_settings([given, *settings] if given else settings)
        register, facts = gathered.register()
        kpis = weekly(register, run, calendar, as_of, week=week, filters=filters, facts=facts)
        written = write_weekly(kpis, out, run) if out is not None else None
    return ReportRun(make_document=lambda: {**kpis.to_json(), "files": entries},
                     make_lines=lambda: summary_lines(kpis, written, run.lang),
                     files=list(written or ()), warnings=caught, kpis=kpis, written=written)
