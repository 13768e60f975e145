"""The chain behind one gradient: every path from the parameter to C drawn as a tree from the
parameter (paths share their first edges), each edge labelled with its local derivative, its
formula and its value, each path ending in the product of its values, and the sum over paths,
which is the gradient's step in ``derive explain``."""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import reduce
from itertools import islice

from ...derivation.graph import Chain, Local, gradient_chains, product
from ...derivation.names import split_example
from ...derivation.quantity import Derivation
from ..values import number_text
from .labels import factor, local_parts, symbolic, value_of
from .scene import (
    ACCENT,
    INK,
    MUTED,
    NODE,
    PAPER,
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

MAX_PATHS = 12  # paths drawn per example; the sums are always over all of them
RADIUS = 18.0
ROW = 60.0
LEFT = 40.0
SIZE = 11.0


@dataclass(frozen=True)
class PathPicture:
    """``derive draw --path dC/dw0``: the chain rule behind one gradient."""

    gradient: str
    example: int | None = None


@dataclass
class _Node:
    name: str
    edge: Local | None
    depth: int
    children: list[_Node] = field(default_factory=list)
    row: float = 0.0


def chain_scene(d: Derivation, picture: PathPicture) -> Scene:
    chains = gradient_chains(d, picture.gradient, example=picture.example)
    items: list[Item] = []
    y, width = _header(d, chains, items=items)
    for c in chains:
        y, right = _block(d, c, y=y, items=items, many=len(chains) > 1)
        width = max(width, right)
    if len(chains) > 1:
        y = _mean(d, chains, y=y, items=items)
    width = math.ceil(max(width, right_edge(tuple(items))) + 24)  # every text inside
    return Scene(width, y + 8, f"The chain rule behind {chains[0].param}", tuple(items))


def _header(d: Derivation, chains: list[Chain], *, items: list[Item]) -> tuple[float, float]:
    name = Name(f"dC/d{chains[0].param}")
    title = texts("The chain rule behind ", name)
    count = chains[0].count()
    if count == 1:
        path = next(chains[0].paths())
        rule: list[str | Part] = [name, " = "]
        for i, edge in enumerate(reversed(path)):
            rule += [" · "] * (i > 0) + [Name(split_example(edge.name)[0])]
        line = texts(*rule)
    else:
        line = texts(name, f" = the sum over {count} paths of the product along each path")
    words = texts(d.network.title, " · edges: local derivatives; a path: their product")
    items += [
        Text(16, 22, title, size=16, anchor="start", bold=True),
        Text(16, 46, line, size=13, anchor="start"),
        Text(16, 68, words, size=11, anchor="start", colour=MUTED),
    ]
    widths = (text_width(title, 16, bold=True), text_width(line, 13), text_width(words, 11))
    return 96.0, 16 + max(widths)


def _tree(c: Chain) -> tuple[_Node, int]:
    root = _Node(c.param, None, 0)
    leaves = 0
    for path in islice(c.paths(), MAX_PATHS):
        node = root
        for edge in path:
            child = next((n for n in node.children if n.edge is edge), None)
            if child is None:
                child = _Node(edge.num, edge, node.depth + 1)
                node.children.append(child)
            node = child
        node.row, leaves = leaves, leaves + 1
    _rows(root)
    return root, leaves


def _rows(node: _Node) -> float:
    if node.children:
        node.row = min(_rows(child) for child in node.children)
    return node.row


def _walk(node: _Node) -> list[_Node]:
    return [node, *(n for child in node.children for n in _walk(child))]


def _block(
    d: Derivation, c: Chain, *, y: float, items: list[Item], many: bool
) -> tuple[float, float]:
    """One example's tree and its sum; returns where the next block starts, and the width."""
    if many:
        items.append(Text(16, y, texts(f"example {c.example}"), size=13, anchor="start", bold=True))
        y += 30
    root, leaves = _tree(c)
    right = _draw_tree(d, root, top=y + 18, items=items)
    y += 18 + (leaves - 1) * ROW + 44
    count = c.count()
    if count > leaves:
        more = f"… and {count - leaves:,} more paths, not drawn: the sum is over all {count:,}"
        items.append(Text(LEFT, y, texts(more), size=SIZE, anchor="start", colour=MUTED))
        y += 24
    over = " = the product along its one path = " if count == 1 else f" = Σ over {count:,} paths = "
    value = _valued(d, c.total(), name=c.gradient)
    total = texts(Name(c.gradient), over, *value, _step(d, c.gradient))
    items.append(Text(LEFT, y, total, size=13, anchor="start", bold=True, colour=ACCENT))
    return y + 40, max(right, LEFT + text_width(total, 13, bold=True))


def _draw_tree(d: Derivation, root: _Node, *, top: float, items: list[Item]) -> float:
    """The nodes, the labelled edges and each path's product; returns the right edge."""
    nodes = _walk(root)
    labels = {id(n): local_parts(d, n.edge) for n in nodes if n.edge is not None}
    xs = _columns(nodes, labels)
    at = {id(n): (xs[n.depth], top + n.row * ROW) for n in nodes}
    right = 0.0
    for n in nodes:
        x, y = at[id(n)]
        for child in n.children:
            first = child is n.children[0]
            items += _edge(at[id(n)], at[id(child)], label=labels[id(child)], first=first)
        items += [Circle(x, y, RADIUS, fill=NODE if n.edge else PAPER), _name(n, (x, y))]
        if not n.children:
            words = _product(d, n, root=root)
            items.append(Text(x + RADIUS + 10, y, words, size=SIZE, anchor="start"))
            right = max(right, x + RADIUS + 10 + text_width(words, SIZE))
    return right


def _columns(nodes: list[_Node], labels: Mapping[int, tuple[tuple[Part, ...], ...]]) -> list[float]:
    depth = max(n.depth for n in nodes)
    gaps = [0.0] * (depth + 1)
    for n in nodes:
        if n.edge is not None:
            wide = max(text_width(line, SIZE) for line in labels[id(n)])
            gaps[n.depth] = max(gaps[n.depth], wide + 2 * RADIUS + 40, 120.0)
    xs = [LEFT]
    for gap in gaps[1:]:
        xs.append(xs[-1] + gap)
    return xs


def _edge(
    a: tuple[float, float],
    b: tuple[float, float],
    *,
    label: tuple[tuple[Part, ...], ...],
    first: bool,
) -> list[Item]:
    (x1, y1), (x2, y2) = a, b
    start = x1 + RADIUS + (0 if first else 14)
    points = (
        ((x1 + RADIUS, y1), (x2 - RADIUS - 2, y2))
        if first
        else ((start, y1 + (RADIUS if y2 > y1 else 0)), (start, y2), (x2 - RADIUS - 2, y2))
    )
    middle = (start + x2 - RADIUS) / 2
    head, value = label
    return [
        Line(points, INK, 1.3, arrow=True),
        Text(middle, y2 - 10, head, size=SIZE, halo=True),
        Text(middle, y2 + 11, value, size=SIZE, colour=ACCENT, halo=True),
    ]


def _name(n: _Node, at: tuple[float, float]) -> Text:
    base = split_example(n.name)[0]
    size = 12.0 if len(base) <= 3 else 10.0 if len(base) <= 5 else 8.0
    return Text(*at, (Name(base),), size=size, bold=True)


def _product(d: Derivation, leaf: _Node, *, root: _Node) -> tuple[Part, ...]:
    """The product of the values along the path to ``leaf``, from C back, and its value."""
    path = _path_to(root, leaf) or []
    factors: list[Part] = []
    for i, edge in enumerate(reversed(path)):
        factors += [*texts(" · ")] * (i > 0) + [*factor(d, edge)]
    return texts("= ", *factors, " = ", value_of(d, product(tuple(path))))


def _path_to(node: _Node, leaf: _Node) -> list[Local] | None:
    if node is leaf:
        return []
    for child in node.children:
        rest = _path_to(child, leaf)
        if rest is not None:
            assert child.edge is not None
            return [child.edge, *rest]
    return None


def _valued(d: Derivation, value: object, *, name: str) -> tuple[Part, ...]:
    """A sum's value; a symbolic one with the number the file's values: give the gradient."""
    exact = d[name].exact
    if not symbolic(value) or exact is None:
        return (value_of(d, value),)
    return texts(value_of(d, value), " = ", Number(number_text(exact, d.decimals)))


def _step(d: Derivation, name: str) -> str:
    step = d[name].step
    return f", step {step} of derive explain" if step is not None else ""


def _mean(d: Derivation, chains: list[Chain], *, y: float, items: list[Item]) -> float:
    n = len(chains)
    terms: list[str | Part] = []
    for i, c in enumerate(chains):
        terms += [" + "] * (i > 0) + [Name(c.gradient)]
    mean = reduce(operator.add, (c.total() for c in chains)) / n
    name = f"dC/d{chains[0].param}"
    mean_parts = _valued(d, mean, name=name)
    words = texts(Name(name), f" = (1/{n}) · (", *terms, ") = ", *mean_parts, _step(d, name))
    items.append(Text(16, y, words, size=13, anchor="start", bold=True, colour=ACCENT))
    return y + 30
