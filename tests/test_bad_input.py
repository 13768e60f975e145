"""Every class of bad network file: one line naming file, place and expectation; exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from derive.cli import app

from .conftest import CASES

GOOD = (CASES / "blog-2-3-1.yaml").read_text()
WEIGHTS = "weights: [[0.9, -0.5, 0.08]]"

CASES_BAD = {
    "empty": ("", "the file is empty"),
    "not yaml": ("layers: [\n  - size: 2\n  - {size", "not valid YAML"),
    "not a mapping": ("- 1\n- 2\n", "expected a mapping"),
    "unknown key": (GOOD + "colour: red\n", "unknown key 'colour'"),
    "misspelt key": (GOOD.replace("learning_rate", "learning_rat"), "did you mean 'learning_rate'"),
    "wrong row count": (
        GOOD.replace(WEIGHTS, "weights: [[0.9, -0.5, 0.08], [1, 2, 3]]"),
        "layers[2].weights: expected 1 rows",
    ),
    "wrong row length": (
        GOOD.replace(WEIGHTS, "weights: [[0.9, -0.5]]"),
        "layers[2].weights[0]: expected 3 numbers",
    ),
    "unknown activation": (
        GOOD.replace(
            "activation: sigmoid\n    weights: [[0.9", "activation: sigmoyd\n    weights: [[0.9"
        ),
        "did you mean 'sigmoid'",
    ),
    "unknown cost": (GOOD.replace("cost: half_squared_error", "cost: hinge"), "unknown cost"),
    "not a number": (GOOD.replace("0.08]]", "[1]]]"), "layers[2].weights[0][2]: expected a number"),
    "nan": (GOOD.replace("0.08]]", ".nan]]"), "expected a finite number"),
    "infinity": (GOOD.replace("0.08]]", ".inf]]"), "expected a finite number"),
    "hostile text": (
        GOOD.replace("0.08]]", '\'__import__("os").system("x")\']]'),
        "expected a number",
    ),
    "python tag": (GOOD + "x: !!python/object/apply:os.system ['echo hi']\n", "not valid YAML"),
    "alias bomb": ("a: &a [1, 2]\nb: [*a, *a]\n", "aliases"),
    "bad target size": (
        GOOD.replace("target: [0.92]", "target: [0.92, 1]"),
        "examples[0].target: expected 1 numbers",
    ),
    "bool size": (GOOD.replace("size: 3", "size: true"), "expected a whole number"),
    "cross-entropy target": (
        GOOD.replace("half_squared_error", "binary_cross_entropy").replace("0.92]", "1.5]"),
        "needs targets between 0 and 1",
    ),
    "chain needs one neuron": (GOOD.replace("style: flat", "style: chain"), "one neuron"),
    "unused value": (GOOD + "values: {w: 1}\n", "not a symbol used"),
    "cross-entropy of a linear output": (
        GOOD.replace("half_squared_error", "binary_cross_entropy").replace(
            "activation: sigmoid\n    weights: [[0.9", "activation: linear\n    weights: [[0.9"
        ),
        "use a sigmoid or softmax output layer",
    ),
    "log of zero": (
        GOOD.replace("half_squared_error", "binary_cross_entropy").replace("[[0.9,", "[[9000,"),
        "C: ",
    ),
    "deep nesting": ("a: " + "[" * 5000 + "]" * 5000 + "\n", "YAML"),
}


def run(tmp_path: Path, text: str | bytes) -> tuple[int, str]:
    path = tmp_path / "net.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    result = CliRunner().invoke(app, ["explain", str(path)])
    return result.exit_code, result.output


@pytest.mark.parametrize("name", sorted(CASES_BAD))
def test_one_clear_line_and_exit_2(tmp_path: Path, name: str) -> None:
    text, expected = CASES_BAD[name]
    code, output = run(tmp_path, text)
    assert code == 2, output
    assert "Traceback" not in output
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith(f"derive: error: {tmp_path / 'net.yaml'}")
    assert expected in lines[0]


def test_the_line_number_points_at_the_bad_value(tmp_path: Path) -> None:
    code, output = run(tmp_path, GOOD.replace("0.08]]", "oops!]]"))
    assert code == 2
    line = next(i for i, text in enumerate(GOOD.splitlines(), 1) if "0.08]]" in text)
    assert f"net.yaml:{line}: layers[2].weights[0][2]" in output


def test_binary_missing_and_directory(tmp_path: Path) -> None:
    assert "UTF-8" in run(tmp_path, b"\xff\xfe\x00garbage")[1]
    missing = CliRunner().invoke(app, ["explain", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    folder = CliRunner().invoke(app, ["explain", str(tmp_path)])
    assert folder.exit_code == 2 and "directory" in folder.output


def test_bad_options_exit_2(tmp_path: Path) -> None:
    path = CASES / "blog-2-3-1.yaml"
    result = CliRunner().invoke(app, ["explain", str(path), "--decimals", "99"])
    assert result.exit_code == 2 and "--decimals" in result.output
    symbolic = CliRunner().invoke(
        app, ["explain", str(CASES / "laan-1-1-1.yaml"), "--carry", "rounded"]
    )
    assert symbolic.exit_code == 2 and "keeps symbols" in symbolic.output


def test_a_missing_optional_package_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    for name in [m for m in sys.modules if m == "numpy" or m.startswith("numpy.")]:
        monkeypatch.delitem(sys.modules, name)
    for name in (
        "derive.verify",
        "derive.render.reports.verify",
        "derive.train.backprop",
        "derive.train.model",
        "derive.train.sgd",
        "derive.train.data",
    ):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy now fails
    result = CliRunner().invoke(app, ["verify", str(CASES / "blog-2-3-1.yaml")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "derive: error: this command needs 'numpy': pip install numpy"
    ]
