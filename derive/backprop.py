"""Backpropagation by the chain rule, recorded as named quantities (see derivation.py)."""

from __future__ import annotations

from functools import cache
from typing import Any

import sympy as sp

from .arithmetic import Arithmetic, EvaluationError, FloatArithmetic, Value, arithmetic_for
from .calculus import activation_derivative, tidy
from .derivation import (
    AVERAGE,
    BACKWARD,
    COST,
    FORWARD,
    GIVEN,
    UPDATE,
    Derivation,
    Quantity,
    gradient,
    ordered_add,
    ordered_mul,
)
from .errors import UsageError
from .functions import ACTIVATIONS, COSTS
from .model import Entry, Network
from .notation import Namer, namer_for, parameter_names, partial


@cache
def S(name: str) -> sp.Symbol:
    """sympy.Symbol(name), memoized: a 784-input network names the same symbols 100,000 times."""
    return sp.Symbol(name)


def derive(
    network: Network, *, carry: str = "exact", decimals: int = 4, general: bool = False
) -> Derivation:
    """Derive every ∂C/∂w and ∂C/∂b of ``network`` by the chain rule, with numbers.

    Symbols written in the file stay symbolic (numbers from ``values:`` are shown beside them);
    ``general`` keeps every given value symbolic and prints the general chain-rule formulas.
    """
    if carry not in ("exact", "rounded"):
        raise UsageError(f"--carry must be exact or rounded, not {carry!r}")
    if not 0 <= decimals <= 15:
        raise UsageError(f"--decimals must be between 0 and 15, not {decimals}")
    if not network.examples:
        raise UsageError(f"{network.source} has no examples: to derive, add examples: [...]")
    return _Builder(network, carry=carry, decimals=decimals, general=general).run()


def free_symbols(network: Network) -> set[str]:
    """Names written in the file in place of numbers (weights, inputs, targets, η)."""
    entries: list[Entry] = [e for _, e in parameter_names(network, namer_for(network))]
    for ex in network.examples:
        entries.extend((*ex.input, *ex.target))
    entries.append(network.learning_rate)
    return {e for e in entries if isinstance(e, str)}


class _Builder:
    """Defines quantities in derivation order, evaluating each as it is defined."""

    def __init__(self, network: Network, *, carry: str, decimals: int, general: bool) -> None:
        self.net = network
        self.namer: Namer = namer_for(network)
        self.params = parameter_names(network, self.namer)
        self.symbol_values = dict(network.values)
        symbols = free_symbols(network)
        symbolic = bool(symbols) or general
        if symbolic and carry == "rounded":
            raise UsageError("--carry rounded needs numbers; this derivation keeps symbols")
        self.general = general
        self.arith: Arithmetic = arithmetic_for(carry, decimals, symbolic=symbolic)
        # A second, exact float evaluation: beside hand-rounded values, or with the numbers
        # of ``values:`` beside symbolic ones.
        numbers = not general and symbols <= set(self.symbol_values)
        shadow = carry == "rounded" or (symbolic and numbers)
        self.exact: Arithmetic | None = FloatArithmetic() if shadow else None
        self.carry, self.decimals = carry, decimals
        self.q: dict[str, Quantity] = {}
        self.env: dict[str, Value] = {}
        self.exact_env: dict[str, Value] = {}
        self.alias_of: dict[str, str] = {}
        self.step = 0
        self.many = len(network.examples) > 1
        self.layer_params = _layer_params(network, self.params)

    def given(self, name: str, entry: Entry, **meta: Any) -> None:
        raw = S(name) if self.general else S(entry) if isinstance(entry, str) else entry
        value = self.arith.given(raw)
        self.env[name] = value
        if self.exact is not None:
            number = self.symbol_values.get(entry, 0.0) if isinstance(entry, str) else entry
            self.exact_env[name] = self.exact.given(number)
        self.q[name] = Quantity(name, GIVEN, value=value, **meta)

    def define(
        self,
        name: str,
        section: str,
        formula: sp.Expr,
        *,
        numbered: bool = False,
        aliases: tuple[str, ...] = (),
        **meta: Any,  # shown=, chain=, layer=, example= of Quantity
    ) -> None:
        try:
            value = self.arith.finish(self.arith.evaluate(formula, self.env))
        except EvaluationError as exc:
            raise EvaluationError(f"{self.net.source}: {name}: {exc}") from None
        carried = self._opaque(name, section, value)
        exact = None
        if self.exact is not None:
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

    def _opaque(self, name: str, section: str, value: Value) -> Value:
        """What later formulas see. Symbolic forward values that are not plain polynomials
        (σ(w·x + b), ...) stay under their own name, so results read as people write them:
        ∂C/∂w = a(L-1)·a(L)·(1 - a(L))·2·(a(L) - y), not a page of nested exponentials."""
        if self.arith.numeric or section not in (FORWARD, COST):
            return value
        if self.general or value.has(sp.exp, sp.log, sp.tanh, sp.Piecewise):
            return S(name)
        return value

    def sfx(self, name: str, example: int) -> str:
        return f"{name}[{example + 1}]" if self.many else name

    def run(self) -> Derivation:
        for name, entry in self.params:
            self.given(name, entry)
        self.given("eta", self.net.learning_rate)
        examples = [_Example(self, e) for e in range(len(self.net.examples))]
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
            step = ordered_mul(S("eta"), S(gradient(name)))
            self.define(f"new_{name}", UPDATE, ordered_add(S(name), -step))


