"""The digit network's story: output labels, the predicted class, the cost per output, and
examples drawn from the file's data (``examples: {from_data: K}``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from derive import derive, load_network
from derive.cli.app import app
from derive.derivation.quantity import Derivation
from derive.render.classes import outcomes
from derive.render.explain import explain_output
from derive.render.tables import as_text
from derive.spec.network import Network
from derive.train.backprop import costs, outputs
from derive.train.data import examples
from derive.train.model import model_from_network

from .conftest import CASES, Golden

DIGITS_784 = CASES / "3b1b-784-16-16-10.yaml"

SMALL = """\
title: 2-2-3 classifier
layers:
  - size: 2
  - size: 3
    activation: {activation}
    weights: [[0.1, 0.4], [-0.3, 0.2], [0.5, -0.6]]
    biases: [0.0, 0.1, -0.2]
{labels}
examples:
  - {{input: [1.0, 2.0], target: [0, 1, 0]}}
  - {{input: [-1.0, 0.5], target: [1, 0, 0]}}
cost: {cost}
"""


def _small(tmp_path: Path, *, labels: str = "", cost: str = "cross_entropy") -> Path:
    activation = "softmax" if cost == "cross_entropy" else "sigmoid"
    path = tmp_path / "small.yaml"
    path.write_text(SMALL.format(activation=activation, labels=labels, cost=cost))
    return path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def digit() -> Derivation:
    return derive(load_network(DIGITS_784))


def _numpy_argmax(network: Network) -> list[int]:
    """The trainer's forward pass, independent of the SymPy derivation."""
    x, _ = examples(network)
    return [int(k) for k in np.argmax(outputs(model_from_network(network), x), axis=0)]


def test_the_784_network_names_its_outputs_by_digit(digit: Derivation) -> None:
    text = as_text(explain_output(digit), width=120)
    assert "a4_3 (digit 2)" in text and "a4_10 (digit 9)" in text
    found = outcomes(digit)
    assert found is not None and len(found) == 1
    (o,) = found
    assert [o.predicted] == _numpy_argmax(digit.network)
    assert o.target == 2  # the file's target asks for the neuron of "2"
    predicted = f"a4_{o.predicted + 1} (digit {o.predicted})"
    assert f"Predicted class: {predicted}, the output that fires most" in text
    assert "the target is a4_3 (digit 2)" in text


def test_the_cost_per_output_is_each_outputs_share_and_sums_to_c(digit: Derivation) -> None:
    (o,) = outcomes(digit) or []
    x, y = examples(digit.network)
    a = outputs(model_from_network(digit.network), x)[:, 0]
    assert o.terms is not None
    assert np.allclose(o.terms, (a - y[:, 0]) ** 2, rtol=1e-9)  # squared_error, output by output
    assert sum(o.terms) == pytest.approx(float(digit["C"].value), rel=1e-12)


@pytest.mark.parametrize("cost", ["cross_entropy", "binary_cross_entropy", "mse"])
def test_every_cost_splits_into_its_outputs(tmp_path: Path, cost: str) -> None:
    network = load_network(_small(tmp_path, cost=cost))
    d = derive(network)
    found = outcomes(d)
    assert found is not None
    x, y = examples(network)
    model = model_from_network(network)
    oracle = costs(model, x, y)  # the trainer's cost per example
    for o, expected, predicted in zip(found, oracle, _numpy_argmax(network), strict=True):
        assert o.terms is not None and sum(o.terms) == pytest.approx(expected, rel=1e-9)
        assert o.predicted == predicted


def test_labels_as_text_and_the_plain_word(tmp_path: Path) -> None:
    path = _small(tmp_path, labels="labels: [cat, dog, bird]")
    text = as_text(explain_output(derive(load_network(path))), width=120)
    assert "O0[1] (label cat)" in text and "O1[1] (label dog)" in text


def test_a_network_that_is_no_classifier_tells_no_story() -> None:
    d = derive(load_network(CASES / "blog-2-3-1.yaml"))  # one output: a regression
    assert outcomes(d) is None
    assert "Outputs as classes" not in as_text(explain_output(d), width=120)


def test_the_mini_batch_says_what_sgd_does(tmp_path: Path, golden: Golden) -> None:
    network = load_network(_small(tmp_path))
    d = derive(network)
    text = as_text(explain_output(d), width=120)
    story = text[text.index("Examples as classes") : text.index("Backward pass")]
    assert "C = (1/m) Σₓ Cₓ = (1/2) · (" in story
    assert "∂C/∂w = (1/m) Σₓ ∂Cₓ/∂w" in story
    found = outcomes(d) or []
    assert [o.predicted for o in found] == _numpy_argmax(network)
    golden.check("explain/classes/mini-batch.txt", story)


@pytest.mark.parametrize(
    ("labels", "problem"),
    [
        ("labels: [0, 1]", "labels: expected 3 labels (one per output neuron), got 2"),
        ("labels: [0, 1, 1]", "labels[2]: label '1' given twice; labels must differ"),
        (
            "labels: [yes, no, maybe]",
            "labels[0]: got true: a label that reads as true needs quotes",
        ),
        ("labels: [0, [1], 2]", "labels[1]: expected a number or a short text, got '[1]'"),
        ("labels: {kind: 7, values: [0, 1, 2]}", "labels.kind: expected a word"),
        ("labels: {values: [a, b, c], name: x}", "labels.name: unknown key 'name'"),
    ],
)
def test_bad_labels_are_one_line(tmp_path: Path, labels: str, problem: str) -> None:
    code, output = _run("explain", str(_small(tmp_path, labels=labels)))
    assert code == 2
    (line,) = output.strip().splitlines()
    assert problem in line and line.startswith("derive: error: ")


