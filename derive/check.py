"""Verdicts on answers files: correct, wrong (with the mistake named), unreadable or unknown.

A number is correct when it lies within one unit of its last written decimal of the exact value,
or of the hand-calculation value (``--carry rounded`` at the precision the student works at, the
last operation possibly left unrounded). --rtol/--atol replace the one-unit rule. The network is
derived once; hand calculations, and each quantity's mistake candidates, are cached per precision.
"""

from __future__ import annotations

import difflib
import math
import random
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import sympy as sp

from .answers import (
    Answer,
    AnswerSheet,
    Unreadable,
    load_answers,
    parse_expression,
    parse_number,
)
from .arithmetic import Arithmetic, DecimalArithmetic, EvaluationError, FloatArithmetic
from .backprop import derive, free_symbols
from .derivation import GIVEN, Derivation
from .errors import UsageError
from .loader import load_network
from .mistakes import Candidate, Drift, Model, World, candidates
from .model import Network
from .rounding import format_number, to_decimal

VERDICTS = ("correct", "wrong", "unreadable", "unknown")
DEFAULT_DECIMALS = 4
TIME_LIMIT = 0.5  # seconds for one symbolic comparison, checked between stages
Value = Any


@dataclass(frozen=True)
class Result:
    quantity: str
    given: str
    verdict: str
    expected: str = ""  # the exact value, at the student's precision
    hand: str = ""  # the hand-calculation value at that precision
    diagnosis: str = ""  # the mistake that reproduces a wrong answer, or why it is unreadable
    mistake: str = ""  # its key in mistakes.MISTAKES
    line: int | None = None


@dataclass(frozen=True)
class Report:
    source: str
    student: str
    precision: int
    results: tuple[Result, ...]
    symbolic: bool = False  # compared as expressions (the network keeps free symbols)

    def counts(self) -> dict[str, int]:
        found = Counter(r.verdict for r in self.results)
        return {v: found.get(v, 0) for v in VERDICTS}

    @property
    def all_correct(self) -> bool:
        return all(r.verdict == "correct" for r in self.results)


_UNITS = [Decimal(1).scaleb(-k) for k in range(20)]


@dataclass(frozen=True)
class Tolerance:
    rtol: float | None = None
    atol: float | None = None

    def unit(self, decimals: int | None) -> Decimal | None:
        """One unit of the last written decimal, when that is the rule here."""
        if self.rtol is not None or self.atol is not None or decimals is None:
            return None
        return _UNITS[decimals] if decimals < len(_UNITS) else Decimal(1).scaleb(-decimals)

    def of(self, decimals: int | None, value: Decimal) -> Decimal:
        if self.rtol is not None or self.atol is not None:
            rtol, atol = to_decimal(self.rtol or 0.0), to_decimal(self.atol or 0.0)
            return atol + rtol * abs(value)
        if decimals is None:  # a number written as an expression with no decimals: exact
            return Decimal("1e-9") * max(Decimal(1), abs(value))
        return Decimal(1).scaleb(-decimals)


@dataclass(frozen=True)
class Reference:
    values: tuple[Decimal, ...]  # exact, hand-rounded, hand with the last operation unrounded
    expected: str
    hand: str


