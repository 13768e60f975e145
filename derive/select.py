"""Choosing quantities by name: ``--only 'dC/dw1*'`` (shell-style globs, comma-separated)."""

from __future__ import annotations

from fnmatch import fnmatchcase

from .derivation import Derivation, Quantity
from .errors import UsageError


def matches(name: str, patterns: list[str]) -> bool:
    return any(fnmatchcase(name, p) for p in patterns)


def select(derivation: Derivation, pattern: str) -> list[Quantity]:
    """The quantities (aliases count) whose names match any comma-separated glob in ``pattern``."""
    patterns = [p.strip() for p in pattern.split(",") if p.strip()]
    chosen = [
        q
        for q in derivation.quantities.values()
        if matches(q.name, patterns) or any(matches(a, patterns) for a in q.aliases)
    ]
    if not chosen:
        raise UsageError(f"--only {pattern!r} matches no quantity (names look like dC/dw6, O3, z0)")
    return chosen
