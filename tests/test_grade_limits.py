"""The checker's limits: no answer stalls it and no sheet blows up its memory.

No test here times anything: speed and peak memory against a baseline are measured by
``benchmarks/bench_grade_limits.py``. The memory test below only guards against the old failure
(9.9 GB and MemoryError) with a bound no healthy run comes near; each test checks the verdicts.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sympy as sp

import derive.grade.checker as checker_module
from derive.derivation.build import derive
from derive.grade.answers import answers_from_text
from derive.grade.checker import Checker, GradeReport, Result, grade
from derive.grade.equivalence import EXPAND_WORK, TooCostly, equivalent, expansion_work
from derive.grade.key import PartialHand
from derive.grade.recompute import Graph
from derive.numbers.arithmetic import DecimalArithmetic
from derive.numbers.rounding import format_number
from derive.spec.load import load_network

from .conftest import CASES, ROOT

CHAIN = CASES / "3b1b-chain.yaml"
DIGITS = CASES / "3b1b-784-16-16-10.yaml"
# 56 characters that took SymPy's expansion 118 s: degree 48 in 3 symbols
BOMB = "(w(L)+b(L)+y)^16*(w(L)-b(L)-y)^16*(w(L)+2b(L)+3y)^16"
BOMBS = {
    "dC/dw(L)": BOMB,
    "dC/dz(L)": "(a(L)+b(L)+w(L)+y+1)^16*(a(L)-b(L)+w(L)-y+2)^16",
    "new_b(L)": "(a(L)+b(L)+w(L)+y+1)^16",
    "C": BOMB,
}
# (w − b − y)(w + b + y) = w² − (b + y)²: zero, but only after an expansion far too big to do
ZERO = "(w(L)^2-(b(L)+y)^2)^16(w(L)+2b(L)+3y)^16-(w(L)+b(L)+y)^16(w(L)-b(L)-y)^16(w(L)+2b(L)+3y)^16"
DZ = "2a(L)(1-a(L))(a(L)-y)"  # ∂C/∂z(L) of the chain network


def write_sheet(path: Path, answers: dict[str, str]) -> Path:
    body = "".join(f"  {json.dumps(name)}: {value}\n" for name, value in answers.items())
    path.write_text(f"student: s\nanswers:\n{body}", encoding="utf-8")
    return path


def quoted(answers: dict[str, str]) -> dict[str, str]:
    return {name: json.dumps(text) for name, text in answers.items()}


def by_name(report: GradeReport) -> dict[str, Result]:
    return {r.quantity: r for r in report.results}


def test_expansion_bombs_get_a_verdict_without_stalling(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "bombs.yaml", quoted(BOMBS))
    (report,) = grade(CHAIN, [sheet])
    results = by_name(report)
    assert set(results) == set(BOMBS)
    for name, result in results.items():
        assert result.verdict == "wrong", (name, result)
        assert result.diagnosis == "no common mistake reproduces it"


def test_bomb_answers_are_never_expanded() -> None:
    w, b, y = sp.symbols("w(L) b(L) y")
    bomb = (w + b + y) ** 16 * (w - b - y) ** 16 * (w + 2 * b + 3 * y) ** 16
    assert expansion_work(bomb) > 1000 * EXPAND_WORK
    assert expansion_work(2 * w * (1 - w) * (w - y)) < EXPAND_WORK


def test_cheap_answers_keep_their_verdicts(tmp_path: Path) -> None:
    answers = {
        "dC/dz(L)": DZ,
        "dC/da(L)": "2a(L) - 2y",
        "C": "a(L)^2 - 2a(L)y + y^2",
        "new_b(L)": "b(L) - 0.2a(L)(1-a(L))(a(L)-y)",
        "dC/dw(L)": "1.42189900525001*a(L)*(1-a(L))*(a(L)-y)",
        "z(L)": "b(L) + 0.710949502625004w(L)",
        "dC/db(L)": "2a(L)(1-a(L))(y-a(L))",
        "da(L)/dz(L)": "a(L)^2 - a(L)",
        "new_w(L)": "w(L) + 0.142189900525001*a(L)*(1-a(L))*(a(L)-y)",
        "dC/da(L-1)": "2*(a(L)-y)",
    }
    (report,) = grade(CHAIN, [write_sheet(tmp_path / "s.yaml", quoted(answers))])
    got = {name: (r.verdict, r.mistake) for name, r in by_name(report).items()}
    assert got == {
        "dC/dz(L)": ("correct", ""),
        "dC/da(L)": ("correct", ""),
        "C": ("correct", ""),
        "new_b(L)": ("correct", ""),
        "dC/dw(L)": ("correct", ""),
        "z(L)": ("correct", ""),
        "dC/db(L)": ("wrong", "sign"),
        "da(L)/dz(L)": ("wrong", "sign"),
        "new_w(L)": ("wrong", "plus_update"),
        "dC/da(L-1)": ("wrong", ""),
    }


def test_an_equivalent_answer_too_big_to_expand_is_correct(tmp_path: Path) -> None:
    w, b, y = sp.symbols("w(L) b(L) y")
    zero = (w**2 - (b + y) ** 2) ** 16 * (w + 2 * b + 3 * y) ** 16 - (w + b + y) ** 16 * (
        w - b - y
    ) ** 16 * (w + 2 * b + 3 * y) ** 16
    assert expansion_work(zero) > EXPAND_WORK  # so the verdict comes from the random points
    answers = {"dC/dz(L)": f"{DZ}+{ZERO}", "dC/db(L)": f"{DZ}+{ZERO}+0.000001"}
    (report,) = grade(CHAIN, [write_sheet(tmp_path / "s.yaml", quoted(answers))])
    got = {name: r.verdict for name, r in by_name(report).items()}
    # terms up to 10^30 cancel: in floats, noise up to 10^15 would be left
    assert got == {"dC/dz(L)": "correct", "dC/db(L)": "wrong"}


def test_past_the_deadline_the_answer_is_unreadable_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w = sp.Symbol("w")
    with pytest.raises(TooCostly, match="too costly to compare"):
        equivalent((w + 1) ** 64, (w - 1) ** 64, deadline=time.monotonic() - 1)
    monkeypatch.setattr(checker_module, "ANSWER_TIME", -1.0)  # every deadline already passed
    checker = Checker(load_network(CHAIN))
    text = answers_from_text(
        f"answers:\n  dC/dw(L): {json.dumps(BOMB)}\n", source="s", default_student="s"
    )
    (result,) = checker.check(text).results
    assert result.verdict == "unreadable"
    assert result.diagnosis.startswith("too costly to compare")


@pytest.fixture(scope="module")
def digits() -> Checker:
    return Checker(load_network(DIGITS))


def digits_sheet(checker: Checker) -> tuple[dict[str, str], set[str]]:
    """30 answers at 4 decimals, every second one wrong by 0.25; the names that were costly
    before (new_b4_1 took 9.9 GB) are among them."""
    hand = checker.hand(4)
    names = [n for n in hand.names() if hand[n].section != "given"]
    chosen = ["new_b4_1", "dC/dw2_1_1", "new_w2_16_784", "C", "a4_3", "dC/dz2_5"]
    chosen += random.Random(4).sample(sorted(set(names) - set(chosen)), 30 - len(chosen))
    wrong = set(chosen[::2])
    answers = {
        name: format_number(hand[name].value + (QUARTER if name in wrong else 0), 4)
        for name in chosen
    }
    return answers, wrong


QUARTER = Decimal("0.25")
PEAK = """
import json, resource, sys
from derive.grade.checker import grade
(report,) = grade(sys.argv[1], [sys.argv[2]])
unit = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes there, KiB here
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / unit
print(json.dumps({"verdicts": {r.quantity: r.verdict for r in report.results}, "peak_mb": peak}))
"""


def test_a_784_sheet_half_wrong_is_graded_in_bounded_memory(
    digits: Checker, tmp_path: Path
) -> None:
    answers, wrong = digits_sheet(digits)
    sheet = write_sheet(tmp_path / "digits.yaml", answers)
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(DIGITS), str(sheet)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    expected = {name: "wrong" if name in wrong else "correct" for name in answers}
    assert out["verdicts"] == expected
    assert len(wrong) == 15
    # a guard against the old blow-up, not a target (the benchmark measures that)
    assert out["peak_mb"] < 2000, f"peak {out['peak_mb']:.0f} MB (before: 9.9 GB, MemoryError)"


def typos(names: list[str], count: int) -> Iterator[tuple[str, str | None]]:
    """(unknown key, the name it is a typo of, or None for a key like no name)."""
    for i, name in enumerate(random.Random(9).sample(names, count)):
        kind = i % 4
        if kind == 0:
            yield name + "x", name
        elif kind == 1:
            yield name[0] + name, name  # the first letter typed twice
        elif kind == 2:
            yield name.replace("_", "-", 1) if "_" in name else name + "-", name
        else:
            yield f"qq{i}", None


def test_a_thousand_unknown_keys_are_quick_and_get_suggestions(digits: Checker) -> None:
    names = sorted(digits.exact.names())
    keys = dict(typos([n for n in names if len(n) > 3], 1000))
    assert len(keys) == 1000 and not set(keys) & set(names)
    sheet = answers_from_text(
        "answers:\n" + "".join(f"  {json.dumps(k)}: 0.5\n" for k in keys),
        source="s",
        default_student="s",
    )
    report = digits.check(sheet)
    assert report.counts()["unknown"] == 1000
    for result in report.results:
        meant = keys[result.quantity]
        assert result.diagnosis.startswith("no such quantity")
        if meant is not None:
            assert meant in result.diagnosis.removeprefix("no such quantity; nearest: ").split(
                ", "
            ), (result.quantity, result.diagnosis)


@pytest.mark.parametrize("case", ["blog-2-3-1", "minibatch-2-2-1", "softmax-classifier"])
def test_bounded_searches_agree_with_whole_ancestor_sets(case: str) -> None:
    d = derive(load_network(CASES / f"{case}.yaml"))
    graph = Graph(d)
    ancestors: dict[str, set[str]] = {}
    for name in d.quantities:  # in derivation order: every reference is done before
        ancestors[name] = set(graph.refs[name]).union(*(ancestors[r] for r in graph.refs[name]))
    order = list(d.quantities)
    for t, target in enumerate(order):
        for a, at in enumerate(order):
            assert graph.reaches(target, at) == (at == target or at in ancestors[target])
            used = {target, *ancestors[target]}
            on_path = [n for n in order[a + 1 : t + 1] if at in ancestors[n] and n in used]
            assert graph.path(target, at) == on_path


@pytest.mark.parametrize("case", ["blog-2-3-1", "minibatch-2-2-1", "tanh-2-2-1"])
def test_partial_hand_calculation_equals_the_whole_one(case: str) -> None:
    network = load_network(CASES / f"{case}.yaml")
    exact = derive(network)
    for decimals in (2, 3):
        whole = derive(network, carry="rounded", decimals=decimals)
        partial = PartialHand(Graph(exact), decimals)
        values = whole.values()
        for name in reversed(list(whole.names())):  # the last first: it fills in what it uses
            assert partial.value(name) == whole[name].value, name
            q = whole[name]
            if q.formula is not None:
                unrounded = DecimalArithmetic(decimals).evaluate(q.formula, values)
                assert partial.unrounded(name) == unrounded, name
