"""``derive check`` (homework answers against a network) and ``derive template``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import UsageError
from .app import NetworkFile, app, emit, handled
from .root import limits

if TYPE_CHECKING:
    from ..grade.checker import GradeReport


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    gradebook = "gradebook"
    gradescope = "gradescope"
    prairielearn = "prairielearn"


AnswersFiles = Annotated[
    list[Path] | None,
    typer.Argument(metavar="ANSWERS...", help="Answers files (YAML).", show_default=False),
]
# with --set the network comes from the set: the first argument is an answers file too
CheckedFile = Annotated[
    Path,
    typer.Argument(
        metavar="NETWORK",
        help="Network file (YAML); with --set, the first answers file.",
        show_default=False,
    ),
]
SetOption = Annotated[
    Path | None,
    typer.Option(
        "--set",
        metavar="DIR",
        help="A set from derive practice: each file graded against its student's own network.",
    ),
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
    int | None,
    typer.Option(metavar="N", help="Hand-calculation decimals (default: the student's)."),
]
Rtol = Annotated[
    float | None, typer.Option(metavar="X", help="Relative tolerance (replaces ±1 unit).")
]
Atol = Annotated[
    float | None, typer.Option(metavar="X", help="Absolute tolerance (replaces ±1 unit).")
]
RequireDecimals = Annotated[
    int | None, typer.Option(metavar="N", help="Every number needs N decimals (fewer: wrong).")
]
SigFigs = Annotated[
    int | None,
    typer.Option(metavar="N", help="Every number needs N significant figures (fewer: wrong)."),
]
SheetOption = Annotated[
    Path | None,
    typer.Option(
        metavar="FILE",
        help="The sheet handed out (derive template): its questions, points, rule.",
    ),
]
CarriedCredit = Annotated[
    float,
    typer.Option(metavar="X", help="Share of the points for an error carried forward (0 to 1)."),
]
HideExpected = Annotated[bool, typer.Option(help="Show verdicts and hints, not the right values.")]


@app.command()
def check(
    network: CheckedFile,
    answers: AnswersFiles = None,
    fmt: FormatOption = ReportFormat.text,
    decimals: HandDecimals = None,
    rtol: Rtol = None,
    atol: Atol = None,
    require_decimals: RequireDecimals = None,
    sig_figs: SigFigs = None,
    sheet: SheetOption = None,
    carried_credit: CarriedCredit = 1.0,
    hide_expected: HideExpected = False,
    set_folder: SetOption = None,
) -> None:
    """Mark answers files: correct, wrong (with the mistake named), carried (an earlier error
    carried forward), unreadable, unknown or missing, with a score for each file.

    Exit code 0 when every answer on every sheet is correct, 1 when anything is not (or a file
    cannot be read), 2 when grading cannot start (a bad network, sheet or option).
    Example: derive check cases/blog-2-3-1.yaml cases/blog-2-3-1.answers.yaml
    With --set DIR (derive practice's folder) every argument is an answers file, matched to its
    student by its student: id or its file name: derive check --set set ada.yaml bob.yaml
    """
    with handled():
        from ..grade.rules import PrecisionRule
        from ..render.reports.check import render
        from ..spec.limits import DERIVE

        common: dict[str, Any] = {
            "decimals": decimals,
            "rtol": rtol,
            "atol": atol,
            "rule": PrecisionRule(require_decimals, sig_figs),
            "carried_credit": carried_credit,
            "limits": limits(DERIVE),
        }
        reports = _grade(network, answers or [], set_folder=set_folder, sheet=sheet, **common)
        emit(render(reports, fmt.value, hide_expected=hide_expected))
        raise typer.Exit(0 if all(r.all_correct for r in reports) else 1)


def _grade(
    first: Path, rest: list[Path], *, set_folder: Path | None, sheet: Path | None, **common: Any
) -> list[GradeReport]:
    """One network and its answers files, or (--set) a practice set and answers files."""
    from ..grade.checker import grade

    if set_folder is None:
        if not rest:
            raise UsageError("expected answers files after the network file")
        return grade(first, rest, sheet=sheet, **common)
    if sheet is not None:
        raise UsageError("--set grades each student against their own sheet; leave out --sheet")
    from ..practice.grading import grade_set

    return grade_set(set_folder, [first, *rest], **common)


Only = Annotated[
    str | None,
    typer.Option(
        metavar="GLOBS", help="Ask only these quantities: globs on names, e.g. 'O3,dC/dw*'."
    ),
]
Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write the sheet to this file."),
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
        from ..render.reports.sheet import template as blank
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
