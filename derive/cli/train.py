"""``derive train``: mini-batch SGD with the NumPy trainer, a progress bar and a cost table."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UsageError
from .app import NetworkFile, app, emit, handled
from .files import write_atomically


@contextmanager
def _progress(batches: int, epochs: int) -> Iterator[Any]:
    """A transient bar on stderr, so stdout stays the deterministic table."""
    from rich.console import Console  # imported here: explain's start-up does not pay for it
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("training", total=batches * epochs)

        def advance(epoch: int, batch: int) -> None:
            bar.update(task, advance=1, description=f"epoch {epoch}/{epochs} batch {batch}")

        yield advance


def _run(file: Path, options: dict[str, Any], *, output: Path | None, plot: Path | None) -> Any:
    """Train, write the -o and --plot files, and return the report."""
    from ..render.reports.plot import cost_plot
    from ..render.reports.train import render
    from ..spec.write import to_yaml
    from ..train.run import run_training

    if options["lr"] is not None and not (math.isfinite(options["lr"]) and options["lr"] > 0):
        raise UsageError(f"--lr must be a positive number, not {options['lr']}")
    run = run_training(file, progress=_progress, **options)
    notes = [run.summary]
    if output is not None:
        write_atomically(output, to_yaml(run.trained, destination=output), force=True)
        notes.append(f"Trained network written to {output}")
    if plot is not None:
        fmt = plot.suffix.lstrip(".").lower() or "png"
        write_atomically(plot, cost_plot(run.costs, test=run.test_costs, fmt=fmt), force=True)
        notes.append(f"Cost curve saved to {plot}")
    return render(run.history, chart=plot is None, notes=notes)


@app.command()
def train(
    file: NetworkFile,
    epochs: Annotated[int, typer.Option(min=1, help="Passes over the training data.")] = 10,
    batch_size: Annotated[int, typer.Option(min=1, help="Examples per SGD step.")] = 10,
    lr: Annotated[float | None, typer.Option(help="Learning rate η (default: the file's).")] = None,
    seed: Annotated[int, typer.Option(help="Seed for the shuffle and the test split.")] = 0,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the trained network.")
    ] = None,
    plot: Annotated[
        Path | None, typer.Option(help="Save the cost curve (needs matplotlib).")
    ] = None,
) -> None:
    """Train the network by mini-batch SGD (NumPy) and show the cost per epoch.

    Example: derive train cases/blog-2-3-1.yaml --epochs 20 --batch-size 1 -o trained.yaml
    """
    options = dict(epochs=epochs, batch_size=batch_size, lr=lr, seed=seed)
    with handled():
        emit(_run(file, options, output=output, plot=plot))
