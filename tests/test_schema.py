"""``derive schema``: the JSON Schemas accept every shipped file and every file ``derive new``
writes, and refuse the bad files the loaders refuse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import jsonschema
import pytest
from typer.testing import CliRunner

from derive.cli import app
from derive.cli.schema import SchemaKind as CliSchemaKind
from derive.errors import InputError
from derive.functions import ACTIVATIONS, COSTS
from derive.grade.answers import answers_from_text
from derive.spec.load import TOP_KEYS, network_from_data
from derive.spec.reader import parse_yaml
from derive.spec.scaffold import network_text
from derive.spec.schema import SchemaKind, answers_schema, network_schema

from .conftest import CASES

runner = CliRunner()
NETWORKS = sorted(p for p in CASES.glob("*.yaml") if not p.name.endswith(".answers.yaml"))
ANSWERS = sorted(CASES.glob("*.answers.yaml"))


def validator(schema: dict[str, Any]) -> Any:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_errors(schema: dict[str, Any], data: Any) -> list[str]:
    return [error.message for error in validator(schema).iter_errors(data)]


def test_the_command_prints_both_schemas() -> None:
    for kind, expected in (("network", network_schema()), ("answers", answers_schema())):
        result = runner.invoke(app, ["schema", kind])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == expected
    default = runner.invoke(app, ["schema"])
    assert json.loads(default.stdout)["title"] == "derive network file"
    assert {kind.value for kind in CliSchemaKind} == set(get_args(SchemaKind))


def test_the_schema_follows_the_loader() -> None:
    schema = network_schema()
    assert list(schema["properties"]) == list(TOP_KEYS)
    assert schema["properties"]["cost"]["enum"] == sorted(COSTS)
    assert schema["$defs"]["activation"]["anyOf"][0]["enum"] == sorted(ACTIVATIONS)


@pytest.mark.parametrize("path", NETWORKS, ids=lambda p: p.name)
def test_every_shipped_network_is_valid(path: Path) -> None:
    data = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    assert schema_errors(network_schema(), data) == []


def test_an_editor_validating_draft_07_finds_no_false_errors() -> None:
    """yaml-language-server validates draft-07 and skips what it does not know (prefixItems)."""
    draft7 = jsonschema.Draft7Validator(network_schema())
    for path in NETWORKS:
        data = parse_yaml(path.read_text(encoding="utf-8"), str(path))
        assert [e.message for e in draft7.iter_errors(data)] == [], path.name


@pytest.mark.parametrize("path", ANSWERS, ids=lambda p: p.name)
def test_every_shipped_answers_file_is_valid(path: Path) -> None:
    data = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    assert schema_errors(answers_schema(), data) == []


@pytest.mark.parametrize(
    ("shape", "activation", "cost", "notation"),
    [
        ("2-3-1", "sigmoid", "half_squared_error", "flat"),
        ("2-2-3", "relu", "cross_entropy", "flat"),
        ("1-1-1", "leaky_relu", "binary_cross_entropy", "chain"),
        ("12-3-2", "tanh", "mse", "layered"),
    ],
)
def test_files_from_derive_new_are_valid(
    shape: str, activation: str, cost: str, notation: str
) -> None:
    text = network_text(shape=shape, activation=activation, cost=cost, notation=notation)
    assert schema_errors(network_schema(), parse_yaml(text, "new.yaml")) == []


BLOG = """\
layers:
  - size: 2
  - size: 1
    activation: sigmoid
    weights: [[0.5, -0.5]]
    biases: [0.1]
examples:
  - {input: [1, 2], target: [1]}
cost: half_squared_error
"""

# (what is wrong, the text replaced in BLOG, its replacement)
BAD_NETWORKS = [
    ("unknown top-level key", "cost:", "costs:"),
    ("unknown layer key", "    biases:", "    bias:"),
    ("missing layers", "layers:\n  - size: 2\n  - size: 1\n", "layer_sizes:\n  - size: 2\n"),
    ("missing cost", "cost: half_squared_error\n", ""),
    ("missing examples", "examples:\n  - {input: [1, 2], target: [1]}\n", ""),
    ("a string for a weight", "[[0.5, -0.5]]", "[[0.5, '0.5x']]"),
    ("a string for a size", "size: 2", "size: '2'"),
    ("a reserved word for a weight", "[[0.5, -0.5]]", "[[0.5, nan]]"),
    ("true for a number", "[1, 2]", "[1, true]"),
    ("a list for the title", "layers:", "title: [a]\nlayers:"),
    ("a wrong activation name", "activation: sigmoid", "activation: sigmod"),
    ("a slope for sigmoid", "activation: sigmoid", "activation: {name: sigmoid, slope: 0.1}"),
    ("one_hot not true or false", "layers:", "one_hot: 1\nlayers:"),
    ("a wrong cost name", "half_squared_error", "half_squared"),
    ("one layer only", "  - size: 1\n    activation", "    activation"),
    ("an input layer with weights", "  - size: 2\n", "  - size: 2\n    weights: [[1]]\n"),
    ("a size of 0", "size: 1", "size: 0"),
    ("a notation style unknown", "layers:", "notation: {style: nielsen}\nlayers:"),
    ("a notation start of 2", "layers:", "notation: {start: 2}\nlayers:"),
    ("C as the activation letter", "layers:", "notation: {activation: C}\nlayers:"),
    ("an example without target", "target: [1]", "output: [1]"),
    ("weights: zeros", "[[0.5, -0.5]]", "zeros"),
    ("init without kind", "layers:", "init: {seed: 1}\nlayers:"),
    ("data with both sources", "layers:", "data: {builtin: digits, csv: a.csv}\nlayers:"),
    ("values with a string", "layers:", "values: {w: high}\nlayers:"),
]


@pytest.mark.parametrize(("problem", "old", "new"), BAD_NETWORKS, ids=[b[0] for b in BAD_NETWORKS])
def test_bad_networks_are_refused_by_both(problem: str, old: str, new: str) -> None:
    assert old in BLOG, problem
    text = BLOG.replace(old, new, 1)
    with pytest.raises(InputError):
        network_from_data(parse_yaml(text, "bad.yaml"), source="bad.yaml", text=text)
    assert schema_errors(network_schema(), parse_yaml(text, "bad.yaml")), problem


def test_the_good_network_is_accepted_by_both() -> None:
    network_from_data(parse_yaml(BLOG, "good.yaml"), source="good.yaml", text=BLOG)
    assert schema_errors(network_schema(), parse_yaml(BLOG, "good.yaml")) == []


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        ("no answers", "student: Ada\n"),
        ("an unknown key", "student: Ada\nanswer:\n  O3: 0.6\n"),
        ("answers not a mapping", "answers: [0.6]\n"),
    ],
)
def test_bad_answers_files_are_refused_by_both(problem: str, text: str) -> None:
    with pytest.raises(InputError):
        answers_from_text(text, source="bad.yaml", default_student="bad")
    assert schema_errors(answers_schema(), parse_yaml(text, "bad.yaml")), problem
