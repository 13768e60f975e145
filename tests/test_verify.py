"""``derive verify``: three routes agree on good networks, and a wrong derivative is caught."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sympy as sp
from typer.testing import CliRunner

import derive.derivatives
import derive.train.backprop
import derive.train.model
import derive.verify.trajectory
from derive.cli import app
from derive.derivation.build import derive as derive_network
from derive.derivation.templates import literal
from derive.render.reports.verify import render
from derive.render.tables import as_text
from derive.spec.load import load_network
from derive.train.data import examples
from derive.train.model import model_from_network
from derive.train.stable import DELTAS, LOG_DOMAIN_NOTE, stable_gradients
from derive.verify import VerifyTolerance, finite_differences, verify

from .conftest import CASES
from .test_trainer import COMBOS, network_file, one_weight

runner = CliRunner()
BLOG = str(CASES / "blog-2-3-1.yaml")


def test_blog_report_golden(golden: Any) -> None:
    report = verify(load_network(BLOG))
    assert report.ok
    assert [p.name for p in report.parameters][:2] == ["w0", "w1"]
    golden.check("verify/blog-2-3-1.txt", without_noise(as_text(render(report))))


def without_noise(report: str) -> str:
    """Round-off differences (1e-17, 3e-13, <1e-12, with the padding before them) and the
    digits past the 9th of a gradient depend on the floating-point library and the order of
    operations; the golden file keeps everything else."""
    report = re.sub(r" +<?\d(\.\d+)?e-1\d", "  ε", report)
    return re.sub(r"(\d\.\d{9})\d+", r"\1", report)


@pytest.mark.parametrize("combo", COMBOS, ids=lambda c: f"{c[1]}-{c[2]}")
def test_every_activation_and_cost_agrees(tmp_path: Path, combo: Any) -> None:
    hidden, out, cost_name, outputs = combo
    path = network_file(tmp_path, hidden=hidden, out=out, cost=cost_name, sizes=(2, 2, outputs))
    report = verify(load_network(path), steps=2)
    assert report.ok, report.disagreeing
    assert all(s.max_rel <= 1e-9 for s in report.trajectory)


def test_cli_exit_0_when_all_agree() -> None:
    result = runner.invoke(app, ["verify", BLOG, "--steps", "1"])
    assert result.exit_code == 0, result.output
    assert "All gradients agree (13 parameters)" in result.stdout


def _scaled(fn: Any, factor: float) -> Any:
    """A local-derivative function made wrong by a constant factor."""

    def wrong(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs) * factor

    return wrong


def test_wrong_numpy_derivative_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    right = derive.train.model.local_derivative
    monkeypatch.setattr(
        derive.train.model,
        "local_derivative",
        lambda name, slope, diagonal: _scaled(right(name, slope, diagonal), 1.001),
    )
    result = runner.invoke(app, ["verify", BLOG, "--steps", "1"])
    assert result.exit_code == 1
    assert "DISAGREE" in result.stdout
    report = verify(load_network(BLOG), steps=1)
    assert {"w0", "w6", "b3"} <= set(report.disagreeing)
    assert all(not p.ok for p in report.parameters)  # every gradient passes through σ'


def test_wrong_sympy_derivative_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    right = derive.derivatives.activation_derivative

    def wrong(name: str, slope: float, **names: Any) -> Any:
        expr = right(name, slope, **names)
        return literal(expr * sp.Rational(101, 100) if names["i_out"] == "O3" else expr)

    monkeypatch.setattr("derive.derivation.templates.local_derivative", wrong)
    report = verify(load_network(BLOG), steps=2)
    assert not report.ok
    bad = {p.name for p in report.parameters if not p.ok}
    assert bad == {p.name for p in report.parameters}  # O3's σ' feeds every gradient
    assert all(abs((p.fd or 0) - p.numpy) < 1e-8 for p in report.parameters)  # NumPy right
    assert report.trajectory[0].disagreeing


def test_wrong_update_is_caught_by_trajectory(monkeypatch: pytest.MonkeyPatch) -> None:
    right = derive.train.backprop.step
    monkeypatch.setattr(
        derive.verify.trajectory, "step", lambda model, x, y, lr: right(model, x, y, lr * 1.0001)
    )
    report = verify(load_network(BLOG), steps=2)
    assert all(p.ok for p in report.parameters)
    assert [bool(s.disagreeing) for s in report.trajectory] == [True, True]
    assert not report.ok


def test_tolerance_rules() -> None:
    tol = VerifyTolerance()
    assert tol.close(1.0, 1.0 + 5e-10) and not tol.close(1.0, 1.0 + 5e-9)
    assert tol.close(0.0, 1e-13) and not tol.close(0.0, 1e-11)
    assert tol.fd_close(1.0 + 5e-6, 1.0) and not tol.fd_close(1.0 + 5e-5, 1.0)


def test_symbol_without_value_is_verified_at_random_values(tmp_path: Path) -> None:
    """The one-weight example's w has no number: checked at seeded values and symbolically."""
    result = runner.invoke(app, ["verify", str(one_weight(tmp_path, "linear"))])
    assert result.exit_code == 0, result.output
    assert "Symbols at seeded random values: w = " in result.stdout


