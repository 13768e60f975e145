"""JSON Schemas (draft 2020-12) of the network file and the answers file, for editors.

The loaders (spec/load.py, grade/answers.py) stay the truth: a schema cannot say that a weights
row has one number per neuron of the layer before, nor the rules of spec/rules.py, so a file the
schema accepts may still be refused, with one line saying why. The other way round must not
happen for network files (tests/test_schema.py checks cases/ and the files derive new writes).
One deliberate difference: an answer that is true/false, a list or a mapping is flagged here,
where the checker reads the file and grades that answer unreadable.
"""

from __future__ import annotations

from typing import Any, Literal

from ..functions import ACTIVATIONS, COSTS
from .network import NOTATION_STYLES
from .reader import RESERVED, SYMBOL_NAME

SchemaKind = Literal["network", "answers"]
DIALECT = "https://json-schema.org/draft/2020-12/schema"
Schema = dict[str, Any]


def schema_for(kind: SchemaKind) -> Schema:
    return network_schema() if kind == "network" else answers_schema()


def _symbol() -> Schema:
    """A free symbol's name (w, w1, w(L-1)), not a reserved word in any letter case."""
    reserved = sorted(word for word in RESERVED if word == word.lower())  # compared lowercased
    either_case = "|".join("".join(f"[{c.upper()}{c}]" for c in word) for word in reserved)
    return {
        "type": "string",
        "pattern": f"^(?:{SYMBOL_NAME.pattern})$",
        "not": {"pattern": f"^(?:{either_case})$"},
    }


def _size() -> Schema:
    return {"type": "integer", "minimum": 1, "description": "the number of neurons"}


def _entries() -> Schema:
    return {"type": "array", "items": {"$ref": "#/$defs/entry"}}


def _file() -> Schema:
    return {
        "type": "object",
        "description": "an array read from a .npy or .npz file beside the network file",
        "properties": {
            "file": {"type": "string", "pattern": r"\.(npy|npz)$"},
            "key": {"type": "string", "description": "the array's name in a .npz file"},
        },
        "required": ["file"],
        "additionalProperties": False,
    }


def _closed(properties: Schema, *, required: list[str], **more: Any) -> Schema:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        **more,
    }


def _activation() -> Schema:
    names = {"enum": sorted(ACTIVATIONS)}
    only_leaky = {"properties": {"name": {"const": "leaky_relu"}}}  # the one with a slope
    with_slope = _closed(
        {"name": names, "slope": {"type": "number", "description": "leaky_relu's slope"}},
        required=["name"],
        **{"if": {"required": ["slope"]}, "then": only_leaky},
    )
    return {"anyOf": [names, with_slope], "description": "the layer's activation"}


def _layer() -> Schema:
    weights = {
        "description": "one row per neuron, one number (or symbol) per neuron of the layer before",
        "anyOf": [
            {"type": "array", "minItems": 1, "items": {**_entries(), "minItems": 1}},
            {"const": "init"},
            {"$ref": "#/$defs/file"},
        ],
    }
    biases = {
        "description": "one per neuron, or one number (or symbol) shared by the layer; "
        "omitted: the layer has no biases",
        "anyOf": [
            _entries(),
            {"enum": ["init", "zeros"]},
            {"$ref": "#/$defs/file"},
            {"type": "number"},
            {**_symbol(), "not": {"enum": ["init", "zeros"]}},
        ],
    }
    return _closed(
        {
            "size": _size(),
            "activation": {"$ref": "#/$defs/activation"},
            "weights": weights,
            "biases": biases,
        },
        required=["size", "activation", "weights"],
    )


def _example() -> Schema:
    values = {"anyOf": [_entries(), {"$ref": "#/$defs/file"}]}
    # required: target as well, except with cost: none (the top level says so)
    return _closed({"input": values, "target": values}, required=["input"])


def _notation() -> Schema:
    letter = {
        "type": "string",
        "pattern": "^[A-Za-z]$",
        "not": {"enum": list("wbzxyC")},
        "description": "the activation's letter (default O for flat, a otherwise)",
    }
    return _closed(
        {
            "style": {"enum": list(NOTATION_STYLES)},
            "start": {"enum": [0, 1]},
            "activation": letter,
        },
        required=[],
    )


def _init() -> Schema:
    return _closed(
        {
            "kind": {"enum": ["normal", "uniform"]},
            "seed": {"type": "integer", "minimum": 0},
            "scale": {"type": "number", "exclusiveMinimum": 0},
        },
        required=["kind"],
        description="random weights for layers that write weights: init / biases: init",
    )


