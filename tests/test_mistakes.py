"""Each row of the mistakes table: a wrong answer made by hand with that mistake is named."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from derive.derivation.build import derive
from derive.derivation.quantity import Derivation
from derive.grade.answers import answers_from_text
from derive.grade.checker import Checker
from derive.grade.mistakes import MISTAKES
from derive.numbers.rounding import round_half_away
from derive.spec.load import load_network

from .conftest import CASES

# Blog network (2-3-1 walkthrough), hand values at 4 decimals: O0 0.9463, O1 0.9998, O3 0.6445,
# dC/dO3 -0.2755, dC/dz3 -0.0631, dC/dO1 0.0316, dC/dz0 -0.0029, eta 0.5, w6 0.9, x0 2.
CASES_BY_MISTAKE = {
    # C = ½(O3 − y)² = 0.0380; without the ½: (0.6445 − 0.92)² = 0.0759
    "factor_2": ("C", "0.0759"),
    # new_b1 = b1 − η·∂C/∂z1 = 0.5000; with ∂C/∂O1: 0.5 − 0.5·0.0316 = 0.4842
    "dO_for_dz": ("new_b1", "0.4842"),
    # ∂C/∂z3 = ∂C/∂O3·σ'(z3) = -0.0631; with σ(z3) = O3: -0.2755·0.6445 = -0.1776
    "sigma_for_derivative": ("dC/dz3", "-0.1776"),
    # ∂C/∂w6 = ∂C/∂z3·O0 = -0.0597; with the input x0 in place of O0: -0.0631·2 = -0.1262
    "wrong_activation": ("dC/dw6", "-0.1262"),
    # new_w6 = 0.9 − 0.5·(-0.0597) = 0.9299; with +: 0.9 + 0.5·(-0.0597) = 0.8702
    "plus_update": ("new_w6", "0.8702"),
    # without η: 0.9 − (-0.0597) = 0.9597
    "no_learning_rate": ("new_w6", "0.9597"),
    # ∂C/∂w6 = -0.0597, written +0.0597
    "sign": ("dC/dw6", "0.0597"),
    # ∂C/∂w1 carried at 3 decimals: ∂C/∂z0 = -0.003, ·9 = -0.027 (exact -0.0260, hand -0.0261)
    "rounding_drift": ("dC/dw1", "-0.0270"),
}
# Fillers at 4 decimals so that the student's precision is 4.
FILLERS = {"O0": "0.9463", "O1": "0.9998", "O3": "0.6445", "z3": "0.5948"}


@pytest.fixture(scope="module")
def blog() -> Checker:
    return Checker(load_network(CASES / "blog-2-3-1.yaml"))


def diagnose(
    checker: Checker, quantity: str, given: str, *, fillers: dict[str, str] | None = None
) -> tuple[str, str, str]:
    chosen = FILLERS if fillers is None else fillers
    body = "".join(f"  {k}: {v}\n" for k, v in {**chosen, quantity: given}.items())
    sheet = answers_from_text(f"answers:\n{body}", source="s", default_student="s")
    result = next(r for r in checker.check(sheet).results if r.quantity == quantity)
    return result.verdict, result.mistake, result.diagnosis


SOFTMAX_MSE = """
layers:
  - size: 2
  - size: 3
    activation: softmax
    weights: [[0.5, -0.2], [0.3, 0.8], [-0.6, 0.1]]
