"""derive explain --format markdown: the LaTeX document's content as Markdown with $…$ math."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derive.cli.app import app
from derive.derivation.build import derive
from derive.render.document.latex import render as render_latex
from derive.render.document.markdown import md_text, render
from derive.spec.load import load_network
from tests.conftest import CASES, Golden
from tests.latex_cases import BLOG_STEPS, HOSTILE, LAYERED, case_files, derived, large_yaml, write

# commands GitHub's and Jupyter's math renderers (MathJax 3, KaTeX) both know
RENDERABLE = {
    *("frac", "partial", "left", "right", "cdot", "sigma", "eta", "operatorname", "mathrm"),
    *("text", "quad", "begin", "end", "odot", "nabla", "delta", "times", "ldots", "cdots"),
    *("tanh", "log", "mathit", "_", "alpha", "lambda", "infty", "exp", "sum", "Sigma"),
    *("geq", "leq", "gt", "lt", "otherwise", "for", "e", "ln", "mu"),
}


def math_segments(markdown: str) -> list[str]:
    blocks = re.findall(r"^\$\$\n(.*?)\n\$\$$", markdown, flags=re.S | re.M)
    outside = re.sub(r"^\$\$\n.*?\n\$\$$", "", markdown, flags=re.S | re.M)
    inline = re.findall(r"(?<![\\$])\$([^$\n]+)\$", outside)
    return blocks + inline


def step_values(markdown: str) -> dict[int, str]:
    out = {}
    for n, block in re.findall(r"\*\*Step (\d+)\.\*\*\n\n\$\$\n(.*?)\n\$\$", markdown, re.S):
        last = block.splitlines()[-2]  # the row before \end{aligned}
        out[int(n)] = last.split("= ")[-1].split(r"\quad")[0].strip()
    return out


def test_blog_markdown_golden(golden: Golden) -> None:
    golden.check("markdown/blog-2-3-1.md", render(derived("blog-2-3-1", "rounded")))


def test_blog_steps_in_order_with_the_seed_values() -> None:
    md = render(derive(load_network(CASES / "blog-2-3-1.yaml"), carry="rounded"))
    values = step_values(md)
    assert [values[n] for n in range(1, 22)] == BLOG_STEPS


@pytest.mark.parametrize("path", case_files(), ids=lambda p: p.stem)
def test_math_is_balanced_and_renderable(path: Path) -> None:
    md = render(derived(path.stem))
    assert md.count("$$") % 2 == 0 and r"\tag" not in md
    for segment in math_segments(md):
        body = segment.replace(r"\{", "").replace(r"\}", "")
        assert body.count("{") == body.count("}"), segment
        assert body.count(r"\left") == body.count(r"\right"), segment
        assert body.count(r"\begin") == body.count(r"\end"), segment
        unknown = set(re.findall(r"\\([A-Za-z]+|_)", segment)) - RENDERABLE
        assert not unknown, (path.name, unknown)


@pytest.mark.parametrize("path", case_files(), ids=lambda p: p.stem)
def test_every_equation_row_is_the_latex_documents(path: Path) -> None:
    d = derived(path.stem)
    latex = render_latex(d)
    rows = [r for s in math_segments(render(d)) if "aligned" in s for r in s.splitlines()]
    for row in rows:
        if row.startswith(r"\begin") or row.startswith(r"\end"):
            continue
        assert row.removesuffix(r" \\") in latex, row


def test_layered_matrix_form_and_large_summary(tmp_path: Path) -> None:
    md = render(derive(load_network(write(tmp_path, "lay.yaml", LAYERED))))
    assert "## Matrix form" in md and r"\odot" in md
    big = render(derive(load_network(write(tmp_path, "big.yaml", large_yaml()))))
    assert "239 backward steps" in big and 0 < big.count("**Step ") <= 60


def test_hostile_title_is_escaped() -> None:
    text = md_text(HOSTILE + "\n# not a heading *bold* [link](x) | cell")
    assert "\n" not in text and "\\*bold\\*" in text and "\\[link\\]" in text
    assert re.search(r"(?<!\\)[|<>$`*_\[\]]", text) is None


def test_explain_format_markdown_from_the_command_line() -> None:
    result = CliRunner().invoke(
        app, ["explain", str(CASES / "blog-2-3-1.yaml"), "--format", "markdown"]
    )
    assert result.exit_code == 0
    assert result.output.startswith("# 2-3-1 sigmoid network") and "**Step 21.**" in result.output


def glued_math(markdown: str) -> list[str]:
    """Inline $…$ with a letter, digit or colon (or another $) right outside it: GitHub,
    Jupyter and MkDocs then show raw dollars."""
    outside = re.sub(r"^\$\$\n.*?\n\$\$$", "", markdown, flags=re.S | re.M)
    glued = []
    for line in outside.splitlines():
        for m in re.finditer(r"(?<!\\)\$[^$\n]+?(?<!\\)\$", line):
            before, after = line[m.start() - 1 : m.start()], line[m.end() : m.end() + 1]
            if re.match(r"[\w:$]", before) or re.match(r"[\w:$]", after):
                glued.append(line[max(m.start() - 10, 0) : m.end() + 10])
    return glued


@pytest.mark.parametrize("path", case_files(), ids=lambda p: p.stem)
def test_inline_math_never_touches_a_word(path: Path) -> None:
    d = derived(path.stem)
    assert glued_math(render(d)) == [], path.name
    assert glued_math(render(d, why=True)) == [], path.name


def test_the_glued_math_check_catches_the_old_output() -> None:
    old = "Gradient descent with$\\eta = 0.5$:$p^{new}$ and ($\\odot$is the product)."
    assert len(glued_math(old)) == 3
    assert glued_math("with $\\eta = 0.5$, by $p$. ($\\odot$ is)\n$$\nx$y$z\n$$\n") == []


def test_symbolic_markdown_never_says_eta_is_eta() -> None:
    md = render(derive(load_network(CASES / "laan-1-1-1.yaml"), general=True))
    assert "\\eta = \\eta" not in md and "| $w$ | $w$ |" not in md
    assert "Gradient descent with $\\eta$ updates each parameter $p$ by" in md


def test_markdown_cost_line_is_math() -> None:
    md = render(derived("blog-2-3-1"))
    assert "Cost (half\\_squared\\_error): $C = \\frac{1}{2} \\sum (a - y)^{2}$." in md
    assert "Source: blog-2-3-1.yaml." in md
