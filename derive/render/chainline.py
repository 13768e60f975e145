"""``derive explain --chain``: every gradient as the product along each path, on one line.

    ∂C/∂w(L) = ∂z(L)/∂w(L) · ∂a(L)/∂z(L) · ∂C/∂a(L) = a(L-1) · σ'(z(L)) · 2 · (a(L) - y)

as 3Blue1Brown's lesson writes it: the factors run from the parameter up to C, each a local
derivative (an activation's as σ'(z), the others by their formulas), with the numbers under
it. A gradient with several paths gets a line per path and their sum. The paths come from
derivation/graph.py, which the pictures of ``derive draw --path`` use too.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

import sympy as sp

from ..derivation.graph import Chain, Local, gradient_chains
from ..derivation.names import display, gradient
from ..derivation.quantity import GIVEN, Derivation
from ..derivation.selection import matches
from ..errors import OptionError
from .plain import MUL, TextPrinter
from .values import number_text

MAX_PATHS = 12  # paths written out per gradient; a wide network has hundreds
MAX_GRADIENTS = 60  # gradients written without a choice of them


def render(d: Derivation, *, only: str | None = None, example: int | None = None) -> str:
    params = _chosen(d, only)
    blocks = [_heading(d)]
    for param in params[:MAX_GRADIENTS]:
        blocks += [_gradient(d, c) for c in gradient_chains(d, param, example=example)]
    if len(params) > MAX_GRADIENTS:
        more = len(params) - MAX_GRADIENTS
        blocks.append(f"… {more:,} more gradients: choose some with --only 'dC/dw1*'")
    return "\n\n".join(blocks) + "\n"


def _heading(d: Derivation) -> str:
    return (
        f"{d.network.title}\nEach gradient as the product of the local derivatives along each "
        "path from the parameter to C (the chain rule), then the numbers"
    )


def _chosen(d: Derivation, only: str | None) -> list[str]:
    if only is None:
        return list(d.parameters)
    patterns = [p.strip() for p in only.split(",") if p.strip()]
    params = [p for p in d.parameters if matches(gradient(p), patterns) or matches(p, patterns)]
    if not params:
        raise OptionError("only", f"{only!r} matches no gradient (names look like dC/dw6)")
    return params


def _gradient(d: Derivation, chain: Chain) -> str:
    name = display(chain.gradient)
    paths = list(_first(chain, MAX_PATHS + 1))
    if len(paths) == 1:
        lines = _path(d, f"{name} =", paths[0], indent=len(name))
        return "\n".join(lines) + _step(d, chain.gradient)
    count = chain.count()
    lines = [f"{name} = the sum over {count} paths:"]
    for i, path in enumerate(paths[:MAX_PATHS], start=1):
        lines += _path(d, f"  path {i}:", path, indent=9)
    if count > MAX_PATHS:
        lines.append(f"  … {count - MAX_PATHS} more paths (derive draw --path draws them all)")
    total = number_text(chain.total(), d.decimals)
    step = _step(d, chain.gradient)
    return "\n".join([*lines, f"  sum = {total}{step}"])


def _first(chain: Chain, n: int) -> list[tuple[Local, ...]]:
    out = []
    for path in chain.paths():
        out.append(path)
        if len(out) == n:
            break
    return out


def _path(d: Derivation, head: str, path: tuple[Local, ...], *, indent: int) -> list[str]:
    """``head`` = the partials = their formulas, then the numbers on a line of their own."""
    partials = " · ".join(display(edge.name) for edge in path)
    formulas = _factors([_text(_formula(d, edge)) for edge in path])
    line = f"{head} {partials}" + ("" if formulas == partials else f" = {formulas}")
    numbers = _numbers(d, path)
    return [line] if numbers is None else [line, f"{' ' * indent} = {numbers}"]


def _text(expr: sp.Expr) -> str:
    """A factor of the product: a product inside it needs no parentheses, a sum does."""
    return TextPrinter(display).print(expr, MUL)


def _factors(texts: list[str]) -> str:
    """Factors joined by ·, a negative one after the first in parentheses."""
    return " · ".join(
        t if i == 0 or not t.startswith("-") else f"({t})" for i, t in enumerate(texts)
    )


def _formula(d: Derivation, edge: Local) -> sp.Expr:
    """σ'(z3) for an activation's slope (as the chain rule is written), else the formula."""
    if edge.name in d:
        chain = d[edge.name].chain
        if chain is not None and isinstance(chain, sp.Function):
            return chain
    return edge.formula


def _numbers(d: Derivation, path: tuple[Local, ...]) -> str | None:
    """The local values and their product; the numbers of ``values:`` beside symbolic ones; None
    where some factor has no number."""
    values: list[Any] = [edge.value for edge in path]
    if any(isinstance(v, sp.Basic) and not v.is_Number for v in values):
        values = [edge.exact for edge in path]
        if any(v is None for v in values):
            return None
    texts = [
        number_text(v, d.decimals, given=_given(d, e)) for v, e in zip(values, path, strict=True)
    ]
    product = number_text(reduce(operator.mul, values), d.decimals)
    return f"{_factors(texts)} = {product}"


def _given(d: Derivation, edge: Local) -> bool:
    """A factor that is a given number (an input, a weight, the 1 of a bias) as written."""
    f = edge.formula
    return bool(f.is_Number) or (f.is_Symbol and f.name in d and d[f.name].section == GIVEN)


def _step(d: Derivation, name: str) -> str:
    step = d[name].step if name in d else None
    return f" (step {step})" if step is not None else ""
