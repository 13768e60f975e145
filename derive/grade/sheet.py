"""The teacher's sheet (the questions, their points, the digit rule) and scores.

A sheet is the file ``derive template`` writes: an answers file whose ``answers`` are the
questions, with optional ``points: {quantity: n}`` (default 1 each) and ``require_decimals`` or
``sig_figs``. Graded against a sheet, a question left blank or absent is ``missing`` (0 points);
without one, the questions are those answered, 1 point each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import InputError, OptionError
from .answers import AnswerSheet, load_answers
from .result import Result
from .rules import PrecisionRule

DEFAULT_POINTS = 1.0


@dataclass(frozen=True)
class Sheet:
    questions: tuple[str, ...]
    points: dict[str, float]
    rule: PrecisionRule

    def worth(self, name: str) -> float:
        return self.points.get(name, DEFAULT_POINTS)

    @property
    def total(self) -> float:
        return sum(self.worth(q) for q in self.questions)


def load_sheet(path: str | Path) -> Sheet:
    """The sheet at ``path``; a malformed one raises InputError (grading cannot start)."""
    return sheet_from(load_answers(path))


def sheet_from(answers: AnswerSheet) -> Sheet:
    questions = tuple(a.quantity for a in answers.answers)
    points = dict(answers.points)
    for name in points:
        if name not in questions:
            raise InputError(answers.source, f"points.{name}", "not a question of this sheet")
    try:
        rule = PrecisionRule(answers.require_decimals, answers.sig_figs)
    except OptionError as exc:  # both set: here a problem of the file, not of an option
        raise InputError(answers.source, exc.option, exc.problem) from None
    return Sheet(questions, points, rule)


@dataclass(frozen=True)
class Scoring:
    sheet: Sheet | None = None
    carried_credit: float = 1.0  # the share of a question's points a carried answer earns

    def scored(
        self, results: Sequence[Result], *, canonical: Callable[[str], str]
    ) -> tuple[Result, ...]:
        """Points for each result, and (with a sheet) a ``missing`` result for each question
        not answered; an answer under another name of the same quantity (dC/db3 for dC/dz3)
        answers it."""
        asked = {canonical(q): q for q in self.sheet.questions} if self.sheet else {}
        out = []
        for r in results:  # a question answered twice (by two names) counts once
            out.append(self._points(r, asked.pop(canonical(r.quantity), None)))
        if self.sheet is not None:
            answered = {canonical(r.quantity) for r in results}
            out += [
                Result(q, "", "missing", diagnosis="not answered", max_points=self.sheet.worth(q))
                for q in self.sheet.questions
                if canonical(q) not in answered
            ]
        return tuple(out)

    def _points(self, r: Result, question: str | None) -> Result:
        if self.sheet is None:
            worth = DEFAULT_POINTS
        else:  # answers to quantities the sheet does not ask are worth nothing
            worth = self.sheet.worth(question) if question is not None else 0.0
        share = {"correct": 1.0, "carried": self.carried_credit}.get(r.verdict, 0.0)
        return replace(r, points=worth * share, max_points=worth)

    def unread_max(self) -> float:
        """The points an unreadable file could have earned."""
        return self.sheet.total if self.sheet is not None else 0.0
