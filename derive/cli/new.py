"""``derive new``: write a network file to start from, with small readable numbers."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from .app import app, emit, handled
from .root import limits

# the help lists the choices itself: reading them from derive/functions.py would load SymPy
ACTIVATION_HELP = (
    "The hidden layers' activation: sigmoid, tanh, relu, leaky_relu or linear "
    "(the output layer's too, unless the cost needs sigmoid or softmax)."
)
COST_HELP = (
    "half_squared_error, squared_error, mse, binary_cross_entropy, cross_entropy or none "
    "(backpropagate from the one output itself)."
)
NOTATION_HELP = "Names: flat (w0, O0), layered (Nielsen's w2_11, a2_1) or chain (w(L), a(L))."


@app.command()
def new(
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="The network file to write.", show_default=False),
    ],
    shape: Annotated[
        str | None, typer.Option(help="Layer widths, input first: 2-3-1.", show_default=False)
    ] = None,
    activation: Annotated[str, typer.Option(help=ACTIVATION_HELP)] = "sigmoid",
    cost: Annotated[str, typer.Option(help=COST_HELP)] = "half_squared_error",
    notation: Annotated[str, typer.Option(help=NOTATION_HELP)] = "flat",
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented network file to start from: small readable numbers, one example.

    Example: derive new net.yaml --shape 2-3-1 --activation tanh
    """
    with handled():
        from ..spec.limits import DERIVE
        from ..spec.scaffold import network_text
        from .files import write_atomically

        if shape is None:
            raise UsageError("--shape is required: the layer widths, input first, such as 2-3-1")
        text = network_text(
            shape=shape, activation=activation, cost=cost, notation=notation, limits=limits(DERIVE)
        )
        write_atomically(file, text, force=force, option="write")
        emit(f"wrote {file}\nnext: derive explain {shlex.quote(str(file))}")
