"""How each quantity's value is written, shared by every renderer (one rounding policy)."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import sympy as sp

from ..derivation.names import display, per_example
from ..derivation.quantity import GIVEN, Derivation, Quantity
from ..numbers.rounding import drifted, format_given, format_number, significant
from ..numbers.written import Written
from ..spec.network import Entry, Network
from ..spec.notation import namer_for, parameter_names
from .plain import TextPrinter


def number_text(value: Any, decimals: int, *, given: bool = False) -> str:
    """A number as written (given) or at the display precision (computed); a symbolic value as
    a formula, its decimal coefficients written briefly (4.5·w - 1.5)."""
    if isinstance(value, sp.Basic):
        if not value.is_Number:
            return TextPrinter(display, decimals).doprint(value)
        value = float(value)
    return format_given(value) if given else format_number(value, decimals)


def drawn_names(network: Network) -> frozenset[str]:
    """Given numbers the file did not type: drawn by ``init:``, read from a .npy file or taken
    ``from_data``. The reader keeps each typed number as ``Written``; these are bare floats."""
    namer = namer_for(network)
    names = {name for name, entry in parameter_names(network, namer) if _drawn(entry)}
    several = len(network.examples) > 1
    for i, ex in enumerate(network.examples, start=1):
        k = i if several else None
        names.update(per_example(namer.input(j), k) for j, e in enumerate(ex.input) if _drawn(e))
        names.update(per_example(namer.target(j), k) for j, e in enumerate(ex.target) if _drawn(e))
    return frozenset(names)


def _drawn(entry: Entry) -> bool:
    return isinstance(entry, float) and not isinstance(entry, Written)


# network id → (a weak reference to it, its drawn names): every renderer asks for them, and a
# frozen Network hashes all its weights (13,002 on the digit network) each time it is a key
_DRAWN: dict[int, tuple[weakref.ref[Network], frozenset[str]]] = {}


def drawn_of(network: Network) -> frozenset[str]:
    """``drawn_names(network)``, worked out once per network."""
    key = id(network)
    hit = _DRAWN.get(key)
    if hit is not None and hit[0]() is network:
        return hit[1]
    names = drawn_names(network)
    _DRAWN[key] = (weakref.ref(network, lambda _: _DRAWN.pop(key, None)), names)
    return names


def shown_text(d: Derivation, name: str) -> str:
    """A quantity's value as every renderer writes it (text, LaTeX, HTML, pictures): a given
    number as the file typed it, a drawn one and a computed one at the display's decimals."""
    return value_text(d[name], d.decimals, drawn=drawn_of(d.network))


def value_text(q: Quantity, decimals: int, *, drawn: frozenset[str] = frozenset()) -> str:
    """A given number as the file wrote it, unless it is one of the ``drawn`` (drawn_names):
    then, like a computed one, at the display's decimals rather than a float's 17 digits."""
    if q.name in drawn:
        text = format_given(q.value)
        return format_number(q.value, decimals) if len(text.partition(".")[2]) > decimals else text
    return number_text(q.value, decimals, given=q.section == GIVEN)


def exact_note(q: Quantity, decimals: int) -> str | None:
    """The exact value beside a hand-rounded one where they differ at the displayed precision,
    or the number beside a symbolic value (from the file's ``values:``)."""
    if q.note is not None:  # the digits this step carried, then the exact value if it drifted
        exact = _exact_note(q, decimals)
        return q.note + (f"; {exact}" if exact else "")
    return _exact_note(q, decimals)


def _exact_note(q: Quantity, decimals: int) -> str | None:
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
    drawn = drawn_of(derivation.network)
    made: dict[str, str] = {}  # a name's text, once: ∂C/∂z1 is in 785 of the digit network's steps

    def lookup(name: str) -> str:
        text = made.get(name)
        if text is None:
            text = made[name] = _lookup(name)
        return text

    def _lookup(name: str) -> str:
        if name not in derivation:
            return name
        q = derivation[name]
        if q.opaque:
            return display(name)
        text = value_text(q, decimals, drawn=drawn)
        compound = isinstance(q.value, sp.Basic) and not (q.value.is_Atom or q.value.is_Number)
        return f"({text})" if compound else text

    return lookup
