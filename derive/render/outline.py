"""What a derivation says before its steps, computed once for every renderer: the network's
layers with their parameter names, and the facts of the heading. The console, LaTeX and
Markdown renderers only decide how to write them."""

from __future__ import annotations

from dataclasses import dataclass

from ..derivation.quantity import Derivation
from ..functions import ACTIVATIONS, COSTS, ActivationDef
from ..numbers.arithmetic import ArithmeticName
from ..spec.network import NotationStyle
from ..spec.notation import layer_number


@dataclass(frozen=True)
class LayerRow:
    index: int  # 1 for the first layer after the input
    size: int
    activation: ActivationDef
    weights: tuple[str, ...]
    biases: tuple[str, ...]


@dataclass(frozen=True)
class Overview:
    title: str
    source: str
    style: NotationStyle
    start: int
    cost: str
    cost_doc: str
    examples: int
    arithmetic: ArithmeticName


def digits_text(d: Derivation) -> str:
    """What follows the arithmetic's name for ``--precision 30``: " at 30 significant digits"."""
    return f" at {d.precision} significant digits" if d.precision else ""


def overview(d: Derivation) -> Overview:
    net = d.network
    arithmetic: ArithmeticName = "symbolic" if d.symbolic else d.carry
    return Overview(
        title=net.title,
        source=net.source,
        style=net.notation.style,
        start=net.notation.start,
        cost=net.cost,
        cost_doc=COSTS[net.cost].doc,
        examples=len(net.examples),
        arithmetic=arithmetic,
    )


def layer_rows(d: Derivation) -> list[LayerRow]:
    """Each layer after the input, with its activation and parameter names."""
    rows = []
    for l, params in d.params_by_layer.items():
        layer = d.network.layer(l)
        weights = tuple(w for row in params.weights for w in row)
        activation = ACTIVATIONS[layer.activation.name]
        rows.append(LayerRow(l, layer.size, activation, weights, params.biases))
    return rows


@dataclass(frozen=True)
class Symbol:
    """One line of the layered notation's legend: a letter with its layer and neuron indices."""

    letter: str  # w, b, z or the file's activation letter
    layer: str  # "l"
    neurons: str  # "jk" for a weight, "j" otherwise
    meaning: str


def legend(d: Derivation) -> tuple[Symbol, ...]:
    """What w^l_jk, b^l_j, z^l_j and a^l_j mean, said once at the top; only in the layered
    notation, whose names carry a layer and neuron indices (flat names are plain numbers)."""
    notation = d.network.notation
    if notation.style != "layered":
        return ()
    return (
        Symbol("w", "l", "jk", "weight from neuron k of layer l−1 to neuron j of layer l"),
        Symbol("b", "l", "j", "bias of neuron j of layer l"),
        Symbol("z", "l", "j", "weighted input of neuron j of layer l"),
        Symbol(notation.activation, "l", "j", "activation of neuron j of layer l"),
    )


def legend_note(d: Derivation) -> str:
    """How layers and neurons are counted, in the words the Layer table uses."""
    start = d.network.notation.start
    first = layer_number(d.network, 0)
    return f"layers counted from {first} (the input layer), neurons from {start}"
