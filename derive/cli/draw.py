"""``derive draw``: the network, the chain behind one gradient or the cost curve, as a picture
(SVG, TikZ or Graphviz DOT) on stdout or atomically in a file."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .app import Carry, NetworkFile, app, emit, handled
from .files import check_destination, write_atomically
from .root import limits


class PictureFormat(StrEnum):
    svg = "svg"
    tikz = "tikz"
    dot = "dot"


Output = Annotated[
    Path | None,
    typer.Option(
        "-o",
        "--output",
        metavar="FILE",
        help="Write here (.svg .tex .tikz .dot .gv) instead of stdout.",
    ),
]
FormatOption = Annotated[
    PictureFormat | None,
    typer.Option("--format", help="svg, tikz or dot (default: from -o's extension, else svg)."),
]
PathOption = Annotated[
    str | None, typer.Option("--path", help="Draw every path behind one gradient: 'dC/dw0'.")
]
CurveOption = Annotated[
    str | None, typer.Option("--curve", help="Draw C against one parameter, e.g. w6.")
]
Gradients = Annotated[
    bool, typer.Option("--gradients", help="Add ∂C/∂w on the edges and ∂C/∂z at the neurons.")
]
Example = Annotated[
    int | None, typer.Option(help="With several examples: the example drawn (from 1).")
]


@app.command()
def draw(
    file: NetworkFile,
    output: Output = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing -o file.")] = False,
    fmt: FormatOption = None,
    decimals: Annotated[int, typer.Option(help="Decimals shown (and carried if rounded).")] = 4,
    carry: Annotated[
        Carry, typer.Option(help="exact or rounded (hand calculation).")
    ] = Carry.exact,
    gradients: Gradients = False,
    path: PathOption = None,
    curve: CurveOption = None,
    example: Example = None,
) -> None:
    """Draw the network after the forward pass, the chain rule behind one gradient (--path) or
    the cost against one parameter (--curve).

    Example: derive draw cases/blog-2-3-1.yaml -o network.svg
    """
    with handled():
        from ..derivation.build import derive
        from ..render.pictures import draw as drawn
        from ..render.pictures import picture, picture_format
        from ..spec.limits import DERIVE
        from ..spec.load import load_network

        kind = picture_format(fmt.value if fmt else None, output)
        chosen = picture(path=path, curve=curve, gradients=gradients, example=example)
        if output is not None:
            check_destination(output, force=force)  # before the work; checked again when written
        net = load_network(file, limits=limits(DERIVE))
        text = drawn(derive(net, carry=carry.value, decimals=decimals), chosen, fmt=kind)
        write_atomically(output, text, force=force) if output else emit(text)
