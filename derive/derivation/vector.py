"""Backpropagation in vector form, one layer at a time, from a derivation's values.

    forward  z^l = W^l a^{l−1} + b^l,   a^l = σ(z^l)
    BP1      δ^L = ∇_a C ⊙ σ'(z^L)                  (softmax: δ^L = (∂a/∂z)ᵀ ∇_a C)
    BP2      δ^l = ((W^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l)
    BP3      ∂C/∂b^l = δ^l
    BP4      ∂C/∂W^l = δ^l (a^{l−1})ᵀ

The vectors and matrices are computed here by matrix arithmetic from the given weights, the
forward values and the local derivatives (∇_a C, σ'(z)) of the derivation, independently of the
scalar chain-rule steps, so that a test can check the two agree element by element. Each entry
is finished by the derivation's own arithmetic, so that with hand rounding an entry is rounded
where the scalar step is (−0.0012, not the unrounded product's −0.0013). Beside each entry is
the number of the scalar step it is. Plain Python lists: ``derive explain`` never imports NumPy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..functions import ACTIVATIONS, COSTS
from ..numbers.arithmetic import Arithmetic, arithmetic_for
from ..numbers.walker import fold_sum
from ..spec.notation import namer_for
from .names import partial, per_example
from .quantity import Derivation

Vector = list[Any]
Matrix = list[list[Any]]
Steps = list[int | None]  # the step number of each entry (None: not a numbered step)


@dataclass(frozen=True)
class LayerMatrices:
    """One layer's backward pass for one example, in vector form, with the steps it is."""

    layer: int
    grad_a: Vector  # ∂C/∂a^l: ∇_a C for the output layer, (W^{l+1})ᵀ δ^{l+1} below it
    jacobian: Matrix  # ∂a_i/∂z_j (diagonal σ'(z) for an elementwise activation)
    elementwise: bool
    delta: Vector  # δ^l = ∂C/∂z^l = ∂C/∂b^l
    grad_w: Matrix  # δ^l (a^{l−1})ᵀ
    grad_a_steps: Steps
    jacobian_steps: Steps  # the diagonal's
    delta_steps: Steps
    grad_w_steps: list[Steps]
    output_error: bool  # δ^L = a^L − y, as hand calculation carries softmax + cross-entropy
    shared_bias: Any = None  # one bias for the layer: ∂C/∂b = Σ_j δ_j (None: a bias each, or none)
    shared_bias_step: int | None = None


@dataclass(frozen=True)
class ForwardLayer:
    """One layer's forward pass for one example: z^l by matrix arithmetic, a^l as derived."""

    layer: int
    z: Vector
    a: Vector
    z_names: tuple[str, ...]
    a_names: tuple[str, ...]
    biased: bool


class _Names:
    """The names of one example's quantities, and their values and step numbers."""

    def __init__(self, d: Derivation, example: int) -> None:
        self.d, self.namer = d, namer_for(d.network)
        self.ex = example + 1 if len(d.network.examples) > 1 else None

    def n(self, name: str) -> str:
        return per_example(name, self.ex)

    def values(self, names: Sequence[str]) -> Vector:
        return [self.d[n].value for n in names]

    def steps(self, names: Sequence[str]) -> Steps:
        return [self.d[n].step if n in self.d else None for n in names]

    def acts(self, l: int, *, base: bool = False) -> list[str]:
        names = [self.namer.act(l, j) for j in range(self.d.network.sizes[l])]
        return names if base else [self.n(a) for a in names]

    def zs(self, l: int, *, base: bool = False) -> list[str]:
        names = [self.namer.z(l, j) for j in range(self.d.network.sizes[l])]
        return names if base else [self.n(z) for z in names]

    def grads(self, names: Sequence[str]) -> list[str]:
        """∂C/∂(each name) in this example; ``names`` without the example's suffix."""
        return [self.n(partial("C", n)) for n in names]


def _arithmetic(d: Derivation) -> Arithmetic:
    return arithmetic_for(d.carry, d.decimals, symbolic=d.symbolic)


def _weights(d: Derivation, l: int) -> Matrix:
    return [[d[w].value for w in row] for row in d.params_by_layer[l].weights]


def _jacobian(d: Derivation, names: _Names, l: int) -> tuple[Matrix, bool, Steps]:
    """∂a_i/∂z_j from the derivation's local-derivative steps (diagonal if elementwise)."""
    size, namer = d.network.sizes[l], names.namer
    elementwise = ACTIVATIONS[d.network.layer(l).activation.name].elementwise

    def name(i: int, j: int) -> str:
        return names.n(partial(namer.act(l, i), namer.z(l, j)))

    def entry(i: int, j: int) -> Any:
        return 0 if elementwise and i != j else d[name(i, j)].value

    diagonal = names.steps([name(j, j) for j in range(size)])
    return [[entry(i, j) for j in range(size)] for i in range(size)], elementwise, diagonal


