"""A NumPy trainer written apart from the SymPy chain-rule code, so each is the other's oracle.

Vectorized backpropagation over a mini-batch, columns = examples (Nielsen's BP1–BP4):
δᴸ = J_σ(zᴸ)ᵀ ∇ₐC (BP1), δˡ = J_σ(zˡ)ᵀ (Wˡ⁺¹)ᵀ δˡ⁺¹ (BP2), ∂C/∂b = δ (BP3), ∂C/∂W = δ aˡ⁻¹ᵀ (BP4),
each averaged over the batch. No derivative is typed here: activation derivatives are
lambdified from ``calculus.activation_derivative`` (sympy.diff, written in the layer's output
such as O·(1 − O), finite wherever the stable forward pass is), cost derivatives from sympy.diff
of the cost table's SymPy form.

Probability costs (binary_cross_entropy, cross_entropy) take logs of outputs and divide by
them; a stable sigmoid or softmax can return exactly 0 or 1 for |z| near 1e3. Outputs are
therefore clipped to [EPS, 1 − EPS] before the cost and its gradient (EPS = 1e-12), which
changes a result only where an output lies within 1e-12 of 0 or 1.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

import numpy as np
import sympy as sp

from .calculus import activation_derivative
from .errors import InputError
from .functions import ACTIVATIONS, COSTS
from .model import Entry, Network

EPS = 1e-12
Array = Any  # numpy ships types, but shapes are what matters here and they are in docstrings
Progress = Callable[[int, int], None]  # (epoch, batch) after every batch


@cache
def local_derivative(name: str, slope: float, diagonal: bool) -> Callable[..., Array]:
    """∂a_i/∂z_j as a NumPy function of (z_j, a_i, a_j), lambdified from sympy.diff."""
    expr = activation_derivative(name, slope, i_out="a_i", j_out="a_j", j_z="z", diagonal=diagonal)
    fn = sp.lambdify(sp.symbols("z a_i a_j"), expr, modules="numpy")
    if expr.free_symbols:
        return fn  # type: ignore[no-any-return]
    constant = float(expr)  # linear (1) or an off-diagonal 0: broadcast to the array's shape
    return lambda z, ai, aj: np.full(np.broadcast(z, ai, aj).shape, constant)


@cache
def cost_gradient(cost: str, outputs: int) -> Callable[[Array, Array], Array]:
    """∂C/∂a_i as a NumPy function of (a_i, y_i): sympy.diff of the cost for this many outputs.

    Every cost is symmetric in its outputs, so the derivative for output 0 serves all of them.
    """
    a = sp.symbols(f"a0:{outputs}")
    y = sp.symbols(f"y0:{outputs}")
    expr = sp.diff(COSTS[cost].sympy(list(a), list(y)), a[0])
    fn = sp.lambdify((a[0], y[0]), expr, modules="numpy")
    if a[0] in expr.free_symbols:
        return fn  # type: ignore[no-any-return]
    return lambda av, yv: fn(av, yv) + np.zeros_like(av)


@dataclass
class Layer:
    """One layer's parameters: W (size × previous), b (size,) or None when the file has none."""

    weights: Array
    biases: Array | None
    activation: str
    slope: float
    # looked up once, not per batch: the forward form and the lambdified derivatives
    fn: Callable[[Array], Array] = field(init=False, repr=False, compare=False)
    diag: Callable[..., Array] = field(init=False, repr=False, compare=False)
    off: Callable[..., Array] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        act = ACTIVATIONS[self.activation]
        self.fn = partial(_apply, act.numpy, self.slope)
        self.diag = local_derivative(self.activation, self.slope, True)
        elementwise = act.elementwise
        self.off = None if elementwise else local_derivative(self.activation, self.slope, False)


def _apply(fn: Callable[[Array, float], Array], slope: float, z: Array) -> Array:
    return fn(z, slope)


