"""The typer application and the edge where errors become one line and an exit code.

Only the CLI package prints or exits; the core raises DeriveError and returns values.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from .. import __version__
from ..errors import DeriveError, OptionError

EPILOG = """Examples:

  derive explain cases/blog-2-3-1.yaml --decimals 4 --carry rounded

  derive explain cases/laan-1-1-1.yaml --format json

  derive latex cases/blog-2-3-1.yaml -o notes.tex

  derive check cases/blog-2-3-1.yaml cases/blog-2-3-1.answers.yaml

  derive train cases/blog-2-3-1.yaml --epochs 20 --batch-size 1

  derive verify cases/blog-2-3-1.yaml

Bad input gets one line on stderr and exit code 2.
"""

app = typer.Typer(
    name="derive",
    help="Turn a small neural network into a complete, step-by-step backpropagation derivation.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


# a core option → the flag that sets it, where the two names differ
FLAGS = {"general": "--symbolic", "fmt": "--format"}

# the network-file argument every command takes
NetworkFile = Annotated[Path, typer.Argument(help="Network file (YAML).", show_default=False)]


class Carry(StrEnum):
    exact = "exact"
    rounded = "rounded"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"derive {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Turn a small neural network into a complete, step-by-step backpropagation derivation."""


def console(width: int | None = None) -> Console:
    """Colour only on a terminal; a fixed 120 columns when writing to a pipe or file."""
    tty = sys.stdout.isatty()
    return Console(
        width=width or (None if tty else 120), no_color=not tty, highlight=False, soft_wrap=False
    )


@contextmanager
def handled() -> Iterator[None]:
    """A DeriveError becomes 'derive: error: …' on stderr and exit code 2, never a traceback."""
    try:
        yield
    except OptionError as exc:  # the core names its parameter; the user typed a flag
        flag = FLAGS.get(exc.option, "--" + exc.option.replace("_", "-"))
        typer.echo(f"derive: error: {flag} {exc.problem}", err=True)
        raise typer.Exit(2) from None
    except DeriveError as exc:
        typer.echo(f"derive: error: {exc}", err=True)
        raise typer.Exit(2) from None
    except (typer.Exit, KeyboardInterrupt):
        raise
    except ModuleNotFoundError as exc:  # an optional package this command needs
        package = {"sklearn": "scikit-learn", "yaml": "pyyaml"}.get(str(exc.name), exc.name)
        typer.echo(
            f"derive: error: this command needs {exc.name!r}: pip install {package}", err=True
        )
        raise typer.Exit(2) from None
    except Exception as exc:  # a bug in derive, not bad input: still one line, unless debugging
        if os.environ.get("DERIVE_DEBUG"):
            raise
        typer.echo(
            f"derive: internal error: {type(exc).__name__}: {exc} "
            "(please report it; DERIVE_DEBUG=1 shows the traceback)",
            err=True,
        )
        raise typer.Exit(70) from None


def emit(output: Any, *, width: int | None = None) -> None:
    if isinstance(output, str):
        typer.echo(output)
    else:
        console(width).print(output)
