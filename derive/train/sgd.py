"""Mini-batch stochastic gradient descent over the NumPy trainer (backprop.py): epochs with a
seeded shuffle, evaluation, and the BLAS threading choice for small batches."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from .backprop import Progress, Workspace, cost, outputs
from .data import Array, is_classifier
from .model import NumpyModel, with_ones


@dataclass(frozen=True)
class Epoch:
    epoch: int
    cost: float
    accuracy: float | None
    test_cost: float | None = None
    test_accuracy: float | None = None


def accuracy(model: NumpyModel, x: Array, y: Array) -> float:
    a = outputs(model, x)
    if y.shape[0] == 1:
        return float(((a[0] >= 0.5) == (y[0] >= 0.5)).mean())
    return float((a.argmax(axis=0) == y.argmax(axis=0)).mean())


def evaluate(model: NumpyModel, x: Array, y: Array) -> tuple[float, float | None]:
    return cost(model, x, y), accuracy(model, x, y) if is_classifier(y) else None


@dataclass(frozen=True)
class Plan:
    epochs: int
    batch_size: int
    lr: float
    seed: int = 0


def sgd_epoch(
    model: NumpyModel,
    rows: tuple[Array, Array],
    *,
    plan: Plan,
    rng: Any,
    on_batch: Callable[[int], None] | None = None,
    spaces: dict[int, Workspace] | None = None,
) -> None:
    """One pass of mini-batch SGD. ``rows`` hold one example per row (C order, ``as_rows``).
    The seeded shuffle's rows are gathered a chunk of batches at a time (one copy of whole
    rows, not one per batch); each batch is then a slice of the chunk, whose transpose is the
    first layer's input block. ``spaces`` keeps the workspaces (one per batch size) from epoch
    to epoch. The caller limits BLAS threads (``blas_threads``) around its epochs."""
    spaces = {} if spaces is None else spaces
    order = rng.permutation(rows[0].shape[0])
    size, lr, batch = plan.batch_size, plan.lr, 0
    chunk = size * max(1, CHUNK_ROWS // size)
    for at in range(0, len(order), chunk):
        x, y = (np.take(part, order[at : at + chunk], axis=0) for part in rows)
        for start in range(0, x.shape[0], size):
            first, target = x[start : start + size].T, y[start : start + size].T
            n = first.shape[1]
            ws = spaces.get(n) or spaces.setdefault(n, Workspace(model, n))
            ws.step(first, target, lr)
            batch += 1
            if on_batch is not None:
                on_batch(batch)


def as_rows(model: NumpyModel, data: tuple[Array, Array]) -> tuple[Array, Array]:
    """Examples one per row, C order, inputs followed by a 1 when the first layer has biases:
    gathering a batch is then one copy of whole rows, ready for [W | b]·[x; 1]."""
    x, y = data
    rows = with_ones(model, x).T, y.astype(model.dtype, copy=False).T
    return np.ascontiguousarray(rows[0]), np.ascontiguousarray(rows[1])


SMALL_BATCH = 256
# examples gathered at once: 250 KB of 784 float64 inputs stay in the core's cache while
# their batches are multiplied (1,024, 6 MB, made a batch of 10 about 10% slower)
CHUNK_ROWS = 40


def blas_threads(batch_size: int) -> AbstractContextManager[Any]:
    """One BLAS thread for small batches when threadpoolctl is installed (it comes with the
    digits extra): OpenBLAS's threads cost more than they save on 30×784×32 products and, on a
    busy 2-core machine, made batch 32 ten times slower than batch 10 (docs/training.md)."""
    if batch_size > SMALL_BATCH:
        return nullcontext()
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")  # type: ignore[no-any-return]


def train(
    model: NumpyModel,
    data: tuple[Array, Array],
    *,
    plan: Plan,
    test: tuple[Array, Array] | None = None,
    progress: Progress | None = None,
) -> list[Epoch]:
    """Mini-batch SGD with a seeded shuffle each epoch; the model is updated in place."""
    x, y = data
    rows = as_rows(model, data)
    rng = np.random.default_rng(plan.seed)
    history, spaces = [], {}  # type: ignore[var-annotated]
    with blas_threads(plan.batch_size):  # once per run: finding the BLAS libraries takes ms
        for epoch in range(1, plan.epochs + 1):
            on_batch = None if progress is None else partial(progress, epoch)
            sgd_epoch(model, rows, plan=plan, rng=rng, on_batch=on_batch, spaces=spaces)
            c, acc = evaluate(model, x, y)
            tc, tacc = evaluate(model, *test) if test is not None else (None, None)
            history.append(Epoch(epoch, c, acc, tc, tacc))
    return history
