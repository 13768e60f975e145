"""Local derivatives of the functions table's activations, each from sympy.diff, written the
way a person writes them.

An activation's derivative is rewritten in terms of the activation's own output where the table
gives an inverse (σ'(z) = exp(−z)/(1 + exp(−z))² becomes O·(1 − O)), which is the form worked
examples use and the one that needs only values already on the page.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from .functions import ACTIVATIONS


def tidy(expr: sp.Expr) -> sp.Expr:
    """The simplest of the cancelled and factored forms, preferring no leading minus signs:
    O·(1 − O) rather than −O² + O, (O − y)/(O·(1 − O)) rather than (y − O)/(O·(O − 1))."""
    if expr.has(sp.Piecewise) or expr.is_Atom:
        return expr
    factored = sp.factor(expr)
    candidates = [_positive_lead(factored), sp.cancel(expr)]
    numer, denom = sp.fraction(factored)
    if denom != 1:
        candidates.append(_positive_lead(sp.factor(-numer)) / _positive_lead(sp.factor(-denom)))
    return min(candidates, key=lambda e: (sp.count_ops(e), _minus_signs(e)))


def _minus_signs(expr: sp.Expr) -> int:
    text = str(expr)
    return text.count("(-") + text.startswith("-")


def _positive_lead(expr: sp.Expr) -> sp.Expr:
    """-a·(a − 1) → a·(1 − a), -2·(y − a) → 2·(a − y): move a leading minus into the one sum."""
    if not (expr.is_Mul and expr.args[0].is_Number and expr.args[0] < 0):
        return expr
    coeff, rest = -expr.args[0], expr.args[1:]
    sums = [f for f in rest if f.is_Add]
    if len(sums) != 1:
        return expr
    flipped = [sp.expand(-f) if f is sums[0] else f for f in rest]
    return sp.Mul(coeff, *flipped, evaluate=coeff == 1)


@cache
def _generic(name: str, slope: float, diagonal: bool) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """∂a_i/∂z_j for a generic layer, from sympy.diff, over the symbols (z0, z1, a0, a1)."""
    act = ACTIVATIONS[name]
    z = sp.symbols("z0 z1 z2", real=True)
    a = sp.symbols("a0 a1 a2", positive=True)
    if act.scalar is not None:
        d = sp.diff(act.scalar(z[0], slope), z[0])
    else:  # a coupled layer: three neurons show both kinds of Jacobian entry
        d = sp.diff(act.sympy(z, slope)[0], z[0 if diagonal else 1])
    if act.inverse is not None:
        used = [k for k in range(3) if z[k] in d.free_symbols]
        d = d.xreplace({z[k]: act.inverse(a[k]) for k in used})
        if not act.elementwise:  # softmax outputs sum to one
            d = d.subs(a[0] + a[1] + a[2], 1)
        d = tidy(d)
    return d, (z[0], z[1], a[0], a[1])


def activation_derivative(
    name: str, slope: float, *, i_out: str, j_out: str, j_z: str, diagonal: bool
) -> sp.Expr:
    """∂(output i)/∂(weighted sum j) over the names of the quantities involved."""
    d, (z0, z1, a0, a1) = _generic(name, slope, diagonal)
    names = {z0: j_z, z1: j_z, a0: i_out, a1: j_out}
    return d.xreplace({s: sp.Symbol(names[s]) for s in d.free_symbols})
