"""Command-line interface. Each command lives in its own module and registers on ``app``."""

from __future__ import annotations

from . import explain  # noqa: F401  (registers the command)
from .app import app


def main() -> None:
    app()
