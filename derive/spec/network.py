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
    """A layer after the input: its neurons, their activation, and the parameters into them."""

    size: int
    activation: Activation
    weights: tuple[tuple[Entry, ...], ...] = ()  # one row per neuron of this layer
    biases: tuple[Entry, ...] | None = None
    shared_bias: bool = False  # ``biases: 0.35``: one bias for the layer, ``biases`` holds it

    @property
    def bias_count(self) -> int:
        """The layer's bias parameters: one per neuron, one if shared, none without biases."""
        return 0 if self.biases is None else len(self.biases)


@dataclass(frozen=True)
class Example:
    input: tuple[Entry, ...]
    target: tuple[Entry, ...]


@dataclass(frozen=True)
class Network:
    title: str
    inputs: int  # the input layer's width: the input layer has no parameters and no activation
    layers: tuple[Layer, ...]  # the layers after the input, layer 1 first
    examples: tuple[Example, ...]
    cost: str
    learning_rate: Entry = 0.1
    notation: Notation = field(default_factory=Notation)
    values: tuple[tuple[str, float], ...] = ()  # numbers for free symbols
    source: str = "<network>"
    data: DataSpec | None = None
    one_hot: bool = False  # declared: every example's targets sum to one (Σ y = 1)
    freeze: tuple[str, ...] = ()  # parameter names, globs, "weights" or "biases": not updated
    l2: float | None = None  # regularization: {l2: λ} adds (λ/2)·Σw² to the cost
    momentum: float | None = None  # μ of the velocity update v ← μ·v − η·∂C/∂p
    velocities: tuple[tuple[str, float], ...] = ()  # starting velocities by parameter (else 0)
    labels: tuple[str, ...] = ()  # a classifier's output neurons by name: "2", "cat"
    label_kind: str = "label"  # the word before a label: "digit 2"

    def output_label(self, j: int) -> str | None:
        """Output neuron ``j`` (from 0) by its label, "digit 2", if the file gives labels."""
        return f"{self.label_kind} {self.labels[j]}" if self.labels else None

    @property
    def sizes(self) -> tuple[int, ...]:
        """Every layer's width, the input's first."""
        return (self.inputs, *(layer.size for layer in self.layers))

    @property
    def depth(self) -> int:
        """The output layer's number: layers are numbered 1..depth after the input (0)."""
        return len(self.layers)

    def layer(self, l: int) -> Layer:
        """Layer ``l`` (1 is the first after the input), as formulas and names number it."""
        if not 1 <= l <= len(self.layers):
            raise IndexError(f"layer {l} of a network with layers 1..{len(self.layers)}")
        return self.layers[l - 1]

    @property
    def parameter_count(self) -> int:
        sizes = self.sizes
        return sum(
            layer.size * sizes[l - 1] + layer.bias_count
            for l, layer in enumerate(self.layers, start=1)
        )


@dataclass(frozen=True)
class DataSpec:
    """Training data beyond ``examples``: a CSV file or a data set a package ships."""

    csv: str | None = None  # path, resolved relative to the network file
    target_columns: tuple[str, ...] = ()
    builtin: str | None = None  # "digits": scikit-learn's 8×8 handwritten digits
    test_fraction: float = 0.2
