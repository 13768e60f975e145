"""Answers files (``student:``, ``answers: {quantity: value}``) and the whitelisted parser for
symbolic answers.

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
from pathlib import Path
from typing import Any, ClassVar

import sympy as sp
import yaml

from .arithmetic import EvaluationError, FloatArithmetic
from .errors import InputError
from .yamlio import _SafeNoAliasLoader, read_text

MAX_TEXT = 200  # characters of one expression
MAX_DEPTH = 20  # nested parentheses, unary signs and powers
MAX_LITERAL = 30  # characters of one number
MAX_EXPONENT = 16  # |exponent| of ^ / **
MAX_BITS = 2000  # size of an exact number built from powers
MAX_FILE = 1024 * 1024
MAX_ANSWERS = 10_000

TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_σ][A-Za-z0-9_]*(?:\(L(?:-[1-9][0-9]?)?\))?)|(?P<op>\*\*|[-+*/^()·×−]))"
)
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


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    pos, end = 0, len(text.rstrip())
    while pos < end:
        match = TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise Unreadable(f"unexpected character {text[pos:].strip()[:1]!r}")
        kind = match.lastgroup or "op"
        token = match.group(kind)
        yield kind, OPS.get(token, token)
        pos = match.end()


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
        allowed = ", ".join(sorted(self.symbols)) or "none in this network"
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


@dataclass(frozen=True)
class Answer:
    quantity: str
    text: str  # as written in the file
    kind: str  # "number", "expression", "blank" or "other" (a list, a mapping, true, ...)
    line: int | None = None


@dataclass(frozen=True)
class AnswerSheet:
    source: str
    student: str
    answers: tuple[Answer, ...]


def load_answers(path: str | Path) -> AnswerSheet:
    """Read an answers file; a malformed file raises InputError (file, place, line)."""
    path = Path(path)
    source = str(path)
    text = read_text(path)
    if len(text) > MAX_FILE:
        raise InputError(source, "", f"an answers file is at most {MAX_FILE // 1024} KiB")
    return answers_from_text(text, source=source, default_student=path.stem)


def answers_from_text(text: str, *, source: str, default_student: str) -> AnswerSheet:
    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(source, "", f"not valid YAML: {exc.problem}", line=line) from None
    except (yaml.YAMLError, RecursionError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(source, "", f"not valid YAML: {first}") from None
    top = _mapping(root, source, "", "student and answers")
    if "answers" not in top:
        raise InputError(source, "", "missing required key 'answers'")
    for key, node in top.items():
        if key not in ("student", "answers"):
            raise InputError(
                source, key, "unknown key; expected student, answers", line=_line(node)
            )
    student = top.get("student")
    name = default_student
    if student is not None and not _is_null(student):
        if not isinstance(student, yaml.ScalarNode):
            raise InputError(source, "student", "expected a name", line=_line(student))
        name = str(student.value)
    entries = _mapping(top["answers"], source, "answers", "quantity: value pairs")
    if len(entries) > MAX_ANSWERS:
        raise InputError(source, "answers", f"expected at most {MAX_ANSWERS} answers")
    answers = tuple(_answer(key, node) for key, node in entries.items())
    return AnswerSheet(source, name, answers)


def _compose(text: str) -> Any:
    """The YAML node tree, by libyaml where present (a checker reads thousands of files).

    libyaml cannot refuse aliases while composing; an alias is a node met twice, found by one
    walk over the tree that stops at the first repeat, before anything is expanded."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return yaml.compose(text, Loader=_SafeNoAliasLoader)
    root = yaml.compose(text, Loader=loader)
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise yaml.MarkedYAMLError(
                "", None, "YAML aliases (*name) are not allowed", node.start_mark
            )
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(child for pair in node.value for child in pair)
    return root


def _mapping(node: Any, source: str, place: str, what: str) -> dict[str, Any]:
    if not isinstance(node, yaml.MappingNode):
        raise InputError(source, place, f"expected a mapping of {what}", line=_line(node))
    out: dict[str, Any] = {}
    for key, value in node.value:
        where = f"{place}.{key.value}" if place else str(key.value)
        if not isinstance(key, yaml.ScalarNode):
            raise InputError(source, place, "expected names as keys", line=_line(key))
        if key.value in out:
            raise InputError(source, where, "given twice", line=_line(key))
        out[str(key.value)] = value
    return out


def _answer(quantity: str, node: Any) -> Answer:
    line = _line(node)
    if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":bool"):
        return Answer(quantity, "(not a number or expression)", "other", line)
    if _is_null(node):
        return Answer(quantity, "", "blank", line)
    numeric = node.tag.endswith((":int", ":float"))
    return Answer(quantity, str(node.value), "number" if numeric else "expression", line)


def _is_null(node: Any) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def _line(node: Any) -> int | None:
    return node.start_mark.line + 1 if node is not None else None
