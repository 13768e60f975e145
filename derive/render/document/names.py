"""The project's ASCII quantity names written as LaTeX (w6 → w_{6}, dC/dw6 → a fraction).

flat     w6 → w_{6}, O3 → O_{3}, x0 → x_{0}, y → y
layered  w2_13 → w^{2}_{13}, w3_1_12 → w^{3}_{1,12}, a2_1 → a^{2}_{1}
chain    w(L) → w^{(L)}, a(L-1) → a^{(L-1)}
example  O3[2] → O_{3}^{[2]} (the suffix of a per-example quantity of example 2)

Names that fit none of these (symbols a user wrote in the file) are escaped letter by letter, so
user text can never inject LaTeX.
"""

from __future__ import annotations

import re

from ...derivation.names import moved_param, split_example, split_partial, updated_param

GREEK = {
    "eta": r"\eta",
    "alpha": r"\alpha",
    "lambda": r"\lambda",
    "mu": r"\mu",
    "sigma": r"\sigma",
}
FUNCTIONS = {
    "σ": r"\sigma",
    "σ'": r"\sigma'",
    "tanh": r"\tanh",
    "tanh'": r"\tanh'",
    "relu": r"\operatorname{relu}",
    "relu'": r"\operatorname{relu}'",
    "lrelu": r"\operatorname{lrelu}",
    "lrelu'": r"\operatorname{lrelu}'",
    "id": r"\operatorname{id}",
    "id'": r"\operatorname{id}'",
    "softmax": r"\operatorname{softmax}",
}
_FLAT = re.compile(r"^(?P<stem>[A-Za-z])(?P<i>\d+)$")
_LAYERED = re.compile(r"^(?P<stem>[A-Za-z])(?P<l>\d+)_(?P<idx>\d+(?:_\d+)*)$")
_CHAIN = re.compile(r"^(?P<stem>[A-Za-z])\((?P<sup>L(?:-\d+)?)\)$")
_PLAIN = re.compile(r"^[A-Za-z]$")
_SAFE = re.compile(r"[A-Za-z0-9]")


def latex_name(name: str) -> str:
    """The LaTeX of any quantity name: a partial derivative, a per-example name or a symbol."""
    base, suffix = split_example(name)
    if suffix:
        return _with_example(latex_name(base), suffix.strip("[]"))
    param = updated_param(name)
    if param is not None:
        old = latex_name(param)
        return ("{" + old + "}" if "^" in old else old) + r"^{\mathrm{new}}"
    parts = split_partial(name)
    if parts is not None:
        num, den = (latex_name(part) for part in parts)
        return rf"\frac{{\partial {num}}}{{\partial {den}}}"
    moved = moved_param(name)
    if moved != name:  # momentum's velocity of a parameter: v_w6 → v_{w_{6}}
        return rf"v_{{{latex_name(moved)}}}"
    return _symbol(name)


def _with_example(text: str, k: str) -> str:
    if text.startswith(r"\frac{\partial "):
        return rf"\left({text}\right)^{{[{k}]}}"
    return f"{{{text}}}^{{[{k}]}}" if "^" in text else f"{text}^{{[{k}]}}"


def _symbol(name: str) -> str:
    if name in GREEK:
        return GREEK[name]
    if _PLAIN.match(name):
        return name
    flat = _FLAT.match(name)
    if flat:
        return f"{flat['stem']}_{{{flat['i']}}}"
    layered = _LAYERED.match(name)
    if layered:
        idx = layered["idx"].replace("_", ",")
        return f"{layered['stem']}^{{{layered['l']}}}_{{{idx}}}"
    chain = _CHAIN.match(name)
    if chain:
        return f"{chain['stem']}^{{({chain['sup']})}}"
    return r"\mathit{" + "".join(_escape_char(c) for c in name) + "}"


def _escape_char(c: str) -> str:
    if _SAFE.match(c):
        return c
    return r"\_" if c == "_" else r"\text{?}"


