"""``derive verify``: SymPy chain rule, NumPy backprop and finite differences side by side."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import MIN_WIDTH, NetworkFile, app, emit, handled
from .root import limits


@app.command()
def verify(
    file: NetworkFile,
    steps: Annotated[int, typer.Option(min=0, help="Gradient-descent steps compared (K).")] = 3,
    rtol: Annotated[float, typer.Option(help="Relative tolerance, SymPy vs NumPy.")] = 1e-9,
    fd_rtol: Annotated[
        float, typer.Option(help="Relative tolerance for finite differences.")
    ] = 1e-5,
    every: Annotated[
        bool,
        typer.Option(
            "--all", help="Finite differences on every parameter, not a sample (large networks)."
        ),
    ] = False,
    width: Annotated[
        int | None, typer.Option(min=MIN_WIDTH, help="Terminal width for text output.")
    ] = None,
) -> None:
    """Check every gradient three ways; exit 0 when all agree, 1 (listing them) when not.

    Networks of more than 500 parameters take finite differences on a sample (--all: all).

    Example: derive verify cases/blog-2-3-1.yaml --steps 5
    """
    with handled():
        from ..render.reports.verify import render
        from ..spec.limits import DERIVE
        from ..spec.load import load_network
        from ..verify import VerifyTolerance
        from ..verify import verify as check

        tolerance = VerifyTolerance(rtol=rtol, fd_rtol=fd_rtol)
        network = load_network(file, limits=limits(DERIVE))
        report = check(network, steps=steps, tolerance=tolerance, every=every)
        emit(render(report), width=width)
        raise typer.Exit(0 if report.ok else 1)
