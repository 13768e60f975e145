"""The house style of every terminal table, and a renderable as plain fixed-width text.

Every cell of a house table is shown as written: a string cell is never read as rich markup or
emoji codes, and its control characters are shown (``render.safe``), so that a student's text
cannot style, move or erase what the TA reads. Newlines a renderer puts in a cell still lay it out;
callers turn the newlines of user text into ``␊`` with ``safe_text``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from functools import cached_property, partial
from io import StringIO

from rich import box
from rich.cells import cell_len, chop_cells
from rich.console import (
    Console,
    ConsoleOptions,
    Group,
    JustifyMethod,
    RenderableType,
    RenderResult,
)
from rich.measure import Measurement
from rich.segment import Segment
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


# Past this many rows a table is written as plain fixed-width text: rich lays out a row in about
# 0.7 ms, some 400× the plain writer, and a 13,000-step table took a minute (docs/scale.md).
PLAIN_ROWS = 300

Cell = str | Text


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


class PlainTable:
    """A house table's text without rich's layout: the title, the header, a rule, and each
    row's cells padded to their column's widest line, as ``house_table`` places them at a width
    where nothing folds (a line wider than the output goes on in the next). The ``wrap``
    columns (a formula thousands of characters long) share the room the others leave, their
    lines wrapped between words. No colour: a ``Text`` cell gives its plain text; string cells
    show their control characters."""

    def __init__(
        self,
        title: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Cell]],
        *,
        right: Collection[str] = (),
        wrap: Collection[str] = (),
    ) -> None:
        self.title, self.columns = safe_text(title), tuple(columns)
        self.right = [c in right for c in self.columns]
        self.wrap = [c in wrap for c in self.columns]
        self.rows = [[_lines(c) for c in row] for row in rows]
        self._texts: dict[int | None, str] = {}

    @cached_property
    def natural(self) -> list[int]:
        """Each column's widest line."""
        widths = [width_of(c) for c in self.columns]
        for row in self.rows:
            for i, lines in enumerate(row):
                widths[i] = max(widths[i], *map(width_of, lines))
        return widths

    @property
    def text(self) -> str:
        return self.text_at(None)

    def text_at(self, width: int | None) -> str:
        """The table as text, its ``wrap`` columns narrowed to fit ``width`` where they can."""
        if width not in self._texts:
            self._texts[width] = self._laid_out(width)
        return self._texts[width]

    def _laid_out(self, room: int | None) -> str:
        widths, rows = self.natural, self.rows
        if room is not None and any(self.wrap) and _span(widths) > room:
            widths = _narrowed(widths, self.wrap, room)
            rows = [
                [
                    _wrapped(lines, w) if wrap else lines
                    for lines, w, wrap in zip(row, widths, self.wrap, strict=True)
                ]
                for row in rows
            ]
        width = _span(widths)
        out = [_pad(self.title, width, right=False)] if self.title else []
        out += [self._line([[c] for c in self.columns], widths, 0), "─" * width]
        for row in rows:
            out += [self._line(row, widths, k) for k in range(max(map(len, row)))]
        return "\n".join(out) + "\n"

    def _line(self, row: Sequence[list[str]], widths: list[int], k: int) -> str:
        cells = (
            _pad(lines[k] if k < len(lines) else "", w, right=r)
            for lines, w, r in zip(row, widths, self.right, strict=True)
        )
        return " " + "   ".join(cells) + " "

    def chopped(self, width: int) -> str:
        """The table's text as ``__rich_console__`` prints it at ``width``, without rich."""
        return "".join(
            f"{part}\n" for line in self.text_at(width).splitlines() for part in _chop(line, width)
        )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # A segment a line: rich splits one long segment at its newlines in quadratic time. A
        # line wider than the output goes on in the next (rich would crop it).
        width, newline = options.max_width, Segment.line()
        for line in self.text_at(width).splitlines():
            for part in _chop(line, width):
                yield Segment(part)
                yield newline

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        width = width_of(self.text.split("\n", 2)[1])  # the header line: as wide as any
        return Measurement(width, width)


def _span(widths: Sequence[int]) -> int:
    """A line's width: a space each side, three between cells."""
    return sum(widths) + 3 * len(widths) - 1


NARROWEST = 12  # a wrapped column keeps at least this many cells


def _narrowed(widths: list[int], wrap: list[bool], room: int) -> list[int]:
    """The ``wrap`` columns' share of what ``room`` leaves them, as wide as they are."""
    kept = sum(w for w, wrapped in zip(widths, wrap, strict=True) if not wrapped)
    share = room - (_span(widths) - sum(widths)) - kept
    total = sum(w for w, wrapped in zip(widths, wrap, strict=True) if wrapped)
    return [
        max(NARROWEST, min(w, share * w // total)) if wrapped else w
        for w, wrapped in zip(widths, wrap, strict=True)
    ]


def _wrapped(lines: list[str], width: int) -> list[str]:
    """Each line in lines of at most ``width`` cells, broken between words (a longer word cut)."""
    out: list[str] = []
    for line in lines:
        if width_of(line) <= width:
            out.append(line)
            continue
        current = ""
        for word in line.split(" "):
            joined = f"{current} {word}" if current else word
            if width_of(joined) <= width:
                current = joined
                continue
            if current:
                out.append(current)
            while width_of(word) > width:
                head = _chop(word, width)[0]
                out.append(head)
                word = word[len(head) :]
            current = word
        out.append(current)
    return out


def _chop(line: str, width: int) -> list[str]:
    """``line`` in parts of at most ``width`` cells (a character a cell: sliced, which is ~100×
    faster than rich's ``chop_cells``)."""
    if len(line) <= width and line.isascii():
        return [line]
    cells = width_of(line)
    if cells <= width:
        return [line]
    if cells != len(line):  # wide characters: rich measures each
        return chop_cells(line, width)
    return [line[at : at + width] for at in range(0, len(line), width)]


def _lines(cell: Cell) -> list[str]:
    text = cell.plain if isinstance(cell, Text) else safe_output(cell)
    return text.split("\n")


# characters one cell wide (rich measures each of these as 1): text made only of them is as
# wide as it is long, measured without rich's per-character walk (∂, ·, −, σ, ᵀ, subscripts)
_NARROW = re.compile(
    "[\x20-\x7e\xa0-\u02ff\u0370-\u03ff\u1d00-\u1dbf\u2010-\u2027\u2030-\u205e"
    "\u2070-\u209f\u2100-\u214f\u2190-\u2319\u2500-\u257f]*"
)


def width_of(text: str) -> int:
    """``text``'s width in terminal cells, as rich's ``cell_len`` gives it."""
    if (text.isascii() and text.isprintable()) or _NARROW.fullmatch(text):
        return len(text)
    return cell_len(text)


def _pad(text: str, width: int, *, right: bool) -> str:
    gap = " " * (width - width_of(text))
    return gap + text if right else text + gap


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
