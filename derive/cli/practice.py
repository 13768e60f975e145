"""``derive practice``: a homework set with a network of nice numbers for every student, or
(``--quiz``) a few questions on one network asked here, one at a time."""

from __future__ import annotations

import secrets
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import UsageError
from .app import app, emit, handled
from .new import ACTIVATION_HELP, COST_HELP, NOTATION_HELP
from .root import limits

if TYPE_CHECKING:
    from ..practice.variant import Recipe

DEFAULT_STUDENT = "practice"  # the folder of a set made without a roster
SEEDS = 1_000_000  # a seed left out is drawn below this, and printed


@app.command()
def practice(
    shape: Annotated[
        str, typer.Option(help="Layer widths, input first: 2-2-1.", show_default=False)
    ],
    activation: Annotated[str, typer.Option(help=ACTIVATION_HELP)] = "sigmoid",
    cost: Annotated[str, typer.Option(help=COST_HELP)] = "half_squared_error",
    notation: Annotated[str, typer.Option(help=NOTATION_HELP)] = "flat",
    seed: Annotated[
        int | None, typer.Option(min=0, help="The set's seed (default: a new one, printed).")
    ] = None,
    students: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Roster CSV with a 'student' column: a network each."),
    ] = None,
    only: Annotated[
        str | None, typer.Option(help="Ask only these quantities: globs, e.g. 'O*,C,dC/dw*'.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="DIR", help="The folder to write the set into."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace the files of an earlier set.")] = False,
    quiz: Annotated[
        bool, typer.Option("--quiz", help="Ask a few quantities here, one at a time, instead.")
    ] = False,
) -> None:
    """Write a practice or homework set: per student a network of nice numbers, the blank
    sheet, the worked solution, and a manifest; derive check --set grades it.

    Example: derive practice --shape 2-2-1 --students roster.csv --seed 7 -o set
    """
    with handled():
        from ..practice.variant import Recipe

        recipe = Recipe(shape, activation, cost, notation, only)
        seed = secrets.randbelow(SEEDS) if seed is None else seed
        if quiz:
            _quiz(recipe, seed=seed, elsewhere=students is not None or output is not None)
        else:
            _write_set(recipe, seed=seed, roster=students, output=output, force=force)


def _write_set(
    recipe: Recipe, *, seed: int, roster: Path | None, output: Path | None, force: bool
) -> None:
    from ..practice.bundle import MANIFEST, manifest, student_files
    from ..practice.roster import read_roster
    from ..practice.variant import PRACTICE, make_variant

    if output is None:
        raise UsageError("-o is required: the folder to write the set into (or ask --quiz)")
    _check_folder(output)
    made = []
    for student in read_roster(roster) if roster is not None else (DEFAULT_STUDENT,):
        variant = make_variant(recipe, seed=seed, student=student, limits=limits(PRACTICE))
        made.append((variant, student_files(variant, recipe)))
    texts = {path: text for _, files in made for path, text in files.values()}
    listed = [(v, {kind: path for kind, (path, _) in files.items()}) for v, files in made]
    texts[MANIFEST] = manifest(recipe, seed=seed, students=listed)
    _write_files(output, texts, force=force)
    folder = shlex.quote(str(output))
    emit(
        f"wrote {len(made)} variant(s) and {MANIFEST} to {output} (seed {seed})\n"
        f"next: derive check --set {folder} ANSWERS..."
    )


def _write_files(folder: Path, texts: dict[str, str], *, force: bool) -> None:
    """Every file of the set, each atomically; an existing one (without --force) or a bad
    destination stops the set before any file is written."""
    from .files import check_destination, write_atomically

    _check_folder(folder)
    for relative in texts:
        if (folder / relative).parent.is_dir():
            check_destination(folder / relative, force=force)
    for relative, text in texts.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / relative, text, force=force)


def _check_folder(folder: Path) -> None:
    """Before any variant is drawn: the set's folder exists, or its parent does."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"-o {folder}: expected a folder (this is a file)")
    if not folder.exists() and not folder.parent.is_dir():
        raise UsageError(f"-o {folder}: expected a folder in an existing folder")


def _quiz(recipe: Recipe, *, seed: int, elsewhere: bool) -> None:
    """The questions one at a time at the terminal; exit code 0 when every answer is right."""
    from ..derivation.names import display
    from ..numbers.rounding import places
    from ..practice.quiz import Quiz
    from ..practice.variant import PRACTICE, make_variant

    if elsewhere:
        raise UsageError("--quiz asks here, at the terminal: leave out --students and -o")
    variant = make_variant(recipe, seed=seed, student="quiz", limits=limits(PRACTICE))
    quiz = Quiz(variant, rules=recipe.rules, only=recipe.only)
    decimals = recipe.rules.decimals
    emit(f"{variant.text}\nGive each answer to {places(decimals)}; an empty answer skips.")
    right = 0
    for name in quiz.questions:
        try:
            text = typer.prompt(
                f"{display(name)} =", default="", show_default=False, prompt_suffix=" "
            )
        except typer.Abort:  # the input ended
            emit(f"\nquiz ended: {right} of {len(quiz.questions)} right")
            raise typer.Exit(1) from None
        feedback = quiz.answer(name, text)
        right += feedback.correct
        emit(_verdict(feedback.result.verdict, feedback.result.diagnosis))
        if feedback.step is not None:
            emit(feedback.step)
    emit(f"{right} of {len(quiz.questions)} right (--seed {seed} asks the same again)")
    raise typer.Exit(0 if right == len(quiz.questions) else 1)


def _verdict(verdict: str, diagnosis: str) -> str:
    said = f"  {verdict}: {diagnosis}" if diagnosis else f"  {verdict}"
    return said if verdict == "correct" else f"{said}. The step:"
