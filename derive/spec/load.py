"""Read a network file into frozen model objects, or raise one InputError (file, place, line)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..functions import ACTIVATIONS, COSTS
from .classify import parse_labels
from .examples import every_example
from .files import read_text
from .limits import DERIVE, Limits, check_layers
from .network import (
    NOTATION_STYLES,
    Activation,
    Entry,
    Layer,
    Network,
    Notation,
)
from .options import training_options
from .params import ParameterSource, parse_data, parse_init
from .reader import SYMBOL_NAME, Place, Reader, expect_kind, parse_yaml, short


def load_network(path: str | Path, *, limits: Limits = DERIVE) -> Network:
    """Load and validate a network file (see docs/network-format.md), refusing one larger than
    ``limits`` before any weight is drawn or read."""
    path = Path(path)
    text = read_text(path)
    data = parse_yaml(text, str(path))
    return network_from_data(data, source=str(path), text=text, limits=limits)


TOP_KEYS = (
    "title",
    "notation",
    "layers",
    "examples",
    "cost",
    "learning_rate",
    "values",
    "init",
    "data",
    "one_hot",
    "freeze",
    "regularization",
    "momentum",
    "velocities",
    "labels",
)


def network_from_data(
    data: Any, *, source: str, text: str = "", limits: Limits = DERIVE
) -> Network:
    reader = Reader(source, text)
    top = _top(reader, data, source=source)
    base = Path(source).parent
    params = ParameterSource(reader, parse_init(reader, top.get("init")), base=base, limits=limits)
    inputs, layers = _layers(reader, top["layers"], params, limits=limits)
    sizes = [inputs, *(layer.size for layer in layers)]
    spec = parse_data(reader, top.get("data"), base=base, limits=limits)
    if "examples" not in top and spec is None:
        raise reader.fail((), "missing required key 'examples' (or data: to train from)")
    cost = reader.name(top["cost"], ("cost",), choices=sorted(COSTS), what="cost")
    examples = every_example(
        reader, top.get("examples", []), spec, sizes=sizes, params=params, limits=limits,
        targets=COSTS[cost].targets,
    )  # fmt: skip
    labels, label_kind = parse_labels(reader, top.get("labels"), outputs=sizes[-1])
    network = Network(
        title=_title(reader, top.get("title", Path(source).stem)),
        inputs=inputs,
        layers=layers,
        examples=examples,
        cost=cost,
        learning_rate=reader.number(top.get("learning_rate", 0.1), ("learning_rate",)),
        notation=_notation(reader, top.get("notation", {})),
        values=_values(reader, top.get("values", {})),
        source=source,
        data=spec,
        one_hot=_flag(reader, top.get("one_hot", False), ("one_hot",)),
        labels=labels,
        label_kind=label_kind,
        **training_options(reader, top),
    )
    from .rules import check_network  # cross-field rules live beside the naming they need

    check_network(network, fail=reader.fail)
    return network


def _top(reader: Reader, data: Any, *, source: str) -> Mapping[str, Any]:
    """The file's top-level mapping, its keys checked."""
    if data is None:
        raise InputError(
            source, "", "the file is empty; expected a network (layers, examples, cost)"
        )
    if isinstance(data, dict):
        expect_kind(data, "a network file", source=source)
    return reader.mapping(data, (), allowed=TOP_KEYS, required=("layers", "cost"))


def _title(reader: Reader, title: Any) -> str:
    if not isinstance(title, str):
        raise reader.fail(("title",), "expected text")
    return title


def _notation(reader: Reader, data: Any) -> Notation:
    keys = reader.mapping(data, ("notation",), allowed=("style", "start", "activation"))
    style = reader.name(
        keys.get("style", "flat"),
        ("notation", "style"),
        choices=NOTATION_STYLES,
        what="notation style",
    )
    start = reader.integer(keys.get("start", 0), ("notation", "start"), minimum=0)
    if start > 1:
        raise reader.fail(("notation", "start"), f"expected 0 or 1, got {start}")
    letter = keys.get("activation", "O" if style == "flat" else "a")
    if not isinstance(letter, str) or not re.fullmatch(r"[A-Za-z]", letter) or letter in "wbzxyC":
        raise reader.fail(("notation", "activation"), "expected one letter other than w b z x y C")
    return Notation(style=style, start=start, activation=letter)


