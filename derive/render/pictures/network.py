"""The network picture: neurons in columns with their forward values, weights on the edges
(blue positive, red negative, width by size), biases under the neurons, and with ``gradients``
∂C/∂w on the edges and ∂C/∂z at the neurons. Each gap between two columns is made just wide
enough for its edge labels not to overlap."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...derivation.graph import Neuron, Shape, Synapse, network_shape
from ...derivation.names import gradient, per_example
from ...derivation.quantity import Derivation
from ...functions import COSTS
from .labels import equation, number, shown, sign_colour
from .place import Along, Placed, place_along
from .scene import (
    GRADIENT,
    INK,
    MUTED,
    NEGATIVE,
    NEUTRAL,
    NODE,
    PAPER,
    POSITIVE,
    Box,
    Circle,
    Item,
    Line,
    Name,
    Number,
    Part,
    Scene,
    Text,
    right_edge,
    text_width,
    texts,
)

RADIUS = 22.0
ROW = 112.0
GAPS = (260.0, 300.0, 340.0, 390.0, 450.0, 520.0)  # column gaps tried, narrowest first
TOP = 132.0
LEFT = 80.0
DENSE = 24  # edges in a gap beyond which its width is not searched
LABEL = 11.0  # font size of the edge labels
SMALL = 10.0  # font size of the labels under a neuron


@dataclass(frozen=True)
class NetworkPicture:
    """``derive draw``'s default: the network after the forward pass."""

    gradients: bool = False
    example: int | None = None


def network_scene(d: Derivation, picture: NetworkPicture) -> Scene:
    shape = network_shape(d, example=picture.example)
    rows = max(len(c.neurons) + (1 if c.hidden else 0) for c in shape.columns)
    ys = _rows(shape, rows)
    xs, labels, left_out = [LEFT], [], 0
    for i in range(len(shape.columns) - 1):
        gap, placed = _gap(d, shape, i=i, ys=ys, x=xs[-1], gradients=picture.gradients)
        xs.append(xs[-1] + gap)
        dense = len(placed.labels) > DENSE  # there, a label that would overlap is left out
        labels += placed.clear() if dense else placed.items
        left_out += placed.collisions if dense else 0
    at = {n: (xs[n.layer], ys[n]) for c in shape.columns for n in c.neurons}
    items: list[Item] = [*_headings(d, shape, xs=xs)]
    sizes = [abs(v) for e in shape.edges if (v := number(d, e.weight)) is not None]
    biggest = max(sizes, default=0.0) or 1.0
    items += [_edge(d, e, at=at, biggest=biggest) for e in shape.edges]
    items += labels
    for column in shape.columns:
        for neuron in column.neurons:
            items += _neuron(d, neuron, at=at[neuron], gradients=picture.gradients)
        if column.hidden:
            x, y = at[column.neurons[-1]]
            marker = texts(f"⋮ {column.hidden:,} more")
            items.append(Text(x, y - ROW / 2, marker, size=13, colour=MUTED, halo=True))
    cost_at = (xs[-1] + 180, TOP + (rows - 1) * ROW / 2)
    items += _cost(d, shape, at=at, c=cost_at)
    bottom = TOP + (rows - 1) * ROW + 76
    extra = 18 * (picture.gradients + bool(left_out))
    items += _legend(bottom, gradients=picture.gradients, left_out=left_out)
    width = math.ceil(max(cost_at[0] + 110, right_edge(tuple(items)) + 16))
    return Scene(width, bottom + 24 + extra, d.network.title, tuple(items))


def _rows(shape: Shape, rows: int) -> dict[Neuron, float]:
    """Each column centred; an elided column's marker takes the slot before its last neuron."""
    ys = {}
    for column in shape.columns:
        slots = len(column.neurons) + (1 if column.hidden else 0)
        top = TOP + (rows - slots) * ROW / 2
        for k, neuron in enumerate(column.neurons):
            slot = k + 1 if column.hidden and k == len(column.neurons) - 1 else k
            ys[neuron] = top + slot * ROW
    return ys


def _gap(
    d: Derivation, shape: Shape, *, i: int, ys: dict[Neuron, float], x: float, gradients: bool
) -> tuple[float, Placed]:
    """The narrowest gap after column ``i`` whose edge labels fit, with the labels placed."""
    left, right = shape.columns[i].neurons, shape.columns[i + 1].neurons
    edges = [e for e in shape.edges if e.source.layer == i]
    placed = Placed([], [])
    tried = GAPS if len(edges) <= DENSE else GAPS[-1:]  # a dense gap gets the widest at once
    for gap in tried:
        at = {n: (x, ys[n]) for n in left} | {n: (x + gap, ys[n]) for n in right}
        labels = [_label(d, e, shape=shape, at=at, gradients=gradients) for e in edges]
        obstacles = [
            box for n, xy in at.items() for box in _neuron_boxes(d, n, at=xy, gradients=gradients)
        ]
        placed = place_along(labels, obstacles, size=LABEL, below_colour=GRADIENT)
        if placed.collisions == 0:
            break
    return gap, placed


def _label(
    d: Derivation,
    e: Synapse,
    *,
    shape: Shape,
    at: dict[Neuron, tuple[float, float]],
    gradients: bool,
) -> Along:
    (x1, y1), (x2, y2) = at[e.source], at[e.target]
    below: tuple[Part, ...] = ()
    if gradients:
        below = equation(d, per_example(gradient(e.weight), shape.example))
    return Along((x1, y1, x2, y2), equation(d, e.weight), below)


