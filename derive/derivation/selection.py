"""Choosing quantities by name, ``--only 'dC/dw1*'`` (shell-style globs, comma-separated), and
by example, ``--example 2`` (1-based): the same choice for every output format."""

from __future__ import annotations

import re
from functools import cache

from ..errors import OptionError
from .quantity import Derivation, Quantity


@cache
def _glob(pattern: str) -> re.Pattern[str]:
    """* and ? are the only wildcards: names such as dC/dw5[2] carry brackets, which a shell
    glob would read as a character class."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.DOTALL)


def matches(name: str, patterns: list[str]) -> bool:
    return any(_glob(p).fullmatch(name) for p in patterns)


def select(derivation: Derivation, pattern: str) -> list[Quantity]:
    """The quantities (aliases count) whose names match any comma-separated glob in ``pattern``."""
    patterns = [p.strip() for p in pattern.split(",") if p.strip()]
    chosen = [
        q
        for q in derivation.quantities.values()
        if matches(q.name, patterns) or any(matches(a, patterns) for a in q.aliases)
    ]
    if not chosen:
        raise OptionError(
            "only", f"{pattern!r} matches no quantity (names look like dC/dw6, O3, z0)"
        )
    return chosen


def check_example(derivation: Derivation, example: int) -> None:
    """``example`` names one of the file's examples (1-based)."""
    count = len(derivation.network.examples)
    if not 1 <= example <= count:
        raise OptionError("example", f"must be between 1 and {count}, not {example}")


def of_example(derivation: Derivation, example: int) -> set[str]:
    """The names example K (1-based) shows: its own quantities and those of no one example
    (parameters, the average, the updates)."""
    check_example(derivation, example)
    return {q.name for q in derivation.quantities.values() if q.example in (None, example)}


def chosen(derivation: Derivation, *, only: str | None, example: int | None) -> list[Quantity]:
    """What ``--only`` matches (everything without it), kept to example K with ``--example``."""
    picked = list(derivation.quantities.values()) if only is None else select(derivation, only)
    if example is None:
        return picked
    names = of_example(derivation, example)
    kept = [q for q in picked if q.name in names]
    if not kept:
        raise OptionError("only", f"{only!r} matches nothing in example {example}")
    return kept
