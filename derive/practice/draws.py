"""Reproducible draws: a student's numbers come from SHA-256 of the set's seed and the student's
id. Python's ``hash()`` is salted per process and a library generator's algorithm may change
between versions; a hash in counter mode gives the same variant on every machine, every year."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")
_BLOCK = 8  # bytes per draw: 64 bits


def variant_seed(seed: int, student: str) -> int:
    """The seed of one student's variant: the set's seed and the id, hashed together."""
    digest = hashlib.sha256(f"derive-practice\0{seed}\0{student}".encode()).digest()
    return int.from_bytes(digest[:_BLOCK], "big")


class Draws:
    """Integers from SHA-256 over (seed, counter): the same seed gives the same sequence."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._counter = 0
        self._pool = b""

    def below(self, n: int) -> int:
        """A whole number in [0, n), without modulo bias (64-bit blocks past the last whole
        multiple of n are drawn again)."""
        if n < 1:
            raise ValueError(f"no whole number is below {n}")
        span = 1 << (8 * _BLOCK)
        limit = span - span % n
        while True:
            x = int.from_bytes(self._take(_BLOCK), "big")
            if x < limit:
                return x % n

    def integer(self, low: int, high: int) -> int:
        """A whole number in [low, high]."""
        return low + self.below(high - low + 1)

    def choice(self, items: Sequence[T]) -> T:
        return items[self.below(len(items))]

    def _take(self, count: int) -> bytes:
        while len(self._pool) < count:
            block = f"{self.seed}\0{self._counter}".encode()
            self._pool += hashlib.sha256(block).digest()
            self._counter += 1
        out, self._pool = self._pool[:count], self._pool[count:]
        return out
