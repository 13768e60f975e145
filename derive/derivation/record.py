"""How the builder (build.py) records a step it can compute without its formula: one lazy step
(``define_lazy``), a run of them as a column (``define_column``, ``given_column``), and where a
run's values are for the runs after it (``example_gradients``, ``step_gradients``). The builder
evaluates everything else as it is defined (``define``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from ..numbers.arithmetic import Arithmetic, Value
from ..spec.network import Entry
from .bulk import Bulk
from .columns import Column, Quantities, Values
from .compose import Composer
from .names import gradient, split_example, split_partial, updated_param
from .ops import FLOAT, Declined, Kernel, Ops
from .quantity import GIVEN, Formulas, LayerParameters, Quantity, Section


class Recording:
    """The builder's ways of recording steps without their formulas (a mixin of Builder)."""

    q: Quantities
    env: Values
    exact_env: Values
    ops: Ops | None
    arith: Arithmetic
    exact: Arithmetic | None
    composer: Composer
    alias_of: dict[str, str]
    columns: dict[tuple[str | int, ...], Column]
    layer_params: dict[int, LayerParameters]
    step: int
    many: bool
    regularized: bool

    # the builder's own: defining a step from its formula, a given value, an example's name
    given: Callable[..., None]
    define: Callable[..., None]
    sfx: Callable[[str, int], str]

    def given_column(
        self,
        names: Sequence[str],
        entries: Sequence[Entry],
        *,
        key: tuple[str | int, ...],
        **meta: Any,
    ) -> None:
        """``given`` for each name, kept as one column where the steps have kernels."""
        if self.ops is None:
            for name, entry in zip(names, entries, strict=True):
                self.given(name, entry, **meta)
            return
        numbers = cast("Sequence[float]", entries)  # no symbols: a file with them has no kernels
        values = [self.arith.given(n) for n in numbers]
        for name, number in zip(names, numbers, strict=True):
            self.composer.given(name, number)
        self.env.update(zip(names, values, strict=True))
        exact = None
        if self.exact is not None:
            exact = [self.exact.given(n) for n in numbers]
            self.exact_env.update(zip(names, exact, strict=True))
        column = Column(GIVEN, names, values, exact, **meta)
        self.q.add_column(column)
        self.columns[key] = column

    def define_lazy(
        self,
        name: str,
        section: Section,
        make: Callable[[], Formulas],
        kernel: Kernel,
        *,
        numbered: bool = False,
        aliases: tuple[str, ...] = (),
        **meta: Any,  # layer=, example= of Quantity
    ) -> None:
        """``define`` with the formula built on first use: ``kernel`` gives the values the
        walkers would give ``make()``'s formula (lazy.py); where it declines, or in an
        arithmetic without kernels, the step is defined in full."""
        values = self._kernel_values(kernel)
        if values is None:
            formula, chain, *shown = make()
            meta.update(chain=chain, shown=shown[0] if shown else None)
            self.define(name, section, formula, numbered=numbered, aliases=aliases, **meta)
            return
        value, exact = values
        self.env[name] = value
        if exact is not None:
            self.exact_env[name] = exact
        if aliases:
            self.env.update(dict.fromkeys(aliases, value))
            self.exact_env.update(dict.fromkeys(aliases, exact) if exact is not None else {})
            self.alias_of.update(dict.fromkeys(aliases, name))
            self.composer.aliased(name, aliases)
        if numbered:
            self.step += 1
        step = self.step if numbered else None
        meta.update(_value=value, exact=exact, step=step, aliases=aliases, make=make)
        self.q.add(Quantity(name, section, **meta))

    def define_column(
        self,
        section: Section,
        base: Sequence[str],
        bulk: Bulk,
        *,
        key: tuple[str | int, ...],
        numbered: bool = False,
        **meta: Any,  # rename=, recipe=, layer=, example= of Column
    ) -> bool:
        """Defines a run of lazy steps at once as a column (columns.py), or returns False
        where there are no kernels or one of the steps declines: define them one by one."""
        if self.ops is None:
            return False
        try:
            with self.ops.context():
                values = bulk(self.env, self.ops)
            exact = bulk(self.exact_env, FLOAT) if self.exact is not None else None
        except Declined:
            return False
        first = self.step + 1 if numbered else None
        self.step += len(values) if numbered else 0
        column = Column(section, base, values, exact, first_step=first, **meta)
        self.q.add_column(column)
        self.columns[key] = column
        return True

    def example_gradients(
        self, layer: int, example: int, env: Mapping[str, Value], ops: Ops
    ) -> list[Value]:
        """∂C/∂p of one example for the layer's parameters in order, from its columns."""
        group, out = self.layer_params[layer], list[Value]()
        for j, row in enumerate(group.weights):
            column = self.columns.get(("row", layer, example, j))
            if column is None:
                out.extend(ops.get(env, self.sfx(gradient(w), example)) for w in row)
            else:
                out.extend(_of(column, env is self.exact_env))
        out.extend(ops.get(env, self.sfx(gradient(b), example)) for b in group.biases)
        return out

    def step_gradients(self, layer: int, env: Mapping[str, Value], ops: Ops) -> list[Value]:
        """∂C/∂p for the layer's parameters in order: what the update uses."""
        mean = self.columns.get(("mean", layer))
        if mean is not None:
            return _of(mean, env is self.exact_env)
        if self.many or self.regularized:
            return [ops.get(env, gradient(p)) for p in self.layer_params[layer].names]
        return self.example_gradients(layer, 0, env, ops)

    def _kernel_values(self, kernel: Kernel) -> tuple[Value, Value] | None:
        """The step's value and, beside hand-rounded ones, its exact float value."""
        if self.ops is None:
            return None
        try:
            if self.ops is FLOAT:  # no context to enter (the usual case: worth the shortcut)
                return kernel(self.env, FLOAT), None
            with self.ops.context():
                value = kernel(self.env, self.ops)
            exact = kernel(self.exact_env, FLOAT) if self.exact is not None else None
        except Declined:
            return None
        return value, exact