class _Example:
    """Forward pass, cost and backward steps for one training example."""

    def __init__(self, builder: _Builder, index: int) -> None:
        self.b = builder
        self.e = index
        self.ex = builder.net.examples[index]
        # z's terms by the symbol they hold: ∂z/∂w and ∂z/∂O are sympy.diff of that one term
        # (linearity), which keeps wide layers fast
        self.z_terms: dict[str, dict[str, sp.Expr]] = {}
        self.cost_expr: sp.Expr = sp.S.Zero

    def n(self, name: str) -> str:
        return self.b.sfx(name, self.e)

    def act(self, layer: int, j: int) -> str:
        return self.n(self.b.namer.act(layer, j))

    def z(self, layer: int, j: int) -> str:
        return self.n(self.b.namer.z(layer, j))

    def forward_and_cost(self) -> None:
        b, namer = self.b, self.b.namer
        meta: dict[str, Any] = {"example": self.e + 1 if self.b.many else None}
        for k, entry in enumerate(self.ex.input):
            b.given(self.act(0, k), entry, layer=0, **meta)
        for j, entry in enumerate(self.ex.target):
            b.given(self.n(namer.target(j)), entry, **meta)
        for l, layer in enumerate(b.net.layers[1:], start=1):
            w_names, b_names = b.layer_params[l]
            for j, row in enumerate(w_names):
                terms = [ordered_mul(S(w), S(self.act(l - 1, k))) for k, w in enumerate(row)]
                terms += [S(b_names[j])] if b_names else []
                by_symbol = {w: t for w, t in zip(row, terms, strict=False)}
                by_symbol.update((self.act(l - 1, k), t) for k, t in enumerate(terms[: len(row)]))
                if b_names:
                    by_symbol[b_names[j]] = terms[-1]
                self.z_terms[self.z(l, j)] = by_symbol
                b.define(self.z(l, j), FORWARD, ordered_add(*terms), layer=l, **meta)
            assert layer.activation is not None
            act = ACTIVATIONS[layer.activation.name]
            zs = [S(self.z(l, j)) for j in range(layer.size)]
            outs = act.sympy(zs, layer.activation.param("slope", act.default_slope))
            for j, out in enumerate(outs):
                shown = sp.Function(act.symbol)(zs[j]) if act.elementwise else None
                b.define(self.act(l, j), FORWARD, out, shown=shown, layer=l, **meta)
        last = len(b.net.layers) - 1
        a = [S(self.act(last, j)) for j in range(b.net.layers[-1].size)]
        y = [S(self.n(namer.target(j))) for j in range(len(a))]
        self.cost_expr = COSTS[b.net.cost].sympy(a, y)
        b.define(self.n("C"), COST, self.cost_expr, **meta)

    def backward(self) -> None:
        last = len(self.b.net.layers) - 1
        for l in range(last, 0, -1):
            layer = self.b.net.layers[l]
            assert layer.activation is not None
            if ACTIVATIONS[layer.activation.name].elementwise:
                for j in range(layer.size):
                    self.d_output(l, j)
                    self.d_activation(l, j, j)
                    self.d_z(l, j)
                    self.d_weights(l, j)
            else:
                for j in range(layer.size):
                    self.d_output(l, j)
                for j in range(layer.size):
                    for i in range(layer.size):
                        self.d_activation(l, i, j)
                    self.d_z(l, j)
                    self.d_weights(l, j)

    def step(self, name: str, formula: sp.Expr, l: int, **meta: Any) -> None:
        ex = self.e + 1 if self.b.many else None
        self.b.define(name, BACKWARD, formula, numbered=True, layer=l, example=ex, **meta)

    def p(self, num: str, den: str) -> str:
        """The name of ∂num/∂den for this example (base names in, suffix added once)."""
        return self.n(partial(num, den))

    def d_output(self, l: int, j: int) -> None:
        """∂C/∂O_j: from the cost for the output layer, else a sum over the next layer."""
        namer, out = self.b.namer, self.b.namer.act(l, j)
        if l == len(self.b.net.layers) - 1:
            self.step(self.p("C", out), tidy(sp.diff(self.cost_expr, S(self.n(out)))), l)
            return
        chain, formula = [], []
        for k in range(self.b.net.layers[l + 1].size):
            z, dz = namer.z(l + 1, k), S(self.p("C", namer.z(l + 1, k)))
            chain.append(ordered_mul(dz, S(self.p(z, out))))
            formula.append(ordered_mul(dz, self.local(self.n(z), self.n(out))))
        self.step(self.p("C", out), ordered_add(*formula), l, chain=ordered_add(*chain))

    def d_activation(self, l: int, i: int, j: int) -> None:
        """∂O_i/∂z_j, the activation's local derivative (a Jacobian entry for softmax)."""
        namer, layer = self.b.namer, self.b.net.layers[l]
        assert layer.activation is not None
        act = ACTIVATIONS[layer.activation.name]
        formula = activation_derivative(
            act.name,
            layer.activation.param("slope", act.default_slope),
            i_out=self.act(l, i),
            j_out=self.act(l, j),
            j_z=self.z(l, j),
            diagonal=i == j,
        )
        shown = sp.Function(act.symbol + "'")(S(self.z(l, j))) if act.elementwise else None
        self.step(self.p(namer.act(l, i), namer.z(l, j)), formula, l, chain=shown)

    def d_z(self, l: int, j: int) -> None:
        """∂C/∂z_j = Σ_i ∂C/∂O_i·∂O_i/∂z_j (one term unless softmax); it is also ∂C/∂b_j."""
        namer, layer = self.b.namer, self.b.net.layers[l]
        assert layer.activation is not None
        z = namer.z(l, j)
        rows = [j] if ACTIVATIONS[layer.activation.name].elementwise else range(layer.size)
        terms = [
            ordered_mul(S(self.p("C", namer.act(l, i))), S(self.p(namer.act(l, i), z)))
            for i in rows
        ]
        aliases: tuple[str, ...] = ()
        bias = self.bias_name(l, j)
        if bias is not None and self.local(self.n(z), bias) == 1:
            aliases = (self.p("C", bias),)
        formula = ordered_add(*terms)
        self.step(self.p("C", z), formula, l, chain=formula, aliases=aliases)

    def d_weights(self, l: int, j: int) -> None:
        """∂C/∂w = ∂C/∂z_j · ∂z_j/∂w for each weight into neuron j."""
        z, zname = self.b.namer.z(l, j), self.z(l, j)
        dz = S(self.p("C", z))
        for w in self.weight_names(l, j):
            local = self.local(zname, w)
            chain = ordered_mul(dz, S(self.p(z, w)))
            self.step(self.p("C", w), ordered_mul(dz, local), l, chain=chain)

    def local(self, z: str, wrt: str) -> sp.Expr:
        """∂z/∂wrt by sympy.diff of the one term of z that holds ``wrt``."""
        return _term_derivative(self.z_terms[z][wrt], S(wrt))

    def weight_names(self, l: int, j: int) -> list[str]:
        return self.b.layer_params[l][0][j]

    def bias_name(self, l: int, j: int) -> str | None:
        biases = self.b.layer_params[l][1]
        return biases[j] if biases else None


