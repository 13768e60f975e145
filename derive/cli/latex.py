"""``derive latex``: the derivation as LaTeX for course notes, to stdout or atomically to a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import Carry, NetworkFile, PrecisionOption, app, emit, handled
from .files import check_destination, write_atomically
from .root import limits


@app.command()
def latex(
    file: NetworkFile,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", metavar="FILE", help="Write here instead of stdout."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing -o file.")] = False,
    standalone: Annotated[
        bool, typer.Option("--standalone/--body", help="A whole article, or a fragment to \\input.")
    ] = True,
    decimals: Annotated[int, typer.Option(help="Decimals shown (and carried if rounded).")] = 4,
    carry: Annotated[
        Carry, typer.Option(help="exact or rounded (hand calculation).")
    ] = Carry.exact,
    only: Annotated[
        str | None, typer.Option(help="Derive only these quantities: 'dC/dw1*,O3'.")
    ] = None,
    example: Annotated[
        int | None, typer.Option(help="With several examples: show only example K (from 1).")
    ] = None,
    precision: PrecisionOption = None,
    why: Annotated[
        bool, typer.Option("--why", help="A plain sentence under each step: why it is what it is.")
    ] = False,
    title: Annotated[
        str | None, typer.Option(metavar="TITLE", help="The title (default: the network's title).")
    ] = None,
    author: Annotated[
        str | None, typer.Option(metavar="NAME", help="An author line (default: none).")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            help="A date line: the text, or 'today' for the day it is compiled (default: none).",
        ),
    ] = None,
) -> None:
    """Write the derivation as LaTeX that compiles with pdflatex (standard TeX Live packages).

    Example: derive latex cases/blog-2-3-1.yaml --carry rounded -o notes.tex
    """
    with handled():
        from ..derivation.build import derive
        from ..render.document.latex import render
        from ..spec.limits import DERIVE
        from ..spec.load import load_network

        if output is not None:
            check_destination(output, force=force)  # before the work; checked again when written
        network = load_network(file, limits=limits(DERIVE))
        derivation = derive(network, carry=carry.value, decimals=decimals, precision=precision)
        text = render(
            derivation, standalone=standalone, only=only, example=example, why=why,
            title=title, author=author, date=date,
        )  # fmt: skip
        write_atomically(output, text, force=force) if output else emit(text)