def test_symbol_with_value_is_verified(tmp_path: Path) -> None:
    path = one_weight(tmp_path, "linear", "learning_rate: eta_\nvalues: {w: 0.8, eta_: 0.1}\n")
    report = verify(load_network(path), steps=2)
    assert report.ok
    assert report.parameters[0].numpy == pytest.approx(4.5 * 0.8 - 1.5)


def test_learning_rate_without_a_value_is_drawn_too(tmp_path: Path) -> None:
    path = one_weight(tmp_path, "sigmoid", "learning_rate: eta_\nvalues: {w: 0.8}\n")
    report = verify(load_network(path), steps=2)
    assert report.ok, report.disagreeing
    assert "eta_ = " in report.notes[0] and "w = " not in report.notes[0]


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["verify", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr and "Traceback" not in result.output


def test_one_parameter_is_said_in_the_singular() -> None:
    out = runner.invoke(app, ["verify", str(CASES / "laan-1-1-1.yaml")]).stdout
    assert "The gradient agrees (1 parameter)" in " ".join(out.split())


def test_zero_steps_skips_the_trajectory(tmp_path: Path) -> None:
    path = network_file(tmp_path, hidden="tanh", out="sigmoid", cost="mse", sizes=(1, 1, 1))
    assert verify(load_network(path), steps=0).trajectory == ()
    result = runner.invoke(app, ["verify", str(path), "--steps", "0"])
    assert result.exit_code == 0 and "Gradient descent" not in result.stdout  # no empty table
    one = runner.invoke(app, ["verify", str(path), "--steps", "1"]).stdout
    assert "Gradient descent, 1 step:" in one


CHAIN = CASES / "3b1b-chain.yaml"


def test_a_network_that_keeps_symbols_is_verified_at_points_and_symbolically() -> None:
    report = verify(load_network(CHAIN), steps=1)
    assert report.ok, report.disagreeing
    assert "seeded random values" in report.notes[0] and "w(L) = " in report.notes[0]
    assert "simplifies to 0" in report.notes[1]
    result = runner.invoke(app, ["verify", str(CHAIN), "--steps", "1"])
    assert result.exit_code == 0 and "Symbolically" in result.stdout


def test_a_wrong_symbolic_derivative_is_caught_symbolically(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    right = derive.derivatives.activation_derivative

    def wrong(name: str, slope: float, **names: Any) -> Any:
        expr = right(name, slope, **names)
        return literal(expr * sp.Rational(101, 100) if names["i_out"] == "a(L)" else expr)

    monkeypatch.setattr("derive.derivation.templates.local_derivative", wrong)
    report = verify(load_network(CHAIN), steps=1)
    assert not report.ok
    assert {"w(L) (symbolic)", "b(L) (symbolic)"} <= set(report.disagreeing)


SATURATING = """
layers:
  - size: 1
  - size: {outputs}
    activation: {activation}
    weights: {weights}
examples: [{{input: [{x}], target: {target}}}]
cost: {cost}
learning_rate: {lr}
"""


def _saturating(
    tmp_path: Path, *, weights: str, target: str, x: float = 100, lr: float = 1e-4, **kw: Any
) -> Path:
    """One input of 100 (it multiplies the trainer's clipping error of 1e-12 in a − y past
    atol), and a sigmoid + binary cross-entropy output unless told otherwise."""
    fields = {"outputs": 1, "activation": "sigmoid", "cost": "binary_cross_entropy"} | kw
    path = tmp_path / "saturating.yaml"
    text = SATURATING.format(weights=weights, target=target, x=x, lr=lr, **fields)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("y", [0, 1])
@pytest.mark.parametrize("z", [30, 35, 40])
def test_a_saturated_sigmoid_with_cross_entropy_agrees(tmp_path: Path, z: int, y: int) -> None:
    path = _saturating(tmp_path, weights=f"[[{z / 100}]]", target=f"[{y}]")
    report = verify(load_network(path), steps=2)
    assert report.ok, report.disagreeing
    assert report.notes == (LOG_DOMAIN_NOTE,)  # the report says how it compared


@pytest.mark.parametrize("logit", [8, 800])
def test_softmax_with_logits_far_apart_agrees(tmp_path: Path, logit: int) -> None:
    path = _saturating(
        tmp_path,
        weights=f"[[{logit / 100}], [{-logit / 100}]]",
        target="[1, 0]",
        outputs=2,
        activation="softmax",
        cost="cross_entropy",
    )
    result = runner.invoke(app, ["verify", str(path)])
    assert result.exit_code == 0, result.output


def test_the_clipped_trainer_alone_would_disagree(tmp_path: Path) -> None:
    """Why verify compares in the log domain: σ(30) is within 1e-12 of 1, the trainer clips
    it, and its gradient and its cost's finite difference are then wrong; the log-domain ones
    agree with the chain rule."""
    net = load_network(_saturating(tmp_path, weights="[[0.3]]", target="[1]"))
    model = model_from_network(net)
    x, y = examples(net)
    chain_rule = derive_network(net)["dC/dw0"].value  # x·(σ(30) − 1) = −9.4e-12
    tol = VerifyTolerance()
    clipped = float(derive.train.backprop.gradients(model, x, y)[0][0][0, 0])
    assert not tol.close(clipped, chain_rule)
    assert tol.close(float(stable_gradients(model, x, y)[0][0][0, 0]), chain_rule)
    assert finite_differences(model, x, y, h=1e-5)[0] == pytest.approx(chain_rule, rel=1e-4)


def test_a_wrong_log_domain_delta_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _saturating(tmp_path, weights="[[0.3]]", target="[0]")
    key = ("sigmoid", "binary_cross_entropy")
    monkeypatch.setitem(DELTAS, key, _scaled(DELTAS[key], 1.001))
    report = verify(load_network(path), steps=0)
    assert report.disagreeing == ("w0",)
    assert abs((report.parameters[0].fd or 0) - report.parameters[0].sympy) < 1e-8  # FD right


def test_a_step_that_drives_an_output_past_evaluation_is_named(tmp_path: Path) -> None:
    """One step of η = 100000 takes w0 from 1 to 26895: σ(26895) is 1 to 11,680 digits."""
    path = _saturating(tmp_path, weights="[[1.0]]", target="[1]", x=1.0, lr=100000)
    result = runner.invoke(app, ["verify", str(path)])
    assert result.exit_code == 2
    line = result.output.strip()
    assert "\n" not in line and line.startswith("derive: error: --steps 3: ")
    assert "gradient-descent step 2 starts from w0 = 26895.1, where dC/dO0" in line
    assert str(path) not in line  # not a bad file: the file is fine
    assert runner.invoke(app, ["verify", str(path), "--steps", "1"]).exit_code == 0
