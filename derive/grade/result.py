"""What grading an answers file gives: a verdict and points for each answer, and the file's
report (its counts, its score, or why it could not be read)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

Verdict = Literal["correct", "wrong", "carried", "unreadable", "unknown", "missing"]
VERDICTS: tuple[Verdict, ...] = ("correct", "wrong", "carried", "unreadable", "unknown", "missing")


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
    points: float = 0.0  # earned
    max_points: float = 0.0  # the question's worth


@dataclass(frozen=True)
class GradeReport:
    source: str
    student: str
    precision: int
    results: tuple[Result, ...]
    symbolic: bool = False  # compared as expressions (the network keeps free symbols)
    error: str = ""  # why the file could not be read (then there are no results)
    unread_max: float = 0.0  # the points an unreadable file could have earned

    def counts(self) -> dict[str, int]:
        found = Counter(r.verdict for r in self.results)
        return {v: found.get(v, 0) for v in VERDICTS}

    @property
    def all_correct(self) -> bool:
        """Every answer correct: an unreadable file, or one with no answers, is not."""
        if self.error or not self.results:
            return False
        return all(r.verdict == "correct" for r in self.results)

    @property
    def score(self) -> float:
        return sum(r.points for r in self.results)

    @property
    def max_score(self) -> float:
        return self.unread_max if self.error else sum(r.max_points for r in self.results)
