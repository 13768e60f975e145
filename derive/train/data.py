"""Training data for the NumPy trainer: (X, Y) arrays with one column per example.

Three sources: the network file's ``examples``; a CSV file named under ``data: {csv: …,
target_columns: […]}``; or the 8×8 handwritten digits that scikit-learn ships offline
(``data: {builtin: digits}``, the optional extra ``derive-backprop[digits]``).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..spec.limits import TRAIN, Limits, check_examples
from ..spec.network import Entry, Network
from ..spec.reader import open_regular, read_at_most, short

# MNIST's 60,000 training digits as CSV take about 110 MB
MAX_CSV_BYTES = 256 * 2**20

Array = Any  # numpy ships types, but shapes are what matters here and they are in docstrings


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


def read_csv(path: Path, targets: tuple[str, ...]) -> tuple[Array, Array]:
    """A CSV with a header row: ``targets`` are the target columns, every other column an input."""
    rows = _csv_rows(path)
    source = str(path)
    if len(rows) < 2:
        raise InputError(source, "", "expected a header row and at least one data row")
    header = [h.strip() for h in rows[0]]
    missing = [t for t in targets if t not in header]
    if missing or not targets:
        raise InputError(
            source,
            "header",
            f"no target column {short(missing[0])!r}; columns are {short(', '.join(header))}"
            if missing
            else "expected at least one target column",
        )
    table = np.array([_row(row, header, source, line) for line, row in enumerate(rows[1:], 2)])
    is_target = np.array([h in targets for h in header])
    target_order = [header.index(t) for t in targets]
    return table[:, ~is_target].T.copy(), table[:, target_order].T.copy()


def _csv_rows(path: Path) -> list[list[str]]:
    """The rows of a regular file of at most MAX_CSV_BYTES (a FIFO or a device is refused
    before it is opened: one would block, the other never end)."""
    source = str(path)

    def fail(problem: str) -> InputError:
        return InputError(source, "", "no such data file" if problem == "no such file" else problem)

    try:
        with open_regular(path, max_bytes=MAX_CSV_BYTES, fail=fail) as handle:
            data = read_at_most(handle, max_bytes=MAX_CSV_BYTES, fail=fail)
        text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
        return list(csv.reader(text))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(source, "", f"cannot read as CSV: {short(exc)}") from None


def _row(row: list[str], header: list[str], source: str, line: int) -> list[float]:
    if len(row) != len(header):
        raise InputError(
            source, f"row {line - 1}", f"expected {len(header)} values, got {len(row)}", line=line
        )
    out = []
    for name, text in zip(header, row, strict=True):
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            shown = text if len(text) <= 20 else text[:17] + "..."
            raise InputError(
                source,
                f"column {short(name)!r}",
                f"expected a finite number, got {shown!r}",
                line=line,
            )
        out.append(value)
    return out


def digits(network: Network, name: str) -> tuple[Array, Array]:
    """scikit-learn's 1,797 8×8 digits: inputs scaled to [0, 1], one-hot targets."""
    if name != "digits":
        raise InputError(
            network.source, "data.builtin", f"unknown data set {name!r}; expected digits"
        )
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise InputError(
            network.source,
            "data.builtin",
            "the digits need scikit-learn: pip install 'derive-backprop[digits]'",
        ) from None
    bunch = load_digits()
    x = np.asarray(bunch.data, dtype=float).T / 16.0
    y = np.eye(10)[np.asarray(bunch.target)].T
    return x, y


def _check_shape(network: Network, x: Array, y: Array, origin: str) -> None:
    inputs, outputs = network.sizes[0], network.sizes[-1]
    if x.shape[0] != inputs or y.shape[0] != outputs:
        raise InputError(
            network.source,
            "data",
            f"{origin} has {x.shape[0]} input and {y.shape[0]} target columns; "
            f"the network needs {inputs} and {outputs}",
        )
