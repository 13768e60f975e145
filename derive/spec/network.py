"""Typed, frozen description of a network file. Nothing past the loader sees raw YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# A number as written in the file, or the name of a free symbol (e.g. "w").
Entry = float | str

NotationStyle = Literal["flat", "layered", "chain"]
NOTATION_STYLES: tuple[NotationStyle, ...] = ("flat", "layered", "chain")


@dataclass(frozen=True)
class Notation:
    """How quantities are named: ``flat`` (w0, z0, O0), ``layered`` (Nielsen) or ``chain``."""

    style: NotationStyle = "flat"
    start: int = 0
    activation: str = "O"


@dataclass(frozen=True)
class Activation:
    name: str
    params: tuple[tuple[str, float], ...] = ()

    def param(self, key: str, default: float) -> float:
        return dict(self.params).get(key, default)


@dataclass(frozen=True)
class Layer:
    size: int
    activation: Activation | None = None  # None only for the input layer
    weights: tuple[tuple[Entry, ...], ...] = ()  # one row per neuron of this layer
    biases: tuple[Entry, ...] | None = None


@dataclass(frozen=True)
class Example:
    input: tuple[Entry, ...]
    target: tuple[Entry, ...]


@dataclass(frozen=True)
class Network:
    title: str
    layers: tuple[Layer, ...]
    examples: tuple[Example, ...]
    cost: str
    learning_rate: Entry = 0.1
    notation: Notation = field(default_factory=Notation)
    values: tuple[tuple[str, float], ...] = ()  # numbers for free symbols
    source: str = "<network>"
    data: DataSpec | None = None

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(layer.size for layer in self.layers)

    @property
    def parameter_count(self) -> int:
        return sum(
            layer.size * self.layers[i].size + (layer.size if layer.biases is not None else 0)
            for i, layer in enumerate(self.layers[1:])
        )


@dataclass(frozen=True)
class DataSpec:
    """Training data beyond ``examples``: a CSV file or a data set a package ships."""

    csv: str | None = None  # path, resolved relative to the network file
    target_columns: tuple[str, ...] = ()
    builtin: str | None = None  # "digits": scikit-learn's 8×8 handwritten digits
    test_fraction: float = 0.2
