"""Training data for the NumPy trainer: (X, Y) arrays with one column per example.

Three sources: the network file's ``examples``; a CSV file named under ``data: {csv: …,
target_columns: […]}``; or the 8×8 handwritten digits that scikit-learn ships offline
(``data: {builtin: digits}``, the optional extra ``derive-backprop[digits]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..spec.limits import TRAIN, Limits, check_examples
from ..spec.network import Entry, Network
from ..spec.rows import MAX_CSV_BYTES, Array, digit_rows, read_csv

__all__ = ["MAX_CSV_BYTES", "Array", "Data", "digits", "load_data", "read_csv"]


@dataclass(frozen=True)
class Data:
    x: Array  # inputs × examples
    y: Array  # targets × examples
    test: tuple[Array, Array] | None = None  # held-out split
    origin: str = "examples"


def number(entry: Entry, values: dict[str, float], *, source: str, place: str) -> float:
    """A weight, bias, input or target as a float; a symbol needs a number under values:."""
    if isinstance(entry, str):
        if entry not in values:
            raise InputError(
                source,
                place,
                f"the trainer needs numbers; give symbol {entry!r} a value under values:",
            )
        return values[entry]
    return float(entry)


def is_classifier(y: Array) -> bool:
    """Targets of 0s and 1s, one 1 per column (or a single 0/1 output)."""
    binary = bool(np.isin(y, (0.0, 1.0)).all())
    return binary and (y.shape[0] == 1 or bool((y.sum(axis=0) == 1).all()))


def load_data(network: Network, *, seed: int = 0, limits: Limits = TRAIN) -> Data:
    """The network's training data, with a seeded held-out split for CSV and digits; no more
    examples than ``limits`` allow."""
    spec = getattr(network, "data", None)  # the optional top-level ``data:`` key
    if spec is None:
        x, y = examples(network)
        return Data(x, y)
    if getattr(spec, "builtin", None) is not None:
        x, y = digits(network, spec.builtin)
        origin = f"builtin {spec.builtin}"
    else:
        x, y = read_csv(Path(spec.csv), tuple(spec.target_columns))
        origin = str(spec.csv)
    _check_shape(network, x, y, origin)
    check_examples(origin, x.shape[1], limits)
    return split(x, y, test_fraction=float(getattr(spec, "test_fraction", 0.2)), seed=seed)


def examples(network: Network) -> tuple[Array, Array]:
    values = dict(network.values)

    def column(entries: tuple[Any, ...], place: str) -> list[float]:
        return [number(e, values, source=network.source, place=place) for e in entries]

    xs = [column(ex.input, f"examples[{i}].input") for i, ex in enumerate(network.examples)]
    ys = [column(ex.target, f"examples[{i}].target") for i, ex in enumerate(network.examples)]
    return np.array(xs, dtype=float).T, np.array(ys, dtype=float).T


def split(x: Array, y: Array, *, test_fraction: float, seed: int) -> Data:
    """A seeded shuffle, then the last ``test_fraction`` of the examples held out."""
    n = x.shape[1]
    order = np.random.default_rng(seed).permutation(n)
    n_test = min(n - 1, round(n * test_fraction))
    train, test = order[: n - n_test], order[n - n_test :]
    held = (x[:, test], y[:, test]) if n_test > 0 else None
    return Data(x[:, train], y[:, train], held, origin="")


def digits(network: Network, name: str) -> tuple[Array, Array]:
    """scikit-learn's 1,797 8×8 digits: inputs scaled to [0, 1], one-hot targets."""
    return digit_rows(network.source, name)


def _check_shape(network: Network, x: Array, y: Array, origin: str) -> None:
    inputs, outputs = network.sizes[0], network.sizes[-1]
    if x.shape[0] != inputs or y.shape[0] != outputs:
        raise InputError(
            network.source,
            "data",
            f"{origin} has {x.shape[0]} input and {y.shape[0]} target columns; "
            f"the network needs {inputs} and {outputs}",
        )
