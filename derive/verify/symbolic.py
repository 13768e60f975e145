"""A network that keeps symbols: its chain-rule gradients against sympy.diff of the composed
cost, symbolically."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import sympy as sp

from ..derivation.build import derive
from ..derivation.names import gradient
from ..derivation.quantity import Derivation
from ..spec.network import Network


def symbolic_disagreements(network: Network) -> tuple[str, ...]:
    """Parameters written as symbols whose chain-rule gradient is not sympy.diff of the fully
    composed cost (forward values kept by name are substituted back first)."""
    d = derive(replace(network, values=()), carry="exact")
    composed = _composer(d)
    cost = composed(d["C"].value)
    out = []
    for name in d.parameters:
        symbol = d[name].value
        if isinstance(symbol, sp.Symbol) and symbol.name == name:
            difference = composed(d[gradient(name)].value) - sp.diff(cost, symbol)
            if sp.simplify(difference) != 0:
                out.append(f"{name} (symbolic)")
    return tuple(out)


def _composer(d: Derivation) -> Callable[[sp.Expr], sp.Expr]:
    """Replaces, to a fixed point, each forward value kept by its name by that value."""
    kept = {sp.Symbol(q.name): q.value for q in d.quantities.values() if q.opaque}

    def compose(expr: sp.Expr) -> sp.Expr:
        for _ in range(len(kept) + 1):
            if not expr.free_symbols & kept.keys():
                break
            expr = expr.xreplace(kept)
        return expr

    return compose
