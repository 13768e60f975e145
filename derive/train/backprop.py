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
from functools import cached_property, partial

import numpy as np

from ..functions import COSTS
from .data import Array
from .kernels import clip, cost_gradient, delta_of
from .model import NumpyModel, views, with_ones
from .options import finish_gradients, penalty

Progress = Callable[[int, int], None]  # (epoch, batch) after every batch


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
        self.y: Array = None  # the batch's targets and the scale, as gradients() sets them
        self.scale = 1.0

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

    def gradients(self, first: Array, y: Array, scale: float) -> None:
        """scale·δˡ (δˡ = ∂Cₓ/∂zˡ, per example) into ``delta`` and scale·∂C/∂[Wˡ | bˡ] summed
        over the batch into ``grads``: BP1–BP4, with BP4 and BP3 in one product δˡ·[aˡ⁻¹; 1]ᵀ.
        ``first`` must carry its row of ones (``with_ones``). The scale (1/n or η/n) multiplies
        δᴸ once; BP2 is linear in δ."""
        self.inputs[0], self.y, self.scale = first, y, scale
        for call in self.plan:
            call()

    @cached_property
    def plan(self) -> list[Callable[[], object]]:
        """The forward pass, BP1–BP4 and the gradients as a list of calls made once over this
        workspace's arrays (a batch of 10 spends about as long in Python's loops and lookups
        as in its elementwise NumPy calls); only the batch, its targets and the scale change,
        read from ``inputs[0]``, ``y`` and ``scale``."""
        layers, last = self.model.layers, len(self.model.layers) - 1
        z, a, delta, back, inputs, grads = (
            self.z,
            self.a,
            self.delta,
            self.back,
            self.inputs,
            self.grads,
        )
        plan: list[Callable[[], object]] = [
            lambda: np.matmul(layers[0].packed, inputs[0], out=z[0])
        ]
        for l, layer in enumerate(layers):
            if l:
                plan.append(partial(np.matmul, layer.packed, inputs[l], out=z[l]))
            plan.append(partial(layer.into, z[l], a[l]))
        plan += [self._output_delta, lambda: np.multiply(delta[last], self.scale, out=delta[last])]
        for l in range(last, 0, -1):  # BP2
            plan.append(partial(np.matmul, layers[l].weights.T, delta[l], out=back[l - 1]))
            plan.append(
                partial(delta_of, layers[l - 1], z[l - 1], a[l - 1], back[l - 1], delta[l - 1])
            )
        plan.append(lambda: np.matmul(delta[0], inputs[0].T, out=grads[0]))  # BP4 and BP3
        plan += [
            partial(np.matmul, delta[l], inputs[l].T, out=grads[l]) for l in range(1, last + 1)
        ]
        return plan

    def _output_delta(self) -> None:
        """δᴸ (BP1) from the clipped outputs, or verify's log-domain form from (zᴸ, y)."""
        last = len(self.model.layers) - 1
        if self.output_delta is not None:
            self.delta[last][...] = self.output_delta(self.z[last], self.y)
            return
        layer, a = self.model.layers[last], clip(self.model, self.a[last])
        delta_of(layer, self.z[last], a, self.grad_cost(a, self.y), self.delta[last])

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
