"""A symbol may not take a name the derivation gives another quantity, nor a function's name.

Before this rule a weight called x in a one-input network was derived as z0 = x·x = 3·3 = 9,
C = 64 (right: z = 2·3 = 6, C = 25). Each case here is refused with one line naming the place.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from derive.cli import app
from derive.derivation.build import derive
from derive.functions import ANSWER_FUNCTIONS
from derive.grade.parse import FUNCTIONS
from derive.spec.load import load_network

runner = CliRunner()

ONE_INPUT = """
layers:
  - size: 1
  - size: 1
    activation: linear
    weights: [[{weight}]]
examples: [{{input: [3], target: [{target}]}}]
values: {{{values}}}
cost: squared_error
"""

TWO_LAYERS = """
notation: {{style: flat, start: 0}}
layers:
  - size: 1
  - size: 1
    activation: linear
    weights: [[{weight}]]
  - size: 1
    activation: linear
    weights: [[1.0]]
examples: [{{input: [3], target: [1]}}]
values: {{{weight}: 2}}
cost: squared_error
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("symbol", ["x", "y"])
def test_a_weight_named_like_a_generated_quantity_is_refused(tmp_path: Path, symbol: str) -> None:
    path = _write(tmp_path, ONE_INPUT.format(weight=symbol, target=1, values=f"{symbol}: 2"))
    result = runner.invoke(app, ["explain", str(path)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "layers[1].weights[0][0]" in lines[0]
    assert f"symbol {symbol!r} is also the name of" in lines[0]


@pytest.mark.parametrize("symbol", ["z0", "O0", "z1", "O1", "w1", "new_w1"])
def test_generated_names_in_a_deeper_network_cannot_be_symbols(tmp_path: Path, symbol: str) -> None:
    path = _write(tmp_path, TWO_LAYERS.format(weight=symbol))
    result = runner.invoke(app, ["explain", str(path)])
    assert result.exit_code == 2 and f"symbol {symbol!r} is also the name of" in result.output


def test_the_cost_c_is_no_symbol(tmp_path: Path) -> None:
    path = _write(tmp_path, ONE_INPUT.format(weight="C", target=1, values="C: 2"))
    result = runner.invoke(app, ["explain", str(path)])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "'C'" in result.output


@pytest.mark.parametrize("symbol", ["ln", "sqrt", "sigmoid", "exp"])
def test_function_names_cannot_be_symbols(tmp_path: Path, symbol: str) -> None:
    path = _write(tmp_path, ONE_INPUT.format(weight=symbol, target=1, values=f"{symbol}: 2"))
    result = runner.invoke(app, ["explain", str(path)])
    assert result.exit_code == 2 and "function" in result.output


def test_a_symbol_in_its_own_place_is_kept(tmp_path: Path) -> None:
    """The target written as y where derive names the target y: the same quantity, no mix-up."""
    path = _write(tmp_path, ONE_INPUT.format(weight="w", target="y", values="w: 2, y: 1"))
    d = derive(load_network(path))
    assert float(d["z0"].exact) == pytest.approx(6.0)  # w·x = 2·3, not 3·3
    assert float(d["C"].exact) == pytest.approx(25.0)  # (6 − 1)²


def test_the_answer_parser_knows_exactly_the_reserved_functions() -> None:
    assert set(FUNCTIONS) == set(ANSWER_FUNCTIONS)