examples: [{input: [1.0, 2.0], target: [0, 1, 0]}]
cost: squared_error
"""


def _hand(d: Derivation, name: str) -> Decimal:
    return Decimal(str(d[name].value))


def _r(value: Decimal | float) -> str:
    return format(round_half_away(value, 4), ".4f")


# The rows that need another network: (network, quantity, the wrong answer made by hand from
# the right hand-rounded values, independently of the checker's recomputation).
OTHER_CASES: dict[str, tuple[str, str, Callable[[Derivation], str]]] = {
    # ∂C/∂O0 = ∂C/∂z3·w6 = -0.0568; with new_w6 = 0.9299: -0.0631·0.9299 = -0.0587
    "updated_weights": (
        "blog-2-3-1.yaml",
        "dC/dO0",
        lambda d: _r(_hand(d, "dC/dz3") * _hand(d, "new_w6")),
    ),
    # ∂C/∂z0 of a softmax under squared error, from its diagonal term ∂C/∂O0·∂O0/∂z0 only
    "softmax_diagonal": (
        SOFTMAX_MSE,
        "dC/dz0",
        lambda d: _r(_hand(d, "dC/dO0") * _hand(d, "dO0/dz0")),
    ),
    # C = −Σ y·log O written with log base 10: C / ln 10
    "log10": ("softmax-classifier.yaml", "C", lambda d: _r(_hand(d, "C") / Decimal(10).ln())),
    # ∂C/∂w1 of a mini-batch of 3, summed over the examples rather than averaged
    "batch_size": ("minibatch-2-2-1.yaml", "dC/dw1", lambda d: _r(3 * _hand(d, "dC/dw1"))),
}


def _network(tmp_path: Path, source: str) -> Path:
    if source.endswith(".yaml"):
        return CASES / source
    path = tmp_path / "net.yaml"
    path.write_text(source, encoding="utf-8")
    return path


def test_every_mistake_in_the_table_has_a_case() -> None:
    assert {m.key for m in MISTAKES} == set(CASES_BY_MISTAKE) | set(OTHER_CASES)


@pytest.mark.parametrize("key", sorted(OTHER_CASES))
def test_each_other_mistake_is_named(tmp_path: Path, key: str) -> None:
    source, quantity, made = OTHER_CASES[key]
    network = load_network(_network(tmp_path, source))
    given = made(derive(network, carry="rounded", decimals=4))
    verdict, mistake, diagnosis = diagnose(Checker(network), quantity, given, fillers={})
    assert (verdict, mistake) == ("wrong", key), (given, diagnosis)


@pytest.mark.parametrize("key", sorted(CASES_BY_MISTAKE))
def test_each_mistake_is_named(blog: Checker, key: str) -> None:
    quantity, given = CASES_BY_MISTAKE[key]
    verdict, mistake, diagnosis = diagnose(blog, quantity, given)
    assert (verdict, mistake) == ("wrong", key), diagnosis
    assert diagnosis.startswith(f"{given} is what ")


def test_the_wrong_activation_is_named(blog: Checker) -> None:
    _, _, diagnosis = diagnose(blog, "dC/dw6", "-0.1262")
    assert "x0 gives in place of O0 in ∂C/∂w6" in diagnosis
    # a neighbouring index: ∂C/∂w0 = ∂C/∂z0·x0; with x1: -0.0029·9 = -0.0261
    _, mistake, diagnosis = diagnose(blog, "dC/dw0", "-0.0261")
    assert mistake == "wrong_activation" and "x1 gives in place of x0" in diagnosis


def test_mistakes_propagate_to_later_quantities(blog: Checker) -> None:
    # ∂C/∂w2 = ∂C/∂z1·x0 ≈ 0; with ∂C/∂O1 in place of ∂C/∂z1: 0.0316·2 = 0.0632
    verdict, mistake, _ = diagnose(blog, "dC/dw2", "0.0632")
    assert (verdict, mistake) == ("wrong", "dO_for_dz")
    # new_w6 with the ½ left out of the cost: 0.9 − 0.5·(2·-0.0597) = 0.9597 (also no η, η = ½)
    assert "factor of 2" in diagnose(blog, "new_w6", "0.9597")[2]


def test_an_unexplained_wrong_answer_names_no_mistake(blog: Checker) -> None:
    verdict, mistake, diagnosis = diagnose(blog, "O3", "0.1234")
    assert (verdict, mistake) == ("wrong", "")
    assert diagnosis == "no common mistake reproduces it"


def test_symbolic_mistakes(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(
        "layers:\n  - size: 1\n  - size: 1\n    activation: linear\n    weights: [[w]]\n"
        "examples:\n  - {input: [1.5], target: [0.5]}\ncost: half_squared_error\n",
        encoding="utf-8",
    )
    checker = Checker(load_network(path))  # ∂C/∂w = 1.5·(1.5w − 0.5) = 2.25w − 0.75
    # new_w = w − 0.1·(2.25w − 0.75) = 0.775w + 0.075; with + : w + 0.1·(…) = 1.225w − 0.075
    text = (
        "answers:\n  dC/dw: '4.5*w - 1.5'\n  new_w: '1.225*w - 0.075'\n"
        "  dC/dz0: '2.25 w - 0.75'\n  C: '(1.5w - 0.5)^2 / 2'\n"
    )
    results = checker.check(answers_from_text(text, source="s", default_student="s")).results
    assert [(r.verdict, r.mistake) for r in results] == [
        ("wrong", "factor_2"),
        ("wrong", "plus_update"),
        ("wrong", ""),  # ∂C/∂z0 is 1.5w − 0.5; this is ∂C/∂w, which no mistake in the table gives
        ("correct", ""),
    ]
