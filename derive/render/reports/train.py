"""``derive train`` results as rich renderables: the per-epoch table and a terminal cost chart."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ...numbers.rounding import format_number, significant
from ...train.sgd import Epoch
from ..safe import safe_text
from ..tables import house_table

DECIMALS = 6
HEIGHT = 8  # the terminal cost chart's rows
WIDTH = 60


def cost_chart(costs: Sequence[float], *, height: int = HEIGHT, width: int = WIDTH) -> str:
    """Cost against epoch as rows of '•'; at most ``width`` columns (epochs are sampled evenly)."""
    if not costs:
        return ""
    columns = _sample(list(costs), width)
    top, bottom = max(columns), min(columns)
    span = top - bottom or 1.0
    rows = [[" "] * len(columns) for _ in range(height)]
    for x, c in enumerate(columns):
        level = round((c - bottom) / span * (height - 1))
        rows[height - 1 - level][x] = "•"
    labels = [significant(top, 4), *[""] * (height - 2), significant(bottom, 4)]
    pad = max(len(label) for label in labels)
    lines = [f"{label:>{pad}} │{''.join(row)}" for label, row in zip(labels, rows, strict=True)]
    lines.append(" " * pad + " └" + "─" * len(columns))
    lines.append(" " * pad + f"  epoch 1 … {len(costs)}")
    return "\n".join(lines)


def _sample(values: list[float], width: int) -> list[float]:
    if len(values) <= width:
        return values
    return [values[round(i * (len(values) - 1) / (width - 1))] for i in range(width)]


def _cost(value: float | None) -> str:
    if value is None:
        return "-"
    # a large cost (early epochs, high η) in significant digits, not 40 digits before the point
    return format_number(value, DECIMALS) if abs(value) < 1e6 else significant(value, 6)


def _percent(value: float | None) -> str:
    return "-" if value is None else format_number(100 * value, 2) + "%"


def epoch_table(history: Sequence[Epoch]) -> Table:
    accuracy = any(e.accuracy is not None for e in history)
    test = any(e.test_cost is not None for e in history)
    columns = ["Epoch", "Cost"] + (["Accuracy"] if accuracy else [])
    columns += (["Test cost"] + (["Test accuracy"] if accuracy else [])) if test else []
    table = house_table("Training", *columns, right=columns, fold=False)
    for e in history:
        row = [str(e.epoch), _cost(e.cost)] + ([_percent(e.accuracy)] if accuracy else [])
        if test:
            row += [_cost(e.test_cost)] + ([_percent(e.test_accuracy)] if accuracy else [])
        table.add_row(*row)
    return table


def render(history: Sequence[Epoch], *, chart: bool, notes: Sequence[str] = ()) -> RenderableType:
    parts: list[RenderableType] = [epoch_table(history)]
    if chart:
        parts.append(Text("Cost per epoch"))
        parts.append(Text(cost_chart([e.cost for e in history])))
    parts.extend(Text(safe_text(note)) for note in notes)  # notes name the user's files
    return Group(*parts)
