"""How a rule is declared: a function over the context, tagged with the codes it may yield."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from complaint_xl.checks.catalogue import CATALOGUE
from complaint_xl.checks.context import Context, Hits

__all__ = ["Rule", "rule"]

RuleFunc = Callable[[Context], Iterable[Hits]]


class Rule:
    """A check: its function and the catalogue codes it can produce."""

    def __init__(self, func: RuleFunc, codes: tuple[str, ...]) -> None:
        unknown = [c for c in codes if c not in CATALOGUE]
        if unknown:  # a typo here would silently never fire
            raise ValueError(f"{func.__name__}: codes not in the catalogue: {unknown}")
        self.func = func
        self.codes = codes
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __call__(self, ctx: Context) -> Iterator[Hits]:
        for hits in self.func(ctx):
            if hits.code not in self.codes:
                raise ValueError(f"rule {self.name} yielded undeclared code {hits.code}")
            yield hits

    def __repr__(self) -> str:
        return f"Rule({self.name}, {self.codes})"


def rule(*codes: str) -> Callable[[RuleFunc], Rule]:
    """Declare a rule function and the codes it yields."""
    def wrap(func: RuleFunc) -> Rule:
        return Rule(func, codes)

    return wrap
