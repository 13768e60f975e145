"""derive explain --tree: the chain behind one gradient as a terminal tree."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from derive.cli import app
from derive.derivation.build import derive
from derive.derivation.graph import gradient_chains
from derive.render.tables import as_text
from derive.render.tree import chain_tree
from derive.render.values import number_text, value_text
from derive.spec.load import load_network

from .conftest import CASES

runner = CliRunner()


@pytest.mark.parametrize("case", ["blog-2-3-1", "softmax-classifier", "tanh-2-2-1"])
def test_every_branch_and_the_total_are_shown(case: str) -> None:
    d = derive(load_network(CASES / f"{case}.yaml"))
    for param in d.parameters:
        text = as_text(chain_tree(d, f"dC/d{param}"), width=200)
        head = text.splitlines()[0]
        assert head.startswith(f"∂C/∂{param} = {value_text(d[f'dC/d{param}'], d.decimals)}")
        for chain in gradient_chains(d, f"dC/d{param}"):
            assert f"{chain.count()} path" in head
            for edge in chain.edges:
                assert number_text(edge.value, d.decimals) in text


def test_one_tree_per_example_of_a_mini_batch() -> None:
    d = derive(load_network(CASES / "minibatch-2-2-1.yaml"))
    text = as_text(chain_tree(d, "dC/dw1"), width=200)
    for k in (1, 2, 3):
        assert f"∂C/∂w1[{k}] = {value_text(d[f'dC/dw1[{k}]'], d.decimals)}" in text


def test_the_cli_tree_and_its_errors() -> None:
    blog = str(CASES / "blog-2-3-1.yaml")
    result = runner.invoke(app, ["explain", blog, "--tree", "dC/dw0"])
    assert result.exit_code == 0 and "∂O0/∂z0 = O0 · (1 - O0) = 0.0508" in result.stdout
    wrong = runner.invoke(app, ["explain", blog, "--tree", "dC/dw0", "--format", "json"])
    assert wrong.exit_code == 2 and "--tree is text output" in wrong.output
    unknown = runner.invoke(app, ["explain", blog, "--tree", "dC/dq9"])
    assert unknown.exit_code == 2 and "not a parameter" in unknown.output
