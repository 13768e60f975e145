"""The cost curve as an image (matplotlib, the optional extra ``derive-backprop[plot]``)."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from ...errors import UsageError
from .train import LOG_SPAN


def cost_plot(
    costs: Sequence[float], *, test: Sequence[float] = (), fmt: str = "png", title: str = ""
) -> bytes:
    """The training (and test) cost per epoch as an image in ``fmt`` (png, svg, pdf, …), under
    the network's ``title``; on a log scale when the cost spans a factor of LOG_SPAN or more."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display needed
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        hint = "pip install 'derive-backprop[plot]'"
        raise UsageError(f"the cost plot needs matplotlib: {hint}") from None
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    epochs = range(1, len(costs) + 1)
    marker = "o" if len(costs) <= 50 else None  # a dot per epoch while they stay apart
    ax.plot(epochs, costs, label="training cost", marker=marker, markersize=3)
    if test:
        ax.plot(epochs, test, label="test cost", linestyle="--", marker=marker, markersize=3)
    values = [c for c in (*costs, *test) if c > 0]
    if values and len(values) == len(costs) + len(test) and max(values) >= LOG_SPAN * min(values):
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost")
    # the user's text as written: a $ would start matplotlib's math notation
    ax.set_title(title.replace("$", r"\$"), fontsize=11)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    buffer = BytesIO()
    try:
        fig.savefig(buffer, format=fmt)
    except ValueError as exc:  # an image format matplotlib does not write
        raise UsageError(f"cannot draw the cost plot as {fmt!r}: {exc}") from None
    finally:
        plt.close(fig)
    return buffer.getvalue()
