"""The cost curve: C as a function of one parameter with every other held at its value, the
tangent at the parameter's value (its slope is ∂C/∂param), and the point one gradient-descent
step lands on, param − η·∂C/∂param."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...derivation.curve import Curve, cost_curve
from ...derivation.names import gradient
from ...derivation.quantity import Derivation
from ..values import number_text
from .labels import shown
from .scene import (
    ACCENT,
    INK,
    MUTED,
    POSITIVE,
    STEP,
    Anchor,
    Circle,
    Item,
    Line,
    Name,
    Number,
    Part,
    Scene,
    Text,
    right_edge,
    texts,
)

WIDTH, HEIGHT = 780.0, 520.0
LEFT, RIGHT, TOP, BOTTOM = 90.0, 740.0, 96.0, 440.0  # the plot area
GRID = "#e5e7eb"


@dataclass(frozen=True)
class CurvePicture:
    """``derive draw --curve w6``: C against one parameter."""

    param: str


@dataclass(frozen=True)
class _Frame:
    """Data coordinates to the page's."""

    x0: float
    x1: float
    y0: float
    y1: float

    def at(self, x: float, y: float) -> tuple[float, float]:
        px = LEFT + (x - self.x0) / (self.x1 - self.x0) * (RIGHT - LEFT)
        py = BOTTOM - (y - self.y0) / (self.y1 - self.y0) * (BOTTOM - TOP)
        return px, py


def curve_scene(d: Derivation, picture: CurvePicture) -> Scene:
    c = cost_curve(d, picture.param)
    frame = _frame(c)
    items: list[Item] = [*_title(d, c), *_axes(c, frame)]
    items.append(Line(tuple(frame.at(x, y) for x, y in c.samples), POSITIVE, 2.2))
    items += _tangent(d, c, frame=frame)
    items += _step(d, c, frame=frame)
    width = math.ceil(max(WIDTH, right_edge(tuple(items)) + 16))  # a long title widens it
    return Scene(width, HEIGHT, f"C as a function of {c.param}", tuple(items))


def _frame(c: Curve) -> _Frame:
    xs = [x for x, _ in c.samples] or [c.at - 1, c.at + 1]
    ys = [y for _, y in c.samples] + [c.cost]
    ys += [c.step_cost] if c.step_cost is not None else []
    low, high = min(ys), max(ys)
    pad = (high - low) * 0.08 or max(abs(high) * 0.1, 1e-3)
    return _Frame(min(xs), max(xs), low - pad, high + pad)


def _title(d: Derivation, c: Curve) -> list[Item]:
    held = f"{d.network.title} · every other value held · η = {shown(d, 'eta')}"
    return [
        Text(
            16, 22, texts("C as a function of ", Name(c.param)), size=16, anchor="start", bold=True
        ),
        Text(16, 44, texts(held), size=12, anchor="start", colour=MUTED),
    ]


def ticks(low: float, high: float, *, count: int = 6) -> list[float]:
    """Round numbers between ``low`` and ``high``, about ``count`` of them."""
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    return [first + k * step for k in range(int((high - first) / step + 1e-9) + 1)]


def _tick_text(value: float, step: float) -> str:
    places = max(
        0,
        -math.floor(math.log10(step))
        + (1 if step / 10 ** math.floor(math.log10(step)) == 2.5 else 0),
    )
    text = f"{value:.{places}f}"
    return "0" if float(text) == 0 else text


def _axes(c: Curve, f: _Frame) -> list[Item]:
    out: list[Item] = []
    xt, yt = ticks(f.x0, f.x1), ticks(f.y0, f.y1)
    for x in xt:
        px, _ = f.at(x, f.y0)
        out += [Line(((px, TOP), (px, BOTTOM)), GRID, 1.0)]
        out.append(
            Text(px, BOTTOM + 16, texts(_tick_text(x, xt[1] - xt[0])), size=11, colour=MUTED)
        )
    for y in yt:
        _, py = f.at(f.x0, y)
        out += [Line(((LEFT, py), (RIGHT, py)), GRID, 1.0)]
        out.append(
            Text(
                LEFT - 8,
                py,
                texts(_tick_text(y, yt[1] - yt[0])),
                size=11,
                anchor="end",
                colour=MUTED,
            )
        )
    out += [
        Line(((LEFT, BOTTOM), (RIGHT, BOTTOM)), INK, 1.2),
        Line(((LEFT, TOP), (LEFT, BOTTOM)), INK, 1.2),
        Text((LEFT + RIGHT) / 2, BOTTOM + 40, (Name(c.param),), size=13, bold=True),
        Text(LEFT - 56, (TOP + BOTTOM) / 2, (Name("C"),), size=13, bold=True),
    ]
    return out


def _tangent(d: Derivation, c: Curve, *, frame: _Frame) -> list[Item]:
    """The tangent over the middle half of the plot, cut where it leaves the plot."""
    f = frame
    low, high = c.at - (f.x1 - f.x0) / 4, c.at + (f.x1 - f.x0) / 4
    if c.slope:  # keep C within the plot
        ends = sorted(c.at + (y - c.cost) / c.slope for y in (f.y0, f.y1))
        low, high = max(low, ends[0]), min(high, ends[1])
    line = tuple(f.at(x, c.cost + c.slope * (x - c.at)) for x in (low, high))
    slope = gradient(c.param)
    words = texts("tangent, slope ", Name(slope), " = ", Number(shown(d, slope)))
    x, y = min(line, key=lambda point: point[1])  # the upper end
    left = x < (LEFT + RIGHT) / 2
    label = _label((x + (6 if left else -6), y - 12), words, start=left, colour=ACCENT)
    return [Line(line, ACCENT, 1.8, dashed=True), label]


def _step(d: Derivation, c: Curve, *, frame: _Frame) -> list[Item]:
    """The current point and where one gradient-descent step lands, each labelled on the side
    where the curve is low (up and back for the first, down and ahead for the second)."""
    x, y = frame.at(c.at, c.cost)
    rising = c.slope > 0
    here = texts(Name(c.param), f" = {shown(d, c.param)}, ", *_cost(d, c.cost))
    out: list[Item] = [
        Circle(x, y, 5, stroke=INK, fill=INK, width=1.0),
        _label((x + (-10 if rising else 10), y - 18), here, start=not rising, colour=INK),
    ]
    if c.step_cost is None:
        return out
    sx, sy = frame.at(c.step_to, c.step_cost)
    length = math.hypot(sx - x, sy - y)
    if length > 14:  # an arrow from the point to just short of where the step lands
        end = (sx - (sx - x) * 8 / length, sy - (sy - y) * 8 / length)
        out.insert(0, Line(((x, y), end), STEP, 1.6, arrow=True))
    to = Number(number_text(c.step_to, d.decimals))
    lands = texts(Name(c.param), " − η·", Name(gradient(c.param)), " = ", to, ", ")
    lands += _cost(d, c.step_cost)
    out += [
        Circle(sx, sy, 5, stroke=STEP, fill=STEP, width=1.0),
        _label((sx + (10 if rising else -10), sy + 20), lands, start=rising, colour=STEP),
    ]
    return out


def _cost(d: Derivation, value: float) -> tuple[Part, ...]:
    return texts(Name("C"), " = ", Number(number_text(value, d.decimals)))


def _label(at: tuple[float, float], parts: tuple[Part, ...], *, start: bool, colour: str) -> Text:
    anchor: Anchor = "start" if start else "end"
    return Text(*at, parts, size=12, anchor=anchor, colour=colour, halo=True)
