"""How each quantity's value is written, shared by every renderer (one rounding policy)."""

from __future__ import annotations

from collections.abc import Callable

from ..derivation import GIVEN, Derivation, Quantity
from ..rounding import displayed_equal, format_given, format_number, significant


def value_text(q: Quantity, decimals: int) -> str:
    """A given value as written; a computed one at the display precision."""
    return format_given(q.value) if q.section == GIVEN else format_number(q.value, decimals)


def exact_note(q: Quantity, decimals: int) -> str | None:
    """The exact value where hand rounding has drifted from it at the displayed precision."""
    if q.exact is None or q.section == GIVEN or displayed_equal(q.value, q.exact, decimals):
        return None
    return significant(float(q.exact), max(decimals, 3))


def value_lookup(derivation: Derivation) -> Callable[[str], str]:
    """Name → value text, for substituting numbers into formulas."""
    decimals = derivation.decimals

    def lookup(name: str) -> str:
        return value_text(derivation[name], decimals) if name in derivation else name

    return lookup
