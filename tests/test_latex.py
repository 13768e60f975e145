"""derive latex: names, escaping, content checked against independent oracles, and real pdflatex
runs over every file in cases/ (no LaTeX errors, no overfull box wider than 10pt, key numbers in
the PDF's text)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from contextlib import chdir
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derive.backprop import derive
from derive.cli.app import app
from derive.derivation import Derivation, gradient
from derive.latexnames import latex_name, latex_number, latex_text
from derive.loader import load_network
from derive.render.latex import PACKAGES, render
from derive.render.values import value_text
from derive.rounding import format_number
from tests.conftest import CASES, ROOT, Golden
from tests.oracle import diff_gradients

# seed 003: the blogger's 21 backward-step values, carried by hand to 4 decimals
BLOG_STEPS = [
    *("-0.2755", "0.2291", "-0.0631", "-0.0597", "-0.0631", "-0.0339", "-0.0568", "0.0508"),
    *("-0.0029", "-0.0058", "-0.0261", "0.0316", "0.0002", "0.0000", "0.0000", "0.0000"),
    *("-0.0050", "0.2486", "-0.0012", "-0.0024", "-0.0108"),
]
LAYERED = """title: layered 2-2-2 (Mazur's numbers)
notation: {style: layered, start: 1}
layers:
  - size: 2
  - {size: 2, activation: sigmoid, weights: [[0.15, 0.2], [0.25, 0.3]], biases: [0.35, 0.35]}
  - {size: 2, activation: sigmoid, weights: [[0.4, 0.45], [0.5, 0.55]], biases: [0.6, 0.6]}
examples:
  - {input: [0.05, 0.1], target: [0.01, 0.99]}
cost: half_squared_error
learning_rate: 0.5
"""
HOSTILE = r"\input{/etc/passwd} $x$ & 50% #1 _a ^b ~c {d} <e> 日本 σ"


@cache
def derived(case: str, carry: str = "exact") -> Derivation:
    """A case's derivation, loaded by its relative path (deterministic source text), once."""
    with chdir(ROOT):
        return derive(load_network(Path("cases") / f"{case}.yaml"), carry=carry)


def case_files() -> list[Path]:
    return sorted(p for p in CASES.glob("*.yaml") if not p.name.endswith(".answers.yaml"))


def large_yaml() -> str:
    """A 4-10-10-3 network: 239 backward steps, past the summary threshold."""
    layers = ["  - size: 4"]
    for size, before in ((10, 4), (10, 10), (3, 10)):
        rows = [
            [round(((j * 7 + k * 3) % 11 - 5) / 10, 2) for k in range(before)] for j in range(size)
        ]
        layers.append(
            f"  - {{size: {size}, activation: sigmoid, weights: {rows}, biases: {[0.1] * size}}}"
        )
    return (
        "title: large 4-10-10-3\nlayers:\n" + "\n".join(layers) + "\nexamples:\n"
        "  - {input: [0.1, 0.2, 0.3, 0.4], target: [0, 1, 0]}\ncost: half_squared_error\n"
    )


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


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


def step_values(tex: str) -> dict[int, str]:
    """Step number → the last '= value' of its equation (before any exact note)."""
    equations: list[list[str]] = []
    for line in tex.splitlines():
        row = line.removesuffix(" \\\\")
        if row.startswith("&") and equations:
            equations[-1].append(row)
        elif "&=" in row:
            equations.append([row])
    out: dict[int, str] = {}
    for rows in equations:
        tag = re.search(r"\\tag\*\{\((\d+)\)\}", rows[0])
        if tag:
            last = rows[-1].replace(tag.group(0), "").split("= ")[-1]
            out[int(tag.group(1))] = last.split(r"\quad")[0].strip()
    return out


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


# ---- pdflatex -----------------------------------------------------------------------------


def pdflatex_or_skip() -> str:
    exe = shutil.which("pdflatex")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing in CI (.ci/run installs texlive-latex-base)")
        pytest.skip("pdflatex not installed (apt-get install texlive-latex-base ...)")
    return exe


def compile_tex(folder: Path, name: str, tex: str) -> tuple[str, str]:
    """pdflatex once; returns (log, text of the PDF)."""
    pdflatex_or_skip()
    (folder / f"{name}.tex").write_text(tex, encoding="utf-8")
    subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
        cwd=folder,
        capture_output=True,
        timeout=120,
        check=False,
    )
    log = (folder / f"{name}.log").read_text(encoding="latin-1")
    pdf = folder / f"{name}.pdf"
    text = ""
    if pdf.exists():
        run = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
        text = run.stdout.decode().replace("\u2212", "-")
    return log, text


