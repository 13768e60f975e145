"""The HTML page (``derive explain --format html``): one self-contained document with the picture,
every step of the blog case as MathML, and marks of what each step uses; its math says what the
formula says (parsed back from the MathML); hostile titles stay text; a real browser renders it
and its script marks the quantities a step uses."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, cast

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from derive.cli.app import app
from derive.derivation.build import derive
from derive.derivation.quantity import GIVEN, Derivation, Quantity
from derive.render.html import render
from derive.render.html.mathml import MathPrinter, names_printer, numbers_printer
from derive.spec.load import load_network

from .conftest import CASES

BLOG = CASES / "blog-2-3-1.yaml"


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def walk(self) -> list[Node]:
        return [self, *(n for c in self.children for n in c.walk())]

    def all_text(self) -> str:
        return self.text + "".join(c.all_text() for c in self.children)


VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "source", "wbr"}


class Tree(HTMLParser):
    """The page as the HTML parser reads it (SVG's self-closing shapes included)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        assert tag == self.stack[-1].tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(Node("#text", {}, text=data))


def parse(html: str) -> Node:
    tree = Tree()
    tree.feed(html)
    tree.close()
    assert tree.stack == [tree.root], "unclosed elements: " + " ".join(n.tag for n in tree.stack)
    return tree.root


@pytest.fixture(scope="module")
def blog() -> Derivation:
    return derive(load_network(BLOG))


@pytest.fixture(scope="module")
def page(blog: Derivation) -> str:
    return render(blog)


def test_one_document_with_picture_tables_and_all_21_steps(page: str) -> None:
    root = parse(page)
    nodes = root.walk()
    tags = [n.tag for n in nodes]
    assert page.startswith("<!DOCTYPE html>")
    assert tags.count("html") == tags.count("body") == tags.count("svg") == 1
    steps = [n for n in nodes if "data-step" in n.attrs]
    assert [int(n.attrs["data-step"]) for n in steps] == list(range(1, 22))
    headings = [n.all_text() for n in nodes if n.tag == "h2"]
    assert headings[:5] == [
        "Network",
        "Given values",
        "Forward pass",
        "Cost",
        "Backward pass (chain rule)",
    ]
    assert headings[-1].startswith("Gradient descent, η = 0.5")
    names = [
        n.attrs["data-quantity"] for n in nodes if n.tag == "tr" and "data-quantity" in n.attrs
    ]
    for name in ("z0", "O3", "C", "dC/dO3", "dC/dw6", "new_w6", "new_b3"):
        assert name in names


def test_numbers_are_the_blog_posts(page: str) -> None:
    """Step 4 of the 2-3-1 walkthrough: ∂C/∂w6 = ∂C/∂z3 · O0 = −0.0631 · 0.9463 = −0.0597."""
    step = next(n for n in parse(page).walk() if n.attrs.get("data-step") == "4")
    shown = step.all_text()
    assert "(−0.0631)·0.9463" in shown
    assert shown.endswith("−0.0597")


def test_nothing_is_loaded_from_elsewhere(page: str) -> None:
    assert not re.search(r"https?:", page), "a URL in the page"
    nodes = parse(page).walk()
    for node in nodes:
        for key in ("src", "href", "xlink:href", "srcset", "data", "action"):
            assert key not in node.attrs, f"<{node.tag} {key}=…>"
        assert node.tag not in ("link", "iframe", "object", "embed", "img", "base")
    scripts = [n for n in nodes if n.tag == "script"]
    assert len(scripts) == 1 and not scripts[0].attrs
    assert "@import" not in page and "url(" not in page and "@font-face" not in page


def test_math_is_mathml(page: str) -> None:
    maths = re.findall(r"<math>.*?</math>", page)
    assert len(maths) > 100
    for math in maths:
        ET.fromstring(math)  # well-formed
    assert re.search(r"<mfrac><mrow><mo[^>]*>∂</mo><mi>C</mi></mrow>", page)  # ∂C/∂… as a fraction
    assert "\\frac" not in page and "$" not in page  # no LaTeX left for a script to typeset


def test_steps_carry_what_they_use(page: str, blog: Derivation) -> None:
    """Step 3 is ∂C/∂z3 = ∂C/∂O3 · ∂O3/∂z3 (the blog post's chain), step 4 uses ∂C/∂z3 and O0,
    an update uses the old value, η and the gradient; every name used is on the page."""
    nodes = parse(page).walk()
    uses = {
        n.attrs["data-quantity"]: set(json.loads(n.attrs["data-uses"]))
        for n in nodes
        if "data-uses" in n.attrs
    }
    assert uses["dC/dz3"] == {"dC/dO3", "dO3/dz3"}
    assert uses["dC/dw6"] == {"dC/dz3", "O0"}
    assert uses["new_w6"] == {"w6", "eta", "dC/dw6"}
    marked = {n.attrs["data-quantity"] for n in nodes if "data-quantity" in n.attrs}
    assert set().union(*uses.values()) <= marked
    assert all(q.name in uses for q in blog.steps)


HOSTILE = '</title><script>alert(1)</script><img src=x onerror=alert(1)> & "q" \x1b[2J'


def test_hostile_title_stays_text(tmp_path: Path) -> None:
    text = BLOG.read_text().replace(
        "title: 2-3-1 sigmoid network, one training example", f"title: {json.dumps(HOSTILE)}"
    )
    path = tmp_path / "<b>net&.yaml"
    path.write_text(text)
    html = render(derive(load_network(path)))
    nodes = parse(html).walk()
    assert [n.tag for n in nodes].count("script") == 1
    assert "img" not in [n.tag for n in nodes]
    h1 = next(n for n in nodes if n.tag == "h1").all_text()
    assert h1 == HOSTILE.replace("\x1b", "␛")  # shown, control character as its picture
    assert "\x1b" not in html and "<b>net" not in html
    title = next(n for n in nodes if n.tag == "title").all_text()
    assert "</title>" in title  # the text, not the end of the element


def test_why_puts_each_steps_sentence_under_it(blog: Derivation) -> None:
    """``--why``: under every step a row with its sentence (derivation/words.py), names as
    math; the step rows keep their marks."""
    from derive.derivation.words import Words, plain

    rows = [n for n in parse(render(blog, why=True)).walk() if n.tag == "tr"]
    words = Words(blog)
    for q in blog.steps:
        at = next(i for i, n in enumerate(rows) if n.attrs.get("data-quantity") == q.name)
        under = rows[at + 1]
        assert under.attrs["class"].split()[0] == "why"
        shown = under.all_text()
        for part in words(q):
            if isinstance(part, str):
                assert part in shown, (q.name, part)
        assert plain(words(q)) and shown.strip()
    assert "how far the output" in next(r for r in rows if r.attrs.get("class") == "why").all_text()


def test_fragment_is_one_div_with_scoped_style(blog: Derivation) -> None:
    html = render(blog, standalone=False)
    root = parse(html)
    assert [c.tag for c in root.children] == ["div"]
    assert root.children[0].attrs["class"] == "derive-page"
    style = next(n for n in root.walk() if n.tag == "style").all_text()
    selectors = [s.strip() for rule in re.findall(r"([^{}]+)\{", style) for s in rule.split(",")]
    assert selectors and all(s.startswith((".derive-page", "@media")) for s in selectors if s), (
        selectors
    )


def test_several_examples_one_example_and_symbols() -> None:
    batch = derive(load_network(CASES / "minibatch-2-2-1.yaml"))
    whole = parse(render(batch)).walk()
    assert len([n for n in whole if "data-step" in n.attrs]) == len(batch.steps)
    second = parse(render(batch, example=2)).walk()
    names = [n.attrs["data-quantity"] for n in second if "data-step" in n.attrs]
    assert names and all(not n.endswith(("[1]", "[3]")) for n in names)
    assert any(n.endswith("[2]") for n in names)
    symbolic = render(derive(load_network(CASES / "laan-1-1-1.yaml")))
    assert "<mi>w</mi>" in symbolic and "kept symbolic" in symbolic


def test_a_large_network_shows_one_gradient_not_every_step() -> None:
    hidden = {"size": 5, "activation": "sigmoid", "weights": "init", "biases": "init"}
    output = {**hidden, "size": 2}
    net = {
        "layers": [{"size": 3}, hidden, hidden, output],
        "init": {"kind": "normal", "seed": 1, "scale": 0.5},
        "examples": [{"input": [0.1] * 3, "target": [1, 0]}],
        "cost": "squared_error",
    }
    from derive.api.sources import network_of

    d = derive(network_of(net))
    assert len(d.steps) > 60
    html = render(d)
    shown = [n for n in parse(html).walk() if "data-step" in n.attrs]
    assert 0 < len(shown) < len(d.steps)
    assert "backward steps; shown here is the derivation of" in html
    every = [n for n in parse(render(d, full=True)).walk() if "data-step" in n.attrs]
    assert len(every) == len(d.steps)


# --------------------------------------------------------------------------------------------
# the math means what the formula means: MathML parsed back into SymPy


OPERATORS = {"−": "-", "+": "+", "·": "*", "×": "*", "(": "(", ")": ")", ",": ","}


def mathml_text(node: ET.Element) -> str:
    """A Python expression for what the MathML shows; a superscript on an ungrouped sum (which
    a reader would take for a power of the last term) fails the test."""
    tag, kids = node.tag, list(node)
    if tag in ("math", "mrow"):
        return "".join(mathml_text(k) for k in kids)
    if tag == "mi":
        return {"e": "E", "η": "eta"}.get(node.text or "", node.text or "")
    if tag == "mn":
        return node.text or ""
    if tag == "mo":
        return {"−": "-", "+": "+", "·": "*", "×": "*", "(": "(", ")": ")", ",": ","}[
            node.text or ""
        ]
    if tag == "mfrac":
        return f"(({mathml_text(kids[0])})/({mathml_text(kids[1])}))"
    if tag == "msqrt":
        return f"sqrt({''.join(mathml_text(k) for k in kids)})"
    if tag == "msup":
        assert grouped(kids[0]), f"superscript on an ungrouped base: {ET.tostring(node)!r}"
        return f"(({mathml_text(kids[0])})**({mathml_text(kids[1])}))"
    raise AssertionError(f"unexpected <{tag}>")


def grouped(base: ET.Element) -> bool:
    if base.tag != "mrow":
        return True
    kids = list(base)
    return kids[0].tag == "mo" and kids[0].text == "(" and kids[-1].text == ")"


SYMBOLS = sp.symbols("a b c")
POINT = {SYMBOLS[0]: sp.Float("0.37"), SYMBOLS[1]: sp.Float("-1.9"), SYMBOLS[2]: sp.Float("2.3")}


def expressions() -> st.SearchStrategy[Any]:
    numbers = (
        st.sampled_from([-3, -2, -1, 2, 3]).map(sp.Integer)
        | st.sampled_from(["-0.5", "0.25", "1.5", "-2.75"]).map(sp.Float)
        | st.just(sp.Rational(1, 2))
    )
    atoms = st.sampled_from(SYMBOLS) | numbers

    def grow(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        pair = st.lists(inner, min_size=2, max_size=3)
        return (
            pair.map(lambda xs: sp.Add(*xs, evaluate=False))
            | pair.map(lambda xs: sp.Mul(*xs, evaluate=False))
            | st.tuples(inner, st.sampled_from([2, 3, -1])).map(
                lambda t: sp.Pow(t[0], t[1], evaluate=False)
            )
            | inner.map(lambda x: sp.Mul(-1, x, evaluate=False))
            # exp of an atom only: a tower exp(exp(exp(3))) has a value with billions of
            # digits, which evaluating at the test's point never finishes
            | atoms.map(lambda x: sp.exp(x, evaluate=False))
        )

    return st.recursive(atoms, grow, max_leaves=8)


def meaning(printer: MathPrinter, expr: Any) -> Any:
    """The expression a reader takes from the printed MathML; two operators in a row
    (a + −0.5, a · −0.5, a − −0.5) fail: a sign put in needs parentheses."""
    text = mathml_text(ET.fromstring(printer.math(expr)))
    assert not re.search(r"[-+*/]-", text), text
    local = {s.name: s for s in SYMBOLS} | {"E": sp.E, "sqrt": sp.sqrt}
    return sp.parse_expr(text, local_dict=local, evaluate=True)


def close(a: Any, b: Any) -> bool:
    try:
        x, y = complex(sp.N(a, 30)), complex(sp.N(b, 30))
    except (TypeError, ZeroDivisionError):
        return True  # no value at this point (a division by zero): nothing to compare
    if any(map(lambda v: v != v or abs(v) == float("inf"), (x, y))):
        return True
    return abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(expressions())
def test_mathml_of_a_formula_means_the_formula(expr: Any) -> None:
    shown = meaning(names_printer(), expr)
    assert close(shown.subs(POINT), expr.subs(POINT)), (expr, shown)


class Values:
    """A derivation's lookup, enough for the numbers printer: a, b, c given as numbers."""

    decimals = 4
    network = load_network(BLOG)  # none of a, b, c is drawn: each is written as given

    def __init__(self, values: dict[str, float]) -> None:
        self.quantities = {n: Quantity(n, GIVEN, _value=v) for n, v in values.items()}

    def __contains__(self, name: object) -> bool:
        return name in self.quantities

    def __getitem__(self, name: str) -> Quantity:
        return self.quantities[name]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(expressions())
def test_numbers_substituted_keep_their_meaning(expr: Any) -> None:
    """A negative number put in for a symbol gets parentheses where it needs them:
    x − (−1.9), (−1.9)², never x − −1.9 or −1.9²."""
    values = {s.name: float(POINT[s]) for s in SYMBOLS}
    printer = numbers_printer(cast(Derivation, Values(values)))
    shown = meaning(printer, expr)
    assert not shown.free_symbols
    assert close(shown, expr.subs(POINT)), (expr, printer.math(expr))


# --------------------------------------------------------------------------------------------
# the command line, and a real browser


def test_cli_writes_the_page_atomically(tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    runner = CliRunner()
    done = runner.invoke(app, ["explain", str(BLOG), "--format", "html", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    again = runner.invoke(app, ["explain", str(BLOG), "--format", "html", "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    shown = runner.invoke(app, ["explain", str(BLOG), "--format", "html", "--only", "dC/dw6"])
    assert shown.exit_code == 0 and 'data-quantity="dC/dw6"' in shown.output
    why = runner.invoke(app, ["explain", str(BLOG), "--format", "html", "--why"])
    assert why.exit_code == 0 and why.output.count('<tr class="why') == 21


def browser() -> str | None:
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    return next((exe for name in names if (exe := shutil.which(name))), None)


PROBE = """<script>
const row = document.querySelector('[data-step="3"]');
row.dispatchEvent(new MouseEvent("mouseenter"));
const frac = document.querySelector("mfrac").getBoundingClientRect();
const found = {
  steps: document.querySelectorAll("[data-step]").length,
  mathml: document.querySelector("math").namespaceURI,
  fraction: [frac.width, frac.height],
  uses: [...document.querySelectorAll(".uses")].map(e => e.getAttribute("data-quantity")),
  active: [...document.querySelectorAll(".active")].map(e => e.getAttribute("data-quantity")),
};
document.body.insertAdjacentHTML("beforeend", "<pre id=probe></pre>");
document.getElementById("probe").textContent = JSON.stringify(found);
</script>"""


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    exe = browser()
    if exe is None:
        pytest.skip("no headless Chromium (apt-get install chromium)")
    command = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def test_browser_builds_the_dom_and_the_script_marks_what_a_step_uses(
    page: str, tmp_path: Path
) -> None:
    source = tmp_path / "page.html"
    source.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = chromium("--virtual-time-budget=5000", "--dump-dom", source.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout)
    assert found, done.stderr[-2000:]
    probe = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert probe["steps"] == 21
    assert probe["mathml"] == "http://www.w3.org/1998/Math/MathML"
    assert probe["fraction"][0] > 5 and probe["fraction"][1] > 10  # laid out as a fraction
    assert sorted(probe["uses"]) == ["dC/dO3", "dO3/dz3"]
    assert probe["active"] == ["dC/dz3"]


def test_screenshot_is_not_blank(page: str, tmp_path: Path) -> None:
    from PIL import Image

    source, png = tmp_path / "page.html", tmp_path / "page.png"
    source.write_text(page, encoding="utf-8")
    chromium(f"--screenshot={png}", "--window-size=1280,2400", source.as_uri())
    assert png.exists(), "the browser wrote no screenshot"
    image = Image.open(png).convert("RGB").reduce(4)  # a pixel for each 4×4: enough to count
    data = image.tobytes()
    pixels = [tuple(data[i : i + 3]) for i in range(0, len(data), 3)]
    inked = sum(1 for r, g, b in pixels if r + g + b < 700)  # not paper, not a table band
    assert inked > 0.01 * len(pixels), "the page is (nearly) blank"
    blue = sum(1 for r, g, b in pixels if b > 200 and r < 80 and g < 130)  # the picture's edges
    assert blue > 10, "no network picture on the page"
