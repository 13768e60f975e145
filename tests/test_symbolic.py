"""Free symbols, the one-weight example, softmax + cross-entropy, several examples."""

from __future__ import annotations

import pytest
import sympy as sp

from derive import derive, load_network
from derive.derivation.quantity import Derivation
from derive.errors import DeriveError
from derive.spec.network import Activation, Example, Layer, Network

from .conftest import CASES
from .oracle import diff_gradients


def test_seed_000_gradient_is_4_5w_minus_1_5_and_2_1_at_0_8() -> None:
    d = derive(load_network(CASES / "laan-1-1-1.yaml"))
    w = sp.Symbol("w")
    assert sp.simplify(d["dC/dw"].value - (sp.Rational(9, 2) * w - sp.Rational(3, 2))) == 0
    assert float(d["dC/dw"].exact) == pytest.approx(2.1)


def test_softmax_cross_entropy_gives_output_minus_target() -> None:
    d = derive(load_network(CASES / "softmax-classifier.yaml"))
    for j, y in zip((3, 4, 5), (0, 1, 0), strict=True):
        assert float(d[f"dC/dz{j}"].value) == pytest.approx(float(d[f"O{j}"].value) - y, abs=1e-12)


def test_softmax_dz_is_shown_as_a_sum_over_the_jacobian() -> None:
    d = derive(load_network(CASES / "softmax-classifier.yaml"))
    chain = str(d["dC/dz3"].chain)
    assert all(f"dO{i}/dz3" in chain for i in (3, 4, 5))
    assert str(d["dO4/dz3"].formula) == "-O3*O4"


def test_general_mode_prints_the_3b1b_formula() -> None:
    net = load_network(CASES / "3b1b-chain.yaml")
    d = derive(net, general=True)
    a_l, a_prev, y = (sp.Symbol(n) for n in ("a(L)", "a(L-1)", "y"))
    expected = a_prev * a_l * (1 - a_l) * 2 * (a_l - y)
    assert sp.simplify(d["dC/dw(L)"].value - expected) == 0


def test_several_examples_average_their_gradients() -> None:
    d = derive(load_network(CASES / "minibatch-2-2-1.yaml"))
    per = [float(d[f"dC/dw1[{k}]"].value) for k in (1, 2, 3)]
    assert float(d["dC/dw1"].value) == pytest.approx(sum(per) / 3, abs=1e-15)
    assert float(d["C"].value) == pytest.approx(
        sum(float(d[f"C[{k}]"].value) for k in (1, 2, 3)) / 3
    )
    net = load_network(CASES / "minibatch-2-2-1.yaml")
    got = [float(d[f"dC/d{p}"].value) for p in d.parameters]
    assert got == pytest.approx(diff_gradients(net), rel=1e-9)


def test_relu_derivative_at_zero_is_zero() -> None:
    net = Network(
        "relu0",
        1,
        (Layer(1, Activation("relu"), ((1.0,),), (0.0,)),),
        (Example((0.0,), (1.0,)),),
        "squared_error",
        0.1,
    )
    assert float(derive(net)["da0/dz0".replace("a", "O")].value) == 0.0


def test_softmax_cross_entropy_simplifies_to_output_minus_target_symbolically() -> None:
    d = derive(load_network(CASES / "softmax-classifier.yaml"), general=True)
    for j, k in ((3, 1), (4, 2), (5, 3)):
        expected = sp.Symbol(f"O{j}") - sp.Symbol(f"y{k}")
        assert sp.expand(d[f"dC/dz{j}"].value - expected) == 0
        # the result, not a shortcut: the step is still the sum over the softmax Jacobian
        assert str(d[f"dC/dz{j}"].formula).count(f"/dz{j}") == 3


