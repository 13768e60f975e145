"""The cost curve as an image (matplotlib, the optional extra ``derive-backprop[plot]``)."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from ...errors import UsageError


def cost_plot(costs: Sequence[float], *, test: Sequence[float] = (), fmt: str = "png") -> bytes:
    """The training (and test) cost per epoch as an image in ``fmt`` (png, svg, pdf, …)."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display needed
        import matplotlib.pyplot as plt
    except ImportError:
        hint = "pip install 'derive-backprop[plot]'"
        raise UsageError(f"the cost plot needs matplotlib: {hint}") from None
    fig, ax = plt.subplots(figsize=(6, 4))
    epochs = range(1, len(costs) + 1)
    ax.plot(epochs, costs, marker="o", label="training cost")
    if test:
        ax.plot(epochs, test, marker="s", label="test cost")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost")
    ax.legend()
    buffer = BytesIO()
    try:
        fig.savefig(buffer, format=fmt)
    except ValueError as exc:  # an image format matplotlib does not write
        raise UsageError(f"cannot draw the cost plot as {fmt!r}: {exc}") from None
    finally:
        plt.close(fig)
    return buffer.getvalue()
