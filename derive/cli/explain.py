"""``derive explain``: the derivation of one network file."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .app import Carry, app, emit, handled


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="Network file (YAML).", show_default=False)],
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
) -> None:
    """Derive every ∂C/∂w and ∂C/∂b by the chain rule, step by step, with the numbers in.

    Example: derive explain cases/blog-2-3-1.yaml --decimals 4 --carry rounded
    """
    from ..backprop import derive
    from ..loader import load_network
    from ..render import render

    with handled():
        derivation = derive(load_network(file), carry=carry.value, decimals=decimals)
        emit(render(derivation, fmt.value), width=width)
