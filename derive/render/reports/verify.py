"""``derive verify`` as rich tables: returns a renderable, never prints."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from ...derivation.names import display
from ...numbers.rounding import significant
from ...verify import VerifyReport
from ..safe import safe_text
from ..tables import table_of

VALUE_DIGITS = 12  # a gradient, enough digits to see a 1e-9 relative disagreement
DIFF_DIGITS = 2


def _table(title: str, columns: tuple[str, ...], rows: list[list[str | Text]]) -> RenderableType:
    right = [c for c in columns if c not in ("Parameter", "Layer", "")]
    return table_of(title, columns, rows, right=right, fold=False)


def _v(value: float) -> str:
    return significant(value, VALUE_DIGITS)


def _d(value: float) -> str:
    # below 1e-12 a difference is round-off whatever its digits; show it as such
    return "<1e-12" if value < 1e-12 else significant(value, DIFF_DIGITS)


def render(report: VerifyReport) -> RenderableType:
    return Group(
        Text(f"Gradient check: {safe_text(report.title)}", style="bold"),
        *(Text(note) for note in report.notes),
        *([Text(f"{report.sample} --all: every parameter.")] if report.sample else []),
        _gradients(report),
        _layers(report),
        *([_trajectory(report)] if report.trajectory else []),  # --steps 0: none compared
        _verdict(report),
    )


def _gradients(report: VerifyReport) -> RenderableType:
    """Every parameter; on a sample, the sampled ones and any other that disagrees."""
    columns = (
        "Parameter",
        "SymPy chain rule",
        "NumPy backprop",
        "Finite difference",
        "|SymPy − NumPy|",
        "|FD − NumPy|",
        "",
    )
    rows: list[list[str | Text]] = [
        [
            display(p.name),
            _v(p.sympy),
            _v(p.numpy),
            "-" if p.fd is None else _v(p.fd),
            _d(abs(p.sympy - p.numpy)),
            "-" if p.fd is None else _d(abs(p.fd - p.numpy)),
            _mark("ok" if p.ok else "DISAGREE", ok=p.ok),
        ]
        for p in report.parameters
        if p.fd is not None or not p.ok
    ]
    shown = f", {len(rows):,} of {len(report.parameters):,} shown" if report.sample else ""
    return _table(f"∂C/∂p by three routes{shown}", columns, rows)


def _layers(report: VerifyReport) -> RenderableType:
    columns = ("Layer", "abs SymPy−NumPy", "rel SymPy−NumPy", "abs FD−NumPy", "rel FD−NumPy")
    rows: list[list[str | Text]] = [
        [s.label, _d(s.sympy_abs), _d(s.sympy_rel), _d(s.fd_abs), _d(s.fd_rel)]
        for s in report.layers
    ]
    return _table("Largest differences per layer", columns, rows)


def _trajectory(report: VerifyReport) -> RenderableType:
    n = len(report.trajectory)
    title = f"Gradient descent, {n} step{'s' if n > 1 else ''}: SymPy new_p vs NumPy"
    columns = ("Step", "Largest abs diff", "Largest rel diff", "Disagreeing")
    rows: list[list[str | Text]] = [
        [str(s.step), _d(s.max_abs), _d(s.max_rel), ", ".join(s.disagreeing) or "-"]
        for s in report.trajectory
    ]
    return _table(title, columns, rows)


def _verdict(report: VerifyReport) -> Text:
    tol = report.tolerance
    rule = (
        f"rtol {tol.rtol:g}/atol {tol.atol:g} (SymPy–NumPy), "
        f"rtol {tol.fd_rtol:g}/atol {tol.fd_atol:g}/h {tol.h:g} (FD)"
    )
    if report.ok:
        n = len(report.parameters)
        count = f"{n:,} parameter{'s' if n > 1 else ''}"
        if report.sample:
            count += f", finite differences on {len(report.sampled):,}"
        every = "All gradients agree" if n > 1 else "The gradient agrees"
        return _mark(f"{every} ({count}) within {rule}.")
    disagreeing = ", ".join(display(n) for n in report.disagreeing)
    return _mark(f"DISAGREE within {rule}: {disagreeing}", ok=False, style="bold")


def _mark(text: str, *, ok: bool = True, style: str = "") -> Text:
    """✓ in green or ✗ in red before the text: a verdict that reads without colour too."""
    return Text.assemble(("✓" if ok else "✗", "green" if ok else "red"), " ", (text, style))
