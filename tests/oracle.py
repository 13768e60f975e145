"""Independent oracles: the fully composed cost differentiated by sympy.diff, and plain floats."""

from __future__ import annotations

import math
from typing import Any

import sympy as sp

from derive.functions import ACTIVATIONS, COSTS
from derive.spec.network import Network


def composed_cost(network: Network) -> tuple[Any, list[Any]]:
    """C(θ) as one SymPy expression in a symbol per parameter (weights then biases per layer;
    one symbol for a layer's shared bias), with the L2 penalty (λ/2)·Σw² where there is one."""
    total = sp.S.Zero
    for example in network.examples:
        total += example_cost(network, [sp.Float(v) for v in example.input], example.target)
    params = parameter_symbols(network)
    weights = [p for p in params if "_b" not in p.name]
    penalty = sp.Float(network.l2 or 0) / 2 * sp.Add(*[w**2 for w in weights])
    return total / len(network.examples) + penalty, params


def parameter_symbols(network: Network) -> list[Any]:
    params: list[Any] = []
    for index, layer in enumerate(network.layers, start=1):
        for j, row in enumerate(layer.weights):
            params += [sp.Symbol(f"p_{index}_{j}_{k}") for k in range(len(row))]
        params += [sp.Symbol(f"p_{index}_b{j}") for j in range(len(layer.biases or ()))]
    return params


def example_cost(network: Network, inputs: list[Any], target: tuple[Any, ...]) -> Any:
    """One example's cost, composed through every layer (``inputs`` may be symbols)."""
    a: list[Any] = list(inputs)
    for index, layer in enumerate(network.layers, start=1):
        zs = []
        for j, row in enumerate(layer.weights):
            ws = [sp.Symbol(f"p_{index}_{j}_{k}") for k in range(len(row))]
            z = sp.Add(*[w * ak for w, ak in zip(ws, a, strict=True)])
            if layer.biases is not None:  # a shared bias: the same symbol in every neuron
                z += sp.Symbol(f"p_{index}_b{0 if layer.shared_bias else j}")
            zs.append(z)
        act = ACTIVATIONS[layer.activation.name]
        a = act.sympy(zs, layer.activation.param("slope", act.default_slope))
    y = [sp.Float(v) for v in target]
    return COSTS[network.cost].sympy(a, y)


def numbers(network: Network) -> list[float]:
    out: list[float] = []
    for layer in network.layers:
        out += [float(w) for row in layer.weights for w in row]
        out += [float(b) for b in layer.biases or ()]
    return out


def diff_gradients(network: Network) -> list[float]:
    """∂C/∂θ by sympy.diff of the composed cost, evaluated at the file's numbers."""
    cost, params = composed_cost(network)
    at = {p: sp.Float(v, 30) for p, v in zip(params, numbers(network), strict=True)}
    return [float(sp.diff(cost, p).xreplace(at)) for p in params]


def diff_input_gradients(network: Network) -> list[list[float]]:
    """∂Cₓ/∂x per example (each example's own cost, as explain --wrt-inputs names them), by
    sympy.diff of the composed cost in symbols for the inputs."""
    params = parameter_symbols(network)
    at = {p: sp.Float(v, 30) for p, v in zip(params, numbers(network), strict=True)}
    out = []
    for example in network.examples:
        xs = [sp.Symbol(f"x_{k}") for k in range(network.inputs)]
        cost = example_cost(network, xs, example.target)
        at_x = at | {x: sp.Float(v, 30) for x, v in zip(xs, example.input, strict=True)}
        out.append([float(sp.diff(cost, x).xreplace(at_x)) for x in xs])
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