def _layers(
    reader: Reader, data: Any, params: ParameterSource, *, limits: Limits
) -> tuple[int, tuple[Layer, ...]]:
    """The input layer's width, and the layers after it."""
    items = reader.sequence(data, ("layers",), length=None, what="layers")
    if len(items) < 2:
        raise reader.fail(
            ("layers",), f"expected at least 2 layers (input and output), got {len(items)}"
        )
    check_layers(
        reader.source, [_declared_size(reader, item, i) for i, item in enumerate(items)], limits
    )
    inputs = _input_width(reader, items[0])
    layers: list[Layer] = []
    for index, item in enumerate(items[1:], start=1):
        previous = layers[-1].size if layers else inputs
        layers.append(_layer(reader, item, index, previous=previous, params=params))
    return inputs, tuple(layers)


def _declared_size(reader: Reader, item: Any, index: int) -> int:
    """A layer's size as written, read before anything else of the file (0 if it has none: the
    full parse then says what is wrong)."""
    if not isinstance(item, dict) or "size" not in item:
        return 0
    return reader.integer(item["size"], ("layers", index, "size"), minimum=1)


def _input_width(reader: Reader, data: Any) -> int:
    keys = reader.mapping(data, ("layers", 0), allowed=("size",), required=("size",))
    return reader.integer(keys["size"], ("layers", 0, "size"), minimum=1)


def _layer(
    reader: Reader, data: Any, index: int, *, previous: int, params: ParameterSource
) -> Layer:
    path: Place = ("layers", index)
    keys = reader.mapping(
        data,
        path,
        allowed=("size", "activation", "weights", "biases"),
        required=("size", "activation", "weights"),
    )
    size = reader.integer(keys["size"], (*path, "size"), minimum=1)
    raw = keys["weights"]
    if not isinstance(raw, list):
        raw = params.draw((size, previous), (*path, "weights"), spec=raw)
    rows = reader.sequence(
        raw,
        (*path, "weights"),
        length=size,
        what=f"rows (one per neuron of this layer, each with {previous} numbers)",
    )
    row_what = "numbers (one per neuron of the previous layer)"
    weights = tuple(
        tuple(
            reader.number(v, (*path, "weights", j, k))
            for k, v in enumerate(
                reader.sequence(row, (*path, "weights", j), length=previous, what=row_what)
            )
        )
        for j, row in enumerate(rows)
    )
    activation = _activation(reader, keys["activation"], (*path, "activation"))
    raw_biases = keys.get("biases")
    if _is_shared(raw_biases):  # biases: 0.35, one parameter for the whole layer
        shared = (reader.number(raw_biases, (*path, "biases")),)
        return Layer(size, activation, weights, shared, shared_bias=True)
    biases = _biases(reader, raw_biases, (*path, "biases"), size=size, params=params)
    return Layer(size=size, activation=activation, weights=weights, biases=biases)


def _is_shared(raw: Any) -> bool:
    """A single number or symbol name where a list of biases may stand ('init' and 'zeros'
    draw one bias per neuron)."""
    if isinstance(raw, bool):
        return False
    return isinstance(raw, int | float) or (isinstance(raw, str) and raw not in ("init", "zeros"))


def _biases(
    reader: Reader, raw: Any, path: Place, *, size: int, params: ParameterSource
) -> tuple[Entry, ...] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raw = params.draw((size,), path, spec=raw)
    items = reader.sequence(raw, path, length=size, what="numbers")
    return tuple(reader.number(v, (*path, j)) for j, v in enumerate(items))


def _activation(reader: Reader, data: Any, path: Place) -> Activation:
    if isinstance(data, dict):
        keys = reader.mapping(data, path, allowed=("name", "slope"), required=("name",))
        name = reader.name(
            keys["name"], (*path, "name"), choices=sorted(ACTIVATIONS), what="activation"
        )
        if "slope" in keys and name != "leaky_relu":  # accepted and ignored would mislead
            raise reader.fail((*path, "slope"), f"{name} takes no slope (only leaky_relu does)")
        params = tuple(
            (key, reader.real(keys[key], (*path, key))) for key in ("slope",) if key in keys
        )
        return Activation(name=name, params=params)
    return Activation(name=reader.name(data, path, choices=sorted(ACTIVATIONS), what="activation"))


def _flag(reader: Reader, data: Any, path: Place) -> bool:
    if not isinstance(data, bool):
        raise reader.fail(path, "expected true or false")
    return data


def _values(reader: Reader, data: Any) -> tuple[tuple[str, float], ...]:
    if not isinstance(data, dict):
        raise reader.fail(("values",), "expected a mapping of symbol name to number")
    out = []
    for key, value in data.items():
        if not isinstance(key, str) or not SYMBOL_NAME.fullmatch(key):
            raise reader.fail(("values",), f"expected symbol names as keys, got {short(key)!r}")
        out.append((key, reader.real(value, ("values", key))))
    return tuple(sorted(out))
