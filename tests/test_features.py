"""Features published worked examples use: one shared bias per layer, frozen parameters,
gradients with respect to the inputs, cost: none, L2 regularization and momentum.

Oracles: the figures printed in Matt Mazur's step-by-step example, Karpathy's micrograd lecture
and the CS231n notes; the NumPy trainer; finite differences of the NumPy cost.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from derive import derive, load_network
from derive.cli import app
from derive.derivation.quantity import REGULARIZATION, UPDATE
from derive.errors import InputError
from derive.grade.answers import answers_from_text
from derive.grade.checker import Checker
from derive.spec.load import network_from_data
from derive.spec.network import Layer, Network
from derive.spec.reader import parse_yaml
from derive.spec.write import to_yaml
from derive.train.backprop import cost, gradients, step
from derive.train.data import examples
from derive.train.model import model_from_network
from derive.verify import verify

from .conftest import CASES

runner = CliRunner()
MAZUR = CASES / "mazur-2-2-2.yaml"
MICROGRAD = CASES / "micrograd-neuron.yaml"
CS231N = CASES / "cs231n-neuron.yaml"
NIELSEN = CASES / "nielsen-l2-momentum.yaml"


def printed(value: object, digits: int) -> float:
    return round(float(value), digits)  # type: ignore[arg-type]


def from_text(text: str, name: str = "net.yaml") -> object:
    return network_from_data(parse_yaml(text, name), source=name, text=text)


# one shared bias per layer


def test_mazur_first_pass_to_his_printed_digits() -> None:
    d = derive(load_network(MAZUR))
    assert printed(d["C"].value, 9) == 0.298371109
    assert printed(d["O3"].value, 8) == 0.75136507
    assert printed(d["dC/dw5"].value, 9) == 0.082167041
    assert printed(d["new_w5"].value, 8) == 0.35891648
    assert printed(d["new_w1"].value, 9) == 0.149780716


def test_a_shared_bias_is_one_parameter_whose_gradient_sums_the_layer() -> None:
    d = derive(load_network(MAZUR))
    assert d.parameters == ("w1", "w2", "w3", "w4", "b1", "w5", "w6", "w7", "w8", "b2")
    for bias, zs in (("b1", ("z1", "z2")), ("b2", ("z3", "z4"))):
        assert d[f"dC/d{bias}"].value == pytest.approx(sum(d[f"dC/d{z}"].value for z in zs))
        assert d[f"dC/d{bias}"].step is not None  # its own step, not an alias of one ∂C/∂z
    model = model_from_network(load_network(MAZUR))
    x, y = examples(load_network(MAZUR))
    numpy_b = [float(gb[0]) for _, gb in gradients(model, x, y)]  # type: ignore[index]
    assert [d["dC/db1"].value, d["dC/db2"].value] == pytest.approx(numpy_b, rel=1e-12)


def test_shared_bias_names_per_notation_and_a_round_trip() -> None:
    layered = MAZUR.read_text().replace("{style: flat, start: 1}", "{style: layered, start: 1}")
    d = derive(from_text(layered))  # type: ignore[arg-type]
    assert {"b2", "b3"} <= set(d.parameters)
    network = load_network(MAZUR)
    again = from_text(to_yaml(network))
    assert again.layers == network.layers  # type: ignore[attr-defined]
    assert "biases: 0.35" in to_yaml(network)


def test_verify_agrees_on_every_new_case() -> None:
    for path in (MAZUR, MICROGRAD, CS231N, NIELSEN):
        report = verify(load_network(path), steps=3)
        assert report.ok, (path.name, report.disagreeing)


# frozen parameters


def test_frozen_parameters_get_no_update() -> None:
    d = derive(load_network(MAZUR))
    assert d.frozen == {"b1", "b2"}
    assert "new_b1" not in d and "new_b2" not in d
    assert {q.name for q in d.section(UPDATE)} == {f"new_w{i}" for i in range(1, 9)}


@pytest.mark.parametrize(
    ("freeze", "frozen"),
    [("[w1*]", {"w1"}), ("[w5, 'w?']", {f"w{i}" for i in range(1, 9)}), ("weights", None)],
)
def test_freeze_by_name_glob_or_kind(freeze: str, frozen: set[str] | None) -> None:
    text = MAZUR.read_text().replace("freeze: [biases]", f"freeze: {freeze}")
    d = derive(from_text(text))  # type: ignore[arg-type]
    assert d.frozen == (frozen or {f"w{i}" for i in range(1, 9)})


def test_mazur_trained_9999_times_gives_his_error(tmp_path: Path) -> None:
    """Mazur: "after repeating this process 10,000 times ... the error plummets to
    0.0000351085". His loop prints the error before each update, so it is the error after
    9,999 updates (after 10,000 it is 0.0000351019): derive train --epochs 9999."""
    out = tmp_path / "trained.yaml"
    args = ["train", str(MAZUR), "--epochs", "9999", "--batch-size", "1", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    trained = load_network(out)
    assert [layer.biases for layer in trained.layers] == [(0.35,), (0.6,)]  # frozen
    assert printed(derive(trained)["C"].value, 10) == 0.0000351085


def test_a_freeze_pattern_that_names_nothing_is_refused() -> None:
    text = MAZUR.read_text().replace("freeze: [biases]", "freeze: [v*]")
    with pytest.raises(InputError, match=r"freeze\[0\].*names no parameter"):
        from_text(text)


# gradients with respect to the inputs


def test_micrograd_and_cs231n_input_gradients() -> None:
    d = derive(load_network(MICROGRAD), wrt_inputs=True)
    assert printed(d["C"].value, 4) == 0.7071
    assert [printed(d[n].value, 4) for n in ("dC/dw1", "dC/dw2", "dC/dx1", "dC/dx2")] == [
        1.0,
        0.0,
        -1.5,
        0.5,
    ]
    d = derive(load_network(CS231N), wrt_inputs=True)
    values = [printed(d[n].value, 2) for n in ("dC/dw0", "dC/dw1", "dC/db0", "dC/dx0", "dC/dx1")]
    assert values == [-0.20, -0.39, 0.20, 0.39, -0.59]
    assert "dC/dx0" not in derive(load_network(CS231N))  # only when asked


def test_input_gradients_match_finite_differences_per_example() -> None:
    network = load_network(CASES / "minibatch-2-2-1.yaml")
    d = derive(network, wrt_inputs=True)
    model = model_from_network(network)
    x, y = examples(network)
    h = 1e-6
    for e in range(x.shape[1]):
        for k in range(x.shape[0]):
            up, down = x[:, e : e + 1].copy(), x[:, e : e + 1].copy()
            up[k] += h
            down[k] -= h
            fd = (cost(model, up, y[:, e : e + 1]) - cost(model, down, y[:, e : e + 1])) / (2 * h)
            name = f"dC/dx{k + network.notation.start}[{e + 1}]"
            assert float(d[name].value) == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_the_checker_knows_input_gradients() -> None:
    checker = Checker(load_network(CS231N))
    text = "answers:\n  dC/dx0: 0.3932\n  dC/dx1: 0.5898\n"
    sheet = answers_from_text(text, source="a.yaml", default_student="a")
    verdicts = {r.quantity: r.verdict for r in checker.check(sheet).results}
    assert verdicts == {"dC/dx0": "correct", "dC/dx1": "wrong"}


def test_explain_wrt_inputs_on_the_command_line() -> None:
    result = runner.invoke(app, ["explain", str(CS231N), "--wrt-inputs", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"dC/dx1": -0.589' in result.output


# cost: none


def test_cost_none_is_the_output_itself() -> None:
    d = derive(load_network(MICROGRAD))
    assert d["C"].value == d["O1"].value
    assert d["dC/dO1"].value == 1
    assert any("cost: none" in note for note in d.assumptions)


def test_cost_none_with_two_outputs_is_refused_in_one_line(tmp_path: Path) -> None:
    text = MAZUR.read_text().replace("cost: half_squared_error", "cost: none")
    text = text.replace("target: [0.01, 0.99]", "target: []").replace(", target: []", "")
    path = tmp_path / "two.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["explain", str(path)])
    assert result.exit_code == 2
    assert "cost: none backpropagates from one output" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cost_none_takes_no_targets_and_no_training() -> None:
    text = MICROGRAD.read_text().replace("input: [2.0, 0.0]}", "input: [2.0, 0.0], target: [1]}")
    with pytest.raises(InputError, match="unknown key 'target'"):
        from_text(text)
    result = runner.invoke(app, ["train", str(MICROGRAD), "--epochs", "1"])
    assert result.exit_code == 2
    assert "nothing to minimize" in result.output


# regularization


def test_l2_adds_its_own_step_and_penalizes_weights_only() -> None:
    network = load_network(NIELSEN)
    d = derive(network)
    steps = d.section(REGULARIZATION)
    assert [q.name for q in steps] == [f"dC/dw{i}" for i in range(1, 7)]
    assert all(q.step is not None for q in steps)
    assert d["dC/dw5"].value == pytest.approx(d["dC0/dw5"].value + 0.1 * 0.5)
    assert d["dC/db3"].value == d["dC/dz3"].value  # biases are not penalized
    weights = [0.1, -0.2, 0.4, 0.3, 0.5, -0.6]
    assert d["C"].value == pytest.approx(d["C0"].value + 0.05 * sum(w * w for w in weights))
    # the trainer's cost includes the penalty, and its finite differences give ∂C/∂w
    model = model_from_network(network)
    x, y = examples(network)
    assert cost(model, x, y) == pytest.approx(float(d["C"].value), rel=1e-12)


# momentum


def test_momentum_step_from_given_velocities() -> None:
    d = derive(load_network(NIELSEN))
    g = float(d["dC/dw5"].value)
    assert float(d["new_v_w5"].value) == pytest.approx(0.9 * 0.02 - 0.5 * g)
    assert float(d["new_w5"].value) == pytest.approx(0.5 + float(d["new_v_w5"].value))
    assert float(d["new_v_w1"].value) == pytest.approx(-0.5 * float(d["dC/dw1"].value))
    assert d["v_w1"].value == 0


def test_the_trainer_takes_the_same_momentum_steps() -> None:
    network = load_network(NIELSEN)
    model = model_from_network(network)
    x, y = examples(network)
    current = network
    for _ in range(3):
        d = derive(current)
        step(model, x, y, 0.5)
        expected = [float(d[f"new_{p}"].value) for p in d.parameters]
        np.testing.assert_allclose(model.flat(), expected, rtol=1e-12)
        velocities = tuple((p, float(d[f"new_v_{p}"].value)) for p in d.parameters)
        current = replace(
            load_network(NIELSEN),
            layers=_with_params(current, expected),
            velocities=velocities,
        )


def _with_params(network: Network, flat: list[float]) -> tuple[Layer, ...]:
    from derive.train.weights import with_model

    model = model_from_network(network)
    return with_model(network, model.unflatten(np.array(flat))).layers


def test_train_writes_velocities_and_verify_catches_a_wrong_momentum(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "t.yaml"
    result = runner.invoke(app, ["train", str(NIELSEN), "--epochs", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "velocities:" in out.read_text()
    from derive.train import model as trainer_model

    real = trainer_model.model_from_network

    def slow(network: object) -> object:
        model = real(network)  # type: ignore[arg-type]
        model.momentum = 0.5  # not the file's 0.9
        return model

    monkeypatch.setattr("derive.verify.model_from_network", slow)
    assert not verify(load_network(NIELSEN), steps=2).ok


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("momentum: 0.9", "momentum: 1.5"), "momentum: expected a number from 0 up to"),
        (("momentum: 0.9 ", ""), "velocities need momentum"),
        (("{w5: 0.02,", "{w9: 0.02,"), "'w9' is not a parameter"),
        (("{l2: 0.1}", "{l1: 0.1}"), "unknown key 'l1'"),
        (("{l2: 0.1}", "{l2: -1}"), "expected a number ≥ 0"),
    ],
)
def test_bad_update_keys_are_one_clear_line(change: tuple[str, str], message: str) -> None:
    text = NIELSEN.read_text().replace(*change)
    assert text != NIELSEN.read_text()
    with pytest.raises(InputError, match=message):
        from_text(text)
