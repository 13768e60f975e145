"""``--why``: one plain sentence under every step, built from the step's structure."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derive import derive, load_network
from derive.cli.app import app
from derive.derivation.quantity import Derivation
from derive.derivation.words import Ref, Words, plain
from derive.functions import ACTIVATIONS, COSTS
from derive.render.document.latex import render as latex
from derive.render.document.markdown import render as markdown
from derive.render.explain import explain_output
from derive.render.tables import as_text

from .conftest import CASES, ROOT, Golden
from .test_latex_pdf import compile_tex, problems

NETWORKS = sorted(p for p in CASES.glob("*.yaml") if not p.name.endswith(".answers.yaml"))


def _sentences(d: Derivation) -> dict[str, str]:
    return {q.name: plain(s) for q, s in ((q, Words(d)(q)) for q in d.steps)}


@pytest.mark.parametrize("path", NETWORKS, ids=lambda p: p.stem)
def test_every_step_of_every_case_has_a_sentence(path: Path) -> None:
    d = derive(load_network(path))
    words = Words(d)
    for q in d.steps:
        sentence = words(q)
        assert sentence and plain(sentence).strip(), q.name
        # every name a sentence mentions is a quantity of this derivation (or its bias's alias)
        assert all(p.name in d for p in sentence if isinstance(p, Ref)), (q.name, sentence)


def test_rounded_softmax_and_minibatch_sentences() -> None:
    d = derive(load_network(CASES / "softmax-classifier.yaml"), carry="rounded")
    said = _sentences(d)
    assert said["dC/dz3"].startswith("z3 moves every output of the softmax")
    assert "comes to O3 − y1" in said["dC/dz3"]  # the O − y carried by hand
    assert said["dO4/dz3"] == "raising z3 takes probability from O4: the outputs always sum to 1"
    d = derive(load_network(CASES / "minibatch-2-2-1.yaml"))
    said = _sentences(d)
    assert "mean of the 3 examples' costs" in said["dC/dw1"]
    assert said["dC/dw5[2]"] == (
        "z3[2] grows by O1[2] for each unit of w5, so w5 matters as much as O1[2] fires"
    )


def test_the_issue_sentences_on_the_blog() -> None:
    said = _sentences(derive(load_network(CASES / "blog-2-3-1.yaml")))
    assert said["dC/dw6"] == "z3 grows by O0 for each unit of w6, so w6 matters as much as O0 fires"
    assert said["dO3/dz3"].startswith("the sigmoid's slope at z3")
    assert "small when the neuron is saturated" in said["dO3/dz3"]
    assert said["dC/dO3"] == "how far the output O3 is from its target y"
    assert said["dC/dz3"].endswith("a bias moves z3 one-for-one, so this is also ∂C/∂b3")
    assert said["dC/dO0"].startswith("O0 reaches C only through z3")
    assert said["dC/dw0"].endswith("matters as much as the input x0 is large")


def test_a_sum_over_paths_says_the_effects_add() -> None:
    said = _sentences(derive(load_network(CASES / "softmax-classifier.yaml")))
    assert said["dC/dO1"] == (
        "O1 feeds z3, z4 and z5, so the 3 effects add (each through its weight)"
    )


def test_sentences_follow_the_structure_not_the_case() -> None:
    # the same kind of step in another network gets the same sentence with its own names
    said = _sentences(derive(load_network(CASES / "tanh-2-2-1.yaml")))
    assert said["dC/dw3_11"] == (
        "z3_1 grows by a2_1 for each unit of w3_11, so w3_11 matters as much as a2_1 fires"
    )
    assert said["da2_1/dz2_1"].startswith("tanh's slope at z2_1: 1 − a2_1²")
    assert said["dC/da2_1"].endswith("times the weight w3_11 that carries it")


def test_every_function_of_the_table_has_its_sentence() -> None:
    fields = {
        "activation": {"a", "z"},
        "cost": {"a", "y"},
    }

    def used(template: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}

    for act in ACTIVATIONS.values():
        assert act.why and used(act.why) <= fields["activation"], act.name
        if not act.elementwise:
            assert act.why_across and used(act.why_across) <= fields["activation"], act.name
    for cost in COSTS.values():
        assert cost.why and used(cost.why) <= fields["cost"], cost.name


def test_latex_and_markdown_put_the_sentence_under_each_step(tmp_path: Path) -> None:
    d = derive(load_network(CASES / "blog-2-3-1.yaml"), carry="rounded")
    tex = latex(d, why=True)
    assert tex.count(r"\intertext{") + tex.count("}\n\\end{align*}\n{\\small ") >= 20
    assert r"$z_{3}$ grows by $O_{0}$ for each unit of $w_{6}$" in tex
    assert r"so this is also $\partial C/\partial b_{3}$" in tex
    md = markdown(d, why=True)
    assert "*$z_{3}$ grows by $O_{0}$ for each unit of $w_{6}$, so $w_{6}$" in md
    assert latex(d) == latex(d, why=False) and "grows by" not in latex(d)
    log, text = compile_tex(tmp_path, "why", tex)
    assert problems(log) == []
    assert "grows by" in text


def test_explain_why_golden(golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    """The steps with their sentences (the tables around them have goldens of their own)."""
    monkeypatch.chdir(ROOT)
    for case, carry in (("blog-2-3-1", "rounded"), ("softmax-classifier", "exact")):
        d = derive(load_network(Path("cases") / f"{case}.yaml"), carry=carry)  # type: ignore[arg-type]
        whole = as_text(explain_output(d, why=True), width=100)
        steps = whole[whole.index("Backward pass (chain rule)") :]
        golden.check(f"explain/why/{case}.txt", steps)
    d = derive(load_network(Path("cases") / "3b1b-chain.yaml"))
    md = explain_output(d, fmt="markdown", why=True)
    plain_md = set(explain_output(d, fmt="markdown").splitlines())
    said = [line for line in md.splitlines() if line.startswith("*") and line not in plain_md]
    assert len(said) == len(d.steps)
    golden.check("explain/why/3b1b-chain.md", "\n".join(said) + "\n")


def test_why_in_json_is_each_steps_sentence(
    golden: Golden, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--why --format json: a "why" field on every step, the same sentence as in the terminal."""
    import json

    monkeypatch.chdir(ROOT)  # the golden's source is the path as given: relative
    path = Path("cases") / "blog-2-3-1.yaml"
    result = CliRunner().invoke(app, ["explain", str(path), "--why", "--format", "json"])
    assert result.exit_code == 0, result.output
    steps = json.loads(result.output)["steps"]
    assert {s["quantity"]: s["why"] for s in steps} == _sentences(derive(load_network(path)))
    golden.check("explain/why/blog-2-3-1.json", result.output)
    without = CliRunner().invoke(app, ["explain", str(path), "--format", "json"]).output
    assert '"why"' not in without  # only asked for: the plain JSON goldens stay as they were
    chosen = CliRunner().invoke(
        app, ["explain", str(path), "--why", "--format", "json", "--only", "dC/dw6"]
    )
    assert [s["why"] for s in json.loads(chosen.output)["steps"]] == [
        "z3 grows by O0 for each unit of w6, so w6 matters as much as O0 fires"
    ]
