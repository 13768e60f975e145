"""``derive train``: mini-batch SGD with the NumPy trainer, a progress bar and a cost table."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UsageError
from .app import NetworkFile, app, emit, handled
from .files import check_destination, write_atomically
from .root import limits


@contextmanager
def _progress(batches: int, epochs: int) -> Iterator[Any]:
    """A transient bar on stderr, so stdout stays the deterministic table; it shows the cost
    of the last epoch done (computed only when the bar is shown)."""
    from rich.console import Console  # imported here: explain's start-up does not pay for it
    from rich.progress import Progress

    from ..numbers.rounding import format_significant

    err = Console(stderr=True)
    shown = err.is_terminal
    with Progress(console=err, transient=True, disable=not shown) as bar:
        task = bar.add_task("training", total=batches * epochs)
        last = ""

        def advance(epoch: int, batch: int, cost: Callable[[], float] | None) -> None:
            nonlocal last
            if shown and cost is not None:
                last = f" · cost {format_significant(cost(), 4)}"
            bar.update(task, advance=1, description=f"epoch {epoch}/{epochs}{last}")

        yield advance


def _check_outputs(file: Path, *, output: Path | None, plot: Path | None, force: bool) -> None:
    """Refuse the -o and --plot files before training, not after it."""
    if output is not None and plot is not None and _same(output, plot):
        raise UsageError(f"-o {output} and --plot {plot}: expected two different files")
    for option, path in (("-o", output), ("--plot", plot)):
        if path is None:
            continue
        if not force and _same(path, file):
            raise UsageError(
                f"{option} {path}: is the network file being trained; "
                "add --force to replace it (its comments and init:/file: entries are not kept)"
            )
        check_destination(path, force=force, option=option)


def _same(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve() or first.samefile(second)
    except (OSError, RuntimeError):  # a file that does not exist yet is no other file
        return False


def _run(
    file: Path,
    options: dict[str, Any],
    *,
    output: Path | None,
    plot: Path | None,
    force: bool,
    every: int | None,
) -> Any:
    """Train, write the -o and --plot files, and return the report."""
    from ..render.reports.plot import cost_plot
    from ..render.reports.train import render
    from ..spec.limits import TRAIN
    from ..spec.write import to_yaml
    from ..train.run import run_training

    if options["lr"] is not None and not (math.isfinite(options["lr"]) and options["lr"] > 0):
        raise UsageError(f"--lr must be a positive number, not {options['lr']}")
    _check_outputs(file, output=output, plot=plot, force=force)
    run = run_training(file, progress=_progress, limits=limits(TRAIN), **options)
    notes = [run.summary]
    if output is not None:
        write_atomically(output, to_yaml(run.trained, destination=output), force=force)
        notes.append(f"Trained network written to {output}")
    if plot is not None:
        fmt = plot.suffix.lstrip(".").lower() or "png"
        content = cost_plot(run.costs, test=run.test_costs, fmt=fmt, title=run.trained.title)
        write_atomically(plot, content, force=force, option="--plot")
        notes.append(f"Cost curve saved to {plot}")
    return render(run.history, chart=plot is None, notes=notes, every=every)


Epochs = Annotated[int, typer.Option(min=1, metavar="N", help="Passes over the training data.")]
BatchSize = Annotated[int, typer.Option(min=1, metavar="N", help="Examples per SGD step.")]
Rate = Annotated[
    float | None, typer.Option(metavar="RATE", help="Learning rate η (default: the file's).")
]
Seed = Annotated[
    int, typer.Option(min=0, metavar="N", help="Seed for the shuffle and the test split.")
]
Output = Annotated[
    Path | None,
    typer.Option("-o", "--output", metavar="FILE", help="Write the trained network."),
]
Plot = Annotated[
    Path | None,
    typer.Option(metavar="FILE", help="Save the cost curve (.png .svg .pdf; needs matplotlib)."),
]
Force = Annotated[bool, typer.Option(help="Overwrite existing -o and --plot files.")]


class Dtype(StrEnum):
    """The trainer's arithmetic (train/backprop.Dtype)."""

    float64 = "float64"
    float32 = "float32"


Precision = Annotated[
    Dtype,
    typer.Option(
        "--dtype", help="Floating point of the trainer: float32 is faster, float64 cross-checks."
    ),
]
Every = Annotated[
    int | None,
    typer.Option(
        min=1,
        metavar="N",
        help="A row every N epochs (default: every epoch up to 100, then log-spaced rows).",
    ),
]


@app.command()
def train(
    file: NetworkFile,
    epochs: Epochs = 10,
    batch_size: BatchSize = 10,
    lr: Rate = None,
    seed: Seed = 0,
    output: Output = None,
    plot: Plot = None,
    force: Force = False,
    every: Every = None,
    dtype: Precision = Dtype.float64,
) -> None:
    """Train the network by mini-batch SGD (NumPy) and show the cost per epoch.

    Example: derive train cases/blog-2-3-1.yaml --epochs 20 --batch-size 1 -o trained.yaml
    """
    options = dict(epochs=epochs, batch_size=batch_size, lr=lr, seed=seed, dtype=dtype.value)
    with handled():
        emit(_run(file, options, output=output, plot=plot, force=force, every=every))
