"""A scene as a LaTeX document holding one tikzpicture, for pdflatex with TeX Live's standard
packages (tikz from pgf, xcolor, amsmath, geometry and fix-cm from the LaTeX base).

One pixel of the scene is 0.75bp, as in CSS, so the picture has the size and font sizes of the
SVG; the page is cut to the picture. Quantity names are typeset as in ``derive latex``
(\\frac{\\partial C}{\\partial w_{6}}); every piece of user text goes through latex_text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..document.math import NamePrinter
from ..document.names import inline_name, latex_number, latex_text
from .scene import Circle, Formula, Line, Name, Number, Part, Plain, Scene, Text, drawn

PREAMBLE = r"""\documentclass{article}
\usepackage{fix-cm}
\usepackage[utf8]{inputenc}
\usepackage[paperwidth=%(width)sbp,paperheight=%(height)sbp,margin=10bp]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{tikz}
\usetikzlibrary{arrows.meta}
\pagestyle{empty}
\setlength{\parindent}{0pt}
\begin{document}
"""
_NUMBER = re.compile(r"^-?\d+(\.\d+)?(e[+-]\d+)?$")
_SYMBOLS = {"⋮": r"$\vdots$", "…": r"\ldots{}", "∏": r"$\prod$", "→": r"$\to$"}


def render(scene: Scene) -> str:
    width, height = scene.width * 0.75 + 20, scene.height * 0.75 + 20
    lines = [
        "% written by derive draw; pdflatex compiles it (tikz is in TeX Live's texlive-pictures)",
        PREAMBLE % {"width": _n(width), "height": _n(height)},
        picture(scene),
        r"\end{document}",
        "",
    ]
    return "\n".join(lines)


def picture(scene: Scene) -> str:
    """The colours and the tikzpicture alone, for a document that loads tikz (derive latex)."""
    colours = _colours(scene)
    lines = [
        *(
            rf"\definecolor{{{name}}}{{HTML}}{{{hex_[1:].upper()}}}"
            for hex_, name in colours.items()
        ),
        r"\begin{tikzpicture}[x=0.75bp, y=-0.75bp]",
        rf"\useasboundingbox (0,0) rectangle ({_n(scene.width)},{_n(scene.height)});",
        *(_ITEMS[type(item)](item, colours) for item in scene.items if drawn(item)),
        r"\end{tikzpicture}",
    ]
    return "\n".join(lines)


def _colours(scene: Scene) -> dict[str, str]:
    found: list[str] = ["#ffffff"]
    for item in scene.items:
        found += [item.colour] if isinstance(item, Text | Line) else [item.stroke, item.fill]
    return {hex_: f"dc{i}" for i, hex_ in enumerate(dict.fromkeys(found))}


def _n(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _text(t: Text, colours: dict[str, str]) -> str:
    anchor = {"start": "west", "middle": "center", "end": "east"}[t.anchor]
    size = t.size * 0.75
    font = rf"\fontsize{{{_n(size)}}}{{{_n(size * 1.2)}}}\selectfont"
    font += r"\bfseries\boldmath" if t.bold else ""
    options = [f"anchor={anchor}", f"text={colours[t.colour]}", f"font={font}"]
    if t.angle:
        options.append(f"rotate={_n(-t.angle)}")
    options.append(
        "fill=white, fill opacity=0.85, text opacity=1, inner sep=1bp"
        if t.halo
        else "inner sep=0pt"
    )
    return rf"\node[{', '.join(options)}] at ({_n(t.x)},{_n(t.y)}) {{{latex_parts(t.parts)}}};"


def latex_parts(parts: tuple[Part, ...]) -> str:
    """Text parts in LaTeX: names and formulas in math, user text escaped."""
    return "".join(_PARTS[type(part)](part) for part in parts)


def _plain(part: Plain) -> str:
    pieces = re.split("([" + "".join(_SYMBOLS) + "])", part.text)
    return "".join(_SYMBOLS.get(p) or latex_text(p) for p in pieces if p)


def _number(part: Number) -> str:
    text = part.text.replace("−", "-")
    return f"${latex_number(text)}$" if _NUMBER.match(text) else latex_text(text)


_PARTS: dict[type, Callable[[Any], str]] = {
    Name: lambda part: f"${inline_name(part.name)}$",
    Plain: _plain,
    Number: _number,
    Formula: lambda part: f"${NamePrinter(inline_name, part.decimals or 4).doprint(part.expr)}$",
}


def _circle(c: Circle, colours: dict[str, str]) -> str:
    return (
        rf"\draw[line width={_n(c.width * 0.75)}bp, draw={colours[c.stroke]}, "
        rf"fill={colours[c.fill]}] ({_n(c.x)},{_n(c.y)}) circle[radius={_n(c.r)}];"
    )


def _line(line: Line, colours: dict[str, str]) -> str:
    options = [f"line width={_n(line.width * 0.75)}bp", f"draw={colours[line.colour]}"]
    options += ["line cap=round"]
    if line.dashed:
        options.append("dash pattern=on 4.5bp off 3bp")
    if line.arrow:
        options.append("-latex")  # a core arrow tip: the notes load no tikz library
    path = " -- ".join(f"({_n(x)},{_n(y)})" for x, y in line.points)
    return rf"\draw[{', '.join(options)}] {path};"


_ITEMS: dict[type, Callable[[Any, dict[str, str]], str]] = {
    Text: _text,
    Circle: _circle,
    Line: _line,
}
