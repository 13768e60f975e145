"""The network figure in the typeset outputs: a tikzpicture in LaTeX, a Mermaid graph in
Markdown, both with every drawn neuron's value and every drawn weight."""

from __future__ import annotations

import re

import pytest

from derive.derivation.build import derive
from derive.derivation.graph import network_shape
from derive.render.document.latex import render as latex
from derive.render.document.markdown import render as markdown
from derive.render.pictures.labels import shown
from derive.spec.load import load_network

from .conftest import CASES


@pytest.mark.parametrize("case", ["blog-2-3-1", "softmax-classifier", "3b1b-784-16-16-10"])
def test_mermaid_has_every_drawn_neuron_and_weight(case: str) -> None:
    d = derive(load_network(CASES / f"{case}.yaml"))
    block = re.search(r"```mermaid\n(.*?)\n```", markdown(d), re.S)
    assert block is not None
    graph = block.group(1)
    shape = network_shape(d)
    for column in shape.columns:
        for n in column.neurons:
            assert f'(("{n.act} = {shown(d, n.act)}"))' in graph
        if column.hidden:
            assert f"⋮ {column.hidden} more" in graph
    for edge in shape.edges:
        assert f'-->|"{edge.weight} = {shown(d, edge.weight)}"|' in graph
    assert graph.count("-->") == len(shape.edges)


def test_latex_has_the_picture_scaled_to_the_line() -> None:
    d = derive(load_network(CASES / "blog-2-3-1.yaml"))
    tex = latex(d)
    assert "\\usepackage{tikz}" in tex and tex.count("\\begin{tikzpicture}") == 1
    assert "\\ifdim\\wd0>\\linewidth\\resizebox{\\linewidth}{!}{\\usebox0}" in tex


def test_one_gradients_derivation_comes_with_its_chain() -> None:
    d = derive(load_network(CASES / "blog-2-3-1.yaml"))
    chosen = markdown(d, only="dC/dw0")
    assert "The chain behind one gradient" in chosen
    assert '-->|"dO0/dz0 = 0.0508"|' in chosen and '-->|"dC/dO3 = -0.2755"|' in chosen
    assert "The chain behind one gradient" not in markdown(d)  # the whole derivation: no focus
    assert "The chain behind one gradient" not in markdown(d, only="dC/dw*")
    assert latex(d, only="dC/dw0").count("\\begin{tikzpicture}") == 2
