"""``derive check`` (homework answers against a network) and ``derive template``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .app import app, emit, handled


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


@app.command()
def check(
    network: Annotated[Path, typer.Argument(help="Network file (YAML).", show_default=False)],
    answers: Annotated[
        list[Path], typer.Argument(help="Answers files (YAML).", show_default=False)
    ],
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help="text tables, json or csv.")
    ] = ReportFormat.text,
    decimals: Annotated[
        int | None, typer.Option(help="Hand-calculation decimals (default: the student's).")
    ] = None,
    rtol: Annotated[
        float | None, typer.Option(help="Relative tolerance (replaces ±1 unit).")
    ] = None,
    atol: Annotated[
        float | None, typer.Option(help="Absolute tolerance (replaces ±1 unit).")
    ] = None,
) -> None:
    """Mark answers files: correct, wrong (with the mistake named), unreadable or unknown.

    Exit code 0 when every answer is correct, 1 when any is not, 2 for a bad file.
    Example: derive check cases/blog-2-3-1.yaml cases/blog-2-3-1.answers.yaml
    """
    from ..check import grade

    with handled():
        reports = grade(network, answers, decimals=decimals, rtol=rtol, atol=atol)
        from ..render.check_report import render

        emit(render(reports, fmt.value))
    raise typer.Exit(0 if all(r.all_correct for r in reports) else 1)


@app.command()
def template(
    network: Annotated[Path, typer.Argument(help="Network file (YAML).", show_default=False)],
) -> None:
    """Write a blank answers file listing every quantity, to hand out with the homework.

    Example: derive template cases/blog-2-3-1.yaml > answers.yaml
    """
    from ..backprop import derive
    from ..loader import load_network
    from ..render.check_report import template as blank

    with handled():
        emit(blank(derive(load_network(network))))
