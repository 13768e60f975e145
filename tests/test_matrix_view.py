"""``--view matrix``: the vector form agrees element by element with the scalar chain-rule steps."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derive import derive, load_network
from derive.cli.app import app
from derive.derivation.names import partial
from derive.derivation.quantity import Derivation
from derive.derivation.vector import backward_matrices, forward_vectors
from derive.render.vector import matrix_text, render, vector_text
from derive.spec.notation import namer_for

from .conftest import CASES, Golden

SMALL = ["blog-2-3-1", "softmax-classifier", "minibatch-2-2-1", "relu-2-2-1", "tanh-2-2-1"]


def _close(a: object, b: object) -> bool:
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-15)  # type: ignore[arg-type]


def _disagreements(d: Derivation) -> list[str]:
    """Every matrix-view element that differs from the scalar step of the same name."""
    namer, many = namer_for(d.network), len(d.network.examples) > 1
    wrong = []
    for e in range(len(d.network.examples)):
        sfx = f"[{e + 1}]" if many else ""
        for m in backward_matrices(d, e):
            layer = d.network.layer(m.layer)
            for j, delta in enumerate(m.delta):
                name = partial("C", namer.z(m.layer, j)) + sfx
                if not _close(delta, d[name].value):
                    wrong.append(name)
                if layer.biases is not None:
                    bias = partial("C", namer.bias(m.layer, j)) + sfx
                    wrong += [] if _close(delta, d[bias].value) else [bias]
                for k, grad in enumerate(m.grad_w[j]):
                    weight = partial("C", namer.weight(m.layer, j, k)) + sfx
                    wrong += [] if _close(grad, d[weight].value) else [weight]
    return wrong


@pytest.mark.parametrize("case", SMALL)
def test_matrix_view_agrees_with_scalar_steps(case: str) -> None:
    d = derive(load_network(CASES / f"{case}.yaml"))
    assert _disagreements(d) == []
    # and it covers every weight gradient of every example
    per_example = sum(len(m.grad_w) * len(m.grad_w[0]) for m in backward_matrices(d, 0))
    assert per_example == sum(len(row) for layer in d.network.layers for row in layer.weights)


def test_a_wrong_weight_is_caught() -> None:
    # The backward recursion uses W^{l+1}: a corrupted weight must show up as disagreement in δ^1.
    broken = derive(load_network(CASES / "blog-2-3-1.yaml"))
    found = broken.quantities.find("w6")  # the given parameters are kept as a column
    assert found is not None and not found[0]._made  # nothing has read w6 yet
    found[0].values[found[1]] = -0.9
    assert broken["w6"].value == -0.9
    assert "dC/dz0" in _disagreements(broken)


def test_softmax_uses_the_full_jacobian() -> None:
    d = derive(load_network(CASES / "softmax-classifier.yaml"))
    top = backward_matrices(d)[0]
    assert not top.elementwise
    assert any(top.jacobian[i][j] != 0 for i in range(3) for j in range(3) if i != j)
    # softmax + cross-entropy: δ = a − y
    outputs = [d[f"O{n}"].value for n in (3, 4, 5)]
    targets = [0.0, 1.0, 0.0]
    for delta, a, y in zip(top.delta, outputs, targets, strict=True):
        assert delta == pytest.approx(a - y, abs=1e-12)


def test_large_vectors_and_matrices_are_shortened() -> None:
    text = vector_text([float(i) for i in range(20)], 1)
    assert text == "[0.0, 1.0, 2.0, …, 17.0, 18.0, 19.0] (20)"
    assert vector_text([1.0, 2.0], 1) == "[1.0, 2.0]"
    lines = matrix_text([[0.5] * 784 for _ in range(16)], 2).splitlines()
    assert len(lines) == 7
    assert "⋯" in lines[0] and set(lines[3].strip("[]").split()) == {"⋮"}
    assert lines[-1].endswith("(16×784)")


def test_matrix_view_text(golden: Golden) -> None:
    result = CliRunner().invoke(
        app, ["explain", str(CASES / "blog-2-3-1.yaml"), "--view", "matrix"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "  BP2  δ^(1) = ((W^(2))ᵀ δ^(2)) ⊙ σ'(z^(1)) = [-0.0029, 5.257e-06, -0.0013]   "
        "(steps 9, 14, 19)"
    ) in result.output.splitlines()
    golden.check("scale/matrix-blog-2-3-1.txt", result.output)


def test_matrix_view_is_text_only(tmp_path: Path) -> None:
    args = ["explain", str(CASES / "blog-2-3-1.yaml"), "--view", "matrix", "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "derive: error: --view matrix is text output; use --format text (or leave it out)"
    ]


def test_symbolic_network_without_biases() -> None:
    result = CliRunner().invoke(
        app, ["explain", str(CASES / "laan-1-1-1.yaml"), "--view", "matrix"]
    )
    assert result.exit_code == 0, result.output
    assert "BP4  ∂C/∂W^(1) = δ^(1) (a^(0))ᵀ = [4.5 · w - 1.5]  (1×1)   (step 4)" in result.output
    assert "∂C/∂b^(" not in result.output  # the file has no biases


@pytest.mark.parametrize("case", SMALL)
def test_rounded_matrix_view_is_the_rounded_steps_entry_by_entry(case: str) -> None:
    """With --carry rounded every vector entry is the hand-rounded step itself (the blog's
    δ^(1)_2 is −0.0012 as in step 19, not the unrounded product's −0.0013)."""
    d = derive(load_network(CASES / f"{case}.yaml"), carry="rounded")
    namer, many = namer_for(d.network), len(d.network.examples) > 1
    for e in range(len(d.network.examples)):
        sfx = f"[{e + 1}]" if many else ""
        for m in backward_matrices(d, e):
            weights = d.params_by_layer[m.layer].weights
            for j, delta in enumerate(m.delta):
                assert delta == d[partial("C", namer.z(m.layer, j)) + sfx].value
                for k, grad in enumerate(m.grad_w[j]):
                    assert grad == d[partial("C", weights[j][k]) + sfx].value
            for k, grad_a in enumerate(m.grad_a):
                assert grad_a == d[partial("C", namer.act(m.layer, k)) + sfx].value
        for f in forward_vectors(d, e):
            assert f.z == [d[name].value for name in f.z_names]


def test_rounded_blog_matrix_text_shows_the_hand_values() -> None:
    d = derive(load_network(CASES / "blog-2-3-1.yaml"), carry="rounded")
    text = render(d)
    assert "[-0.0029, 0.0000, -0.0012]   (steps 9, 14, 19)" in text
    assert "[-0.0568, 0.0316, -0.0050]   (steps 7, 12, 17)" in text
    assert "-0.0013" not in text and "-0.0260" not in text


def test_each_entry_names_its_step() -> None:
    d = derive(load_network(CASES / "blog-2-3-1.yaml"))
    top, hidden = backward_matrices(d)
    assert (top.grad_a_steps, top.jacobian_steps, top.delta_steps) == ([1], [2], [3])
    assert top.grad_w_steps == [[4, 5, 6]]
    assert hidden.delta_steps == [d[f"dC/dz{j}"].step for j in range(3)] == [9, 14, 19]
    assert hidden.grad_w_steps == [[10, 11], [15, 16], [20, 21]]
    # a wrong step number would be caught: the steps are the quantities' own
    assert all(d[f"dC/dw{k}"].step == s for k, s in zip((0, 1), (10, 11), strict=True))


def test_forward_pass_in_vector_form() -> None:
    d = derive(load_network(CASES / "blog-2-3-1.yaml"))
    first, second = forward_vectors(d)
    assert first.z_names == ("z0", "z1", "z2") and second.a_names == ("O3",)
    for f in (first, second):
        assert f.z == pytest.approx([d[n].value for n in f.z_names], rel=1e-12)
    text = render(d)
    assert "  z^(1) = W^(1) a^(0) + b^(1) = [2.8700, 8.7000, 0.1500] = [z0, z1, z2]" in text
    assert "BP1" in text and "BP2" in text and "BP3" in text and "BP4" in text


def test_latex_has_the_matrix_form_of_the_blog() -> None:
    from derive.render.document.latex import render as latex

    tex = latex(derive(load_network(CASES / "blog-2-3-1.yaml"), carry="rounded"))
    assert "Matrix form" in tex and r"\text{BP2: }\delta^{(1)}" in tex
    assert "The entries of $\\delta^{(1)}$ are steps 9, 14, 19." in tex
    # the hand-rounded −0.0012 of step 19, in the matrix as in the step
    assert r"-0.0029 \\ 0.0000 \\ -0.0012" in tex


@pytest.mark.parametrize("carry", ["exact", "rounded"])
def test_a_shared_bias_is_the_sum_of_its_layers_delta(carry: str) -> None:
    """Mazur's layers each have one bias: ∂C/∂b = Σ_j δ_j, the derivation's own step."""
    d = derive(load_network(CASES / "mazur-2-2-2.yaml"), carry=carry)  # type: ignore[arg-type]
    text = render(d)
    for m in backward_matrices(d):
        (bias,) = d.params_by_layer[m.layer].biases
        step = d[partial("C", bias)]
        assert m.shared_bias_step == step.step
        assert math.isclose(float(m.shared_bias), float(step.value), abs_tol=1e-12)
        assert f"Σ_j δ^({m.layer})_j" in text and f"(step {step.step})" in text
    blog = derive(load_network(CASES / "blog-2-3-1.yaml"))  # a bias each: BP3 is δ itself
    assert all(m.shared_bias is None for m in backward_matrices(blog))