def _data() -> Schema:
    columns = {
        "type": "array",
        "minItems": 1,
        "items": {"type": ["string", "integer"]},
    }
    return _closed(
        {
            "csv": {"type": "string"},
            "target_columns": columns,
            "builtin": {"enum": ["digits"]},
            "test_fraction": {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
        },
        required=[],
        oneOf=[
            {"required": ["csv", "target_columns"], "not": {"required": ["builtin"]}},
            {"required": ["builtin"], "not": {"required": ["csv"]}},
        ],
        description="training data for derive train: a CSV file or builtin: digits",
    )


def _from_data() -> Schema:
    row = {"type": "integer", "minimum": 0}
    rows = {"anyOf": [row, {"type": "array", "minItems": 1, "items": row}]}
    what = "rows of data: (counted from 0) as the examples: K, or [K1, K2, …]"
    return _closed({"from_data": rows}, required=["from_data"], description=what)


def _labels() -> Schema:
    values = {"type": "array", "items": {"type": ["number", "string"]}, "uniqueItems": True}
    kind = {"type": "string", "pattern": "^[A-Za-z][A-Za-z ]{0,19}$"}
    keyed = _closed({"kind": kind, "values": values}, required=["values"])
    what = "the output neurons' classes: [0, 1, …] or {kind: digit, values: [...]}"
    return {"description": what, "anyOf": [values, keyed]}


def _top_properties() -> Schema:
    properties: Schema = {
        "title": {"type": "string", "description": "shown at the top of every output"},
        "notation": {"$ref": "#/$defs/notation"},
        "layers": {
            "type": "array",
            "minItems": 2,
            "prefixItems": [{"$ref": "#/$defs/input_layer"}],
            # an editor validating draft-07 (yaml-language-server) ignores prefixItems and checks
            # the input layer against items too: accepting it there avoids a false error
            "items": {"anyOf": [{"$ref": "#/$defs/layer"}, {"$ref": "#/$defs/input_layer"}]},
            "description": "the input layer (size only), then each layer after it",
        },
        "examples": {
            "anyOf": [{"type": "array", "items": {"$ref": "#/$defs/example"}}, _from_data()]
        },
        "cost": {"enum": sorted(COSTS)},
        "learning_rate": {"$ref": "#/$defs/entry", "description": "η (default 0.1)"},
        "values": {
            "type": "object",
            "propertyNames": _symbol(),
            "additionalProperties": {"type": "number"},
            "description": "numbers for free symbols, shown beside the symbolic results",
        },
        "init": {"$ref": "#/$defs/init"},
        "data": {"$ref": "#/$defs/data"},
        "one_hot": {
            "type": "boolean",
            "description": "true: every example's targets sum to one (cross_entropy may use it)",
        },
        **_update_properties(),
        "labels": _labels(),
    }
    return properties


def _update_properties() -> Schema:
    """freeze, regularization, momentum and velocities (spec/options.py)."""
    pattern = {"type": "string", "pattern": r"^[A-Za-z0-9_()\-*?\[\]]{1,64}$"}
    return {
        "freeze": {
            "description": "kept out of the updates: names, globs (w1*), weights, biases",
            "anyOf": [pattern, {"type": "array", "items": pattern}],
        },
        "regularization": _closed(
            {"l2": {"type": "number", "minimum": 0, "description": "λ: adds (λ/2)·Σw² to C"}},
            required=["l2"],
        ),
        "momentum": {
            "type": "number",
            "minimum": 0,
            "exclusiveMaximum": 1,
            "description": "μ: v ← μ·v − η·∂C/∂p, p ← p + v",
        },
        "velocities": {
            "type": "object",
            "additionalProperties": {"type": "number"},
            "description": "velocities before the step, by parameter name (default 0)",
        },
    }


def network_schema() -> Schema:
    """The network file (docs/network-format.md)."""
    return {
        "$schema": DIALECT,
        "title": "derive network file",
        "description": "A small neural network for derive explain, verify, latex, check, train.",
        "type": "object",
        "properties": _top_properties(),
        "required": ["layers", "cost"],
        "additionalProperties": False,
        "allOf": [
            # without data: to train from, at least one example
            {
                "if": {"not": {"required": ["data"]}},
                "then": {"required": ["examples"], "properties": {"examples": {"minItems": 1}}},
            },
            # examples have targets unless cost: none; velocities need momentum
            {
                "if": {"properties": {"cost": {"not": {"const": "none"}}}},
                "then": {"properties": {"examples": {"items": {"required": ["target"]}}}},
                "else": {"properties": {"examples": {"items": {"not": {"required": ["target"]}}}}},
            },
            {"if": {"required": ["velocities"]}, "then": {"required": ["momentum"]}},
        ],
        "$defs": {
            "entry": {"anyOf": [{"type": "number"}, _symbol()]},
            "file": _file(),
            "activation": _activation(),
            "input_layer": _closed({"size": _size()}, required=["size"]),
            "layer": _layer(),
            "example": _example(),
            "notation": _notation(),
            "init": _init(),
            "data": _data(),
        },
    }


def answers_schema() -> Schema:
    """The answers file of derive check (docs/check.md)."""
    answer = {
        "type": ["number", "string", "null"],
        "description": 'a number, an expression in quotes such as "4.5*w - 1.5", or blank',
    }
    return {
        "$schema": DIALECT,
        "title": "derive answers file",
        "description": "A student's answers, checked with derive check NETWORK ANSWERS.",
        "type": "object",
        "properties": {
            "student": {
                "type": ["string", "number", "boolean", "null"],
                "description": "the student's name (default: the file name)",
            },
            "answers": {
                "type": "object",
                "description": "quantity name (O3, dC/dw6, new_w8, ...) to the answer",
                "additionalProperties": answer,
            },
        },
        "required": ["answers"],
        "additionalProperties": False,
    }
