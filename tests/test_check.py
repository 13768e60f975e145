"""``derive check``: verdicts against independent oracles, the blog demo, files, formats, exits."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from derive.cli.app import app
from derive.grade.answers import answers_from_text
from derive.grade.checker import AnswerTolerance, Checker, GradeReport
from derive.grade.equivalence import equivalent
from derive.spec.load import load_network

from .conftest import CASES

BLOG = CASES / "blog-2-3-1.yaml"
BLOG_ANSWERS = CASES / "blog-2-3-1.answers.yaml"
ONE_WEIGHT = """title: one weight
layers:
  - size: 1
  - size: 1
    activation: linear
    weights: [[w]]
examples:
  - {input: [1.5], target: [0.5]}
cost: squared_error
learning_rate: 0.1
"""
runner = CliRunner()


@pytest.fixture(scope="module")
def blog() -> Checker:
    return Checker(load_network(BLOG))


def sheet(answers: dict[str, str], student: str = "s") -> Any:
    body = "".join(f"  {name}: {value}\n" for name, value in answers.items())
    return answers_from_text(f"answers:\n{body}", source=f"{student}.yaml", default_student=student)


def verdicts(checker: Checker, answers: dict[str, str]) -> dict[str, str]:
    return {r.quantity: r.verdict for r in checker.check(sheet(answers)).results}


def blog_cost(params: np.ndarray) -> float:
    """The blog network written out in NumPy, independent of derive (for finite differences)."""
    w, b = params[:9], params[9:]
    x, target = np.array([2.0, 9.0]), 0.92
    hidden = 1 / (1 + np.exp(-(w[:6].reshape(3, 2) @ x + b[:3])))
    out = 1 / (1 + np.exp(-(w[6:] @ hidden + b[3])))
    return float(0.5 * (out - target) ** 2)


PARAMS = np.array([0.15, 0.23, 0.5, 0.8, 0.05, -0.05, 0.9, -0.5, 0.08, 0.5, 0.5, 0.5, 0.2])
NAMES = [f"w{i}" for i in range(9)] + [f"b{i}" for i in range(4)]


def finite_differences() -> dict[str, float]:
    out = {}
    for i, name in enumerate(NAMES):
        step = np.zeros_like(PARAMS)
        step[i] = 1e-6
        out[f"dC/d{name}"] = (blog_cost(PARAMS + step) - blog_cost(PARAMS - step)) / 2e-6
    return out


def test_gradients_from_finite_differences_are_correct(blog: Checker) -> None:
    grads = finite_differences()
    answers = {name: f"{g:.6f}" for name, g in grads.items()}
    answers |= {
        f"new_{p}": f"{v - 0.5 * grads['dC/d' + p]:.6f}" for p, v in zip(NAMES, PARAMS, strict=True)
    }
    answers["C"] = f"{blog_cost(PARAMS):.6f}"
    assert set(verdicts(blog, answers).values()) == {"correct"}


def test_gradients_off_by_a_few_units_are_wrong(blog: Checker) -> None:
    grads = finite_differences()
    answers = {name: f"{g + 2e-5:.6f}" for name, g in grads.items() if abs(g) > 1e-3}
    # none is right; a few are what the right formulas give from the others (carried)
    got = verdicts(blog, answers)
    assert set(got.values()) <= {"wrong", "carried"} and "wrong" in got.values()


def test_one_unit_of_the_last_written_decimal(blog: Checker) -> None:
    # O3 = 0.644463 exactly; hand value at 4 decimals 0.6445
    got = verdicts(blog, {"O3": "0.6446", "C": "0.0380", "z3": "0.5947"})
    assert got == {"O3": "correct", "C": "correct", "z3": "correct"}
    assert verdicts(blog, {"O3": "0.6447"})["O3"] == "wrong"
    assert verdicts(blog, {"O3": "0.64"})["O3"] == "correct"  # 2 decimals: ±0.01
    assert verdicts(blog, {"O3": "0.62"})["O3"] == "wrong"


def test_hand_value_and_unrounded_last_operation_are_accepted(blog: Checker) -> None:
    # exact -0.02597 (→ -0.0260), but hand calculation at 4 decimals gives -0.0261
    got = verdicts(blog, {"dC/dw1": "-0.0261", "dC/dw5": "-0.0108", "new_w8": "0.09695"})
    assert set(got.values()) == {"correct"}
    assert verdicts(blog, {"dC/dw5": "-0.0100"})["dC/dw5"] == "wrong"
    # the hand value depends on the precision the student works at: at 2 decimals it is 0.00
    got = verdicts(blog, {"dC/dw5": "-0.0108", "O3": "0.64", "z3": "0.60", "C": "0.038"})
    assert got == {"dC/dw5": "wrong", "O3": "correct", "z3": "correct", "C": "correct"}


def test_precision_is_what_most_answers_show(blog: Checker) -> None:
    assert blog.precision(sheet({"O3": "0.6445", "C": "0.0380", "z3": "0.59"})) == 4
    assert blog.precision(sheet({"O3": "0.64", "C": "0.04", "z3": "0.5948"})) == 2
    assert Checker(load_network(BLOG), decimals=3).precision(sheet({"O3": "0.6445"})) == 3


def test_the_heading_says_decimal_for_one_place(tmp_path: Path) -> None:
    answers = tmp_path / "one.yaml"
    answers.write_text("student: Ada\nanswers:\n  O3: 0.6\n  z3: 0.6\n")
    one = " ".join(run(BLOG, answers).stdout.split())  # the heading may wrap
    assert "hand calculation at 1 decimal" in one and "1 decimals" not in one
    answers.write_text("student: Ada\nanswers:\n  O3: 0.64\n")
    assert "hand calculation at 2 decimals" in " ".join(run(BLOG, answers).stdout.split())


@pytest.mark.parametrize(
    "args", [["explain"], ["explain", "--format", "markdown"], ["explain", "--view", "matrix"]]
)
def test_one_decimal_is_said_in_the_singular(args: list[str]) -> None:
    """Every heading that names the display's decimals goes through one word rule."""
    out = " ".join(
        runner.invoke(app, [args[0], str(BLOG), *args[1:], "--decimals", "1"]).stdout.split()
    )
    assert "1 decimal" in out and "1 decimals" not in out


