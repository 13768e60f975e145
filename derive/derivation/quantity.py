"""The derivation: forward pass, cost, backward chain-rule steps, average and updates.

Every quantity is defined by a formula over the *names* of earlier quantities (dC/dz3 =
dC/dO3 · dO3/dz3), so each ∂C/∂z is computed once and reused, as a person does by hand; local
derivatives (∂z3/∂w6 = O0, ∂O3/∂z3 = O3·(1 − O3), ∂C/∂O3 = O3 − y) come from sympy.diff.
Values are computed as each quantity is defined, in the chosen arithmetic
(see numbers/arithmetic.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING, Final, Literal

import sympy as sp

from ..numbers.arithmetic import ArithmeticName, Carry, Value
from ..spec.network import Network

if TYPE_CHECKING:
    from .columns import Quantities  # columns.py builds on this module

Section = Literal["given", "forward", "cost", "backward", "average", "regularization", "update"]
GIVEN: Final = "given"
FORWARD: Final = "forward"
COST: Final = "cost"
BACKWARD: Final = "backward"
AVERAGE: Final = "average"
REGULARIZATION: Final = "regularization"  # ∂C/∂w = ∂C0/∂w + λ·w, after the chain rule
UPDATE: Final = "update"


@cache
def S(name: str) -> sp.Symbol:
    """A named SymPy symbol, memoized: a 784-input network names the same symbols 100,000 times."""
    return sp.Symbol(name)


def ordered_mul(*factors: sp.Expr) -> sp.Expr:
    """A product that keeps the order a person writes (∂C/∂z3 · O0), for display."""
    if len(factors) == 1:
        return factors[0]
    if all(_plain(f) for f in factors):  # what Mul(evaluate=False) does, 5× faster
        return sp.Mul._from_args(factors)
    return sp.Mul(*factors, evaluate=False)


def ordered_add(*terms: sp.Expr) -> sp.Expr:
    if len(terms) == 1:
        return terms[0]
    if all(_plain(t) for t in terms):
        return sp.Add._from_args(terms)
    return sp.Add(*terms, evaluate=False)


def _plain(arg: object) -> bool:
    """Sympified, and no matrix expression (whose constructor postprocessors must run)."""
    return type(arg) in (sp.Symbol, sp.Mul, sp.Add, sp.Pow) or isinstance(arg, sp.Number)


class Pending:
    """A symbolic value worked out when first read: a wide ``--symbolic`` network has thousands
    of weight gradients and updates, each a long expression, that no summary shows."""

    __slots__ = ("_make", "_value")

    def __init__(self, make: Callable[[], Value]) -> None:
        self._make: Callable[[], Value] | None = make
        self._value: Value = None

    def resolve(self) -> Value:
        if self._make is not None:
            self._value, self._make = self._make(), None
        return self._value


# a step's formula and its chain rule (and how it is shown, σ(z0), where that differs)
Formulas = tuple[sp.Expr, sp.Expr | None] | tuple[sp.Expr, sp.Expr | None, sp.Expr | None]


@dataclass(frozen=True, slots=True)  # slots: a mini-batch of the 784 network holds 10⁵ of them
class Quantity:
    """One named value of the derivation. ``formula`` and ``chain`` may be built on first use
    (``make``): on a large network most steps are never shown, and building their SymPy
    trees was most of the time (see docs/scale.md)."""

    name: str
    section: Section
    _formula: sp.Expr | None = None  # over names of earlier quantities; None for given values
    _value: Value = None  # or Pending: worked out when first read
    _shown: sp.Expr | None = None  # display form where it differs from the formula: σ(z0)
    _chain: sp.Expr | None = None  # the general chain rule over partial-derivative names
    exact: Value = None  # the exact value, kept beside a hand-rounded one
    step: int | None = None
    aliases: tuple[str, ...] = ()  # other names for the same value: dC/db3 for dC/dz3
    example: int | None = None  # 1-based, when the file has several examples
    layer: int | None = None
    opaque: bool = False  # symbolic forward value that later formulas see by its name
    note: str | None = None  # hand rounding: which values this step carried at more decimals
    make: Callable[[], Formulas] | None = field(default=None, repr=False, compare=False)

    @property
    def value(self) -> Value:
        value = self._value
        if type(value) is Pending:
            value = value.resolve()
            object.__setattr__(self, "_value", value)  # as _build: deferred, not changed
        return value

    @property
    def factors(self) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """Where the formula and the chain rule are each a product of names, not yet built:
        those names (a weight gradient's ∂C/∂z and O), so a writer need not build them."""
        found = getattr(self.make, "factors", None)
        return found() if found is not None else None

    @property
    def terms(self) -> tuple[tuple[bool, tuple[str, ...]], ...] | None:
        """Where the formula is a sum of signed products of names, not yet built: those terms
        (an update, p − η·∂C/∂p)."""
        found = getattr(self.make, "terms", None)
        return found() if found is not None else None

    @property
    def formula(self) -> sp.Expr | None:
        if self.make is not None:
            self._build()
        return self._formula

    @property
    def chain(self) -> sp.Expr | None:
        if self.make is not None:
            self._build()
        return self._chain

    @property
    def shown(self) -> sp.Expr | None:
        if self.make is not None:
            self._build()
        return self._shown

    def _build(self) -> None:
        assert self.make is not None
        formula, chain, *shown = self.make()
        # frozen to its users; filling in what was deferred changes no observable value
        object.__setattr__(self, "_formula", formula)
        object.__setattr__(self, "_chain", chain)
        if shown:
            object.__setattr__(self, "_shown", shown[0])
        object.__setattr__(self, "make", None)


@dataclass(frozen=True)
class LayerParameters:
    """One layer's parameter names: row j of ``weights`` holds the weights into neuron j."""

    layer: int
    weights: tuple[tuple[str, ...], ...]
    biases: tuple[str, ...]  # one per neuron, or the one shared bias
    shared: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (*(w for row in self.weights for w in row), *self.biases)

    @cached_property
    def columns(self) -> dict[str, int]:
        """Each weight's position in its row: the input it multiplies."""
        return {w: k for row in self.weights for k, w in enumerate(row)}

    @cached_property
    def by_input(self) -> tuple[tuple[str, ...], ...]:
        """The weights out of each input, one per neuron: column k of the rows."""
        return tuple(zip(*self.weights, strict=True)) if self.weights else ()

    def bias(self, j: int) -> str | None:
        """The bias added into neuron j (the layer's one bias when shared), if any."""
        if not self.biases:
            return None
        return self.biases[0] if self.shared else self.biases[j]


def parameters_by_layer(network: Network, names: Iterable[str]) -> dict[int, LayerParameters]:
    """Parameter names (in the notation's order: each layer's weights row by row, then its
    biases) grouped by layer, numbered 1.. after the input."""
    it = iter(names)
    out = {}
    for l, layer in enumerate(network.layers, start=1):
        weights = tuple(tuple(next(it) for _ in row) for row in layer.weights)
        biases = tuple(next(it) for _ in layer.biases or ())
        out[l] = LayerParameters(l, weights, biases, layer.shared_bias)
    return out


@dataclass(frozen=True)
class Derivation:
    network: Network
    carry: Carry
    decimals: int
    arithmetic: ArithmeticName
    quantities: Quantities  # name → quantity in order, runs of steps kept as columns
    parameters: tuple[str, ...]
    alias_of: Mapping[str, str] = field(default_factory=dict)
    assumptions: tuple[str, ...] = ()  # what the derivation took as given beyond the file
    frozen: frozenset[str] = frozenset()  # parameters freeze: keeps out of the updates
    precision: int | None = None  # significant digits (--precision); None: float64
    general: bool = False  # --symbolic: every given value a symbol, so every value is one
    # hand rounding: values carried at more decimals, which later steps used instead of the
    # rounded value shown (O0 = 0.999954602 where 1.0000 would divide by 0)
    carried: Mapping[str, Value] = field(default_factory=dict)

    def section(self, name: Section) -> list[Quantity]:
        return self.quantities.of_section(name)

    @property
    def steps(self) -> list[Quantity]:
        return list(self.quantities.steps())

    def __getitem__(self, name: str) -> Quantity:
        return self.quantities[self.alias_of.get(name, name)]

    def value(self, name: str) -> Value:
        """``self[name].value``; where the builder kept columns, without making the quantity."""
        return self.quantities.value_of(self.alias_of.get(name, name))

    def section_values(self, name: Section) -> dict[str, Value]:
        """Name → value of one section's quantities (aliases not included)."""
        return self.quantities.values_of(name)

    @cached_property
    def step_count(self) -> int:
        return self.quantities.count_steps()

    def __contains__(self, name: object) -> bool:
        return name in self.quantities or name in self.alias_of

    def names(self) -> Iterator[str]:
        """Every quantity name, aliases included, in derivation order."""
        for q in self.quantities.values():
            yield q.name
            yield from q.aliases

    def values(self) -> dict[str, Value]:
        """Name → value of every quantity, aliases included, in derivation order."""
        return dict(self.named_values())

    def named_values(self) -> Iterator[tuple[str, Value]]:
        """(name, value) pairs as ``names()`` orders them, without making the quantities of
        the builder's columns (a JSON of 13,000 steps reads them all)."""
        return self.quantities.named_values()

    @property
    def symbolic(self) -> bool:
        return self.arithmetic == "symbolic"

    @cached_property
    def params_by_layer(self) -> dict[int, LayerParameters]:
        return parameters_by_layer(self.network, self.parameters)

    @cached_property
    def _layer_of(self) -> dict[str, int]:
        return {p: l for l, group in self.params_by_layer.items() for p in group.names}

    def layer_of(self, param: str) -> int:
        """The layer (1.. after the input) a parameter feeds."""
        return self._layer_of[param]

    def depends_on(self, name: str, *, chain: bool = False) -> frozenset[str]:
        """The quantities whose values ``name``'s formula uses (and, with ``chain``, the partial
        derivatives its chain rule names), aliases resolved to the names they stand for."""
        q = self[name]
        exprs = (q.formula, q.chain) if chain else (q.formula,)
        symbols = {s.name for e in exprs if e is not None for s in e.free_symbols}
        return frozenset(self.alias_of.get(s, s) for s in symbols if s in self)
