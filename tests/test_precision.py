"""``--precision N``: the file's decimals kept as written, every step at N significant digits,
checked against mpmath at 50 digits; float64 mode unchanged."""

from __future__ import annotations

import json
import math
import random
import struct
from decimal import Decimal
from pathlib import Path

import mpmath  # type: ignore[import-untyped]
import pytest
import sympy as sp
from typer.testing import CliRunner

from derive.cli import app
from derive.derivation.build import derive
from derive.numbers.rounding import format_number, round_half_away, round_significant
from derive.numbers.written import Written
from derive.spec.load import load_network

from .oracle import diff_gradients

runner = CliRunner()

# 20-digit numbers: float64 keeps 17 of them
W = [["0.15000000000000000001", "0.20000000000000000003"], ["0.25000000000000000007", "-0.3"]]
B = ["0.35000000000000000011", "0.35"]
V = [["0.40000000000000000013", "0.45"], ["0.50000000000000000017", "0.55000000000000000019"]]
C = ["0.6", "0.60000000000000000023"]
X, Y = ["0.05", "0.10000000000000000029"], ["0.01", "0.99"]

NETWORK = f"""
layers:
  - size: 2
  - size: 2
    activation: sigmoid
    weights: [[{W[0][0]}, {W[0][1]}], [{W[1][0]}, {W[1][1]}]]
    biases: [{B[0]}, {B[1]}]
  - size: 2
    activation: sigmoid
    weights: [[{V[0][0]}, {V[0][1]}], [{V[1][0]}, {V[1][1]}]]
    biases: [{C[0]}, {C[1]}]
examples: [{{input: [{X[0]}, {X[1]}], target: [{Y[0]}, {Y[1]}]}}]
cost: squared_error
"""


def _file(tmp_path: Path, text: str = NETWORK) -> Path:
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _oracle() -> dict[str, mpmath.mpf]:
    """∂C/∂p by sympy.diff of the composed cost, over the decimals as this test writes them
    (exact rationals), evaluated by mpmath at 50 digits; names in flat notation."""
    names = {f"w{i}": r for i, r in enumerate([*W[0], *W[1], *V[0], *V[1]])}
    names |= {"b0": B[0], "b1": B[1], "b2": C[0], "b3": C[1]}
    p = {n: sp.Symbol(n) for n in names}

    def sigma(t: sp.Expr) -> sp.Expr:
        return 1 / (1 + sp.exp(-t))

    x = [sp.Rational(v) for v in X]
    h = [sigma(p[f"w{2 * j}"] * x[0] + p[f"w{2 * j + 1}"] * x[1] + p[f"b{j}"]) for j in (0, 1)]
    o = [
        sigma(p[f"w{4 + 2 * j}"] * h[0] + p[f"w{5 + 2 * j}"] * h[1] + p[f"b{2 + j}"])
        for j in (0, 1)
    ]
    cost = sum((oi - sp.Rational(yi)) ** 2 for oi, yi in zip(o, Y, strict=True))
    at = {p[n]: sp.Rational(v) for n, v in names.items()}
    out = {"C": cost}
    out |= {f"dC/d{n}": sp.diff(cost, p[n]) for n in names}
    with mpmath.workdps(50):
        return {k: mpmath.mpf(str(v.xreplace(at).evalf(50))) for k, v in out.items()}


def test_twenty_digit_weights_at_precision_30_agree_with_mpmath_to_28_digits(
    tmp_path: Path,
) -> None:
    d = derive(load_network(_file(tmp_path)), precision=30)
    assert d.arithmetic == "precise" and d.precision == 30
    oracle = _oracle()
    for name, want in oracle.items():
        got = d[name].value
        assert isinstance(got, Decimal)
        with mpmath.workdps(50):
            error = abs(mpmath.mpf(str(got)) - want) / abs(want)
        assert error < mpmath.mpf("1e-28"), (name, got, want)


def test_float64_cannot_and_float_mode_is_unchanged(tmp_path: Path) -> None:
    """In float64 the same gradients are right to about 16 digits, not 28: the precise mode
    is what reaches them; the float derivation still gives plain floats, as before."""
    d = derive(load_network(_file(tmp_path)))
    oracle = _oracle()
    assert all(type(q.value) is float for q in d.quantities.values())
    worst = max(abs(d[n].value - float(v)) / abs(float(v)) for n, v in oracle.items())
    assert 0 < worst < 1e-13
    net = load_network(_file(tmp_path))
    assert [float(v) for v in net.layers[0].weights[0]] == [0.15, 0.2]  # the nearest doubles
    assert derive(net)["dC/dw0"].value == pytest.approx(diff_gradients(net)[0], rel=1e-12)


