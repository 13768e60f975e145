"""``derive explain``: the derivation of one network file."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from ..errors import UsageError
from .app import Carry, NetworkFile, app, emit, handled
from .root import limits

SUMMARY = "200 steps"  # render.summary.SUMMARY_STEPS; not imported, so that --help stays light


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class View(StrEnum):
    scalar = "scalar"
    matrix = "matrix"


TreeOption = Annotated[
    str | None,
    typer.Option(help="The chain behind one gradient as a tree, e.g. --tree dC/dw0."),
]


def _check_combination(*, fmt: Format, view: View, tree: str | None, example: int | None) -> None:
    """Options that do not go together, named as the user typed them."""
    if view is View.matrix and fmt is not Format.text:
        raise UsageError("--view matrix is text output; use --format text (or leave it out)")
    if view is View.matrix and example is not None:
        raise UsageError("--view matrix puts every example side by side; leave out --example")
    if tree is not None and (fmt is not Format.text or view is View.matrix):
        raise UsageError("--tree is text output; leave out --format and --view")


@app.command()
def explain(
    file: NetworkFile,
    decimals: Annotated[
        int, typer.Option(help="Decimals shown (and carried, with --carry rounded).")
    ] = 4,
    carry: Annotated[
        Carry, typer.Option(help="exact: full precision; rounded: hand calculation.")
    ] = Carry.exact,
    fmt: Annotated[
        Format, typer.Option("--format", help="text tables, json or markdown.")
    ] = Format.text,
    width: Annotated[int | None, typer.Option(help="Terminal width for text output.")] = None,
    only: Annotated[
        str | None,
        typer.Option(help="Show only these quantities: globs on names, e.g. 'dC/dw1*,O3'."),
    ] = None,
    view: Annotated[
        View, typer.Option(help="scalar: one chain-rule step per row; matrix: vector form.")
    ] = View.scalar,
    full: Annotated[
        bool, typer.Option("--full", help=f"Every step even past {SUMMARY} (default: a summary).")
    ] = False,
    example: Annotated[
        int | None, typer.Option(help="With several examples: show only example K (from 1).")
    ] = None,
    symbolic: Annotated[
        bool, typer.Option("--symbolic", help="Keep every value symbolic: the general formulas.")
    ] = False,
    tree: TreeOption = None,
) -> None:
    """Derive every ∂C/∂w and ∂C/∂b by the chain rule, step by step, with the numbers in.

    Example: derive explain cases/blog-2-3-1.yaml --decimals 4 --carry rounded

    Large networks (more than 200 steps) get a summary; --full or --only show steps in full.
    """
    with handled():
        from ..derivation.build import derive
        from ..render.explain import explain_output
        from ..spec.limits import DERIVE
        from ..spec.load import load_network

        _check_combination(fmt=fmt, view=view, tree=tree, example=example)
        net = load_network(file, limits=limits(DERIVE))
        d = derive(net, carry=carry.value, decimals=decimals, general=symbolic)
        out = explain_output(
            d, fmt=fmt.value, view=view.value, only=only, full=full, example=example, tree=tree
        )
        emit(out, width=width)
