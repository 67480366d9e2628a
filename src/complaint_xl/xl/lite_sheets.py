"""The xlwings Lite results of 校验 and 催办: findings and chase sheets, colours, mail links."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from email.utils import getaddresses
from typing import Any

import xlwings as xw

from complaint_xl.words import known, say
from complaint_xl.xl.blocks import (
    as_text,
    find_mask,
    hyperlink,
    read_marks,
    runs,
    write_marks,
    write_mask,
)
from complaint_xl.xl.lite_io import (
    KEEP,
    MAILTO_LIMIT,
    MAX_COLOR_CELLS,
    MAX_MAIL_LINKS,
    as_of_day,
    cell_place,
    column_index,
    read_book,
    result_sheet,
    run_job,
    style_rows,
)

__all__ = [
    "chase_book",
    "check_book",
    "color_blocks",
    "mailto",
]

# -- 校验 -------------------------------------------------------------------------------------

def check_book(book: xw.Book, *, today: dt.date | None = None, lang: str = "zh") -> dict[str, Any]:
    """The 检查结果 sheet and the register's cells coloured; returns ``validate --json``.

    The previous check's colours are cleared first, and only those (they are remembered
    on the hidden sheet the classic buttons use too), so the user's own fills stay. All
    the colouring of a sheet goes in a few rectangular blocks (:func:`color_blocks`).
    """
    from complaint_xl import grid

    day = as_of_day(today)
    sheet_name, values, settings, notes = read_book(book, lang)
    document, caught = run_job(lambda: grid.validate(values, today=day, settings=settings, lang=lang,
                                                      sheet=sheet_name))
    findings = document["findings"]
    rows: list[list[Any]] = [
        [say("lite.findings-title", lang, as_of=day.isoformat())],
        [say("lite.findings-summary", lang, rows=document["rows"], errors=document["errors"],
             warnings=document["warnings"])],
        [say("lite.findings-help", lang)],
        *([as_text(n)] for n in [*notes, *document.get("notes", []), *caught.lines(lang)]),
        [],
        say("lite.findings-head", lang).split("|"),
    ]
    head_row = len(rows)
    for f in findings:
        place = f"{f['column']}{f['row']}" if f.get("column") and f.get("row") else ""
        rows.append([
            hyperlink(f["sheet"], place, cell_place(f["sheet"], place)) if place else None,
            as_text(f["sheet"]),
            f["row"] or None, f["column"] or None, as_text(f.get("header")),
            _severity(f["severity"], lang), f["code"], as_text(f["message"]), as_text(f.get("value")),
        ])
    if not findings:
        rows.append([say("lite.findings-clean", lang)])
    sheet, width = result_sheet(book, say("lite.findings-sheet", lang), rows)
    sheet.range((1, 1)).font.bold = True
    style_rows(sheet, [head_row], width, fill=True)
    sheet.range((1, 8)).column_width = 70  # the message column
    _recolour(book, findings, sheet_name, values)
    sheet.activate()
    print(rows[1][0])
    return document


def _severity(severity: str, lang: str) -> str:
    key = f"severity.{severity}"
    return say(key, lang) if known(key) else severity


def _recolour(book: xw.Book, findings: Sequence[Mapping[str, Any]], sheet: str,
              values: Sequence[Sequence[Any]]) -> None:
    """Mark the findings' cells, clear the last check's marks that are not found again.

    In a workbook built with the findings mask, the marks of the register ``sheet`` (its
    ``values`` give the rows' keys) are one block on the mask, as the classic button writes
    them; other cells are filled, in blocks (:func:`color_blocks`).
    """
    from complaint_xl.workbook.style import HIGHLIGHT

    mask = find_mask(book)
    level: dict[tuple[str, int, int], str] = {}
    for f in findings:
        if not f.get("column") or not f.get("row"):
            continue
        key = (str(f["sheet"]), int(f["row"]), column_index(str(f["column"])))
        if level.get(key) != "error":
            level[key] = "error" if f["severity"] == "error" else "warning"
    masked = {(r, c): v for (s, r, c), v in level.items() if mask and s == mask.sheet}
    want = {k: HIGHLIGHT[v] for k, v in level.items() if not (mask and k[0] == mask.sheet)}
    if mask:
        write_mask(mask, masked, values if mask.sheet == sheet else [])
    had: dict[tuple[str, int, int], str] = {}
    for name, first, col, n, colour in read_marks(book):
        for i in range(n):
            had[(name, first + i, col)] = colour
    changes: dict[str, dict[tuple[int, int], str | None]] = {}
    for key in had.keys() | want.keys():
        if had.get(key) != want.get(key):
            changes.setdefault(key[0], {})[key[1:]] = want.get(key)
    sheets = {s.name: s for s in book.sheets}
    for name, cells in changes.items():
        if name in sheets:
            for top, left, matrix in color_blocks(cells):
                sheets[name].range((top, left), (top + len(matrix) - 1, left + len(matrix[0]) - 1)
                                   ).set_colors(matrix)
    marks = []
    for name, fill in sorted({(s, c) for (s, _, _), c in want.items()}):
        cells = [(r, c) for (s, r, c), f in want.items() if s == name and f == fill]
        marks += [(name, r, c, n, fill) for r, c, n in runs(cells)]
    if marks or had:
        write_marks(book, sorted(marks))


def color_blocks(changes: Mapping[tuple[int, int], str | None]
                 ) -> list[tuple[int, int, list[list[Any]]]]:
    """(top, left, colours) blocks of at most :data:`MAX_COLOR_CELLS` cells covering
    ``changes`` ((row, column) -> fill, None to clear); ``...`` keeps a cell as it is.

    Two layouts are tried, and the one with fewer blocks kept: a strip per column, or
    bands of rows as wide as all the changed columns.
    """
    if not changes:
        return []
    strips: list[tuple[int, int, int, int]] = []  # top, left, bottom, right
    for col in sorted({c for _, c in changes}):
        strips += [(a, col, b, col) for a, b in _spans(sorted(r for r, c in changes if c == col),
                                                       MAX_COLOR_CELLS)]
    left, right = min(c for _, c in changes), max(c for _, c in changes)
    bands: list[tuple[int, int, int, int]] = []
    for a, b in _spans(sorted({r for r, _ in changes}), max(1, MAX_COLOR_CELLS // (right - left + 1))):
        cols = [c for r, c in changes if a <= r <= b]
        bands.append((a, min(cols), b, max(cols)))
    chosen = strips if len(strips) <= len(bands) else bands
    return [(top, lft, [[changes.get((r, c), KEEP) for c in range(lft, rgt + 1)]
                        for r in range(top, bottom + 1)])
            for top, lft, bottom, rgt in chosen]


def _spans(rows: Sequence[int], height: int) -> Iterator[tuple[int, int]]:
    """Greedy (first, last) spans of at most ``height`` rows covering the sorted ``rows``."""
    i = 0
    while i < len(rows):
        first = last = rows[i]
        while i < len(rows) and rows[i] - first < height:
            last = rows[i]
            i += 1
        yield first, last


# -- 催办 -------------------------------------------------------------------------------------

def _addresses(people: Sequence[str]) -> list[str]:
    """'王芳 <wang.fang@example.com>' -> 'wang.fang@example.com' (names confuse mail programs)."""
    return [addr for _, addr in getaddresses(list(people)) if addr]


def _quote(text: str, safe: str = "") -> str:
    return urllib.parse.quote(text, safe=safe)


def _mailto_url(to: Sequence[str], cc: Sequence[str], subject: str, body: str | None) -> str:
    query = ([("cc", ",".join(_quote(a, "@") for a in cc))] if cc else [])
    query.append(("subject", _quote(subject)))
    if body is not None:
        query.append(("body", _quote(body.replace("\r\n", "\n").replace("\n", "\r\n"))))  # RFC 6068
    path = ",".join(_quote(a, "@") for a in to)
    return "mailto:" + path + "?" + "&".join(f"{k}={v}" for k, v in query)


def mailto(draft: Mapping[str, Any], *, cut_note: str, limit: int = MAILTO_LIMIT) -> tuple[str, str]:
    """A draft ({to, cc, subject, text}) as a ``mailto:`` link of at most ``limit`` characters.

    Returns the link and how its body was kept: "whole", "cut" (the longest beginning
    of the text that fits, ended at a line break where one is near, then a blank line
    and ``cut_note``) or "none" (not even the note fits beside the recipients and
    subject). Addresses go in bare, without names; line breaks as CRLF (RFC 6068).
    """
    to, cc = _addresses(draft.get("to") or []), _addresses(draft.get("cc") or [])
    subject, text = str(draft.get("subject") or ""), str(draft.get("text") or "")
    url = _mailto_url(to, cc, subject, text)
    if len(url) <= limit:
        return url, "whole"
    tail = "\n\n" + cut_note
    if len(_mailto_url(to, cc, subject, tail)) > limit:
        return _mailto_url(to, cc, subject, None), "none"
    lo, hi = 0, len(text)  # the longest prefix that fits: lo fits, hi + 1 does not
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(_mailto_url(to, cc, subject, text[:mid] + tail)) <= limit:
            lo = mid
        else:
            hi = mid - 1
    keep = text[:lo]
    line = keep.rfind("\n")
    if line > len(keep) * 2 // 3:  # end at a whole line when that loses little
        keep = keep[:line]
    return _mailto_url(to, cc, subject, keep.rstrip() + tail), "cut"


def chase_book(book: xw.Book, *, today: dt.date | None = None, lang: str = "zh") -> dict[str, Any]:
    """The 催办 sheet: one row per draft with a ``mailto:`` link and its full text, then the
    items to chase; returns ``chase --json`` (drafts as {to, cc, subject, text, html})."""
    from complaint_xl import grid

    day = as_of_day(today)
    sheet_name, values, settings, notes = read_book(book, lang)
    document, caught = run_job(lambda: grid.chase(values, today=day, settings=settings, lang=lang,
                                                   sheet=sheet_name))
    drafts = document["drafts"]
    items = [*((i, "overdue") for i in document["overdue"]), *((i, "due_soon") for i in document["due_soon"])]
    title = say("lite.chase-sheet", lang)
    cut_note = say("lite.mail-cut", lang, sheet=title)
    links: list[tuple[str, str]] = []
    draft_rows: list[list[Any]] = []
    for i, draft in enumerate(drafts):
        url, kept = mailto(draft, cut_note=cut_note)
        note = {"whole": None, "cut": say("lite.mail-shortened", lang, limit=MAILTO_LIMIT),
                "none": say("lite.mail-no-body", lang, limit=MAILTO_LIMIT)}[kept]
        if i < MAX_MAIL_LINKS:
            links.append((url, say("lite.mail-link", lang)))
        draft_rows.append([say("lite.mail-link", lang) if i < MAX_MAIL_LINKS else None,
                           as_text("; ".join(draft["to"])), as_text("; ".join(draft["cc"])),
                           as_text(draft["subject"]), note, as_text(draft["text"])])
    more = [say("lite.mail-more", lang, limit=MAX_MAIL_LINKS)] if len(drafts) > MAX_MAIL_LINKS else []
    rows: list[list[Any]] = [
        [say("lite.chase-title", lang, as_of=day.isoformat(), overdue=len(document["overdue"]),
             due_soon=len(document["due_soon"]), drafts=len(drafts))],
        [say("lite.chase-help", lang)],
        *([as_text(n)] for n in [*notes, *more, *caught.lines(lang)]),
    ]
    heads: list[int] = []
    if drafts:
        rows += [[], say("lite.drafts-head", lang).split("|")]
        heads.append(len(rows))
        first_draft = len(rows) + 1
        rows += draft_rows
    else:
        first_draft = 0
    if items:
        rows += [[], _item_head(lang)]
        heads.append(len(rows))
        rows += [_item_row(item, status, lang) for item, status in items]
    else:
        rows += [[], [say("lite.chase-none", lang)]]
    sheet, width = result_sheet(book, title, rows)
    sheet.range((1, 1)).font.bold = True
    style_rows(sheet, heads, width, fill=True)
    for i, (url, label) in enumerate(links):
        sheet.range((first_draft + i, 1)).add_hyperlink(url, label, say("lite.mail-tip", lang))
    sheet.range((1, 6)).column_width = 60  # the draft text; the cells keep all of it
    sheet.activate()
    print(rows[0][0])
    return document


def _item_head(lang: str) -> list[str]:
    return [say("lite.place", lang), say("lite.status", lang), say("lite.level", lang),
            say("column.workdays_overdue", lang), say("lite.workdays-left", lang),
            say("field.owner", lang), say("column.customer", lang), say("field.type", lang),
            say("field.severity", lang), say("field.deadline", lang), say("field.support_unit", lang),
            say("field.support_need", lang)]


def _item_row(item: Mapping[str, Any], status: str, lang: str) -> list[Any]:
    overdue = status == "overdue"
    sheet, cell = str(item["sheet"]), f"A{item['row']}"
    return [hyperlink(sheet, cell, cell_place(sheet, cell)), say(f"column.{status}", lang),
            item.get("level"), item.get("workdays_overdue") if overdue else None,
            None if overdue else item.get("workdays_left"),
            as_text(item.get("owner")), as_text(item.get("customer")), as_text(item.get("type")),
            as_text(item.get("severity")), item.get("deadline"), as_text(item.get("support_unit")),
            as_text(item.get("support_need"))]