@dataclass
class Model:
    layers: list[Layer]
    cost: str
    probabilities: bool = field(init=False)

    def __post_init__(self) -> None:
        self.probabilities = COSTS[self.cost].probabilities

    def copy(self) -> Model:
        return Model(
            [
                Layer(
                    l.weights.copy(),
                    None if l.biases is None else l.biases.copy(),
                    l.activation,
                    l.slope,
                )
                for l in self.layers
            ],
            self.cost,
        )

    def flat(self) -> Array:
        """Every parameter in the project's naming order: per layer, W row by row, then b."""
        parts = []
        for l in self.layers:
            parts.append(l.weights.ravel())
            if l.biases is not None:
                parts.append(l.biases)
        return np.concatenate(parts)


def number(entry: Entry, values: dict[str, float], *, source: str, place: str) -> float:
    if isinstance(entry, str):
        if entry not in values:
            raise InputError(
                source,
                place,
                f"the trainer needs numbers; give symbol {entry!r} a value under values:",
            )
        return values[entry]
    return float(entry)


def model_from_network(network: Network) -> Model:
    values = dict(network.values)
    layers = []
    for index, layer in enumerate(network.layers[1:], start=1):
        assert layer.activation is not None
        place = f"layers[{index}]"
        w = [
            [number(e, values, source=network.source, place=f"{place}.weights") for e in row]
            for row in layer.weights
        ]
        b = None
        if layer.biases is not None:
            b = np.array(
                [
                    number(e, values, source=network.source, place=f"{place}.biases")
                    for e in layer.biases
                ]
            )
        act = ACTIVATIONS[layer.activation.name]
        slope = layer.activation.param("slope", act.default_slope)
        layers.append(Layer(np.array(w, dtype=float), b, act.name, slope))
    return Model(layers, network.cost)


def forward(model: Model, x: Array) -> tuple[list[Array], list[Array]]:
    """Weighted sums zˡ and outputs aˡ for a batch x (inputs × batch); a[0] is x."""
    zs, outs = [], [x]
    for layer in model.layers:
        z = layer.weights @ outs[-1]
        if layer.biases is not None:
            z += layer.biases[:, None]
        zs.append(z)
        outs.append(layer.fn(z))
    return zs, outs


def _clip(model: Model, a: Array) -> Array:
    return np.clip(a, EPS, 1 - EPS) if model.probabilities else a


def costs(model: Model, x: Array, y: Array) -> Array:
    """The cost of every example (a row of length batch)."""
    _, outs = forward(model, x)
    return COSTS[model.cost].numpy(_clip(model, outs[-1]), y)


def cost(model: Model, x: Array, y: Array) -> float:
    """The mean cost over the examples, the C that the derivation averages."""
    return float(costs(model, x, y).mean())


def _delta(layer: Layer, z: Array, a: Array, grad_a: Array) -> Array:
    """δ = ∂C/∂z from ∂C/∂a: elementwise σ'·g, or a Jacobian-vector product for softmax."""
    if layer.off is None:
        return layer.diag(z, a, a) * grad_a
    # J[i, j, n] = ∂a_i/∂z_j for example n; δ_j = Σ_i g_i J[i, j]
    jac = layer.off(z[None, :, :], a[:, None, :], a[None, :, :])
    idx = np.arange(a.shape[0])
    jac[idx, idx, :] = layer.diag(z, a, a)
    return np.einsum("ijn,in->jn", jac, grad_a)


def _deltas(model: Model, x: Array, y: Array) -> tuple[list[Array], list[Array]]:
    """δˡ = ∂Cₓ/∂zˡ for every layer (per example, not yet averaged) and the outputs aˡ."""
    zs, outs = forward(model, x)
    a_last = _clip(model, outs[-1])
    grad_a = cost_gradient(model.cost, a_last.shape[0])(a_last, y)
    deltas: list[Array] = [None] * len(model.layers)
    for l in range(len(model.layers) - 1, -1, -1):
        a = a_last if l == len(model.layers) - 1 else outs[l + 1]
        deltas[l] = _delta(model.layers[l], zs[l], a, grad_a)  # BP1 (output), BP2 (hidden)
        if l:
            grad_a = model.layers[l].weights.T @ deltas[l]
    return deltas, outs


