"""The whitelisted expression parser and the answers-file loader: untrusted text never crashes."""

from __future__ import annotations

import builtins
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sympy as sp
import sympy.parsing.sympy_parser
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.errors import InputError
from derive.grade.answers import answers_from_text, load_answers
from derive.grade.checker import Checker
from derive.grade.parse import Unreadable, parse_expression, parse_number
from derive.spec.load import load_network

from .conftest import CASES

w, a, y, x = sp.symbols("w a y x")
SYMBOLS = {"w", "a", "y", "x"}


def expr(text: str) -> Any:
    return parse_expression(text, SYMBOLS).expr


@pytest.mark.parametrize(
    ("text", "value", "decimals"),
    [
        ("2.87", "2.87", 2),
        ("-0.0000", "0", 4),
        ("0.09695", "0.09695", 5),
        ("8", "8", 0),
        ("1.5e-3", "0.0015", 4),
        (".5", "0.5", 1),
    ],
)
def test_numbers_keep_their_written_decimals(text: str, value: str, decimals: int) -> None:
    number, shown = parse_number(text)
    assert number == Decimal(value)
    assert shown == decimals


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4.5*w - 1.5", sp.Rational(9, 2) * w - sp.Rational(3, 2)),
        ("2*(a - y)", 2 * a - 2 * y),
        ("2(a − y)", 2 * a - 2 * y),  # implicit product, Unicode minus
        ("4.5w - 1.5", sp.Rational(9, 2) * w - sp.Rational(3, 2)),
        ("-x^2", -(x**2)),
        ("2^3^2", sp.Integer(512)),  # right-associative
        ("x**2 / 2 / y", x**2 / (2 * y)),
        ("1.5 · 2 × w", 3 * w),
        ("σ(w)", 1 / (1 + sp.exp(-w))),
        ("sigma(w)*(1 - sigmoid(w))", (1 / (1 + sp.exp(-w))) * (1 - 1 / (1 + sp.exp(-w)))),
        (
            "exp(w) + ln(y) + log(a) + tanh(x) + sqrt(4)",
            sp.exp(w) + sp.log(y) + sp.log(a) + sp.tanh(x) + 2,
        ),
        ("0.1 + 0.2", sp.Rational(3, 10)),  # exact decimals, no float error
    ],
)
def test_parses_the_whitelisted_grammar(text: str, expected: Any) -> None:
    assert sp.simplify(expr(text) - expected) == 0


def test_expression_reports_its_most_decimals() -> None:
    assert parse_expression("0.5 - 0.5*0.0316", set()).decimals == 4
    assert parse_expression("1/3", set()).decimals is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("__import__('os').system('ls')", "unexpected character"),
        ("w.__class__", "unexpected"),
        ("lambda: 1", "unexpected character"),
        ("eval(w)", "unknown name"),
        ("q + 1", "unknown name 'q'"),
        ("(" * 30 + "w" + ")" * 30, "nested"),
        ("-" * 40 + "w", "nested"),
        ("9^9^9^9", "exponent"),
        ("w^w", "exponent"),
        ("2^100000", "exponent"),
        ("((((2^16)^16)^16)^16)^16", "too large"),
        ("((((w^16)^16)^16)^16)", "powers nested"),
        ("exp(exp(exp(exp(9))))", "too large"),
        ("w*exp(exp(9))", "too large"),
        ("tanh(1)^16^16", "exponent"),
        ("1/0", "division by zero"),
        ("0^-1", "division by zero"),
        ("w" * 300, "longer than"),
        ("1" * 40, "number longer"),
        ("1e999999", "sensible size"),
        ("", "ends too early"),
        ("2 +", "ends too early"),
        ("(w", "ends too early"),
        ("w)", "unexpected ')'"),
        ("exp w", "expected '('"),
        ("w; 1", "unexpected character ';'"),
        ("w = 1", "unexpected character '='"),
    ],
)
def test_hostile_or_malformed_text_is_unreadable_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(Unreadable, match=re.escape(reason)):
        parse_expression(text, SYMBOLS)


def test_student_text_never_reaches_eval_or_sympify(monkeypatch: pytest.MonkeyPatch) -> None:
    checker = Checker(load_network(CASES / "laan-1-1-1.yaml"))  # network files may use sympify
    module = sys.modules["sympy.core.sympify"]
    original = module.sympify

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("eval or parse_expr called")

    def guarded(value: Any, *args: Any, **kwargs: Any) -> Any:
        assert not isinstance(value, str), f"sympify saw text {value!r}"
        return original(value, *args, **kwargs)

    monkeypatch.setattr(module, "sympify", guarded)
    monkeypatch.setattr(sp, "sympify", guarded)
    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(sys.modules["sympy.parsing.sympy_parser"], "parse_expr", refuse)
    assert expr("2*(a - y) + exp(w)/3") == 2 * a - 2 * y + sp.exp(w) / 3
    # the whole checker path: parser, equivalence and the table of mistakes
    answers = "answers: {dC/dw: '4.5*w - 1.5', C: '2*(1.5w - 0.5)^2', a0: 'eval(w)'}"
    report = checker.check(answers_from_text(answers, source="s", default_student="s"))
    assert [r.verdict for r in report.results] == ["correct", "wrong", "unreadable"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet="wxy0123456789.+-*/^()eσ_ expsiglonat", max_size=60))
def test_any_text_parses_or_is_unreadable(text: str) -> None:
    try:
        result = parse_expression(text, SYMBOLS).expr
    except Unreadable:
        return
    assert isinstance(result, sp.Basic)
    assert not result.has(sp.zoo, sp.nan)


def load(text: str) -> Any:
    return answers_from_text(text, source="s.yaml", default_student="s")


def test_answers_file_kinds_and_lines() -> None:
    sheet = load(
        "student: Ada\nanswers:\n  O3: 0.6445\n  dC/dw: '4.5*w - 1.5'\n  C:\n"
        "  z3: [1, 2]\n  z0: true\n"
    )
    assert sheet.student == "Ada"
    kinds = {a.quantity: (a.kind, a.text, a.line) for a in sheet.answers}
    assert kinds["O3"] == ("number", "0.6445", 3)
    assert kinds["dC/dw"] == ("expression", "4.5*w - 1.5", 4)
    assert kinds["C"][0] == "blank"
    assert kinds["z3"][0] == "other"
    assert kinds["z0"][0] == "other"


def test_trailing_zeros_survive_yaml() -> None:
    (answer,) = load("answers: {new_b1: 0.5000}").answers
    assert answer.text == "0.5000"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("answers: [1, 2]", "expected a mapping"),
        ("student: x", "missing required key 'answers'"),
        ("answers: {O3: 1}\nanswer: {}", "unknown key"),
        ("answers:\n  O3: 1\n  O3: 2\n", "s.yaml:3: answers.O3: given twice"),
        ("answers: {O3: &a 1, C: *a}", "aliases"),
        ("answers: {O3: [}", "not valid YAML"),
        ("- 1", "expected a mapping"),
        ("answers: {O3: \x7f}", "unacceptable character"),
        ("student: [a]\nanswers: {}", "expected a name"),
    ],
)
def test_malformed_answers_files_raise_input_error(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("[", r"\[")):
        load(text)


def test_default_student_is_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "ada.yaml"
    path.write_text("answers: {O3: 0.6445}\n", encoding="utf-8")
    assert load_answers(path).student == "ada"
    with pytest.raises(InputError, match="no such file"):
        load_answers(tmp_path / "missing.yaml")
