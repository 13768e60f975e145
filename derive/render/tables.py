"""A rich renderable as plain fixed-width text (golden files, --output files)."""

from __future__ import annotations

from io import StringIO

from rich.console import Console, RenderableType


def as_text(renderable: RenderableType, *, width: int = 120) -> str:
    buffer = StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system=None,
        force_terminal=False,
        highlight=False,
        soft_wrap=False,
    )
    console.print(renderable)
    return buffer.getvalue()
