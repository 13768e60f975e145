"""A scene as SVG that stands alone: no fonts, scripts, images or style sheets from elsewhere, a
generic font family, every piece of text escaped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .scene import PAPER, Circle, Line, Scene, Text, drawn, plain

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


def render(scene: Scene) -> str:
    width, height = _n(scene.width), _n(scene.height)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family={quoteattr(FONT)}>'
    )
    colours = sorted({i.colour for i in scene.items if isinstance(i, Line) and i.arrow})
    marker = "<defs>" + "".join(_marker(c) for c in colours) + "</defs>"
    body = [_ITEMS[type(item)](item) for item in scene.items if drawn(item)]
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            head,
            f"<title>{escape(scene.title)}</title>",
            marker,
            f'<rect width="100%" height="100%" fill="{PAPER}"/>',
            *body,
            "</svg>",
            "",
        ]
    )


def _marker(colour: str) -> str:
    return (
        f'<marker id="arrow{colour.lstrip("#")}" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
    )


def _n(value: float) -> str:
    """A coordinate, to a tenth of a pixel."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _text(t: Text) -> str:
    attrs = [
        f'x="{_n(t.x)}"',
        f'y="{_n(t.y)}"',
        f'font-size="{_n(t.size)}"',
        f'text-anchor="{t.anchor}"',
        'dominant-baseline="central"',
        f'fill="{t.colour}"',
    ]
    if t.bold:
        attrs.append('font-weight="bold"')
    if t.angle:
        attrs.append(f'transform="rotate({_n(t.angle)} {_n(t.x)} {_n(t.y)})"')
    if t.halo:
        attrs.append(
            f'stroke="{PAPER}" stroke-width="{_n(t.size * 0.3)}" stroke-linejoin="round" '
            'paint-order="stroke"'
        )
    return f"<text {' '.join(attrs)}>{escape(plain(t.parts))}</text>"


def _circle(c: Circle) -> str:
    return (
        f'<circle cx="{_n(c.x)}" cy="{_n(c.y)}" r="{_n(c.r)}" fill="{c.fill}" '
        f'stroke="{c.stroke}" stroke-width="{_n(c.width)}"/>'
    )


def _line(line: Line) -> str:
    points = " ".join(f"{_n(x)},{_n(y)}" for x, y in line.points)
    extra = ' stroke-dasharray="6 4"' if line.dashed else ""
    extra += f' marker-end="url(#arrow{line.colour.lstrip("#")})"' if line.arrow else ""
    return (
        f'<polyline points="{points}" fill="none" stroke="{line.colour}" '
        f'stroke-width="{_n(line.width)}" stroke-linecap="round"{extra}/>'
    )


_ITEMS: dict[type, Callable[[Any], str]] = {Text: _text, Circle: _circle, Line: _line}
