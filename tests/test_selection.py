"""--example K and --only choose the same quantities in every format (text, JSON, Markdown,
LaTeX); what each shows is checked against the Derivation's own step numbers and examples."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from derive.cli import app
from derive.derivation.build import derive
from derive.derivation.quantity import Derivation
from derive.spec.load import load_network

from .conftest import CASES

MINIBATCH = str(CASES / "minibatch-2-2-1.yaml")
runner = CliRunner()


@pytest.fixture(scope="module")
def d() -> Derivation:
    return derive(load_network(MINIBATCH))


def expected_steps(d: Derivation, example: int) -> set[int]:
    """Numbered steps of example K and of no one example (the average)."""
    return {q.step for q in d.steps if q.step is not None and q.example in (None, example)}


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("example", [1, 2, 3])
def test_markdown_example_numbers_exactly_that_examples_steps(d: Derivation, example: int) -> None:
    md = run("explain", MINIBATCH, "--format", "markdown", "--example", str(example))
    shown = {int(n) for n in re.findall(r"\*\*Step (\d+)\.\*\*", md)}
    assert shown == expected_steps(d, example)
    assert f"Shown: example {example} of 3" in md


@pytest.mark.parametrize("example", [1, 3])
def test_latex_example_tags_exactly_that_examples_steps(d: Derivation, example: int) -> None:
    tex = run("latex", MINIBATCH, "--example", str(example))
    shown = {int(n) for n in re.findall(r"\\tag\*\{\((\d+)\)\}", tex)}
    assert shown == expected_steps(d, example)
    assert tex.rstrip().endswith("\\end{document}")


def test_json_example_keeps_that_example_and_the_shared_quantities(d: Derivation) -> None:
    doc = json.loads(run("explain", MINIBATCH, "--format", "json", "--example", "2"))
    assert doc["example"] == 2
    examples = {q.name: q.example for q in d.quantities.values()}
    steps = {s["quantity"] for s in doc["steps"]}
    assert steps and {examples[s] for s in steps} <= {None, 2}
    assert {q.name for q in d.steps if q.example == 2} <= steps
    assert all(examples[name] in (None, 2) for name in doc["values"] if name in examples)


def test_only_and_example_together_in_text(d: Derivation) -> None:
    text = run("explain", MINIBATCH, "--only", "dC/dw5*", "--example", "2", "--width", "200")
    rows = dict(re.findall(r"^\s+(\d+)\s+(\S+)", text, flags=re.MULTILINE))
    # example 2's own step and the average over the examples, which every example feeds
    assert rows == {str(d["dC/dw5[2]"].step): "∂C/∂w5[2]", str(d["dC/dw5"].step): "∂C/∂w5"}


def test_only_takes_brackets_literally(d: Derivation) -> None:
    text = run("explain", MINIBATCH, "--only", "dC/dw5[3]", "--width", "200")
    rows = dict(re.findall(r"^\s+(\d+)\s+(\S+)", text, flags=re.MULTILINE))
    assert rows == {str(d["dC/dw5[3]"].step): "∂C/∂w5[3]"}


def test_only_in_markdown_derives_the_chosen_step(d: Derivation) -> None:
    md = run("explain", MINIBATCH, "--format", "markdown", "--only", "dC/dw5")
    shown = {int(n) for n in re.findall(r"\*\*Step (\d+)\.\*\*", md)}
    assert d["dC/dw5"].step in shown
    assert d["dC/dw1"].step not in shown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain", MINIBATCH, "--example", "4"], "--example must be between 1 and 3, not 4"),
        (["latex", MINIBATCH, "--example", "0"], "--example must be between 1 and 3, not 0"),
        (
            ["explain", MINIBATCH, "--example", "2", "--view", "matrix"],
            "--view matrix puts every example side by side; leave out --example",
        ),
        (
            ["explain", MINIBATCH, "--example", "2", "--only", "dC/dw5[1]", "--format", "json"],
            "--only 'dC/dw5[1]' matches nothing in example 2",
        ),
        (
            ["latex", MINIBATCH, "--example", "2", "--only", "dC/dw5[1]"],
            "--only 'dC/dw5[1]' matches nothing in example 2",
        ),
    ],
)
def test_bad_choices_are_one_line_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"derive: error: {message}"]
