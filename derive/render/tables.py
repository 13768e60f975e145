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
from rich.console import (
    Console,
    ConsoleOptions,
    Group,
    JustifyMethod,
    RenderableType,
    RenderResult,
)
from rich.measure import Measurement
from rich.style import StyleType
from rich.table import Table
from rich.text import Text

from .plaintext import Cell, PlainTable, width_of
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


# Past this many rows a table is written as plain fixed-width text: rich lays out a row in about
# 0.7 ms, some 400× the plain writer, and a 13,000-step table took a minute (docs/scale.md).
PLAIN_ROWS = 300


def table_of(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    right: Collection[str] = (),
    fold: bool = True,
    among: int = 0,
    wrap: Collection[str] = (),
) -> RenderableType:
    """The one place a table's kind is chosen by its row count: a house table, or past
    ``PLAIN_ROWS`` rows the same columns and cells as plain fixed-width text. ``among``: the
    rows of the whole output the table is part of (a thousand small tables cost as one large)."""
    if max(len(rows), among) > PLAIN_ROWS:
        return PlainTable(title, columns, rows, right=right, wrap=wrap)
    table = house_table(title, *columns, right=right, fold=fold)
    for row in rows:
        table.add_row(*row)
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
        self,
        wide: Callable[[], RenderableType],
        *narrower: Callable[[int], RenderableType],
        fill: bool = False,
    ) -> None:
        # fill: the (one) narrower layout at every width, as wide as the width (text filled
        # in lines up to it, where rich would fold it inside a word)
        self._wide, self._narrower, self._fill = wide, narrower, fill

    def choose(self, console: Console, width: int) -> RenderableType:
        if self._fill and self._narrower:
            return self._narrower[-1](width)
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
    mark = width_of(separator.rstrip())  # what ends a line that breaks: "," or " ·"
    last = len(items) - 1
    for i, item in enumerate(items):
        room = width if i == last else width - mark  # a later break puts the mark after it
        if lines and width_of(lines[-1] + separator + item) <= room:
            lines[-1] += separator + item
        else:
            lines.append(item)
    return (separator.rstrip() + "\n").join(lines)


def as_text(renderable: RenderableType, *, width: int = 120) -> str:
    """Fixed-width, colourless text: what golden files and tests compare."""
    console = Console(
        file=StringIO(),
        width=width,
        color_system=None,
        force_terminal=False,
        highlight=False,
        soft_wrap=False,
    )
    return written(renderable, console)


def written(renderable: RenderableType, console: Console) -> str:
    """What ``console`` prints for ``renderable``, but the plain tables of a group are written
    here: rich would lay out each of their lines again (5 s of the digit network's ``--full``,
    13,000 steps) to give the same text."""

    def printed(part: RenderableType) -> str:
        with console.capture() as captured:
            console.print(part)
        return captured.get()

    width = console.width
    parts = renderable.renderables if isinstance(renderable, Group) else []
    chosen = [p.choose(console, width) if isinstance(p, ByWidth) else p for p in parts]
    if not any(isinstance(part, PlainTable) for part in chosen):
        return printed(renderable)
    out: list[str] = []
    pending: list[RenderableType] = []
    for part in chosen:
        if isinstance(part, PlainTable):
            if pending:
                out.append(printed(Group(*pending)))
                pending = []
            out.append(part.chopped(width))
        else:
            pending.append(part)
    if pending:
        out.append(printed(Group(*pending)))
    return "".join(out)
