"""A NumPy trainer whose chain rule is written apart from the SymPy one (they share only the
functions table: see docs/training.md), so that each checks the other.

Vectorized backpropagation over a mini-batch, columns = examples (Nielsen's BP1–BP4):
δᴸ = J_σ(zᴸ)ᵀ ∇ₐC (BP1), δˡ = J_σ(zˡ)ᵀ (Wˡ⁺¹)ᵀ δˡ⁺¹ (BP2), ∂C/∂b = δ (BP3), ∂C/∂W = δ aˡ⁻¹ᵀ (BP4),
each averaged over the batch. No derivative is typed here: activation derivatives are
lambdified from ``derivatives.activation_derivative`` (sympy.diff, written in the layer's output
such as O·(1 − O), finite wherever the stable forward pass is), cost derivatives from sympy.diff
of the cost table's SymPy form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

import numpy as np

from ..functions import ACTIVATIONS, COSTS
from ..spec.network import Network
from .data import Array, number
from .kernels import clip, cost_gradient, delta_of
from .kernels import forward_form as forward_form  # re-exported: tests patch them here
from .kernels import local_derivative as local_derivative
from .options import apply_options, finish_gradients, penalty

Dtype = Literal["float64", "float32"]  # float64 by default: the cross-checks compare to 1e-12
Progress = Callable[[int, int], None]  # (epoch, batch) after every batch


@dataclass
class NumpyLayer:
    """One layer's parameters. They live side by side in ``packed`` = [W | b] (size × previous
    + 1; size × previous without biases), and ``weights`` and ``biases`` are views of it: the
    layer's input carries a row of ones, so one product gives W·a + b, one product δ·[aᵀ | 1]
    gives ∂C/∂W and ∂C/∂b (BP4, BP3) together, and one subtraction updates both."""

    weights: Array
    biases: Array | None
    activation: str
    slope: float
    # the update rules of rules.py: one bias for the layer (its column of ``packed`` repeats
    # it), frozen entries of ``packed``, momentum's velocity beside ``packed``
    shared: bool = False
    frozen: Array | None = None
    velocity: Array | None = None
    packed: Array = field(init=False, repr=False, compare=False)
    # looked up once, not per batch: the forward form and the lambdified derivatives
    into: Callable[[Array, Array], Array] = field(init=False, repr=False, compare=False)
    diag: Callable[..., Array] = field(init=False, repr=False, compare=False)
    off: Callable[..., Array] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        size, previous = np.shape(self.weights)
        dtype = np.result_type(self.weights, np.float32)  # float32 stays, anything else float64
        packed = np.empty((size, previous + (self.biases is not None)), dtype=dtype)
        packed[:, :previous] = self.weights
        if self.biases is not None:
            packed[:, previous] = self.biases
        self.move_to(packed)
        self.into = forward_form(self.activation, self.slope)
        self.diag = local_derivative(self.activation, self.slope, True)
        elementwise = ACTIVATIONS[self.activation].elementwise
        self.off = None if elementwise else local_derivative(self.activation, self.slope, False)

    def move_to(self, packed: Array) -> None:
        """Keep the parameters in ``packed`` (holding their values), ``weights`` and ``biases``
        being views of it."""
        self.packed = packed
        previous = packed.shape[1] - (self.biases is not None)
        self.weights = packed[:, :previous]
        if self.biases is not None:
            self.biases = packed[:, previous]

    def copy(self) -> NumpyLayer:
        biases = None if self.biases is None else self.biases.copy()
        velocity = None if self.velocity is None else self.velocity.copy()
        return NumpyLayer(
            self.weights.copy(),
            biases,
            self.activation,
            self.slope,
            shared=self.shared,
            frozen=self.frozen,
            velocity=velocity,
        )

    @property
    def bias_params(self) -> Array | None:
        """The layer's bias parameters: one per neuron, or the one shared bias."""
        if self.biases is None:
            return None
        return self.biases[:1] if self.shared else self.biases


