"""Parameters not written out: seeded init, .npy/.npz files, example inputs from files, data:."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from derive import load_network
from derive.cli import app
from derive.errors import InputError

from .conftest import CASES

NET = """
init: {kind: KIND, seed: 7, scale: 0.5}
layers:
  - size: 3
  - size: 2
    activation: tanh
    weights: WEIGHTS
    biases: BIASES
examples:
  - {input: [1, 2, 3], target: [0.5, -0.5]}
cost: mse
"""


def write(
    tmp_path: Path, *, kind: str = "normal", weights: str = "init", biases: str = "init"
) -> Path:
    path = tmp_path / "net.yaml"
    text = NET.replace("KIND", kind).replace("WEIGHTS", weights).replace("BIASES", biases)
    path.write_text(text)
    return path


def flat(path: Path) -> list[float]:
    layer = load_network(path).layer(1)
    return [float(w) for row in layer.weights for w in row] + [float(b) for b in layer.biases or ()]


def test_init_is_reproducible_and_seeded(tmp_path: Path) -> None:
    first = flat(write(tmp_path))
    assert first == flat(write(tmp_path))
    assert len(set(first)) == 8
    uniform = flat(write(tmp_path, kind="uniform"))
    assert all(-0.5 <= v <= 0.5 for v in uniform) and uniform != first
    zeros = flat(write(tmp_path, biases="zeros"))
    assert zeros[-2:] == [0.0, 0.0]


def test_weights_from_npz_and_npy(tmp_path: Path) -> None:
    w = np.arange(6, dtype=float).reshape(2, 3) / 10
    np.savez(tmp_path / "w.npz", W2=w)
    np.save(tmp_path / "b.npy", np.array([0.1, 0.2]))
    path = write(tmp_path, weights="{file: w.npz, key: W2}", biases="{file: b.npy}")
    assert flat(path) == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.1, 0.2])


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ("{file: missing.npz}", "no such file"),
        ("{file: w.npz, key: nope}", "name one with key"),
        ("{file: wrong.npy}", "expected an array of shape (2, 3)"),
        ("{file: w.txt}", "expected a .npy or .npz file name"),
        ("{init: 1}", "unknown key 'init'"),
        ("random", "expected a list, 'init'"),
    ],
)
def test_bad_parameter_sources(tmp_path: Path, weights: str, message: str) -> None:
    np.savez(tmp_path / "w.npz", W2=np.zeros((2, 3)))
    np.save(tmp_path / "wrong.npy", np.zeros((3, 2)))
    result = CliRunner().invoke(app, ["explain", str(write(tmp_path, weights=weights))])
    assert result.exit_code == 2
    assert message in result.output and "layers[1].weights" in result.output


def test_init_needed_for_init_weights(tmp_path: Path) -> None:
    path = tmp_path / "n.yaml"
    path.write_text(
        NET.replace("init: {kind: KIND, seed: 7, scale: 0.5}\n", "")
        .replace("WEIGHTS", "init")
        .replace("BIASES", "[0, 0]")
    )
    with pytest.raises(InputError, match="needs a top-level init"):
        load_network(path)


def test_the_digit_network_of_seed_002() -> None:
    net = load_network(CASES / "3b1b-784-16-16-10.yaml")
    assert net.sizes == (784, 16, 16, 10) and net.parameter_count == 13_002
    assert len(net.examples[0].input) == 784 and max(net.examples[0].input) == 1.0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{builtin: mnist}", "unknown data set"),
        ("{csv: d.csv}", "target_columns"),
        ("{csv: d.csv, builtin: digits}", "exactly one of"),
        ("{builtin: digits, test_fraction: 1.5}", "expected 0 ≤ fraction < 1"),
    ],
)
def test_bad_data_specs(tmp_path: Path, data: str, message: str) -> None:
    path = tmp_path / "n.yaml"
    path.write_text(
        write(tmp_path, weights="[[1, 2, 3], [4, 5, 6]]", biases="[0, 0]").read_text()
        + f"data: {data}\n"
    )
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        load_network(path)


def test_data_spec_resolves_the_csv_path(tmp_path: Path) -> None:
    path = tmp_path / "n.yaml"
    text = write(tmp_path, weights="[[1, 2, 3], [4, 5, 6]]", biases="[0, 0]").read_text()
    path.write_text(text + "data: {csv: d.csv, target_columns: [t1, t2]}\n")
    spec = load_network(path).data
    assert spec is not None and spec.csv == str(tmp_path / "d.csv")
    assert spec.target_columns == ("t1", "t2") and spec.test_fraction == 0.2
