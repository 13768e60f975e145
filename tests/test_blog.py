"""The acceptance case: the 2-3-1 blog walkthrough, regenerated to the printed digit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from typer.testing import CliRunner

from derive import Derivation, derive, load_network
from derive.cli import app
from derive.numbers.rounding import round_half_away

from .conftest import CASES
from .oracle import float_forward_2_3_1

BLOG = CASES / "blog-2-3-1.yaml"

# Every figure the blog prints, as printed (the 2-3-1 blog walkthrough).
FORWARD = {
    "z0": "2.87",
    "O0": "0.9463",
    "z1": "8.7",
    "O1": "0.9998",
    "z2": "0.15",
    "O2": "0.5374",
    "z3": "0.5948",
    "O3": "0.6445",
}
STEPS = [  # (step, quantity, printed value)
    (1, "dC/dO3", "-0.2755"),
    (2, "dO3/dz3", "0.2291"),
    (3, "dC/dz3", "-0.0631"),
    (4, "dC/dw6", "-0.0597"),
    (5, "dC/dw7", "-0.0631"),
    (6, "dC/dw8", "-0.0339"),
    (7, "dC/dO0", "-0.0568"),
    (8, "dO0/dz0", "0.0508"),
    (9, "dC/dz0", "-0.0029"),
    (10, "dC/dw0", "-0.0058"),
    (11, "dC/dw1", "-0.0261"),
    (12, "dC/dO1", "0.0316"),
    (13, "dO1/dz1", "0.0002"),
    (14, "dC/dz1", "-0.0000"),
    (15, "dC/dw2", "-0.0000"),
    (16, "dC/dw3", "-0.0000"),
    (17, "dC/dO2", "-0.0050"),
    (18, "dO2/dz2", "0.2486"),
    (19, "dC/dz2", "-0.0012"),
    (20, "dC/dw4", "-0.0024"),
    (21, "dC/dw5", "-0.0108"),
]
# The blog's new weights (new_w8 printed unrounded, 0.09695: the 4-decimal value is 0.0970).
UPDATES = {
    "new_w0": "0.1529",
    "new_w1": "0.2431",
    "new_w2": "0.5",
    "new_w3": "0.8",
    "new_w4": "0.0512",
    "new_w5": "-0.0446",
    "new_w6": "0.9299",
    "new_w7": "-0.4685",
    "new_w8": "0.09695",
    "new_b0": "0.50145",
    "new_b3": "0.23155",
}


@pytest.fixture(scope="module")
def rounded() -> Derivation:
    return derive(load_network(BLOG), carry="rounded", decimals=4)


def test_the_21_steps_in_the_blogs_order_and_digits(rounded: Derivation) -> None:
    steps = rounded.steps
    assert [(q.step, q.name) for q in steps] == [(n, name) for n, name, _ in STEPS]
    for (_, name, printed), q in zip(STEPS, steps, strict=True):
        assert q.value == Decimal(printed), name


def test_forward_values_and_updates_to_the_printed_digit(rounded: Derivation) -> None:
    for name, printed in {**FORWARD, **UPDATES}.items():
        assert rounded[name].value == round_half_away(Decimal(printed), 4), name


def test_bias_gradients_are_the_dz_steps(rounded: Derivation) -> None:
    for bias, z in (("dC/db3", "dC/dz3"), ("dC/db0", "dC/dz0"), ("dC/db2", "dC/dz2")):
        assert rounded[bias] is rounded[z]
    assert rounded["dC/dz3"].aliases == ("dC/db3",)


def test_exact_mode_matches_an_independent_float_computation() -> None:
    d = derive(load_network(BLOG))
    w = [0.15, 0.23, 0.5, 0.8, 0.05, -0.05, 0.9, -0.5, 0.08]
    expected = float_forward_2_3_1([2.0, 9.0], w, [0.5, 0.5, 0.5, 0.2])
    for name, value in expected.items():
        assert d[name].value == pytest.approx(value, abs=1e-12)
    o, y = expected["O3"], 0.92
    dz3 = (o - y) * o * (1 - o)
    assert d["dC/dz3"].value == pytest.approx(dz3, abs=1e-12)
    assert d["dC/dw6"].value == pytest.approx(dz3 * expected["O0"], abs=1e-12)
    dz0 = dz3 * 0.9 * expected["O0"] * (1 - expected["O0"])
    assert d["dC/dw1"].value == pytest.approx(dz0 * 9, abs=1e-12)


def test_rounded_output_shows_hand_and_exact_values_where_they_differ() -> None:
    result = CliRunner().invoke(app, ["explain", str(BLOG), "--carry", "rounded", "--width", "160"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    at = next(i for i, line in enumerate(lines) if "∂O1/∂z1" in line and "σ'" in line)
    assert "0.0002" in lines[at]
    assert "exact 0.0001665" in lines[at + 1]


def test_a_wrong_step_would_be_caught(rounded: Derivation) -> None:
    # The blog's sign slip in step 14 (-0.0316 · 0.0002) is harmless at 4 decimals, but a wrong
    # factor is not: dC/dz3 computed without σ' would give -0.2755, not -0.0631.
    assert rounded["dC/dz3"].value != Decimal("-0.2755")
    assert rounded["C"].value == Decimal("0.0380")  # ½ (0.2755)²; the blog printed 0.0759
