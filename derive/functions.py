"""Every activation and cost in one table: its SymPy form beside its NumPy form.

Derivatives are never typed here: the derivation takes sympy.diff of the SymPy form, and the
NumPy trainer uses the same derivative, lambdified. ``inverse`` (z written in terms of the
activation's output) only lets a derivative such as exp(-z)/(1+exp(-z))² be shown the way a
person writes it, O·(1 − O); a test checks that the rewritten form equals sympy.diff.
NumPy is imported inside the NumPy forms so that ``derive explain`` never loads it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

Expr = Any  # sympy ships no type information
Vector = Sequence[Any]

# the functions a student may write in an answer (grade/parse.py reads these names); a symbol in a
# network file may not take one of them
ANSWER_FUNCTIONS = frozenset({"exp", "log", "ln", "sigma", "σ", "sigmoid", "tanh", "sqrt"})


def _sigmoid(z: Expr) -> Expr:
    return 1 / (1 + sp.exp(-z))


# e^(−z) would overflow below z ≈ −709. Holding z at −700 or above changes σ only where it is
# below 1e-304, and costs one comparison where a log-add-exp form costs a log and an exp more.
SIGMOID_FLOOR = -700.0


def _np_sigmoid(z: Any) -> Any:
    import numpy as np

    return 1.0 / (1.0 + np.exp(-np.maximum(z, SIGMOID_FLOOR)))


def _np_softmax(z: Any) -> Any:
    import numpy as np

    shifted = z - z.max(axis=0, keepdims=True)  # log-sum-exp shift; columns are examples
    e = np.exp(shifted)
    return e / e.sum(axis=0, keepdims=True)


def _np_leaky(z: Any, slope: float) -> Any:
    import numpy as np

    return np.where(z > 0, z, slope * z)


@dataclass(frozen=True)
class ActivationDef:
    """One activation. ``sympy``/``numpy`` map a layer's weighted sums to its outputs."""

    name: str
    symbol: str  # how explain writes it: σ(z0)
    scalar: Callable[[Expr, float], Expr] | None  # elementwise SymPy form (None: couples the layer)
    numpy: Callable[[Any, float], Any]
    inverse: Callable[[Expr], Expr] | None  # z in terms of the output, where one exists
    default_slope: float = 0.0
    doc: str = ""
    # derive explain --why: ∂a/∂z in words, {z} the weighted sum and {a} the output; for a
    # coupled layer, why_across is ∂a_i/∂z_j (i ≠ j) with {a} output i and {z} sum j
    why: str = ""
    why_across: str = ""

    @property
    def elementwise(self) -> bool:
        return self.scalar is not None

    def sympy(self, zs: Vector, slope: float | None = None) -> list[Expr]:
        s = self.default_slope if slope is None else slope
        if self.scalar is not None:
            return [self.scalar(z, s) for z in zs]
        total = sp.Add(*[sp.exp(z) for z in zs])
        return [sp.exp(z) / total for z in zs]


ACTIVATIONS: dict[str, ActivationDef] = {
    a.name: a
    for a in (
        ActivationDef(
            "sigmoid",
            "σ",
            lambda z, s: _sigmoid(z),
            lambda z, s: _np_sigmoid(z),
            lambda a: sp.log(a / (1 - a)),
            doc="1/(1 + e^(−z))",
            why="the sigmoid's slope at {z}: at most ¼, and small when the neuron is saturated "
            "({a} near 0 or 1)",
        ),
        ActivationDef(
            "tanh",
            "tanh",
            lambda z, s: sp.tanh(z),
            lambda z, s: __import__("numpy").tanh(z),
            sp.atanh,
            doc="tanh z",
            why="tanh's slope at {z}: 1 − {a}², at most 1, and small when the neuron is saturated "
            "({a} near ±1)",
        ),
        ActivationDef(
            "relu",
            "relu",
            lambda z, s: sp.Piecewise((z, z > 0), (0, True)),
            lambda z, s: _np_leaky(z, 0.0),
            None,
            doc="z if z > 0 else 0 (derivative at exactly 0 taken as 0)",
            why="ReLU's slope at {z}: 1 while the neuron is on ({z} > 0), 0 while it is off, so an "
            "off neuron passes nothing back",
        ),
        ActivationDef(
            "leaky_relu",
            "lrelu",
            lambda z, s: sp.Piecewise((z, z > 0), (s * z, True)),
            _np_leaky,
            None,
            default_slope=0.01,
            doc="z if z > 0 else slope·z (slope default 0.01; derivative at 0 is slope)",
            why="leaky ReLU's slope at {z}: 1 while the neuron is on ({z} > 0), the small slope "
            "while it is off, so an off neuron still passes a little back",
        ),
        ActivationDef(
            "linear",
            "id",
            lambda z, s: z,
            lambda z, s: z,
            lambda a: a,
            doc="z (identity)",
            why="a linear neuron passes {z} on unchanged, so {a} moves one-for-one with it",
        ),
        ActivationDef(
            "softmax",
            "softmax",
            None,
            lambda z, s: _np_softmax(z),
            sp.log,
            doc="e^(z_i) / Σ_k e^(z_k) over the layer",
            why="softmax's slope of {a} in its own {z}: {a}·(1 − {a}), small when {a} is near "
            "0 or 1",
            why_across="raising {z} takes probability from {a}: the outputs always sum to 1",
        ),
    )
}