@dataclass
class NumpyModel:
    layers: list[NumpyLayer]
    cost: str
    l2: float = 0.0  # regularization: (λ/2)·Σw² added to the cost
    momentum: float | None = None
    probabilities: bool = field(init=False)
    # every layer's [W | b], one after another: the layers' ``packed`` are views of it, so that
    # one subtraction updates the whole network
    params: Array = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.probabilities = COSTS[self.cost].probabilities
        self.params = np.empty(sum(l.packed.size for l in self.layers), dtype=self.dtype)
        for layer, view in zip(self.layers, views(self.params, self.layers), strict=True):
            view[...] = layer.packed
            layer.move_to(view)

    @property
    def dtype(self) -> np.dtype[np.floating]:
        return self.layers[0].packed.dtype  # type: ignore[no-any-return]

    @property
    def plain(self) -> bool:
        """Whether an update is w ← w − η·∂C/∂w for every parameter at once (no update rule)."""
        return not (self.l2 or self.momentum is not None) and all(
            l.frozen is None and not l.shared for l in self.layers
        )

    def copy(self) -> NumpyModel:
        return NumpyModel([l.copy() for l in self.layers], self.cost, self.l2, self.momentum)

    def flat(self) -> Array:
        """Every parameter in the project's naming order: per layer, W row by row, then b."""
        pairs = [(l.weights.ravel(), l.bias_params) for l in self.layers]
        return np.concatenate([p for pair in pairs for p in pair if p is not None])

    def unflatten(self, flat: Array) -> NumpyModel:
        """A copy holding the parameters ``flat`` (in ``flat()``'s order)."""
        out, at = self.copy(), 0
        for layer in out.layers:
            layer.weights[...] = np.reshape(flat[at : at + layer.weights.size], layer.weights.shape)
            at += layer.weights.size
            if layer.biases is not None:
                count = 1 if layer.shared else layer.biases.size
                layer.biases[...] = flat[at : at + count]
                at += count
        return out


def views(flat: Array, layers: list[NumpyLayer]) -> list[Array]:
    """``flat`` cut into arrays shaped like each layer's [W | b], in order."""
    ends = np.cumsum([l.packed.size for l in layers])
    pieces = np.split(flat, ends[:-1])
    return [p.reshape(l.packed.shape) for p, l in zip(pieces, layers, strict=True)]


def model_from_network(network: Network, *, dtype: Dtype = "float64") -> NumpyModel:
    values = dict(network.values)
    layers = []
    for index, layer in enumerate(network.layers, start=1):
        num = partial(number, values=values, source=network.source)
        w = [[num(e, place=f"layers[{index}].weights") for e in row] for row in layer.weights]
        b = None
        if layer.biases is not None:
            b = np.array(
                [num(e, place=f"layers[{index}].biases") for e in layer.biases], dtype=dtype
            )
            b = np.repeat(b, layer.size) if layer.shared_bias else b
        act = ACTIVATIONS[layer.activation.name]
        slope = layer.activation.param("slope", act.default_slope)
        layers.append(
            NumpyLayer(np.array(w, dtype=dtype), b, act.name, slope, shared=layer.shared_bias)
        )
    model = NumpyModel(layers, network.cost, network.l2 or 0.0, network.momentum)
    apply_options(model, network)
    return model


def with_ones(model: NumpyModel, x: Array) -> Array:
    """The first layer's input: x (inputs × n) with a row of ones under it if it has biases."""
    x = x.astype(model.dtype, copy=False)
    if model.layers[0].biases is None:
        return x
    return np.vstack([x, np.ones((1, x.shape[1]), dtype=x.dtype)])


