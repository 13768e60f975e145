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
from sympy.printing.latex import LatexPrinter

from ...derivation.quantity import Derivation
from ...numbers.rounding import format_number
from ..values import value_lookup
from .names import function_name, latex_name, latex_number, latex_text

LONG_SUM = 12  # a sum with more terms is shown as its first and last terms around \cdots
ROW_CHARS = 70  # rough width of one display row, in printed characters


class NamePrinter(LatexPrinter):  # type: ignore[misc]
    """``lookup`` maps a symbol's name to its LaTeX (a name or a number)."""

    def __init__(self, lookup: Callable[[str], str], decimals: int = 4) -> None:
        super().__init__({"order": "none", "mul_symbol": "dot"})
        self.lookup = lookup
        self.decimals = decimals

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        text = self.lookup(expr.name)
        return rf"\left({text}\right)" if text.startswith("-") else text

    def _print_Function(self, expr: Any, exp: Any = None) -> str:
        if isinstance(expr, sp.core.function.AppliedUndef):
            args = ", ".join(_unwrap(self._print(a)) for a in expr.args)
            head = function_name(expr.func.__name__)
            return rf"{head}\left({args}\right)" + (f"^{{{exp}}}" if exp else "")
        text: str = super()._print_Function(expr, exp)
        return text

    def _print_Add(self, expr: sp.Add, order: Any = None) -> str:
        if len(expr.args) > LONG_SUM:
            head = sp.Add(*expr.args[:3], evaluate=False)
            tail = self._print(expr.args[-1])
            return rf"{super()._print_Add(head, order)} + \cdots + {tail}"
        text: str = super()._print_Add(expr, order)
        return text

    def _print_Float(self, expr: sp.Float) -> str:
        # a decimal inside a symbolic result, at the display precision: 1.4219 a^{(L)}
        text = format_number(float(expr), self.decimals)
        text = text.rstrip("0").rstrip(".") if "." in text and "e" not in text else text
        return latex_number(text)

    def raw(self, expr: Any) -> str:
        text: str = super().doprint(expr)
        return re.sub(" {2,}", " ", text)  # SymPy writes "a -  y"

    def doprint(self, expr: Any) -> str:
        text = self.raw(expr)
        if text.startswith(r"\left(-") and text.count(r"\left(") == 1:
            inner_end = text.index(r"\right)")
            return text[6:inner_end] + text[inner_end + 7 :]  # a leading negative needs no ()
        return text


def names_printer(decimals: int = 4) -> NamePrinter:
    return NamePrinter(latex_name, decimals)


def numbers_printer(d: Derivation) -> NamePrinter:
    """Numbers substituted; a symbolic value is printed as its formula in parentheses."""
    text_of = value_lookup(d)
    names = names_printer(d.decimals)

    def lookup(name: str) -> str:
        if name not in d or d[name].opaque:
            return latex_name(name)
        value = d[name].value
        if isinstance(value, sp.Basic) and not value.is_number:
            text = names.doprint(value)
            return text if value.is_Atom else rf"\left({text}\right)"
        return latex_number(text_of(name))

    return NamePrinter(lookup, d.decimals)


def value_latex(d: Derivation, name: str) -> str:
    """A quantity's value: its number from the rounding policy, or its formula when symbolic."""
    value = d[name].value
    if isinstance(value, sp.Basic) and not value.is_number:
        return names_printer(d.decimals).doprint(value)
    return latex_number(value_lookup(d)(name))


def split_rows(expr: Any, printer: NamePrinter) -> list[str]:
    """A long top-level sum split into display rows (the rest start with +/−), so none is wider
    than the page; a very long one keeps its first and last terms around \\cdots."""
    if not isinstance(expr, sp.Add):
        return [printer.doprint(expr)]
    args = list(expr.args)
    shown = args if len(args) <= LONG_SUM else [*args[:3], None, args[-1]]
    rows: list[str] = []
    for i, term in enumerate(shown):
        if term is None:
            joined = r" + \cdots"
        else:
            text = printer.doprint(term) if i == 0 else printer.raw(term)
            joined = text if i == 0 else _joined(text)
        if rows and visible_width(rows[-1] + joined) <= ROW_CHARS:
            rows[-1] += joined
        else:
            rows.append(joined)
    return rows


def _joined(term: str) -> str:
    return f" - {term[1:].lstrip()}" if term.startswith("-") else f" + {term}"


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
        return rf"\quad(\text{{exact }} {latex_number(note.removeprefix('exact '))})"
    if note.startswith("= "):
        return rf" = {latex_number(note.removeprefix('= '))}"
    return rf"\quad(\text{{{latex_text(note)}}})"


def _unwrap(text: str) -> str:
    """σ(\\left(-0.19\\right)) → σ(-0.19): the call's parentheses already group it."""
    if text.startswith(r"\left(") and text.endswith(r"\right)") and text.count(r"\left(") == 1:
        return text[6:-7]
    return text
