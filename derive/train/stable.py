"""The mean cost without the trainer's clipping, from the output layer's z in the log domain.

The trainer clips outputs to [EPS, 1 − EPS] before a probability cost (backprop.py), so its
cost is flat wherever an output lies within 1e-12 of 0 or 1: σ(30) = 1 − 9.4e-14, and a
finite difference of −log(1 − σ(z)) there is 0 where the true slope is 1. ``derive verify``
differentiates this cost instead, which never forms the output it takes the log of:

    log σ(z)      = −softplus(−z)        log(1 − σ(z)) = −softplus(z)
    log softmax_j = z_j − logsumexp(z)   (the max shifted out)

Its backprop (``stable_gradients``) starts from δᴸ = ∂C/∂zᴸ written in the same terms, with no
difference of nearly equal numbers: σ(z) − y = σ(z)·(1 − y) − σ(−z)·y, and for softmax
a_j·Σy − y_j = a_j·(Σy − y_j) − y_j·Σ_(k≠j) a_k. These δᴸ are typed here, unlike the trainer's
(lambdified from sympy.diff), so they stand in only where an output is ``SATURATED`` (within
1e-6 of 0 or 1, where a − y has lost 10 of float64's 16 digits, or been clipped); elsewhere
verify checks the trainer's own BP1. Finite differences of ``stable_cost`` check them both.

Other pairs of output activation and cost have no log to saturate, or none these identities
rewrite; for them both are the trainer's own.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .backprop import Workspace, cost, gradients, outputs
from .data import Array
from .model import NumpyModel, with_ones
from .options import penalty


def _softplus(t: Array) -> Array:
    return np.logaddexp(0.0, t)  # log(1 + e^t), exact for every t


def _log_softmax(z: Array) -> Array:
    top = z.max(axis=0, keepdims=True)
    return z - top - np.log(np.exp(z - top).sum(axis=0, keepdims=True))


def _bce_sigmoid(z: Array, y: Array) -> Array:
    return (y * _softplus(-z) + (1 - y) * _softplus(z)).sum(axis=0)


def _ce_sigmoid(z: Array, y: Array) -> Array:
    return (y * _softplus(-z)).sum(axis=0)


def _ce_softmax(z: Array, y: Array) -> Array:
    return -(y * _log_softmax(z)).sum(axis=0)


# (output activation, cost) → the costs of a batch's columns from the output layer's z
LOG_DOMAIN: dict[tuple[str, str], Callable[[Array, Array], Array]] = {
    ("sigmoid", "binary_cross_entropy"): _bce_sigmoid,
    ("sigmoid", "cross_entropy"): _ce_sigmoid,
    ("softmax", "cross_entropy"): _ce_softmax,
}


def _sigmoid(t: Array) -> Array:
    return np.exp(-_softplus(-t))  # 1/(1 + e^(−t)) without overflow


def _delta_bce_sigmoid(z: Array, y: Array) -> Array:
    return _sigmoid(z) * (1 - y) - _sigmoid(-z) * y


def _delta_ce_sigmoid(z: Array, y: Array) -> Array:
    return -y * _sigmoid(-z)


def _delta_ce_softmax(z: Array, y: Array) -> Array:
    n = z.shape[0]
    total = np.logaddexp.reduce(z, axis=0)
    others = np.repeat(z[None, :, :], n, axis=0)
    others[np.arange(n), np.arange(n), :] = -np.inf
    rest = np.exp(np.logaddexp.reduce(others, axis=1) - total)  # Σ_(k≠j) a_k, not 1 − a_j
    return np.exp(z - total) * (y.sum(axis=0) - y) - y * rest


DELTAS: dict[tuple[str, str], Callable[[Array, Array], Array]] = {
    ("sigmoid", "binary_cross_entropy"): _delta_bce_sigmoid,
    ("sigmoid", "cross_entropy"): _delta_ce_sigmoid,
    ("softmax", "cross_entropy"): _delta_ce_softmax,
}


SATURATED = 1e-6


def saturated(model: NumpyModel, x: Array) -> bool:
    """Whether δᴸ is taken in the log domain: the pair has a form here, and an output lies
    within ``SATURATED`` of 0 or 1."""
    if (model.layers[-1].activation, model.cost) not in DELTAS:
        return False
    a = outputs(model, x)
    return bool(np.any((a < SATURATED) | (a > 1 - SATURATED)))


def stable_gradients(model: NumpyModel, x: Array, y: Array) -> list[tuple[Array, Array | None]]:
    """(∂C/∂W, ∂C/∂b) per layer by the trainer's backprop, from δᴸ in the log domain where
    an output is saturated."""
    delta = DELTAS[(model.layers[-1].activation, model.cost)] if saturated(model, x) else None
    return gradients(model, x, y, output_delta=delta)


LOG_DOMAIN_NOTE = (
    "An output lies within 1e-6 of 0 or 1: NumPy's ∂C/∂z of the output layer and the finite "
    "differences' cost are taken in the log domain (softplus, log-sum-exp), unclipped."
)


def stable_cost(model: NumpyModel, x: Array, y: Array) -> float:
    """The mean cost over the examples (plus any L2 penalty), in the log domain where the
    output layer and cost allow (see the module docstring)."""
    form = LOG_DOMAIN.get((model.layers[-1].activation, model.cost))
    if form is None:
        return cost(model, x, y)
    work = Workspace(model, x.shape[1])
    work.forward(with_ones(model, x))
    return float(form(work.z[-1], y).mean()) + penalty(model)


def finite_differences(model: NumpyModel, x: Array, y: Array, *, h: float) -> list[float]:
    """Central differences (C(p + h) − C(p − h)) / 2h of the NumPy mean cost, one per parameter,
    the cost taken in the log domain (``stable_cost``): the trainer's clipped cost is flat
    where an output lies within 1e-12 of 0 or 1."""
    base = model.flat()
    out = []
    for i, p in enumerate(base):
        dp = h * max(1.0, abs(float(p)))
        up, down = base.copy(), base.copy()
        up[i] += dp
        down[i] -= dp
        diff = stable_cost(model.unflatten(up), x, y) - stable_cost(model.unflatten(down), x, y)
        out.append(diff / (2 * dp))
    return out
