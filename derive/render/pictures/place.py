"""Labels along edges, placed so that they do not overlap: each label sits on its edge, turned
with it, at the first of a few positions along it where it meets no label placed before it and
no obstacle (a neuron, a value); where every position collides, at the one with fewest."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .scene import INK, Box, Item, Part, Text, overlaps, text_width

# fractions of the edge tried in turn: the middle first, then outwards
POSITIONS = (0.5, 0.4, 0.6, 0.3, 0.7, 0.45, 0.55, 0.35, 0.65, 0.25, 0.75, 0.2, 0.8)
REPAIRS = 6
GAP = 8.0  # from the edge to the middle of a label line


@dataclass(frozen=True)
class Along:
    segment: tuple[float, float, float, float]  # x1, y1, x2, y2: centre to centre
    above: tuple[Part, ...]  # on the left of the edge's direction (above a rightward edge)
    below: tuple[Part, ...] = ()


@dataclass(frozen=True)
class Placed:
    labels: list[list[Item]]  # each label's texts
    colliding: list[bool]  # whether it still overlaps another label or an obstacle

    @property
    def items(self) -> list[Item]:
        return [item for texts in self.labels for item in texts]

    @property
    def collisions(self) -> int:
        return sum(self.colliding)

    def clear(self) -> list[Item]:
        """The labels that overlap nothing."""
        return [
            i
            for texts, hit in zip(self.labels, self.colliding, strict=True)
            if not hit
            for i in texts
        ]


def place_along(
    labels: list[Along], obstacles: list[Box], *, size: float, below_colour: str = INK
) -> Placed:
    options = [[_box(label, t, size=size) for t in POSITIONS] for label in labels]
    chosen: list[int] = []
    for i in range(len(labels)):  # greedy, in order
        chosen.append(_best(options[i], [*obstacles, *(options[k][chosen[k]] for k in range(i))]))
    for _ in range(REPAIRS):  # then each colliding label moves to its best place among the rest
        moved = False
        for i in range(len(labels)):
            others = [*obstacles, *(options[k][chosen[k]] for k in range(len(labels)) if k != i)]
            if _hits(options[i][chosen[i]], others):
                best = _best(options[i], others)
                moved |= best != chosen[i]
                chosen[i] = best
        if not moved:
            break
    boxes = [options[k][chosen[k]] for k in range(len(labels))]
    colliding = [
        bool(_hits(box, [*obstacles, *boxes[:k], *boxes[k + 1 :]])) for k, box in enumerate(boxes)
    ]
    texts = [
        _texts(label, POSITIONS[k], size=size, colour=below_colour)
        for label, k in zip(labels, chosen, strict=True)
    ]
    return Placed(texts, colliding)


def _hits(box: Box, others: list[Box]) -> int:
    return sum(overlaps(box, other) for other in others)


def _best(boxes: list[Box], others: list[Box]) -> int:
    counts = [_hits(box, others) for box in boxes]
    return counts.index(min(counts))


def _frame(label: Along, t: float) -> tuple[float, float, float, float, float]:
    """The point at ``t`` along the edge, the edge's angle and its left normal."""
    x1, y1, x2, y2 = label.segment
    angle = math.atan2(y2 - y1, x2 - x1)
    if abs(angle) > math.pi / 2:  # text never upside down
        angle += math.pi if angle < 0 else -math.pi
    nx, ny = math.sin(angle), -math.cos(angle)
    return x1 + (x2 - x1) * t, y1 + (y2 - y1) * t, angle, nx, ny


def _box(label: Along, t: float, *, size: float) -> Box:
    x, y, angle, _, _ = _frame(label, t)
    width = max(text_width(label.above, size), text_width(label.below, size))
    half = GAP + size * 0.6 if label.below else (GAP + size) / 2 + 2
    shift = 0.0 if label.below else GAP / 2 + 1
    nx, ny = math.sin(angle), -math.cos(angle)
    return Box(x + nx * shift, y + ny * shift, width / 2 + 3, half, angle)


def _texts(label: Along, t: float, *, size: float, colour: str) -> list[Item]:
    x, y, angle, nx, ny = _frame(label, t)
    degrees = math.degrees(angle)
    out: list[Item] = [
        Text(x + nx * GAP, y + ny * GAP, label.above, size=size, angle=degrees, halo=True)
    ]
    if label.below:
        out.append(
            Text(
                x - nx * (GAP + 1),
                y - ny * (GAP + 1),
                label.below,
                size=size,
                angle=degrees,
                colour=colour,
                halo=True,
            )
        )
    return out