def gradients(model: Model, x: Array, y: Array) -> list[tuple[Array, Array | None]]:
    """(∂C/∂W, ∂C/∂b) per layer for the mean cost over the batch's columns."""
    deltas, outs = _deltas(model, x, y)
    n = x.shape[1]
    return [
        (delta @ outs[l].T / n, delta.sum(axis=1) / n if layer.biases is not None else None)
        for l, (layer, delta) in enumerate(zip(model.layers, deltas, strict=True))
    ]  # BP4, BP3


def step(model: Model, x: Array, y: Array, lr: float) -> None:
    """One gradient-descent step on the batch, in place (η/n folded into the small δ first)."""
    deltas, outs = _deltas(model, x, y)
    scale = lr / x.shape[1]
    for l, (layer, delta) in enumerate(zip(model.layers, deltas, strict=True)):
        delta *= scale
        layer.weights -= delta @ outs[l].T
        if layer.biases is not None:
            layer.biases -= delta.sum(axis=1)


@dataclass(frozen=True)
class Epoch:
    epoch: int
    cost: float
    accuracy: float | None
    test_cost: float | None = None
    test_accuracy: float | None = None


def is_classifier(y: Array) -> bool:
    """Targets of 0s and 1s, one 1 per column (or a single 0/1 output)."""
    binary = bool(np.isin(y, (0.0, 1.0)).all())
    return binary and (y.shape[0] == 1 or bool((y.sum(axis=0) == 1).all()))


def accuracy(model: Model, x: Array, y: Array) -> float:
    a = forward(model, x)[1][-1]
    if y.shape[0] == 1:
        return float(((a[0] >= 0.5) == (y[0] >= 0.5)).mean())
    return float((a.argmax(axis=0) == y.argmax(axis=0)).mean())


def evaluate(model: Model, x: Array, y: Array) -> tuple[float, float | None]:
    return cost(model, x, y), accuracy(model, x, y) if is_classifier(y) else None


@dataclass(frozen=True)
class Plan:
    epochs: int
    batch_size: int
    lr: float
    seed: int = 0


def sgd_epoch(
    model: Model,
    rows: tuple[Array, Array],
    *,
    plan: Plan,
    rng: Any,
    on_batch: Callable[[int], None] | None = None,
) -> None:
    """One pass of mini-batch SGD. ``rows`` hold one example per row (C order), so each batch
    of the seeded shuffle is gathered as whole rows, and its transpose is a contiguous block."""
    order = rng.permutation(rows[0].shape[0])
    with _blas_threads(plan.batch_size):
        for batch, start in enumerate(range(0, len(order), plan.batch_size), start=1):
            pick = order[start : start + plan.batch_size]
            step(model, rows[0][pick].T, rows[1][pick].T, plan.lr)
            if on_batch is not None:
                on_batch(batch)


SMALL_BATCH = 256


def _blas_threads(batch_size: int) -> AbstractContextManager[Any]:
    """One BLAS thread for small batches when threadpoolctl is installed (it comes with the
    digits extra): OpenBLAS's threads cost more than they save on 30×784×32 products and, on a
    busy 2-core machine, made batch 32 ten times slower than batch 10 (docs/training.md)."""
    if batch_size > SMALL_BATCH:
        return nullcontext()
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")  # type: ignore[no-any-return]


def train(
    model: Model,
    data: tuple[Array, Array],
    *,
    plan: Plan,
    test: tuple[Array, Array] | None = None,
    progress: Progress | None = None,
) -> list[Epoch]:
    """Mini-batch SGD with a seeded shuffle each epoch; the model is updated in place."""
    x, y = data
    rows = (np.ascontiguousarray(x.T), np.ascontiguousarray(y.T))
    rng = np.random.default_rng(plan.seed)
    history = []
    for epoch in range(1, plan.epochs + 1):
        on_batch = None if progress is None else partial(progress, epoch)
        sgd_epoch(model, rows, plan=plan, rng=rng, on_batch=on_batch)
        c, acc = evaluate(model, x, y)
        tc, tacc = evaluate(model, *test) if test is not None else (None, None)
        history.append(Epoch(epoch, c, acc, tc, tacc))
    return history
