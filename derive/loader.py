"""Read a network file into frozen model objects, or raise one InputError (file, place, line)."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .functions import ACTIVATIONS, COSTS
from .model import Activation, Entry, Example, Layer, Network, Notation

MAX_BYTES = 64 * 1024 * 1024
SYMBOL_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")
RESERVED = frozenset({"nan", "inf", "infinity", "exp", "log", "sigma", "tanh", "eta", "C"})
Path_ = tuple[str | int, ...]


class _SafeNoAliasLoader(yaml.SafeLoader):
    """safe_load without anchors/aliases: a network file never needs them, and they allow
    exponential "billion laughs" documents."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                "", None, "YAML aliases (*name) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)


def place_of(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def line_of(text: str, path: Path_) -> int | None:
    """The 1-based line of the YAML node at ``path``, found by composing the document again."""
    try:
        node = yaml.compose(text, Loader=_SafeNoAliasLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    line = None
    for part in path:
        if node is None:
            break
        line = node.start_mark.line + 1
        node = _child(node, part)
    return node.start_mark.line + 1 if node is not None else line


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        return next((v for k, v in node.value if getattr(k, "value", None) == part), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None


class _Reader:
    """Walks the parsed data once; every check raises InputError with the place and its line."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.text = text

    def fail(self, path: Path_, expected: str) -> InputError:
        return InputError(self.source, place_of(path), expected, line=line_of(self.text, path))

    def mapping(
        self, data: Any, path: Path_, *, allowed: Sequence[str], required: Sequence[str] = ()
    ) -> Mapping[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(path, f"expected a mapping with keys {', '.join(allowed)}")
        for key in data:
            if key not in allowed:
                near = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                raise self.fail(
                    (*path, str(key)),
                    f"unknown key '{key}'{hint}; expected one of " + ", ".join(allowed),
                )
        for key in required:
            if key not in data:
                raise self.fail(path, f"missing required key '{key}'")
        return data

    def sequence(self, data: Any, path: Path_, *, length: int | None, what: str) -> list[Any]:
        if not isinstance(data, list):
            raise self.fail(path, f"expected a list of {what}")
        if length is not None and len(data) != length:
            raise self.fail(path, f"expected {length} {what}, got {len(data)}")
        return data

    def number(self, data: Any, path: Path_, *, symbol_ok: bool = True) -> Entry:
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            raise self.fail(path, "expected a number" + (" or a symbol name" if symbol_ok else ""))
        if isinstance(data, str):
            if symbol_ok and SYMBOL_NAME.fullmatch(data) and data.lower() not in RESERVED:
                return data
            raise self.fail(path, f"expected a number, got {_short(data)!r}")
        if not math.isfinite(data):
            raise self.fail(path, f"expected a finite number, got {data}")
        return float(data)

    def integer(self, data: Any, path: Path_, *, minimum: int) -> int:
        if isinstance(data, bool) or not isinstance(data, int) or data < minimum:
            raise self.fail(path, f"expected a whole number ≥ {minimum}, got {_short(data)!r}")
        return data

    def name(self, data: Any, path: Path_, *, choices: Sequence[str], what: str) -> str:
        if not isinstance(data, str) or data not in choices:
            near = difflib.get_close_matches(str(data), choices, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise self.fail(
                path, f"unknown {what} {_short(data)!r}{hint}; expected one of {', '.join(choices)}"
            )
        return data


def _short(value: Any) -> Any:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def read_text(path: Path) -> str:
    source = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(source, "", f"file is larger than {MAX_BYTES // 2**20} MiB")
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(source, "", "no such file") from None
    except IsADirectoryError:
        raise InputError(source, "", "expected a file, got a directory") from None
    except UnicodeDecodeError:
        raise InputError(source, "", "expected UTF-8 text (is this a binary file?)") from None
    except OSError as exc:
        raise InputError(source, "", f"cannot read: {exc.strerror}") from None


def parse_yaml(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=_SafeNoAliasLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(source, "", f"not valid YAML: {exc.problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(source, "", f"not valid YAML: {exc}") from None
    except RecursionError:
        raise InputError(source, "", "not valid YAML: nested too deeply") from None


def load_network(path: str | Path) -> Network:
    """Load and validate a network file (see docs/network-format.md)."""
    path = Path(path)
    text = read_text(path)
    data = parse_yaml(text, str(path))
    return network_from_data(data, source=str(path), text=text)


TOP_KEYS = ("title", "notation", "layers", "examples", "cost", "learning_rate", "values")


def network_from_data(data: Any, *, source: str, text: str = "") -> Network:
    reader = _Reader(source, text)
    if data is None:
        raise InputError(
            source, "", "the file is empty; expected a network (layers, examples, cost)"
        )
    top = reader.mapping(data, (), allowed=TOP_KEYS, required=("layers", "examples", "cost"))
    layers = _layers(reader, top["layers"])
    sizes = [layer.size for layer in layers]
    examples = _examples(reader, top["examples"], sizes)
    cost = reader.name(top["cost"], ("cost",), choices=sorted(COSTS), what="cost")
    title = top.get("title", Path(source).stem)
    if not isinstance(title, str):
        raise reader.fail(("title",), "expected text")
    network = Network(
        title=title,
        layers=layers,
        examples=examples,
        cost=cost,
        learning_rate=reader.number(top.get("learning_rate", 0.1), ("learning_rate",)),
        notation=_notation(reader, top.get("notation", {})),
        values=_values(reader, top.get("values", {})),
        source=source,
    )
    from .checks import check_network  # cross-field rules live beside the naming they need

    check_network(network, fail=reader.fail)
    return network


def _notation(reader: _Reader, data: Any) -> Notation:
    keys = reader.mapping(data, ("notation",), allowed=("style", "start", "activation"))
    style = reader.name(
        keys.get("style", "flat"),
        ("notation", "style"),
        choices=("flat", "layered", "chain"),
        what="notation style",
    )
    start = reader.integer(keys.get("start", 0), ("notation", "start"), minimum=0)
    if start > 1:
        raise reader.fail(("notation", "start"), f"expected 0 or 1, got {start}")
    letter = keys.get("activation", "O" if style == "flat" else "a")
    if not isinstance(letter, str) or not re.fullmatch(r"[A-Za-z]", letter) or letter in "wbzxyC":
        raise reader.fail(("notation", "activation"), "expected one letter other than w b z x y C")
    return Notation(style=style, start=start, activation=letter)


def _layers(reader: _Reader, data: Any) -> tuple[Layer, ...]:
    items = reader.sequence(data, ("layers",), length=None, what="layers")
    if len(items) < 2:
        raise reader.fail(
            ("layers",), f"expected at least 2 layers (input and output), got {len(items)}"
        )
    layers = [_input_layer(reader, items[0])]
    for index, item in enumerate(items[1:], start=1):
        layers.append(_layer(reader, item, index, previous=layers[-1].size))
    return tuple(layers)


def _input_layer(reader: _Reader, data: Any) -> Layer:
    keys = reader.mapping(data, ("layers", 0), allowed=("size",), required=("size",))
    return Layer(size=reader.integer(keys["size"], ("layers", 0, "size"), minimum=1))


def _layer(reader: _Reader, data: Any, index: int, *, previous: int) -> Layer:
    path: Path_ = ("layers", index)
    keys = reader.mapping(
        data,
        path,
        allowed=("size", "activation", "weights", "biases"),
        required=("size", "activation", "weights"),
    )
    size = reader.integer(keys["size"], (*path, "size"), minimum=1)
    rows = reader.sequence(
        keys["weights"],
        (*path, "weights"),
        length=size,
        what=f"rows (one per neuron of this layer, each with {previous} numbers)",
    )
    weights = tuple(
        tuple(
            reader.number(v, (*path, "weights", j, k))
            for k, v in enumerate(
                reader.sequence(
                    row,
                    (*path, "weights", j),
                    length=previous,
                    what="numbers (one per neuron of the previous layer)",
                )
            )
        )
        for j, row in enumerate(rows)
    )
    biases = None
    if keys.get("biases") is not None:
        items = reader.sequence(keys["biases"], (*path, "biases"), length=size, what="numbers")
        biases = tuple(reader.number(v, (*path, "biases", j)) for j, v in enumerate(items))
    activation = _activation(reader, keys["activation"], (*path, "activation"))
    return Layer(size=size, activation=activation, weights=weights, biases=biases)


def _activation(reader: _Reader, data: Any, path: Path_) -> Activation:
    if isinstance(data, dict):
        keys = reader.mapping(data, path, allowed=("name", "slope"), required=("name",))
        name = reader.name(
            keys["name"], (*path, "name"), choices=sorted(ACTIVATIONS), what="activation"
        )
        params = tuple(
            (key, float(reader.number(keys[key], (*path, key), symbol_ok=False)))
            for key in ("slope",)
            if key in keys
        )
        return Activation(name=name, params=params)
    return Activation(name=reader.name(data, path, choices=sorted(ACTIVATIONS), what="activation"))


def _examples(reader: _Reader, data: Any, sizes: list[int]) -> tuple[Example, ...]:
    items = reader.sequence(data, ("examples",), length=None, what="training examples")
    if not items:
        raise reader.fail(("examples",), "expected at least one training example")
    examples = []
    for e, item in enumerate(items):
        path: Path_ = ("examples", e)
        keys = reader.mapping(item, path, allowed=("input", "target"), required=("input", "target"))
        values = []
        for key, size in (("input", sizes[0]), ("target", sizes[-1])):
            what = f"numbers (one per {key} neuron)"
            seq = reader.sequence(keys[key], (*path, key), length=size, what=what)
            values.append(tuple(reader.number(v, (*path, key, i)) for i, v in enumerate(seq)))
        examples.append(Example(input=values[0], target=values[1]))
    return tuple(examples)


def _values(reader: _Reader, data: Any) -> tuple[tuple[str, float], ...]:
    if not isinstance(data, dict):
        raise reader.fail(("values",), "expected a mapping of symbol name to number")
    out = []
    for key, value in data.items():
        if not isinstance(key, str) or not SYMBOL_NAME.fullmatch(key):
            raise reader.fail(("values",), f"expected symbol names as keys, got {_short(key)!r}")
        out.append((key, float(reader.number(value, ("values", key), symbol_ok=False))))
    return tuple(sorted(out))
