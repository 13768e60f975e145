"""``derive train`` results as rich renderables: the per-epoch table and a terminal cost chart."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ...numbers.rounding import format_number, format_significant
from ...train.sgd import Epoch
from ..safe import safe_text
from ..tables import house_table

COST_DIGITS = 4  # significant figures: a cost near 0 keeps its digits (2.364e-06, not 0.000002)
EVERY_ROW_UP_TO = 100  # epochs; a longer run shows log-spaced rows unless --every says
HEIGHT = 8  # the terminal cost chart's rows
WIDTH = 60
LOG_SPAN = 100  # the chart's cost axis is logarithmic when the cost spans this factor or more


def shown_epochs(count: int, every: int | None = None) -> list[int]:
    """The epochs (from 1) given a row: every ``every``-th; by default all of up to
    EVERY_ROW_UP_TO, else 1–10, 20, 30 … 100, 200 … (even steps on a log scale); and always
    the first and the last."""
    if every is not None:
        picked = set(range(every, count + 1, every))
    elif count <= EVERY_ROW_UP_TO:
        picked = set(range(1, count + 1))
    else:
        decades = range(int(math.log10(count)) + 1)
        picked = {d * 10**k for k in decades for d in range(1, 10) if d * 10**k <= count}
    return sorted(picked | {1, count}) if count else []


def cost_chart(costs: Sequence[float], *, height: int = HEIGHT, width: int = WIDTH) -> str:
    """Cost against epoch as rows of '•'; at most ``width`` columns (epochs are sampled evenly).
    A cost that spans LOG_SPAN or more is drawn on a log scale, where a fall by decades is a
    slope rather than a cliff followed by a flat line."""
    if not costs:
        return ""
    columns = _sample(list(costs), width)
    top, bottom = max(columns), min(columns)
    log = bottom > 0 and top >= LOG_SPAN * bottom
    scale = math.log10 if log else (lambda c: c)
    span = scale(top) - scale(bottom) or 1.0
    rows = [[" "] * len(columns) for _ in range(height)]
    for x, c in enumerate(columns):
        level = round((scale(c) - scale(bottom)) / span * (height - 1))
        rows[height - 1 - level][x] = "•"
    labels = [format_significant(top, 3), *[""] * (height - 2), format_significant(bottom, 3)]
    if log:  # the middle row's value, which no linear reading gives
        middle = (height - 1) // 2
        labels[middle] = format_significant(
            10 ** (math.log10(top) - middle / (height - 1) * span), 3
        )
    pad = max(len(label) for label in labels)
    lines = [f"{label:>{pad}} │{''.join(row)}" for label, row in zip(labels, rows, strict=True)]
    lines.append(" " * pad + " └" + "─" * len(columns))
    axis = " (cost on a log scale)" if log else ""
    lines.append(" " * pad + f"  epoch 1 … {len(costs)}{axis}")
    return "\n".join(lines)


def _sample(values: list[float], width: int) -> list[float]:
    if len(values) <= width:
        return values
    return [values[round(i * (len(values) - 1) / (width - 1))] for i in range(width)]


def _cost(value: float | None) -> str:
    return "-" if value is None else format_significant(value, COST_DIGITS)


def _percent(value: float | None) -> str:
    return "-" if value is None else format_number(100 * value, 2) + "%"


def epoch_table(history: Sequence[Epoch], *, every: int | None = None) -> Table:
    accuracy = any(e.accuracy is not None for e in history)
    test = any(e.test_cost is not None for e in history)
    columns = ["Epoch", "Cost"] + (["Accuracy"] if accuracy else [])
    columns += (["Test cost"] + (["Test accuracy"] if accuracy else [])) if test else []
    table = house_table("Training", *columns, right=columns, fold=False)
    for e in (history[n - 1] for n in shown_epochs(len(history), every)):
        row = [str(e.epoch), _cost(e.cost)] + ([_percent(e.accuracy)] if accuracy else [])
        if test:
            row += [_cost(e.test_cost)] + ([_percent(e.test_accuracy)] if accuracy else [])
        table.add_row(*row)
    return table


def render(
    history: Sequence[Epoch],
    *,
    chart: bool,
    notes: Sequence[str] = (),
    every: int | None = None,
) -> RenderableType:
    parts: list[RenderableType] = [epoch_table(history, every=every)]
    shown = len(shown_epochs(len(history), every))
    if shown < len(history):
        parts.append(Text(f"{shown} of {len(history)} epochs shown; --every N: a row every N"))
    if chart:
        parts.append(Text("Cost per epoch"))
        parts.append(Text(cost_chart([e.cost for e in history])))
    parts.extend(Text(safe_text(note)) for note in notes)  # notes name the user's files
    return Group(*parts)
