"""derive latex: names, escaping, content checked against independent oracles, the golden files
and the command line. The pdflatex runs are in test_latex_pdf.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derive.cli.app import app
from derive.derivation.build import derive
from derive.derivation.names import gradient
from derive.numbers.rounding import format_number
from derive.render.document.latex import render
from derive.render.document.names import latex_name, latex_number, latex_text
from derive.spec.load import load_network
from tests.conftest import CASES, Golden
from tests.latex_cases import (
    BLOG_STEPS,
    HOSTILE,
    LAYERED,
    case_files,
    derived,
    large_yaml,
    step_values,
    write,
)
from tests.oracle import diff_gradients

# ---- names and escaping ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("w6", "w_{6}"),
        ("y", "y"),
        ("eta", r"\eta"),
        ("dC/dw6", r"\frac{\partial C}{\partial w_{6}}"),
        ("dO3/dz3", r"\frac{\partial O_{3}}{\partial z_{3}}"),
        ("w2_13", "w^{2}_{13}"),
        ("w3_1_12", "w^{3}_{1,12}"),
        ("a(L-1)", "a^{(L-1)}"),
        ("w(L)", "w^{(L)}"),
        ("O3[2]", "O_{3}^{[2]}"),
        ("a2_1[3]", "{a^{2}_{1}}^{[3]}"),
        ("dC/dw6[2]", r"\left(\frac{\partial C}{\partial w_{6}}\right)^{[2]}"),
        ("new_w6", r"w_{6}^{\mathrm{new}}"),
        ("new_w(L)", r"{w^{(L)}}^{\mathrm{new}}"),
    ],
)
def test_latex_names(name: str, expected: str) -> None:
    assert latex_name(name) == expected


def test_user_symbol_names_cannot_inject_latex() -> None:
    text = latex_name(r"w}\input{x")
    assert "\\input" not in text and text.count("{") == text.count("}")


def test_text_escaping_leaves_no_active_character() -> None:
    text = latex_text(HOSTILE)
    unescaped = re.findall(r"(?<!\\)[&%#_$^~]", text.replace("$\\sigma$", ""))
    assert unescaped == [] and "\\input" not in text and "日本" not in text


def test_scientific_numbers_are_typeset() -> None:
    assert latex_number("5.257e-06") == r"5.257 \times 10^{-6}"
    assert latex_number("-0.0631") == "-0.0631"


# ---- content against oracles ---------------------------------------------------------------


def test_blog_steps_are_the_seed_values_in_order() -> None:
    tex = render(derive(load_network(CASES / "blog-2-3-1.yaml"), carry="rounded"))
    values = step_values(tex)
    assert [values[n] for n in range(1, 22)] == BLOG_STEPS


def test_gradients_match_sympy_diff_of_the_composed_cost() -> None:
    net = load_network(CASES / "blog-2-3-1.yaml")
    d = derive(net, decimals=6)
    tex = render(d, only="dC/dw*,dC/dz*")
    oracle = dict(zip(d.parameters, diff_gradients(net), strict=True))
    for param in d.parameters:
        step = d[gradient(param)].step
        assert step is not None
        shown = step_values(tex)[step]
        assert float(shown) == pytest.approx(oracle[param], abs=1e-6), param


def test_a_wrong_value_is_caught_by_the_step_parser() -> None:
    tex = render(derive(load_network(CASES / "blog-2-3-1.yaml"), carry="rounded"))
    broken = tex.replace("= -0.0597 \\tag*{(4)}", "= -0.0598 \\tag*{(4)}")
    assert [step_values(broken)[n] for n in range(1, 22)] != BLOG_STEPS


def test_layered_matrix_form_uses_the_step_values(tmp_path: Path) -> None:
    d = derive(load_network(write(tmp_path, "lay.yaml", LAYERED)))
    tex = render(d)
    assert r"\delta^{3}" in tex and r"\odot" in tex and r"\left(W^{3}\right)^{T}" in tex
    delta = " \\\\ ".join(format_number(d[f"dC/dz3_{j}"].value, 4) for j in (1, 2))
    assert f"= \\begin{{pmatrix}} {delta} \\end{{pmatrix}}" in tex


def test_symbolic_values_print_as_latex_formulas() -> None:
    tex = render(derive(load_network(CASES / "3b1b-chain.yaml")))
    assert r"a^{(L)}" in tex and "**" not in tex and "σ" not in tex


def test_large_network_gets_a_summary_and_a_selection(tmp_path: Path) -> None:
    d = derive(load_network(write(tmp_path, "big.yaml", large_yaml())))
    assert len(d.steps) > 200
    tex = render(d)
    assert "239 backward steps" in tex and "-{}-only" in tex
    assert 0 < tex.count(r"\tag*") <= 60
    chosen = render(d, only="dC/dw1*")
    assert chosen.count(r"\tag*") == len([n for n in d.quantities if n.startswith("dC/dw1")])


def test_only_selects_steps_by_glob() -> None:
    tex = render(derive(load_network(CASES / "blog-2-3-1.yaml")), only="dC/dw6,O3")
    assert set(step_values(tex)) == {4} and r"O_{3} &=" in tex and "z_{0} &=" not in tex


# ---- command line -------------------------------------------------------------------------


def test_golden_tex_for_every_case(golden: Golden) -> None:
    for path in case_files():
        golden.check(f"latex/{path.stem}.tex", render(derived(path.stem)))


def test_cli_writes_atomically_and_refuses_to_overwrite(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "notes.tex"
    blog = str(CASES / "blog-2-3-1.yaml")
    first = runner.invoke(app, ["latex", blog, "-o", str(target)])
    assert first.exit_code == 0 and target.read_text().startswith("\\documentclass")
    target.write_text("keep me")
    again = runner.invoke(app, ["latex", blog, "-o", str(target)])
    assert again.exit_code == 2 and "--force" in again.output
    assert target.read_text() == "keep me"
    forced = runner.invoke(app, ["latex", blog, "-o", str(target), "--force", "--body"])
    assert forced.exit_code == 0 and target.read_text().startswith("% derive latex --body")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.tex"]  # no temp file left


def test_cli_output_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        target = tmp_path / "shared.tex"
        args = ["latex", str(CASES / "laan-1-1-1.yaml"), "-o", str(target)]
        result = CliRunner().invoke(app, args)
    finally:
        os.umask(old)
    assert result.exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o644  # as any new file, not mkstemp's 0600


def test_cli_prints_to_stdout_and_reports_bad_input_in_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["latex", str(CASES / "blog-2-3-1.yaml"), "--carry", "rounded"])
    assert out.exit_code == 0 and "\\end{document}" in out.output
    bad = write(tmp_path, "bad.yaml", "layers: [oops\n")
    result = runner.invoke(app, ["latex", str(bad)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.strip().count("\n") == 0 and "bad.yaml" in result.output
    none = runner.invoke(app, ["latex", str(CASES / "blog-2-3-1.yaml"), "--only", "nothing*"])
    assert none.exit_code == 2 and "matches no quantity" in none.output


# ---- notes a teacher hands out unchanged ---------------------------------------------------


def test_the_one_weight_cost_means_what_the_network_computes() -> None:
    """C = (1.5·w - 0.5)², never -0.5 + 1.5·w² (the dropped parentheses of the first printer)."""
    tex = render(derived("laan-1-1-1"))
    cost = next(line for line in tex.splitlines() if line.startswith("C &="))
    assert r"\left(1.5 \cdot w - 0.5\right)^{2}" in cost and "w^{2}" not in cost
    assert r"\left(3 \cdot w - 1\right) \cdot 1.5" in tex and "-1 + 3" not in tex


def test_front_matter_title_author_and_date() -> None:
    d = derived("blog-2-3-1")
    plain = render(d)
    assert "\\author{}" in plain and "\\date{}" in plain and "derive}" not in plain
    assert f"\\title{{{latex_text(d.network.title)}}}" in plain
    chosen = render(d, title="Week 3: backprop", author="A. Teacher & Co", date="today")
    assert "\\title{Week 3: backprop}" in chosen and "\\author{A. Teacher \\& Co}" in chosen
    assert "\\date{\\today}" in chosen
    assert "\\date{1 March 2026}" in render(d, date="1 March 2026")
    body = render(d, standalone=False, title="Week 3")
    assert "\\section*{Week 3}" in body


def test_source_is_the_base_name_and_cost_is_math(tmp_path: Path) -> None:
    deep = tmp_path / "home" / "teacher" / "private"
    deep.mkdir(parents=True)
    path = write(deep, "net.yaml", (CASES / "blog-2-3-1.yaml").read_text())
    tex = render(derive(load_network(path)))
    assert "Source: net.yaml." in tex and "teacher" not in tex and "private" not in tex
    assert r"$C = \frac{1}{2} \sum (a - y)^{2}$" in tex and "(a - y)$^2$" not in tex


def test_signed_numbers_beside_text_are_braced() -> None:
    tex = render(derived("blog-2-3-1", "rounded"))
    assert r"(\text{exact } {-0.02597})" in tex
    assert not re.search(r"\\text\{exact \} -", tex)


def test_updates_are_one_table_after_the_rule_once() -> None:
    d = derived("blog-2-3-1")
    tex = render(d)
    updates = _section(tex, "Gradient descent")
    assert updates.count(r"\begin{tabular}") == 1 and r"\begin{align*}" not in updates
    assert updates.count(r"\mathrm{new}}$ &") == len(d.parameters)
    assert r"$w_{7}^{\mathrm{new}}$ & $-0.5 - 0.5 \cdot \left(-0.0631\right)$ & $-0.4684$" in tex
    assert updates.count(r"p^{\mathrm{new}} = p - \eta") == 1


def test_long_tables_are_split_into_tabulars_that_need_no_second_run(tmp_path: Path) -> None:
    from derive.render.document.latex import TABLE_ROWS

    d = derive(load_network(write(tmp_path, "big.yaml", large_yaml())))
    tex = render(d, only="new_*")
    assert "longtable" not in tex
    updates = _section(tex, "Gradient descent")
    rows = updates.count(r"\mathrm{new}}$ &")
    assert rows > TABLE_ROWS and updates.count(r"\begin{tabular}") == -(-rows // TABLE_ROWS)


def test_given_values_at_the_display_decimals() -> None:
    tex = render(derived("3b1b-784-16-16-10"))
    assert "-0.08150873708366446" not in tex and re.search(r"\d\.\d{9}", tex) is None
    assert "$-0.0815 - 3 \\cdot 0.1167$" in tex
    blog = render(derived("blog-2-3-1"))  # numbers written with few places stay as written
    assert "$w_{0}$ & $0.15$" in blog


def test_a_symbol_kept_symbolic_is_never_its_own_value() -> None:
    d = derive(load_network(CASES / "laan-1-1-1.yaml"), general=True)
    tex = render(d)
    assert "$\\eta = \\eta$" not in tex and "Gradient descent with $\\eta$ updates" in tex
    assert "$w$ & $w$" not in tex and "$w$ & symbolic" in tex
    assert "$w$ & symbolic (0.8)" in render(derived("laan-1-1-1"))


def test_cli_title_author_and_date_options(tmp_path: Path) -> None:
    target = tmp_path / "notes.tex"
    args = ["latex", str(CASES / "laan-1-1-1.yaml"), "-o", str(target)]
    front = ["--title", "Homework 2", "--author", "Ms. Lovelace", "--date", "today"]
    result = CliRunner().invoke(app, [*args, *front])
    assert result.exit_code == 0, result.output
    tex = target.read_text()
    assert "\\title{Homework 2}" in tex and "\\author{Ms. Lovelace}" in tex
    assert "\\date{\\today}" in tex


def _section(tex: str, heading: str) -> str:
    """From a section's heading to the next section's."""
    start = tex.index(f"\\section*{{{heading}}}")
    end = tex.find("\\section*", start + 1)
    return tex[start : end if end > 0 else len(tex)]