def function_name(name: str) -> str:
    """An activation's symbol (σ, σ', relu) in LaTeX; unknown names are escaped."""
    if name in FUNCTIONS:
        return FUNCTIONS[name]
    return r"\operatorname{" + "".join(_escape_char(c) for c in name) + "}"


_SCIENTIFIC = re.compile(r"^(?P<m>-?\d+(?:\.\d+)?)e(?P<e>[+-]\d+)$")


def latex_number(text: str) -> str:
    """A value string from the rounding policy, typeset: 5.257e-06 → 5.257 \\times 10^{-6}."""
    sci = _SCIENTIFIC.match(text)
    if sci:
        return rf"{sci['m']} \times 10^{{{int(sci['e'])}}}"
    return text


_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\^{}",
    "_": r"\_\allowbreak{}",
    "%": r"\%",
    "~": r"\~{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "/": r"/\allowbreak{}",  # long paths break at their slashes
    "σ": r"$\sigma$",
    "η": r"$\eta$",
    "·": r"$\cdot$",
    "−": "-",
    "–": "--",
    "—": "---",
    "²": r"$^2$",
    "½": r"$\frac12$",
    "¼": r"$\frac14$",
    "±": r"$\pm$",
    "…": r"\ldots{}",
    "Σ": r"$\Sigma$",
    "∂": r"$\partial$",
    "’": "'",
    "‘": "`",
    "“": "``",
    "”": "''",
}


def latex_text(text: str) -> str:
    """User text (a title, a path) made safe for LaTeX's text mode with pdflatex."""
    # "--only" stays two hyphens, not an en dash
    return "".join(
        "-{}" if c == "-" and text[i + 1 : i + 2] == "-" else _text_char(c)
        for i, c in enumerate(text)
    )


def _text_char(c: str) -> str:
    if c in _TEXT_ESCAPES:
        return _TEXT_ESCAPES[c]
    if c == "\n" or c == "\t":
        return " "
    # printable ASCII and Latin-1 letters work with T1 fonts; anything else cannot be typeset
    return c if (" " <= c <= "~") or ("\xc0" <= c <= "\xff") else "?"


_DOC_MATH = {
    "½": r"\frac{1}{2} ",
    "¼": r"\frac{1}{4} ",
    "Σ": r"\sum ",
    "−": "-",
    "²": "^{2}",
    "·": r" \cdot ",
    "λ": r"\lambda ",
    "η": r"\eta ",
    "μ": r"\mu ",
    "σ": r"\sigma ",
}
_DOC_ACTIVE = set("\\{}$&#%^_~")


def doc_latex(doc: str) -> str:
    """A function's written form from the functions table (½ Σ (a − y)², −Σ y ln a) as LaTeX
    math: \\frac{1}{2} \\sum (a - y)^{2}, -\\sum y \\ln a."""
    words = re.split(r"\b(ln|log|exp|tanh)\b", doc)  # odd places hold the function names
    text = "".join(
        "\\" + word if i % 2 else "".join(_doc_char(c) for c in word)
        for i, word in enumerate(words)
    )
    text = re.sub(r"\((\w+)/(\w+)\)", r"\\frac{\1}{\2}", text)  # (1/n)
    return re.sub(" {2,}", " ", text)  # plain [ ]: \\left[ \\right] would forbid a line break


def _doc_char(c: str) -> str:
    if c in _DOC_MATH:
        return _DOC_MATH[c]
    return c if " " <= c <= "~" and c not in _DOC_ACTIVE else r"\text{?}"


def inline_name(name: str) -> str:
    """A name as it reads inside a line of text or a label: ∂C/∂b_3 with a slash, not a tall
    fraction."""
    base, suffix = split_example(name)
    parts = split_partial(base)
    if parts is None:
        return latex_name(name)
    num, den = (latex_name(p) for p in parts)
    text = rf"\partial {num}/\partial {den}"
    return rf"({text})^{{{suffix}}}" if suffix else text
