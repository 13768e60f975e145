"""Numbers at the edges and networks past the budgets: a right value, or one line and exit 2 —
never inf or NaN on the page with exit 0, never an internal error, never minutes of work."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sympy as sp
from typer.testing import CliRunner

from derive.cli import app
from derive.derivation.build import derive
from derive.errors import DeriveError
from derive.spec.limits import DERIVE, TRAIN, LimitError
from derive.spec.load import load_network

from .conftest import CASES

runner = CliRunner()


def _file(tmp_path: Path, text: str, name: str = "net.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


SOFTMAX = """
layers:
  - size: 2
  - size: 2
    activation: softmax
    weights: [[1.0e+4, 0.0], [0.0, 1.0e+4]]
examples: [{input: [1.0, 1.0], target: [1.0, 0.0]}]
cost: cross_entropy
"""

ONE = """
layers:
  - size: 1
  - size: 1
    activation: linear
    weights: [[{w}]]
examples: [{{input: [{x}], target: [1.0]}}]
cost: squared_error
"""


def test_softmax_of_huge_equal_logits_is_one_half(tmp_path: Path) -> None:
    d = derive(load_network(_file(tmp_path, SOFTMAX)))
    assert d["O0"].value == pytest.approx(0.5) and d["O1"].value == pytest.approx(0.5)
    assert d["C"].value == pytest.approx(math.log(2))
    assert all(math.isfinite(v) for v in d.values().values())
    result = runner.invoke(app, ["verify", str(tmp_path / "net.yaml")])
    assert result.exit_code == 0, result.output


def test_a_value_past_the_float_range_is_one_error_line(tmp_path: Path) -> None:
    path = _file(tmp_path, ONE.format(w="1.0e+300", x="1.0e+300"))
    for args in (["explain", str(path)], ["explain", str(path), "--carry", "rounded"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "z0" in lines[0] and "float range" in lines[0], lines


def test_hand_rounding_of_a_huge_value_works(tmp_path: Path) -> None:
    path = _file(tmp_path, ONE.format(w="1.0e+46", x="1.0"))
    d = derive(load_network(path), carry="rounded")
    assert float(d["O0"].value) == pytest.approx(1e46)
    assert runner.invoke(app, ["explain", str(path), "--carry", "rounded"]).exit_code == 0


@pytest.mark.parametrize("option", ["--rtol", "--fd-rtol"])
@pytest.mark.parametrize("value", ["nan", "inf"])
def test_verify_refuses_tolerances_that_are_not_finite(option: str, value: str) -> None:
    result = runner.invoke(app, ["verify", str(CASES / "blog-2-3-1.yaml"), option, value])
    assert result.exit_code == 2 and f"{option} must be a finite number" in result.output


BIG = """
layers:
  - size: 2
  - size: {size}
    activation: sigmoid
    weights: init
  - size: 1
    activation: sigmoid
    weights: init
