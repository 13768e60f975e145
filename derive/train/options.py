"""The update rules a network file may ask for, in the trainer's [W | b] layout (backprop.py):
one shared bias per layer, frozen parameters, L2 regularization and momentum.

- shared bias: its column of [W | b] holds the one bias repeated, so the forward product is
  unchanged; its gradient is the column's sum, written back into every row, so one
  subtraction keeps the copies equal.
- frozen: a mask over [W | b]; masked gradients are zeroed before the update (the gradient
  itself, as ``gradients`` reports it, stays the true one).
- L2: λ·W added to the weights' gradient (biases are not penalized), (λ/2)·ΣW² to the cost.
- momentum: a velocity beside [W | b], from the file's ``velocities:`` (else 0).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from ..spec.network import Network
from ..spec.notation import frozen_names, namer_for, parameter_names
from .data import Array

if TYPE_CHECKING:
    from .model import NumpyLayer, NumpyModel


def apply_options(model: NumpyModel, network: Network) -> None:
    """Frozen masks and starting velocities from ``network``, in place."""
    frozen = frozen_names(network)
    names = iter(name for name, _ in parameter_names(network, namer_for(network)))
    start = dict(network.velocities)
    for layer in model.layers:
        grid = layer_names(layer, names)
        if frozen:
            mask = np.vectorize(frozen.__contains__, otypes=[bool])(grid)
            layer.frozen = mask if mask.any() else None
        if network.momentum is not None:
            layer.velocity = np.vectorize(lambda n: start.get(n, 0.0), otypes=[layer.packed.dtype])(
                grid
            )
            if layer.frozen is not None:
                layer.velocity[layer.frozen] = 0.0


def layer_names(layer: NumpyLayer, it: Iterator[str]) -> Array:
    """The parameter name of every entry of the layer's [W | b] (a shared bias in each row),
    taken from ``it``, the network's names in order."""
    size, previous = layer.weights.shape
    grid = np.empty(layer.packed.shape, dtype=object)
    for j in range(size):
        for k in range(previous):
            grid[j, k] = next(it)
    if layer.biases is not None:
        if layer.shared:
            grid[:, previous] = next(it)
        else:
            for j in range(size):
                grid[j, previous] = next(it)
    return grid


def finish_gradients(
    layer: NumpyLayer, grad: Array, *, scale: float, l2: float, frozen: bool = True
) -> None:
    """``grad`` (scale·∂C0/∂[W | b]) made the update's: a shared bias's gradient summed, scale·λ·W
    added, frozen entries zeroed (unless ``frozen`` is False: the true gradient is wanted)."""
    if layer.shared and layer.biases is not None:
        grad[:, -1] = grad[:, -1].sum()
    if l2:
        grad[:, : layer.weights.shape[1]] += (scale * l2) * layer.weights
    if frozen and layer.frozen is not None:
        grad[layer.frozen] = 0.0


def penalty(model: NumpyModel) -> float:
    """(λ/2)·Σw² over every weight (0 without regularization)."""
    if not model.l2:
        return 0.0
    return 0.5 * model.l2 * sum(float(np.sum(layer.weights**2)) for layer in model.layers)


def velocities(model: NumpyModel, network: Network) -> tuple[tuple[str, float], ...]:
    """The model's velocities by parameter name (not the frozen ones), for ``velocities:``."""
    if model.momentum is None:
        return ()
    frozen = frozen_names(network)
    names = iter(name for name, _ in parameter_names(network, namer_for(network)))
    out: dict[str, float] = {}
    for layer in model.layers:
        grid = layer_names(layer, names)
        if layer.velocity is None:
            continue
        for name, v in zip(grid.ravel(), layer.velocity.ravel(), strict=True):
            if name not in frozen:
                out.setdefault(str(name), float(v))
    return tuple(out.items())
