"""The words and numbers on a picture, from the one rounding policy (render/values.py)."""

from __future__ import annotations

import math
from typing import Any

import sympy as sp

from ...derivation.graph import Local
from ...derivation.quantity import Derivation
from ...numbers.rounding import format_number
from ..values import number_text, shown_text
from .scene import NEGATIVE, NEUTRAL, POSITIVE, Name, Number, Part, formula_of, texts


def symbolic(value: Any) -> bool:
    return isinstance(value, sp.Basic) and not value.is_Number


def number(d: Derivation, name: str) -> float | None:
    """A quantity's number: its value, or the number beside a symbolic one; None if it has none."""
    q = d[name]
    value = q.exact if symbolic(q.value) and q.exact is not None else q.value
    return None if symbolic(value) else float(value)


def shown(d: Derivation, name: str) -> str:
    """A quantity's value as a short label: the number beside a symbolic value where there is
    one (w = 0.8), else the value as explain shows it."""
    q = d[name]
    if symbolic(q.value) and q.exact is not None:
        return number_text(q.exact, d.decimals, given=q.section == "given")
    return shown_text(d, name)


def equation(d: Derivation, name: str) -> tuple[Part, ...]:
    """w0 = 0.15, ∂C/∂z3 = -0.0631; a symbol with no number is just its name."""
    text = shown(d, name)
    return (Name(name),) if text == name else texts(Name(name), " = ", Number(text))


def sign_colour(value: float | None) -> str:
    if value is None or value == 0 or math.isnan(value):
        return NEUTRAL
    return POSITIVE if value > 0 else NEGATIVE


def local_parts(d: Derivation, local: Local) -> tuple[tuple[Part, ...], tuple[Part, ...]]:
    """A local derivative as two lines: ∂O0/∂z0 = O0·(1 − O0), and = 0.0508."""
    head = (Name(local.name), *texts(" = "), formula_of(local.formula))
    return head, texts("= ", *local_value(d, local))


def local_value(d: Derivation, local: Local) -> tuple[Part, ...]:
    """The value of a local derivative; a given quantity's as written (x0 = 2, w6 = 0.9); a
    symbolic one as its formula and, where the file gives numbers, the number."""
    f = local.formula
    if f.is_Number:  # ∂z/∂b = 1, linear's ∂a/∂z = 1: the formula is the value
        return (formula_of(f),)
    if f.is_Symbol and f.name in d and not d[f.name].opaque and not symbolic(d[f.name].value):
        return (Number(shown(d, f.name)),)
    if not symbolic(local.value):
        return (Number(number_text(local.value, d.decimals)),)
    parts: tuple[Part, ...] = (formula_of(local.value, d.decimals),)
    if local.exact is not None:
        parts += texts(" = ", Number(format_number(float(local.exact), d.decimals)))
    return parts


def factor(d: Derivation, local: Local) -> tuple[Part, ...]:
    """A local value as a factor of a product: negative or compound values in parentheses."""
    value = local_value(d, local)[0]
    compound = symbolic(local.value) and not local.value.is_Atom
    negative = isinstance(value, Number) and value.text.startswith("-")
    return texts("(", value, ")") if compound or negative else (value,)


def value_of(d: Derivation, value: Any) -> Part:
    """A computed value (a sum over paths) as the rounding policy writes it, or its formula."""
    if symbolic(value):
        return formula_of(value, d.decimals)
    return Number(number_text(value, d.decimals))
