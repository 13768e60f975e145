"""``derive verify`` as rich tables: returns a renderable, never prints."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ...derivation.names import display
from ...numbers.rounding import significant
from ...verify import VerifyReport
from ..safe import safe_text
from ..tables import house_table

VALUE_DIGITS = 12  # a gradient, enough digits to see a 1e-9 relative disagreement
DIFF_DIGITS = 2


def _table(title: str, *columns: str) -> Table:
    right = [c for c in columns if c not in ("Parameter", "")]
    return house_table(title, *columns, right=right, fold=False)


def _v(value: float) -> str:
    return significant(value, VALUE_DIGITS)


def _d(value: float) -> str:
    # below 1e-12 a difference is round-off whatever its digits; show it as such
    return "<1e-12" if value < 1e-12 else significant(value, DIFF_DIGITS)


def render(report: VerifyReport) -> RenderableType:
    return Group(
        Text(f"Gradient check: {safe_text(report.title)}", style="bold"),
        *(Text(note) for note in report.notes),
        _gradients(report),
        _layers(report),
        _trajectory(report),
        _verdict(report),
    )


def _gradients(report: VerifyReport) -> Table:
    table = _table(
        "∂C/∂p by three routes",
        "Parameter",
        "SymPy chain rule",
        "NumPy backprop",
        "Finite difference",
        "|SymPy − NumPy|",
        "|FD − NumPy|",
        "",
    )
    for p in report.parameters:
        table.add_row(
            display(p.name),
            _v(p.sympy),
            _v(p.numpy),
            _v(p.fd),
            _d(abs(p.sympy - p.numpy)),
            _d(abs(p.fd - p.numpy)),
            "ok" if p.ok else "DISAGREE",
        )
    return table


def _layers(report: VerifyReport) -> Table:
    table = _table(
        "Largest differences per layer",
        "Layer",
        "abs SymPy−NumPy",
        "rel SymPy−NumPy",
        "abs FD−NumPy",
        "rel FD−NumPy",
    )
    for s in report.layers:
        table.add_row(str(s.layer), _d(s.sympy_abs), _d(s.sympy_rel), _d(s.fd_abs), _d(s.fd_rel))
    return table


def _trajectory(report: VerifyReport) -> Table:
    steps = len(report.trajectory)
    table = _table(
        f"Gradient descent, {steps} steps: SymPy new_p vs NumPy",
        "Step",
        "Largest abs diff",
        "Largest rel diff",
        "Disagreeing",
    )
    for s in report.trajectory:
        table.add_row(str(s.step), _d(s.max_abs), _d(s.max_rel), ", ".join(s.disagreeing) or "-")
    return table


def _verdict(report: VerifyReport) -> Text:
    tol = report.tolerance
    rule = (
        f"rtol {tol.rtol:g}/atol {tol.atol:g} (SymPy–NumPy), "
        f"rtol {tol.fd_rtol:g}/atol {tol.fd_atol:g}/h {tol.h:g} (FD)"
    )
    if report.ok:
        return Text(f"All gradients agree ({len(report.parameters)} parameters) within {rule}.")
    return Text(
        f"DISAGREE within {rule}: " + ", ".join(display(n) for n in report.disagreeing),
        style="bold",
    )
