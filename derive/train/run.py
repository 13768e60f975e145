"""``derive train`` minus the edges: load the network and its data, train, and return the run.

The caller passes ``progress``, a context-manager factory (batches per epoch, epochs) → a
callback after each batch, so that only the CLI draws the progress bar; the CLI also writes the
trained network and the plot, and renders the history.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import UsageError
from ..functions import COSTS
from ..spec.limits import TRAIN, Limits
from ..spec.load import load_network
from ..spec.network import Network
from .data import Data, load_data, number
from .model import Dtype, NumpyModel, model_from_network
from .sgd import Epoch, Plan, evaluate, train
from .weights import with_model

# after each batch: (epoch, batch, the epoch's cost at its last batch, else None); the cost is
# a function, so that it is computed only where a progress bar shows it
Advance = Callable[[int, int, Callable[[], float] | None], None]
ProgressFactory = Callable[[int, int], AbstractContextManager[Advance]]


@dataclass(frozen=True)
class TrainingRun:
    """What a training run produced: the cost per epoch and the network with trained weights."""

    history: list[Epoch]
    trained: Network
    summary: str  # one line: examples, batch size, η, seed

    @property
    def costs(self) -> list[float]:
        return [e.cost for e in self.history]

    @property
    def test_costs(self) -> list[float]:
        return [e.test_cost for e in self.history if e.test_cost is not None]


def run_training(
    file: Path,
    *,
    epochs: int,
    batch_size: int,
    lr: float | None,
    seed: int,
    dtype: Dtype = "float64",
    progress: ProgressFactory | None = None,
    limits: Limits = TRAIN,
) -> TrainingRun:
    network = load_network(file, limits=limits)
    if not COSTS[network.cost].targets:
        raise UsageError(
            f"{network.source}: cost: none has nothing to minimize; "
            "derive train needs a cost (derive explain and verify take the file)"
        )
    data = load_data(network, seed=seed, limits=limits)
    model = model_from_network(network, dtype=dtype)
    rate = lr if lr is not None else _file_rate(network)
    if not (math.isfinite(rate) and rate > 0):
        raise UsageError(f"the learning rate must be a positive number, not {rate}")
    plan = Plan(epochs=epochs, batch_size=batch_size, lr=rate, seed=seed)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        history = _train(model, data, plan=plan, progress=progress)
    _check_finite(history, rate)
    summary = _summary(data.x.shape[1], data.test, plan)
    return TrainingRun(history=history, trained=with_model(network, model), summary=summary)


def _train(
    model: NumpyModel, data: Data, *, plan: Plan, progress: ProgressFactory | None
) -> list[Epoch]:
    if progress is None:
        return train(model, (data.x, data.y), plan=plan, test=data.test)
    batches = math.ceil(data.x.shape[1] / plan.batch_size)
    with progress(batches, plan.epochs) as advance:

        def on_batch(epoch: int, batch: int) -> None:
            # at an epoch's last batch the model is as the epoch leaves it: its cost is the one
            # the history will hold
            cost = (lambda: evaluate(model, data.x, data.y)[0]) if batch == batches else None
            advance(epoch, batch, cost)

        return train(model, (data.x, data.y), plan=plan, test=data.test, progress=on_batch)


def _file_rate(network: Any) -> float:
    values = dict(network.values)
    return number(network.learning_rate, values, source=network.source, place="learning_rate")


def _check_finite(history: list[Epoch], rate: float) -> None:
    for e in history:
        if not math.isfinite(e.cost):
            raise UsageError(
                f"training diverged at epoch {e.epoch} (the cost is {e.cost}); "
                f"try a learning rate smaller than {rate:g}"
            )


def _summary(n_train: int, test: Any, plan: Plan) -> str:
    held = f", {test[0].shape[1]:,} held out for testing" if test is not None else ""
    return (
        f"{n_train:,} training example{'' if n_train == 1 else 's'}{held}; "
        f"batch size {plan.batch_size}, "
        f"η = {plan.lr:g}, seed {plan.seed}"
    )
