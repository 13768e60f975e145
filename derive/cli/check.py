"""``derive check`` (homework answers against a network) and ``derive template``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .app import NetworkFile, app, emit, handled
from .root import limits


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


AnswersFiles = Annotated[
    list[Path], typer.Argument(help="Answers files (YAML).", show_default=False)
]
FormatOption = Annotated[ReportFormat, typer.Option("--format", help="text tables, json or csv.")]
HandDecimals = Annotated[
    int | None, typer.Option(help="Hand-calculation decimals (default: the student's).")
]
Rtol = Annotated[float | None, typer.Option(help="Relative tolerance (replaces ±1 unit).")]
Atol = Annotated[float | None, typer.Option(help="Absolute tolerance (replaces ±1 unit).")]


@app.command()
def check(
    network: NetworkFile,
    answers: AnswersFiles,
    fmt: FormatOption = ReportFormat.text,
    decimals: HandDecimals = None,
    rtol: Rtol = None,
    atol: Atol = None,
) -> None:
    """Mark answers files: correct, wrong (with the mistake named), unreadable or unknown.

    Exit code 0 when every answer is correct, 1 when any is not, 2 for a bad file.
    Example: derive check cases/blog-2-3-1.yaml cases/blog-2-3-1.answers.yaml
    """
    with handled():
        from ..grade.checker import grade
        from ..render.reports.check import render
        from ..spec.limits import DERIVE

        budget = limits(DERIVE)
        reports = grade(network, answers, decimals=decimals, rtol=rtol, atol=atol, limits=budget)
        emit(render(reports, fmt.value))
        raise typer.Exit(0 if all(r.all_correct for r in reports) else 1)


@app.command()
def template(network: NetworkFile) -> None:
    """Write a blank answers file listing every quantity, to hand out with the homework.

    Example: derive template cases/blog-2-3-1.yaml > answers.yaml
    """
    with handled():
        from ..derivation.build import derive
        from ..render.reports.check import template as blank
        from ..spec.limits import DERIVE
        from ..spec.load import load_network

        emit(blank(derive(load_network(network, limits=limits(DERIVE)))))
