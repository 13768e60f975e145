"""What follows the chain rule: L2 regularization, frozen parameters, and the update itself,
plain gradient descent or with momentum.

    C = C0 + (λ/2)·Σ w²               weights only: biases are not penalized
    ∂C/∂w = ∂C0/∂w + λ·w              its own step, after the chain rule gave ∂C0/∂w
    new_v_p = μ·v_p − η·∂C/∂p         momentum, from v_p = 0 or the file's velocities:
    new_p = p + new_v_p               (without momentum: new_p = p − η·∂C/∂p)

A frozen parameter keeps its gradient (a true partial derivative) but gets no update.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Protocol

import sympy as sp

from ..spec.network import Entry, Network
from .bulk import Bulk, Descents, Gradients, Means
from .names import (
    DATA_COST,
    ETA,
    LAMBDA,
    MU,
    data_gradient,
    gradient,
    updated,
    velocity,
)
from .ops import Kernel
from .quantity import (
    AVERAGE,
    COST,
    REGULARIZATION,
    UPDATE,
    Formulas,
    LayerParameters,
    S,
    Section,
    ordered_add,
)
from .quantity import ordered_mul as mul


class Definer(Gradients, Protocol):
    """The builder, as far as the updates use it."""

    @property
    def net(self) -> Network: ...
    @property
    def layer_params(self) -> dict[int, LayerParameters]: ...
    @property
    def regularized(self) -> bool: ...
    @property
    def frozen(self) -> frozenset[str]: ...
    def given(self, name: str, entry: Entry, **meta: Any) -> None: ...
    @property
    def many(self) -> bool: ...
    def sfx(self, name: str, example: int) -> str: ...
    def define(
        self,
        name: str,
        section: Section,
        formula: sp.Expr,
        *,
        numbered: bool = False,
        aliases: tuple[str, ...] = (),
        **meta: Any,
    ) -> None: ...
    def define_lazy(
        self,
        name: str,
        section: Section,
        make: Callable[[], Formulas],
        kernel: Kernel,
        *,
        numbered: bool = False,
        aliases: tuple[str, ...] = (),
        **meta: Any,
    ) -> None: ...
    def define_column(
        self,
        section: Section,
        base: Sequence[str],
        bulk: Bulk,
        *,
        key: tuple[str | int, ...],
        numbered: bool = False,
        **meta: Any,
    ) -> bool: ...
    def given_column(
        self,
        names: Sequence[str],
        entries: Sequence[Entry],
        *,
        key: tuple[str | int, ...],
        **meta: Any,
    ) -> None: ...


class Updates:
    def __init__(self, builder: Definer) -> None:
        self.b = builder
        self.weights = [
            (w, l)
            for l, group in builder.layer_params.items()
            for row in group.weights
            for w in row
        ]
        self.params = [(p, l) for l, group in builder.layer_params.items() for p in group.names]

    @staticmethod
    def chain_name(builder: Definer, name: str) -> str:
        """The name the chain rule gives ``name``'s gradient: ∂C0/∂w for a regularized weight,
        whose ∂C/∂w the regularization step defines."""
        if builder.regularized and any(
            name in row for group in builder.layer_params.values() for row in group.weights
        ):
            return data_gradient(name)
        return gradient(name)

    def given(self) -> None:
        """λ, μ and the velocities before the step, beside the other given values."""
        net = self.b.net
        if net.l2 is not None:
            self.b.given(LAMBDA, net.l2)
        if net.momentum is None:
            return
        self.b.given(MU, net.momentum)
        start = dict(net.velocities)
        for p, _ in self.params:
            if p not in self.b.frozen:
                self.b.given(velocity(p), start.get(p, 0.0))

    def penalty(self) -> None:
        """C = C0 + (λ/2)·Σ w²."""
        if not self.b.regularized:
            return
        squares = ordered_add(*[S(w) ** 2 for w, _ in self.weights])
        half = mul(sp.Rational(1, 2), S(LAMBDA), squares)
        self.b.define("C", COST, ordered_add(S(DATA_COST), half))

    def average(self) -> None:
        """With several examples, each gradient is the mean of the examples' gradients (of a
        weight's, ∂C0/∂w when a regularization step follows)."""
        b = self.b
        if not b.many:
            return
        n = len(b.net.examples)
        for l, group in b.layer_params.items():
            names = group.names

            def terms(i: int, names: tuple[str, ...] = names) -> tuple[str, ...]:
                return tuple(b.sfx(gradient(names[i]), e) for e in range(n))

            means = Means(gradients=b, layer=l, n=n, terms=terms)  # (1/n)·Σ
            rename, recipe = partial(self.chain_name, b), means.item
            made = b.define_column(
                AVERAGE,
                names,
                means.kernel,
                key=("mean", l),
                numbered=True,
                rename=rename,
                recipe=recipe,
            )
            if made:
                continue
            for i, name in enumerate(names):
                mean = means.item(i)
                b.define_lazy(rename(name), AVERAGE, mean, mean.kernel, numbered=True)

    def regularize(self) -> None:
        """∂C/∂w = ∂C0/∂w + λ·w for every weight, each its own numbered step."""
        if not self.b.regularized:
            return
        for w, l in self.weights:
            formula = ordered_add(S(data_gradient(w)), mul(S(LAMBDA), S(w)))
            self.b.define(gradient(w), REGULARIZATION, formula, numbered=True, layer=l)

    def update(self) -> None:
        """One step for every parameter that is not frozen."""
        if self.b.net.momentum is None:
            for l, group in self.b.layer_params.items():
                self.descend(l, group.names)
            return
        for p, _ in self.params:
            if p in self.b.frozen:
                continue
            step = mul(S(ETA), S(gradient(p)))
            v, new_v = velocity(p), updated(velocity(p))
            self.b.define(new_v, UPDATE, ordered_add(mul(S(MU), S(v)), -step))
            self.b.define(updated(p), UPDATE, ordered_add(S(p), S(new_v)))

    def descend(self, layer: int, params: tuple[str, ...]) -> None:
        """new_p = p − η·∂C/∂p for the layer's parameters that are not frozen."""
        steps = Descents(gradients=self.b, layer=layer, params=params)
        frozen = self.b.frozen.intersection(params)
        key = ("update", layer)
        made = not frozen and self.b.define_column(
            UPDATE, params, steps.kernel, key=key, rename=updated, recipe=steps.item
        )
        if made:
            return
        for i, p in enumerate(params):
            if p not in frozen:
                descent = steps.item(i)
                self.b.define_lazy(updated(p), UPDATE, descent, descent.kernel)
