"""Independent oracles: the fully composed cost differentiated by sympy.diff, and plain floats."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import sympy as sp

from derive.functions import ACTIVATIONS, COSTS
from derive.spec.network import Layer, Network

Known = Mapping[Any, Any]  # parameter symbol → its number, for the parameters held fixed


def composed_cost(
    network: Network, known: Known | None = None, point: Known | None = None
) -> tuple[Any, list[Any]]:
    """C(θ) as one SymPy expression in a symbol per parameter (weights then biases per layer;
    one symbol for a layer's shared bias), with the L2 penalty (λ/2)·Σw² where there is one.
    Parameters in ``known`` are their numbers instead of symbols."""
    fixed = known or {}
    total = sp.S.Zero
    for example in network.examples:
        inputs = [sp.Float(v) for v in example.input]
        total += example_cost(network, inputs, example.target, known=fixed, point=point)
    params = parameter_symbols(network)
    weights = [fixed.get(p, p) for p in params if "_b" not in p.name]
    penalty = sp.Float(network.l2 or 0) / 2 * sp.Add(*[w**2 for w in weights])
    return total / len(network.examples) + penalty, params


def parameter_symbols(network: Network) -> list[Any]:
    params: list[Any] = []
    for index, layer in enumerate(network.layers, start=1):
        for j, row in enumerate(layer.weights):
            params += [sp.Symbol(f"p_{index}_{j}_{k}") for k in range(len(row))]
        params += [sp.Symbol(f"p_{index}_b{j}") for j in range(len(layer.biases or ()))]
    return params


def example_cost(
    network: Network,
    inputs: list[Any],
    target: tuple[Any, ...],
    *,
    known: Known | None = None,
    point: Known | None = None,
) -> Any:
    """One example's cost, composed through every layer (``inputs`` may be symbols; with
    ``point``, piecewise activations are resolved there, see ``_activate``)."""
    fixed = known or {}

    def param(name: str) -> Any:
        symbol = sp.Symbol(name)
        return fixed.get(symbol, symbol)

    a: list[Any] = list(inputs)
    for index, layer in enumerate(network.layers, start=1):
        zs = []
        for j, row in enumerate(layer.weights):
            ws = [param(f"p_{index}_{j}_{k}") for k in range(len(row))]
            z = sp.Add(*[w * ak for w, ak in zip(ws, a, strict=True)])
            if layer.biases is not None:  # a shared bias: the same symbol in every neuron
                z += param(f"p_{index}_b{0 if layer.shared_bias else j}")
            zs.append(z)
        a = _activate(layer, zs, point)
    y = [sp.Float(v) for v in target]
    return COSTS[network.cost].sympy(a, y)


def _activate(layer: Layer, zs: list[Any], point: Known | None) -> list[Any]:
    """The layer's activation of ``zs``. With ``point`` (values of the symbols still in zs), a
    piecewise activation takes the branch that holds there: the derivative at that point is
    the same, and nesting whole Piecewise objects through layers took minutes to build."""
    act = ACTIVATIONS[layer.activation.name]
    slope = layer.activation.param("slope", act.default_slope)
    if point is None:
        return list(act.sympy(zs, slope))
    us = [sp.Dummy(f"u{j}") for j in range(len(zs))]
    at = {u: z.xreplace(point) for u, z in zip(us, zs, strict=True)}
    back = dict(zip(us, zs, strict=True))
    return [_branch(f, at).xreplace(back) for f in act.sympy(us, slope)]


def _branch(expr: Any, at: Known) -> Any:
    if not isinstance(expr, sp.Piecewise):
        return expr
    return next(value for value, condition in expr.args if bool(condition.xreplace(at)))


def numbers(network: Network) -> list[float]:
    out: list[float] = []
    for layer in network.layers:
        out += [float(w) for row in layer.weights for w in row]
        out += [float(b) for b in layer.biases or ()]
    return out


def diff_gradients(network: Network) -> list[float]:
    """∂C/∂θ by sympy.diff of the composed cost, evaluated at the file's numbers: for each
    parameter, the cost composed with that one parameter a symbol and the others numbers
    (every parameter a symbol at once made nested ReLUs take minutes)."""
    params = parameter_symbols(network)
    at = {p: sp.Float(v, 30) for p, v in zip(params, numbers(network), strict=True)}
    out = []
    for p in params:
        others = {q: v for q, v in at.items() if q != p}
        cost, _ = composed_cost(network, known=others, point={p: at[p]})
        out.append(float(sp.diff(cost, p).xreplace({p: at[p]})))
    return out


def diff_input_gradients(network: Network) -> list[list[float]]:
    """∂Cₓ/∂x per example (each example's own cost, as explain --wrt-inputs names them), by
    sympy.diff of the composed cost with that one input a symbol."""
    params = parameter_symbols(network)
    at = {p: sp.Float(v, 30) for p, v in zip(params, numbers(network), strict=True)}
    x = sp.Symbol("x")
    out = []
    for example in network.examples:
        row = []
        for k, value in enumerate(example.input):
            inputs: list[Any] = [sp.Float(v, 30) for v in example.input]
            inputs[k] = x
            point = {x: sp.Float(value, 30)}
            cost = example_cost(network, inputs, example.target, known=at, point=point)
            row.append(float(sp.diff(cost, x).xreplace(point)))
        out.append(row)
    return out


def float_forward_2_3_1(x: list[float], w: list[float], b: list[float]) -> dict[str, float]:
    """The blog network in plain floats, written out by hand (no SymPy)."""

    def sig(t: float) -> float:
        return 1 / (1 + math.exp(-t))

    z = [w[2 * j] * x[0] + w[2 * j + 1] * x[1] + b[j] for j in range(3)]
    o = [sig(t) for t in z]
    z3 = w[6] * o[0] + w[7] * o[1] + w[8] * o[2] + b[3]
    return {
        "z0": z[0],
        "z1": z[1],
        "z2": z[2],
        "O0": o[0],
        "O1": o[1],
        "O2": o[2],
        "z3": z3,
        "O3": sig(z3),
    }
