"""Backpropagation in vector form, one layer at a time, from a derivation's values.

    δ^L = ∇_a C ⊙ σ'(z^L)                  (softmax: δ^L = (∂a/∂z)ᵀ ∇_a C)
    δ^l = ((W^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l)
    ∂C/∂b^l = δ^l,   ∂C/∂W^l = δ^l (a^{l−1})ᵀ

The vectors and matrices are computed here by matrix arithmetic from the given weights, the
forward values and the local derivatives (∇_a C, σ'(z)) of the derivation, independently of the
scalar chain-rule steps, so that a test can check the two agree element by element. Plain Python
lists: ``derive explain`` never imports NumPy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..functions import ACTIVATIONS
from ..spec.notation import namer_for
from .names import partial, per_example
from .quantity import Derivation

Vector = list[Any]
Matrix = list[list[Any]]


@dataclass(frozen=True)
class LayerMatrices:
    """One layer's backward pass for one example, in vector form."""

    layer: int
    grad_a: Vector  # ∂C/∂a^l: ∇_a C for the output layer, (W^{l+1})ᵀ δ^{l+1} below it
    jacobian: Matrix  # ∂a_i/∂z_j (diagonal σ'(z) for an elementwise activation)
    elementwise: bool
    delta: Vector  # δ^l = ∂C/∂z^l = ∂C/∂b^l
    grad_w: Matrix  # δ^l (a^{l−1})ᵀ


def _example(d: Derivation, example: int) -> int | None:
    """The 1-based example number in names, or None when the file has one example."""
    return example + 1 if len(d.network.examples) > 1 else None


def _value(d: Derivation, name: str) -> Any:
    return d[name].value


def _weights(d: Derivation, l: int) -> Matrix:
    namer, rows = namer_for(d.network), d.network.layer(l).weights
    return [
        [_value(d, e if isinstance(e, str) else namer.weight(l, j, k)) for k, e in enumerate(row)]
        for j, row in enumerate(rows)
    ]


def _jacobian(d: Derivation, *, l: int, ex: int | None) -> tuple[Matrix, bool]:
    """∂a_i/∂z_j from the derivation's local-derivative steps (diagonal if elementwise)."""
    namer, size = namer_for(d.network), d.network.sizes[l]
    activation = d.network.layer(l).activation
    elementwise = ACTIVATIONS[activation.name].elementwise

    def entry(i: int, j: int) -> Any:
        if elementwise and i != j:
            return 0
        return _value(d, per_example(partial(namer.act(l, i), namer.z(l, j)), ex))

    return [[entry(i, j) for j in range(size)] for i in range(size)], elementwise


def backward_matrices(d: Derivation, example: int = 0) -> list[LayerMatrices]:
    """Every layer's δ, ∂C/∂b and ∂C/∂W for one example, output layer first."""
    namer, ex = namer_for(d.network), _example(d, example)
    last = d.network.depth
    out: list[LayerMatrices] = []
    grad_a: Vector = [
        _value(d, per_example(partial("C", namer.act(last, j)), ex))
        for j in range(d.network.sizes[last])
    ]
    for l in range(last, 0, -1):
        jac, elementwise = _jacobian(d, l=l, ex=ex)
        delta = [_dot([row[j] for row in jac], grad_a) for j in range(len(jac))]
        prev = [
            _value(d, per_example(namer.act(l - 1, k), ex)) for k in range(d.network.sizes[l - 1])
        ]
        grad_w = [[dj * ak for ak in prev] for dj in delta]
        out.append(LayerMatrices(l, grad_a, jac, elementwise, delta, grad_w))
        if l > 1:
            weights = _weights(d, l)
            grad_a = [_dot([row[k] for row in weights], delta) for k in range(len(prev))]
    return out


def _dot(a: Sequence[Any], b: Sequence[Any]) -> Any:
    total: Any = 0
    for x, y in zip(a, b, strict=True):
        total = total + x * y
    return total
