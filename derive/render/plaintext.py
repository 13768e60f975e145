"""A table as plain fixed-width text: the house table's cells without rich's layout, for tables
past a few hundred rows (``tables.table_of`` chooses), and the measure of text in terminal cells
every writer here shares."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from functools import cached_property

from rich.cells import cell_len, chop_cells
from rich.console import ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text

from .safe import safe_output, safe_text

Cell = str | Text


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

    def __rich_console__(self, console: object, options: ConsoleOptions) -> RenderResult:
        # A segment a line: rich splits one long segment at its newlines in quadratic time. A
        # line wider than the output goes on in the next (rich would crop it).
        width, newline = options.max_width, Segment.line()
        for line in self.text_at(width).splitlines():
            for part in _chop(line, width):
                yield Segment(part)
                yield newline

    def __rich_measure__(self, console: object, options: ConsoleOptions) -> Measurement:
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