@dataclass
class Checker:
    """Checks answer sheets against one network, derived once."""

    network: Network
    decimals: int | None = None  # the hand-calculation precision; default: the student's
    tolerance: Tolerance = field(default_factory=Tolerance)

    def __post_init__(self) -> None:
        self.exact = derive(self.network)
        self.symbols = _symbols(self.exact)
        self._hand: dict[int, Derivation] = {}
        self._models: dict[int, Model] = {}
        self._candidates: dict[tuple[int, str], list[Candidate]] = {}
        self._unrounded: dict[tuple[int, str], Value] = {}
        self._references: dict[tuple[int, str], Reference] = {}
        self._numeric: dict[tuple[int, str], list[tuple[Candidate, tuple[Decimal, ...]]]] = {}
        self.names = sorted(self.exact.names())

    def check(self, sheet: AnswerSheet) -> Report:
        precision = self.precision(sheet)
        results = tuple(self.result(a, precision) for a in sheet.answers if a.kind != "blank")
        return Report(sheet.source, sheet.student, precision, results, self.exact.symbolic)

    def precision(self, sheet: AnswerSheet) -> int:
        """The number of decimals most of the student's numbers show (ties: the larger)."""
        if self.decimals is not None:
            return self.decimals
        shown = Counter(_decimals(a.text) for a in sheet.answers if a.kind == "number")
        shown.pop(None, None)
        if not shown:
            return DEFAULT_DECIMALS
        best = max(shown.items(), key=lambda item: (item[1], item[0]))[0]
        return min(int(best or 0), 15)

    def result(self, answer: Answer, precision: int) -> Result:
        name, line = answer.quantity, answer.line
        if name not in self.exact:
            near = difflib.get_close_matches(name, self.names, n=3, cutoff=0.5)
            hint = f"; nearest: {', '.join(near)}" if near else ""
            return Result(
                name, answer.text, "unknown", diagnosis=f"no such quantity{hint}", line=line
            )
        try:
            given, decimals = self.read(answer)
        except Unreadable as exc:
            return Result(name, answer.text, "unreadable", diagnosis=str(exc), line=line)
        if self.exact.symbolic:
            return self.symbolic_result(answer, given, decimals, precision)
        return self.numeric_result(answer, given, decimals, precision)

    def read(self, answer: Answer) -> tuple[Value, int | None]:
        if answer.kind == "number":
            return parse_number(answer.text)
        if answer.kind == "expression":
            parsed = parse_expression(answer.text, self.symbols)
            if self.exact.symbolic:
                return parsed.expr, parsed.decimals
            return _exact_decimal(parsed.expr), parsed.decimals
        raise Unreadable("expected a number or an expression in quotes")

    def numeric_result(
        self, answer: Answer, given: Decimal, decimals: int | None, precision: int
    ) -> Result:
        name = answer.quantity
        ref = self.reference(precision, name)
        shown: dict[str, Any] = {"expected": ref.expected, "hand": ref.hand, "line": answer.line}
        if self.agrees(given, decimals, ref.values):
            return Result(name, answer.text, "correct", **shown)
        found = [
            c
            for c, values in self.numeric_candidates(precision, name)
            if self.agrees(given, decimals, values)
        ]
        return Result(name, answer.text, "wrong", **shown, **_diagnosis(answer, found))

    def agrees(self, given: Decimal, decimals: int | None, values: tuple[Decimal, ...]) -> bool:
        unit = self.tolerance.unit(decimals)
        if unit is not None:  # the common case, one subtraction per value
            return any(abs(given - v) <= unit for v in values)
        return any(abs(given - v) <= self.tolerance.of(decimals, v) for v in values)

    def reference(self, precision: int, name: str) -> Reference:
        """The values a right answer may agree with, and how they are shown (cached)."""
        key = (precision, name)
        if key not in self._references:
            exact = self.exact[name].value
            if self.exact.symbolic:  # a constant in a symbolic derivation: no hand calculation
                ref = Reference((_number(exact),), format_number(_number(exact), precision), "")
                self._references[key] = ref
                return ref
            hand = self.hand(precision)[name].value
            values = (exact, hand, self.unrounded(precision, name))
            self._references[key] = Reference(
                tuple(_number(v) for v in values),
                format_number(exact, precision),
                format_number(hand, precision),
            )
        return self._references[key]

    def numeric_candidates(
        self, precision: int, name: str
    ) -> list[tuple[Candidate, tuple[Decimal, ...]]]:
        key = (precision, self.exact.alias_of.get(name, name))
        if key not in self._numeric:
            self._numeric[key] = [
                (c, tuple(_number(v) for v in c.values))
                for c in self.candidates(*key)
                if not any(getattr(v, "free_symbols", None) for v in c.values)
            ]
        return self._numeric[key]

    def symbolic_result(
        self, answer: Answer, given: Value, decimals: int | None, precision: int
    ) -> Result:
        name = answer.quantity
        expected = self.exact[name].value
        shown: dict[str, Any] = {"expected": _text(expected), "line": answer.line}
        if isinstance(given, Decimal) and not getattr(expected, "free_symbols", None):
            return self.numeric_result(answer, given, decimals, precision)
        if equivalent(_sympy(given), expected):
            return Result(name, answer.text, "correct", **shown)
        found = [
            c for c in self.candidates(precision, name) if equivalent(_sympy(given), c.values[0])
        ]
        return Result(name, answer.text, "wrong", **shown, **_diagnosis(answer, found))

    def hand(self, decimals: int) -> Derivation:
        if decimals not in self._hand:
            self._hand[decimals] = derive(self.network, carry="rounded", decimals=decimals)
        return self._hand[decimals]

    def unrounded(self, decimals: int, name: str) -> Value:
        """The last operation of the hand calculation, before it is rounded."""
        key = (decimals, name)
        if key not in self._unrounded:
            q = self.hand(decimals)[name]
            if q.section == GIVEN or q.formula is None:
                self._unrounded[key] = q.value
            else:
                env = self.model(decimals).worlds[-1].env
                self._unrounded[key] = DecimalArithmetic(decimals).evaluate(q.formula, env)
        return self._unrounded[key]

    def candidates(self, decimals: int, name: str) -> list[Candidate]:
        key = (decimals, self.exact.alias_of.get(name, name))
        if key not in self._candidates:
            self._candidates[key] = candidates(self.model(decimals), key[1])
        return self._candidates[key]

    def model(self, decimals: int) -> Model:
        if decimals not in self._models:
            worlds = [World(_arithmetic(self.exact), _env(self.exact))]
            if not self.exact.symbolic:
                hand = self.hand(decimals)
                worlds.append(World(DecimalArithmetic(decimals), hand.values()))
            self._models[decimals] = Model(self.exact, worlds, drift=self._drift_for(decimals))
        return self._models[decimals]

    def _drift_for(self, decimals: int) -> Drift:
        def drift(name: str) -> Iterator[tuple[int, tuple[Value, ...]]]:
            if self.exact.symbolic:
                return
            for coarser in range(decimals - 1, max(decimals - 3, 0), -1):
                yield coarser, (self.hand(coarser)[name].value, self.unrounded(coarser, name))

        return drift


