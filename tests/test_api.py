"""The Python API (docs/api.md, README's "Python API and notebooks"): every documented snippet
runs; a network from a path, a dict or text is the same network and is validated alike; the
results print in every form and display in Jupyter; ``import derive`` stays light."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import derive
from derive.api.sources import DICT, TEXT
from derive.errors import DeriveError, InputError, OptionError

from .conftest import CASES, ROOT
from .test_readme import code_blocks

BLOG = CASES / "blog-2-3-1.yaml"
ANSWERS = CASES / "blog-2-3-1.answers.yaml"
DOCS = {
    "docs/api.md": (ROOT / "docs" / "api.md").read_text(encoding="utf-8"),
    "README.md": (ROOT / "README.md").read_text(encoding="utf-8"),
}


@pytest.fixture
def cases_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(CASES, tmp_path / "cases")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("doc", sorted(DOCS))
def test_every_python_snippet_runs(doc: str, cases_here: Path) -> None:
    """Each document's ```python blocks run in order, in one namespace (later ones use
    earlier results), from a folder holding cases/."""
    blocks = [
        "\n".join(lines) for language, lines in code_blocks(DOCS[doc]) if language == "python"
    ]
    assert blocks, f"{doc} has no python snippet"
    namespace: dict[str, Any] = {"__name__": "__snippet__"}
    for number, block in enumerate(blocks, start=1):
        try:
            exec(compile(block, f"{doc} python block {number}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message says which block failed
            pytest.fail(f"{doc}, python block {number} failed: {type(exc).__name__}: {exc}")


def test_every_ipython_snippet_runs_in_ipython(cases_here: Path) -> None:
    """docs/api.md's ```ipython blocks (%load_ext derive, %%derive) in a real IPython shell."""
    shell = pytest.importorskip("IPython.core.interactiveshell").InteractiveShell.instance()
    blocks = [
        "\n".join(lines)
        for language, lines in code_blocks(DOCS["docs/api.md"])
        if language == "ipython"
    ]
    assert len(blocks) >= 2
    results = [shell.run_cell(block, store_history=False) for block in blocks]
    for block, result in zip(blocks, results, strict=True):
        assert result.success, f"{block}\n{result.error_in_exec or result.error_before_exec}"
    shown = results[-1].result
    assert isinstance(shown, derive.Explanation)
    assert "data-step" in shown._repr_html_()


# --------------------------------------------------------------------------------------------
# sources


def test_path_dict_and_text_are_the_same_network() -> None:
    import yaml

    text = BLOG.read_text()
    data = yaml.safe_load(text)
    results = [
        derive.explain(BLOG),
        derive.explain(str(BLOG)),
        derive.explain(data),
        derive.explain(text),
        derive.explain(derive.load_network(BLOG)),
    ]
    values = [r.values for r in results]
    assert all(v == values[0] for v in values)
    assert results[2].derivation.network.source == DICT
    assert results[3].derivation.network.source == TEXT


def test_python_data_is_read_as_yaml_data() -> None:
    """Tuples, NumPy arrays and Decimals, which a notebook holds, read as YAML lists and numbers."""
    import numpy as np

    net = {
        "layers": [
            {"size": 2},
            {
                "size": 1,
                "activation": "sigmoid",
                "weights": np.array([[0.5, -0.25]]),
                "biases": (0.1,),
            },
        ],
        "examples": [{"input": (1, 2), "target": [Decimal("0.5")]}],
        "cost": "half_squared_error",
    }
    result = derive.explain(net)
    assert result.values["z0"] == pytest.approx(0.5 * 1 - 0.25 * 2 + 0.1)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ({"layers": [{"size": 1}], "cost": "nope", "examples": []}, "<dict>"),
        ({"layers": object(), "cost": "half_squared_error"}, "<dict>: layers: expected a list"),
        ("layers: [\n  - size: 1\n", "<text>:"),
        ("layers: [{size: 1}]", "layers: [{size: 1}]: no such file (YAML text needs a line break"),
        (
            "title: x\nlayers: [{size: 1}, {size: 1, activation: sigmoud}]\n"
            "cost: half_squared_error\nexamples: [{input: [1], target: [1]}]\n",
            "<text>:2: layers[1]",
        ),
    ],
)
def test_bad_dicts_and_texts_are_one_clear_error(source: Any, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        derive.explain(source)
    message = str(caught.value)
    assert expected in message and "\n" not in message


def test_bad_options_name_the_parameter() -> None:
    with pytest.raises(OptionError, match=r"^decimals must be between 0 and 15"):
        derive.explain(BLOG, decimals=99)
    with pytest.raises(OptionError, match=r"^only 'zz' matches no quantity"):
        derive.explain(BLOG, only="zz")
    with pytest.raises(OptionError, match=r"^example must be between 1 and 1"):
        derive.explain(BLOG, example=2)
    with pytest.raises(DeriveError, match="expected a network"):
        derive.explain(42)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"cannot|no such|not found|exist"):
        derive.explain("no-such-file.yaml")


# --------------------------------------------------------------------------------------------
# results


