"""The trainer's elementwise pieces, looked up once per layer: the activation written in place
(the functions table's NumPy form, with fewer temporaries) and the derivatives lambdified from
sympy.diff (``derivatives.activation_derivative`` and the cost table's SymPy form). No derivative
is typed here; backprop.py strings these together into BP1–BP4.

Probability costs (binary_cross_entropy, cross_entropy) take logs of outputs and divide by
them; a stable sigmoid or softmax can return 0 or 1 (or within 1e-300 of them) for |z| near
1e3. Outputs are therefore clipped to [EPS, 1 − EPS] before the cost and its gradient
(EPS = 1e-12), which changes a result only where an output lies within 1e-12 of 0 or 1.
(float32 clips at its own machine epsilon: 1 − 1e-12 is 1 there.)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from ..derivatives import activation_derivative
from ..functions import ACTIVATIONS, COSTS, SIGMOID_FLOOR
from .data import Array

if TYPE_CHECKING:
    from .model import NumpyLayer, NumpyModel

EPS = 1e-12  # float64; float32 clips at its own machine epsilon (``_clip``)


def _lambdified(args: tuple[sp.Symbol, ...], expr: sp.Expr) -> Callable[..., Array]:
    """``sp.lambdify(args, expr, modules="numpy")``: the same code (numpy.exp, numpy.log, ...),
    with NumPy as the one name it needs. Given the module name, lambdify reads all of NumPy's
    names into the function's namespace, a tenth of a second on first use."""
    from sympy.printing.numpy import NumPyPrinter

    fn = sp.lambdify(args, expr, modules=[{"numpy": np}], printer=NumPyPrinter)
    return fn  # type: ignore[no-any-return]


@cache
def local_derivative(name: str, slope: float, diagonal: bool) -> Callable[..., Array]:
    """∂a_i/∂z_j as a NumPy function of (z_j, a_i, a_j), lambdified from sympy.diff."""
    expr = activation_derivative(name, slope, i_out="a_i", j_out="a_j", j_z="z", diagonal=diagonal)
    fn = _lambdified(sp.symbols("z a_i a_j"), expr)
    if expr.free_symbols:
        return fn
    constant = float(expr)  # linear (1) or an off-diagonal 0: broadcast to the array's shape
    return lambda z, ai, aj: np.full(np.broadcast(z, ai, aj).shape, constant, dtype=z.dtype)


@cache
def cost_gradient(cost: str, outputs: int) -> Callable[[Array, Array], Array]:
    """∂C/∂a_i as a NumPy function of (a_i, y_i): sympy.diff of the cost for this many outputs.

    Every cost is symmetric in its outputs, so the derivative for output 0 serves all of them.
    """
    a = sp.symbols(f"a0:{outputs}")
    y = sp.symbols(f"y0:{outputs}")
    expr = sp.diff(COSTS[cost].sympy(list(a), list(y)), a[0])
    fn = _lambdified((a[0], y[0]), expr)
    if a[0] in expr.free_symbols:
        return fn
    return lambda av, yv: fn(av, yv) + np.zeros_like(av)


def _sigmoid_into(z: Array, out: Array) -> Array:
    """The table's 1/(1 + e^(−max(z, −700))) in place: the same bits, no overflow for any z."""
    np.maximum(z, SIGMOID_FLOOR, out=out)
    np.negative(out, out=out)
    np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def _leaky_into(z: Array, out: Array, *, slope: float) -> Array:
    """max(z, slope·z), the table's where(z > 0, z, slope·z) for 0 ≤ slope ≤ 1, in place."""
    np.multiply(z, slope, out=out)
    return np.maximum(z, out, out=out)


def _table_into(z: Array, out: Array, *, table: Callable[..., Array], slope: float) -> Array:
    out[...] = table(z, slope)
    return out


def forward_form(name: str, slope: float) -> Callable[[Array, Array], Array]:
    """The activation as (z, out) → aˡ written into ``out``: the functions table's NumPy form,
    done in place where that saves work (a test checks that each gives the table's values)."""
    if name == "sigmoid":
        return _sigmoid_into
    if name in ("relu", "leaky_relu") and 0 <= slope <= 1:
        return partial(_leaky_into, slope=slope if name == "leaky_relu" else 0.0)
    return partial(_table_into, table=ACTIVATIONS[name].numpy, slope=slope)


def clip(model: NumpyModel, a: Array) -> Array:
    """The outputs clipped to [EPS, 1 − EPS] before a probability cost."""
    if not model.probabilities:
        return a
    eps = max(EPS, float(np.finfo(a.dtype).eps))
    return np.clip(a, eps, 1 - eps)


def delta_of(layer: NumpyLayer, z: Array, a: Array, grad_a: Array, out: Array) -> Array:
    """δ = ∂C/∂z from ∂C/∂a into ``out``: elementwise σ'·g, or a Jacobian-vector product for
    softmax."""
    if layer.off is None:
        return np.multiply(layer.diag(z, a, a), grad_a, out=out)
    # J[i, j, n] = ∂a_i/∂z_j for example n; δ_j = Σ_i g_i J[i, j]
    jac = layer.off(z[None, :, :], a[:, None, :], a[None, :, :])
    idx = np.arange(a.shape[0])
    jac[idx, idx, :] = layer.diag(z, a, a)
    return np.einsum("ijn,in->jn", jac, grad_a, out=out)
