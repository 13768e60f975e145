"""derive latex through real pdflatex runs over every file in cases/: one run is enough (no "Rerun
LaTeX", no table widths waiting for a second run), no LaTeX errors, no overfull box wider than
10pt, only vector fonts (no Type 3 bitmaps), key numbers in the PDF's text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from derive.derivation.build import derive
from derive.derivation.quantity import Derivation
from derive.render.document.latex import PACKAGES, render
from derive.render.values import value_text
from derive.spec.load import load_network
from tests.conftest import CASES
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

Compiled = tuple[Derivation, str, str, str, list[str]]  # derivation, tex, log, PDF text, bitmaps


def pdflatex_or_skip() -> str:
    exe = shutil.which("pdflatex")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing in CI (.ci/run installs texlive-latex-base)")
        pytest.skip("pdflatex not installed (apt-get install texlive-latex-base ...)")
    return exe


def bitmap_fonts(pdf: Path) -> list[str]:
    """The PDF's fonts that are bitmaps (Type 3), from pdffonts: blurry when printed or zoomed."""
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts not installed (apt-get install poppler-utils)")
    run = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True)
    return [line for line in run.stdout.splitlines()[2:] if " Type 3 " in line]


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
    """LaTeX errors, requests for a second run, and boxes overfull by more than 10pt."""
    errors = [line for line in log.splitlines() if line.startswith("!")]
    errors += [line for line in log.splitlines() if "Rerun" in line or "have changed" in line]
    overfull = [
        m.group(0)
        for m in re.finditer(r"Overfull \\[hv]box \(([\d.]+)pt too \w+\)", log)
        if float(m.group(1)) > 10
    ]
    return errors + overfull


@pytest.fixture(scope="module")
def compiled(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Compiled]:
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
        log, text = compile_tex(folder, name, tex)
        pdf = folder / f"{name}.pdf"
        out[name] = (d, tex, log, text, bitmap_fonts(pdf) if pdf.exists() else ["no PDF"])
    return out


@pytest.mark.parametrize("case", [p.stem for p in case_files()] + ["layered", "large", "hostile"])
def test_standalone_compiles_cleanly(compiled: dict[str, Compiled], case: str) -> None:
    d, tex, log, text, _ = compiled[case]
    assert problems(log) == [], case
    assert "Output written" in log
    tags = step_values(tex)
    shown = [*[q for q in d.steps if q.step in tags][-3:], d["C"]]
    for q in shown:
        number = value_text(q, d.decimals)
        if re.fullmatch(r"-?\d+\.\d+", number):
            assert number in text, (case, q.name, number)


def test_blog_pdf_holds_the_21_step_values(
    compiled: dict[str, Compiled],
) -> None:
    text = compiled["blog-2-3-1"][3]
    for value in BLOG_STEPS:
        assert value in text
    assert text.count("-0.0631") >= 2


@pytest.mark.parametrize("case", [p.stem for p in case_files()] + ["layered", "hostile"])
def test_fonts_are_vector(compiled: dict[str, Compiled], case: str) -> None:
    assert compiled[case][4] == [], case


def test_the_checkers_catch_a_second_run_and_bitmap_fonts(tmp_path: Path) -> None:
    """Without lmodern, T1 text comes in bitmap (Type 3) fonts on a minimal TeX Live unless
    cm-super is installed; a longtable asks for a second run. Both are caught."""
    table = "\\begin{longtable}{ll}\nQuantity & Value \\\\\n\\endhead\nw & 0.15 \\\\\n"
    table += "a much longer first column & 2 \\\\\n\\end{longtable}\n"
    tex = (
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{longtable}\n"
        f"\\begin{{document}}\nText.\n{table}\\end{{document}}\n"
    )
    log, _ = compile_tex(tmp_path, "twice", tex)
    assert any("Rerun" in p or "have changed" in p for p in problems(log))
    cm_super = subprocess.run(["kpsewhich", "sfrm1000.pfb"], capture_output=True, check=False)
    if not cm_super.stdout.strip():  # without cm-super the EC text fonts are bitmaps
        assert bitmap_fonts(tmp_path / "twice.pdf") != []


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


def test_one_example_compiles_and_shows_its_values(tmp_path: Path) -> None:
    d = derive(load_network(CASES / "minibatch-2-2-1.yaml"))
    log, text = compile_tex(tmp_path, "example2", render(d, example=2))
    assert problems(log) == []
    assert "example 2 of 3" in text
    for name in ("O3[2]", "dC/dw5[2]", "dC/dw5"):
        assert value_text(d[name], d.decimals) in text, name


def test_thousands_of_chosen_equations_fit_in_tex_memory(tmp_path: Path) -> None:
    """--only 'dC/dw*' on 3,000 inputs: one align* of 3,000 rows exceeded TeX's main memory."""
    n = 3000
    net = tmp_path / "wide.yaml"
    net.write_text(
        "layers:\n  - size: 3000\n  - size: 1\n    activation: sigmoid\n"
        f"    weights: [[{', '.join(['0.001'] * n)}]]\n"
        f"examples: [{{input: [{', '.join(['1.0'] * n)}], target: [1.0]}}]\ncost: mse\n",
        encoding="utf-8",
    )
    tex = render(derive(load_network(net)), only="dC/dw*")
    assert tex.count("\\begin{align*}") > n // 100
    log, text = compile_tex(tmp_path, "wide", tex)
    assert problems(log) == [] and "Output written" in log
    assert "2999" in text
