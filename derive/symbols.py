"""Named SymPy symbols, memoized: a 784-input network names the same symbols 100,000 times."""

from __future__ import annotations

from functools import cache

import sympy as sp


@cache
def S(name: str) -> sp.Symbol:
    return sp.Symbol(name)
