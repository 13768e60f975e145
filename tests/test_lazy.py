"""Lazy steps (derivation/lazy.py): a formula built on first use, and a float kernel that gives
exactly what evaluating that formula gives, or declines where the walker would look again."""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
from decimal import Decimal
from typing import Any

import pytest
import sympy as sp

import derive.derivation.build as build
from derive import derive, load_network
from derive.derivation.lazy import Descent, Mean, PartialProduct, WeightedSum
from derive.derivation.ops import FLOAT, Declined, HandOps
from derive.derivation.quantity import Derivation, S
from derive.errors import DeriveError
from derive.numbers.arithmetic import DecimalArithmetic
from derive.spec.network import Activation, Example, Layer, Network

from .conftest import CASES


def _everything(d: Derivation) -> list[tuple[Any, ...]]:
    """Every quantity as a tuple of what a reader can see: formulas, chain, value, numbering."""
    return [
        (
            q.name,
            q.section,
            sp.srepr(q.formula),
            sp.srepr(q.chain),
            sp.srepr(q.shown),
            repr(q.value),  # repr: -0.0 and 0.0 differ, and so would the last bit of a float
            repr(q.exact),  # beside hand-rounded values
            q.note,
            q.step,
            q.aliases,
            q.layer,
            q.example,
        )
        for q in d.quantities.values()
    ]


def _formulas_first(monkeypatch: pytest.MonkeyPatch, network: Network, carry: str) -> Derivation:
    """The same derivation with every formula built and evaluated as it is defined."""
    with monkeypatch.context() as m:
        m.setattr(build, "ops_for", lambda arith, exact: None)
        return derive(network, carry=carry)  # type: ignore[arg-type]


def _cases() -> list[tuple[str, str]]:
    """(case, carry) for every case each carry can derive without options."""
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        for carry in ("exact", "rounded"):
            try:
                derive(load_network(path), carry=carry)
            except DeriveError:  # an answers file, symbols without values, ...
                continue
            out.append((path.stem, carry))
    return out


@pytest.mark.parametrize(("case", "carry"), _cases())
def test_kernels_give_the_formulas_values_bit_for_bit(
    case: str, carry: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    network = load_network(CASES / f"{case}.yaml")
    fast = derive(network, carry=carry)  # type: ignore[arg-type]
    assert _everything(fast) == _everything(_formulas_first(monkeypatch, network, carry))


def _network(sizes: tuple[int, ...], *, examples: int, act: str, seed: int) -> Network:
    rng = random.Random(seed)
    layers = tuple(
        Layer(
            n,
            Activation(act),
            tuple(tuple(rng.gauss(0, 1.5) for _ in range(m)) for _ in range(n)),
            tuple(rng.gauss(0, 1) for _ in range(n)),
        )
        for m, n in itertools.pairwise(sizes)
    )
    rows = tuple(
        Example(tuple(rng.uniform(-2, 2) for _ in range(sizes[0])), (1.0,) * sizes[-1])
        for _ in range(examples)
    )
    return Network("random", sizes[0], layers, rows, "half_squared_error")


@pytest.mark.parametrize("carry", ["exact", "rounded"])
@pytest.mark.parametrize("act", ["sigmoid", "tanh", "relu"])
def test_random_mini_batches_agree_with_the_formulas(
    act: str, carry: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for seed in range(3):
        network = _network((4, 5, 3), examples=3, act=act, seed=seed)
        fast = derive(network, carry=carry)  # type: ignore[arg-type]
        slow = _formulas_first(monkeypatch, network, carry)
        assert _everything(fast) == _everything(slow)


def test_a_sum_that_cancels_is_evaluated_again_at_more_digits() -> None:
    # 0.1·1 + 0.2·1 − 0.3 is 5.6e-17 in floats; over the file's decimals it is exactly 0
    network = Network(
        "cancels",
        2,
        (Layer(1, Activation("sigmoid"), ((1.0, 1.0),), (-0.3,)),),
        (Example((0.1, 0.2), (1.0,)),),
        "half_squared_error",
    )
    assert 0.1 * 1.0 + 0.2 * 1.0 + -0.3 != 0.0
    assert derive(network)["z0"].value == 0.0


def test_kernels_decline_where_the_walker_would_look_again() -> None:
    both = WeightedSum(layer=1, row=("w", "v"), inputs=["x", "u"], bias=None)
    for env in (
        {"w": 1e200, "x": 1e200, "v": 1.0, "u": 1.0},  # overflow
        {"w": 0.1, "x": 3.0, "v": -0.3, "u": 1.0},  # 0.3 − 0.3: cancels
    ):
        with pytest.raises(Declined):
            both.kernel(env, FLOAT)
    assert both.kernel({"w": 0.5, "x": 2.0, "v": 0.25, "u": 2.0}, FLOAT) == 1.5
    with pytest.raises(Declined):
        Descent("b").kernel({"b": 0.5, "dC/db": 1.0, "eta": 0.5}, FLOAT)  # 0.5 − 0.5
    assert Descent("b").kernel({"b": 0.5, "dC/db": 0.5, "eta": 0.5}, FLOAT) == 0.25
    with pytest.raises(Declined):
        Mean(("g[1]", "g[2]")).kernel({"g[1]": 0.5, "g[2]": -0.5}, FLOAT)
    assert Mean(("g[1]", "g[2]")).kernel({"g[1]": 0.5, "g[2]": 0.25}, FLOAT) == 0.375


class _Chain:
    def local(self, z: str, wrt: str) -> sp.Expr:
        return S("O")

    def p(self, num: str, den: str) -> str:
        return f"d{num}/d{den}"


def test_hand_kernels_round_and_leave_carried_values_to_the_formulas() -> None:
    arith = DecimalArithmetic(4)
    hand = HandOps(arith)
    step = PartialProduct(chain=_Chain(), dz="d", z="z", z_base="z", w="w", wrt="O")
    env = {"d": Decimal("0.1234"), "O": Decimal("0.5678")}
    with hand.context():
        assert step.kernel(env, hand) == Decimal("0.0701")  # 0.07006652, rounded half away
    arith.carried["O"] = Decimal("0.567812")  # carried at more decimals: its step says so
    with pytest.raises(Declined), hand.context():
        step.kernel(env, hand)


def test_a_weight_gradient_is_built_only_when_read() -> None:
    d = derive(load_network(CASES / "3b1b-784-16-16-10.yaml"))
    q = d["dC/dw2_1_1"]
    assert isinstance(q.make, PartialProduct)  # not built by the derivation
    assert q.chain == S("dC/dz2_1") * S("dz2_1/dw2_1_1")
    assert q.formula == S("dC/dz2_1") * S("x1")
    assert q.make is None  # built once, kept
    assert math.isclose(q.value, d["dC/dz2_1"].value * d["x1"].value, rel_tol=0, abs_tol=0)


def test_precision_builds_every_formula_as_it_is_defined() -> None:
    network = load_network(CASES / "blog-2-3-1.yaml")
    assert all(q.make is None for q in derive(network, precision=30).quantities.values())
    rounded = derive(network, carry="rounded")
    assert any(q.make is not None for q in rounded.quantities.values())
    assert dataclasses.replace(rounded["O3"], _value=1).value == 1  # frozen, but replaceable
