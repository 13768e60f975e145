"""derive draw: the network, the chain behind a gradient and the cost curve, as SVG, TikZ and DOT.

The chain's labels are checked against the derivation (the products of the local values along
every path, summed over paths, are the gradient's step), the curve against C re-derived with the
parameter changed, the SVG by an XML parser and a real browser, the TikZ by pdflatex.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from functools import cache, reduce
from pathlib import Path
from typing import Any, get_args

import pytest
import sympy as sp
from typer.testing import CliRunner

from derive.cli import app
from derive.cli.draw import PictureFormat as CliPictureFormat
from derive.derivation.build import derive
from derive.derivation.curve import cost_at, cost_curve
from derive.derivation.graph import Chain, gradient_chains
from derive.derivation.names import display, gradient, per_example
from derive.derivation.quantity import Derivation
from derive.render.pictures import (
    SCENES,
    CurvePicture,
    NetworkPicture,
    PathPicture,
    PictureFormat,
    draw,
)
from derive.render.pictures.scene import ACCENT, NEGATIVE, POSITIVE, Text
from derive.render.values import value_text
from derive.spec.load import load_network
from derive.spec.network import Network
from tests.conftest import CASES
from tests.test_latex_pdf import pdflatex_or_skip

SVG = "{http://www.w3.org/2000/svg}"
BLOG = CASES / "blog-2-3-1.yaml"
PATH_CASES = ["blog-2-3-1", "tanh-2-2-1", "minibatch-2-2-1", "softmax-classifier"]


@cache
def derived(case: str) -> Derivation:
    return derive(load_network(CASES / f"{case}.yaml"))


def svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg.encode("utf-8"))
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def symbolic(value: Any) -> bool:
    return isinstance(value, sp.Basic) and not value.is_Number


def close(a: Any, b: Any) -> bool:
    if symbolic(a) or symbolic(b):
        return bool(sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0)
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-15)


# --------------------------------------------------------------------------------------------
# the network


def test_svg_holds_every_weight_neuron_and_value() -> None:
    d = derived("blog-2-3-1")
    texts = svg_texts(draw(d, NetworkPicture()))
    for w in ["w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"]:
        assert f"{w} = {value_text(d[w], 4)}" in texts, w
    for b in ["b0", "b1", "b2", "b3"]:
        assert f"{b} = {value_text(d[b], 4)}" in texts, b
    for neuron in ["x0", "x1", "O0", "O1", "O2", "O3", "C"]:
        assert neuron in texts, neuron
        assert value_text(d[neuron], 4) in texts, neuron
    assert "y = 0.92" in texts


@pytest.mark.parametrize(
    "chosen",
    [
        NetworkPicture(False, None),
        NetworkPicture(True, None),
        CurvePicture("w1"),
        PathPicture("dC/dw1", None),
    ],
    ids=["network", "gradients", "curve", "path"],
)
def test_every_text_fits_the_canvas(chosen: Any) -> None:
    """A title longer than the network is wide (micrograd's neuron) once ran off the right edge
    of the SVG: every level text ends inside the canvas."""
    d = derived("micrograd-neuron")
    scene = SCENES[type(chosen)](d, chosen)
    texts = [t for t in scene.items if isinstance(t, Text) and not t.angle]
    assert len(d.network.title) > 60 and texts
    reach = {"start": 1.0, "middle": 0.5, "end": 0.0}
    for t in texts:
        assert t.x + t.width * reach[t.anchor] <= scene.width, t
        assert t.x - t.width * (1 - reach[t.anchor]) >= 0, t


def test_no_cost_is_said_in_words() -> None:
    """micrograd's neuron has no cost (C is the output): never "cost none = 0.7071"."""
    texts = svg_texts(draw(derived("micrograd-neuron"), NetworkPicture(False, None)))
    value = value_text(derived("micrograd-neuron")["C"], 4)
    assert any(f"no cost: C = the output = {value}" in t for t in texts)
    assert not any("cost none" in t for t in texts)


def test_svg_stands_alone() -> None:
    svg = draw(derived("blog-2-3-1"), NetworkPicture(gradients=True))
    root = ET.fromstring(svg.encode("utf-8"))
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert tags <= {"svg", "title", "defs", "marker", "path", "rect", "text", "circle", "polyline"}
    for outside in ("href", "@import", "<script", "<image", "@font-face", "http://www.w3.org/1999"):
        assert outside not in svg
    assert "sans-serif" in root.get("font-family", "")


def test_gradients_on_edges_and_neurons() -> None:
    d = derived("blog-2-3-1")
    texts = svg_texts(draw(d, NetworkPicture(gradients=True)))
    for p in d.parameters:
        if p.startswith("w"):
            assert f"{display(gradient(p))} = {value_text(d[gradient(p)], 4)}" in texts, p
    for z in ["z0", "z1", "z2", "z3"]:
        assert f"∂C/∂{z} = {value_text(d[gradient(z)], 4)}" in texts, z


def test_user_text_is_escaped() -> None:
    d = derived("blog-2-3-1")
    hostile = '<script>alert("x")</script> & ]]> \\end{document} 50% $x$ {y} #1 ~'
    d2 = replace(d, network=replace(d.network, title=hostile))
    svg = draw(d2, NetworkPicture())
    root = ET.fromstring(svg.encode("utf-8"))
    assert "<script" not in svg
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == hostile
    tikz = draw(d2, NetworkPicture(), fmt="tikz")
    assert "\\end{document} 50%" not in tikz and "\\end{document}" in tikz
    dot = draw(d2, NetworkPicture(), fmt="dot")
    assert 'alert(\\"x\\")' in dot


def test_large_layers_are_elided() -> None:
    d = derive(load_network(CASES / "3b1b-784-16-16-10.yaml"))
    svg = draw(d, NetworkPicture())
    texts = svg_texts(svg)
    assert {"⋮ 777 more", "⋮ 9 more", "⋮ 3 more"} <= set(texts)
    circles = ET.fromstring(svg.encode("utf-8")).findall(f"{SVG}circle")
    assert len(circles) == 7 + 7 + 7 + 7 + 1  # seven per layer, and C
    assert "x784" in texts and "a4_10" in texts


# --------------------------------------------------------------------------------------------
# the chain behind a gradient


def _chains(d: Derivation, param: str) -> list[tuple[str, Chain]]:
    """(the name its paths must sum to, the chain) for each example's gradient."""
    count = len(d.network.examples)
    if count == 1:
        return [(gradient(param), gradient_chains(d, gradient(param))[0])]
    names = [per_example(gradient(param), k) for k in range(1, count + 1)]
    return [(name, gradient_chains(d, name)[0]) for name in names]


@pytest.mark.parametrize("case", [*PATH_CASES, "relu-2-2-1", "laan-1-1-1", "medium-chain"])
def test_path_products_sum_to_the_gradient(case: str) -> None:
    """For every parameter: multiply the labelled local values along each path, add the paths:
    that is the gradient's step (each example's, and their mean for a mini-batch)."""
    d = derived(case)
    for param in d.parameters:
        totals = []
        for name, chain in _chains(d, param):
            paths = list(chain.paths())
            assert paths and all(path[-1].num == chain.cost for path in paths)
            summed = reduce(
                lambda a, b: a + b, (reduce(lambda a, e: a * e.value, path, 1) for path in paths)
            )
            assert close(summed, d[name].value), (case, name, summed, d[name].value)
            assert chain.count() == len(paths) and close(chain.total(), summed)
            totals.append(summed)
        mean = sum(totals) / len(totals)
        assert close(mean, d[gradient(param)].value), (case, param)


@pytest.mark.parametrize("case", PATH_CASES)
def test_path_labels_are_the_derivations_locals(case: str) -> None:
    """Every local derivative drawn is the derivation's quantity where it is one (∂O/∂z, ∂C/∂O)
    and its label is in the picture with its value."""
    d = derived(case)
    for param in d.parameters[:: max(1, len(d.parameters) // 5)]:
        texts = set(svg_texts(draw(d, PathPicture(gradient(param)))))
        for _, chain in _chains(d, param):
            for edge in chain.edges:
                if edge.name in d:
                    assert edge.value == d[edge.name].value and edge.step == d[edge.name].step
                else:
                    assert edge.name.startswith("dz")  # ∂z/∂w, ∂z/∂b, ∂z/∂O: inside steps
                assert any(t.startswith(display(edge.name) + " = ") for t in texts), edge.name


def test_softmax_paths_couple_the_outputs() -> None:
    d = derived("softmax-classifier")
    chain = gradient_chains(d, "dC/dw1")[0]
    names = {edge.name for edge in chain.edges}
    assert {"dO4/dz3", "dO3/dz4", "dO5/dz5"} <= names  # ∂O_i/∂z_j for i ≠ j too
    assert chain.count() == 9  # z1 → O1 → z3..z5 → O3..O5 → C


def test_blog_path_reads_like_the_blog() -> None:
    texts = svg_texts(draw(derived("blog-2-3-1"), PathPicture("dC/dw0")))
    assert "∂O0/∂z0 = O0 · (1 - O0)" in texts and "= 0.0508" in texts
    assert "∂C/∂w0 = ∂C/∂O3 · ∂O3/∂z3 · ∂z3/∂O0 · ∂O0/∂z0 · ∂z0/∂w0" in texts
    assert any(t.endswith("= -0.0058, step 10 of derive explain") for t in texts)


# --------------------------------------------------------------------------------------------
# the cost curve


def test_laan_curve_is_the_parabola() -> None:
    d = derived("laan-1-1-1")
    curve = cost_curve(d, "w")
    assert (curve.at, curve.eta) == (0.8, 0.1)
    assert math.isclose(curve.slope, 2.1) and math.isclose(curve.cost, 0.49)
    assert math.isclose(curve.step_to, 0.59)
    for w, c in curve.samples:
        assert math.isclose(c, (1.5 * w - 0.5) ** 2, rel_tol=1e-9, abs_tol=1e-12)
    texts = svg_texts(draw(d, CurvePicture("w")))
    assert "tangent, slope ∂C/∂w = 2.1000" in texts


def _with_w6(net: Network, value: float) -> Network:
    hidden, out = net.layers
    row = (value, *out.weights[0][1:])
    return replace(net, layers=(hidden, replace(out, weights=(row,))))


def test_curve_points_and_tangent_match_the_derivation() -> None:
    d = derived("blog-2-3-1")
    curve = cost_curve(d, "w6")
    assert curve.slope == d["dC/dw6"].value and curve.cost == d["C"].value
    for w, c in curve.samples[::15]:
        again = derive(_with_w6(d.network, w))
        assert math.isclose(c, again["C"].value, rel_tol=1e-12), w
    h = 1e-6  # the tangent's slope is the derivative of the curve
    up, down = cost_at(d, "w6", xs=[0.9 + h, 0.9 - h])
    assert up is not None and down is not None
    assert math.isclose((up - down) / (2 * h), curve.slope, rel_tol=1e-6)
    landed = derive(_with_w6(d.network, curve.step_to))["C"].value
    assert curve.step_cost is not None and math.isclose(curve.step_cost, landed, rel_tol=1e-12)
    assert math.isclose(curve.step_to, d["new_w6"].value, rel_tol=1e-12)


# --------------------------------------------------------------------------------------------
# the command


def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["draw", *args])


@pytest.mark.parametrize(
    ("option", "name", "near"),
    [("--path", "dC/dw66", "dC/dw6"), ("--curve", "w66", "w6"), ("--path", "dC/dz3", "dC/dw")],
)
def test_a_bad_name_is_one_line_with_close_names(option: str, name: str, near: str) -> None:
    result = run(str(BLOG), option, name)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("derive: error: ")
    assert option in result.stderr and "did you mean" in result.stderr and near in result.stderr


def test_format_from_the_extension(tmp_path: Path) -> None:
    for suffix, start in [(".svg", "<?xml"), (".tex", "% "), (".tikz", "% "), (".gv", "digraph")]:
        out = tmp_path / f"picture{suffix}"
        assert run(str(BLOG), "-o", str(out)).exit_code == 0, suffix
        assert out.read_text(encoding="utf-8").startswith(start), suffix
    again = run(str(BLOG), "-o", str(tmp_path / "picture.svg"))
    assert again.exit_code == 2 and "--force" in again.stderr
    assert run(str(BLOG), "-o", str(tmp_path / "picture.svg"), "--force").exit_code == 0
    unknown = run(str(BLOG), "-o", str(tmp_path / "picture.png"))
    assert unknown.exit_code == 2 and ".svg" in unknown.stderr
    assert not (tmp_path / "picture.png").exists()


def test_stdout_and_choices() -> None:
    result = run(str(BLOG), "--path", "w0", "--format", "dot")
    assert result.exit_code == 0 and result.stdout.startswith("digraph")
    assert run(str(BLOG), "--curve", "w6", "--format", "dot").exit_code == 2
    assert run(str(BLOG), "--curve", "w6", "--path", "w6").exit_code == 2
    mini = CASES / "minibatch-2-2-1.yaml"
    assert run(str(mini), "--example", "4").exit_code == 2
    assert "example 2 of 3" in run(str(mini), "--example", "2").stdout
    assert {member.value for member in CliPictureFormat} == set(get_args(PictureFormat))


def test_dot_renders_with_graphviz_when_installed(tmp_path: Path) -> None:
    d = derived("blog-2-3-1")
    text = draw(d, NetworkPicture(gradients=True), fmt="dot")
    for p in d.parameters:
        assert f"{p} = {value_text(d[p], 4)}" in text
    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed (only needed to check that dot reads the file)")
    for picture in (NetworkPicture(gradients=True), PathPicture("dC/dw0")):
        done = subprocess.run(
            ["dot", "-Tsvg"], input=draw(d, picture, fmt="dot"), capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr


# --------------------------------------------------------------------------------------------
# real renderers: a browser for the SVG, pdflatex for the TikZ


def _browser() -> str | None:
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    return next((exe for name in names if (exe := shutil.which(name))), None)


def _rasterize(svg: str, folder: Path) -> Any:
    """The SVG as an RGB array, by headless Chromium or cairosvg; skips if neither is here."""
    from PIL import Image

    root = ET.fromstring(svg.encode("utf-8"))
    width, height = (int(float(root.get(k, "0"))) for k in ("width", "height"))
    source, png = folder / "picture.svg", folder / "picture.png"
    source.write_text(svg, encoding="utf-8")
    browser = _browser()
    if browser is not None:
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
        command += [f"--screenshot={png}", f"--window-size={width},{height}", source.as_uri()]
        subprocess.run(command, capture_output=True, timeout=120, check=False)
    else:
        try:
            import cairosvg  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            pytest.skip("no headless Chromium and no cairosvg to rasterize the SVG")
        cairosvg.svg2png(bytestring=svg.encode("utf-8"), write_to=str(png))
    assert png.exists(), "the renderer wrote no PNG"
    return Image.open(png).convert("RGB")


@pytest.mark.parametrize(
    ("picture", "colour"),
    [
        (NetworkPicture(gradients=True), POSITIVE),  # positive weights
        (NetworkPicture(), NEGATIVE),  # w5 and w7
        (PathPicture("dC/dw0"), ACCENT),  # the values and the sum
        (CurvePicture("w6"), POSITIVE),  # the curve
    ],
)
def test_svg_rasterizes_to_a_picture(picture: Any, colour: str, tmp_path: Path) -> None:
    image = _rasterize(draw(derived("blog-2-3-1"), picture), tmp_path)
    data = image.tobytes()
    pixels = [tuple(data[i : i + 3]) for i in range(0, len(data), 3)]
    inked = sum(1 for r, g, b in pixels if r + g + b < 600)
    assert inked > 0.01 * len(pixels), "the picture is (nearly) blank"
    want = tuple(int(colour[k : k + 2], 16) for k in (1, 3, 5))
    near = sum(1 for p in pixels if sum(abs(a - b) for a, b in zip(p, want, strict=True)) < 60)
    assert near > 50, f"hardly any {colour} in the picture"


def _pdflatex_or_skip() -> str:
    """pdflatex as the LaTeX tests find it, and tikz.sty (which CI installs)."""
    exe = pdflatex_or_skip()
    found = subprocess.run(["kpsewhich", "tikz.sty"], capture_output=True, text=True)
    if not found.stdout.strip():
        if os.environ.get("CI"):
            pytest.fail("tikz.sty is missing in CI (.ci/run installs texlive-pictures)")
        pytest.skip("tikz.sty not installed (apt-get install texlive-pictures)")
    return exe


@pytest.mark.parametrize(
    ("case", "picture", "shown"),
    [
        ("blog-2-3-1", NetworkPicture(gradients=True), "0.9463"),
        ("softmax-classifier", PathPicture("dC/dw1"), "0.2055"),
        ("minibatch-2-2-1", PathPicture("w5"), "2.0535"),
        ("laan-1-1-1", CurvePicture("w"), "0.4900"),
    ],
)
def test_tikz_compiles(case: str, picture: Any, shown: str, tmp_path: Path) -> None:
    exe = _pdflatex_or_skip()
    d = derived(case)
    d = replace(d, network=replace(d.network, title="50% of {x} & $y$ #1 ~ \\end{document}"))
    (tmp_path / "picture.tex").write_text(draw(d, picture, fmt="tikz"), encoding="utf-8")
    subprocess.run(
        [exe, "-interaction=nonstopmode", "-halt-on-error", "picture.tex"],
        cwd=tmp_path,
        capture_output=True,
        timeout=180,
        check=False,
    )
    log = (tmp_path / "picture.log").read_text(encoding="latin-1")
    assert not [line for line in log.splitlines() if line.startswith("!")], log[-3000:]
    assert (tmp_path / "picture.pdf").exists()
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "picture.pdf"), "-"], capture_output=True, check=True
        ).stdout.decode()
        assert shown in text and "50% of {x} & $y$ #1" in text
