"""Numbers at the edges and networks past the budgets: a right value, or one line and exit 2 —
never inf or NaN on the page with exit 0, never an internal error, never minutes of work."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest
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
    start = time.perf_counter()
    with pytest.raises(LimitError) as caught:
        load_network(path)
    assert time.perf_counter() - start < 5  # drawing 4e9 weights would take hours
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
