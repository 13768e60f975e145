"""A small terminal chart of the cost per epoch (the fallback when --plot is not given)."""

from __future__ import annotations

from collections.abc import Sequence

from .rounding import significant

HEIGHT = 8
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


def save_plot(costs: Sequence[float], path: str, *, test: Sequence[float] = ()) -> None:
    """The cost curve as an image (matplotlib, the optional extra ``derive[plot]``)."""
    from .errors import InputError, UsageError

    try:
        import matplotlib

        matplotlib.use("Agg")  # no display needed
        import matplotlib.pyplot as plt
    except ImportError:
        raise UsageError("--plot needs matplotlib: pip install 'derive[plot]'") from None
    fig, ax = plt.subplots(figsize=(6, 4))
    epochs = range(1, len(costs) + 1)
    ax.plot(epochs, costs, marker="o", label="training cost")
    if test:
        ax.plot(epochs, test, marker="s", label="test cost")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost")
    ax.legend()
    try:
        fig.savefig(path)
    except (OSError, ValueError) as exc:
        raise InputError(path, "", f"cannot write the plot: {exc}") from None
    finally:
        plt.close(fig)
