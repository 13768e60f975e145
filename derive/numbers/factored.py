"""``sympy.factor_terms`` with its default options, remembering what it found for each
sub-expression.

A symbolic derivation (``--symbolic``) finishes every value with ``factor_terms``: O·(1 − O)·(O − y)
not its expansion. The values nest: each of a layer's 64 weight gradients is its neuron's ∂C/∂z
(a sum over the next layer) times an input, and SymPy factors that ∂C/∂z again inside every one
of them. This is SymPy's own walk (sympy/core/exprtools.py, ``factor_terms``' ``do``), step for
step, with a table of the sub-expressions already done; a test compares it with SymPy's on every
case.
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.core.exprtools import _keep_coeff, gcd_terms
from sympy.utilities.iterables import iterable


class Factored:
    """``factor_terms(expr)`` (radical, clear and fraction off; sign on), memoized."""

    def __init__(self) -> None:
        self._done: dict[sp.Basic, Any] = {}

    def __call__(self, expr: sp.Expr) -> Any:
        return self._do(sp.sympify(expr))

    def _do(self, expr: Any) -> Any:
        if isinstance(expr, sp.Basic) and not expr.is_Atom:
            done = self._done.get(expr)
            if done is None:
                done = self._done[expr] = self._walk(expr)
            return done
        if iterable(expr):
            return type(expr)([self._do(i) for i in expr])
        return expr

    def _walk(self, expr: sp.Basic) -> Any:
        if expr.is_Pow or expr.is_Function or iterable(expr) or not hasattr(expr, "args_cnc"):
            args = expr.args
            new = tuple(self._do(i) for i in args)
            return expr if new == args else expr.func(*new)
        if isinstance(expr, sp.Sum | sp.Integral):
            return sp.factor_terms(expr)  # SymPy's own route for these; never in a derivation
        cont, p = expr.as_content_primitive(radical=False, clear=False)
        if p.is_Add:
            terms = [self._do(a) for a in sp.Add.make_args(p)]
            # a common negative (if there), which gcd_terms does not remove
            if not any(a.as_coeff_Mul()[0].extract_multiplicatively(-1) is None for a in terms):
                cont = -cont
                terms = [-a for a in terms]
            # exp(-(x+2)), which gcd_terms would change to exp(-x-2), is kept aside
            special = {}
            for i, a in enumerate(terms):
                _, e = a.as_base_exp()
                if e.is_Mul and e != sp.Mul(*e.args):
                    terms[i] = sp.Dummy()
                    special[terms[i]] = a
            p = sp.Add._from_args(terms)
            p = gcd_terms(p, isprimitive=True, clear=False, fraction=False).xreplace(special)
        elif p.args:
            p = p.func(*[self._do(a) for a in p.args])
        return _keep_coeff(cont, p, clear=False, sign=True)
