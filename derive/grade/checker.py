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
from typing import Any

import sympy as sp

from ..derivation.quantity import Derivation
from ..errors import InputError, OptionError
from ..numbers.arithmetic import Value
from ..numbers.rounding import format_number
from ..spec.limits import DERIVE, Limits
from ..spec.load import load_network
from ..spec.network import Network
from ..spec.notation import free_symbols
from .answers import Answer, AnswerSheet, NameIndex, load_answers
from .carried import carry_forward
from .diagnosis import diagnosis_of
from .equivalence import (
    ANSWER_TIME,
    TooCostly,
    as_decimal,
    as_sympy,
    equivalent,
    exact_decimal,
)
from .key import Expectations
from .parse import NAME, Unreadable, parse_expression, parse_number
from .recompute import Candidate
from .result import VERDICTS, GradeReport, Result, Verdict
from .rules import (
    AnswerTolerance,
    PrecisionRule,
    flipped_sign,
    size_matches,
    too_few_digits,
)
from .sheet import Scoring, Sheet, load_sheet

__all__ = ["VERDICTS", "AnswerTolerance", "Checker", "GradeReport", "Result", "Verdict", "grade"]
DEFAULT_DECIMALS = 4


@dataclass
class Checker:
    """Checks answer sheets against one network, derived once."""

    network: Network
    decimals: int | None = None  # the hand-calculation precision; default: the student's
    tolerance: AnswerTolerance = field(default_factory=AnswerTolerance)
    rule: PrecisionRule = field(default_factory=PrecisionRule)
    scoring: Scoring = field(default_factory=Scoring)

    def __post_init__(self) -> None:
        self.expected = Expectations(self.network)
        self.exact = self.expected.exact
        self.symbols = _symbols(self.exact)
        self.names = NameIndex(self.exact.names())

    def check(self, sheet: AnswerSheet) -> GradeReport:
        precision = self.precision(sheet)
        answered = [a for a in sheet.answers if a.kind != "blank"]
        results = [self.result(a, precision) for a in answered]
        if not self.exact.symbolic and any(r.verdict == "wrong" for r in results):
            results = carry_forward(
                list(zip(answered, results, strict=True)),
                model=self.expected.model(precision),
                given=self.numbers(answered),
                agrees=self.agrees,
            )
        scored = self.scoring.scored(results, canonical=self.canonical)
        return GradeReport(sheet.source, sheet.student, precision, scored, self.exact.symbolic)

    def canonical(self, name: str) -> str:
        return self.exact.alias_of.get(name, name)

    def numbers(self, answers: Sequence[Answer]) -> dict[str, tuple[Decimal, int | None]]:
        """The student's readable numbers by canonical name: (value, decimals shown)."""
        out: dict[str, tuple[Decimal, int | None]] = {}
        for a in answers:
            name = self.exact.alias_of.get(a.quantity, a.quantity)
            if name not in self.exact:
                continue
            try:
                value, decimals = self.read(a)
            except Unreadable:
                continue
            if isinstance(value, Decimal):
                out[name] = (value, decimals)
        return out

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
            return exact_decimal(self.with_values(parsed.expr)), parsed.decimals
        raise Unreadable("expected a number or an expression in quotes")

    def with_values(self, expr: sp.Expr) -> sp.Expr:
        """An answer written with the network's own quantities (``2*(O3 - y)``), evaluated
        with their exact values."""
        values = {s: as_sympy(as_decimal(self.exact[s.name].value)) for s in expr.free_symbols}
        return expr.xreplace(values) if values else expr

    def numeric_result(
        self, answer: Answer, given: Decimal, decimals: int | None, precision: int
    ) -> Result:
        name = answer.quantity
        ref = self.expected.reference(precision, name)
        shown: dict[str, Any] = {"expected": ref.expected, "hand": ref.hand, "line": answer.line}
        broken: dict[str, Any] = self.broken_rule(
            answer.text, given=given, values=ref.values, precision=precision
        )
        if broken and broken.get("mistake") != "sign":  # too few digits: no mistake is named
            return Result(name, answer.text, "wrong", **shown, **broken)
        if not broken and self.agrees(given, decimals, ref.values):
            return Result(name, answer.text, "correct", **shown)
        found = [
            c
            for c, values in self.expected.numeric_candidates(precision, name)
            if self.reproduces(given, decimals, values, right=ref.values)
        ]
        if broken.get("mistake") == "sign":  # only a sign mistake of the table explains it
            found = [c for c in found if c.mistake == "sign"]
        if broken and not found:
            return Result(name, answer.text, "wrong", **shown, **broken)
        return Result(name, answer.text, "wrong", **shown, **diagnosis_of(answer, found))

    def broken_rule(
        self, text: str, *, given: Decimal, values: tuple[Decimal, ...], precision: int
    ) -> dict[str, str]:
        """A flipped sign, or too few digits: wrong whatever the value."""
        exact = values[0]
        if flipped_sign(given, exact, values[1:]):
            side = "positive" if exact > 0 else "negative"
            if size_matches(text, given=given, values=values):
                says = f"{text} is what a flipped sign gives (the value is {side})"
            else:  # not the right size either: the sign is wrong, but no flip explains it
                says = f"{text} has the wrong sign (the value is {side}) and the wrong size"
            return {"diagnosis": says, "mistake": "sign"}
        tolerance_set = self.tolerance.rtol is not None or self.tolerance.atol is not None
        why = too_few_digits(
            text, exact=exact, rule=self.rule, precision=precision, tolerance_set=tolerance_set
        )
        return {"diagnosis": why} if why else {}

    def reproduces(
        self,
        given: Decimal,
        decimals: int | None,
        values: tuple[Decimal, ...],
        *,
        right: tuple[Decimal, ...],
    ) -> bool:
        """A mistake's ``values`` give ``given``: within half a unit of its last decimal, at a
        value that differs from the right ones at that precision (with --rtol/--atol: within
        the tolerance)."""
        unit = self.tolerance.unit(decimals)
        if unit is None:
            return self.agrees(given, decimals, values)
        shown = {v.quantize(unit) for v in right}
        half = unit / 2
        return any(abs(given - v) <= half and v.quantize(unit) not in shown for v in values)

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
        return Result(name, answer.text, "wrong", **shown, **diagnosis_of(answer, found))

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


