"""Σ y = 1 is used only where it holds: numeric targets that sum to one, or a file that declares
one_hot. Before, symbolic cross-entropy targets were always assumed to sum to one, and
target [p, 0] with p = 0.5 gave ∂C/∂z0 = −0.4013 in place of −0.2007."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import pytest
import sympy as sp

from derive.derivation.build import derive
from derive.derivation.quantity import Derivation
from derive.render.jsonout import render
from derive.spec.load import load_network

from .conftest import CASES

NET = """
layers:
  - size: 2
  - size: 2
    activation: softmax
    weights: [[0.1, 0.2], [0.3, -0.1]]
examples: [{{input: [1.0, 2.0], target: [{targets}]}}]
{extra}
cost: cross_entropy
"""


def _derive(tmp_path: Path, targets: str, extra: str = "") -> Derivation:
    path = tmp_path / "net.yaml"
    path.write_text(NET.format(targets=targets, extra=extra), encoding="utf-8")
    return derive(load_network(path))


def _true_dz0(p: float, q: float) -> float:
    """∂C/∂z0 of C = −p·log O0 − q·log O1 by hand: −p·(1 − O0) + q·O0."""
    e0, e1 = math.exp(0.1 + 0.4), math.exp(0.3 - 0.2)
    o0 = e0 / (e0 + e1)
    return -p * (1 - o0) + q * o0


def test_targets_that_do_not_sum_to_one_are_not_assumed_to(tmp_path: Path) -> None:
    d = _derive(tmp_path, "p, 0", "values: {p: 0.5}")
    assert float(d["dC/dz0"].exact) == pytest.approx(_true_dz0(0.5, 0.0), rel=1e-12)
    assert d.assumptions == ()


def test_a_declared_one_hot_file_gets_o_minus_y(tmp_path: Path) -> None:
    d = _derive(tmp_path, "p, q", "one_hot: true")
    o0 = float(d["O0"].value)
    q = sp.Symbol("q")  # O0 − p with p = 1 − q: the one-hot form, from the numbers in
    assert abs(float(sp.expand(d["dC/dz0"].value - (o0 - (1 - q))))) < 1e-12
    assert any("declared one_hot" in a for a in d.assumptions)
    assert json.loads(render(d))["assumptions"] == list(d.assumptions)


def test_numeric_one_hot_targets_keep_the_general_formula(tmp_path: Path) -> None:
    """--symbolic on the softmax classifier: the file's targets sum to one, so O_j − y_j."""
    d = derive(load_network(CASES / "softmax-classifier.yaml"), general=True)
    dz = [q for q in d.steps if q.name.startswith("dC/dz") and q.layer == 2]
    assert dz and all(len(sp.Add.make_args(q.value)) == 2 for q in dz), [q.value for q in dz]
    assert any("sum to one" in a for a in d.assumptions)


@pytest.mark.parametrize("decimals", [4, 12])
def test_by_hand_softmax_with_cross_entropy_carries_o_minus_y(decimals: int) -> None:
    """A person writes ∂C/∂z_j = O_j − y_j; summing the rounded Jacobian terms drifts from it
    (a correctly carried 0.504998396209 at 12 decimals was rejected). The sum stays shown."""
    net = load_network(CASES / "softmax-classifier.yaml")
    d = derive(net, carry="rounded", decimals=decimals)
    for j, y in zip((3, 4, 5), net.examples[0].target, strict=True):
        q = d[f"dC/dz{j}"]
        assert q.value == d[f"O{j}"].value - Decimal(repr(float(y)))
        assert q.chain is not None and len(sp.Add.make_args(q.chain)) == 3  # the Jacobian sum
    exact = derive(net)
    assert exact["dC/dz3"].formula == exact["dC/dz3"].chain  # exact mode: the sum, unchanged