def test_tolerance_options_replace_the_unit_rule() -> None:
    strict = Checker(load_network(BLOG), tolerance=AnswerTolerance(atol=1e-5))
    assert verdicts(strict, {"O3": "0.6446"})["O3"] == "wrong"
    loose = Checker(load_network(BLOG), tolerance=AnswerTolerance(rtol=0.05))
    assert verdicts(loose, {"O3": "0.66"})["O3"] == "correct"


def test_the_blog_demo_flags_its_wrong_figures(blog: Checker) -> None:
    from derive.grade.answers import load_answers

    report = blog.check(load_answers(BLOG_ANSWERS))
    wrong = {r.quantity: r for r in report.results if r.verdict != "correct"}
    flipped = {"dC/dz1", "dC/db1"}  # -0.0000 for a positive value (step 14)
    carried = {"dC/dw2", "dC/dw3"}  # -0.0000 again: what dC/dz1 = -0.0000 gives
    # 0.5 and 0.8 for 0.49999 and 0.79998: one significant figure and 1 decimal, where the
    # blog works at 4 (0.0002 for 0.000166 is right: 4 decimals)
    one_figure = {"new_w2", "new_w3"}
    assert set(wrong) == {"C", "new_b1", "new_b2"} | flipped | carried | one_figure
    for name in carried:
        assert wrong[name].verdict == "carried"
        assert wrong[name].diagnosis == "consistent with your dC/dz1 = -0.0000"
    for name in flipped:
        assert wrong[name].mistake == "sign"
        assert "a flipped sign" in wrong[name].diagnosis
    for name in one_figure:
        assert wrong[name].diagnosis == "too few significant figures (2 required)"
    assert len(report.results) == 46
    assert (wrong["C"].mistake, wrong["C"].expected) == ("factor_2", "0.0380")
    assert wrong["new_b1"].mistake == wrong["new_b2"].mistake == "dO_for_dz"
    assert wrong["new_b1"].diagnosis.startswith(
        "0.4842 is what ∂C/∂O1 gives in place of ∂C/∂z1 (the factor ∂O1/∂z1 forgotten)"
    )
    assert wrong["new_b1"].expected == "0.5000"


