"""A number as the file wrote it: a float for every float computation, and its decimal text for
the ones that must not lose digits (``--precision``, the exact re-evaluation of a saturated step).

PyYAML turns ``0.12345678901234567890`` into the nearest double, 0.12345678901234568, at once;
the network reader builds a ``Written`` instead, which is that same double (so float arithmetic,
hashing and ``repr`` are unchanged) and keeps the literal ``text``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import yaml


class Written(float):
    """A float that remembers the decimal it was written as."""

    text: str

    def __new__(cls, text: str) -> Written:
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __reduce__(self) -> tuple[Any, ...]:
        return (Written, (self.text,))


def written(value: float | int, text: str) -> float:
    """``value`` with its literal ``text`` kept where the text is a plain decimal (1_000.5,
    +.5, 1e-3, 12); otherwise (YAML 1.1's 1:30.5, .inf, .nan) the value alone."""
    cleaned = text.replace("_", "")
    try:
        exact = Decimal(cleaned)
    except InvalidOperation:
        return float(value)
    if not exact.is_finite():
        return float(value)
    return Written(cleaned)


def exact_decimal(value: float | int | Decimal) -> Decimal:
    """The decimal a number stands for: the file's text, else the shortest repr of the float."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, Written):
        return Decimal(value.text)
    return Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)


def exact_rational(value: float | int) -> Any:
    """The same decimal as an exact SymPy rational (0.15 is 3/20, not its nearest double)."""
    import sympy as sp  # here: reading a network file needs no SymPy

    sign, digits, exponent = exact_decimal(value).as_tuple()
    numerator = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    assert isinstance(exponent, int)  # finite: Written and floats here are
    return sp.Integer(numerator) * sp.Integer(10) ** exponent


def _represent(dumper: yaml.SafeDumper, value: Written) -> Any:
    return dumper.represent_float(float(value))


# a network written back (derive train -o) holds the numbers it was read with
yaml.SafeDumper.add_representer(Written, _represent)
