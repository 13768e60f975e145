"""Backpropagation by the chain rule, recorded as named quantities (see quantity.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sympy as sp

from ..errors import OptionError, UsageError
from ..functions import COSTS
from ..numbers.arithmetic import (
    Arithmetic,
    Carry,
    EvaluationError,
    FloatArithmetic,
    Value,
    arithmetic_for,
)
from ..spec.network import Entry, Network
from ..spec.notation import Namer, free_symbols, namer_for, parameter_names
from .compose import Composer
from .example import ExampleChain
from .names import ETA, gradient, per_example, updated
from .quantity import (
    AVERAGE,
    BACKWARD,
    COST,
    FORWARD,
    GIVEN,
    UPDATE,
    Derivation,
    Quantity,
    S,
    Section,
    ordered_add,
    ordered_mul,
    parameters_by_layer,
)


def derive(
    network: Network, *, carry: Carry = "exact", decimals: int = 4, general: bool = False
) -> Derivation:
    """Derive every ∂C/∂w and ∂C/∂b of ``network`` by the chain rule, with numbers.

    Symbols written in the file stay symbolic (numbers from ``values:`` are shown beside them);
    ``general`` keeps every given value symbolic and prints the general chain-rule formulas.
    """
    if carry not in ("exact", "rounded"):
        raise OptionError("carry", f"must be exact or rounded, not {carry!r}")
    if not 0 <= decimals <= 15:
        raise OptionError("decimals", f"must be between 0 and 15, not {decimals}")
    if not network.examples:
        raise UsageError(f"{network.source} has no examples: to derive, add examples: [...]")
    return Builder(network, carry=carry, decimals=decimals, general=general).run()


class Builder:
    """Defines quantities in derivation order, evaluating each as it is defined."""

    def __init__(self, network: Network, *, carry: Carry, decimals: int, general: bool) -> None:
        self.net = network
        self.namer: Namer = namer_for(network)
        self.params = parameter_names(network, self.namer)
        self.symbol_values = dict(network.values)
        symbols = free_symbols(network)
        symbolic = bool(symbols) or general
        if symbolic and carry == "rounded":
            raise OptionError("carry", "rounded needs numbers; this derivation keeps symbols")
        self.general = general
        self.arith: Arithmetic = arithmetic_for(carry, decimals, symbolic=symbolic)
        # A second, exact float evaluation: beside hand-rounded values, or with the numbers
        # of ``values:`` beside symbolic ones.
        numbers = not general and symbols <= set(self.symbol_values)
        shadow = carry == "rounded" or (symbolic and numbers)
        self.composer = Composer()  # formulas over the file's numbers, for faithful re-evaluation
        self.exact: Arithmetic | None = None
        if shadow:
            self.exact = FloatArithmetic(wide=True, compose=self.composer)
        if isinstance(self.arith, FloatArithmetic):
            self.arith.compose = self.composer
        self.carry, self.decimals = carry, decimals
        self.q: dict[str, Quantity] = {}
        self.env: dict[str, Value] = {}
        self.exact_env: dict[str, Value] = {}
        self.alias_of: dict[str, str] = {}
        self.step = 0
        self.many = len(network.examples) > 1
        self.layer_params = parameters_by_layer(network, (name for name, _ in self.params))
        self.distribution_cost = COSTS[network.cost].distribution
        self.distribution = symbolic and self.distribution_cost
        self.sum_to_one = self._summing_to_one() if self.distribution_cost else frozenset()
        self.assumptions: list[str] = []

    def given(self, name: str, entry: Entry, **meta: Any) -> None:
        raw = S(name) if self.general else S(entry) if isinstance(entry, str) else entry
        value = self.arith.given(raw)
        self.env[name] = value
        exact = None
        number = self.symbol_values.get(entry, 0.0) if isinstance(entry, str) else entry
        self.composer.given(name, float(number))
        if self.exact is not None:
            exact = self.exact_env[name] = self.exact.given(number)
        self.q[name] = Quantity(name, GIVEN, value=value, exact=exact, **meta)

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
        with self._naming(name):
            value = self.arith.finish(self.arith.evaluate(formula, self.env))
        if self.distribution and section in (BACKWARD, AVERAGE):
            value = self._targets_sum_to_one(value, meta.get("example"))
        carried = self._opaque(name, section, value)
        exact = None
        if self.exact is not None:
            with self._naming(name):
                exact = self.exact.evaluate(formula, self.exact_env)
            self.exact_env.update(dict.fromkeys((name, *aliases), exact))
        self.env.update(dict.fromkeys((name, *aliases), carried))
        self.alias_of.update(dict.fromkeys(aliases, name))
        if numbered:
            self.step += 1
        self.q[name] = Quantity(
            name,
            section,
            formula,
            value,
            exact=exact,
            aliases=aliases,
            step=self.step if numbered else None,
            opaque=carried is not value,
            **meta,
        )

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
        """Use Σ y = 1 (categorical targets): eliminating one target at a time, keep the
        shortest form; softmax with cross-entropy then gives ∂C/∂z_j = O_j - y_j."""
        indices = [example - 1] if example else range(len(self.net.examples))
        best = value
        for e in (i for i in indices if i in self.sum_to_one):
            ys = [self.env[self.sfx(self.namer.target(j), e)] for j in range(self.net.sizes[-1])]
            for k, y in enumerate(ys):
                if not isinstance(y, sp.Symbol):
                    continue
                rest = sp.Add(*[t for i, t in enumerate(ys) if i != k])
                candidate = sp.factor_terms(sp.expand(best.xreplace({y: 1 - rest})))
                if sp.count_ops(candidate) < sp.count_ops(best):
                    best = candidate
        if best is not value and not self.assumptions:
            self.assumptions.append(self._sum_to_one_note())
        return best

    def _summing_to_one(self) -> frozenset[int]:
        """Examples whose targets sum to one: declared (one_hot: true), or their numbers do
        (written, or given in values:). Only for them may a derivation use Σ y = 1."""
        out = set()
        for e, ex in enumerate(self.net.examples):
            numbers = [self.symbol_values.get(t) if isinstance(t, str) else t for t in ex.target]
            known = [n for n in numbers if n is not None]
            if self.net.one_hot or (len(known) == len(numbers) and abs(sum(known) - 1.0) <= 1e-12):
                out.add(e)
        return frozenset(out)

    def _sum_to_one_note(self) -> str:
        why = "declared one_hot" if self.net.one_hot else "their numbers sum to one"
        return f"Σ y = 1: each example's targets sum to one ({why}), used to simplify ∂C/∂z"

    def writes_o_minus_y(self, layer: int, example: int) -> bool:
        """By hand, softmax with cross-entropy gives ∂C/∂z_j = O_j − y_j where the targets sum
        to one: a person carries that, not the sum of rounded Jacobian terms (which drifts)."""
        if self.carry != "rounded" or layer != self.net.depth or not self.distribution_cost:
            return False
        softmax = self.net.layer(layer).activation.name == "softmax"
        return softmax and example in self.sum_to_one

    def sfx(self, name: str, example: int) -> str:
        return per_example(name, example + 1 if self.many else None)

    def run(self) -> Derivation:
        for name, entry in self.params:
            self.given(name, entry)
        self.given(ETA, self.net.learning_rate)
        examples = [ExampleChain(self, e) for e in range(len(self.net.examples))]
        for example in examples:
            example.forward_and_cost()
        if self.many:
            parts = [S(self.sfx("C", e)) for e in range(len(examples))]
            self.define("C", COST, ordered_mul(sp.Rational(1, len(parts)), ordered_add(*parts)))
        for example in examples:
            example.backward()
        self.average_and_update()
        return Derivation(
            network=self.net,
            carry=self.carry,
            decimals=self.decimals,
            arithmetic=self.arith.name,
            quantities=dict(self.q),
            parameters=tuple(name for name, _ in self.params),
            alias_of=dict(self.alias_of),
            assumptions=tuple(self.assumptions),
        )

    def average_and_update(self) -> None:
        n = len(self.net.examples)
        for name, _ in self.params:
            if self.many:
                terms = [S(self.sfx(gradient(name), e)) for e in range(n)]
                self.define(
                    gradient(name),
                    AVERAGE,
                    ordered_mul(sp.Rational(1, n), ordered_add(*terms)),
                    numbered=True,
                )
        for name, _ in self.params:
            step = ordered_mul(S(ETA), S(gradient(name)))
            self.define(updated(name), UPDATE, ordered_add(S(name), -step))
