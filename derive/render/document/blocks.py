"""The typeset derivation's block model: headings, paragraphs, tables and equation groups whose
math is LaTeX. content.py builds blocks; latex.py and markdown.py write them."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...derivation.quantity import Quantity


@dataclass(frozen=True)
class Math:
    latex: str


@dataclass(frozen=True)
class Text:
    text: str


Cell = Math | Text


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    parts: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    align: str  # one of l/r per column


@dataclass(frozen=True)
class Equation:
    """lhs = stage = stage …; each stage is one or more rows (a long sum is split)."""

    lhs: str
    stages: tuple[tuple[str, ...], ...]
    step: int | None = None
    why: tuple[Cell, ...] = ()  # the step in words (--why), written under it


@dataclass(frozen=True)
class Equations:
    items: tuple[Equation, ...]


@dataclass(frozen=True)
class Figure:
    """A picture, in the form each writer needs: a tikzpicture for LaTeX, Mermaid for Markdown."""

    tikz: str
    mermaid: str
    caption: str


Block = Heading | Para | Table | Equations | Figure


@dataclass
class Selection:
    """Which quantities are derived in full; ``None`` means all of them."""

    names: set[str] | None = None
    note: str = ""
    large: bool = False
    summary: list[Block] = field(default_factory=list)
    focus: str | None = None  # the one gradient whose whole derivation is shown, if one is

    def keeps(self, q: Quantity) -> bool:
        return self.names is None or q.name in self.names