_P, _Q = sp.symbols("P Q")
# ∂(p·q)/∂p and ∂(p·q)/∂q, from sympy.diff once; a wide layer's 12,544 terms w·O reuse them
_PRODUCT_RULE = {0: sp.diff(ordered_mul(_P, _Q), _P), 1: sp.diff(ordered_mul(_P, _Q), _Q)}


def _term_derivative(term: sp.Expr, wrt: sp.Symbol) -> sp.Expr:
    """sympy.diff(term, wrt), by the cached product rule when the term is w·O or b (speed)."""
    if term == wrt:
        return sp.S.One
    args = term.args
    product = term.is_Mul and len(args) == 2 and args[0] != args[1]
    if product and all(a.is_Symbol for a in args) and wrt in args:
        derivative: sp.Expr = _PRODUCT_RULE[args.index(wrt)]
        return derivative.xreplace({_P: args[0], _Q: args[1]})
    return sp.diff(term, wrt)


def _layer_params(
    network: Network, params: list[tuple[str, Entry]]
) -> dict[int, tuple[list[list[str]], list[str]]]:
    """Parameter names per layer: (weights row by row, biases), in the order params lists them."""
    names = iter(name for name, _ in params)
    out = {}
    for l, layer in enumerate(network.layers[1:], start=1):
        rows = [[next(names) for _ in row] for row in layer.weights]
        out[l] = (rows, [next(names) for _ in layer.biases or ()])
    return out