DATA_NET = """\
title: from data
layers:
  - size: 3
  - size: 2
    activation: softmax
    weights: [[0.1, 0.4, -0.2], [-0.3, 0.2, 0.5]]
    biases: [0.0, 0.1]
labels: {{kind: class, values: ["no", "yes"]}}
data: {{csv: rows.csv, target_columns: [n, y]}}
examples: {{from_data: {rows}}}
cost: cross_entropy
"""
CSV = "a,b,c,n,y\n0.5,1,2,1,0\n3,-1,0.25,0,1\n7,8,9,1,0\n"


def _data_net(tmp_path: Path, rows: str) -> Path:
    (tmp_path / "rows.csv").write_text(CSV)
    path = tmp_path / "net.yaml"
    path.write_text(DATA_NET.format(rows=rows))
    return path


def test_from_data_rows_are_the_csv_rows(tmp_path: Path) -> None:
    one = load_network(_data_net(tmp_path, "1"))
    assert [(e.input, e.target) for e in one.examples] == [((3.0, -1.0, 0.25), (0.0, 1.0))]
    batch = load_network(_data_net(tmp_path, "[2, 0]"))
    assert [e.input for e in batch.examples] == [(7.0, 8.0, 9.0), (0.5, 1.0, 2.0)]
    assert [e.target for e in batch.examples] == [(1.0, 0.0), (1.0, 0.0)]
    text = as_text(explain_output(derive(batch)), width=120)
    assert "O0[1] (class no)" in text and "C = (1/m) Σₓ Cₓ = (1/2)" in text


def test_a_data_file_without_examples_is_told_of_from_data(tmp_path: Path) -> None:
    """derive train writes ``examples: []`` for a network trained from data: alone; explaining
    it names the key that takes a row of the data."""
    path = _data_net(tmp_path, "1")
    path.write_text(path.read_text().replace("examples: {from_data: 1}", "examples: []"))
    code, out = _run("explain", str(path))
    assert code == 2 and len(out.strip().splitlines()) == 1
    assert "has no examples" in out and "examples: {from_data: 0}" in out


def test_from_data_draws_the_builtin_digits(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_digits

    path = tmp_path / "digits.yaml"
    zeros = str([[0.0] * 64] * 10)
    layers = f"[{{size: 64}}, {{size: 10, activation: softmax, weights: {zeros}, biases: zeros}}]"
    data = "data: {builtin: digits}\nexamples: {from_data: [5, 1796]}\n"
    path.write_text(f"layers: {layers}\n{data}cost: cross_entropy\n")
    network = load_network(path)
    bunch = load_digits()
    for e, k in zip(network.examples, (5, 1796), strict=True):
        assert e.input == tuple(float(v) / 16.0 for v in bunch.data[k])
        assert e.target.index(1.0) == bunch.target[k]


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ("3", "examples.from_data: row 3 is past the data's 3 rows (0 to 2)"),
        ("[0, 9]", "examples.from_data[1]: row 9 is past the data's 3 rows (0 to 2)"),
        ("-1", "examples.from_data: expected a whole number ≥ 0, got '-1'"),
        ("[]", "examples.from_data: expected a row number or a list of row numbers"),
        ("x", "examples.from_data: expected a whole number ≥ 0, got 'x'"),
        ("[1, x]", "examples.from_data[1]: expected a whole number ≥ 0, got 'x'"),
    ],
)
def test_a_bad_row_is_one_line(tmp_path: Path, rows: str, problem: str) -> None:
    code, output = _run("explain", str(_data_net(tmp_path, rows)))
    assert code == 2
    (line,) = output.strip().splitlines()
    assert problem in line and line.startswith("derive: error: ")


def test_from_data_without_data_or_of_the_wrong_width_is_one_line(tmp_path: Path) -> None:
    path = _data_net(tmp_path, "0")
    path.write_text(path.read_text().replace("data: {csv: rows.csv, target_columns: [n, y]}", ""))
    code, output = _run("explain", str(path))
    assert code == 2 and "needs a data: key" in output and len(output.strip().splitlines()) == 1
    path = _data_net(tmp_path, "0")
    path.write_text(path.read_text().replace("target_columns: [n, y]", "target_columns: [y]"))
    code, output = _run("explain", str(path))
    assert code == 2 and "the data has 4 inputs and 1 targets a row" in output


def test_json_tells_the_classifier_story_too(digit: Derivation) -> None:
    from derive.render.jsonout import document

    doc = document(digit)
    (story,) = doc["classes"]
    outputs = story["outputs"]
    by_value = max(outputs, key=lambda o: o["value"])
    assert story["predicted"] == by_value["quantity"] == f"a4_{_numpy_argmax(digit.network)[0] + 1}"
    assert story["target"] == "a4_3" and outputs[2]["label"] == "digit 2"
    assert story["right"] is (story["predicted"] == "a4_3")
    assert [o["value"] for o in outputs] == [doc["values"][o["quantity"]] for o in outputs]
    assert sum(o["cost"] for o in outputs) == pytest.approx(doc["values"]["C"], rel=1e-12)
    assert "classes" not in document(derive(load_network(CASES / "blog-2-3-1.yaml")))
