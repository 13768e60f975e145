"""``derive explain --tree dC/dw0``: the chain behind one gradient as a tree, in the terminal.

C is the root and the parameter is at every leaf, as 3Blue1Brown draws w(L), a(L−1), b(L) →
z(L) → a(L) → C₀; each branch is a local derivative with its formula and its value. The
gradient is the sum over the root-to-leaf paths of the products along them (``derive draw
--path`` draws the same chain as a picture)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from rich.tree import Tree

from ..derivation.graph import Chain, Local, gradient_chains
from ..derivation.names import display
from ..derivation.quantity import Derivation
from .plain import TextPrinter
from .values import number_text

MAX_BRANCHES = 200  # a wide network has thousands of paths: the tree shows the first ones


def chain_tree(d: Derivation, name: str, *, example: int | None = None) -> RenderableType:
    """One tree per example the gradient averages over."""
    return Group(*(_tree(d, chain) for chain in gradient_chains(d, name, example=example)))


def _tree(d: Derivation, chain: Chain) -> Tree:
    paths = chain.count()
    total = number_text(chain.total(), d.decimals)
    head = f"{display(chain.gradient)} = {total}: the sum over {paths} path"
    root = Tree(Text(head + ("" if paths == 1 else "s") + " of the products along each"))
    by_num: dict[str, list[Local]] = {}
    for edge in chain.edges:
        by_num.setdefault(edge.num, []).append(edge)
    budget = [MAX_BRANCHES]

    def grow(node: Tree, name: str) -> None:
        for edge in by_num.get(name, ()):
            if budget[0] == 0:
                node.add(Text("… (more paths: see derive draw --path)"))
                return
            budget[0] -= 1
            grow(node.add(_label(d, edge)), edge.den)

    grow(root.add(Text(display(chain.cost), style="bold")), chain.cost)
    return root


def _label(d: Derivation, edge: Local) -> Text:
    formula = TextPrinter(display).doprint(edge.formula)
    value = number_text(edge.value, d.decimals)
    step = f"  (step {edge.step})" if edge.step is not None else ""
    text = f"{display(edge.den)}   {display(edge.name)} = {formula}"
    return Text(text + ("" if formula == value else f" = {value}") + step)
