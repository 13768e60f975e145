"""Every chain-rule gradient equals sympy.diff of the fully composed cost (random networks):
with shared biases, L2 regularization, cost: none, and the gradients with respect to the inputs."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive import derive
from derive.derivation.names import gradient, per_example
from derive.functions import ACTIVATIONS, COSTS
from derive.spec.network import Activation, Example, Layer, Network
from derive.spec.notation import namer_for

from .oracle import diff_gradients, diff_input_gradients

weights = st.floats(-1.5, 1.5, allow_nan=False).map(lambda v: round(v, 3))


@st.composite
def networks(draw: st.DrawFn) -> Network:
    sizes = draw(st.lists(st.integers(1, 3), min_size=2, max_size=4))
    cost = draw(st.sampled_from(sorted(COSTS)))
    if not COSTS[cost].targets:
        sizes[-1] = 1  # cost: none backpropagates from one output
    layers = []
    hidden = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
    for i, size in enumerate(sizes[1:], start=1):
        last = i == len(sizes) - 1
        if last and COSTS[cost].probabilities:
            name = "softmax" if cost == "cross_entropy" and size > 1 else "sigmoid"
        else:
            name = draw(st.sampled_from([*hidden, "softmax"] if last else hidden))
        rows = tuple(tuple(draw(weights) for _ in range(sizes[i - 1])) for _ in range(size))
        kind = draw(st.sampled_from(["none", "each", "shared"]))
        biases = {
            "none": None,
            "each": tuple(draw(weights) for _ in range(size)),
            "shared": (draw(weights),),
        }[kind]
        layers.append(Layer(size, Activation(name), rows, biases, shared_bias=kind == "shared"))
    probs = COSTS[cost].probabilities
    target = st.floats(0.05, 0.95) if probs else st.floats(-1, 1)
    n = draw(st.integers(1, 2))
    outputs = sizes[-1] if COSTS[cost].targets else 0
    examples = tuple(
        Example(
            tuple(draw(weights) for _ in range(sizes[0])),
            tuple(round(draw(target), 2) for _ in range(outputs)),
        )
        for _ in range(n)
    )
    l2 = draw(st.sampled_from([None, 0.1, 0.35]))
    return Network("random", sizes[0], tuple(layers), examples, cost, 0.1, l2=l2)


@settings(
    max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(networks())
def test_chain_rule_equals_diff_of_composed_cost(network: Network) -> None:
    d = derive(network, wrt_inputs=True)
    expected = diff_gradients(network)
    got = [float(d[f"dC/d{p}"].value) for p in d.parameters]
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)
    namer, many = namer_for(network), len(network.examples) > 1
    for e, expected_x in enumerate(diff_input_gradients(network)):
        names = [gradient(namer.input(k)) for k in range(network.inputs)]
        got_x = [float(d[per_example(name, e + 1 if many else None)].value) for name in names]
        assert got_x == pytest.approx(expected_x, rel=1e-9, abs=1e-12)


def test_the_new_features_are_drawn() -> None:
    """The strategy reaches shared biases, L2 and cost: none (else the test above says little)."""
    seen: set[str] = set()

    @settings(max_examples=60, derandomize=True, deadline=None)
    @given(networks())
    def record(network: Network) -> None:
        seen.update({"l2"} if network.l2 else set())
        seen.update({"shared"} if any(l.shared_bias for l in network.layers) else set())
        seen.update({"none"} if network.cost == "none" else set())

    record()
    assert seen == {"l2", "shared", "none"}


def test_every_activation_and_cost_is_covered() -> None:
    # the strategy draws from the tables themselves, so a new entry is tested automatically
    assert {"sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"} <= set(ACTIVATIONS)
    assert len(COSTS) == 6  # with none


def test_a_wrong_local_derivative_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The oracle is not vacuous: break σ' (forget the (1 − O) factor) and the test fails."""
    from derive import derivatives as calculus
    from derive.derivation import templates

    real = calculus.activation_derivative

    def wrong(name: str, slope: float, **kw: object) -> object:
        expr = real(name, slope, **kw)  # type: ignore[arg-type]
        return expr.subs(1 - __import__("sympy").Symbol(str(kw["i_out"])), 1)

    monkeypatch.setattr(templates, "activation_derivative", wrong)
    monkeypatch.setattr(templates, "_made", {})  # σ' built afresh, from the broken function
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
