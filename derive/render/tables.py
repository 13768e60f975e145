"""The house style of every terminal table, and a renderable as plain fixed-width text."""

from __future__ import annotations

from collections.abc import Collection
from io import StringIO

from rich import box
from rich.console import Console, JustifyMethod, RenderableType
from rich.table import Table


def house_table(title: str, *columns: str, right: Collection[str] = (), fold: bool = True) -> Table:
    """A titled table with a rule under its header and no outer edge; ``right`` names the
    right-aligned (numeric) columns; long cells fold onto more lines unless ``fold`` is off."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    for column in columns:
        justify: JustifyMethod = "right" if column in right else "left"
        if fold:
            table.add_column(column, justify=justify, overflow="fold")
        else:
            table.add_column(column, justify=justify)
    return table


def as_text(renderable: RenderableType, *, width: int = 120) -> str:
    """Fixed-width, colourless text: what golden files and tests compare."""
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
