"""``derive train``: mini-batch SGD with the NumPy trainer, a progress bar and a cost table."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from .app import NetworkFile, app, emit, handled


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


def _run(file: Path, options: dict[str, Any]) -> Any:
    with handled():
        from ..training import run_training

        return run_training(file, progress=_progress, **options)


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
    options = dict(epochs=epochs, batch_size=batch_size, lr=lr, seed=seed, output=output, plot=plot)
    emit(_run(file, options))
