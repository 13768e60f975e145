"""Independent oracles: the fully composed cost differentiated by sympy.diff, and plain floats."""

from __future__ import annotations

import math
from typing import Any

import sympy as sp

from derive.functions import ACTIVATIONS, COSTS
from derive.spec.network import Network


def composed_cost(network: Network) -> tuple[Any, list[Any]]:
    """C(θ) as one SymPy expression in a symbol per parameter (weights then biases per layer)."""
    params: list[Any] = []
    total = sp.S.Zero
    for example in network.examples:
        a: list[Any] = [sp.Float(v) for v in example.input]
        for index, layer in enumerate(network.layers, start=1):
            assert layer.activation is not None
            zs = []
            for j, row in enumerate(layer.weights):
                ws = [sp.Symbol(f"p_{index}_{j}_{k}") for k in range(len(row))]
                z = sp.Add(*[w * ak for w, ak in zip(ws, a, strict=True)])
                if layer.biases is not None:
                    z += sp.Symbol(f"p_{index}_b{j}")
                zs.append(z)
            act = ACTIVATIONS[layer.activation.name]
            a = act.sympy(zs, layer.activation.param("slope", act.default_slope))
        y = [sp.Float(v) for v in example.target]
        total += COSTS[network.cost].sympy(a, y)
    for index, layer in enumerate(network.layers, start=1):
        for j, row in enumerate(layer.weights):
            params += [sp.Symbol(f"p_{index}_{j}_{k}") for k in range(len(row))]
        params += [sp.Symbol(f"p_{index}_b{j}") for j in range(len(layer.biases or ()))]
    return total / len(network.examples), params


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
