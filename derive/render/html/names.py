"""Quantity names and numbers as MathML, built with a ``MathPrinter``'s nodes: ∂C/∂w₆ as a
fraction, O₃ of example 2 as O₃^[2], w₆^new, w²₁₃ (layered), a^(L−1) (chain), and a value from
the rounding policy as −0.0631 or 5.257 × 10^−6. A name the file wrote is shown as written
(minidom escapes it when the MathML is written out)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from xml.dom.minidom import Element

from ...derivation.names import split_example, split_partial, updated_param

if TYPE_CHECKING:
    from .mathml import MathPrinter

GREEK = {"eta": "η", "alpha": "α", "lambda": "λ", "sigma": "σ"}
MINUS = "\u2212"
_FLAT = re.compile(r"^(?P<stem>[A-Za-z])(?P<i>\d+)$")
_LAYERED = re.compile(r"^(?P<stem>[A-Za-z])(?P<l>\d+)_(?P<idx>\d+(?:_\d+)*)$")
_CHAIN = re.compile(r"^(?P<stem>[A-Za-z])\((?P<sup>L(?:-\d+)?)\)$")
_SCIENTIFIC = re.compile(r"^(?P<m>-?\d+(?:\.\d+)?)e(?P<e>[+-]\d+)$")


def name(p: MathPrinter, text: str) -> Element:
    """Any quantity name typeset: ∂C/∂w₆ as a fraction, O₃ of example 2 as O₃^[2], w₆^new."""
    base, suffix = split_example(text)
    if suffix:
        inner = name(p, base)
        inner = p.fenced(inner) if split_partial(base) is not None else inner
        k = p.node("mrow", p.fence("["), p.node("mn", suffix[1:-1]), p.fence("]"))
        return p.node("msup", inner, k)
    param = updated_param(text)
    if param is not None:
        return p.node("msup", name(p, param), p.node("mi", "new", mathvariant="normal"))
    parts = split_partial(text)
    if parts is not None:
        num, den = (p.node("mrow", partial(p), name(p, part)) for part in parts)
        return p.node("mfrac", num, den)
    return _symbol(p, text)


def partial(p: MathPrinter) -> Element:
    """∂, set tight against the name it goes with."""
    return p.node("mo", "∂", lspace="0", rspace="0")


def _symbol(p: MathPrinter, text: str) -> Element:
    if text in GREEK:
        return p.node("mi", GREEK[text])
    flat = _FLAT.match(text)
    if flat:
        return p.node("msub", p.node("mi", flat["stem"]), p.node("mn", flat["i"]))
    layered = _LAYERED.match(text)
    if layered:
        idx = p.node("mn", layered["idx"].replace("_", ","))
        return p.node("msubsup", p.node("mi", layered["stem"]), idx, p.node("mn", layered["l"]))
    chain = _CHAIN.match(text)
    if chain:
        sup = p.fenced(p.node("mi", chain["sup"].replace("-", MINUS)))
        return p.node("msup", p.node("mi", chain["stem"]), sup)
    return p.node("mi", text)  # a name from the file, as written (escaped when written out)


def number(p: MathPrinter, text: str) -> Element:
    """A value string from the rounding policy: −0.0631, or 5.257 × 10^−6."""
    sign, digits = (MINUS, text[1:]) if text.startswith("-") else ("", text)
    sci = _SCIENTIFIC.match(digits)
    if sci:
        power = p.node("msup", p.node("mn", "10"), number(p, str(int(sci["e"]))))
        shown = p.node("mrow", p.node("mn", sci["m"]), p.node("mo", "×"), power)
    else:
        shown = p.node("mn", digits)
    return p.node("mrow", p.node("mo", sign), shown) if sign else shown
