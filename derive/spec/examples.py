"""A network file's training examples: typed in the file (a list, or {file: image.npy} for a
long input), or the rows of its ``data:`` that ``examples: {from_data: ...}`` names."""

from __future__ import annotations

from typing import Any

from .classify import examples_from_data, is_from_data
from .limits import Limits, check_examples
from .network import DataSpec, Entry, Example
from .params import ParameterSource
from .reader import Place, Reader


def every_example(
    reader: Reader,
    raw: Any,
    spec: DataSpec | None,
    *,
    sizes: list[int],
    params: ParameterSource,
    limits: Limits,
    targets: bool,
) -> tuple[Example, ...]:
    """The examples typed in the file, or the rows of ``data:`` that they name."""
    if is_from_data(raw):  # rows of data:, checked and read here
        raw = examples_from_data(reader, raw, spec, sizes=sizes, limits=limits, targets=targets)
    return _examples(
        reader, raw, sizes, required=spec is None, params=params, limits=limits, targets=targets
    )


def _examples(
    reader: Reader,
    data: Any,
    sizes: list[int],
    *,
    required: bool,
    params: ParameterSource,
    limits: Limits,
    targets: bool = True,
) -> tuple[Example, ...]:
    items = reader.sequence(data, ("examples",), length=None, what="training examples")
    check_examples(reader.source, len(items), limits)
    if not items and required:
        raise reader.fail(("examples",), "expected at least one training example")
    examples = []
    # cost: none has no targets: an example is its input alone
    wanted = ("input", "target") if targets else ("input",)
    for e, item in enumerate(items):
        path: Place = ("examples", e)
        keys = reader.mapping(item, path, allowed=wanted, required=wanted)
        values = {"target": ()} | {
            key: _entries(reader, keys[key], (*path, key), size=size, params=params)
            for key, size in (("input", sizes[0]), ("target", sizes[-1]))
            if key in wanted
        }
        examples.append(Example(input=values["input"], target=values["target"]))
    return tuple(examples)


def _entries(
    reader: Reader, raw: Any, path: Place, *, size: int, params: ParameterSource
) -> tuple[Entry, ...]:
    """An example's input or target: a list, or {file: image.npy} for a long one."""
    what = f"numbers (one per {path[-1]} neuron)"
    if isinstance(raw, dict):  # {file: image.npy}: a long input kept out of the YAML
        raw = params.draw((size,), path, spec=raw)
    seq = reader.sequence(raw, path, length=size, what=what)
    return tuple(reader.number(v, (*path, i)) for i, v in enumerate(seq))
