"""Central finite differences of the NumPy cost, in place, on every parameter or a sample.

A finite difference costs two passes of the network, so a network of more than ``SAMPLE_ABOVE``
parameters has them on a sample by default: in every layer its first and last parameter and
more up to ``SAMPLE_PER_LAYER``, drawn by ``random.Random(SAMPLE_SEED)``, the same every run.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from ..train.data import Array
from ..train.model import NumpyModel
from ..train.stable import stable_cost

SAMPLE_ABOVE = 500  # parameters: every finite difference of a network this size takes ~0.1 s
SAMPLE_PER_LAYER = 64
SAMPLE_SEED = 0


def sample(layers: list[int]) -> list[int]:
    """Indices of the parameters whose finite differences are taken: in every layer (``layers``
    gives each parameter's) the first, the last, and more drawn by a seeded generator up to
    ``SAMPLE_PER_LAYER``, so that every layer is checked, and the same way every run."""
    rng, chosen = random.Random(SAMPLE_SEED), []
    for layer in sorted(set(layers)):
        mine = [i for i, at in enumerate(layers) if at == layer]
        ends = {mine[0], mine[-1]}
        rest = [i for i in mine if i not in ends]
        chosen += [*ends, *rng.sample(rest, min(len(rest), SAMPLE_PER_LAYER - len(ends)))]
    return sorted(chosen)


def finite_differences(model: NumpyModel, x: Array, y: Array, *, h: float) -> list[float]:
    """Every parameter's central difference (``sampled_differences`` of them all)."""
    every = sampled_differences(model, x, y, h=h, indices=None)
    return [d for d in every if d is not None]


def sampled_differences(
    model: NumpyModel, x: Array, y: Array, *, h: float, indices: Sequence[int] | None
) -> list[float | None]:
    """Central differences (C(p + h) − C(p − h)) / 2h of the NumPy mean cost for the parameters
    at ``indices`` (in ``NumpyModel.flat`` order; None: all), None for the others. Each entry
    is moved in place and put back, not copied with the model. The cost is taken in the log
    domain (``stable_cost``): the trainer's clipped cost is flat where an output lies within
    1e-12 of 0 or 1."""
    entries = _entries(model)
    out: list[float | None] = [None] * len(entries)
    for i in range(len(entries)) if indices is None else indices:
        array, at = entries[i]
        p = float(array[at][0] if isinstance(at, slice) else array[at])
        dp = h * max(1.0, abs(p))
        array[at] = p + dp
        up = stable_cost(model, x, y)
        array[at] = p - dp
        down = stable_cost(model, x, y)
        array[at] = p
        out[i] = (up - down) / (2 * dp)
    return out


Entry = tuple[Array, tuple[int, ...] | slice]  # an array of the model and where in it


def _entries(model: NumpyModel) -> list[Entry]:
    """Where each parameter lives, in ``NumpyModel.flat`` order: a weight's (row, column), a
    bias's (row,), or for a shared bias all the rows that repeat it. ``weights`` and ``biases``
    are views of the layer's ``packed`` array: writing them writes what the forward pass reads."""
    out: list[Entry] = []
    for layer in model.layers:
        rows, columns = layer.weights.shape
        out += [(layer.weights, (j, k)) for j in range(rows) for k in range(columns)]
        if layer.biases is not None:
            shared: list[tuple[int, ...] | slice] = [slice(None)]
            out += [(layer.biases, at) for at in (shared if layer.shared else _rows(rows))]
    return out


def _rows(count: int) -> list[tuple[int, ...] | slice]:
    return [(j,) for j in range(count)]


def sample_note(count: int, total: int) -> str:
    """How the sample was drawn, for the report."""
    return (
        f"Finite differences on a sample of {count:,} of the {total:,} parameters: in every "
        f"layer the first, the last and up to {SAMPLE_PER_LAYER} in all drawn by "
        f"random.Random({SAMPLE_SEED}), the same every run. SymPy and NumPy on all {total:,}."
    )
