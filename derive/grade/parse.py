"""The whitelisted tokenizer and parser of student expressions, and of numbers as written.

Student text is untrusted: it never reaches eval, sympify or parse_expr. A small tokenizer and a
Pratt parser build SymPy objects directly from tokens, with bounds on length, nesting, the size of
numbers and of exponents. Any violation raises ``Unreadable`` with a reason, which the checker
turns into the verdict "unreadable".
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import ClassVar

import sympy as sp

from ..numbers.arithmetic import EvaluationError, FloatArithmetic

MAX_TEXT = 200  # characters of one expression
MAX_DEPTH = 20  # nested parentheses, unary signs and powers
MAX_LITERAL = 30  # characters of one number
MAX_EXPONENT = 16  # |exponent| of ^ / **
MAX_BITS = 2000  # size of an exact number built from powers
MAX_LISTED = 12  # names listed when an unknown one is used

TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_σ][A-Za-z0-9_]*(?:\(L(?:-[1-9][0-9]?)?\))?)|(?P<op>\*\*|[-+*/^()·×−]))"
)
NAME = re.compile(r"[A-Za-z_σ][A-Za-z0-9_]*(?:\(L(?:-[1-9][0-9]?)?\))?")  # as TOKEN's names
OPS = {"·": "*", "×": "*", "−": "-", "**": "^"}


def _sigmoid(x: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-x))


FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "exp": sp.exp,
    "log": sp.log,
    "ln": sp.log,
    "sigma": _sigmoid,
    "σ": _sigmoid,
    "sigmoid": _sigmoid,
    "tanh": sp.tanh,
    "sqrt": sp.sqrt,
}


class Unreadable(Exception):
    """An answer the checker cannot read; the message is the reason shown to the student."""


@dataclass(frozen=True)
class Parsed:
    expr: sp.Expr
    decimals: int | None  # most decimals of any number literal that has some, else None


def parse_number(text: str) -> tuple[Decimal, int]:
    """A number as written: its exact value and how many decimals it shows (-0.0000 → 4)."""
    if len(text) > MAX_LITERAL:
        raise Unreadable(f"number longer than {MAX_LITERAL} characters")
    try:
        value = Decimal(text.replace("_", ""))
    except InvalidOperation:
        raise Unreadable(f"not a number: {_short(text)!r}") from None
    exponent = value.as_tuple().exponent
    if not value.is_finite() or not isinstance(exponent, int) or abs(exponent) > 2 * MAX_LITERAL:
        raise Unreadable(f"not a finite number of sensible size: {_short(text)!r}")
    return value, max(0, -exponent)


def parse_expression(text: str, symbols: Collection[str]) -> Parsed:
    """Parse ``text`` over the allowed ``symbols`` and the whitelisted functions."""
    if len(text) > MAX_TEXT:
        raise Unreadable(f"expression longer than {MAX_TEXT} characters")
    parser = _Parser(list(_tokens(text)), set(symbols))
    expr = parser.expression(0, 0)
    if parser.pos < len(parser.tokens):
        raise Unreadable(f"unexpected {parser.tokens[parser.pos][1]!r}")
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise Unreadable("division by zero or an infinite value")
    return Parsed(expr, parser.decimals)


DECIMAL_COMMA = re.compile(r"\s*[-+−]?\d+,\d+\s*")
MALFORMED = re.compile(r"[\d.]*\.\d*\.[\d.]*")  # 0.1.2, 1..2


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    if DECIMAL_COMMA.fullmatch(text):
        point = text.strip().replace(",", ".")
        raise Unreadable(f"a decimal comma: write {_short(point)!r} with a decimal point")
    pos, end, previous = 0, len(text.rstrip()), ("", "")
    while pos < end:
        match = TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise Unreadable(f"unexpected character {text[pos:].strip()[:1]!r}")
        kind = match.lastgroup or "op"
        token = match.group(kind)
        if kind == "num":
            _well_formed(text, match.start(kind), previous=previous, token=token)
        previous = (kind, token)
        yield kind, OPS.get(token, token)
        pos = match.end()


def _well_formed(text: str, start: int, *, previous: tuple[str, str], token: str) -> None:
    """A number right after a number: ``0.1.2`` or ``1..2`` (malformed), ``0.03 0.1`` (two)."""
    malformed = MALFORMED.match(text, start)
    if malformed is not None and malformed.end() > start:
        raise Unreadable(f"a malformed number: {_short(malformed.group())!r}")
    if previous[0] == "num":
        raise Unreadable(
            f"two numbers side by side ({_short(previous[1])!r} {_short(token)!r}):"
            " a missing operator or a malformed number"
        )


class _Parser:
    """Pratt parser: + − (10), * / and juxtaposition (20), unary − (25), ^ (30, right)."""

    BINARY: ClassVar[dict[str, int]] = {"+": 10, "-": 10, "*": 20, "/": 20, "^": 30}

    def __init__(self, tokens: list[tuple[str, str]], symbols: set[str]) -> None:
        self.tokens, self.symbols, self.pos = tokens, symbols, 0
        self.decimals: int | None = None

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise Unreadable("the expression ends too early")
        self.pos += 1
        return token

    def expression(self, power: int, depth: int) -> sp.Expr:
        if depth > MAX_DEPTH:
            raise Unreadable(f"nested more than {MAX_DEPTH} deep")
        left = self.prefix(depth)
        while (token := self.peek()) is not None:
            kind, text = token
            implicit = kind in ("num", "name") or text == "("
            bp = 20 if implicit else self.BINARY.get(text, -1)
            if bp <= power or (bp == -1):
                break
            if not implicit:
                self.pos += 1
            right_power = bp - 1 if text == "^" else bp  # ^ is right-associative
            right = self.expression(right_power, depth + 1)
            left = self.combine("*" if implicit else text, left, right)
        return left

    def prefix(self, depth: int) -> sp.Expr:
        kind, text = self.take()
        if kind == "num":
            return self.number(text)
        if kind == "name":
            return self.name(text, depth)
        if text == "(":
            inner = self.expression(0, depth + 1)
            self.expect(")")
            return inner
        if text in "+-":
            operand = self.expression(25, depth + 1)
            return -operand if text == "-" else operand
        raise Unreadable(f"unexpected {text!r}")

    def expect(self, text: str) -> None:
        if self.take()[1] != text:
            raise Unreadable(f"expected {text!r}")

    def number(self, text: str) -> sp.Expr:
        value, decimals = parse_number(text)
        if decimals:
            self.decimals = max(self.decimals or 0, decimals)
        numerator, denominator = value.as_integer_ratio()
        return sp.Rational(numerator, denominator)

    def name(self, text: str, depth: int) -> sp.Expr:
        if text in FUNCTIONS:
            self.expect("(")
            argument = self.expression(0, depth + 1)
            self.expect(")")
            return _bounded(FUNCTIONS[text](argument))
        if text in self.symbols:
            return sp.Symbol(text)
        names = sorted(self.symbols)
        allowed = ", ".join(names[:MAX_LISTED]) + (", …" if len(names) > MAX_LISTED else "")
        allowed = allowed or "none in this network"
        raise Unreadable(f"unknown name {_short(text)!r} (symbols: {allowed})")

    def combine(self, op: str, left: sp.Expr, right: sp.Expr) -> sp.Expr:
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        if op == "/":
            if right == 0:
                raise Unreadable("division by zero")
            return left / right
        return _power(left, right)


def _power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    if not exponent.is_number or not exponent.is_real or abs(exponent) > MAX_EXPONENT:
        raise Unreadable(f"exponents must be numbers between -{MAX_EXPONENT} and {MAX_EXPONENT}")
    if base == 0 and exponent <= 0:
        raise Unreadable("division by zero")
    bits = max(
        (max(abs(int(r.p)).bit_length(), int(r.q).bit_length()) for r in base.atoms(sp.Rational)),
        default=1,
    )
    if bits * abs(float(exponent)) > MAX_BITS:
        raise Unreadable("a number too large")
    result = _bounded(sp.Pow(base, exponent))
    if any(abs(p.exp) > 4 * MAX_EXPONENT for p in result.atoms(sp.Pow) if p.exp.is_number):
        raise Unreadable("powers nested too high")
    return result


def _bounded(expr: sp.Expr) -> sp.Expr:
    """A constant must have a finite float value: exp(exp(exp(9))) is refused here, before
    SymPy's own evaluation (printing, expansion) could try to compute it."""
    if expr.free_symbols or expr.is_Rational:
        return expr
    try:
        value = FloatArithmetic().evaluate(expr, {})
    except EvaluationError:
        return expr  # no real value (sqrt(-1)): left for the checker to report
    if not math.isfinite(value) or abs(value) > 1e100:
        raise Unreadable("a number too large")
    return expr


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:27] + "..."
