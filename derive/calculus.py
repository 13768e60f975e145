"""Local derivatives, each from sympy.diff, written the way a person writes them.

An activation's derivative is rewritten in terms of the activation's own output where the table
gives an inverse (σ'(z) = exp(−z)/(1 + exp(−z))² becomes O·(1 − O)), which is the form worked
examples use and the one that needs only values already on the page.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from .functions import ACTIVATIONS


def tidy(expr: sp.Expr) -> sp.Expr:
    """The shorter of the cancelled and the factored form, preferring no leading minus sign."""
    if expr.has(sp.Piecewise) or expr.is_Atom:
        return expr
    candidates = [sp.cancel(expr), _positive_lead(sp.factor(expr))]
    return min(candidates, key=lambda e: (sp.count_ops(e), -candidates.index(e)))


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
    """∂a_i/∂z_j for a generic layer, from sympy.diff; returns it over symbols (z0, z1, a0, a1)."""
    act = ACTIVATIONS[name]
    z = sp.symbols("z0 z1", real=True)
    a = sp.symbols("a0 a1", positive=True)
    outs = act.sympy([*list(z), sp.Symbol("z2", real=True)], slope)
    j = 0 if diagonal else 1
    d = sp.diff(outs[0], z[j])
    if act.inverse is not None:
        others = {sp.Symbol("z2", real=True): act.inverse(sp.Symbol("a2", positive=True))}
        d = d.subs({z[0]: act.inverse(a[0]), z[1]: act.inverse(a[1]), **others})
        if not act.elementwise:  # softmax outputs sum to one
            d = d.subs(a[0] + a[1] + sp.Symbol("a2", positive=True), 1)
        d = tidy(d)
    return d, (*z, *a)


def activation_derivative(
    name: str, slope: float, *, i_out: str, j_out: str, j_z: str, diagonal: bool
) -> sp.Expr:
    """∂(output i)/∂(weighted sum j) over the names of the quantities involved."""
    d, (z0, z1, a0, a1) = _generic(name, slope, diagonal)
    names = {z0: j_z, z1: j_z, a0: i_out, a1: j_out}
    return d.xreplace({s: sp.Symbol(names[s]) for s in d.free_symbols})