def test_values_are_the_numbers_of_the_chosen_arithmetic() -> None:
    """The blog post's hand values with carry="rounded"; floats in exact arithmetic; SymPy
    expressions where the file keeps a symbol (Laan's one-weight example: 4.5·w − 1.5)."""
    hand = derive.explain(BLOG, carry="rounded")
    assert hand.values["dC/dw6"] == Decimal("-0.0597")
    assert hand.values["dC/db3"] == hand.values["dC/dz3"] == Decimal("-0.0631")
    exact = derive.explain(BLOG)
    assert isinstance(exact.values["dC/dw6"], float)
    assert exact.values["dC/dw6"] == pytest.approx(-0.0597, abs=5e-5)
    import sympy as sp

    w = sp.Symbol("w")
    assert (
        sp.simplify(derive.explain(CASES / "laan-1-1-1.yaml").values["dC/dw"] - (4.5 * w - 1.5))
        == 0
    )


def test_every_output_form() -> None:
    result = derive.explain(BLOG, carry="rounded")
    doc = json.loads(result.to_json())
    assert len(doc["steps"]) == 21 and doc["carry"] == "rounded"
    assert result.to_latex().startswith("\\documentclass")
    assert "\\documentclass" not in result.to_latex(standalone=False)
    assert result.to_markdown().startswith("# 2-3-1 sigmoid network")
    assert result.to_html().startswith("<!DOCTYPE html>")
    assert result._repr_html_().startswith('<div class="derive-page">')
    assert result._repr_markdown_() == result.to_markdown()
    assert result._repr_latex_() == result.to_latex(standalone=False)
    chosen = derive.explain(BLOG, only="dC/dw6")
    assert json.loads(chosen.to_json())["only"] == ["dC/dw6"]


def test_repr_is_short() -> None:
    shown = repr(derive.explain(BLOG))
    assert shown == (
        "<derive.Explanation '2-3-1 sigmoid network, one training example': 21 steps, C = 0.0380>"
    )
    long = derive.explain(
        BLOG.read_text().replace("title: 2-3-1", "title: " + "x" * 500 + " 2-3-1")
    )
    assert len(repr(long)) < 160


def test_check_grades_files_dicts_and_text() -> None:
    text = "student: Bo\nanswers:\n  dC/dO3: -0.2755\n  C: 0.0380\n"
    report = derive.check(BLOG, ANSWERS, {"dC/dw6": "-0.0597", "dC/dw7": 0.0631}, text)
    students = [r.student for r in report.reports]
    assert students == ["blog", "answers 2", "Bo"]
    by_name = {r.quantity: r for r in report.reports[1].results}
    assert by_name["dC/dw6"].verdict == "correct"
    assert by_name["dC/dw7"].verdict == "wrong" and "sign" in by_name["dC/dw7"].diagnosis
    assert report.reports[2].all_correct
    doc = json.loads(report.to_json())
    assert [f["student"] for f in doc["files"]] == students
    assert "correct" in report._repr_html_() and "| ∂C/∂w6 |" in report._repr_markdown_()
    assert "\\begin{tabular}" in report._repr_latex_()


def test_check_reports_a_bad_sheet_and_grades_the_others() -> None:
    report = derive.check(BLOG, "answers: [\n", {"C": 0.038})
    assert report.reports[0].error.startswith("<text>:")
    assert report.reports[1].results[0].verdict == "correct"


def test_check_options_hide_expected_and_bad_rules() -> None:
    hidden = derive.check(BLOG, {"C": 0.5}, hide_expected=True)
    assert all(r.expected == "" for r in hidden.reports[0].results)
    assert "0.0380" not in hidden.to_html()
    with pytest.raises(OptionError, match=r"^decimals"):
        derive.check(BLOG, {"C": 0.5}, decimals=16)
    with pytest.raises(OptionError, match=r"^sig_figs"):
        derive.check(BLOG, {"C": 0.5}, require_decimals=2, sig_figs=3)
    with pytest.raises(OptionError, match=r"^carried_credit"):
        derive.check(BLOG, {"C": 0.5}, carried_credit=2)


HOSTILE = "<script>alert(1)</script>\x1b[2J"


def test_student_text_is_escaped_in_every_display() -> None:
    report = derive.check(BLOG, {"student": HOSTILE, "answers": {f"x{HOSTILE}": f"1{HOSTILE}"}})
    html = report.to_html()
    assert "<script>" not in html and "\x1b" not in html and "&lt;script&gt;" in html
    assert "<script>" not in report.to_markdown()
    assert "\x1b" not in report.to_latex() and "<script>" not in report.to_latex()


def test_draw_returns_svg_text_a_notebook_shows() -> None:
    result = derive.explain(BLOG)
    svg = derive.draw(result, gradients=True)
    assert isinstance(svg, str) and "<svg" in svg and svg._repr_svg_() == svg  # type: ignore[attr-defined]
    assert "∂C/∂w6 = -0.0597" in svg
    assert derive.draw(BLOG, curve="w6") != svg
    dot = derive.draw(BLOG, fmt="dot")
    assert dot.startswith("digraph") and not hasattr(dot, "_repr_svg_")
    with pytest.raises(OptionError, match=r"^fmt"):
        derive.draw(BLOG, fmt="png")


def test_import_derive_is_light() -> None:
    """``import derive`` and a look at its API load neither SymPy nor NumPy nor IPython."""
    code = (
        "import sys, derive\n"
        "assert callable(derive.load_ipython_extension) and 'explain' in dir(derive)\n"
        "print(sorted(m for m in ('sympy', 'numpy', 'IPython') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"
