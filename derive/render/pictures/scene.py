"""A picture as positioned shapes and text, in CSS pixels with y pointing down: what the layouts
(network.py, chain.py, curve.py) build and the backends (svg.py, tikz.py) draw.

Text is a sequence of parts, so that each backend writes a quantity's name its own way: ∂C/∂w6 in
SVG, \\frac{\\partial C}{\\partial w_{6}} in TikZ.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final, Literal

import sympy as sp

from ...derivation.names import display
from ..plain import TextPrinter

INK: Final = "#1f2937"
MUTED: Final = "#6b7280"
POSITIVE: Final = "#2563eb"  # blue and red for the sign, as 3Blue1Brown draws weights
NEGATIVE: Final = "#dc2626"
NEUTRAL: Final = "#9ca3af"
GRADIENT: Final = "#7c3aed"
ACCENT: Final = "#ea580c"
STEP: Final = "#16a34a"
PAPER: Final = "#ffffff"
NODE: Final = "#eff6ff"

Anchor = Literal["start", "middle", "end"]
CHAR_WIDTH: Final = 0.6  # a sans-serif character is at most this many font sizes wide, on average


@dataclass(frozen=True)
class Name:
    """A quantity's name (w6, dC/dw6, O3[2])."""

    name: str


@dataclass(frozen=True)
class Plain:
    text: str


@dataclass(frozen=True)
class Number:
    """A value as the rounding policy writes it (0.0508, 5.257e-06)."""

    text: str


@dataclass(frozen=True)
class Formula:
    """A formula over quantity names: O0·(1 − O0)."""

    expr: Any  # a sympy expression
    decimals: int | None = None  # for the decimals inside a symbolic value: 1.4219 · a(L)


Part = Name | Plain | Number | Formula


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the vertical centre of the line
    parts: tuple[Part, ...]
    size: float = 12.0
    anchor: Anchor = "middle"
    colour: str = INK
    bold: bool = False
    angle: float = 0.0  # degrees, clockwise on the page
    halo: bool = False  # a white band behind the letters, for text over lines

    @property
    def width(self) -> float:
        return text_width(self.parts, self.size, bold=self.bold)


@dataclass(frozen=True)
class Circle:
    x: float
    y: float
    r: float
    stroke: str = INK
    fill: str = NODE
    width: float = 1.5


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    colour: str = INK
    width: float = 1.0
    dashed: bool = False
    arrow: bool = False  # an arrowhead at the last point


Item = Text | Circle | Line


@dataclass(frozen=True)
class Scene:
    width: float
    height: float
    title: str
    items: tuple[Item, ...]


def right_edge(items: tuple[Item, ...]) -> float:
    """Where the rightmost level text ends: a canvas narrower than this would crop it (a long
    network title over a small network)."""
    reach = {"start": 1.0, "middle": 0.5, "end": 0.0}
    ends = [t.x + t.width * reach[t.anchor] for t in items if isinstance(t, Text) and not t.angle]
    return max(ends, default=0.0)


def drawn(item: Item) -> bool:
    """Whether an item shows anything (a text with no parts does not)."""
    return not isinstance(item, Text) or bool(item.parts)


_PLAIN: dict[type, Callable[[Any], str]] = {
    Name: lambda part: display(part.name),
    Plain: lambda part: part.text,
    Number: lambda part: part.text,
    Formula: lambda part: TextPrinter(display, part.decimals).doprint(part.expr),
}


def plain(parts: tuple[Part, ...]) -> str:
    """The text as one line of Unicode (the SVG's text, and the measure of its width)."""
    return "".join(_PLAIN[type(part)](part) for part in parts)


def text_width(parts: tuple[Part, ...], size: float, *, bold: bool = False) -> float:
    return len(plain(parts)) * size * CHAR_WIDTH * (1.06 if bold else 1.0)


def texts(*parts: str | Part) -> tuple[Part, ...]:
    """Parts from strings (plain text) and parts."""
    return tuple(Plain(p) if isinstance(p, str) else p for p in parts)


def formula_of(expr: sp.Expr, decimals: int | None = None) -> Part:
    """A formula part; a lone number as a number."""
    if expr.is_Number:
        return Number(TextPrinter(display, decimals).doprint(expr))
    return Formula(expr, decimals)


# --------------------------------------------------------------------------------------------
# label boxes (rotated rectangles) and where they collide


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    half_width: float
    half_height: float
    angle: float = 0.0  # radians, clockwise on the page

    @cached_property
    def corners(self) -> tuple[tuple[float, float], ...]:
        c, s = math.cos(self.angle), math.sin(self.angle)
        hw, hh = self.half_width, self.half_height
        return tuple(
            (self.x + dx * c - dy * s, self.y + dx * s + dy * c)
            for dx, dy in ((-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh))
        )

    @cached_property
    def bounds(self) -> tuple[float, float, float, float]:
        xs, ys = [x for x, _ in self.corners], [y for _, y in self.corners]
        return min(xs), min(ys), max(xs), max(ys)

    @cached_property
    def axes(self) -> tuple[tuple[float, float], tuple[float, float]]:
        c, s = math.cos(self.angle), math.sin(self.angle)
        return (c, s), (-s, c)


def overlaps(a: Box, b: Box) -> bool:
    """Whether two rotated rectangles overlap: their bounds first, then separating axes."""
    ax0, ay0, ax1, ay1 = a.bounds
    bx0, by0, bx1, by1 = b.bounds
    if ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0:
        return False
    for box in (a, b):
        for ux, uy in box.axes:
            pa = [x * ux + y * uy for x, y in a.corners]
            pb = [x * ux + y * uy for x, y in b.corners]
            if max(pa) <= min(pb) or max(pb) <= min(pa):
                return False
    return True