def problems(log: str) -> list[str]:
    """LaTeX errors and boxes overfull by more than 10pt."""
    errors = [line for line in log.splitlines() if line.startswith("!")]
    overfull = [
        m.group(0)
        for m in re.finditer(r"Overfull \\[hv]box \(([\d.]+)pt too \w+\)", log)
        if float(m.group(1)) > 10
    ]
    return errors + overfull


@pytest.fixture(scope="module")
def compiled(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[Derivation, str, str, str]]:
    pdflatex_or_skip()
    folder = tmp_path_factory.mktemp("latex")
    sources = {p.stem: p for p in case_files()}
    sources["layered"] = write(folder, "layered.yaml", LAYERED)
    sources["large"] = write(folder, "large.yaml", large_yaml())
    sources["hostile"] = write(
        folder,
        "hostile.yaml",
        LAYERED.replace(
            "title: layered 2-2-2 (Mazur's numbers)", "title: '" + HOSTILE.replace("'", "''") + "'"
        ),
    )
    out = {}
    for name, path in sources.items():
        carry = "rounded" if name == "blog-2-3-1" else "exact"
        d = derived(name, carry) if path.parent == CASES else derive(load_network(path))
        tex = render(d)
        out[name] = (d, tex, *compile_tex(folder, name, tex))
    return out


@pytest.mark.parametrize("case", [p.stem for p in case_files()] + ["layered", "large", "hostile"])
def test_standalone_compiles_cleanly(
    compiled: dict[str, tuple[Derivation, str, str, str]], case: str
) -> None:
    d, tex, log, text = compiled[case]
    assert problems(log) == [], case
    assert "Output written" in log
    tags = step_values(tex)
    shown = [*[q for q in d.steps if q.step in tags][-3:], d["C"]]
    for q in shown:
        number = value_text(q, d.decimals)
        if re.fullmatch(r"-?\d+\.\d+", number):
            assert number in text, (case, q.name, number)


def test_blog_pdf_holds_the_21_step_values(
    compiled: dict[str, tuple[Derivation, str, str, str]],
) -> None:
    text = compiled["blog-2-3-1"][3]
    for value in BLOG_STEPS:
        assert value in text
    assert text.count("-0.0631") >= 2


def test_the_checker_catches_an_overfull_line(tmp_path: Path) -> None:
    wide = r"\[" + " + ".join(["x_{12345}"] * 60) + r"\]"
    tex = "\\documentclass{article}\n\\begin{document}\n" + wide + "\n\\end{document}\n"
    log, _ = compile_tex(tmp_path, "wide", tex)
    assert any("Overfull" in p for p in problems(log))


def test_body_fragment_compiles_with_the_packages_it_lists(tmp_path: Path) -> None:
    body = render(derive(load_network(CASES / "blog-2-3-1.yaml")), standalone=False)
    assert "\\documentclass" not in body and body.startswith("%")
    listed = re.search(r"\\usepackage\{([^}]*)\}", body.split("\n\n")[0])
    assert listed is not None and set(listed.group(1).split(",")) == set(PACKAGES)
    (tmp_path / "frag.tex").write_text(body, encoding="utf-8")
    preamble = "\\documentclass{article}\n\\usepackage{" + ",".join(PACKAGES) + "}\n"
    document = preamble + "\\begin{document}\n\\input{frag}\n\\end{document}\n"
    log, text = compile_tex(tmp_path, "body", document)
    assert problems(log) == [] and "-0.0597" in text


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
