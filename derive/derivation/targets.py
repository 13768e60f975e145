"""Targets that sum to one: which examples' do, and what a derivation may simplify with Σ y = 1
(only for those examples)."""

from __future__ import annotations

import sympy as sp

from ..numbers.arithmetic import Value
from ..spec.network import Network


def summing_to_one(network: Network) -> frozenset[int]:
    """Examples (0-based) whose targets sum to one: declared (one_hot: true), or their numbers
    do (written, or given in values:)."""
    values = dict(network.values)
    out = set()
    for e, ex in enumerate(network.examples):
        numbers = [values.get(t) if isinstance(t, str) else t for t in ex.target]
        known = [n for n in numbers if n is not None]
        if network.one_hot or (len(known) == len(numbers) and abs(sum(known) - 1.0) <= 1e-12):
            out.add(e)
    return frozenset(out)


def sum_to_one_note(network: Network) -> str:
    why = "declared one_hot" if network.one_hot else "their numbers sum to one"
    return f"Σ y = 1: each example's targets sum to one ({why}), used to simplify ∂C/∂z"


def shortest_with_targets_summing_to_one(value: Value, targets: list[list[Value]]) -> Value:
    """``value`` with one target of an example eliminated at a time by Σ y = 1 (each list in
    ``targets`` sums to one), keeping the shortest form: softmax with cross-entropy then gives
    ∂C/∂z_j = O_j − y_j."""
    best = value
    for ys in targets:
        for k, y in enumerate(ys):
            if not isinstance(y, sp.Symbol):
                continue
            rest = sp.Add(*[t for i, t in enumerate(ys) if i != k])
            candidate = sp.factor_terms(sp.expand(best.xreplace({y: 1 - rest})))
            if sp.count_ops(candidate) < sp.count_ops(best):
                best = candidate
    return best