def test_unknown_names_list_the_nearest(blog: Checker) -> None:
    (result,) = blog.check(sheet({"dC/dw9": "0.1"})).results
    assert result.verdict == "unknown"
    assert "dC/dw" in result.diagnosis and "nearest" in result.diagnosis


def test_unreadable_answers_get_a_reason(blog: Checker) -> None:
    results = blog.check(sheet({"O3": "'__import__(1)'", "C": "[1]", "z3": "'w9 + 1'"})).results
    by_name = {r.quantity: r for r in results}
    assert {r.verdict for r in results} == {"unreadable"}
    assert "unknown name" in by_name["z3"].diagnosis
    assert "expected a number" in by_name["C"].diagnosis


def test_expressions_without_symbols_are_numbers(blog: Checker) -> None:
    got = verdicts(blog, {"C": "'0.5*(0.6445 - 0.92)^2'", "new_b1": "'0.5 - 0.5*0.0316'"})
    assert got == {"C": "correct", "new_b1": "wrong"}


@pytest.fixture(scope="module")
def one_weight(tmp_path_factory: pytest.TempPathFactory) -> Checker:
    path = tmp_path_factory.mktemp("net") / "one.yaml"
    path.write_text(ONE_WEIGHT, encoding="utf-8")
    return Checker(load_network(path))


def test_symbolic_answers_against_sympy_diff(one_weight: Checker) -> None:
    w = sp.Symbol("w")
    oracle = sp.diff((sp.Rational(3, 2) * w - sp.Rational(1, 2)) ** 2, w)  # 9w/2 - 3/2
    assert sp.expand(oracle - (sp.Rational(9, 2) * w - sp.Rational(3, 2))) == 0
    right = ["'4.5*w - 1.5'", "'9*(w - 1/3)/2'", "'2*(1.5*w - 0.5)*1.5'", f"'{oracle}'"]
    for text in right:
        assert verdicts(one_weight, {"dC/dw": text})["dC/dw"] == "correct", text
    for text in ["'4.5*w + 1.5'", "'4.5*w'", "2.1", "'w^2'", "'exp(exp(exp(w)))'"]:
        assert verdicts(one_weight, {"dC/dw": text})["dC/dw"] == "wrong", text
    assert verdicts(one_weight, {"dC/dw": "'w^w'"})["dC/dw"] == "unreadable"


def test_equivalence_falls_back_to_random_points() -> None:
    w = sp.Symbol("w")
    sig = 1 / (1 + sp.exp(-w))
    assert equivalent(sig * (1 - sig), sp.exp(-w) / (1 + sp.exp(-w)) ** 2)
    assert equivalent(sp.tanh(w), (sp.exp(2 * w) - 1) / (sp.exp(2 * w) + 1))
    assert not equivalent(sig * (1 - sig), sig**2)
    assert not equivalent(sp.log(w), sp.log(w) + 1)


def run(*args: str | Path) -> Any:
    return runner.invoke(app, ["check", *map(str, args)])


def test_cli_blog_text_golden(golden: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES.parent)
    result = run("cases/blog-2-3-1.yaml", "cases/blog-2-3-1.answers.yaml")
    assert result.exit_code == 1
    golden.check("check/blog.txt", result.stdout)


