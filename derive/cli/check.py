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
    gradebook = "gradebook"
    gradescope = "gradescope"
    prairielearn = "prairielearn"


AnswersFiles = Annotated[
    list[Path], typer.Argument(help="Answers files (YAML).", show_default=False)
]
FormatOption = Annotated[
    ReportFormat,
    typer.Option(
        "--format",
        help="text tables, json, csv (one row per answer), gradebook (one row per student),"
        " gradescope (results.json) or prairielearn.",
    ),
]
HandDecimals = Annotated[
    int | None, typer.Option(help="Hand-calculation decimals (default: the student's).")
]
Rtol = Annotated[float | None, typer.Option(help="Relative tolerance (replaces ±1 unit).")]
Atol = Annotated[float | None, typer.Option(help="Absolute tolerance (replaces ±1 unit).")]
RequireDecimals = Annotated[
    int | None, typer.Option(help="Every number needs N decimals (fewer: wrong).")
]
SigFigs = Annotated[
    int | None, typer.Option(help="Every number needs N significant figures (fewer: wrong).")
]
SheetOption = Annotated[
    Path | None,
    typer.Option(help="The sheet handed out (derive template): its questions, points, rule."),
]
CarriedCredit = Annotated[
    float, typer.Option(help="Share of the points for an error carried forward (0 to 1).")
]
HideExpected = Annotated[bool, typer.Option(help="Show verdicts and hints, not the right values.")]


@app.command()
def check(
    network: NetworkFile,
    answers: AnswersFiles,
    fmt: FormatOption = ReportFormat.text,
    decimals: HandDecimals = None,
    rtol: Rtol = None,
    atol: Atol = None,
    require_decimals: RequireDecimals = None,
    sig_figs: SigFigs = None,
    sheet: SheetOption = None,
    carried_credit: CarriedCredit = 1.0,
    hide_expected: HideExpected = False,
) -> None:
    """Mark answers files: correct, wrong (with the mistake named), carried (an earlier error
    carried forward), unreadable, unknown or missing, with a score for each file.

    Exit code 0 when every answer on every sheet is correct, 1 when anything is not (or a file
    cannot be read), 2 when grading cannot start (a bad network, sheet or option).
    Example: derive check cases/blog-2-3-1.yaml cases/blog-2-3-1.answers.yaml
    """
    with handled():
        from ..grade.checker import grade
        from ..grade.rules import PrecisionRule
        from ..render.reports.check import render
        from ..spec.limits import DERIVE

        rule = PrecisionRule(require_decimals, sig_figs)
        reports = grade(
            network,
            answers,
            decimals=decimals,
            rtol=rtol,
            atol=atol,
            rule=rule,
            sheet=sheet,
            carried_credit=carried_credit,
            limits=limits(DERIVE),
        )
        emit(render(reports, fmt.value, hide_expected=hide_expected))
        raise typer.Exit(0 if all(r.all_correct for r in reports) else 1)


Only = Annotated[
    str | None,
    typer.Option(help="Ask only these quantities: globs on names, e.g. 'O3,dC/dw*'."),
]
Output = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the sheet to this file.")
]
Force = Annotated[bool, typer.Option(help="Replace the --output file if it exists.")]


@app.command()
def template(
    network: NetworkFile, only: Only = None, output: Output = None, force: Force = False
) -> None:
    """Write the answers sheet listing every quantity (or --only some), to hand out with the
    homework; add points and a digit rule to grade against it with derive check --sheet.

    Example: derive template cases/blog-2-3-1.yaml -o answers.yaml
    """
    with handled():
        from ..derivation.build import derive
        from ..derivation.selection import chosen
        from ..render.reports.check import template as blank
        from ..spec.limits import DERIVE
        from ..spec.load import load_network
        from .files import check_destination, write_atomically

        if output is not None:
            check_destination(output, force=force)
        d = derive(load_network(network, limits=limits(DERIVE)))
        text = blank(d, None if only is None else chosen(d, only=only, example=None))
        if output is None:
            emit(text)
        else:
            write_atomically(output, text, force=force)
