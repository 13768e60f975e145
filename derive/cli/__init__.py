"""Command-line interface. Each command lives in its own module and registers on ``app``."""

from __future__ import annotations

from importlib import import_module

from .app import app

# Registration order is the order `derive --help` lists the commands in.
for _module in (
    "root", "examples", "new", "explain", "latex", "draw", "check", "train", "verify", "schema"
):
    import_module(f".{_module}", __name__)

__all__ = ["app", "main"]


def main() -> None:
    app()
