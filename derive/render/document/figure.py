"""The network figure of the typeset derivation: derive draw's picture as a tikzpicture for
LaTeX, and the same graph as a Mermaid diagram for Markdown (GitHub and Jupyter render it)."""

from __future__ import annotations

from ...derivation.graph import Neuron, gradient_chains, network_shape
from ...derivation.quantity import Derivation
from ..pictures import tikz
from ..pictures.chain import PathPicture, chain_scene
from ..pictures.labels import shown
from ..pictures.network import NetworkPicture, network_scene
from ..pictures.scene import Scene
from ..values import number_text
from .blocks import Figure

TEXT_HEIGHT = 520  # bp: a taller picture is scaled down to fit a page of the notes
CAPTION = (
    "The network after the forward pass: each neuron with its value, each edge with its weight."
)


def network_figure(d: Derivation) -> Figure:
    scene = network_scene(d, NetworkPicture())
    return Figure(tikz=_fitted(scene), mermaid=_mermaid(d), caption=CAPTION)


def path_figure(d: Derivation, name: str) -> Figure:
    """The chain behind one gradient (every path from the parameter to C, with its local
    derivatives); with several examples, the first example's."""
    example = 1 if len(d.network.examples) > 1 else None
    scene = chain_scene(d, PathPicture(name, example))
    chain = gradient_chains(d, name, example=example)[0]
    lines = ["graph LR"]
    for edge in chain.edges:
        label = _quote(f"{edge.name} = {number_text(edge.value, d.decimals)}")
        lines.append(f'  {_node(edge.den)} -->|"{label}"| {_node(edge.num)}')
    caption = (
        f"Every path from {chain.param} to {chain.cost}, each edge a local derivative: "
        f"{chain.gradient} is the sum over the paths of the products along them."
    )
    return Figure(tikz=_fitted(scene), mermaid="\n".join(lines), caption=caption)


def _node(name: str) -> str:
    """A Mermaid node for a quantity: an id of letters and digits, the name as its label."""
    return "q" + "".join(c if c.isalnum() else f"_{ord(c)}_" for c in name) + f'["{_quote(name)}"]'


def _fitted(scene: Scene) -> str:
    picture = tikz.picture(scene)
    scale = min(1.0, TEXT_HEIGHT / (scene.height * 0.75))
    if scale < 1:
        picture = f"\\scalebox{{{scale:.3f}}}{{%\n{picture}%\n}}"
    # wider than the line (whatever the notes' margins): scaled to the line width by TeX itself
    picture = (
        f"\\sbox0{{%\n{picture}%\n}}%\n"
        "\\ifdim\\wd0>\\linewidth\\resizebox{\\linewidth}{!}{\\usebox0}\\else\\usebox0\\fi"
    )
    return picture


def _mermaid(d: Derivation) -> str:
    """graph LR, one node per drawn neuron, one edge per drawn weight; user text is quoted."""
    shape = network_shape(d)
    ids = {(n.layer, n.index): f"n{n.layer}_{n.index}" for c in shape.columns for n in c.neurons}
    lines = ["graph LR"]
    for column in shape.columns:
        for n in column.neurons:
            lines.append(f'  {ids[n.layer, n.index]}(("{_quote(_label(d, n))}"))')
        if column.hidden:
            lines.append(f'  more{column.layer}["⋮ {column.hidden} more"]')
    for edge in shape.edges:
        src, dst = (
            ids[edge.source.layer, edge.source.index],
            ids[edge.target.layer, edge.target.index],
        )
        label = _quote(f"{edge.weight} = {shown(d, edge.weight)}")
        lines.append(f'  {src} -->|"{label}"| {dst}')
    return "\n".join(lines)


def _label(d: Derivation, n: Neuron) -> str:
    return f"{n.act} = {shown(d, n.act)}"


def _quote(text: str) -> str:
    """Mermaid's entity for a double quote; the other characters stay as they are."""
    return text.replace('"', "#quot;")
