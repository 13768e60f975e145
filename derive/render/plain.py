"""Plain-text formulas, in the order a person writes them, with names or numbers substituted.

Dispatch is on the SymPy node type (``_print_Add``, ``_print_Pow``, ...) as in SymPy's printers;
products and sums print their arguments in stored order, so ∂C/∂O3 · ∂O3/∂z3 stays in chain order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import sympy as sp

from ..numbers.rounding import format_given, format_number

ADD, MUL, POW, ATOM = 10, 20, 30, 100
SUPERSCRIPTS = {2: "²", 3: "³"}


class TextPrinter:
    """``names`` maps a symbol's name to its text: a display name (∂C/∂z3) or a value (-0.0631)."""

    times = " · "

    def __init__(
        self, names: Mapping[str, str] | Callable[[str], str], decimals: int | None = None
    ) -> None:
        self.lookup = names if callable(names) else (lambda n: names.get(n, n))
        self.decimals = decimals  # computed decimals inside symbolic results: 1.4219 · a(L)

    def doprint(self, expr: sp.Basic) -> str:
        text = self.print(expr)
        if text.startswith("(-") and text.endswith(")") and text.count("(") == 1:
            return text[1:-1]  # a lone negative value needs no parentheses
        if text.startswith("(-") and _balanced_prefix(text):
            return text[1 : text.index(")")] + text[text.index(")") + 1 :]
        return text

    def print(self, expr: sp.Basic, level: int = 0) -> str:
        for cls in type(expr).__mro__:
            method = getattr(self, f"_print_{cls.__name__}", None)
            if method is not None:
                text: str = method(expr)
                return f"({text})" if _precedence(expr) < level else text
        return str(expr)

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        text = self.lookup(expr.name)
        return f"({text})" if text.startswith("-") else text

    def _print_Number(self, expr: sp.Number) -> str:
        if isinstance(expr, sp.Rational) and expr.q != 1:
            return f"{expr.p}/{expr.q}"
        if isinstance(expr, sp.Float) and self.decimals is not None:
            text = format_number(float(expr), self.decimals)
            return text.rstrip("0").rstrip(".") if "." in text and "e" not in text else text
        if isinstance(expr, sp.Float):  # 12 digits hide binary noise: 0.15000000000000002
            return format_given(float(f"{float(expr):.12g}"))
        return str(expr)

    def _print_Add(self, expr: sp.Add) -> str:
        # stored order (a person's, for sums we build), but a constant term last: 4.5·w - 1.5
        terms = [t for t in expr.args if not t.is_Number] + [t for t in expr.args if t.is_Number]
        lead = next((i for i, t in enumerate(terms) if _negated(t) is None), 0)
        terms = terms[lead:] + terms[:lead]  # start with a positive term: 1 - a, not -a + 1
        out = ""
        for i, term in enumerate(terms):
            negative = _negated(term)
            if i == 0:
                out = (
                    ("-" + self.print(negative, MUL)) if negative is not None else self.print(term)
                )
            elif negative is not None:
                out += " - " + self.print(negative, ADD + 1)
            else:
                out += " + " + self.print(term, ADD)
        return out

    def _print_Mul(self, expr: sp.Mul) -> str:
        args = list(expr.args)
        if args[0] == -1 and len(args) > 1:
            return "-" + self.print(sp.Mul(*args[1:], evaluate=False), MUL)
        numer = [a for a in args if not _is_reciprocal(a)]
        denom = [
            a.base if a.exp == -1 else sp.Pow(a.base, -a.exp) for a in args if _is_reciprocal(a)
        ]
        text = self._product(numer) if numer else "1"
        if denom:
            text += "/" + self.print(sp.Mul(*denom, evaluate=False), POW)
        return text

    def _product(self, factors: list[sp.Basic]) -> str:
        if factors and factors[0] == sp.Rational(1, 2) and len(factors) > 1:
            return (
                "½"
                + self.times.strip()
                + self.times.join(self.print(f, MUL + 1) for f in factors[1:])
            )
        return self.times.join(self.print(f, MUL + 1) for f in factors)

    def _print_Pow(self, expr: sp.Pow) -> str:
        if expr.exp == -1:
            return "1/" + self.print(expr.base, POW)
        if expr.exp == sp.Rational(1, 2):
            return f"√{self.print(expr.base, ATOM)}"
        sup = SUPERSCRIPTS.get(int(expr.exp)) if expr.exp.is_Integer else None
        exponent = sup if sup else "^" + self.print(expr.exp, POW + 1)
        return self.print(expr.base, POW + 1) + exponent

    def _print_Function(self, expr: sp.Function) -> str:
        name = getattr(expr.func, "__name__", str(expr.func))
        args = [_unwrap(self.print(a)) for a in expr.args]
        return f"{name}({', '.join(args)})"

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        parts = []
        for value, condition in expr.args:
            if condition is sp.true:
                parts.append(self.print(value))
            else:
                parts.append(f"{self.print(value)} if {self.print(condition)} else")
        return " ".join(parts)

    def _print_Relational(self, expr: sp.Basic) -> str:
        return f"{self.print(expr.lhs, ADD)} {expr.rel_op} {self.print(expr.rhs, ADD)}"

    def _print_Exp1(self, expr: sp.Basic) -> str:
        return "e"


def _precedence(expr: sp.Basic) -> int:
    if isinstance(expr, sp.Add):
        return ADD
    if isinstance(expr, sp.Mul) or (isinstance(expr, sp.Rational) and expr.q != 1):
        return MUL
    if isinstance(expr, sp.Pow):
        return POW
    if isinstance(expr, sp.Number) and expr < 0:
        return ADD
    return ATOM


def _negated(term: sp.Basic) -> sp.Basic | None:
    """The positive part of a term written with a leading minus, else None."""
    if isinstance(term, sp.Mul) and term.args and term.args[0] == -1:
        rest = term.args[1:]
        return rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)
    if isinstance(term, sp.Mul) and term.args and term.args[0].is_Number and term.args[0] < 0:
        return sp.Mul(-term.args[0], *term.args[1:], evaluate=False)
    if isinstance(term, sp.Number) and term < 0:
        return -term
    return None


def _is_reciprocal(factor: sp.Basic) -> bool:
    return isinstance(factor, sp.Pow) and factor.exp.is_Number and factor.exp < 0


def _balanced_prefix(text: str) -> bool:
    """Whether the text opens with one parenthesised negative number: (-0.0631) · ..."""
    close = text.find(")")
    inner = text[2:close]
    return close > 0 and inner.replace(".", "", 1).replace("e-", "", 1).isdigit()


class AsciiPrinter(TextPrinter):
    """SymPy-like ASCII for JSON and other machine-read output: *, **, 1/2, no superscripts."""

    times = " * "

    def _product(self, factors: list[sp.Basic]) -> str:
        return self.times.join(self.print(f, MUL + 1) for f in factors)

    def _print_Pow(self, expr: sp.Pow) -> str:
        if expr.exp == -1:
            return "1/" + self.print(expr.base, POW)
        return self.print(expr.base, POW + 1) + "**" + self.print(expr.exp, POW + 1)


def _unwrap(text: str) -> str:
    """(1.5 · w) → 1.5 · w where the parentheses of a call already group it."""
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        return text[1:-1]
    return text
