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
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from ..errors import DeriveError, OptionError

EPILOG = """Examples:

  derive examples blog-2-3-1            (copies the 2-3-1 worked example here)

  derive explain blog-2-3-1.yaml --decimals 4 --carry rounded

  derive new net.yaml --shape 2-3-1     (a network file of your own to edit)

  derive explain cases/laan-1-1-1.yaml --format json

  derive latex cases/blog-2-3-1.yaml -o notes.tex

  derive draw cases/blog-2-3-1.yaml --gradients -o network.svg

  derive check cases/blog-2-3-1.yaml cases/blog-2-3-1.answers.yaml

  derive practice --shape 2-2-1 --seed 7 -o set   (a network and sheet per student)

  derive train cases/blog-2-3-1.yaml --epochs 20 --batch-size 1

  derive verify cases/blog-2-3-1.yaml

Bad input gets one line on stderr and exit code 2.
"""

app = typer.Typer(
    name="derive",
    help="Turn a small neural network into a complete, step-by-step backpropagation derivation.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


# a core option → the flag that sets it, where the two names differ
FLAGS = {"general": "--symbolic", "fmt": "--format"}
MIN_WIDTH = 40  # --width: narrower, a step's table is a column of broken words

# the network-file argument every command takes
NetworkFile = Annotated[
    Path, typer.Argument(metavar="NETWORK", help="Network file (YAML).", show_default=False)
]

# explain and latex: exact arithmetic at N significant digits instead of float64's 16
PrecisionOption = Annotated[
    int | None,
    typer.Option(
        metavar="N", help="Compute at N significant digits (exact carry), e.g. --precision 30."
    ),
]


class Carry(StrEnum):
    exact = "exact"
    rounded = "rounded"


def console(width: int | None = None) -> Console:
    """Colour only on a terminal, and not there either when NO_COLOR is set (no-color.org:
    rich reads it when ``no_color`` is None). The width: ``--width``, else the terminal's (or
    COLUMNS); to a pipe or file COLUMNS or a fixed 120, the same on every machine."""
    tty = sys.stdout.isatty()
    columns = os.environ.get("COLUMNS", "")
    fixed = int(columns) if columns.isdigit() and int(columns) > 0 else 120
    return Console(
        width=width or (None if tty else fixed),
        no_color=None if tty else True,
        highlight=False,
        soft_wrap=False,
    )


@contextmanager
def handled() -> Iterator[None]:
    """A DeriveError becomes one line 'derive: error: …' on stderr and exit code 2, never a
    traceback; whatever the message holds (a YAML position, a file name with a newline, a
    student's escape codes), it is one line with its control characters shown."""
    try:
        yield
    except OptionError as exc:  # the core names its parameter; the user typed a flag
        flag = FLAGS.get(exc.option, "--" + exc.option.replace("_", "-"))
        _fail(exc.message(flag))
    except DeriveError as exc:
        _fail(_message(exc))
    except (typer.Exit, KeyboardInterrupt):
        raise
    except ModuleNotFoundError as exc:  # an optional package this command needs
        package = {"sklearn": "scikit-learn", "yaml": "pyyaml"}.get(str(exc.name), exc.name)
        _fail(f"this command needs {exc.name!r}: pip install {package}")
    except Exception as exc:  # a bug in derive, not bad input: still one line, unless debugging
        if os.environ.get("DERIVE_DEBUG"):
            raise
        report = "(please report it; DERIVE_DEBUG=1 shows the traceback)"
        _fail(f"{type(exc).__name__}: {exc} {report}", kind="internal error", code=70)


def _fail(message: str, *, kind: str = "error", code: int = 2) -> NoReturn:
    from ..render.safe import one_line

    typer.echo(f"derive: {kind}: {one_line(message)}", err=True)
    raise typer.Exit(code) from None


def _message(exc: DeriveError) -> str:
    """The error's text; the file it names is user text, so a newline there is shown as ␊
    rather than read as a line break of the message."""
    from ..render.safe import safe_text

    text, source = str(exc), getattr(exc, "source", None)
    return text.replace(source, safe_text(source)) if isinstance(source, str) and source else text


def emit(output: Any, *, width: int | None = None) -> None:
    """Print a renderer's value on stdout. A string ends in exactly one newline and its control
    characters are shown, but for the newlines that lay it out (renderables show user text safely
    themselves). A closed pipe ends the command quietly with 141, as SIGPIPE ends other tools;
    any other failed write (a full disk) is a DeriveError: one line and exit code 2."""
    from ..render.safe import safe_output
    from ..render.tables import written

    try:
        if isinstance(output, str):
            text, newline = safe_output(output), not output.endswith("\n")
        else:  # captured, then written below: rich would exit 1 on a closed pipe by itself
            text, newline = written(output, console(width)), False
        typer.echo(text, nl=newline)
        sys.stdout.flush()  # a write error surfaces here, inside handled(), not at exit
    except OSError as exc:
        _discard_stdout()
        if isinstance(exc, BrokenPipeError):
            raise typer.Exit(141) from None
        raise DeriveError(f"cannot write the output: {exc.strerror or exc}") from None


def _discard_stdout() -> None:
    """Point stdout at /dev/null: Python's final flush would otherwise retry the unwritten output
    and print a second error (and exit 120)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # a test runner's stdout has no file descriptor
        pass