def forward_vectors(d: Derivation, example: int = 0) -> list[ForwardLayer]:
    """Every layer's z^l = W^l a^{l−1} + b^l (matrix arithmetic) and a^l, input side first."""
    names, arith = _Names(d, example), _arithmetic(d)
    out = []
    for l in range(1, d.network.depth + 1):
        prev = names.values(names.acts(l - 1))
        group = d.params_by_layer[l]
        z = [_dot(row, prev) for row in _weights(d, l)]
        biases = [group.bias(j) for j in range(len(z))]
        z = [zj + d[b].value if b is not None else zj for zj, b in zip(z, biases, strict=True)]
        acts, zs = names.acts(l), names.zs(l)
        finished = [arith.finish(v) for v in z]
        biased = bool(group.biases)
        out.append(ForwardLayer(l, finished, names.values(acts), tuple(zs), tuple(acts), biased))
    return out


def backward_matrices(d: Derivation, example: int = 0) -> list[LayerMatrices]:
    """Every layer's δ, ∂C/∂b and ∂C/∂W for one example, output layer first."""
    names, arith = _Names(d, example), _arithmetic(d)
    last = d.network.depth
    out: list[LayerMatrices] = []
    grad_names = names.grads(names.acts(last, base=True))
    grad_a: Vector = names.values(grad_names)
    grad_a_steps = names.steps(grad_names)
    for l in range(last, 0, -1):
        jac, elementwise, jac_steps = _jacobian(d, names, l)
        error = l == last and _carries_output_error(d, example)
        delta = _delta(names, arith, layer=l, jac=jac, grad_a=grad_a, error=error)
        prev = names.values(names.acts(l - 1))
        grad_w = [[arith.finish(dj * ak) for ak in prev] for dj in delta]
        w_steps = [names.steps(names.grads(row)) for row in d.params_by_layer[l].weights]
        delta_steps = names.steps(names.grads(names.zs(l, base=True)))
        group = d.params_by_layer[l]
        shared = group.biases[0] if group.shared and group.biases else None
        out.append(
            LayerMatrices(
                layer=l,
                grad_a=grad_a,
                jacobian=jac,
                elementwise=elementwise,
                delta=delta,
                grad_w=grad_w,
                grad_a_steps=grad_a_steps,
                jacobian_steps=jac_steps,
                delta_steps=delta_steps,
                grad_w_steps=w_steps,
                output_error=error,
                shared_bias=None if shared is None else arith.finish(fold_sum(delta)),
                shared_bias_step=None if shared is None else names.steps(names.grads([shared]))[0],
            )
        )
        if l > 1:
            weights = _weights(d, l)
            grad_a = [
                arith.finish(_dot([row[k] for row in weights], delta)) for k in range(len(prev))
            ]
            grad_a_steps = names.steps(names.grads(names.acts(l - 1, base=True)))
    return out


def _delta(
    names: _Names, arith: Arithmetic, *, layer: int, jac: Matrix, grad_a: Vector, error: bool
) -> Vector:
    """δ = Jᵀ·∂C/∂a, or a − y where hand calculation carries the output error (which the
    cross-entropy's Jacobian sum comes to)."""
    if error:
        ys = [names.n(names.namer.target(j)) for j in range(len(jac))]
        a_minus_y = zip(names.values(names.acts(layer)), names.values(ys), strict=True)
        return [arith.finish(a - y) for a, y in a_minus_y]
    return [arith.finish(_dot([row[j] for row in jac], grad_a)) for j in range(len(jac))]


def _carries_output_error(d: Derivation, example: int) -> bool:
    """Whether hand calculation carries δ^L = a − y: a softmax output under cross-entropy with
    targets that sum to one, where the derivation's rounded steps carry it too."""
    net = d.network
    if d.carry != "rounded" or net.layer(net.depth).activation.name != "softmax":
        return False
    if not COSTS[net.cost].distribution:
        return False
    names = _Names(d, example)
    step = d[names.n(partial("C", names.namer.z(net.depth, 0)))]
    return step.formula != step.chain


def _dot(a: Sequence[Any], b: Sequence[Any]) -> Any:
    total: Any = 0
    for x, y in zip(a, b, strict=True):
        total = total + x * y
    return total