class Workspace:
    """One model's arrays for batches of ``n`` examples, allocated once and reused by every
    such batch (no allocation per batch beyond the small temporaries of the lambdified
    derivatives): each layer's input [aˡ⁻¹; 1], zˡ, δˡ, (Wˡ)ᵀδˡ = ∂C/∂aˡ⁻¹ and ∂C/∂[Wˡ | bˡ],
    the last laid out like ``model.params`` so that a plain update is one subtraction."""

    def __init__(self, model: NumpyModel, n: int) -> None:
        layers, dtype = model.layers, model.dtype
        self.model, self.n = model, n
        self.z = [np.empty((l.packed.shape[0], n), dtype=dtype) for l in layers]
        self.delta = [np.empty_like(z) for z in self.z]
        # inputs[l] is what layer l multiplies; the ones under aˡ⁻¹ are written here, once
        self.inputs: list[Array] = [None] + [
            np.ones((l.packed.shape[1], n), dtype=dtype) for l in layers[1:]
        ]
        # aˡ is written into the top rows of the next layer's input; the last one stands alone
        hidden = zip(self.inputs[1:], self.z[:-1], strict=True)
        self.a = [inp[: z.shape[0]] for inp, z in hidden] + [np.empty_like(self.z[-1])]
        self.back = [np.empty((l.weights.shape[1], n), dtype=dtype) for l in layers[1:]]
        self.flat_grad = np.empty_like(model.params)
        self.grads = views(self.flat_grad, layers)
        self.grad_cost = cost_gradient(model.cost, layers[-1].packed.shape[0])
        # derive verify's δᴸ from (zᴸ, y) in the log domain, unclipped (train/stable.py)
        self.output_delta: Callable[[Array, Array], Array] | None = None

    def forward(self, first: Array) -> list[Array]:
        """Outputs aˡ for a batch; ``first`` is x (inputs × n), with or without its row of ones
        (``with_ones``). The zˡ are left in ``self.z``."""
        self.inputs[0] = first
        for layer, inp, z, a in zip(self.model.layers, self.inputs, self.z, self.a, strict=True):
            if inp.shape[0] == layer.packed.shape[1]:
                np.matmul(layer.packed, inp, out=z)
            else:  # evaluation passes x without its row of ones: add the biases instead
                np.matmul(layer.weights, inp, out=z)
                z += layer.packed[:, -1:]
            layer.into(z, a)
        return self.a

    def deltas(self, first: Array, y: Array, scale: float) -> list[Array]:
        """scale·δˡ (δˡ = ∂Cₓ/∂zˡ, per example) for every layer. The scale (1/n or η/n)
        multiplies δᴸ once; BP2 is linear in δ."""
        layers, last = self.model.layers, len(self.model.layers) - 1
        self.forward(first)
        if self.output_delta is not None:
            delta = self.delta[last]
            delta[...] = self.output_delta(self.z[last], y)
        else:
            a = clip(self.model, self.a[last])  # BP1
            delta = delta_of(layers[last], self.z[last], a, self.grad_cost(a, y), self.delta[last])
        delta *= scale
        for l in range(last, 0, -1):  # BP2
            grad_a = np.matmul(layers[l].weights.T, delta, out=self.back[l - 1])
            delta = delta_of(layers[l - 1], self.z[l - 1], self.a[l - 1], grad_a, self.delta[l - 1])
        return self.delta

    def gradients(self, first: Array, y: Array, scale: float) -> None:
        """scale·∂C/∂[Wˡ | bˡ] summed over the batch into ``grads``: BP4 and BP3 in one
        product, δˡ·[aˡ⁻¹; 1]ᵀ. ``first`` must carry its row of ones (``with_ones``)."""
        found = self.deltas(first, y, scale)
        for delta, inp, grad in zip(found, self.inputs, self.grads, strict=True):
            np.matmul(delta, inp.T, out=grad)

    def step(self, first: Array, y: Array, lr: float) -> None:
        """w ← w − η·∂C/∂w on the batch's mean cost, in place (with momentum: v ← μ·v −
        η·∂C/∂w, w ← w + v); frozen parameters stay."""
        self.gradients(first, y, lr / self.n)
        model = self.model
        if model.plain:
            np.subtract(model.params, self.flat_grad, out=model.params)
            return
        for layer, grad in zip(model.layers, self.grads, strict=True):
            finish_gradients(layer, grad, scale=lr, l2=model.l2)
            if layer.velocity is None or model.momentum is None:
                layer.packed -= grad
            else:
                layer.velocity *= model.momentum
                layer.velocity -= grad
                layer.packed += layer.velocity


def outputs(model: NumpyModel, x: Array) -> Array:
    """The network's outputs for a batch x (inputs × batch)."""
    return Workspace(model, x.shape[1]).forward(x.astype(model.dtype, copy=False))[-1]


def costs(model: NumpyModel, x: Array, y: Array) -> Array:
    """The cost of every example (a row of length batch)."""
    return COSTS[model.cost].numpy(clip(model, outputs(model, x)), y)


def cost(model: NumpyModel, x: Array, y: Array) -> float:
    """The mean cost over the examples, the C that the derivation averages, plus the L2
    penalty (λ/2)·Σw² where the network has one."""
    return float(costs(model, x, y).mean()) + penalty(model)


def gradients(
    model: NumpyModel,
    x: Array,
    y: Array,
    *,
    output_delta: Callable[[Array, Array], Array] | None = None,
) -> list[tuple[Array, Array | None]]:
    """(∂C/∂W, ∂C/∂b) per layer for the mean cost over the batch's columns (``output_delta``:
    δᴸ from (zᴸ, y) instead of BP1 on the clipped outputs)."""
    ws = Workspace(model, x.shape[1])
    ws.output_delta = output_delta
    ws.gradients(with_ones(model, x), y, 1 / x.shape[1])
    out = []
    for layer, grad in zip(model.layers, ws.grads, strict=True):
        finish_gradients(layer, grad, scale=1.0, l2=model.l2, frozen=False)
        biases = None if layer.biases is None else grad[:, -1][: 1 if layer.shared else None]
        out.append((grad[:, : layer.weights.shape[1]], biases))
    return out


def step(model: NumpyModel, x: Array, y: Array, lr: float) -> None:
    """One gradient-descent step on the batch, in place (η/n folded into δᴸ first)."""
    Workspace(model, x.shape[1]).step(with_ones(model, x), y, lr)