_NONE = "no common mistake reproduces it"


def grade(
    network: str | Path,
    answers: Sequence[str | Path],
    *,
    decimals: int | None = None,
    rtol: float | None = None,
    atol: float | None = None,
) -> list[Report]:
    """Check every answers file against one network (derived once); bad files raise."""
    if decimals is not None and not 0 <= decimals <= 15:
        raise UsageError(f"--decimals must be between 0 and 15, not {decimals}")
    for flag, value in (("--rtol", rtol), ("--atol", atol)):
        if value is not None and not (value >= 0 and math.isfinite(value)):
            raise UsageError(f"{flag} must be a number ≥ 0, not {value}")
    sheets = [load_answers(path) for path in answers]
    checker = Checker(load_network(network), decimals=decimals, tolerance=Tolerance(rtol, atol))
    return [checker.check(sheet) for sheet in sheets]


def _diagnosis(answer: Answer, found: list[Candidate]) -> dict[str, Any]:
    """The first matching mistake of the table, and up to two others that give the same value
    (with η = 0.5, leaving η out and doubling the gradient are the same number)."""
    if not found:
        return {"diagnosis": _NONE}
    first, others = found[0], list[Candidate]()
    for c in found[1:]:
        if c.mistake != first.mistake and c.mistake not in [o.mistake for o in others]:
            others.append(c)
    text = f"{answer.text} is what {first.says}" + "".join(
        f"; or what {c.says}" for c in others[:2]
    )
    return {"diagnosis": text, "mistake": first.mistake}


def _symbols(d: Derivation) -> set[str]:
    """Names a symbolic answer may use: the file's symbols, and quantities kept by name."""
    if not d.symbolic:
        return set()
    names = free_symbols(d.network)
    for q in d.quantities.values():
        if isinstance(q.value, sp.Basic):
            names |= {s.name for s in q.value.free_symbols}
    return names


def _env(d: Derivation) -> dict[str, Value]:
    """The values later formulas see: a symbolic forward value kept opaque stays its name."""
    return {
        name: sp.Symbol(name) if getattr(d[name], "opaque", False) else d[name].value
        for name in d.names()
    }


def _arithmetic(d: Derivation) -> Arithmetic:
    return Arithmetic() if d.symbolic else FloatArithmetic()


def _decimals(text: str) -> int | None:
    try:
        return parse_number(text)[1]
    except Unreadable:
        return None


def _exact_decimal(expr: sp.Basic) -> Decimal:
    """A constant SymPy expression as a Decimal: exactly for a rational, else via evalf."""
    if expr.free_symbols:
        raise Unreadable("expected a number here, not an expression in symbols")
    if isinstance(expr, sp.Rational):
        return Decimal(int(expr.p)) / Decimal(int(expr.q))
    try:  # floats, not evalf: exp(exp(exp(9))) overflows at once instead of running away
        value = FloatArithmetic().evaluate(expr, {})
    except EvaluationError as exc:
        raise Unreadable(f"this expression has no real value ({exc})") from None
    if not math.isfinite(value):
        raise Unreadable("this expression has no finite value")
    return to_decimal(value)


def _number(value: Value) -> Decimal:
    return _exact_decimal(value) if isinstance(value, sp.Basic) else to_decimal(value)


def _sympy(value: Value) -> sp.Expr:
    if isinstance(value, Decimal):
        numerator, denominator = value.as_integer_ratio()
        return sp.Rational(numerator, denominator)
    return value if isinstance(value, sp.Basic) else sp.Float(value)


def _text(value: Value) -> str:
    return str(value) if isinstance(value, sp.Basic) else format_number(value, DEFAULT_DECIMALS)


def equivalent(a: sp.Expr, b: sp.Expr, *, points: int = 8) -> bool:
    """SymPy expansion of the difference, then evaluation at random points as the fallback.

    Inputs are bounded by the parser, so each stage is bounded; the random points stop at the
    time limit. Points are seeded: the same answers always get the same verdicts."""
    diff = sp.expand(a - b) if sp.count_ops(a - b) <= 400 else a - b
    if diff == 0:
        return True
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    rng, deadline, agreed = random.Random(6), time.monotonic() + TIME_LIMIT, 0
    walker = FloatArithmetic()
    for _ in range(points):
        if time.monotonic() > deadline:
            break
        env = {s.name: rng.uniform(0.1, 2.0) for s in symbols}
        try:
            left, right = walker.evaluate(a, env), walker.evaluate(b, env)
        except EvaluationError:
            continue
        if not (math.isfinite(left) and math.isfinite(right)):
            continue
        if abs(left - right) > 1e-9 * (1 + abs(left) + abs(right)):
            return False
        agreed += 1
    return agreed >= 3
