"""Command-line interface. Each command lives in its own module and registers on ``app``."""

from __future__ import annotations

from importlib import import_module

import typer

from .app import app

# Registration order is the order `derive --help` lists the commands in.
for _module in (
    "root",
    "examples",
    "new",
    "explain",
    "latex",
    "draw",
    "check",
    "practice",
    "train",
    "verify",
    "schema",
):
    import_module(f".{_module}", __name__)

__all__ = ["app", "main"]


# click's UsageError, wherever this typer takes click from (typer 0.28 vendors it)
_USAGE_ERROR: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError"
)


def main() -> None:
    """The console script: a usage error (an unknown option, a value out of range, a missing
    argument) is one line on stderr and exit code 2, like every other error."""
    try:
        code = app(standalone_mode=False)
    except _USAGE_ERROR as exc:
        code = _usage(exc)
    except typer.Abort:  # Ctrl-C at a prompt
        code = 130
    raise SystemExit(code if isinstance(code, int) else 0)


def _usage(exc: Exception) -> int:
    if type(exc).__name__ == "NoArgsIsHelpError":  # a bare `derive` asks for the help
        ctx = getattr(exc, "ctx", None)
        typer.echo(ctx.get_help() if ctx is not None else str(exc))
        return 0
    from ..render.safe import one_line

    message = getattr(exc, "format_message", lambda: str(exc))()
    typer.echo(f"derive: error: {one_line(message)} (derive --help lists the options)", err=True)
    return 2
