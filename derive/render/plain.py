"""Plain-text formulas, in the order a person writes them, with names or numbers substituted.

``Arithmetic`` holds the precedence rules that every formula printer shares (this one and the
LaTeX one in document/math.py): what a sum, a product and a power need around their parts, and
where a leading minus may stand bare. Dispatch is on the SymPy node type (``_term_Add``,
``_term_Mul``, ...); products and sums print their arguments in stored order, so ∂C/∂O3 · ∂O3/∂z3
stays in chain order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import sympy as sp

from ..numbers.rounding import format_given, format_number

ADD, MUL, POW, ATOM = 10, 20, 30, 100
FACTOR = MUL + 1  # the level of each factor of a product
SUPERSCRIPTS = {2: "²", 3: "³"}


_METHODS: dict[tuple[type, type, str], str | None] = {}


def _method_name(printer: type, node: type, prefix: str) -> str | None:
    """The ``<prefix><Class>`` method of ``printer`` for a node type, looked up along the node's
    MRO once per pair (a large table prints 300,000 nodes)."""
    key = (printer, node, prefix)
    if key not in _METHODS:
        found = (f"{prefix}{cls.__name__}" for cls in node.__mro__)
        _METHODS[key] = next((name for name in found if hasattr(printer, name)), None)
    return _METHODS[key]


class Arithmetic:
    """Sums, products and powers printed with the parentheses their meaning needs.

    ``lead`` says whether a part is printed at the very start of a group (the whole formula, the
    inside of parentheses or braces, a function's argument) or of the first term or factor of
    one: only there may a minus sign stand bare (-0.5 · x, -0.5 + x). Elsewhere a part that
    prints with a leading minus is parenthesised (x · (-0.5), x + (-0.5)), and so is a signed base
    of a power in any place ((-0.5)², never -0.5²).
    """

    times = " · "

    def paren(self, text: str) -> str:
        return f"({text})"

    def print(self, expr: sp.Basic, level: int = 0, lead: bool = True) -> str:
        if self.precedence(expr) < level:
            return self.paren(self.node(expr, lead=True))
        text = self.node(expr, lead=lead)
        if self.loose(text, level=level, lead=lead):
            return self.paren(self.node(expr, lead=True))
        return text

    def loose(self, text: str, *, level: int, lead: bool) -> bool:
        """Whether printed text binds too loosely for its place: a minus sign leads it."""
        return text.startswith("-") and (not lead or level > FACTOR)

    def precedence(self, expr: sp.Basic) -> int:
        if isinstance(expr, sp.Add):
            return ADD
        if isinstance(expr, sp.Mul) or (isinstance(expr, sp.Rational) and expr.q != 1):
            return MUL
        if isinstance(expr, sp.Pow):
            return MUL if reciprocal(expr) else POW  # 1/x is a quotient
        return ATOM

    def node(self, expr: sp.Basic, *, lead: bool) -> str:
        name = _method_name(type(self), type(expr), "_term_")
        if name is None:
            return self.other(expr)
        text: str = getattr(self, name)(expr, lead)
        return text

    def other(self, expr: sp.Basic) -> str:
        """A node that is not arithmetic (a function, a condition): the subclass prints it."""
        raise NotImplementedError

    def terms(self, expr: sp.Add, lead: bool = True) -> list[str]:
        """A sum's terms as printed, each after the first with its sign: '4.5 · w', ' - 1.5'.

        Stored order (a person's, for sums we build), but a constant term last (4.5 · w - 1.5)
        and a positive term first (1 - a, not -a + 1)."""
        ordered = [t for t in expr.args if not t.is_Number] + [t for t in expr.args if t.is_Number]
        first = next((i for i, t in enumerate(ordered) if negated(t) is None), 0)
        ordered = ordered[first:] + ordered[:first]
        out: list[str] = []
        for i, term in enumerate(ordered):
            negative = negated(term)
            if i == 0:
                out.append(
                    "-" + self.print(negative, MUL, lead=False)
                    if negative is not None
                    else self.print(term, ADD, lead=lead)
                )
            elif negative is not None:
                out.append(" - " + self.print(negative, ADD + 1, lead=False))
            else:
                out.append(" + " + self.print(term, ADD, lead=False))
        return out

    def _term_Add(self, expr: sp.Add, lead: bool) -> str:
        return "".join(self.terms(expr, lead))

    def _term_Mul(self, expr: sp.Mul, lead: bool) -> str:
        args = list(expr.args)
        if args[0] == -1 and len(args) > 1:
            return "-" + self.print(sp.Mul(*args[1:], evaluate=False), MUL, lead=False)
        numer = [a for a in args if not reciprocal(a)]
        denom = [a.base if a.exp == -1 else sp.Pow(a.base, -a.exp) for a in args if reciprocal(a)]
        return self.quotient(numer, denom, lead=lead)

    def product(self, factors: list[sp.Basic], lead: bool) -> str:
        return self.times.join(
            self.print(f, FACTOR, lead=lead and i == 0) for i, f in enumerate(factors)
        )

    def quotient(self, numer: list[sp.Basic], denom: list[sp.Basic], *, lead: bool) -> str:
        text = self.product(numer, lead) if numer else "1"
        if denom:
            text += "/" + self.print(sp.Mul(*denom, evaluate=False), POW, lead=False)
        return text


class TextPrinter(Arithmetic):
    """``names`` maps a symbol's name to its text: a display name (∂C/∂z3) or a value (-0.0631)."""

    def __init__(
        self, names: Mapping[str, str] | Callable[[str], str], decimals: int | None = None
    ) -> None:
        self.lookup = names if callable(names) else (lambda n: names.get(n, n))
        self.decimals = decimals  # computed decimals inside symbolic results: 1.4219 · a(L)

    def doprint(self, expr: sp.Basic) -> str:
        return self.print(expr)

    def other(self, expr: sp.Basic) -> str:
        name = _method_name(type(self), type(expr), "_print_")
        if name is None:
            return str(expr)
        text: str = getattr(self, name)(expr)
        return text

    def _term_Symbol(self, expr: sp.Symbol, lead: bool) -> str:
        return self.lookup(expr.name)

    # Most steps of a large network are sums and products of symbols (∂C/∂z1 · x450,
    # p - η · ∂C/∂p, Σ w · O + b). These two print them here, by the rules ``Arithmetic``
    # applies node by node, without its walk (which builds SymPy products as it goes); a test
    # compares the two on random formulas and values.

    def _term_Mul(self, expr: sp.Mul, lead: bool) -> str:
        names = _symbols(expr)
        if names is None or names[0]:
            return super()._term_Mul(expr, lead)
        return self._product_of(names[1], lead=lead)

    def terms(self, expr: sp.Add, lead: bool = True) -> list[str]:
        parts = [_symbols(t) for t in expr.args]
        if any(p is None for p in parts):
            return super().terms(expr, lead)
        return self._signed([p for p in parts if p is not None], lead=lead)

    def sum_text(self, parts: Sequence[tuple[bool, tuple[str, ...]]]) -> str:
        """``doprint`` of a sum of these signed products of names, without building it."""
        return "".join(self._signed(list(parts), lead=True))

    def _signed(self, known: list[tuple[bool, tuple[str, ...]]], *, lead: bool) -> list[str]:
        first = next((i for i, (minus, _) in enumerate(known) if not minus), 0)
        out: list[str] = []
        for i, (minus, names) in enumerate(known[first:] + known[:first]):
            if i == 0:
                text = self._printed(names, MUL if minus else ADD, lead=lead and not minus)
                out.append("-" + text if minus else text)
            else:
                sign = " - " if minus else " + "
                out.append(sign + self._printed(names, ADD + 1 if minus else ADD, lead=False))
        return out

    def product_text(self, names: tuple[str, ...]) -> str:
        """``doprint`` of the product of these names' symbols, without building it."""
        return self._printed(names, 0, lead=True)

    def _product_of(self, names: tuple[str, ...], *, lead: bool) -> str:
        texts = [self.lookup(n) for n in names]
        return self.times.join(
            self.paren(t) if t.startswith("-") and not (lead and i == 0) else t
            for i, t in enumerate(texts)
        )

    def _printed(self, names: tuple[str, ...], level: int, *, lead: bool) -> str:
        """``print`` of a symbol (one name) or a product of symbols at ``level``."""
        text = self._product_of(names, lead=lead)
        if self.loose(text, level=level, lead=lead):
            return self.paren(self._product_of(names, lead=True))
        return text

    def _term_Number(self, expr: sp.Number, lead: bool) -> str:
        if isinstance(expr, sp.Rational) and expr.q != 1:
            return f"{expr.p}/{expr.q}"
        if isinstance(expr, sp.Float) and self.decimals is not None:
            text = format_number(float(expr), self.decimals)
            return text.rstrip("0").rstrip(".") if "." in text and "e" not in text else text
        if isinstance(expr, sp.Float):  # 12 digits hide binary noise: 0.15000000000000002
            return format_given(float(f"{float(expr):.12g}"))
        return str(expr)

    def product(self, factors: list[sp.Basic], lead: bool) -> str:
        if len(factors) > 1 and factors[0].is_Number and float(factors[0]) == 1.0:
            factors = factors[1:]  # a coefficient 1.0 (0.5 · 2) is no factor: w1 - A1, not 1 · A1
        if factors and factors[0] == sp.Rational(1, 2) and len(factors) > 1:
            return "½" + self.times.strip() + super().product(factors[1:], lead=False)
        return super().product(factors, lead)

    def _term_Pow(self, expr: sp.Pow, lead: bool) -> str:
        if expr.exp == -1:
            return "1/" + self.print(expr.base, POW, lead=False)
        if expr.exp == sp.Rational(1, 2):
            return f"√{self.print(expr.base, ATOM, lead=False)}"
        sup = SUPERSCRIPTS.get(int(expr.exp)) if expr.exp.is_Integer else None
        exponent = sup if sup else "^" + self.print(expr.exp, POW + 1, lead=False)
        return self.print(expr.base, POW + 1, lead=lead) + exponent

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
        lhs, rhs = self.print(expr.lhs, ADD), self.print(expr.rhs, ADD, lead=False)
        return f"{lhs} {expr.rel_op} {rhs}"

    def _print_Exp1(self, expr: sp.Basic) -> str:
        return "e"


def _symbols(term: sp.Basic) -> tuple[bool, tuple[str, ...]] | None:
    """A symbol or a product of symbols, perhaps negated (−η · ∂C/∂p), as (minus, names)."""
    if type(term) is sp.Symbol:
        return False, (term.name,)
    if type(term) is not sp.Mul:
        return None
    args = term.args
    minus = args[0] == -1
    rest = args[1:] if minus else args
    if not rest or not all(type(a) is sp.Symbol for a in rest):
        return None
    return minus, tuple(a.name for a in rest)


def negated(term: sp.Basic) -> sp.Basic | None:
    """The positive part of a term written with a leading minus, else None."""
    if isinstance(term, sp.Mul) and term.args and term.args[0] == -1:
        rest = term.args[1:]
        return rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)
    if isinstance(term, sp.Mul) and term.args and term.args[0].is_Number and term.args[0] < 0:
        return sp.Mul(-term.args[0], *term.args[1:], evaluate=False)
    if isinstance(term, sp.Number) and term < 0:
        return -term
    return None


def reciprocal(factor: sp.Basic) -> bool:
    return isinstance(factor, sp.Pow) and factor.exp.is_Number and factor.exp < 0


class AsciiPrinter(TextPrinter):
    """SymPy-like ASCII for JSON and other machine-read output: *, **, 1/2, no superscripts."""

    times = " * "

    def product(self, factors: list[sp.Basic], lead: bool) -> str:
        return Arithmetic.product(self, factors, lead)

    def _term_Pow(self, expr: sp.Pow, lead: bool) -> str:
        if expr.exp == -1:
            return "1/" + self.print(expr.base, POW, lead=False)
        base = self.print(expr.base, POW + 1, lead=lead)
        return base + "**" + self.print(expr.exp, POW + 1, lead=False)


def _unwrap(text: str) -> str:
    """(1.5 · w) → 1.5 · w where the parentheses of a call already group it."""
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        return text[1:-1]
    return text