init: {{kind: normal, seed: 1}}
examples: [{{input: [1, 2], target: [1]}}]
cost: mse
"""


def test_a_billion_wide_layer_is_refused_at_once(tmp_path: Path) -> None:
    path = _file(tmp_path, BIG.format(size=1_000_000_000))
    with pytest.raises(LimitError) as caught:  # before drawing 4e9 weights, which would take hours
        load_network(path)
    assert caught.value.size == 4_000_000_001 and caught.value.limit == DERIVE.max_params
    for args in (["explain", str(path)], ["train", str(path)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        line = result.output.strip()
        assert "4,000,000,001 parameters" in line and "--max-params" in line and "\n" not in line


def test_max_params_lifts_the_limit(tmp_path: Path) -> None:
    path = _file(tmp_path, BIG.format(size=300))  # 1,201 parameters
    refused = runner.invoke(app, ["--max-params", "1000", "explain", str(path), "--only", "C"])
    assert refused.exit_code == 2 and "more than the limit of 1,000" in refused.output
    lifted = runner.invoke(app, ["--max-params", "2000", "explain", str(path), "--only", "C"])
    assert lifted.exit_code == 0, lifted.output


def test_examples_have_a_budget_and_train_a_larger_one(tmp_path: Path) -> None:
    rows = ", ".join(["{input: [1, 2], target: [1]}"] * 150)
    text = BIG.format(size=2).replace("[{input: [1, 2], target: [1]}]", f"[{rows}]")
    path = _file(tmp_path, text)
    result = runner.invoke(app, ["explain", str(path)])
    assert result.exit_code == 2 and "150 examples" in result.output
    assert "--max-examples" in result.output
    assert load_network(path, limits=TRAIN).examples  # the trainer takes them
    lifted = runner.invoke(app, ["--max-examples", "200", "explain", str(path), "--only", "C"])
    assert lifted.exit_code == 0, lifted.output


def test_too_many_layers_are_refused(tmp_path: Path) -> None:
    layer = "  - {size: 1, activation: linear, weights: [[1.0]]}\n"
    text = "layers:\n  - size: 1\n" + layer * 1200
    text += "examples: [{input: [1], target: [1]}]\ncost: mse\n"
    with pytest.raises(DeriveError, match="1,201 layers"):
        load_network(_file(tmp_path, text))


def test_a_slope_on_an_activation_without_one_is_refused(tmp_path: Path) -> None:
    text = ONE.format(w="1.0", x="1.0").replace(
        "activation: linear", "activation: {name: relu, slope: 0.2}"
    )
    result = runner.invoke(app, ["explain", str(_file(tmp_path, text))])
    assert result.exit_code == 2 and "relu takes no slope" in result.output
    leaky = text.replace("name: relu", "name: leaky_relu")
    assert runner.invoke(app, ["explain", str(_file(tmp_path, leaky))]).exit_code == 0


def test_a_number_past_the_float_range_is_one_line(tmp_path: Path) -> None:
    path = _file(tmp_path, ONE.format(w="1" * 320, x="1.0"))
    result = runner.invoke(app, ["explain", str(path)])
    assert result.exit_code == 2
    assert "320-digit number is past the float range" in result.output
    assert result.output.count("\n") == 1


BCE = """
layers:
  - size: 1
  - size: 1
    activation: sigmoid
    weights: [[{z}]]
examples: [{{input: [1.0], target: [0.0]}}]
cost: binary_cross_entropy
"""


@pytest.mark.parametrize("z", [10, 30, 37, 50])
def test_saturated_binary_cross_entropy_has_its_true_cost(tmp_path: Path, z: int) -> None:
    """C = −log(1 − σ(z)) = z + log(1 + e^(−z)): float64 gave 30.0010 at z = 30 and log(0) from
    z = 37; the step is evaluated again over the file's numbers at the precision it needs."""
    d = derive(load_network(_file(tmp_path, BCE.format(z=z))))
    assert float(d["C"].value) == pytest.approx(z + math.log1p(math.exp(-z)), rel=1e-15)
    if z <= 37:  # ∂C/∂z = σ(z); past 37 it rounds to 1.0 in float64 anyway
        assert float(d["dC/dz0"].value) == pytest.approx(1 / (1 + math.exp(-z)), rel=1e-15)


def test_an_overflowing_gradient_of_a_saturated_cost_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["explain", str(_file(tmp_path, BCE.format(z=800)))])
    assert result.exit_code == 2 and "dC/dO0" in result.output and "float range" in result.output


SATURATED = """
layers:
  - size: 1
  - size: 1
    activation: sigmoid
    weights: [[10.0]]
examples: [{{input: [1.0], target: [{y}]}}]
cost: binary_cross_entropy
"""


@pytest.mark.parametrize("y", [0, 1])
@pytest.mark.parametrize("carry", ["exact", "rounded"])
def test_sigmoid_of_10_with_cross_entropy_is_derived_by_hand_and_exactly(
    tmp_path: Path, y: int, carry: str
) -> None:
    """σ(10) = 0.99995 is 1.0000 at 4 decimals: a person drops the 0·log term and carries O
    at more decimals where log(1 − O) or 1/(1 − O) is really needed, and says so."""
    path = _file(tmp_path, SATURATED.format(y=y))
    d = derive(load_network(path), carry=carry)  # type: ignore[arg-type]
    o = 1 / (1 + math.exp(-10))
    true_cost = -math.log(1 - o) if y == 0 else -math.log(o)
    assert float(d["C"].value) == pytest.approx(true_cost, abs=5e-5)
    assert float(d["dC/dw0"].value) == pytest.approx(o - y, abs=5e-5)  # σ(z) − y
    result = runner.invoke(app, ["explain", str(path), "--carry", carry, "--format", "json"])
    assert result.exit_code == 0, result.output
    notes = json.loads(result.stdout).get("notes", {})
    if carry == "exact":
        assert notes == {} and all(q.note is None for q in d.quantities.values())
        return
    first = "C" if y == 0 else "dC/dO0"  # where a log or a division first needs O0's digits
    assert notes[first].startswith("O0 = 0.999954602 carried at 9 decimals: at 4 decimals 1 − O0")
    assert d[first].note == notes[first]
    assert "kept at 9 decimals" in notes["dO0/dz0"]  # O0·(1 − O0) = 0.000045396, not 0.0000
    assert d["dO0/dz0"].value == Decimal("0.000045396")
    if y == 1:  # the (1 − y)·log(1 − O0) term is 0 however O0 rounds: dropped, not refused
        assert d["C"].value == 0 and d["C"].note is None


