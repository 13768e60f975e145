"""SymPy's MathML (presentation) printer with the project's names and numbers, in the order a
person writes: the HTML page's math, which browsers render natively (MathML Core).

As in derive/render/document/math.py for LaTeX, ``_print_Symbol`` maps a quantity's ASCII name to
its typeset name or to its value, so numbers come from the one rounding policy. Products and sums
are printed here rather than by SymPy's printer, which sorts a product's factors (the chain rule
must stay in chain order) and writes ``x - (a + b)`` as ``x - a + b``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.dom.minidom import Element

import sympy as sp
from sympy.printing.mathml import MathMLPresentationPrinter

from ...derivation.names import split_example, split_partial
from ...derivation.quantity import Derivation
from ...numbers.rounding import format_number
from ..plain import ADD, ATOM, MUL, POW, negated, reciprocal
from ..values import shown_text
from .names import MINUS, name, number, partial

Lookup = Callable[["MathPrinter", str], Element]
Rank = Callable[[str], int]


class MathPrinter(MathMLPresentationPrinter):  # type: ignore[misc]
    """``lookup`` gives a symbol's MathML (its typeset name, or its value) by its name, and
    ``rank`` how tightly what it gives binds: a value put in for a name gets parentheses only
    where its context needs them (a·(−0.5), x − (−0.5), (1.5·w − 0.5)², but σ(−0.5))."""

    def __init__(self, lookup: Lookup, decimals: int = 4, rank: Rank | None = None) -> None:
        super().__init__({"order": "none", "mul_symbol": "dot"})
        self.lookup = lookup
        self.rank: Rank = rank or (lambda name: ATOM)
        self.decimals = decimals

    # building blocks ------------------------------------------------------------------------

    def node(self, tag: str, *children: Element | str, **attributes: str) -> Element:
        """An element; a str child becomes a text node (minidom escapes it when written)."""
        element: Element = self.dom.createElement(tag)
        for key, value in attributes.items():
            element.setAttribute(key.replace("_", "-"), value)
        for child in children:
            element.appendChild(self.dom.createTextNode(child) if isinstance(child, str) else child)
        return element

    def fenced(self, inner: Element) -> Element:
        tall = inner.tagName == "mfrac" or bool(inner.getElementsByTagName("mfrac"))
        return self.node("mrow", self.fence("(", tall), inner, self.fence(")", tall))

    def fence(self, symbol: str, tall: bool = False) -> Element:
        # parentheses grow around a fraction only: a browser's fallback math font draws a
        # stretchy one wide, with space inside, even around one line
        stretchy = "true" if tall else "false"
        return self.node("mo", symbol, stretchy=stretchy, lspace="0", rspace="0")

    def level(self, expr: Any, level: int) -> Element:
        """``expr`` printed, in parentheses when it binds less tightly than ``level``."""
        printed = self._print(expr)
        return self.fenced(printed) if self.precedence(expr) < level else printed

    def precedence(self, expr: Any) -> int:
        return self.rank(expr.name) if isinstance(expr, sp.Symbol) else precedence(expr)

    def math(self, expr: Any) -> str:
        """A whole ``<math>`` element as text."""
        return self.node("math", self._print(expr)).toxml()

    # SymPy node types -----------------------------------------------------------------------

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> Element:
        return self.lookup(self, expr.name)

    def _print_Add(self, expr: sp.Add, order: Any = None) -> Element:
        # as the terminal writes it: a constant term last, a positive term first (1 − a)
        terms = [t for t in expr.args if not t.is_Number] + [t for t in expr.args if t.is_Number]
        lead = next((i for i, t in enumerate(terms) if negated(t) is None), 0)
        row = self.node("mrow")
        for i, term in enumerate(terms[lead:] + terms[:lead]):
            negative = negated(term)
            if i == 0:
                row.appendChild(self._print(term))
            elif negative is not None:  # x − (a + b): the parentheses are kept
                row.appendChild(self.node("mo", MINUS))
                row.appendChild(self.level(negative, ADD + 1))
            else:  # a + (−0.5): a value put in for a name may be negative
                row.appendChild(self.node("mo", "+"))
                row.appendChild(self.level(term, ADD + 1))
        return row

    def _print_Mul(self, expr: sp.Mul) -> Element:
        positive = negated(expr)  # −a·b, −0.5·(a + b): the sign first, not (−0.5)·…
        if positive is not None:
            return self.node("mrow", self.node("mo", MINUS), self.level(positive, MUL))
        args = list(expr.args)
        numer = [a for a in args if not reciprocal(a)]
        denom = [a.base if a.exp == -1 else sp.Pow(a.base, -a.exp) for a in args if reciprocal(a)]
        row = self.node("mrow")
        for i, factor in enumerate(numer or [sp.Integer(1)]):
            if i:
                row.appendChild(self.node("mo", "·"))
            row.appendChild(self.level(factor, MUL + 1) if len(numer) > 1 else self._print(factor))
        if not denom:
            return row
        under = denom[0] if len(denom) == 1 else sp.Mul(*denom, evaluate=False)
        return self.node("mfrac", row, self._print(under))

    def _print_Pow(self, expr: sp.Pow) -> Element:
        if expr.exp == -1:
            return self.node("mfrac", self.node("mn", "1"), self._print(expr.base))
        if expr.exp == sp.Rational(1, 2):
            return self.node("msqrt", self._print(expr.base))
        return self.node("msup", self.level(expr.base, POW + 1), self._print(expr.exp))

    def _print_Float(self, expr: sp.Float) -> Element:
        # a decimal inside a symbolic result, at the display precision: 1.4219 · a^(L)
        text = format_number(float(expr), self.decimals)
        text = text.rstrip("0").rstrip(".") if "." in text and "e" not in text else text
        return number(self, text)

    def _print_Rational(self, expr: sp.Rational) -> Element:
        if expr.q == 1:
            return number(self, str(expr.p))
        inner = self.node("mfrac", self.node("mn", str(abs(expr.p))), self.node("mn", str(expr.q)))
        return self.node("mrow", self.node("mo", MINUS), inner) if expr.p < 0 else inner

    def _print_Integer(self, expr: sp.Integer) -> Element:
        return number(self, str(expr))

    def _print_Exp1(self, expr: Any) -> Element:
        return self.node("mi", "e")

    def _print_Function(self, expr: Any) -> Element:
        name = getattr(expr.func, "__name__", str(expr.func)).replace("'", "′")
        args = self.node("mrow")
        for i, arg in enumerate(expr.args):
            if i:
                args.appendChild(self.node("mo", ","))
            args.appendChild(self._print(arg))
        upright = {} if len(name.rstrip("′")) == 1 else {"mathvariant": "normal"}
        return self.node("mrow", self.node("mi", name, **upright), self.fenced(args))

    def _print_exp(self, expr: Any) -> Element:
        return self.node("msup", self.node("mi", "e"), self._print(expr.args[0]))

    def _print_log(self, expr: Any) -> Element:
        return self.node("mrow", self.node("mi", "ln"), self.fenced(self._print(expr.args[0])))


def precedence(expr: Any) -> int:
    """How tightly a printed expression binds (one written with a leading minus, as loosely as
    a sum)."""
    if isinstance(expr, sp.Add) or negated(expr) is not None:
        return ADD
    if isinstance(expr, sp.Mul):
        return MUL
    if isinstance(expr, sp.Pow) or (isinstance(expr, sp.Rational) and expr.q != 1):
        return POW  # a fraction bar groups like parentheses, except under an exponent
    return ATOM


def names_printer(decimals: int = 4) -> MathPrinter:
    return MathPrinter(name, decimals)


def numbers_printer(d: Derivation) -> MathPrinter:
    """Numbers substituted; a symbolic value printed as its formula. Either gets parentheses
    where its context needs them (see ``MathPrinter``)."""
    names = names_printer(d.decimals)

    def substituted(text: str) -> bool:
        return text in d and not d[text].opaque

    def symbolic(value: Any) -> bool:
        return isinstance(value, sp.Basic) and not value.is_number

    def lookup(p: MathPrinter, text: str) -> Element:
        if not substituted(text):
            return name(p, text)
        value = d[text].value
        if symbolic(value):
            names.dom = p.dom  # one document for every node of the formula
            printed: Element = names._print(value)
            return printed
        return number(p, shown_text(d, text))

    def rank(text: str) -> int:
        if not substituted(text):
            return ATOM
        value = d[text].value
        if symbolic(value):
            return precedence(value)
        shown = shown_text(d, text)
        return ADD if shown.startswith("-") else POW if "e" in shown else ATOM

    return MathPrinter(lookup, d.decimals, rank)


def value_math(d: Derivation, text: str) -> str:
    """A quantity's value as ``<math>``: its number from the rounding policy, or its formula."""
    p = names_printer(d.decimals)
    value = d[text].value
    if isinstance(value, sp.Basic) and not value.is_number:
        return p.math(value)
    return p.node("math", number(p, shown_text(d, text))).toxml()


def name_math(text: str) -> str:
    p = names_printer()
    return p.node("math", name(p, text)).toxml()


def inline_math(text: str) -> str:
    """A name as it reads inside a sentence: ∂C/∂b₃ with a slash, not a tall fraction."""
    p = names_printer()
    base, suffix = split_example(text)
    parts = split_partial(base)
    if parts is None:
        return p.node("math", name(p, text)).toxml()
    num, den = (name(p, part) for part in parts)
    slash = p.node("mo", "/", lspace="0", rspace="0")
    shown = p.node("mrow", partial(p), num, slash, partial(p), den)
    if suffix:
        k = p.node("mrow", p.fence("["), p.node("mn", suffix[1:-1]), p.fence("]"))
        shown = p.node("msup", p.fenced(shown), k)
    return p.node("math", shown).toxml()
