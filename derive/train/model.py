"""The NumPy trainer's parameters: each layer's [W | b] in one buffer for the whole network, read
from a network file; backprop.py does the passes over them.
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
from .kernels import forward_form
from .kernels import local_derivative as local_derivative  # exported: tests patch it here
from .options import apply_options

Dtype = Literal["float64", "float32"]  # float64 by default: the cross-checks compare to 1e-12


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