def test_cli_many_files_golden_and_exit_codes(
    tmp_path: Path, golden: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("ada.yaml").write_text("student: Ada\nanswers: {O3: 0.6445, C: 0.0380, new_w6: 0.9299}\n")
    Path("bob.yaml").write_text("answers: {O3: 0.6445, dC/dw6: 0.0597, new_w6: 0.9597, zz: 1}\n")
    assert run(BLOG, "ada.yaml").exit_code == 0
    result = run(BLOG, "ada.yaml", "bob.yaml")
    assert result.exit_code == 1
    golden.check("check/two-students.txt", result.stdout)


def test_cli_json_and_csv(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(BLOG), str(BLOG_ANSWERS), "--format", "json"])
    doc = json.loads(result.stdout)
    (entry,) = doc["files"]
    assert entry["student"] == "blog"
    first = entry["results"][0]
    assert set(first) >= {"quantity", "given", "expected", "verdict", "diagnosis"}
    assert sum(r["verdict"] == "wrong" for r in entry["results"]) == 7
    result = runner.invoke(app, ["check", str(BLOG), str(BLOG_ANSWERS), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 46 and rows[8]["quantity"] == "C" and rows[8]["verdict"] == "wrong"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("answers: {O3: [}", "not valid YAML"),
        ("answers: {O3: &a 1, C: *a}", "aliases"),
        ("nothing: 1", "missing required key 'answers'"),
    ],
)
def test_cli_bad_answers_file_is_reported_exit_1(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    result = run(BLOG, path, "--format", "json")
    assert result.exit_code == 1
    (entry,) = json.loads(result.stdout)["files"]
    assert message in entry["error"] and "\n" not in entry["error"]
    assert entry["results"] == []
    assert "Traceback" not in result.output


def test_cli_bad_network_and_options_exit_2(tmp_path: Path) -> None:
    assert run(tmp_path / "none.yaml", BLOG_ANSWERS).exit_code == 2
    assert run(BLOG, BLOG_ANSWERS, "--decimals", "99").exit_code == 2
    assert run(BLOG, BLOG_ANSWERS, "--rtol", "-1").exit_code == 2


def test_template_lists_every_quantity_and_round_trips(tmp_path: Path, blog: Checker) -> None:
    result = runner.invoke(app, ["template", str(BLOG)])
    assert result.exit_code == 0
    blank = answers_from_text(result.stdout, source="t", default_student="t")
    # the checker also knows ∂C/∂x (explain --wrt-inputs), which the sheet asks only with --only
    assert {a.quantity for a in blank.answers} == {
        n
        for n in blog.exact.names()
        if blog.exact[n].section != "given" and not n.startswith("dC/dx")
    }
    filled = result.stdout
    for name in blog.exact.names():
        value = blog.exact[name].value
        filled = filled.replace(f"  {name}:\n", f"  {name}: {value:.6f}\n")
    path = tmp_path / "filled.yaml"
    path.write_text(filled, encoding="utf-8")
    assert run(BLOG, path).exit_code == 0


def test_reports_count_every_verdict(blog: Checker) -> None:
    report: GradeReport = blog.check(sheet({"O3": "0.6445", "C": "0.5", "zz": "1", "z3": "'('"}))
    counts = {"correct": 1, "wrong": 1, "carried": 0, "unreadable": 1, "unknown": 1, "missing": 0}
    assert report.counts() == counts
    assert not report.all_correct and math.isfinite(report.precision)


def test_cli_symbolic_answers(tmp_path: Path) -> None:
    network = tmp_path / "one.yaml"
    network.write_text(ONE_WEIGHT, encoding="utf-8")
    answers = tmp_path / "ada.yaml"
    answers.write_text(
        "student: Ada\nanswers:\n  dC/dw: '4.5*w - 1.5'\n  new_w: 'w - 0.1*(4.5w - 1.5)'\n"
        "  C: '(1.5w - 0.5)^2 / 2'\n  z0: 'import os'\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(network), str(answers), "--format", "json"])
    assert result.exit_code == 1
    (entry,) = json.loads(result.stdout)["files"]
    got = {r["quantity"]: (r["verdict"], r["mistake"]) for r in entry["results"]}
    assert got == {
        "dC/dw": ("correct", ""),
        "new_w": ("correct", ""),
        "C": ("wrong", "factor_2"),
        "z0": ("unreadable", ""),
    }
    assert entry["symbolic"] is True


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40))
def test_any_answer_text_gets_a_verdict(text: str) -> None:
    checker = _BLOG_FOR_HYPOTHESIS
    body = json.dumps({"answers": {"O3": text, "dC/dw6": text}}, ensure_ascii=False)
    report = checker.check(answers_from_text(body, source="h", default_student="h"))
    assert {r.verdict for r in report.results} <= {"correct", "wrong", "unreadable"}


