"""How each quantity's value is written, shared by every renderer (one rounding policy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp

from ..derivation.names import display
from ..derivation.quantity import GIVEN, Derivation, Quantity
from ..numbers.rounding import drifted, format_given, format_number, significant
from .plain import TextPrinter


def number_text(value: Any, decimals: int, *, given: bool = False) -> str:
    """A number as written (given) or at the display precision (computed); a symbolic value as
    a formula, its decimal coefficients written briefly (4.5·w - 1.5)."""
    if isinstance(value, sp.Basic):
        if not value.is_Number:
            return TextPrinter(display, decimals).doprint(value)
        value = float(value)
    return format_given(value) if given else format_number(value, decimals)


def value_text(q: Quantity, decimals: int) -> str:
    return number_text(q.value, decimals, given=q.section == GIVEN)


def exact_note(q: Quantity, decimals: int) -> str | None:
    """The exact value beside a hand-rounded one where they differ at the displayed precision,
    or the number beside a symbolic value (from the file's ``values:``)."""
    if q.exact is None:
        return None
    if isinstance(q.value, sp.Basic) and not q.value.is_Number:
        return "= " + number_text(q.exact, decimals, given=q.section == GIVEN)
    if q.section == GIVEN or not drifted(q.value, float(q.exact), decimals):
        return None
    return f"exact {significant(float(q.exact), max(decimals, 3))}"


def value_lookup(derivation: Derivation) -> Callable[[str], str]:
    """Name → value text, for substituting numbers into formulas (compound symbolic values are
    parenthesised so that precedence survives the substitution)."""
    decimals = derivation.decimals

    def lookup(name: str) -> str:
        if name not in derivation:
            return name
        q = derivation[name]
        if q.opaque:
            return display(name)
        text = value_text(q, decimals)
        compound = isinstance(q.value, sp.Basic) and not (q.value.is_Atom or q.value.is_Number)
        return f"({text})" if compound else text

    return lookup
