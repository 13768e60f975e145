"""``derive explain --nudge w6=0.01``: the first-order prediction ΔC ≈ Σ ∂C/∂p · Δp beside the
actual change of C (the forward pass run again), and what the prediction misses."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from ..derivation.names import display, gradient
from ..derivation.nudge import Nudges
from ..derivation.quantity import Derivation
from ..numbers.rounding import format_given, format_number, significant
from .tables import house_table

DIGITS = 4  # significant digits of a change of C: they are far below the display's decimals


def _change(value: float) -> str:
    return "0" if value == 0 else significant(value, DIGITS)


def render(d: Derivation, result: Nudges) -> RenderableType:
    title = "Nudges: to first order, ΔC ≈ ∂C/∂p · Δp"
    table = house_table(
        title,
        "Parameter",
        "Old",
        "Δp",
        "New",
        "∂C/∂p",
        "∂C/∂p · Δp",
        right=("Old", "Δp", "New", "∂C/∂p", "∂C/∂p · Δp"),
    )
    for n in result.nudges:
        table.add_row(
            n.param,
            format_number(n.old, d.decimals),
            format_given(n.delta),
            format_number(n.new, d.decimals),
            format_number(n.slope, d.decimals),
            _change(n.predicted),
        )
    totals = house_table("The change of C", "", "ΔC", right=("ΔC",))
    several = len(result.nudges) > 1
    totals.add_row(
        "predicted (first order" + (", summed)" if several else ")"), _change(result.predicted)
    )
    totals.add_row(
        f"actual: C {format_number(result.cost, d.decimals)} → "
        f"{format_number(result.nudged_cost, d.decimals)}, forward pass run again",
        _change(result.actual),
    )
    totals.add_row("difference (second order)", _change(result.second_order))
    return Group(table, totals, Text(_moral(result)))


def _moral(result: Nudges) -> str:
    """What the numbers say, in one sentence."""
    first = result.nudges[0]
    grad = display(gradient(first.param))
    miss = abs(result.second_order)
    share = f" ({miss / abs(result.actual):.1%} of it)" if result.actual else ""
    return (
        f"{grad} is how much C moves per unit of {first.param}, so the gradient predicts the "
        f"change; it misses by {_change(miss)}{share}, a second-order amount: halve every Δp and "
        "about a quarter of the miss is left."
    )
