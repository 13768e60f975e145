"""Command-line interface. Each command lives in its own module and registers on ``app``."""

from __future__ import annotations

from . import (
    check,  # noqa: F401
    explain,  # noqa: F401  (registers the command)
    latex,  # noqa: F401
    train,  # noqa: F401
    verify,  # noqa: F401
)
from .app import app

__all__ = ["app", "main"]


def main() -> None:
    app()
