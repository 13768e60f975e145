"""Verdicts on answers files: correct, wrong (with the mistake named), unreadable or unknown.

A number is correct when it lies within one unit of its last written decimal of the exact value,
or of the hand-calculation value (``--carry rounded`` at the precision the student works at, the
last operation possibly left unrounded). --rtol/--atol replace the one-unit rule. The values a
right answer (or a mistake) gives come from ``expected``: the network is derived once, and hand
calculations and each quantity's mistake candidates are cached per precision.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import sympy as sp

from ..derivation.quantity import Derivation
from ..errors import OptionError
from ..numbers.arithmetic import Value
from ..numbers.rounding import format_number, to_decimal
from ..spec.limits import DERIVE, Limits
from ..spec.load import load_network
from ..spec.network import Network
from ..spec.notation import free_symbols
from .answers import Answer, AnswerSheet, NameIndex, load_answers
from .equivalence import ANSWER_TIME, TooCostly, as_sympy, equivalent, exact_decimal
from .key import Expectations
from .mistakes import Candidate
from .parse import Unreadable, parse_expression, parse_number

Verdict = Literal["correct", "wrong", "unreadable", "unknown"]
VERDICTS: tuple[Verdict, ...] = ("correct", "wrong", "unreadable", "unknown")
DEFAULT_DECIMALS = 4


@dataclass(frozen=True)
class Result:
    quantity: str
    given: str
    verdict: Verdict
    expected: str = ""  # the exact value, at the student's precision
    hand: str = ""  # the hand-calculation value at that precision
    diagnosis: str = ""  # the mistake that reproduces a wrong answer, or why it is unreadable
    mistake: str = ""  # its key in mistakes.MISTAKES
    line: int | None = None


@dataclass(frozen=True)
class GradeReport:
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
class AnswerTolerance:
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


@dataclass
class Checker:
    """Checks answer sheets against one network, derived once."""

    network: Network
    decimals: int | None = None  # the hand-calculation precision; default: the student's
    tolerance: AnswerTolerance = field(default_factory=AnswerTolerance)

    def __post_init__(self) -> None:
        self.expected = Expectations(self.network)
        self.exact = self.expected.exact
        self.symbols = _symbols(self.exact)
        self.names = NameIndex(self.exact.names())

    def check(self, sheet: AnswerSheet) -> GradeReport:
        precision = self.precision(sheet)
        results = tuple(self.result(a, precision) for a in sheet.answers if a.kind != "blank")
        return GradeReport(sheet.source, sheet.student, precision, results, self.exact.symbolic)

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
            near = self.names.nearest(name)
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
            return exact_decimal(parsed.expr), parsed.decimals
        raise Unreadable("expected a number or an expression in quotes")

    def numeric_result(
        self, answer: Answer, given: Decimal, decimals: int | None, precision: int
    ) -> Result:
        name = answer.quantity
        ref = self.expected.reference(precision, name)
        shown: dict[str, Any] = {"expected": ref.expected, "hand": ref.hand, "line": answer.line}
        if self.agrees(given, decimals, ref.values):
            return Result(name, answer.text, "correct", **shown)
        found = [
            c
            for c, values in self.expected.numeric_candidates(precision, name)
            if self.agrees(given, decimals, values)
        ]
        return Result(name, answer.text, "wrong", **shown, **_diagnosis(answer, found))

    def agrees(self, given: Decimal, decimals: int | None, values: tuple[Decimal, ...]) -> bool:
        unit = self.tolerance.unit(decimals)
        if unit is not None:  # the common case, one subtraction per value
            return any(abs(given - v) <= unit for v in values)
        return any(abs(given - v) <= self.tolerance.of(decimals, v) for v in values)

    def symbolic_result(
        self, answer: Answer, given: Value, decimals: int | None, precision: int
    ) -> Result:
        name = answer.quantity
        expected = self.exact[name].value
        shown: dict[str, Any] = {"expected": _text(expected), "line": answer.line}
        if isinstance(given, Decimal) and not getattr(expected, "free_symbols", None):
            return self.numeric_result(answer, given, decimals, precision)
        deadline = time.monotonic() + ANSWER_TIME
        try:
            if equivalent(as_sympy(given), expected, deadline=deadline):
                return Result(name, answer.text, "correct", **shown)
        except TooCostly as exc:
            return Result(name, answer.text, "unreadable", **shown, diagnosis=str(exc))
        found = self.symbolic_mistakes(
            as_sympy(given), precision=precision, name=name, deadline=deadline
        )
        return Result(name, answer.text, "wrong", **shown, **_diagnosis(answer, found))

    def symbolic_mistakes(
        self, given: sp.Expr, *, precision: int, name: str, deadline: float
    ) -> list[Candidate]:
        """The mistakes that give ``given``, compared until the answer's deadline."""
        found = []
        for c in self.expected.candidates(precision, name):
            try:
                if equivalent(given, c.values[0], deadline=deadline):
                    found.append(c)
            except TooCostly:
                break
        return found

    def hand(self, decimals: int) -> Derivation:
        """The hand calculation at ``decimals`` places (derived once)."""
        return self.expected.hand(decimals)


_NONE = "no common mistake reproduces it"


def grade(
    network: str | Path,
    answers: Sequence[str | Path],
    *,
    decimals: int | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    limits: Limits = DERIVE,
) -> list[GradeReport]:
    """Check every answers file against one network (derived once); bad files raise."""
    if decimals is not None and not 0 <= decimals <= 15:
        raise OptionError("decimals", f"must be between 0 and 15, not {decimals}")
    for option, value in (("rtol", rtol), ("atol", atol)):
        if value is not None and not (value >= 0 and math.isfinite(value)):
            raise OptionError(option, f"must be a number ≥ 0, not {value}")
    sheets = [load_answers(path) for path in answers]
    checker = Checker(
        load_network(network, limits=limits),
        decimals=decimals,
        tolerance=AnswerTolerance(rtol, atol),
    )
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


def _decimals(text: str) -> int | None:
    try:
        return parse_number(text)[1]
    except Unreadable:
        return None


def _text(value: Value) -> str:
    return str(value) if isinstance(value, sp.Basic) else format_number(value, DEFAULT_DECIMALS)
