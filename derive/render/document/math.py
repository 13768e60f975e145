"""SymPy's LaTeX printer with the project's names, kept in the order a person writes.

``order='none'`` keeps products and sums in stored (chain-rule) order; ``_print_Symbol`` maps a
quantity's ASCII name to its LaTeX name or to its value, so numbers come from the one rounding
policy (derive.render.values) and are never re-rounded here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter, accepted_latex_functions

from ...derivation.quantity import Derivation
from ...numbers.rounding import format_number
from ..plain import FACTOR, POW, Arithmetic
from ..values import shown_text
from .names import function_name, latex_name, latex_number, latex_text

LONG_SUM = 12  # a sum with more terms is shown as its first and last terms around \cdots
ROW_CHARS = 70  # rough width of one display row, in printed characters


class NamePrinter(Arithmetic, LatexPrinter):  # type: ignore[misc]
    """``lookup`` maps a symbol's name to its LaTeX (a name or a number); ``formula`` gives the
    symbolic value printed in a symbol's place, if it has one (printed as names, with the
    parentheses its place needs).

    Sums, products and powers go through Arithmetic's precedence rules (shared with the
    terminal's printer); functions, conditions and the rest are SymPy's LaTeX."""

    times = r" \cdot "

    def __init__(
        self,
        lookup: Callable[[str], str],
        decimals: int = 4,
        formula: Callable[[str], sp.Basic | None] | None = None,
    ) -> None:
        super().__init__({"order": "none", "mul_symbol": "dot"})
        self.lookup = lookup
        self.decimals = decimals
        self.formula = formula

    def paren(self, text: str) -> str:
        return rf"\left({text}\right)"

    def loose(self, text: str, *, level: int, lead: bool) -> bool:
        # 5.257 \times 10^{-6} is a product: it needs parentheses as a power's base
        return super().loose(text, level=level, lead=lead) or (r"\times" in text and level > FACTOR)

    def print(self, expr: sp.Basic, level: int = 0, lead: bool = True) -> str:
        value = self.formula(expr.name) if self.formula and isinstance(expr, sp.Symbol) else None
        if value is not None:
            return names_printer(self.decimals).print(value, level, lead)
        return super().print(expr, level, lead)

    def other(self, expr: sp.Basic) -> str:
        text: str = LatexPrinter._print(self, expr)
        return text

    def doprint(self, expr: Any) -> str:
        return re.sub(" {2,}", " ", self.print(expr))

    # SymPy's printer reaches arithmetic inside functions and conditions through these
    def _print_Add(self, expr: sp.Add, order: Any = None) -> str:
        return self.print(expr)

    def _print_Mul(self, expr: sp.Mul) -> str:
        return self.print(expr)

    def _print_Pow(self, expr: sp.Pow) -> str:
        return self.print(expr)

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        return self.print(expr)

    def _print_Float(self, expr: sp.Float) -> str:
        return self.print(expr)

    def _print_Rational(self, expr: sp.Rational) -> str:
        return self.print(expr)

    def _print_Integer(self, expr: sp.Integer) -> str:
        return self.print(expr)

    def _term_Symbol(self, expr: sp.Symbol, lead: bool) -> str:
        return self.lookup(expr.name)

    def _term_Float(self, expr: sp.Float, lead: bool) -> str:
        # a decimal inside a symbolic result, at the display precision: 1.4219 a^{(L)}
        text = format_number(float(expr), self.decimals)
        text = text.rstrip("0").rstrip(".") if "." in text and "e" not in text else text
        return latex_number(text)

    def _term_Rational(self, expr: sp.Rational, lead: bool) -> str:
        if expr.q == 1:
            return str(expr.p)
        sign = "-" if expr.p < 0 else ""
        return rf"{sign}\frac{{{abs(expr.p)}}}{{{expr.q}}}"

    def _term_Add(self, expr: sp.Add, lead: bool) -> str:
        parts = self.terms(expr, lead)
        if len(parts) > LONG_SUM:
            parts = [*parts[:3], r" + \cdots", parts[-1]]
        return "".join(parts)

    def quotient(self, numer: list[sp.Basic], denom: list[sp.Basic], *, lead: bool) -> str:
        """A product with divisors as one fraction, a rational coefficient split over it:
        \\frac{(a - y)^{2}}{2}."""
        coeff = numer[0] if numer and numer[0].is_Rational and numer[0].q != 1 else None
        if coeff is not None:
            numer = ([sp.Integer(coeff.p)] if coeff.p != 1 else []) + numer[1:]
            denom = [sp.Integer(coeff.q), *denom]
        if not denom:
            return self.product(numer, lead)
        return rf"\frac{{{self._braced(numer)}}}{{{self._braced(denom)}}}"

    def _braced(self, factors: list[sp.Basic]) -> str:
        """A fraction's numerator or denominator: its braces group one factor (no parentheses)."""
        if len(factors) == 1:
            return self.print(factors[0])
        return self.product(factors, lead=True) if factors else "1"

    def _term_Pow(self, expr: sp.Pow, lead: bool) -> str:
        if expr.exp.is_Rational and expr.exp < 0:
            positive = expr.base if expr.exp == -1 else sp.Pow(expr.base, -expr.exp)
            return self.quotient([], [positive], lead=lead)
        if expr.exp == sp.Rational(1, 2):
            return rf"\sqrt{{{self.print(expr.base)}}}"
        base = self.print(expr.base, POW + 1, lead=lead)
        if "^" in base and not base.endswith(r"\right)"):
            base = self.paren(base)  # e^{z} or w^{2}_{13} squared: never a stacked exponent
        return f"{base}^{{{self.print(expr.exp)}}}"

    def _print_Function(self, expr: Any, exp: Any = None) -> str:
        """σ(z), \\tanh(z), \\log(z) written alike: the name, then its arguments in parentheses."""
        name = expr.func.__name__
        if isinstance(expr, sp.core.function.AppliedUndef):
            head = function_name(name)
        elif name in accepted_latex_functions:
            head = "\\" + name
        elif hasattr(self, f"_print_{name}"):  # exp is e^{z}
            text: str = super()._print_Function(expr, exp)
            return text
        else:
            head = self._hprint_Function(name)
        args = ", ".join(self.print(a) for a in expr.args)
        return rf"{head}\left({args}\right)" + (f"^{{{exp}}}" if exp else "")

    _print_log = _print_Function  # SymPy's own is \log{\left(z \right)}


