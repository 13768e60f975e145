"""Rows of training data as arrays: a CSV file with a header, or scikit-learn's 8×8 digits.

The loader reads them to resolve ``examples: {from_data: K}`` into ordinary examples, and the
trainer (train/data.py) reads them to train; both get the same rows in the same order. NumPy
is imported when a file is read, so that ``derive --help`` does not load it.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

from ..errors import InputError
from .files import open_regular, read_at_most
from .reader import short

# MNIST's 60,000 training digits as CSV take about 110 MB
MAX_CSV_BYTES = 256 * 2**20

Array = Any  # numpy ships types, but shapes are what matters here and they are in docstrings


def read_csv(path: Path, targets: tuple[str, ...]) -> tuple[Array, Array]:
    """A CSV with a header row: ``targets`` are the target columns, every other column an input.
    (inputs × rows, targets × rows)."""
    import numpy as np

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


def digit_rows(source: str, name: str) -> tuple[Array, Array]:
    """scikit-learn's 1,797 8×8 digits: inputs scaled to [0, 1], one-hot targets."""
    import numpy as np

    if name != "digits":
        raise InputError(source, "data.builtin", f"unknown data set {name!r}; expected digits")
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise InputError(
            source,
            "data.builtin",
            "the digits need scikit-learn: pip install 'derive-backprop[digits]'",
        ) from None
    bunch = load_digits()
    x = np.asarray(bunch.data, dtype=float).T / 16.0
    y = np.eye(10)[np.asarray(bunch.target)].T
    return x, y
