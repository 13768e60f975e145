"""The one rounding policy, used by every renderer, the derivation's rounded carry and the checker.

Rounding is half away from zero on a value's *decimal* form (0.03155 → 0.0316), the way a person
with a calculator rounds; floats are first turned into their shortest decimal repr.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from functools import cache
from typing import Any

PRECISION = 50  # digits for hand-calculation (Decimal) arithmetic


def to_decimal(value: float | int | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(repr(value))


_CONTEXT = Context(prec=PRECISION)  # Decimal's default traps, as a local copy of it would have


@cache
def _quantum(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def round_half_away(value: float | int | Decimal, decimals: int) -> Decimal:
    """Half away from zero: Decimal's ROUND_HALF_UP rounds ties away from zero."""
    number = to_decimal(value)
    digits = number.adjusted() + decimals + 2  # every place kept: 1e46 at 4 decimals has 51
    ctx = _CONTEXT if digits <= PRECISION else Context(prec=digits)
    rounded = number.quantize(_quantum(decimals), rounding=ROUND_HALF_UP, context=ctx)
    return rounded if rounded != 0 else abs(rounded)  # never -0.0000


def round_significant(value: Decimal, digits: int) -> Decimal:
    """``value`` at ``digits`` significant digits, half away from zero (``--precision``)."""
    if not value:
        return abs(value)
    with localcontext() as ctx:
        ctx.prec = max(PRECISION, digits + 2)
        quantum = Decimal(1).scaleb(value.adjusted() - digits + 1)
        return value.quantize(quantum, rounding=ROUND_HALF_UP)


def places(decimals: int) -> str:
    """``decimals`` as words: 1 decimal, 4 decimals."""
    return f"{decimals} decimal" if decimals == 1 else f"{decimals} decimals"


def format_number(value: Any, decimals: int) -> str:
    """A computed value at the display precision; a tiny nonzero exact value in scientific form
    (so 5.3e-06 is never shown as a bare 0.0000), a symbolic value through ``str``."""
    if isinstance(value, Decimal):  # never through float: a --precision value keeps its digits
        tiny = value != 0 and abs(value) < Decimal(5).scaleb(-decimals - 1)
        if tiny or abs(value) >= Decimal("1e15"):
            return _scientific(value, max(decimals - 1, 1))
        return f"{round_half_away(value, decimals):.{decimals}f}"
    if isinstance(value, int | float):
        if (value != 0 and abs(value) < 0.5 * 10.0**-decimals) or abs(value) >= 1e15:
            return f"{value:.{max(decimals - 1, 1)}e}"
        return _fixed(value, decimals)
    return str(value)


def _fixed(value: float | int, decimals: int) -> str:
    """``f"{round_half_away(value, decimals):.{decimals}f}"``, on the digits of the shortest
    repr directly (a table of 13,000 steps formats 90,000 numbers); a test compares the two."""
    text = repr(value)
    if "e" in text or "n" in text or not isinstance(value, float):  # 1e-05, inf, nan, an int
        return f"{round_half_away(value, decimals):.{decimals}f}"
    whole, _, fraction = text.lstrip("-").partition(".")
    units = int(whole + fraction[:decimals].ljust(decimals, "0"))
    if fraction[decimals : decimals + 1] >= "5":  # half away from zero: on the magnitude
        units += 1
    sign = "-" if text.startswith("-") and units else ""
    digits = str(units).rjust(decimals + 1, "0")
    if not decimals:
        return sign + digits
    return f"{sign}{digits[:-decimals]}.{digits[-decimals:]}"


def _scientific(value: Decimal, digits: int) -> str:
    """1.234e-05, as Python writes a float: ``digits`` after the point, half away from zero."""
    mantissa = round_significant(value, digits + 1)
    exponent = mantissa.adjusted()
    return f"{mantissa.scaleb(-exponent):.{digits}f}e{exponent:+03d}"


def format_given(value: Any) -> str:
    """A number as the user wrote it: 2, 0.15, -0.05 (no padding, no exponent for normal sizes)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value != 0 else "0"
    return repr(value) if isinstance(value, float) else str(value)


def format_significant(value: float, digits: int) -> str:
    """``value`` to ``digits`` significant figures, rounded half away from zero like every value
    here: 0.03798, 2.364e-06, 1235 (a cost falling by decades is never a bare 0.000002)."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    number = to_decimal(value)
    rounded = round_half_away(number, digits - 1 - number.adjusted())
    exponent = rounded.adjusted()  # 9.9996 rounds up a decade, to 10.00
    if -4 <= exponent < digits:
        return f"{rounded:.{max(digits - 1 - exponent, 0)}f}"
    return f"{rounded.scaleb(-exponent):.{digits - 1}f}e{exponent:+03d}"


def significant(value: float, digits: int) -> str:
    """An exact value shown beside a hand-rounded one: 0.00016652 → 0.0001665 (4 digits).
    Zero is 0, never -0 (a gradient of −0.5 · 0)."""
    return f"{value + 0.0:.{digits}g}"


DRIFT = 0.01  # a hand value more than 1% off the exact one is flagged even if it rounds alike


def drifted(value: Any, exact: float, decimals: int) -> bool:
    """Whether a hand-rounded value should be shown beside the exact one: they differ at the
    displayed precision, or by more than 1% (0.0002 against the exact 0.0001665)."""
    if not displayed_equal(value, exact, decimals):
        return True
    return exact != 0 and abs(float(value) - exact) > DRIFT * abs(exact)


def displayed_equal(a: Any, b: Any, decimals: int) -> bool:
    """Whether two values look the same at the display precision."""
    a, b = (float(v) if not isinstance(v, int | float | Decimal) else v for v in (a, b))
    return format_number(a, decimals) == format_number(b, decimals)
