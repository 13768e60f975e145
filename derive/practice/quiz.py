"""The quiz: one variant, a few of its quantities asked one at a time, each graded as it is typed.

Pure: the CLI reads each answer and prints what ``answer`` returns. Answers go through the
checker, so what is typed is read by the whitelisted parser (grade/parse.py) and never reaches
eval or SymPy's parsers; a wrong one comes back with the checker's diagnosis and the step of the
derivation (formula, numbers, value), so the next question starts from the right number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..derivation.names import gradient, updated
from ..derivation.quantity import COST, FORWARD, Derivation
from ..errors import OptionError
from ..grade.answers import Answer, AnswerKind
from ..grade.checker import Result
from ..grade.parse import Unreadable, parse_number
from ..render.summary import steps_table
from .draws import Draws, variant_seed
from .nice import NiceRules, questions
from .variant import Variant

MAX_QUESTIONS = 12


@dataclass(frozen=True)
class Feedback:
    result: Result
    step: Any  # the derivation's step for the quantity (a rich table), after a wrong answer

    @property
    def correct(self) -> bool:
        return self.result.verdict == "correct"


class Quiz:
    def __init__(self, variant: Variant, *, rules: NiceRules, only: str | None = None) -> None:
        self.variant, self.rules = variant, rules
        self.checker = rules.checker(variant.network)
        self.hand = self.checker.hand(rules.decimals)
        self.questions = pick(self.checker.exact, only=only, seed=variant.seed)

    def answer(self, name: str, text: str) -> Feedback:
        """The verdict on ``text`` typed for ``name``, with the step unless it is right."""
        text = text.strip()
        if not text:
            result = Result(name, "", "missing", diagnosis="skipped")
        else:
            kind: AnswerKind = "number" if _is_number(text) else "expression"
            result = self.checker.result(Answer(name, text, kind), self.rules.decimals)
        step = None if result.verdict == "correct" else steps_table(self.hand, [self.hand[name]])
        return Feedback(result, step)


def pick(d: Derivation, *, only: str | None, seed: int) -> tuple[str, ...]:
    """``only``'s quantities (at most MAX_QUESTIONS); by default a path through the exercise:
    an output, the cost, an output-layer weight's gradient, a first-layer weight's gradient and
    its updated value (the weights chosen by the variant's seed)."""
    if only is not None:
        asked = questions(d, only)
        if len(asked) > MAX_QUESTIONS:
            raise OptionError(
                "only", f"matches {len(asked)} quantities; a quiz asks at most {MAX_QUESTIONS}"
            )
        return tuple(asked)
    draws = Draws(variant_seed(seed, "quiz"))
    layers = d.params_by_layer
    last = draws.choice([w for row in layers[len(layers)].weights for w in row])
    first = draws.choice([w for row in layers[1].weights for w in row]) if len(layers) > 1 else last
    out = [d.section(FORWARD)[-1].name, d.section(COST)[0].name, gradient(last)]
    return tuple(dict.fromkeys([*out, gradient(first), updated(first)]))


def _is_number(text: str) -> bool:
    try:
        parse_number(text)
    except Unreadable:
        return False
    return True
