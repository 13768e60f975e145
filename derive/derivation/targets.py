"""Which examples' targets sum to one: only for them may a derivation use Σ y = 1."""

from __future__ import annotations

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
