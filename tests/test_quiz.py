"""``derive practice --quiz``: scripted sessions through the terminal's input, and the pure core
(the questions, the verdicts) it prints."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from derive.cli.app import app
from derive.derivation.build import derive
from derive.derivation.names import display
from derive.errors import OptionError
from derive.numbers.rounding import format_number
from derive.practice.quiz import MAX_QUESTIONS, Quiz, pick
from derive.practice.variant import Recipe, make_variant

SEED = 3
runner = CliRunner()


@pytest.fixture(scope="module")
def quiz() -> Quiz:
    recipe = Recipe("2-2-1")
    variant = make_variant(recipe, seed=SEED, student="quiz")
    return Quiz(variant, rules=recipe.rules)


def right(quiz: Quiz, name: str) -> str:
    return format_number(quiz.hand[name].value, 4)


def session(lines: list[str], *extra: str) -> Any:
    args = ["practice", "--quiz", "--shape", "2-2-1", "--seed", str(SEED), *extra]
    return runner.invoke(app, args, input="".join(f"{line}\n" for line in lines))


def test_the_default_questions_walk_through_the_exercise(quiz: Quiz) -> None:
    output, cost, last, first, update = quiz.questions
    assert (output, cost) == ("O2", "C")
    assert last in {"dC/dw4", "dC/dw5"} and first in {f"dC/dw{k}" for k in range(4)}
    assert update == "new_" + first.removeprefix("dC/d")  # the weight whose gradient was asked
    again = make_variant(Recipe("2-2-1"), seed=SEED, student="quiz")
    assert pick(derive(again.network), only=None, seed=again.seed) == quiz.questions


def test_right_answers_all_round(quiz: Quiz) -> None:
    result = session([right(quiz, name) for name in quiz.questions])
    assert result.exit_code == 0, result.output
    assert "title: 2-2-1 sigmoid practice network" in result.stdout  # the network is shown
    assert f"{display(quiz.questions[2])} = " in result.stdout  # asked one at a time
    assert result.stdout.count("  correct") == 5
    assert "5 of 5 right" in result.stdout and "The step" not in result.stdout


def test_a_wrong_answer_gets_the_diagnosis_and_the_step(quiz: Quiz) -> None:
    flipped = format_number(-Decimal(right(quiz, quiz.questions[2])), 4)
    answers = [right(quiz, name) for name in quiz.questions]
    answers[2] = flipped
    answers[4] = right(quiz, quiz.questions[4])[:-2]  # two decimals short
    result = session(answers)
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert f"wrong: {flipped} is what a flipped sign gives" in out
    step = quiz.hand[quiz.questions[2]]
    assert "∂C/∂z2 · ∂z2/∂w" in out and format_number(step.value, 4) in out  # the chain rule
    assert "too few decimals (4 required)" in out
    assert "3 of 5 right" in out


def test_typed_text_is_parsed_never_evaluated(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    hostile = "__import__('os').system('touch pwned')"
    result = session([hostile, "", "0.1.2", "O2 - y", "1e999999"])
    assert result.exit_code == 1
    assert not (tmp_path / "pwned").exists()
    assert result.stdout.count("  unreadable") >= 2 and "skipped" in result.stdout
    assert "0 of 5 right" in result.stdout


def test_expressions_of_the_networks_quantities_are_graded(quiz: Quiz) -> None:
    result = session(["O2 - y", "(O2 - y)*O2*(1 - O2)"], "--only", "dC/dO2,dC/dz2")
    assert result.exit_code == 0, result.output
    assert "2 of 2 right" in result.stdout


def test_input_that_ends_early_ends_the_quiz() -> None:
    result = session([])
    assert result.exit_code == 1
    assert "quiz ended: 0 of 5 right" in result.stdout


def test_only_is_limited_and_checked(quiz: Quiz) -> None:
    with pytest.raises(OptionError, match=f"a quiz asks at most {MAX_QUESTIONS}"):
        pick(quiz.checker.exact, only="*", seed=1)
    result = session([], "--only", "nothing*")
    assert result.exit_code == 2 and "--only" in result.stderr


def test_the_core_answers_without_printing(quiz: Quiz) -> None:
    name = quiz.questions[1]
    good = quiz.answer(name, f"  {right(quiz, name)} ")
    assert good.correct and good.step is None
    bad = quiz.answer(name, format_number(2 * Decimal(right(quiz, name)), 4))
    assert not bad.correct and bad.result.mistake == "factor_2" and bad.step is not None
