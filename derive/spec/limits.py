"""Budgets a network file must fit before any work starts, and where it may read files from.

A network is refused as soon as its shapes are known (before any weight is drawn or read), so
that a one-line ``size: 1000000000`` costs nothing. The derivation is symbolic and slow per
step; the NumPy trainer is not: each has its own defaults.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from ..errors import OptionError

MAX_LAYERS = 1_000  # deeper than any teaching network; past it the recursion in rendering hurts


@dataclass(frozen=True)
class Limits:
    max_params: int
    max_examples: int
    allow_outside_files: bool = False  # .npy/.npz/CSV files named by the network file

    def override(
        self,
        *,
        max_params: int | None = None,
        max_examples: int | None = None,
        allow_outside_files: bool = False,
    ) -> Limits:
        """These limits with the given ones in place (None keeps the default)."""
        return replace(
            self,
            max_params=self.max_params if max_params is None else max_params,
            max_examples=self.max_examples if max_examples is None else max_examples,
            allow_outside_files=self.allow_outside_files or allow_outside_files,
        )


# 784-16-16-10 (13,002 parameters) derives in about 2 s; 2-10000-1 (30,001) took 47 s.
DERIVE = Limits(max_params=20_000, max_examples=100)
# the NumPy trainer: 784-30-10 (23,860 parameters) trains at ~100k examples/s
TRAIN = Limits(max_params=2_000_000, max_examples=1_000_000)


class LimitError(OptionError):
    """A network larger than a budget: names the file, the size, the limit and the option that
    lifts it (as the Python parameter, ``max_params``; the CLI names its flag)."""

    def __init__(self, source: str, *, what: str, size: int, limit: int, option: str) -> None:
        self.source, self.what, self.size, self.limit = source, what, size, limit
        super().__init__(option, f"{size:,} {what}")

    def message(self, flag: str) -> str:
        lift = f"; raise it with {flag} N" if flag != "--max-layers" else ""
        return (
            f"{self.source}: {self.size:,} {self.what}, more than the limit of {self.limit:,}{lift}"
        )


def check_layers(source: str, sizes: list[int], limits: Limits) -> None:
    """Refuse too many layers or parameters, from the layer sizes alone (biases counted)."""
    if len(sizes) > MAX_LAYERS:
        raise LimitError(
            source, what="layers", size=len(sizes), limit=MAX_LAYERS, option="max_layers"
        )
    params = sum(n * (before + 1) for before, n in itertools.pairwise(sizes))
    if params > limits.max_params:
        raise LimitError(
            source, what="parameters", size=params, limit=limits.max_params, option="max_params"
        )


def check_examples(source: str, count: int, limits: Limits) -> None:
    if count > limits.max_examples:
        raise LimitError(
            source, what="examples", size=count, limit=limits.max_examples, option="max_examples"
        )
