"""``derive train`` results as rich renderables: the per-epoch table and the cost chart."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..chart import cost_chart
from ..rounding import format_number, significant
from ..sgd import Epoch

DECIMALS = 6


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
    table = Table(title="Training", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    columns = ["Epoch", "Cost"] + (["Accuracy"] if accuracy else [])
    columns += (["Test cost"] + (["Test accuracy"] if accuracy else [])) if test else []
    for column in columns:
        table.add_column(column, justify="right")
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
    parts.extend(Text(note) for note in notes)
    return Group(*parts)
