"""The network and the chain behind a gradient as Graphviz DOT: the graph, its labels and colours;
Graphviz lays it out (``dot -Tsvg``). Every string is quoted and escaped."""

from __future__ import annotations

from ...derivation.graph import gradient_chains, network_shape
from ...derivation.names import gradient, per_example
from ...derivation.quantity import Derivation
from .chain import PathPicture
from .labels import equation, local_parts, number, shown, sign_colour, value_of
from .network import NetworkPicture
from .scene import GRADIENT, INK, NEUTRAL, NODE, Name, Part, plain, texts

HEAD = [
    "  node [shape=circle, style=filled, fillcolor={node}, color={ink}, fontname=Helvetica, "
    "fontsize=11];",
    "  edge [fontname=Helvetica, fontsize=9, color={ink}];",
]


def quoted(text: str) -> str:
    """A DOT string: backslashes and quotes escaped, a line break as \\n, no control codes."""
    text = "".join(c if c >= " " or c == "\n" else " " for c in text)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _label(*lines: tuple[Part, ...]) -> str:
    return quoted("\n".join(plain(line) for line in lines if line))


def _graph(title: str, rankdir: str = "LR") -> list[str]:
    return [
        "digraph derive {",
        f"  graph [rankdir={rankdir}, label={quoted(title)}, labelloc=t, fontname=Helvetica, "
        "nodesep=0.35, ranksep=1.6];",
        *(line.format(node=quoted(NODE), ink=quoted(INK)) for line in HEAD),
    ]


def network_dot(d: Derivation, picture: NetworkPicture) -> str:
    shape = network_shape(d, example=picture.example)
    out = _graph(d.network.title)
    for column in shape.columns:
        out.append(f"  subgraph layer{column.layer} {{ rank=same;")
        for n in column.neurons:
            under = [equation(d, n.bias)] if n.bias else []
            if picture.gradients and n.z:
                under.append(equation(d, gradient(n.z)))
            label = _label((Name(n.act),), texts(shown(d, n.act)))
            extra = f", xlabel={_label(*under)}" if under else ""
            out.append(f"    {quoted(n.act)} [label={label}{extra}];")
        if column.hidden:
            more = quoted(f"⋮ {column.hidden:,} more")
            out.append(f"    more{column.layer} [shape=plaintext, style=solid, label={more}];")
        out.append("  }")
    for e in shape.edges:
        value = number(d, e.weight)
        grad = per_example(gradient(e.weight), shape.example)
        label = _label(equation(d, e.weight), equation(d, grad) if picture.gradients else ())
        width = 0.5 + 2.5 * min(abs(value or 0.0), 1.0)
        out.append(
            f"  {quoted(e.source.act)} -> {quoted(e.target.act)} [label={label}, "
            f"color={quoted(sign_colour(value))}, penwidth={width:.2f}, arrowhead=none];"
        )
    cost = _label((Name("C"),), texts(shown(d, shape.cost)))
    out.append(f"  {quoted(shape.cost)} [label={cost}, shape=doublecircle, fillcolor=white];")
    for n in shape.columns[-1].neurons:
        label = _label(equation(d, n.target)) if n.target else quoted("")
        out.append(
            f"  {quoted(n.act)} -> {quoted(shape.cost)} [label={label}, style=dashed, "
            f"color={quoted(NEUTRAL)}, arrowhead=none];"
        )
    return "\n".join([*out, "}", ""])


def chain_dot(d: Derivation, picture: PathPicture) -> str:
    chains = gradient_chains(d, picture.gradient, example=picture.example)
    name = gradient(chains[0].param)
    out = _graph(f"{d.network.title}: the chain rule behind {plain((Name(name),))}")
    for c in chains:
        for edge in c.edges:
            head, value = local_parts(d, edge)
            out.append(f"  {quoted(edge.den)} -> {quoted(edge.num)} [label={_label(head, value)}];")
        total = texts(Name(c.gradient), " = Σ over paths = ", value_of(d, c.total()))
        out.append(
            f"  {quoted(c.cost)} [shape=doublecircle, fillcolor=white, "
            f"xlabel={_label(total)}, fontcolor={quoted(GRADIENT)}];"
        )
    return "\n".join([*out, "}", ""])