def _of(column: Column, exact: bool) -> list[Value]:
    values = column.exact if exact else column.values
    assert values is not None  # exact values are kept wherever the exact table is read
    return values


class Locator:
    """Where the builder put a step that a column holds, from its name alone (the grammar of
    names.py): a given parameter or input, one neuron's weight gradients in one example, a
    layer's means or updates. Each guess is checked against the name the column gives that
    place, so a name no column holds is None, and no name is made for the other 10⁶ steps."""

    def __init__(
        self,
        *,
        columns: dict[tuple[str | int, ...], Column],
        layer_params: dict[int, LayerParameters],
        inputs: Sequence[str],
    ) -> None:
        self.columns = columns  # the builder's, filled as it goes
        self.position = {p: (l, i) for l, g in layer_params.items() for i, p in enumerate(g.names)}
        self.rows = {l: (len(g.weights), len(g.weights[0])) for l, g in layer_params.items()}
        self.inputs = {a: k for k, a in enumerate(inputs)}

    def __call__(self, name: str) -> tuple[Column, int] | None:
        for key, i in self._guesses(name):
            column = self.columns.get(key)
            if column is not None and i < len(column) and column.name(i) == name:
                return column, i
        return None

    def _guesses(self, name: str) -> list[tuple[tuple[str | int, ...], int]]:
        base, bracket = split_example(name)
        if bracket and not (bracket[1:-1].isdigit() and bracket.endswith("]")):
            return []
        e = int(bracket[1:-1]) - 1 if bracket else 0
        out: list[tuple[tuple[str | int, ...], int]] = []
        if name in self.position:
            out.append((("given", self.position[name][0]), self.position[name][1]))
        if base in self.inputs:
            out.append((("input", e), self.inputs[base]))
        moved = updated_param(name)
        if moved in self.position:
            l, i = self.position[moved]
            out.append((("update", l), i))
        parts = split_partial(base)
        if parts is not None and parts[1] in self.position:
            l, i = self.position[parts[1]]
            out.append((("mean", l), i))
            neurons, width = self.rows[l]
            if i < neurons * width:  # a weight: row j, column k
                j, k = divmod(i, width)
                out.append((("row", l, e, j), k))
        return out