def names_printer(decimals: int = 4) -> NamePrinter:
    return NamePrinter(latex_name, decimals)


def numbers_printer(d: Derivation) -> NamePrinter:
    """Numbers substituted; a symbolic value is printed as its formula, in parentheses where its
    place needs them."""

    def formula(name: str) -> sp.Basic | None:
        """A symbolic value other than the symbol itself (w kept symbolic prints as w)."""
        value = d[name].value if name in d and not d[name].opaque else None
        if isinstance(value, sp.Basic) and not value.is_number and value != sp.Symbol(name):
            return value
        return None

    def lookup(name: str) -> str:
        if name not in d or d[name].opaque or isinstance(d[name].value, sp.Symbol):
            return latex_name(name)
        return value_latex(d, name)

    return NamePrinter(lookup, d.decimals, formula)


def value_latex(d: Derivation, name: str) -> str:
    """A quantity's value: its number as every renderer writes it (``shown_text``: a given
    number as typed, a drawn or computed one at the display's decimals), or its formula when
    symbolic."""
    q = d[name]
    if isinstance(q.value, sp.Basic) and not q.value.is_number:
        return names_printer(d.decimals).doprint(q.value)
    return latex_number(shown_text(d, name))


def split_rows(expr: Any, printer: NamePrinter) -> list[str]:
    """A long top-level sum split into display rows (the rest start with +/−), so none is wider
    than the page; a very long one keeps its first and last terms around \\cdots."""
    if not isinstance(expr, sp.Add):
        return [printer.doprint(expr)]
    terms = printer.terms(expr)
    if len(terms) > LONG_SUM:
        terms = [*terms[:3], r" + \cdots", terms[-1]]
    rows: list[str] = []
    for joined in terms:
        if rows and visible_width(rows[-1] + joined) <= ROW_CHARS:
            rows[-1] += joined
        else:
            rows.append(joined)
    return rows


def visible_width(latex: str) -> int:
    """A rough count of printed characters: commands and braces count little."""
    stripped = re.sub(r"\\(left|right|cdot|partial)", "x", latex)
    stripped = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"\1", stripped)
    stripped = re.sub(r"[{}^_]|\\[A-Za-z]+", "", stripped)
    return len(stripped)


def note_latex(note: str | None) -> str:
    """exact_note's text typeset: the exact value beside a rounded one, or the number beside a
    symbolic value."""
    if note is None:
        return ""
    if note.startswith("exact "):
        return rf"\quad(\text{{exact }} {signed(latex_number(note.removeprefix('exact ')))})"
    if note.startswith("= "):
        return rf" = {latex_number(note.removeprefix('= '))}"
    return rf"\quad(\text{{{latex_text(note)}}})"


def signed(number: str) -> str:
    """A number after text or an operand, braced when negative so that its minus is a sign, not
    a binary minus with space around it: (exact {-0.02597})."""
    return "{" + number + "}" if number.startswith("-") else number
