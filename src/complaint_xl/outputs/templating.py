"""Jinja2 templates for e-mails and pages: the team's own copies win over the shipped ones.

Templates live in ``templates/<lang>/`` (shipped inside the package). A folder named
in the settings (模板文件夹) may hold edited copies with the same names; those are
used instead. HTML templates are autoescaped, so a customer called ``<script>`` is
shown, not run. A broken template is reported with its name and line.

Templates come from shared folders and are untrusted: every one is rendered in
jinja2's immutable sandbox, so a template can format the values it is given but not
reach Python (``{{ cycler.__init__.__globals__ }}`` is refused with a one-line error
naming the file).
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox

from complaint_xl.errors import ComplaintXLError

__all__ = ["preload", "render", "template_dirs"]

_PACKAGE = Path(__file__).resolve().parent.parent
MAX_TEMPLATE_BYTES = 256 * 1024
"""A team's template past this size is refused: the shipped ones are under 10 KB."""


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
        if len(source) > MAX_TEMPLATE_BYTES:
            raise jinja2.TemplateError(f"{filename}: larger than {MAX_TEMPLATE_BYTES // 1024} KB")
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
    return jinja2.sandbox.ImmutableSandboxedEnvironment(
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
        file, line = _place_of(exc, env, name)
        raise ComplaintXLError("template-error", name=file, line=line, detail=str(exc)) from None
    except jinja2.sandbox.SecurityError as exc:
        file, line = _place_of(exc, env, name)
        raise ComplaintXLError("template-unsafe", name=file, line=line, detail=str(exc)) from None
    except jinja2.TemplateError as exc:
        file, line = _place_of(exc, env, name)
        raise ComplaintXLError("template-error", name=file, line=line, detail=str(exc)) from None


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


def _place_of(exc: BaseException, env: jinja2.Environment, name: str) -> tuple[str, int]:
    """The template file and line where rendering failed, from the traceback jinja2 rewrites.

    The innermost frame that runs a template file wins: the fault may sit in a label file
    that ``name`` imports, and the team must be told which of its files to mend.
    """
    try:
        first = env.get_template(name).filename or name
    except (jinja2.TemplateError, OSError):
        first = name
    folders = [os.path.normpath(str(d)) for d in getattr(env.loader, "searchpath", ())]
    file, line = first, 0
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code.co_filename
        if os.path.normpath(code) == os.path.normpath(first) or (
                os.path.isfile(code) and os.path.dirname(os.path.normpath(code)) in folders):
            file, line = code, tb.tb_lineno
        tb = tb.tb_next
    return file, line
