"""The chain rule for one training example: its forward pass, its cost and its backward steps,
each recorded as a named quantity on a ``Recorder`` (the builder in build.py is the one there is).
"""

from __future__ import annotations

from typing import Any, Protocol

import sympy as sp

from ..functions import ACTIVATIONS
from ..spec.notation import Namer
from . import templates
from .bulk import RowGradients
from .lazy import BackSum, Following, Lazy, ProductSum, WeightedSum, term
from .names import DATA_COST, data_gradient, partial, per_example
from .ops import Fetch
from .quantity import BACKWARD, COST, FORWARD, S, ordered_add, ordered_mul
from .updates import Definer


class Recorder(Definer, Protocol):
    """Where an example's quantities go: names them, evaluates and records them in order."""

    @property
    def namer(self) -> Namer: ...
    @property
    def many(self) -> bool: ...
    @property
    def wrt_inputs(self) -> bool: ...
    def sfx(self, name: str, example: int) -> str: ...
    @property
    def input_names(self) -> list[str]: ...
    @property
    def fetch(self) -> Fetch: ...
    def writes_o_minus_y(self, layer: int, example: int) -> bool: ...


class ExampleChain:
    """Forward pass, cost and backward steps for one training example."""

    def __init__(self, builder: Recorder, index: int) -> None:
        self.b = builder
        self.e = index
        self.ex = builder.net.examples[index]
        # each z as its weighted sum: ∂z/∂w and ∂z/∂O are sympy.diff of the one term that holds
        # w or O (linearity), which keeps wide layers fast
        self.z_sums: dict[str, WeightedSum] = {}
        self.inputs: dict[int, list[str]] = {}  # each layer's inputs, by name
        self._input_columns: dict[int, dict[str, int]] = {}  # made when a formula needs them
        self._following: dict[int, Following] = {}
        self.outputs: list[str] = []  # the output layer's names, and the targets'
        self.targets: list[str] = []

    def n(self, name: str) -> str:
        return self.b.sfx(name, self.e)

    def act(self, layer: int, j: int) -> str:
        return self.n(self.b.namer.act(layer, j))

    def z(self, layer: int, j: int) -> str:
        return self.n(self.b.namer.z(layer, j))

    def forward_and_cost(self) -> None:
        b, namer = self.b, self.b.namer
        meta: dict[str, Any] = {"example": self.e + 1 if self.b.many else None}
        number = self.e + 1 if b.many else None
        first = [per_example(a, number) for a in b.input_names]
        b.given_column(first, self.ex.input, key=("input", self.e), layer=0, **meta)
        for j, entry in enumerate(self.ex.target):
            b.given(self.n(namer.target(j)), entry, **meta)
        for l, layer in enumerate(b.net.layers, start=1):
            group = b.layer_params[l]
            inputs = self.inputs[l] = (
                first if l == 1 else [self.act(l - 1, k) for k in range(b.net.sizes[l - 1])]
            )
            for j, row in enumerate(group.weights):
                zname = self.z(l, j)
                bias = group.bias(j)
                z_sum = WeightedSum(layer=l, row=row, inputs=inputs, bias=bias, fetch=b.fetch)
                self.z_sums[zname] = z_sum
                b.define_lazy(zname, FORWARD, z_sum, z_sum.kernel, layer=l, **meta)
            act = ACTIVATIONS[layer.activation.name]
            zs = [self.z(l, j) for j in range(layer.size)]
            slope = layer.activation.param("slope", act.default_slope)
            for j, out in enumerate(templates.activation(act.name, slope, zs)):
                b.define_lazy(self.act(l, j), FORWARD, out, out.kernel, layer=l, **meta)
        last = b.net.depth
        self.outputs = [self.act(last, j) for j in range(b.net.layers[-1].size)]
        self.targets = [self.n(namer.target(j)) for j in range(len(self.outputs))]
        cost = templates.cost(b.net.cost, self.outputs, self.targets)
        # regularized, one example: this is the data part C0 of C = C0 + (λ/2)·Σw²
        alone = DATA_COST if b.regularized and not b.many else "C"
        b.define_lazy(self.n(alone), COST, cost, cost.kernel, **meta)

    def backward(self) -> None:
        last = self.b.net.depth
        for l in range(last, 0, -1):
            layer = self.b.net.layer(l)
            if ACTIVATIONS[layer.activation.name].elementwise:
                for j in range(layer.size):
                    self.d_output(l, j)
                    self.d_activation(l, j, j)
                    self.d_z(l, j)
                    self.d_weights(l, j)
                self.d_shared_bias(l)
            else:
                for j in range(layer.size):
                    self.d_output(l, j)
                for j in range(layer.size):
                    for i in range(layer.size):
                        self.d_activation(l, i, j)
                    self.d_z(l, j)
                    self.d_weights(l, j)
                self.d_shared_bias(l)
        if self.b.wrt_inputs:  # ∂C/∂x: CS231n's examples, saliency maps
            for k in range(self.b.net.inputs):
                self.d_output(0, k)

    def step(self, name: str, formula: sp.Expr, l: int, **meta: Any) -> None:
        ex = self.e + 1 if self.b.many else None
        self.b.define(name, BACKWARD, formula, numbered=True, layer=l, example=ex, **meta)

    def lazy_step(self, name: str, step: Lazy, l: int, **meta: Any) -> None:
        ex = self.e + 1 if self.b.many else None
        meta.update(numbered=True, layer=l, example=ex)
        self.b.define_lazy(name, BACKWARD, step, step.kernel, **meta)

    def p(self, num: str, den: str) -> str:
        """The name of ∂num/∂den for this example (base names in, suffix added once)."""
        return self.n(partial(num, den))

    def d_output(self, l: int, j: int) -> None:
        """∂C/∂O_j: from the cost for the output layer, else a sum over the next layer."""
        out = self.b.namer.act(l, j)
        if l == self.b.net.depth:
            cost = self.b.net.cost
            self.lazy_step(
                self.p("C", out), templates.cost_derivative(cost, self.outputs, self.targets, j), l
            )
            return
        after, weights = self.following(l), self.b.layer_params[l + 1].by_input[j]
        steps = BackSum(chain=self, out=self.n(out), out_base=out, after=after, weights=weights)
        self.lazy_step(self.p("C", out), steps, l)

    def following(self, l: int) -> Following:
        """Layer l + 1's weighted sums by name, made once for all of layer l's outputs."""
        if l not in self._following:
            z_bases = tuple(self.b.namer.z(l + 1, k) for k in range(self.b.net.sizes[l + 1]))
            zs = tuple(self.n(z) for z in z_bases)
            self._following[l] = Following(z_bases, zs, tuple(self.p("C", z) for z in z_bases))
        return self._following[l]

    def d_activation(self, l: int, i: int, j: int) -> None:
        """∂O_i/∂z_j, the activation's local derivative (a Jacobian entry for softmax)."""
        namer, layer = self.b.namer, self.b.net.layer(l)
        act = ACTIVATIONS[layer.activation.name]
        local = templates.local_derivative(
            act.name,
            layer.activation.param("slope", act.default_slope),
            i_out=self.act(l, i),
            j_out=self.act(l, j),
            j_z=self.z(l, j),
            diagonal=i == j,
        )
        self.lazy_step(self.p(namer.act(l, i), namer.z(l, j)), local, l)

    def d_z(self, l: int, j: int) -> None:
        """∂C/∂z_j = Σ_i ∂C/∂O_i·∂O_i/∂z_j (one term unless softmax); it is also ∂C/∂b_j."""
        namer, layer = self.b.namer, self.b.net.layer(l)
        z = namer.z(l, j)
        rows = [j] if ACTIVATIONS[layer.activation.name].elementwise else range(layer.size)
        pairs = tuple((self.p("C", namer.act(l, i)), self.p(namer.act(l, i), z)) for i in rows)
        aliases: tuple[str, ...] = ()
        bias = self.bias_name(l, j)
        shared = self.b.layer_params[l].shared
        if bias is not None and not shared and self.local(self.n(z), bias) == 1:
            aliases = (self.p("C", bias),)
        sums = ProductSum(pairs)
        if not self.b.writes_o_minus_y(l, self.e):
            self.lazy_step(self.p("C", z), sums, l, aliases=aliases)
            return
        chain, _ = sums()  # the Jacobian sum stays shown as the reason
        target = S(self.n(namer.target(j)))
        formula = ordered_add(S(self.act(l, j)), ordered_mul(sp.S.NegativeOne, target))
        self.step(self.p("C", z), formula, l, chain=chain, aliases=aliases)

    def d_weights(self, l: int, j: int) -> None:
        """∂C/∂w = ∂C/∂z_j · ∂z_j/∂w for each weight into neuron j (∂z_j/∂w is the input the
        weight multiplies, so the value is a product of two earlier values)."""
        z, zname, dz = self.b.namer.z(l, j), self.z(l, j), self.p("C", self.b.namer.z(l, j))
        ex = self.e + 1 if self.b.many else None
        row = self.b.layer_params[l].weights[j]
        inputs, fetch = self.inputs[l], self.b.fetch
        steps = RowGradients(
            chain=self, dz=dz, z=zname, z_base=z, row=row, inputs=inputs, fetch=fetch
        )
        rename, recipe = self.weight_gradient, steps.item
        key = ("row", l, self.e, j)
        meta = {"rename": rename, "recipe": recipe, "layer": l, "example": ex}
        if self.b.define_column(BACKWARD, row, steps.kernel, key=key, numbered=True, **meta):
            return
        for k, w in enumerate(row):
            step = steps.item(k)
            name = self.weight_gradient(w)
            self.b.define_lazy(
                name, BACKWARD, step, step.kernel, numbered=True, layer=l, example=ex
            )

    def weight_gradient(self, w: str) -> str:
        """∂C/∂w of this example, or ∂C0/∂w when a regularization step adds λ·w after it."""
        return data_gradient(w) if self.b.regularized and not self.b.many else self.p("C", w)

    def d_shared_bias(self, l: int) -> None:
        """A layer's one shared bias b enters every z_j, so ∂C/∂b = Σ_j ∂C/∂z_j · ∂z_j/∂b."""
        group = self.b.layer_params[l]
        if not group.shared or not group.biases:
            return
        bias, namer = group.biases[0], self.b.namer
        zs = [namer.z(l, j) for j in range(len(group.weights))]
        chain = ordered_add(*[ordered_mul(S(self.p("C", z)), S(self.p(z, bias))) for z in zs])
        locals_ = [self.local(self.n(z), bias) for z in zs]  # each 1: ∂z_j/∂b = 1
        formula = ordered_add(
            *[
                S(self.p("C", z)) if d == 1 else ordered_mul(S(self.p("C", z)), d)
                for z, d in zip(zs, locals_, strict=True)
            ]
        )
        self.step(self.p("C", bias), formula, l, chain=chain)

    def local(self, z: str, wrt: str) -> sp.Expr:
        """∂z/∂wrt by sympy.diff of the one term of z that holds ``wrt``."""
        return _term_derivative(term(self.z_sums[z].term_of(wrt, self._column)), S(wrt))

    def _column(self, l: int, name: str) -> int:
        """The position of a weight in its row, or of an input among layer ``l``'s inputs."""
        weights = self.b.layer_params[l].columns
        if name in weights:
            return weights[name]
        if l not in self._input_columns:
            self._input_columns[l] = {a: k for k, a in enumerate(self.inputs[l])}
        return self._input_columns[l][name]

    def weight_names(self, l: int, j: int) -> list[str]:
        return list(self.b.layer_params[l].weights[j])

    def bias_name(self, l: int, j: int) -> str | None:
        return self.b.layer_params[l].bias(j)


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
