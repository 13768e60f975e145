"""Every chain-rule gradient equals sympy.diff of the fully composed cost (random networks)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive import derive
from derive.functions import ACTIVATIONS, COSTS
from derive.spec.network import Activation, Example, Layer, Network

from .oracle import diff_gradients

weights = st.floats(-1.5, 1.5, allow_nan=False).map(lambda v: round(v, 3))


@st.composite
def networks(draw: st.DrawFn) -> Network:
    sizes = draw(st.lists(st.integers(1, 3), min_size=2, max_size=4))
    cost = draw(st.sampled_from(sorted(COSTS)))
    layers = []
    hidden = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
    for i, size in enumerate(sizes[1:], start=1):
        last = i == len(sizes) - 1
        if last and COSTS[cost].probabilities:
            name = "softmax" if cost == "cross_entropy" and size > 1 else "sigmoid"
        else:
            name = draw(st.sampled_from([*hidden, "softmax"] if last else hidden))
        rows = tuple(tuple(draw(weights) for _ in range(sizes[i - 1])) for _ in range(size))
        biases = tuple(draw(weights) for _ in range(size)) if draw(st.booleans()) else None
        layers.append(Layer(size, Activation(name), rows, biases))
    probs = COSTS[cost].probabilities
    target = st.floats(0.05, 0.95) if probs else st.floats(-1, 1)
    n = draw(st.integers(1, 2))
    examples = tuple(
        Example(
            tuple(draw(weights) for _ in range(sizes[0])),
            tuple(round(draw(target), 2) for _ in range(sizes[-1])),
        )
        for _ in range(n)
    )
    return Network("random", sizes[0], tuple(layers), examples, cost, 0.1)


@settings(
    max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(networks())
def test_chain_rule_equals_diff_of_composed_cost(network: Network) -> None:
    d = derive(network)
    expected = diff_gradients(network)
    got = [float(d[f"dC/d{p}"].value) for p in d.parameters]
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_every_activation_and_cost_is_covered() -> None:
    # the strategy draws from the tables themselves, so a new entry is tested automatically
    assert {"sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"} <= set(ACTIVATIONS)
    assert len(COSTS) == 5


def test_a_wrong_local_derivative_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The oracle is not vacuous: break σ' (forget the (1 − O) factor) and the test fails."""
    from derive import functions as calculus
    from derive.derivation import example as chainrule

    real = calculus.activation_derivative

    def wrong(name: str, slope: float, **kw: object) -> object:
        expr = real(name, slope, **kw)  # type: ignore[arg-type]
        return expr.subs(1 - __import__("sympy").Symbol(str(kw["i_out"])), 1)

    monkeypatch.setattr(chainrule, "activation_derivative", wrong)
    sigmoid = Network(
        "one",
        1,
        (Layer(1, Activation("sigmoid"), ((0.5,),), (0.1,)),),
        (Example((1.0,), (0.2,)),),
        "squared_error",
        0.1,
    )
    got = float(derive(sigmoid)["dC/dw0"].value)
    assert got != pytest.approx(diff_gradients(sigmoid)[0], rel=1e-6)
