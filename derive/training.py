"""``derive train`` end to end, minus the terminal: load, train, write, plot, render.

The caller passes ``progress``, a context-manager factory (batches per epoch, epochs) → a
callback after each batch, so that only the CLI draws the progress bar.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import numpy as np

from .errors import UsageError
from .loader import load_network
from .sgd import Epoch, Plan, train
from .train_data import load_data, number
from .trainer import model_from_network
from .writer import with_model, write_network

ProgressFactory = Callable[[int, int], AbstractContextManager[Callable[[int, int], None]]]


def run_training(
    file: Path,
    *,
    epochs: int,
    batch_size: int,
    lr: float | None,
    seed: int,
    output: Path | None = None,
    plot: Path | None = None,
    progress: ProgressFactory | None = None,
) -> Any:
    from .chart import save_plot
    from .render.train_tables import render

    network = load_network(file)
    data = load_data(network, seed=seed)
    model = model_from_network(network)
    rate = lr if lr is not None else _file_rate(network)
    if not (math.isfinite(rate) and rate > 0):
        raise UsageError(f"--lr must be a positive number, not {rate}")
    plan = Plan(epochs=epochs, batch_size=batch_size, lr=rate, seed=seed)
    batches = math.ceil(data.x.shape[1] / batch_size)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if progress is None:
            history = train(model, (data.x, data.y), plan=plan, test=data.test)
        else:
            with progress(batches, epochs) as advance:
                history = train(
                    model, (data.x, data.y), plan=plan, test=data.test, progress=advance
                )
    _check_finite(history, rate)
    notes = [_summary(data.x.shape[1], data.test, plan)]
    if output is not None:
        write_network(with_model(network, model), output)
        notes.append(f"Trained network written to {output}")
    if plot is not None:
        save_plot([e.cost for e in history], str(plot), test=_test_costs(history))
        notes.append(f"Cost curve saved to {plot}")
    return render(history, chart=plot is None, notes=notes)


def _file_rate(network: Any) -> float:
    values = dict(network.values)
    return number(network.learning_rate, values, source=network.source, place="learning_rate")


def _check_finite(history: list[Epoch], rate: float) -> None:
    for e in history:
        if not math.isfinite(e.cost):
            raise UsageError(
                f"training diverged at epoch {e.epoch} (the cost is {e.cost}); "
                f"try a smaller --lr than {rate:g}"
            )


def _test_costs(history: list[Epoch]) -> list[float]:
    return [e.test_cost for e in history if e.test_cost is not None]


def _summary(n_train: int, test: Any, plan: Plan) -> str:
    held = f", {test[0].shape[1]} held out for testing" if test is not None else ""
    return (
        f"{n_train} training examples{held}; batch size {plan.batch_size}, "
        f"η = {plan.lr:g}, seed {plan.seed}"
    )
