"""Error carried forward: a wrong answer that the right formulas give from the student's own
earlier answers is ``carried``, "consistent with your O0 = 0.9634".

For each wrong number, the student's wrong answers that reach its quantity through the
derivation's dependency graph are tried, nearest first: the quantity is recomputed along the path
from there, every quantity the student answered taking the student's value (rounding-aware:
exactly and in the hand arithmetic, the last step rounded or not). At most ``TRIED`` sources are
tried, within the answer's time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal

from ..errors import DeriveError
from ..numbers.arithmetic import Value
from .answers import Answer
from .equivalence import ANSWER_TIME, as_decimal
from .recompute import DependencyModel, Overlay
from .result import Result

TRIED = 8  # wrong answers tried as the source of a carried error, nearest first

Agrees = Callable[[Decimal, int | None, tuple[Decimal, ...]], bool]


def carry_forward(
    pairs: Sequence[tuple[Answer, Result]],
    *,
    model: DependencyModel,
    given: dict[str, tuple[Decimal, int | None]],
    agrees: Agrees,
) -> list[Result]:
    """``pairs`` (answer, result) with each wrong result that an earlier wrong answer explains
    turned ``carried``. ``given``: the student's numbers by canonical name (value, decimals)."""
    d = model.d
    canon = {a.quantity: d.alias_of.get(a.quantity, a.quantity) for a, _ in pairs}
    wrong: dict[str, Answer] = {}  # by canonical name: dC/dz1 rather than its alias dC/db1
    for a, r in pairs:
        name = canon[a.quantity]
        if r.verdict == "wrong" and (name not in wrong or a.quantity == name):
            wrong[name] = a
    out = []
    for answer, result in pairs:
        target = canon[answer.quantity]
        if (
            result.verdict != "wrong"
            or target not in given
            or result.diagnosis.startswith("too few")
        ):
            out.append(result)
            continue
        source = _source(model, target=target, wrong=list(wrong), given=given, agrees=agrees)
        if source is None:
            out.append(result)
            continue
        yours = wrong[source]
        says = f"consistent with your {yours.quantity} = {yours.text}"
        out.append(replace(result, verdict="carried", diagnosis=says, mistake=""))
    return out


def _source(
    model: DependencyModel,
    *,
    target: str,
    wrong: list[str],
    given: dict[str, tuple[Decimal, int | None]],
    agrees: Agrees,
) -> str | None:
    """The nearest wrong answer before ``target`` that explains it, tried within its time."""
    order = model.graph.order
    sources = sorted(
        (n for n in wrong if n != target and order[n] < order[target]),
        key=order.__getitem__,
        reverse=True,
    )
    deadline = time.monotonic() + ANSWER_TIME
    for at in sources[:TRIED]:
        if time.monotonic() > deadline:
            break
        if model.graph.reaches(target, at) and _consistent(
            model, target=target, at=at, given=given, agrees=agrees
        ):
            return at
    return None


def _consistent(
    model: DependencyModel,
    *,
    target: str,
    at: str,
    given: dict[str, tuple[Decimal, int | None]],
    agrees: Agrees,
) -> bool:
    """The student's ``target`` is what the formulas give from their own ``at`` onwards."""
    value, decimals = given[target]
    return agrees(value, decimals, _recomputed(model, target=target, at=at, given=given))


def _recomputed(
    model: DependencyModel,
    *,
    target: str,
    at: str,
    given: dict[str, tuple[Decimal, int | None]],
) -> tuple[Decimal, ...]:
    d, out = model.d, list[Decimal]()
    path = model.graph.path(target, at)
    if not path:
        return ()
    for world in model.worlds:
        arith = world.arithmetic
        env: dict[str, Value] = Overlay(world.env)
        for name, (number, _) in given.items():
            if name != target:
                for alias in (name, *d[name].aliases):
                    env[alias] = arith.given(float(number))
        try:
            value: Value = Decimal(0)
            for name in path:
                if name != target and name in given:
                    continue  # the student's own value stands
                value = arith.evaluate(d[name].formula, env)
                env.update(dict.fromkeys((name, *d[name].aliases), arith.finish(value)))
            out += [as_decimal(value), as_decimal(arith.finish(value))]
        except (DeriveError, ArithmeticError, TypeError, ValueError):
            continue
    return tuple(out)
