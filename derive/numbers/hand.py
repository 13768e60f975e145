"""Hand calculation: Decimal arithmetic, each named quantity rounded to N decimals and that
rounded value used by every later step, as a person with a calculator does.

Rounding can make a log's argument or a divisor 0 where its true value is not: σ(10) =
0.99995 is 1.0000 at 4 decimals, and log(1 − O) has no value. A person then does two things,
and so does this arithmetic when the builder lends it the formulas written out over the file's
numbers (``exact``; the answer checker's key walks without it and keeps the plain rule):

- a term multiplied by a zero the file gives (a target y = 0, or 1 − y with y = 1) is dropped
  whatever it multiplies: 0·log(0) is 0 in a cross-entropy, as in every textbook;
- where the log or the division is really needed, the rounded quantities inside it are carried
  at more decimals, as many as give it ``decimals + 1`` correct significant digits, from that
  step on; the step says so in its note (``note()``), shown beside it in every format. A step
  that uses a value so carried is kept at as many decimals (O·(1 − O) = 0.000045398, not
  0.0000), and says so; the steps after it round as usual.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, localcontext

import sympy as sp
from sympy.core.evalf import PrecisionExhausted

from .rounding import PRECISION, round_half_away
from .rounding import places as _places
from .walker import ArithmeticName, DecimalWalker, Exact, Value

MAX_PLACES = 40  # decimals a value may be carried at; σ(90) needs 40 to tell 1 − O from 0


class DecimalArithmetic(DecimalWalker):
    """Hand calculation at ``decimals`` places (see the module docstring)."""

    name: ArithmeticName = "rounded"

    def __init__(self, decimals: int, *, exact: Exact | None = None) -> None:
        self.decimals = decimals
        self.exact = exact
        self.carried: dict[str, Decimal] = {}  # quantities carried at more decimals, from now on
        self.places: dict[str, int] = {}  # ... and at how many
        self._notes: list[str] = []
        self._used: set[str] = set()  # carried values the last evaluation read
        self._started: set[str] = set()  # ... and those it began to carry

    def evaluate(self, expr: sp.Expr, env: Mapping[str, Value]) -> Value:
        self._notes, self._used, self._started = [], set(), set()
        with localcontext() as ctx:
            ctx.prec = PRECISION
            return super().evaluate(expr, env)

    def finish(self, value: Value) -> Value:
        """Rounded to ``decimals``, or to the places of the carried values the step used."""
        used = sorted(self._used - self._started)
        if not used:
            return round_half_away(value, self.decimals)
        places = max(self.places[n] for n in self._used)
        shown = ", ".join(f"{n} = {self.carried[n]}" for n in used)
        self._notes.append(f"uses {shown} (carried), so kept at {_places(places)}")
        return round_half_away(value, places)

    def note(self) -> str | None:
        return "; ".join(self._notes) or None

    def _eval_Symbol(self, expr: sp.Symbol, env: Mapping[str, Value]) -> Value:
        if expr.name in self.carried:
            self._used.add(expr.name)
            return self.carried[expr.name]
        return super()._eval_Symbol(expr, env)

    def _eval_Mul(self, expr: sp.Mul, env: Mapping[str, Value]) -> Value:
        if self.exact is not None and any(_undefined_at_zero(a) for a in expr.args):
            for a in expr.args:
                if self._given_only(a) and self._eval(a, env) == 0:
                    return Decimal(0)  # 0·log(O): dropped, whatever O rounds to
        return super()._eval_Mul(expr, env)

    def _eval_Pow(self, expr: sp.Pow, env: Mapping[str, Value]) -> Value:
        if expr.exp.is_negative and self._eval(expr.base, env) == 0:
            self._carry_more(expr.base, env, why="a divisor")
        return super()._eval_Pow(expr, env)

    def _eval_log(self, expr: sp.Basic, env: Mapping[str, Value]) -> Value:
        if self._eval(expr.args[0], env) <= 0:
            self._carry_more(expr.args[0], env, why="the argument of a log")
        return super()._eval_log(expr, env)

    def _given_only(self, expr: sp.Basic) -> bool:
        """Whether ``expr`` holds only numbers the file gives: a zero there is exact."""
        assert self.exact is not None
        return not any(self.exact.computed(s.name) for s in expr.free_symbols)

    def _carry_more(self, arg: sp.Expr, env: Mapping[str, Value], *, why: str) -> None:
        """``arg`` is 0 (or below) only because the quantities in it were rounded: carry them
        at the fewest more decimals that give it ``decimals + 1`` correct significant digits.
        Without the exact formulas, or where its true value is 0 too, nothing changes (and
        the caller's log or division reports the error)."""
        names = sorted(s.name for s in arg.free_symbols if self._computed(s.name))
        true = self._true(arg) if names else None
        if true is None or true <= 0:
            return
        exact = {name: self._true(sp.Symbol(name)) for name in names}
        before = dict(self.carried)
        for places in range(self.decimals + 1, MAX_PLACES + 1):
            self.carried.update(
                {n: round_half_away(v, places) for n, v in exact.items() if v is not None}
            )
            if abs(self._eval(arg, env) - true) <= true.scaleb(-(self.decimals + 1)):
                self.places.update(dict.fromkeys(names, places))
                self._started.update(names)
                shown = ", ".join(f"{n} = {self.carried[n]}" for n in names)
                self._notes.append(
                    f"{shown} carried at {_places(places)}: at {_places(self.decimals)} "
                    f"{_brief(arg)}, {why}, is 0"
                )
                return
        self.carried = before

    def _computed(self, name: str) -> bool:
        return self.exact is not None and self.exact.computed(name)

    def _true(self, expr: sp.Expr) -> Decimal | None:
        """``expr``'s value over the file's numbers, to ``PRECISION`` correct digits."""
        assert self.exact is not None
        try:
            value = self.exact(expr).evalf(PRECISION, strict=True, maxn=4 * PRECISION)
        except (PrecisionExhausted, RecursionError, KeyError):
            return None
        if not (value.is_number and value.is_extended_real and value.is_finite):
            return None
        return Decimal(str(value))


def _undefined_at_zero(expr: sp.Basic) -> bool:
    """Whether ``expr`` may have no value where something in it is 0: a log or a division."""
    return expr.has(sp.log) or any(p.exp.is_negative for p in expr.atoms(sp.Pow))


def _brief(expr: sp.Expr) -> str:
    return str(expr).replace("*", "·").replace(" - ", " − ")
