"""Backpropagation by the chain rule, recorded as named quantities (see quantity.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

import sympy as sp

from ..errors import OptionError, UsageError
from ..functions import COSTS
from ..numbers.arithmetic import (
    Arithmetic,
    Carry,
    DecimalArithmetic,
    EvaluationError,
    FloatArithmetic,
    Value,
    arithmetic_for,
)
from ..spec.network import Entry, Network
from ..spec.notation import Namer, free_symbols, frozen_names, namer_for, parameter_names
from . import lazy
from .columns import Column, Quantities, Values
from .compose import Composer
from .example import ExampleChain
from .names import DATA_COST, ETA, per_example
from .ops import Fetch, ops_for
from .quantity import (
    AVERAGE,
    BACKWARD,
    COST,
    FORWARD,
    GIVEN,
    Derivation,
    Pending,
    Quantity,
    S,
    Section,
    ordered_add,
    ordered_mul,
    parameters_by_layer,
)
from .record import Locator, Recording
from .targets import shortest_with_targets_summing_to_one, sum_to_one_note, summing_to_one
from .updates import Updates


def derive(
    network: Network,
    *,
    carry: Carry = "exact",
    decimals: int = 4,
    general: bool = False,
    wrt_inputs: bool = False,
    precision: int | None = None,
) -> Derivation:
    """Derive every ∂C/∂w and ∂C/∂b of ``network`` by the chain rule, with numbers.

    Symbols written in the file stay symbolic (numbers from ``values:`` are shown beside them);
    ``general`` keeps every given value symbolic and prints the general chain-rule formulas;
    ``wrt_inputs`` adds ∂C/∂x for every input of every example; ``precision`` computes at
    that many significant digits instead of float64's 16 (numbers/precise.py).
    """
    if carry not in ("exact", "rounded"):
        raise OptionError("carry", f"must be exact or rounded, not {carry!r}")
    most = 15 if precision is None else max(15, precision)  # digits there are to show
    if not 0 <= decimals <= most:
        raise OptionError("decimals", f"must be between 0 and {most}, not {decimals}")
    if not network.examples:
        rows = " or examples: {from_data: 0} (row 0 of its data)" if network.data else ""
        raise UsageError(f"{network.source} has no examples: to derive, add examples: [...]{rows}")
    builder = Builder(network, carry=carry, decimals=decimals, general=general, precision=precision)
    builder.wrt_inputs = wrt_inputs
    with lazy.collector_paused():
        return builder.run()


NO_COST = "cost: none: C is the output itself, so each ∂C/∂p is the output's ∂O/∂p"


class Builder(Recording):
    """Defines quantities in derivation order, evaluating each as it is defined."""

    def __init__(
        self,
        network: Network,
        *,
        carry: Carry,
        decimals: int,
        general: bool,
        precision: int | None = None,
    ) -> None:
        self.net = network
        self.namer: Namer = namer_for(network)
        self.params = parameter_names(network, self.namer)
        self.symbol_values = dict(network.values)
        symbols = free_symbols(network)
        symbolic = bool(symbols) or general
        if symbolic and carry == "rounded":
            raise OptionError("carry", "rounded needs numbers; this derivation keeps symbols")
        self.general = general
        self.layer_params = parameters_by_layer(network, (name for name, _ in self.params))
        self.columns: dict[tuple[str | int, ...], Column] = {}  # by kind, layer, example, row
        locate = Locator(
            columns=self.columns, layer_params=self.layer_params, inputs=self.input_names
        )
        self.q = Quantities(locate)
        # formulas over the file's numbers, for faithful re-evaluation
        self.composer = Composer(self.q)
        self.precision = precision
        self.carry, self.decimals = carry, decimals
        self.arith, self.exact = self._arithmetics(symbols)
        self.ops = ops_for(self.arith, self.exact)  # None: every formula built as defined
        self.fetch = Fetch()
        self.env = Values(self.q)
        self.exact_env = Values(self.q, exact=True)
        self.alias_of: dict[str, str] = {}
        self.step = 0
        self.many = len(network.examples) > 1
        self.distribution_cost = COSTS[network.cost].distribution
        self.distribution = symbolic and self.distribution_cost
        self.sum_to_one = summing_to_one(network) if self.distribution_cost else frozenset()
        self.assumptions = [] if COSTS[network.cost].targets else [NO_COST]
        self.wrt_inputs = False
        self.regularized = network.l2 is not None
        self.frozen = frozen_names(network)

    def _arithmetics(self, symbols: set[str]) -> tuple[Arithmetic, Arithmetic | None]:
        """The steps' arithmetic, and a second, exact float evaluation beside it: beside
        hand-rounded values, or with the numbers of ``values:`` beside symbolic ones."""
        symbolic = bool(symbols) or self.general
        arith = arithmetic_for(
            self.carry, self.decimals, symbolic=symbolic, precision=self.precision,
            exact=self.composer,
        )  # fmt: skip
        numbers = not self.general and symbols <= set(self.symbol_values)
        shadow = self.carry == "rounded" or (symbolic and numbers)
        return arith, FloatArithmetic(wide=True, compose=self.composer) if shadow else None

    def given(self, name: str, entry: Entry, **meta: Any) -> None:
        raw = S(name) if self.general else S(entry) if isinstance(entry, str) else entry
        value = self.arith.given(raw)
        self.env[name] = value
        exact = None
        number = self.symbol_values.get(entry, 0.0) if isinstance(entry, str) else entry
        self.composer.given(name, number)  # a Written number: the decimals the file wrote
        if self.exact is not None:
            exact = self.exact_env[name] = self.exact.given(number)
        self.q.add(Quantity(name, GIVEN, _value=value, exact=exact, **meta))

    def define(
        self,
        name: str,
        section: Section,
        formula: sp.Expr,
        *,
        numbered: bool = False,
        aliases: tuple[str, ...] = (),
        **meta: Any,  # shown=, chain=, layer=, example= of Quantity
    ) -> None:
        self.composer.defined(name, formula, aliases)
        value = self._value_of(name, section, formula)
        note = self.arith.note()  # hand rounding: a value carried at more decimals from here
        if self.distribution and section in (BACKWARD, AVERAGE):
            value = self._targets_sum_to_one(value, meta.get("example"))
        carried = self._opaque(name, section, value)  # never looks into a deferred value
        exact = self._exact_value(name, formula, aliases)
        self.env.update(dict.fromkeys((name, *aliases), carried))
        self.alias_of.update(dict.fromkeys(aliases, name))
        if numbered:
            self.step += 1
        chain, shown = meta.pop("chain", None), meta.pop("shown", None)
        step = self.step if numbered else None
        self.q.add(
            Quantity(
                name, section, formula, value, _chain=chain, _shown=shown, exact=exact,
                aliases=aliases, step=step, opaque=carried is not value, note=note, **meta,
            )
        )  # fmt: skip

    def _exact_value(self, name: str, formula: sp.Expr, aliases: tuple[str, ...]) -> Value:
        """The exact float beside a hand-rounded or symbolic value (None without one)."""
        if self.exact is None:
            return None
        with self._naming(name):
            exact = self.exact.evaluate(formula, self.exact_env)
        self.exact_env.update(dict.fromkeys((name, *aliases), exact))
        return exact

    def _deferred(self, section: Section) -> bool:
        """Whether a symbolic value waits until it is read: not where the derivation itself
        looks at it (a forward value that may stay under its name unless every value does,
        the sum-to-one rewrite that notes an assumption)."""
        if self.arith.numeric or self.distribution:
            return False
        return self.general or section not in (FORWARD, COST)

    def _value_of(self, name: str, section: Section, formula: sp.Expr) -> Value:
        if not self._deferred(section):
            with self._naming(name):
                return self.arith.finish(self.arith.evaluate(formula, self.env))
        arith, env, naming = self.arith, self.env, self._naming  # not self: it lets these go

        def work_out() -> Value:
            with naming(name):
                return arith.finish(arith.evaluate(formula, env))

        return Pending(work_out)

    @contextmanager
    def _naming(self, name: str) -> Iterator[None]:
        """An evaluation error names the file and the quantity."""
        try:
            yield
        except EvaluationError as exc:
            raise EvaluationError(f"{self.net.source}: {name}: {exc}") from None

    def _opaque(self, name: str, section: Section, value: Value) -> Value:
        """What later formulas see. Symbolic forward values that are not plain polynomials
        (σ(w·x + b), ...) stay under their own name, so results read as people write them:
        ∂C/∂w = a(L-1)·a(L)·(1 - a(L))·2·(a(L) - y), not a page of nested exponentials."""
        if self.arith.numeric or section not in (FORWARD, COST):
            return value
        if self.general or value.has(sp.exp, sp.log, sp.tanh, sp.Piecewise):
            return S(name)
        return value

    def _targets_sum_to_one(self, value: Value, example: int | None) -> Value:
        """``value`` in its shortest form using Σ y = 1 for the examples where that holds."""
        indices = [example - 1] if example else range(len(self.net.examples))
        outputs = range(self.net.sizes[-1])
        targets = [
            [self.env[self.sfx(self.namer.target(j), e)] for j in outputs]
            for e in indices
            if e in self.sum_to_one
        ]
        best = shortest_with_targets_summing_to_one(value, targets)
        if best is not value and not self.assumptions:
            self.assumptions.append(sum_to_one_note(self.net))
        return best

    def writes_o_minus_y(self, layer: int, example: int) -> bool:
        """By hand, softmax with cross-entropy gives ∂C/∂z_j = O_j − y_j where the targets sum
        to one: a person carries that, not the sum of rounded Jacobian terms (which drifts)."""
        if self.carry != "rounded" or layer != self.net.depth or not self.distribution_cost:
            return False
        softmax = self.net.layer(layer).activation.name == "softmax"
        return softmax and example in self.sum_to_one

    @cached_property
    def input_names(self) -> list[str]:
        """The inputs' names without an example's suffix."""
        return [self.namer.act(0, k) for k in range(self.net.inputs)]

    def sfx(self, name: str, example: int) -> str:
        return per_example(name, example + 1 if self.many else None)

    def run(self) -> Derivation:
        entries = iter(entry for _, entry in self.params)
        for l, group in self.layer_params.items():
            names = group.names
            chunk = [next(entries) for _ in names]
            self.given_column(names, chunk, key=("given", l))
        self.given(ETA, self.net.learning_rate)
        updates = Updates(self)
        updates.given()
        examples = [ExampleChain(self, e) for e in range(len(self.net.examples))]
        for example in examples:
            example.forward_and_cost()
        if self.many:
            parts = [S(self.sfx("C", e)) for e in range(len(examples))]
            mean = ordered_mul(sp.Rational(1, len(parts)), ordered_add(*parts))
            self.define(DATA_COST if self.regularized else "C", COST, mean)
        updates.penalty()
        for example in examples:
            example.backward()
        updates.average()
        updates.regularize()
        updates.update()
        derivation = Derivation(
            network=self.net,
            carry=self.carry,
            decimals=self.decimals,
            arithmetic=self.arith.name,
            quantities=self.q,  # not copied: 330,000 entries on 784-128-64-10, and done with
            parameters=tuple(name for name, _ in self.params),
            alias_of=dict(self.alias_of),
            assumptions=tuple(self.assumptions),
            frozen=self.frozen,
            precision=self.precision,
            general=self.general,
            carried=dict(self.arith.carried) if isinstance(self.arith, DecimalArithmetic) else {},
        )
        self._let_go()
        return derivation

    def _let_go(self) -> None:
        """The lazy steps keep this builder (for names and layers) to build their formulas
        later: it lets go of everything that leads back to the quantities, so a derivation
        has no reference cycle and is freed as soon as it is dropped, not by the collector."""
        del self.q, self.env, self.exact_env, self.composer, self.arith, self.exact
        del self.columns
        self.fetch.clear()  # the steps keep it: its tables lead back to the quantities
