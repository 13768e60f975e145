"""The options that come before any command: --version, and the budgets every command loads
its network file under (a network larger than them is refused at once, in one line)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .. import __version__
from ..spec.limits import Limits
from .app import app

# set by the root options on every run, read by the command that follows them
_options: dict[str, Any] = {}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"derive {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    max_params: Annotated[
        int | None,
        typer.Option(
            min=1,
            metavar="N",
            help="Refuse networks with more parameters (default: per command).",
        ),
    ] = None,
    max_examples: Annotated[
        int | None,
        typer.Option(
            min=1, metavar="N", help="Refuse files with more examples (default: per command)."
        ),
    ] = None,
    allow_outside_files: Annotated[
        bool,
        typer.Option(
            "--allow-outside-files",
            help="Let a network file read .npy/.npz/CSV files outside its folder.",
        ),
    ] = False,
) -> None:
    """Turn a small neural network into a complete, step-by-step backpropagation derivation."""
    _options.clear()
    _options.update(
        max_params=max_params, max_examples=max_examples, allow_outside_files=allow_outside_files
    )


def limits(defaults: Limits) -> Limits:
    """The command's default budgets with the root options (--max-params, ...) in place."""
    return defaults.override(**_options)