def _neuron_boxes(
    d: Derivation, n: Neuron, *, at: tuple[float, float], gradients: bool
) -> list[Box]:
    """What an edge label must not cover: the circle, the value above, the labels below."""
    x, y = at
    boxes = [Box(x, y, RADIUS + 3, RADIUS + 3), Box(x, y - RADIUS - 10, 26, 9)]
    under = [equation(d, n.bias)] if n.bias else []
    under += [equation(d, gradient(n.z))] if gradients and n.z else []
    for k, parts in enumerate(under):
        boxes.append(Box(x, y + RADIUS + 11 + 14 * k, text_width(parts, SMALL) / 2 + 2, 8))
    return boxes


def _subtitle(d: Derivation, shape: Shape) -> tuple[Part, ...]:
    sizes = "-".join(str(c.size) for c in shape.columns)
    value = shown(d, shape.cost)
    has_cost = COSTS[d.network.cost].targets  # ``none``: C is the output itself
    cost = f"cost {d.network.cost} = {value}" if has_cost else f"no cost: C = the output = {value}"
    where = f" · example {shape.example} of {len(d.network.examples)}" if shape.example else ""
    return texts(f"{sizes} · {cost}{where}")


def _headings(d: Derivation, shape: Shape, *, xs: list[float]) -> list[Item]:
    out: list[Item] = [
        Text(16, 22, texts(d.network.title), size=16, anchor="start", bold=True),
        Text(16, 44, _subtitle(d, shape), size=12, anchor="start", colour=MUTED),
    ]
    for i, column in enumerate(shape.columns):
        last = i == len(shape.columns) - 1
        kind = "input" if i == 0 else "output" if last else "hidden"
        words = kind + (f" · {column.activation}" if column.activation else "")
        out.append(Text(xs[i], 78, texts(words), size=12, colour=MUTED))
    return out


def _edge(
    d: Derivation, e: Synapse, *, at: dict[Neuron, tuple[float, float]], biggest: float
) -> Line:
    """Blue for a positive weight, red for a negative one; the bigger, the wider."""
    value = number(d, e.weight)
    width = 0.8 + 3.4 * abs(value) / biggest if value is not None else 1.2
    return Line(_trimmed(at[e.source], at[e.target]), sign_colour(value), width)


def _neuron(
    d: Derivation, neuron: Neuron, *, at: tuple[float, float], gradients: bool
) -> list[Item]:
    x, y = at
    fill = PAPER if neuron.layer == 0 else NODE
    out: list[Item] = [
        Circle(x, y, RADIUS, fill=fill),
        Text(x, y, (Name(neuron.act),), size=13 if len(neuron.act) < 4 else 10, bold=True),
        Text(x, y - RADIUS - 10, _value(d, neuron.act), size=12, halo=True),
    ]
    under = [(equation(d, neuron.bias), MUTED)] if neuron.bias else []
    under += [(equation(d, gradient(neuron.z)), GRADIENT)] if gradients and neuron.z else []
    for k, (parts, colour) in enumerate(under):
        out.append(Text(x, y + RADIUS + 11 + 14 * k, parts, size=SMALL, colour=colour, halo=True))
    return out


def _value(d: Derivation, name: str) -> tuple[Part, ...]:
    """A neuron's number above it; nothing for a symbolic value with no number (the name in
    the circle says it)."""
    return (Number(shown(d, name)),) if number(d, name) is not None else ()


def _trimmed(a: tuple[float, float], b: tuple[float, float]) -> tuple[tuple[float, float], ...]:
    """The segment between two circles' rims."""
    (x1, y1), (x2, y2) = a, b
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    return ((x1 + ux * RADIUS, y1 + uy * RADIUS), (x2 - ux * RADIUS, y2 - uy * RADIUS))


def _cost(
    d: Derivation, shape: Shape, *, at: dict[Neuron, tuple[float, float]], c: tuple[float, float]
) -> list[Item]:
    x, y = c
    out: list[Item] = []
    labels = []
    for neuron in shape.columns[-1].neurons:
        nx, ny = at[neuron]
        out.append(Line(_trimmed((nx, ny), (x, y)), NEUTRAL, 1.0, dashed=True))
        if neuron.target is not None:
            labels.append(Along((nx, ny, x, y), equation(d, neuron.target)))
    obstacles = [Box(x, y, RADIUS + 3, RADIUS + 3)]
    obstacles += [Box(nx, ny, RADIUS + 3, RADIUS + 3) for nx, ny in at.values()]
    out += place_along(labels, obstacles, size=LABEL).items
    out += [
        Circle(x, y, RADIUS, fill=PAPER, stroke=INK, width=2.0),
        Text(x, y, (Name("C"),), size=14, bold=True),
        Text(x, y - RADIUS - 10, _value(d, shape.cost), size=12, halo=True),
        Text(x, y + RADIUS + 11, texts(d.network.cost.replace("_", " ")), size=SMALL, colour=MUTED),
    ]
    return out


def _legend(y: float, *, gradients: bool, left_out: int) -> list[Item]:
    words = "negative weight; width by size; forward values above the neurons"
    out: list[Item] = [
        Line(((16, y), (46, y)), POSITIVE, 3.0),
        Text(52, y, texts("positive weight"), size=11, anchor="start", colour=MUTED),
        Line(((170, y), (200, y)), NEGATIVE, 3.0),
        Text(206, y, texts(words), size=11, anchor="start", colour=MUTED),
    ]
    if gradients:
        words = "below each edge ∂C/∂w; under each neuron ∂C/∂z (= ∂C/∂b)"
        out.append(Text(16, y + 18, texts(words), size=11, anchor="start", colour=GRADIENT))
    if left_out:
        words = (
            f"{left_out:,} edge labels left out where they would overlap (derive explain lists all)"
        )
        out.append(
            Text(16, y + 18 * (1 + gradients), texts(words), size=11, anchor="start", colour=MUTED)
        )
    return out