def grade(
    network: str | Path,
    answers: Sequence[str | Path],
    *,
    decimals: int | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    rule: PrecisionRule | None = None,
    sheet: str | Path | None = None,
    carried_credit: float = 1.0,
    limits: Limits = DERIVE,
) -> list[GradeReport]:
    """Check every answers file against one network (derived once). A bad network, sheet or
    option raises; a bad answers file gets a report with its ``error``. ``rule`` (the digits
    every answer needs) replaces the sheet's."""
    if decimals is not None and not 0 <= decimals <= 15:
        raise OptionError("decimals", f"must be between 0 and 15, not {decimals}")
    for option, value in (("rtol", rtol), ("atol", atol)):
        if value is not None and not (value >= 0 and math.isfinite(value)):
            raise OptionError(option, f"must be a number ≥ 0, not {value}")
    if not 0 <= carried_credit <= 1:
        raise OptionError("carried_credit", f"must be between 0 and 1, not {carried_credit}")
    questions: Sheet | None = load_sheet(sheet) if sheet is not None else None
    if rule is None or rule == PrecisionRule():
        rule = questions.rule if questions is not None else PrecisionRule()
    checker = Checker(
        load_network(network, limits=limits),
        decimals=decimals,
        tolerance=AnswerTolerance(rtol, atol),
        rule=rule,
        scoring=Scoring(questions, carried_credit),
    )
    return [check_file(checker, path) for path in answers]


def check_file(checker: Checker, path: str | Path) -> GradeReport:
    """One answers file's report; a file that cannot be read is reported, not raised, so that
    the other files are graded."""
    try:
        sheet = load_answers(path)
    except InputError as exc:
        unread = checker.scoring.unread_max()
        return GradeReport(str(path), Path(path).stem, 0, (), error=str(exc), unread_max=unread)
    return checker.check(sheet)


def _symbols(d: Derivation) -> set[str]:
    """Names an answer may use: in a numeric network its quantities (evaluated with their
    values); in a symbolic one the file's symbols, and quantities kept by name."""
    if not d.symbolic:
        return {n for n in d.names() if NAME.fullmatch(n)}
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
