"""Process-level tricks that make a run faster without changing what it computes.

Three, each measured on a 100,000-row register (``benchmarks/``):

- **Pausing the garbage collector** (:func:`gc_paused`) while millions of cell
  objects are built: they form no cycles, but every new container counts towards
  the collector's thresholds, which then rescans every cell read so far.
- **Working in a second thread** (:func:`in_order`, :func:`beside`): the
  spreadsheet parser and zlib release the GIL, so a sheet parses while the caller
  imports pandas, reads the settings and scans for error cells (~0.6 s of ~3 s).
- **Leaving at once** (:func:`keep_to_the_end`, :func:`keep`, :func:`leave`): the
  command line ends with ``os._exit`` once its output is flushed, instead of
  freeing each cell one by one at interpreter shutdown (~0.3 s per 100,000 rows).

Standard library only, and no pandas: the command line imports this before the
parse starts.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NoReturn, TypeVar

__all__ = ["beside", "gc_paused", "in_order", "keep", "keep_to_the_end", "leave"]

T = TypeVar("T")
U = TypeVar("U")


# -- the garbage collector -------------------------------------------------------------

class _Pause:
    """Who is pausing the collector: it runs again when the last pause ends, whichever thread."""

    lock = threading.Lock()
    count = 0
    was_enabled = False


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a sheet's millions of cells are built.

    A reading thread and the caller may pause at once; the collector is left as the
    first pause found it.
    """
    with _Pause.lock:
        if _Pause.count == 0:
            _Pause.was_enabled = gc.isenabled()
            gc.disable()
        _Pause.count += 1
    try:
        yield
    finally:
        with _Pause.lock:
            _Pause.count -= 1
            if _Pause.count == 0 and _Pause.was_enabled:
                gc.enable()


# -- a second thread -------------------------------------------------------------------

def in_order(tasks: Mapping[str, Callable[[], T]], *, name: str
             ) -> tuple[dict[str, Future[T]], threading.Thread]:
    """Run ``tasks`` one after another in a background thread; each result in its future.

    An error is kept in its task's future and raised to whoever asks for that result.
    The thread is a daemon: a run that stops early need not wait for it.
    """
    futures: dict[str, Future[T]] = {key: Future() for key in tasks}

    def work() -> None:
        for key, task in tasks.items():
            future = futures[key]
            try:
                future.set_result(task())
            except BaseException as exc:  # handed to the waiting caller, raised there
                future.set_exception(exc)

    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    return futures, thread


def beside(side: Callable[[], U], main: Callable[[], T]) -> tuple[T, U]:
    """``main()`` here while ``side()`` runs in a second thread; both results."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(side)
        result = main()
        return result, other.result()


# -- leaving at once -------------------------------------------------------------------

_KEPT: list[object] | None = None
"""What a run loaded, kept to the end once :func:`keep_to_the_end` was called; else None."""


def keep_to_the_end() -> None:
    """Say that this process ends by :func:`leave`: from now on :func:`keep` holds on.

    Only the console entry point calls this; a test or a button calling the same
    commands keeps its normal memory management.
    """
    global _KEPT
    _KEPT = []


def keep(*objects: object) -> None:
    """Keep ``objects`` (a register's frame and cells) until the process leaves.

    Frozen, the collector stops walking their millions of references each time the
    outputs allocate (~0.1 s per 100,000 rows); kept, nobody frees them one by one.
    Does nothing unless :func:`keep_to_the_end` was called.
    """
    if _KEPT is not None:
        gc.freeze()
        _KEPT.append(objects)


def leave(code: int | str | None) -> NoReturn:
    """Flush the output and end the process at once with ``code`` (as ``sys.exit`` reads it).

    Every file was closed by its ``with`` block and the operating system reclaims
    the memory; under a profiler or coverage the usual exit runs, so that they can
    write their reports.
    """
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, ValueError):  # the reader left, or closed
            stream.flush()
    os._exit(code or 0)
