"""Jinja2 templates for e-mails and pages: the team's own copies win over the shipped ones.

Templates live in ``templates/<lang>/`` (shipped inside the package). A folder named
in the settings (模板文件夹) may hold edited copies with the same names; those are
used instead. HTML templates are autoescaped, so a customer called ``<script>`` is
shown, not run. A broken template is reported with its name and line.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from complaint_xl.errors import ComplaintXLError

__all__ = ["preload", "render", "template_dirs"]

_PACKAGE = Path(__file__).resolve().parent.parent


def template_dirs(lang: str, override: str | Path | None = None) -> list[Path]:
    """Where templates are looked up, first match wins: override, then the shipped set."""
    shipped = _PACKAGE / "templates"
    if not shipped.is_dir():  # an editable install: templates/ sits at the repository root
        shipped = _PACKAGE.parent.parent / "templates"
    dirs: list[Path] = []
    if override:
        o = Path(override)
        dirs += [o / lang, o]
    dirs += [shipped / lang, shipped]
    return dirs  # a folder made later still counts: the loader looks file by file


class _OverridableLoader(jinja2.FileSystemLoader):
    """A file loader whose cached templates go stale when a team adds its own copy.

    jinja2 re-reads a template only when *its* file changes; a copy dropped into the
    override folder later would be missed by a long-running Excel session.
    """

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        earlier = []
        for folder in self.searchpath:
            candidate = os.path.join(folder, *template.split("/"))
            if os.path.normpath(candidate) == os.path.normpath(filename):
                break
            earlier.append(candidate)

        def still_first() -> bool:
            return bool(uptodate and uptodate()) and not any(os.path.isfile(c) for c in earlier)

        return source, filename, still_first


@functools.lru_cache(maxsize=16)
def _environment(lang: str, override: str | Path | None, html: bool) -> jinja2.Environment:
    """One environment per language, folder and kind: jinja2 compiles each template once.

    Escaping is decided by what is being rendered, not by the file a value is printed
    from: an HTML page escapes every value, also those printed by macros it imports
    from shared ``.txt`` label files; a plain-text part escapes nothing.
    """
    return jinja2.Environment(
        loader=_OverridableLoader([str(d) for d in template_dirs(lang, override)]),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, context: dict[str, Any], *, lang: str = "zh",
           override: str | Path | None = None) -> str:
    """Render a template by file name (e.g. ``chase_owner.html``) in the given language."""
    env = _environment(lang, override, name.endswith((".html", ".htm", ".xml")))
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise ComplaintXLError("template-error", name=exc.filename or exc.name or name,
                               line=exc.lineno, detail=exc.message or "") from None
    except jinja2.TemplateNotFound as exc:
        raise ComplaintXLError("template-error", name=str(exc), line=0,
                               detail="template not found") from None
    except jinja2.UndefinedError as exc:
        raise ComplaintXLError("template-error", name=name, line=_line_of(exc, name),
                               detail=str(exc)) from None


def preload(prefix: str, *, lang: str = "zh", override: str | Path | None = None) -> None:
    """Compile every template whose name starts with ``prefix``, for both kinds of output.

    Called while the register is still being parsed (see ``load_grids``' ``prepare``), so
    that compiling (~0.1 s for the chase mails) is off the run's critical path. A broken
    template is skipped here: :func:`render` reports it with its line.
    """
    for html in (True, False):
        env = _environment(lang, override, html)
        # Names with a folder are the language folders seen from the shipped root: the
        # templates import their labels by bare name, found first in the language's folder.
        for name in env.list_templates(filter_func=lambda n: "/" not in n and n.startswith(prefix)):
            with contextlib.suppress(jinja2.TemplateError, OSError):
                env.get_template(name)


def _line_of(exc: BaseException, name: str) -> int:
    """The template line where rendering failed, from the traceback jinja2 rewrites."""
    tb = exc.__traceback__
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(name):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
