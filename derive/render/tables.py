"""The house style of every terminal table, and a renderable as plain fixed-width text.

Every cell of a house table is shown as written: a string cell is never read as rich markup or
emoji codes, and its control characters are shown (``render.safe``), so that a student's text
cannot style, move or erase what the TA reads. Newlines a renderer puts in a cell still lay it out;
callers turn the newlines of user text into ``␊`` with ``safe_text``.
"""

from __future__ import annotations

from collections.abc import Collection
from io import StringIO

from rich import box
from rich.console import Console, JustifyMethod, RenderableType
from rich.style import StyleType
from rich.table import Table
from rich.text import Text

from .safe import safe_output, safe_text


class HouseTable(Table):
    """A rich Table whose string cells are plain text with their control characters shown."""

    def add_row(
        self,
        *renderables: RenderableType | None,
        style: StyleType | None = None,
        end_section: bool = False,
    ) -> None:
        cells = (Text(safe_output(r)) if isinstance(r, str) else r for r in renderables)
        super().add_row(*cells, style=style, end_section=end_section)


def house_table(title: str, *columns: str, right: Collection[str] = (), fold: bool = True) -> Table:
    """A titled table with a rule under its header and no outer edge; ``right`` names the
    right-aligned (numeric) columns; long cells fold onto more lines unless ``fold`` is off."""
    caption = Text(safe_text(title), style="table.title")  # the style rich gives a str title
    table = HouseTable(title=caption, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
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