_BLOG_FOR_HYPOTHESIS = Checker(load_network(BLOG))


def test_a_wrong_sign_is_called_a_flip_only_when_the_size_is_right(blog: Checker) -> None:
    report = blog.check(sheet({"dC/dw6": "0.0597", "dC/dw0": "0.5"}))
    says = {r.quantity: r.diagnosis for r in report.results}
    assert says["dC/dw6"].startswith("0.0597 is what a flipped sign gives")
    assert says["dC/dw0"] == "0.5 has the wrong sign (the value is negative) and the wrong size"


def test_a_wrong_input_gradient_is_diagnosed_without_a_softmax_jacobian() -> None:
    """∂C/∂x0 sums ∂C/∂z_j·∂z_j/∂x0 like a softmax Jacobian sum, but ∂z_j/∂x0 is a weight."""
    checker = Checker(load_network(CASES / "softmax-classifier.yaml"))
    name = next(n for n in checker.exact.names() if n.startswith("dC/dx"))
    (result,) = checker.check(sheet({name: "12.5"})).results
    assert result.verdict == "wrong"


SATURATED = """title: saturated output
layers:
  - size: 1
  - {size: 1, activation: sigmoid, weights: [[10]], biases: [0]}
examples: [{input: [1], target: [1]}]
cost: binary_cross_entropy
learning_rate: 0.5
"""


def test_a_hand_calculation_that_carries_digits_is_the_key(tmp_path: Path) -> None:
    """σ(10) = 0.99995 rounds to 1.0000, and (O − y)/(O·(1 − O)) would divide by 0: the hand
    calculation carries O0 at 9 decimals (as explain --carry rounded shows), and so does the key:
    its answers are right, wrong ones get verdicts, nothing stops at the division."""
    net = tmp_path / "sat.yaml"
    net.write_text(SATURATED, encoding="utf-8")
    shown = json.loads(
        runner.invoke(app, ["explain", str(net), "--carry", "rounded", "--format", "json"]).stdout
    )
    assert "O0" in shown["notes"]["dC/dO0"]  # the carrying this test is about
    steps = {s["quantity"]: s["value"] for s in shown["steps"]}
    right = {name: f"{steps[name]:.4f}" for name in ("dC/dO0", "dC/dz0", "dC/dw0")}
    wrong = {"dC/dO0": "1.0000", "dC/dz0": "-0.5000", "dC/dw0": "0.3000"}
    for student, answers in (("right", right), ("wrong", wrong)):
        body = "".join(f"  {json.dumps(k)}: {v}\n" for k, v in answers.items())
        (tmp_path / f"{student}.yaml").write_text(f"student: {student}\nanswers:\n{body}")
    sheets = [str(tmp_path / f"{student}.yaml") for student in ("right", "wrong")]
    result = runner.invoke(app, ["check", str(net), *sheets, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    files = {f["student"]: f for f in json.loads(result.stdout)["files"]}
    verdicts = {s: {r["quantity"]: r["verdict"] for r in f["results"]} for s, f in files.items()}
    assert verdicts["right"] == dict.fromkeys(right, "correct")
    assert verdicts["wrong"] == dict.fromkeys(wrong, "wrong")
