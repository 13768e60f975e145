"""``--chain``: every gradient as the product along each path, on one line, with the numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derive import derive, load_network
from derive.cli.app import app
from derive.derivation.graph import gradient_chains
from derive.derivation.names import gradient
from derive.render.chainline import render
from derive.render.values import number_text

from .conftest import CASES, ROOT, Golden

NUMERIC = ["blog-2-3-1", "minibatch-2-2-1", "softmax-classifier", "tanh-2-2-1", "relu-2-2-1"]


def test_the_3blue1brown_chain_reads_as_the_lesson_writes_it() -> None:
    # the case's comment promises ∂C/∂w(L) = a(L−1)·σ'(z(L))·2(a(L) − y)
    text = render(derive(load_network(CASES / "3b1b-chain.yaml")), only="dC/dw(L)")
    assert (
        "∂C/∂w(L) = ∂z(L)/∂w(L) · ∂a(L)/∂z(L) · ∂C/∂a(L) = a(L-1) · σ'(z(L)) · 2 · (a(L) - y)"
        " (step 4)"
    ) in text.splitlines()


def test_the_medium_chain_prints_the_five_factors() -> None:
    # the case's comment: ∂C/∂w1 = ∂C/∂A2·∂A2/∂z2·∂z2/∂A1·∂A1/∂z1·∂z1/∂w1, with the numbers of
    # its values: beside the symbols
    lines = render(derive(load_network(CASES / "medium-chain.yaml")), only="dC/dw1").splitlines()
    assert lines[3] == (
        "∂C/∂w1 = ∂z1/∂w1 · ∂A1/∂z1 · ∂z2/∂A1 · ∂A2/∂z2 · ∂C/∂A2 = x · σ'(z1) · w2 · σ'(z2) · 2 · "
        "(A2 - y)"
    )
    assert lines[4] == "       = 2 · 0.1966 · (-1.2) · 0.2075 · (-1.4125) = 0.1383 (step 8)"


@pytest.mark.parametrize("case", NUMERIC)
def test_every_gradient_is_its_paths_multiplied_out(case: str) -> None:
    """Each printed product of the numbers (one path) or sum (several) is the step's value."""
    d = derive(load_network(CASES / f"{case}.yaml"))
    text = render(d)
    for param in d.parameters:
        for chain in gradient_chains(d, param):
            value = number_text(d[chain.gradient].value, d.decimals)
            name = re.escape(chain.gradient.replace("dC/d", "∂C/∂"))
            block = re.search(rf"^{name} = .*?(?=\n\n|\Z)", text, re.M | re.S)
            assert block is not None, chain.gradient
            lines = block.group(0).splitlines()
            paths = chain.count()
            if paths == 1:
                assert lines[1].rsplit(" = ", 1)[1].split(" (step")[0] == value
            else:
                assert f"the sum over {paths} paths" in lines[0]
                assert lines[-1].startswith(f"  sum = {value}")
                # a path line per path (up to the cap) and its numbers under it
                assert sum(line.startswith("  path ") for line in lines) == min(paths, 12)


def test_only_chooses_gradients_and_a_wrong_choice_is_one_line() -> None:
    d = derive(load_network(CASES / "blog-2-3-1.yaml"))
    text = render(d, only="dC/dw6,b3")
    assert [line.split(" =")[0] for line in text.splitlines() if line.startswith("∂")] == [
        "∂C/∂w6",
        "∂C/∂b3",
    ]
    result = CliRunner().invoke(
        app, ["explain", str(CASES / "blog-2-3-1.yaml"), "--chain", "--only", "O3"]
    )
    assert result.exit_code == 2
    assert result.output.startswith("derive: error: --only 'O3' matches no gradient")


def test_a_large_network_lists_the_first_gradients() -> None:
    d = derive(load_network(CASES / "3b1b-784-16-16-10.yaml"))
    text = render(d, only="dC/dw4_3_*")
    assert "∂C/∂w4_3_1 = ∂z4_3/∂w4_3_1 · ∂a4_3/∂z4_3 · ∂C/∂a4_3" in text
    first = render(d, only="dC/dw2_1_1")
    assert "the sum over 160 paths" in first and "… 148 more paths" in first
    assert gradient("w2_1_1") in d


def test_chain_golden(golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    for case, only in (
        ("blog-2-3-1", None),
        ("3b1b-chain", None),
        ("medium-chain", None),
        ("softmax-classifier", "dC/dw1,dC/db3"),
        ("minibatch-2-2-1", "dC/dw5"),
    ):
        d = derive(load_network(Path("cases") / f"{case}.yaml"))
        golden.check(f"explain/chain/{case}.txt", render(d, only=only))


def test_no_coefficient_one_is_shown() -> None:
    # η·2 = 1 in medium-chain's update: w1 - A1 · …, never w1 - 1 · A1 · …
    d = derive(load_network(CASES / "medium-chain.yaml"))
    assert number_text(d["new_w2"].value, 4) == "w2 - A1 · A2 · (1 - A2) · (A2 - y)"
    assert number_text(d["z1"].value * 1.0, 4) == "w1 · x"