def test_the_file_decimals_are_kept_as_written(tmp_path: Path) -> None:
    net = load_network(_file(tmp_path))
    w0 = net.layers[0].weights[0][0]
    assert isinstance(w0, Written) and w0.text == W[0][0] and w0 == 0.15
    d = derive(net, precision=30)
    assert d["w0"].value == Decimal(W[0][0])


def test_a_saturated_step_keeps_its_digits_at_high_precision(tmp_path: Path) -> None:
    """C = −log(1 − σ(40)): 1 − σ(40) cancels 17 digits, more than the guard digits; the step
    is evaluated again by evalf over the file's numbers."""
    text = """
layers:
  - size: 1
  - size: 1
    activation: sigmoid
    weights: [[40]]
examples: [{input: [1], target: [0]}]
cost: binary_cross_entropy
"""
    d = derive(load_network(_file(tmp_path, text)), precision=30)
    with mpmath.workdps(50):
        want = 40 + mpmath.log1p(mpmath.exp(-40))
        assert abs(mpmath.mpf(str(d["C"].value)) - want) < mpmath.mpf("1e-27")


def test_high_precision_values_are_shown_without_float() -> None:
    value = Decimal("0.1234567890123456789012345678")
    assert format_number(value, 25) == "0.1234567890123456789012346"
    assert format_number(Decimal("-0.0000000000000000000012345"), 4) == "-1.235e-21"  # not -0.0000
    assert round_significant(Decimal("2.5e-40"), 1) == Decimal("3e-40")  # half away from zero


def test_cli_precision_and_its_refusals(tmp_path: Path) -> None:
    path = str(_file(tmp_path))
    ok = runner.invoke(app, ["explain", path, "--precision", "30", "--decimals", "25"])
    assert ok.exit_code == 0, ok.output
    assert "at 30 significant digits" in ok.stdout
    latex = runner.invoke(app, ["latex", path, "--precision", "30", "--decimals", "20", "--body"])
    assert latex.exit_code == 0 and "30 significant digits" in latex.stdout
    for args, message in (
        (["--precision", "30", "--carry", "rounded"], "--precision goes with exact"),
        (["--precision", "0"], "--precision must be between 1"),
        (["--decimals", "25"], "--decimals must be between 0 and 15"),
    ):
        result = runner.invoke(app, ["explain", path, *args])
        assert result.exit_code == 2 and message in result.output, result.output


def test_json_keeps_every_digit_that_precision_computed(tmp_path: Path) -> None:
    """JSON numbers are floats, so the N digits go beside them as text, exact to the oracle."""
    path = str(_file(tmp_path))
    out = runner.invoke(app, ["explain", path, "--precision", "30", "--format", "json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["precision"] == 30 and set(doc["digits"]) == set(doc["values"])
    for name, want in _oracle().items():
        text = doc["digits"][name]
        assert len(Decimal(text).as_tuple().digits) >= 28, (name, text)
        with mpmath.workdps(50):
            assert abs(mpmath.mpf(text) - want) <= abs(want) * mpmath.mpf("1e-28"), (name, text)
        assert doc["values"][name] == float(Decimal(text))  # the float is the same number
    args = ["explain", path, "--precision", "30", "--format", "json", "--only", "dC/dw0"]
    only = runner.invoke(app, args)
    assert set(json.loads(only.stdout)["digits"]) == {"dC/dw0"}
    plain = json.loads(runner.invoke(app, ["explain", path, "--format", "json"]).stdout)
    assert "digits" not in plain and "precision" not in plain


def _float_cases() -> list[float]:
    """Ties at every place, values near them, any bit pattern, and every scale a table shows."""
    rng = random.Random(7)
    out = [0.0, -0.0, 0.5, -0.5, 2.5, 0.00005, -0.00005, 0.03155, 0.99995, -9.99995, 0.1 + 0.2]
    for _ in range(20000):
        out.append(round(rng.uniform(-10, 10), rng.randint(0, 6)) + rng.choice([0, 5e-5, -5e-6]))
        out.append(struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0])
        out.append(rng.uniform(-1, 1) * 10 ** rng.randint(-8, 14))
    return [v for v in out if math.isfinite(v) and abs(v) < 1e15]


def test_fixed_point_text_is_the_rounding_policy_on_the_shortest_repr() -> None:
    """format_number writes a float from the digits of its repr; it must be what rounding that
    decimal half away from zero gives (the policy, round_half_away) at every number of places."""
    for value in _float_cases():
        for decimals in range(9):
            if value != 0 and abs(value) < 0.5 * 10.0**-decimals:
                continue  # written in scientific form instead
            want = f"{round_half_away(value, decimals):.{decimals}f}"
            assert format_number(value, decimals) == want, (repr(value), decimals)