@dataclass(frozen=True)
class CostDef:
    """One cost for one example: outputs a and targets y to C; NumPy form over columns."""

    name: str
    sympy: Callable[[Vector, Vector], Expr]
    numpy: Callable[[Any, Any], Any]  # (a, y) arrays of shape (outputs, batch) → cost per column
    doc: str
    probabilities: bool = False  # takes log of outputs: targets must lie in [0, 1]
    distribution: bool = False  # targets are one distribution: Σ y = 1 (categorical)
    targets: bool = True  # False: no targets (``none`` backpropagates from the output itself)
    why: str = ""  # ∂C/∂a in words (derive explain --why): {a} the output, {y} its target


def _half_sq(a: Vector, y: Vector) -> Expr:
    return sp.Rational(1, 2) * sp.Add(*[(ai - yi) ** 2 for ai, yi in zip(a, y, strict=True)])


def _sq(a: Vector, y: Vector) -> Expr:
    return sp.Add(*[(ai - yi) ** 2 for ai, yi in zip(a, y, strict=True)])


def _mse(a: Vector, y: Vector) -> Expr:
    return sp.Rational(1, len(a)) * _sq(a, y)


def _bce(a: Vector, y: Vector) -> Expr:
    return -sp.Add(
        *[yi * sp.log(ai) + (1 - yi) * sp.log(1 - ai) for ai, yi in zip(a, y, strict=True)]
    )


def _ce(a: Vector, y: Vector) -> Expr:
    return -sp.Add(*[yi * sp.log(ai) for ai, yi in zip(a, y, strict=True)])


def _np_bce(a: Any, y: Any) -> Any:
    import numpy as np

    return -(y * np.log(a) + (1 - y) * np.log1p(-a)).sum(axis=0)


COSTS: dict[str, CostDef] = {
    c.name: c
    for c in (
        CostDef(
            "half_squared_error",
            _half_sq,
            lambda a, y: 0.5 * ((a - y) ** 2).sum(axis=0),
            "½ Σ (a − y)²",
            why="how far the output {a} is from its target {y}",
        ),
        CostDef(
            "squared_error",
            _sq,
            lambda a, y: ((a - y) ** 2).sum(axis=0),
            "Σ (a − y)²",
            why="twice how far the output {a} is from its target {y}",
        ),
        CostDef(
            "mse",
            _mse,
            lambda a, y: ((a - y) ** 2).mean(axis=0),
            "(1/n) Σ (a − y)²",
            why="twice how far the output {a} is from its target {y}, shared over the n outputs",
        ),
        CostDef(
            "binary_cross_entropy",
            _bce,
            _np_bce,
            "−Σ [y ln a + (1 − y) ln(1 − a)]",
            probabilities=True,
            why="how far {a} is from its target {y}, divided by {a}·(1 − {a}): a confident "
            "wrong output pulls hard",
        ),
        CostDef(
            "cross_entropy",
            _ce,
            lambda a, y: -(y * __import__("numpy").log(a)).sum(axis=0),
            "−Σ y ln a",
            probabilities=True,
            distribution=True,
            why="−{y}/{a}: only the target class pulls, and it pulls harder the less "
            "probability {a} gives it",
        ),
        # micrograd's and CS231n's single-neuron examples: backpropagate from the one output
        # itself (its gradient 1), so every ∂C/∂p is ∂O/∂p; the loader refuses several outputs
        CostDef(
            "none",
            lambda a, y: a[0],
            lambda a, y: a.sum(axis=0),
            "O",  # C is the one output itself: ∂C/∂p is ∂O/∂p
            targets=False,
            why="C is the output {a} itself, so its gradient is 1",
        ),
    )
}