def test_a_rounded_zero_is_not_dropped_as_if_it_were_a_target(tmp_path: Path) -> None:
    """(O0 − y)/(O0·(1 − O0)) with y = 1: O0 − y rounds to 0 but is not exactly 0 (the true
    value is −1/O0); only zeros the file gives drop a term."""
    d = derive(load_network(_file(tmp_path, SATURATED.format(y=1))), carry="rounded")
    assert d["dC/dO0"].value == Decimal("-1.0000")


def test_a_true_log_of_zero_by_hand_is_still_one_line(tmp_path: Path) -> None:
    text = SATURATED.format(y=0).replace("sigmoid", "linear").replace("10.0", "1.0")
    result = runner.invoke(app, ["explain", str(_file(tmp_path, text)), "--carry", "rounded"])
    assert result.exit_code == 2 and "log of" in result.output and "\n" not in result.output[:-1]


def test_the_carried_note_reaches_latex_and_markdown(tmp_path: Path) -> None:
    from derive.render.document.latex import render as latex
    from derive.render.explain import explain_output

    d = derive(load_network(_file(tmp_path, SATURATED.format(y=0))), carry="rounded")
    assert "carried at 9 decimals" in latex(d, standalone=False)
    assert "carried at 9 decimals" in explain_output(d, fmt="markdown")


def test_softmax_with_logits_800_apart_has_its_true_cost(tmp_path: Path) -> None:
    """O1 = e^(−1600) is 0.0 in float64: 0·log(O1) and y1/O1 (y1 = 0) are evaluated again
    over the file's numbers, where the zero target drops them; C = log(1 + e^(−1600))."""
    text = SOFTMAX.replace("[[1.0e+4, 0.0], [0.0, 1.0e+4]]", "[[800, 0], [-800, 0]]")
    d = derive(load_network(_file(tmp_path, text)))
    assert d["O1"].value == 0.0 and d["C"].value == 0.0
    assert d["dC/dw0"].value == 0.0 and all(math.isfinite(v) for v in d.values().values())


def test_a_sum_that_is_exactly_zero_is_not_refused(tmp_path: Path) -> None:
    """Softmax's ∂C/∂z_j sum to Σy·(Σa − 1) = 0, so a bias shared by the layer has gradient 0:
    evalf cannot tell it from 0 at any precision, and the float sum that cancelled stands."""
    text = """
layers:
  - size: 3
  - size: 3
    activation: softmax
    weights: [[-0.181, 0, 0], [0, 0, 0], [0, 0, 0]]
    biases: 0.0
examples: [{input: [0.433, 0, 0], target: [0.7, 0.89, 0.5]}]
cost: cross_entropy
"""
    d = derive(load_network(_file(tmp_path, text)))
    assert abs(d["dC/db0"].value) < 1e-15


def test_a_sum_that_is_exactly_zero_is_not_chased_to_5000_digits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A shared bias on a softmax layer with cross-entropy: Σ_j ∂C/∂z_j = Σy − Σy is exactly 0,
    which the float sum cannot show and evalf cannot resolve. Past the digits a float can hold
    the float sum stands, without the climb to MAX_DIGITS (seconds a step)."""
    from derive.numbers import arithmetic
    from derive.spec.network import Activation, Example, Layer, Network

    asked: list[int] = []
    evalf = sp.Expr.evalf

    def recording(self: sp.Expr, *args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("maxn", 0))
        return evalf(self, *args, **kwargs)

    monkeypatch.setattr(sp.Expr, "evalf", recording)
    weights = ((0.25, -1.0), (0.5, 0.75), (-0.5, 1.25))
    layer = Layer(3, Activation("softmax"), weights, (0.1,), shared_bias=True)
    examples = (Example((-1.336, -0.46), (0.68, 0.95, 0.2)), Example((1.5, 0.0), (0.87, 0.1, 0.2)))
    d = derive(Network("zero", 2, (layer,), examples, "cross_entropy"))
    assert abs(d["dC/db0"].value) < 1e-15
    assert asked and max(asked) <= arithmetic.FLOAT_SPAN < arithmetic.MAX_DIGITS
