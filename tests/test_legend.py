"""The layered notation's legend (w^l_jk once, at the top), one layer numbering in explain,
verify and LaTeX, names of layers that never read as a neuron's, and given values shown at the
display's decimals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derive import derive, load_network
from derive.cli.app import app
from derive.render.document.latex import render as latex
from derive.render.document.markdown import render as markdown
from derive.render.explain import explain_output
from derive.render.tables import as_text
from derive.spec.notation import layer_label

from .conftest import CASES, Golden

NETWORKS = sorted(p for p in CASES.glob("*.yaml") if not p.name.endswith(".answers.yaml"))
SMALL = [p for p in NETWORKS if "784" not in p.name]
LEGEND = "w^l_jk  weight from neuron k of layer l−1 to neuron j of layer l"


def _text(path: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["explain", str(path), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_layered_output_explains_the_names_once(golden: Golden) -> None:
    text = as_text(explain_output(derive(load_network(CASES / "tanh-2-2-1.yaml"))), width=100)
    assert text.count("w^l_jk") == 1 and LEGEND in text
    assert "b^l_j" in text and "z^l_j" in text and "a^l_j" in text
    assert "layers counted from 1 (the input layer), neurons from 1" in text
    assert "w^2_11 is written w2_11" in text
    legend = text[text.index("Notation:") : text.index("Network")]
    golden.check("explain/legend/tanh-2-2-1.txt", legend)
    # the first weight the legend writes out is one the network has, under that very name
    assert "w2_11" in derive(load_network(CASES / "tanh-2-2-1.yaml"))


def test_the_784_summary_has_the_legend_with_its_wide_names() -> None:
    text = _text(CASES / "3b1b-784-16-16-10.yaml")
    assert LEGEND in text and "w^2_11 is written w2_1_1" in text


@pytest.mark.parametrize("case", ["blog-2-3-1", "3b1b-chain", "mazur-2-2-2"])
def test_flat_and_chain_output_has_no_legend(case: str) -> None:
    d = derive(load_network(CASES / f"{case}.yaml"))
    assert "w^l_jk" not in as_text(explain_output(d), width=120)
    assert "w^{l}_{jk}" not in latex(d) and "w^{l}_{jk}" not in markdown(d)


def test_latex_and_markdown_write_the_legend_as_math() -> None:
    d = derive(load_network(CASES / "tanh-2-2-1.yaml"))
    for document in (latex(d), markdown(d)):
        assert document.count("w^{l}_{jk}") == 1
        assert "weight from neuron k of layer l" in document
        assert "layers counted from 1 (the input layer), neurons from 1" in document


def _verify_layers(path: Path) -> list[str]:
    result = CliRunner().invoke(app, ["verify", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Largest differences"))
    rows = []
    for line in lines[start + 3 :]:
        found = re.match(r" (\S+ \((?:input|hidden|output)\))", line)
        if found is None:
            break
        rows.append(found.group(1))
    return rows


@pytest.mark.parametrize("case", ["tanh-2-2-1", "blog-2-3-1", "mazur-2-2-2"])
def test_verify_numbers_layers_as_explain_does(case: str) -> None:
    path = CASES / f"{case}.yaml"
    network = load_network(path)
    expected = [layer_label(network, l) for l in range(1, network.depth + 1)]
    assert _verify_layers(path) == expected
    explain = _text(path)
    for label in expected:  # the Network table and the forward pass's layers say the same
        assert label in explain
    assert all(f"Layer {label}" in latex(derive(network)) for label in expected)


# A layer written with a superscript: z^2, a^(2), W^3 (not w^2_11, a single weight).
LAYER_SYMBOL = re.compile(r"\b([A-Za-z])\^(\(?)(\d+)\)?(?![_\d])")


@pytest.mark.parametrize("path", SMALL, ids=lambda p: p.stem)
def test_a_layer_never_reads_as_a_neuron(path: Path) -> None:
    """z^2 (a layer) and z2 (a neuron) never meet: where z2 is a neuron, the layer is z^(2)."""
    d = derive(load_network(path))
    for args in ((), ("--view", "matrix")):
        text = _text(path, *args)
        for letter, paren, layer in LAYER_SYMBOL.findall(text):
            if not paren:
                assert f"{letter}{layer}" not in d, (path.stem, args, f"{letter}^{layer}")


def test_n_means_one_thing_in_one_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """mse's (1/n) counts outputs; the average over examples is (1/m), as the SGD story says."""
    text = (CASES / "tanh-2-2-1.yaml").read_text()
    two = text.replace("examples:\n", "examples:\n  - {input: [1, 0], target: [0.5]}\n", 1)
    assert two != text
    path = tmp_path / "two.yaml"
    path.write_text(two)
    monkeypatch.chdir(tmp_path)  # a short path: the heading stays on its lines
    out = _text(Path("two.yaml"))
    assert "mse = (1/n) Σ (a − y)²" in out
    assert "Average over the m examples: C = (1/m) Σₓ Cₓ" in out
    assert "(1/n) Σ Cₓ" not in out and "Σₓ" in out


INIT = """\
init: {kind: normal, seed: 3, scale: 0.5}
layers:
  - size: 2
  - size: 1
    activation: sigmoid
    weights: init
    biases: [0.125]
examples:
  - {input: [1, 0.5], target: [1]}
cost: half_squared_error
"""


def test_given_values_drawn_by_init_are_shown_at_the_decimals(tmp_path: Path) -> None:
    path = tmp_path / "init.yaml"
    path.write_text(INIT)
    network = load_network(path)
    drawn = [float(w) for w in network.layers[0].weights[0]]
    assert all(len(repr(w)) > 12 for w in drawn)  # a float's 17 digits
    for decimals in ("4", "3"):
        out = _text(path, "--decimals", decimals)
        assert not any(repr(w) in out for w in drawn)
        shown = [f"{w:.{decimals}f}" for w in drawn]
        assert f"w0 = {shown[0]},  w1 = {shown[1]}" in out
        assert "b0 = 0.125" in out  # typed, within the decimals: as written, not 0.1250


MIXED = INIT.replace("biases: [0.125]", "biases: [0.153456]")  # typed, more places than 4


@pytest.mark.parametrize(
    "args",
    [
        ["explain"],
        ["explain", "--format", "markdown"],
        ["explain", "--format", "html"],
        ["latex"],
        ["draw", "--format", "svg"],
        ["draw", "--format", "tikz"],
    ],
    ids=lambda a: "-".join(a),
)
def test_every_renderer_writes_given_values_by_one_rule(tmp_path: Path, args: list[str]) -> None:
    """A typed number with more places than the display's decimals is written as typed, a drawn
    one at the decimals, in text, Markdown, HTML, LaTeX and pictures alike (LaTeX and the
    pictures once rounded the typed one, HTML wrote the drawn one's 17 digits)."""
    path = tmp_path / "mixed.yaml"
    path.write_text(MIXED)
    drawn = [float(w) for w in load_network(path).layers[0].weights[0]]
    result = CliRunner().invoke(app, [args[0], str(path), *args[1:]])
    assert result.exit_code == 0, result.output
    assert "0.153456" in result.output and "0.1535" not in result.output
    assert not any(repr(w) in result.output for w in drawn)
    assert all(f"{w:.4f}" in result.output for w in drawn)
