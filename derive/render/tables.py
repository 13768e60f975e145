"""The house style of every terminal table, and a renderable as plain fixed-width text.

Every cell of a house table is shown as written: a string cell is never read as rich markup or
emoji codes, and its control characters are shown (``render.safe``), so that a student's text
cannot style, move or erase what the TA reads. Newlines a renderer puts in a cell still lay it out;
callers turn the newlines of user text into ``␊`` with ``safe_text``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from functools import partial
from io import StringIO

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, JustifyMethod, RenderableType, RenderResult
from rich.measure import Measurement
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


WIDE = 120  # columns from which a table keeps its wide layout whatever it needs
_UNBOUNDED = 100_000  # a width no table reaches: to measure what a layout needs on one line


class ByWidth:
    """A table (or text) laid out for the width it is printed at: the ``wide`` layout at
    ``WIDE`` columns or more; below that the first of ``wide`` and the ``narrower`` layouts
    that fits with no line folded, else the last. Deciding at print time lets one value serve
    ``--width``, the terminal's own width and the golden files. A narrower layout is given the
    width, to fill its lines up to it."""

    def __init__(
        self, wide: Callable[[], RenderableType], *narrower: Callable[[int], RenderableType]
    ) -> None:
        self._wide, self._narrower = wide, narrower

    def choose(self, console: Console, width: int) -> RenderableType:
        if width >= WIDE or not self._narrower:
            return self._wide()
        options = console.options.update(width=_UNBOUNDED)
        *tried, last = [self._wide, *(partial(layout, width) for layout in self._narrower)]
        for layout in tried:
            candidate = layout()
            if Measurement.get(console, options, candidate).maximum <= width:
                return candidate
        return last()

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.choose(console, options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.choose(console, options.max_width))


def fill(items: Sequence[str], width: int, *, separator: str = ",  ") -> str:
    """Items on as few lines of at most ``width`` cells as they fit, each item kept whole
    (rich would fold ``w5 = -0.05`` after the ``=``)."""
    lines: list[str] = []
    for item in items:
        if lines and cell_len(lines[-1] + separator + item) <= width:
            lines[-1] += separator + item
        else:
            lines.append(item)
    return (separator.rstrip() + "\n").join(lines)


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
