"""What a derivation says before its steps, computed once for every renderer: the network's
layers with their parameter names, and the facts of the heading. The console, LaTeX and
Markdown renderers only decide how to write them."""

from __future__ import annotations

from dataclasses import dataclass

from ..derivation.quantity import Derivation
from ..functions import ACTIVATIONS, COSTS, ActivationDef
from ..numbers.arithmetic import ArithmeticName
from ..spec.network import NotationStyle


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
