"""Rules a number must meet before its value is compared: its sign, and the digits it shows.

The sign of a zero counts: ``-0.0000`` for a positive value is a flipped sign, however close.
The teacher may require a number of decimals (``require_decimals``) or of significant figures
(``sig_figs``) of every student; without either, a number needs at least ``MIN_SIG_FIGS``
significant figures or all the decimals the student works at (at least 2), so that ``1`` for
0.6445 is wrong while ``1`` for exactly 1 is right, and 0.0002 for 0.000166 is right at 4
decimals.
An answer equal to the exact value always meets the digit rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..errors import OptionError
from ..numbers.rounding import places, to_decimal
from .parse import Unreadable, parse_number

MIN_SIG_FIGS = 2
MIN_DECIMALS = 2  # working "at 0 decimals" does not excuse 1 for 0.6445
MAX_DIGITS = 15


@dataclass(frozen=True)
class PrecisionRule:
    """What every student is held to: decimals, significant figures, or (neither) the default."""

    require_decimals: int | None = None
    sig_figs: int | None = None

    def __post_init__(self) -> None:
        for option, value in (
            ("require_decimals", self.require_decimals),
            ("sig_figs", self.sig_figs),
        ):
            if value is not None and not 0 <= value <= MAX_DIGITS:
                raise OptionError(option, f"must be between 0 and {MAX_DIGITS}, not {value}")
        if self.require_decimals is not None and self.sig_figs is not None:
            raise OptionError("sig_figs", "cannot be combined with a required number of decimals")

    def describe(self) -> str:
        if self.require_decimals is not None:
            return f"{places(self.require_decimals)} required"
        if self.sig_figs is not None:
            return f"{self.sig_figs} significant figures required"
        return f"at least {MIN_SIG_FIGS} significant figures"


def significant_figures(value: Decimal) -> int:
    """Digits from the first non-zero one (0.0380 → 3, 100 → 3); a zero has none."""
    return 0 if value == 0 else len(value.as_tuple().digits)


def flipped_sign(given: Decimal, exact: Decimal, hand: tuple[Decimal, ...] = ()) -> bool:
    """``given`` has the other sign than ``exact`` (a written ``-0.0000`` counts as negative);
    a hand-calculation value of the given's sign excuses it."""
    if exact == 0 or (given == 0 and not given.is_signed()):
        return False
    negative = given.is_signed()
    if negative == (exact < 0):
        return False
    return not any(h != 0 and (h < 0) == negative for h in hand)


def size_matches(text: str, *, given: Decimal, values: tuple[Decimal, ...]) -> bool:
    """|given| is |value| (exact or a hand value) at the decimals written, so that only the
    sign is wrong: -0.0000 for 5.257e-06, 0.0597 for -0.0597, but not 0.5 for -0.0058."""
    try:
        decimals = parse_number(text.strip())[1]
    except Unreadable:
        return True  # an expression: its sign was computed, not its size written
    step = Decimal(1).scaleb(-decimals)
    return any(abs(abs(given) - abs(v)) <= step for v in values)


def too_few_digits(
    text: str, *, exact: Decimal, rule: PrecisionRule, precision: int, tolerance_set: bool = False
) -> str:
    """Why the number written as ``text`` shows too few digits under ``rule``, or ''.
    Only plain numbers are held to it; an expression is computed, not rounded."""
    try:
        value, decimals = parse_number(text.strip())
    except Unreadable:
        return ""
    if value == exact:
        return ""
    if rule.require_decimals is not None:
        if decimals < rule.require_decimals:
            return f"too few decimals ({rule.require_decimals} required)"
        return ""
    needed = rule.sig_figs
    if needed is None:
        if tolerance_set:
            return ""
        if decimals >= max(precision, MIN_DECIMALS):  # written to the decimals worked at
            return ""
        needed = MIN_SIG_FIGS
    if significant_figures(value) < needed:
        return f"too few significant figures ({needed} required)"
    return ""


_UNITS = [Decimal(1).scaleb(-k) for k in range(20)]


@dataclass(frozen=True)
class AnswerTolerance:
    rtol: float | None = None
    atol: float | None = None

    def unit(self, decimals: int | None) -> Decimal | None:
        """One unit of the last written decimal, when that is the rule here."""
        if self.rtol is not None or self.atol is not None or decimals is None:
            return None
        return _UNITS[decimals] if decimals < len(_UNITS) else Decimal(1).scaleb(-decimals)

    def of(self, decimals: int | None, value: Decimal) -> Decimal:
        if self.rtol is not None or self.atol is not None:
            rtol, atol = to_decimal(self.rtol or 0.0), to_decimal(self.atol or 0.0)
            return atol + rtol * abs(value)
        if decimals is None:  # a number written as an expression with no decimals: exact
            return Decimal("1e-9") * max(Decimal(1), abs(value))
        return Decimal(1).scaleb(-decimals)