def test_an_internal_error_is_one_line_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from derive.cli import app

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("derive.derivation.build.Builder.run", broken)
    monkeypatch.delenv("DERIVE_DEBUG", raising=False)
    result = CliRunner().invoke(app, ["explain", str(CASES / "blog-2-3-1.yaml")])
    assert result.exit_code == 70
    assert result.output.strip().splitlines() == [
        "derive: internal error: ZeroDivisionError: a bug "
        "(please report it; DERIVE_DEBUG=1 shows the traceback)"
    ]


def test_explain_shows_every_example_and_example_k_only_that_one() -> None:
    from derive.render.console import render
    from derive.render.tables import as_text

    d = derive(load_network(CASES / "minibatch-2-2-1.yaml"))
    everything = as_text(render(d), width=160)
    for k in (1, 2, 3):
        assert f"O3[{k}]" in everything and f"∂C/∂w1[{k}]" in everything
    focused = as_text(render(d, example=2), width=160)
    assert "O3[2]" in focused and "O3[1]" not in focused and "O3[3]" not in focused
    assert "(1/3) · (∂C/∂w1[1] + ∂C/∂w1[2] + ∂C/∂w1[3])" in focused  # the average stays


def test_layer_numbers_follow_the_notation() -> None:
    from derive.spec.notation import layer_label

    layered = load_network(CASES / "tanh-2-2-1.yaml")  # w2_11 belongs to layer 2
    assert [layer_label(layered, i) for i in range(3)] == ["1 (input)", "2 (hidden)", "3 (output)"]
    chain = load_network(CASES / "3b1b-chain.yaml")
    assert [layer_label(chain, i) for i in range(3)] == [
        "L-2 (input)",
        "L-1 (hidden)",
        "L (output)",
    ]
    flat = load_network(CASES / "blog-2-3-1.yaml")
    assert layer_label(flat, 2) == "2 (output)"


def _symbolic_cases() -> list[str]:
    return [p.stem for p in sorted(CASES.glob("*.yaml")) if p.stem != "3b1b-784-16-16-10"]


def _both_ways(network: Network, monkeypatch: pytest.MonkeyPatch) -> tuple[Derivation, Derivation]:
    """The general derivation finished by factored.py's remembering copy of factor_terms, and
    by SymPy's own."""
    from derive.numbers.walker import Arithmetic

    remembered = derive(network, general=True)
    with monkeypatch.context() as m:
        plain_finish = lambda self, v: sp.factor_terms(v) if isinstance(v, sp.Expr) else v  # noqa: E731
        m.setattr(Arithmetic, "finish", plain_finish)
        return remembered, derive(network, general=True)


def _same_values(remembered: Derivation, plain: Derivation) -> None:
    from .test_columns import _tree

    for q in remembered.quantities.values():  # the order of the terms too (srepr sorts them)
        if isinstance(q.value, sp.Basic):
            assert _tree(q.value) == _tree(plain[q.name].value), q.name


@pytest.mark.parametrize("case", _symbolic_cases())
def test_the_remembered_factoring_is_sympys_factor_terms(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every formula and value must be what SymPy's own factor_terms gives."""
    from .test_lazy import _everything

    try:
        remembered, plain = _both_ways(load_network(CASES / f"{case}.yaml"), monkeypatch)
    except DeriveError:  # an answers file
        return
    assert _everything(remembered) == _everything(plain)
    _same_values(remembered, plain)


@pytest.mark.parametrize(
    ("act", "cost"),
    [("sigmoid", "half_squared_error"), ("tanh", "mse"), ("softmax", "cross_entropy")],
)
def test_the_remembered_factoring_is_sympys_on_nested_layers(
    act: str, cost: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def layer(n: int, m: int, a: str) -> Layer:
        return Layer(n, Activation(a), tuple((0.1,) * m for _ in range(n)), (0.0,) * n)

    network = Network(
        "nested",
        2,
        (layer(3, 2, "sigmoid"), layer(2, 3, "tanh"), layer(2, 2, act)),
        (Example((0.5, -0.5), (1.0, 0.0)),),
        cost,
    )
    _same_values(*_both_ways(network, monkeypatch))
