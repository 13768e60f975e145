"""Runs of quantities of one kind kept as columns: their values in a list, their names and their
``Quantity`` objects made only when something reads them.

A weight's gradient, an update, a mini-batch mean and a given parameter or input make up nearly
all of a large network's quantities (327,000 of 330,000 on 784-128-64-10), and outputs read a
few dozen of them. A ``Column`` holds one run of such steps, in derivation order (one neuron's
weight gradients in one example, one layer's updates): the values, computed in bulk by the
lazy steps' kernels (lazy.py), and how to name and build each step. ``Quantities`` is the
derivation's ordered mapping of name to quantity over single quantities and columns alike;
``Values`` is the builder's name-to-value table that finds a name in a column when asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence, ValuesView
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field

from ..numbers.arithmetic import Value
from .quantity import Formulas, Quantity, Section

Recipe = Callable[[int], Callable[[], Formulas]]  # item i's formula and chain rule, built on call


@dataclass(eq=False)
class Column:
    """Consecutive quantities of one kind: item i is named ``rename(base[i])`` (or
    ``base[i]``), has ``values[i]`` (and ``exact[i]`` beside hand-rounded values) and step
    ``first_step + i`` when numbered; ``recipe(i)`` builds its formula when read."""

    section: Section
    base: Sequence[str]  # shared with other steps: a layer's parameter or input names
    values: list[Value]
    exact: list[Value] | None = None
    rename: Callable[[str], str] | None = None
    recipe: Recipe | None = None
    first_step: int | None = None
    layer: int | None = None
    example: int | None = None
    _names: Sequence[str] | None = field(default=None, repr=False)
    # the quantities read so far: one object a step, its formula built once
    _made: dict[int, Quantity] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.values)

    def names(self) -> Sequence[str]:
        if self._names is None:
            rename = self.rename
            self._names = self.base if rename is None else [rename(b) for b in self.base]
        return self._names

    def name(self, i: int) -> str:
        """Item i's name, without naming the others."""
        if self._names is not None:
            return self._names[i]
        return self.base[i] if self.rename is None else self.rename(self.base[i])

    def quantity(self, i: int) -> Quantity:
        q = self._made.get(i)
        if q is None:
            q = self._made[i] = self._make(i)
        return q

    def _make(self, i: int) -> Quantity:
        return Quantity(
            self.name(i),
            self.section,
            _value=self.values[i],
            exact=None if self.exact is None else self.exact[i],
            step=None if self.first_step is None else self.first_step + i,
            layer=self.layer,
            example=self.example,
            make=None if self.recipe is None else self.recipe(i),
        )

    def quantities(self) -> Iterator[Quantity]:
        return (self.quantity(i) for i in range(len(self.values)))


Run = Quantity | Column


Locate = Callable[[str], tuple[Column, int] | None]


class Quantities(MappingABC[str, Quantity]):
    """Name → quantity, in the order the builder defined them. A name in a column is found by
    ``locate``, the builder's, from the name itself (None: in no column), so that no lookup,
    found or not, makes a name for each of a mini-batch's 10⁶ steps."""

    def __init__(self, locate: Locate) -> None:
        self._plain: dict[str, Quantity] = {}
        self._runs: list[Run] = []
        self._columns: list[Column] = []
        self._size = 0
        self.locate = locate
        self._located: dict[str, tuple[Column, int] | None] = {}

    def add(self, q: Quantity) -> None:
        if q.name not in self._plain:
            self._runs.append(q)
            self._size += 1
        else:  # defined again: it keeps its place, with the new definition
            self._runs[self._runs.index(self._plain[q.name])] = q
        self._plain[q.name] = q

    def add_column(self, column: Column) -> None:
        self._runs.append(column)
        self._columns.append(column)
        self._size += len(column)

    @property
    def columns(self) -> tuple[Column, ...]:
        return tuple(self._columns)

    def find(self, name: str) -> tuple[Column, int] | None:
        """The column and position that hold ``name``, if a column does."""
        if name not in self._located:
            self._located[name] = self.locate(name)
        return self._located[name]

    def value_of(self, name: str) -> Value:
        """``self[name].value``, without making a column's quantity."""
        q = self._plain.get(name)
        if q is not None:
            return q.value
        hit = self.find(name)
        if hit is None:
            raise KeyError(name)
        column, i = hit
        return column.values[i]

    def count_steps(self) -> int:
        return sum(
            (len(run) if run.first_step is not None else 0)
            if isinstance(run, Column)
            else run.step is not None
            for run in self._runs
        )

    def __getitem__(self, name: str) -> Quantity:
        q = self._plain.get(name)
        if q is not None:
            return q
        hit = self.find(name)
        if hit is None:
            raise KeyError(name)
        column, i = hit
        return column.quantity(i)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return name in self._plain or self.find(name) is not None

    def __iter__(self) -> Iterator[str]:
        for run in self._runs:
            if isinstance(run, Column):
                yield from run.names()
            else:
                yield run.name

    def __len__(self) -> int:
        return self._size

    def values(self) -> ValuesView[Quantity]:
        return _InOrder(self)

    def values_of(self, section: Section) -> dict[str, Value]:
        """Name → value for one section, read from the columns without making quantities."""
        out: dict[str, Value] = {}
        for run in self._runs:
            if isinstance(run, Column):
                if run.section == section:
                    out.update(zip(run.names(), run.values, strict=True))
            elif run.section == section:
                out[run.name] = run.value
        return out

    def named_values(self) -> Iterator[tuple[str, Value]]:
        """(name, value) of every quantity in order, aliases after their quantity, read from
        the columns without making quantities (a column's steps have no aliases)."""
        for run in self._runs:
            if isinstance(run, Column):
                yield from zip(run.names(), run.values, strict=True)
            else:
                yield run.name, run.value
                yield from ((alias, run.value) for alias in run.aliases)

    def of_section(self, section: Section) -> list[Quantity]:
        """The quantities of one section in order, skipping whole columns of the others."""
        out: list[Quantity] = []
        for run in self._runs:
            if isinstance(run, Column):
                if run.section == section:
                    out.extend(run.quantities())
            elif run.section == section:
                out.append(run)
        return out

    def steps(self) -> Iterator[Quantity]:
        """The numbered steps in order, skipping whole columns of unnumbered quantities (the
        given values, the updates) without making them."""
        for run in self._runs:
            if isinstance(run, Column):
                if run.first_step is not None:
                    yield from run.quantities()
            elif run.step is not None:
                yield run

    def runs(self) -> Iterator[Quantity]:
        for run in self._runs:
            if isinstance(run, Column):
                yield from run.quantities()
            else:
                yield run


class _InOrder(ValuesView[Quantity]):
    """The quantities in order, each column's made as the walk reaches it."""

    _mapping: Quantities

    def __iter__(self) -> Iterator[Quantity]:
        return self._mapping.runs()


class Values(dict[str, Value]):
    """The builder's values by name (``exact``: the exact values beside hand-rounded ones); a
    name that only a column holds is looked up there."""

    def __init__(self, quantities: Quantities, *, exact: bool = False) -> None:
        super().__init__()
        self.quantities, self.exact = quantities, exact

    def __missing__(self, name: str) -> Value:
        hit = self.quantities.find(name)
        if hit is None:
            raise KeyError(name)
        column, i = hit
        values = column.exact if self.exact else column.values
        if values is None:
            raise KeyError(name)
        return values[i]

    def __contains__(self, name: object) -> bool:
        if dict.__contains__(self, name):
            return True
        return isinstance(name, str) and self.quantities.find(name) is not None
