"""``--nudge``: the gradient's first-order prediction of C's change against the actual change."""

from __future__ import annotations

import math
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from derive import derive, load_network
from derive.cli.app import app
from derive.derivation.nudge import cost_with, nudge, parse_nudges
from derive.derivation.quantity import Derivation
from derive.errors import OptionError, UsageError
from derive.render.nudges import render
from derive.render.tables import as_text

from .conftest import CASES, ROOT, Golden

NUMERIC = ["blog-2-3-1", "minibatch-2-2-1", "softmax-classifier", "tanh-2-2-1", "relu-2-2-1"]


@cache
def derived(case: str) -> Derivation:
    return derive(load_network(CASES / f"{case}.yaml"))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    case=st.sampled_from(NUMERIC),
    index=st.integers(min_value=0, max_value=50),
    delta=st.floats(min_value=1e-3, max_value=2e-2) | st.floats(min_value=-2e-2, max_value=-1e-3),
)
def test_the_prediction_is_right_to_second_order(case: str, index: int, delta: float) -> None:
    d = derived(case)
    param = d.parameters[index % len(d.parameters)]
    big, small = nudge(d, {param: delta}), nudge(d, {param: delta / 2})
    # what the first order misses is O(Δ²): bounded by a curvature constant times Δ²
    assert abs(big.second_order) <= 10.0 * delta**2
    # and halving Δ leaves about a quarter of it (a third order term and rounding aside)
    assert abs(small.second_order) <= 0.3 * abs(big.second_order) + 1e-14


def test_halving_the_nudge_quarters_the_miss_on_the_blog() -> None:
    d = derived("blog-2-3-1")
    misses = [nudge(d, {"w6": 0.04 / 2**k}).second_order for k in range(4)]
    ratios = [a / b for a, b in pairwise(misses)]
    assert all(3.8 < r < 4.2 for r in ratios), ratios


def test_several_nudges_sum_their_predictions() -> None:
    d = derived("blog-2-3-1")
    changes = {"w6": 0.01, "b3": -0.02, "w0": 0.05}
    together = nudge(d, changes)
    alone = [nudge(d, {p: v}).predicted for p, v in changes.items()]
    assert together.predicted == pytest.approx(math.fsum(alone), rel=1e-12)
    # the actual change re-runs the forward pass with all three moved at once
    assert together.nudged_cost == cost_with(d, {p: d[p].value + v for p, v in changes.items()})


def test_the_actual_change_is_the_network_run_again() -> None:
    # an independent oracle: the blog's forward pass written out by hand
    def cost(w6: float) -> float:
        def sig(z: float) -> float:
            return 1 / (1 + math.exp(-z))

        o0, o1, o2 = sig(0.15 * 2 + 0.23 * 9 + 0.5), sig(0.5 * 2 + 0.8 * 9 + 0.5), sig(0.15)
        o3 = sig(w6 * o0 - 0.5 * o1 + 0.08 * o2 + 0.2)
        return 0.5 * (o3 - 0.92) ** 2

    result = nudge(derived("blog-2-3-1"), {"w6": 0.01})
    assert result.actual == pytest.approx(cost(0.91) - cost(0.9), rel=1e-9)


def test_the_option_is_parsed_strictly() -> None:
    params = ("w0", "w6", "b3")
    assert parse_nudges(["w6=0.01", "b3=-2e-2"], params) == {"w6": 0.01, "b3": -0.02}
    for bad in ("w6", "w6=", "=0.1", "w6=abc", "w6=1e", "w6=nan", "w6=inf", "w6=0x1", "w6=1_0"):
        with pytest.raises(OptionError, match="expects name=number"):
            parse_nudges([bad], params)
    with pytest.raises(OptionError, match="'q' is not a parameter"):
        parse_nudges(["q=0.1"], params)
    with pytest.raises(OptionError, match="nudged twice"):
        parse_nudges(["w6=0.1", "w6=0.2"], params)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--nudge", "w6=x"],
            "derive: error: --nudge expects name=number such as w6=0.01, not 'w6=x'",
        ),
        (["--nudge", "dC/dw6=0.1"], "derive: error: --nudge 'dC/dw6' is not a parameter of"),
        (["--nudge", "w6=0.1", "--chain"], "derive: error: --chain and --nudge are separate"),
        (["--nudge", "w6=0.1", "--format", "json"], "derive: error: --nudge is text output"),
    ],
)
def test_bad_nudges_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["explain", str(CASES / "blog-2-3-1.yaml"), *args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.output


def test_a_symbol_without_a_number_cannot_be_nudged() -> None:
    d = derive(load_network(CASES / "3b1b-chain.yaml"))
    with pytest.raises(UsageError, match="has no number"):
        nudge(d, {"w(L-1)": 0.1})
    # a symbol with a number under values: can
    d = derive(load_network(CASES / "laan-1-1-1.yaml"))
    result = nudge(d, {"w": 0.01})
    assert result.predicted == pytest.approx(2.1 * 0.01)  # ∂C/∂w = 4.5·0.8 − 1.5 = 2.1
    assert result.second_order == pytest.approx(4.5 * 0.01**2 / 2)  # C'' = 4.5, exactly


def test_nudge_golden(golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    d = derive(load_network(Path("cases/blog-2-3-1.yaml")), carry="rounded")
    golden.check("explain/nudge/blog-2-3-1-w6.txt", as_text(render(d, nudge(d, {"w6": 0.01}))))
    changes = parse_nudges(["w6=0.01", "b3=-0.02", "w0=0.1"], d.parameters)
    golden.check("explain/nudge/blog-2-3-1-three.txt", as_text(render(d, nudge(d, changes))))
    d = derive(load_network(Path("cases/minibatch-2-2-1.yaml")))
    text = as_text(render(d, nudge(d, {"w5": -0.05})))
    golden.check("explain/nudge/minibatch-2-2-1-w5.txt", text)
