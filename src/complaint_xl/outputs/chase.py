"""Every output of the chase in one call: the chase list workbook and the e-mail drafts.

The command line, the 催办 button and the demo all reach :func:`write_chase` through
:func:`complaint_xl.jobs.run_chase`, so they write the same files with the same names.
A rerun into the same folder goes through
:class:`~complaint_xl.outputs.drafts.OutputFolder`: a draft the user edited is kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import warnings
from pathlib import Path

from complaint_xl.chase.result import ChaseOutputs, ChaseResult, records
from complaint_xl.deadlines import late_texts, moved_texts
from complaint_xl.errors import LocalizedWarning, OutputError
from complaint_xl.outputs.chase_mail import chase_drafts, draft_prefixes, missing_addresses
from complaint_xl.outputs.chase_xlsx import list_filename, write_chase_xlsx
from complaint_xl.outputs.drafts import OutputFolder
from complaint_xl.outputs.email import render_draft
from complaint_xl.outputs.files import output_folder
from complaint_xl.settings import Settings
from complaint_xl.words import say

__all__ = [
    "ChaseWarning",
    "folder_name",
    "prepare_outputs",
    "summary_lines",
    "write_chase",
]


class ChaseWarning(LocalizedWarning):
    """Something the coordinator must fix by hand: a missing address, a kept edited draft."""


def folder_name(as_of: dt.date, lang: str) -> str:
    """The dated folder a run writes to when not told where: 催办-YYYY-MM-DD (chase- in English)."""
    return say("chase.folder", lang, as_of=as_of.isoformat())


def prepare_outputs(settings: Settings) -> None:
    """Compile the mail templates: run while the register is parsed (the writers are imported)."""
    from complaint_xl.outputs.templating import preload

    preload("chase", lang=settings.lang, override=settings.templates_path)


def write_chase(result: ChaseResult, settings: Settings, out: Path | None = None, *,
                now: dt.datetime | None = None) -> ChaseOutputs:
    """Write the chase list workbook and the e-mail drafts into ``out`` (or the dated folder).

    Without ``out`` the dated folder goes where :func:`~complaint_xl.outputs.files.output_folder`
    says (the settings' 草稿文件夹, else the current directory). ``now`` is the Date of
    every draft (default: the moment of the run). Each problem the coordinator must fix
    by hand is also raised as a :class:`ChaseWarning`.
    """
    now = now or dt.datetime.now().astimezone()
    lang = settings.lang
    if out is None:
        out = output_folder(folder_name(result.as_of, lang), settings.drafts_folder,
                            settings.source)
    folder = OutputFolder(out, lang=lang)
    try:
        workbook = folder.write_with(list_filename(result.as_of),
                                     lambda tmp: write_chase_xlsx(result, tmp, lang=lang))
        outputs = ChaseOutputs(folder.path, workbook)
        # The mails name the workbook as written: "chase-… (2).xlsx" beside an edited one.
        mails = chase_drafts(result, settings, now=now, workbook=workbook.name,
                             override=settings.templates_path)
        for mail in mails:
            outputs.drafts.append(folder.write_bytes(mail.filename, render_draft(mail.draft)))
    except BaseException:  # a full disk midway: what was written stays replaceable by a rerun
        with contextlib.suppress(OutputError):
            folder.save()
        raise
    folder.forget_stale(".eml", draft_prefixes())
    folder.save()
    outputs.kept = list(folder.kept)
    outputs.missing_addresses = missing_addresses(mails)
    outputs.warnings = [*(w for mail in mails for w in mail.warnings), *folder.warnings]
    for message in dict.fromkeys(outputs.warnings):
        warnings.warn(message, ChaseWarning, stacklevel=2)
    return outputs


# -- presenting ---------------------------------------------------------------------

def summary_lines(result: ChaseResult, outputs: ChaseOutputs | None, lang: str = "zh",
                  top: int = 5) -> list[str]:
    """A few lines for a person: the counts, where the files went, the most overdue items."""
    over = result.overdue
    lines = [say("chase.summary.head", lang, as_of=result.as_of.isoformat(), overdue=len(over),
                 level2=int((over["level"] >= 2).sum()), level3=int((over["level"] >= 3).sum()),
                 due_soon=len(result.due_soon))]
    paused = result.paused
    if len(paused) or len(result.followup_due) or len(result.new_action_due):
        lines.append(say("chase.summary.lifecycle", lang, paused=len(paused),
                         too_long=int(paused["pause_too_long"].to_numpy(dtype=bool).sum()),
                         followup=len(result.followup_due), new_action=len(result.new_action_due)))
    if outputs is not None:
        lines.append(say("chase.summary.files", lang, folder=outputs.folder,
                         workbook=outputs.workbook.name, drafts=len(outputs.drafts)))
    if len(over):
        lines.append(say("chase.summary.top", lang, n=min(top, len(over))))
        shown = over.head(top)
        # "deadline passed on <date>" where no working day has passed yet, never "0 days".
        lates = late_texts(shown["workdays_overdue"], shown["deadline"], lang)
        moved = moved_texts(shown["paused_workdays"], shown["extended"], shown["deadline"], lang,
                            original=shown["deadline_original"])
        check = say("chase.summary.check", lang, note=say("deadline.suspect", lang))
        none = say("chase.summary.none", lang)
        for rec, late, why in zip(records(shown), lates, moved, strict=True):
            lines.append(say(
                "chase.summary.item", lang, owner=rec["owner"] or none,
                customer=rec["customer"] or none, type=rec["type"] or none,
                deadline=say("chase.summary.moved", lang, deadline=rec["deadline"], why=why)
                if why else rec["deadline"], late=late, level=rec["level"],
                check=check if rec["deadline_suspect"] else "", sheet=rec["sheet"], row=rec["row"]))
    return lines
