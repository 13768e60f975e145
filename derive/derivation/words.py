"""``--why``: one plain sentence per chain-rule step, built from the step's structure.

A step is classified by what its name differentiates (∂C/∂O, ∂O/∂z, ∂C/∂z, ∂C/∂w, an average)
and the sentence of that kind is filled in with the step's own quantities; the sentence of each
activation and cost comes from the functions table (functions.py), beside its SymPy form. No
sentence is written for a particular network.

A sentence is a tuple of parts: text, and ``Ref``s to quantity names that each renderer writes
its own way (∂C/∂z3 in the terminal, math in LaTeX and Markdown).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from string import Formatter
from typing import Literal

from ..functions import ACTIVATIONS, COSTS
from ..spec.notation import namer_for
from .names import DATA_COST, display, per_example, split_example, split_partial
from .quantity import AVERAGE, REGULARIZATION, Derivation, Quantity

Role = Literal["C", "z", "act", "input", "weight", "bias"]


@dataclass(frozen=True)
class Ref:
    """A quantity's name inside a sentence."""

    name: str


Part = str | Ref
Sentence = tuple[Part, ...]


@dataclass(frozen=True)
class Place:
    role: Role
    layer: int = 0
    index: int = 0  # the neuron (for a weight: the neuron it feeds)
    source: int = 0  # for a weight: the neuron of the layer below it comes from


@dataclass(frozen=True)
class Step:
    """One step as the sentence builders see it: its quantity and where its names point."""

    q: Quantity
    num: Place
    den: Place
    den_name: str  # without the example's suffix: w6, z3
    example: int | None


def plain(sentence: Sentence, name: Callable[[str], str] = display) -> str:
    """The sentence as text, each name written by ``name``."""
    return "".join(p if isinstance(p, str) else name(p.name) for p in sentence)


def fill(template: str, **names: str) -> Sentence:
    """A table's template ("the sigmoid's slope at {z}") with its fields as names."""
    parts: list[Part] = []
    for text, field, _, _ in Formatter().parse(template):
        parts += [text] if text else []
        parts += [Ref(names[field])] if field is not None else []
    return tuple(parts)


class Words:
    """The sentence of every step of one derivation."""

    def __init__(self, d: Derivation) -> None:
        self.d = d
        self.namer = namer_for(d.network)
        self.places = _places(d)

    def __call__(self, q: Quantity) -> Sentence:
        """The step's sentence; empty for a quantity that is no step (O3, C, new_w6)."""
        if q.section in _SECTIONS:
            return _SECTIONS[q.section](self, q)
        base, suffix = split_example(q.name)
        parts = split_partial(base)
        if q.step is None or parts is None:
            return ()  # only the chain rule's steps are explained
        num, den = (self.places[p] for p in parts)
        step = Step(q, num, den, parts[1], int(suffix.strip("[]")) if suffix else None)
        builder = _BUILDERS[(num.role, den.role)]
        return builder(self, step)

    def all(self) -> dict[str, Sentence]:
        return {q.name: self(q) for q in self.d.steps}

    def n(self, name: str, step: Step) -> str:
        return per_example(name, step.example)

    def act(self, place: Place, step: Step) -> str:
        return self.n(self.namer.act(place.layer, place.index), step)

    def z(self, place: Place, step: Step) -> str:
        return self.n(self.namer.z(place.layer, place.index), step)

    # one builder per kind of step

    def cost(self, s: Step) -> Sentence:
        """∂C/∂a of an output: the cost's own sentence."""
        if s.den.layer != self.d.network.depth:
            return self.fan_out(s)
        target = self.n(self.namer.target(s.den.index), s)
        return fill(COSTS[self.d.network.cost].why, a=self.act(s.den, s), y=target)

    def fan_out(self, s: Step) -> Sentence:
        """∂C/∂a of a hidden neuron: a sum over the weighted sums it feeds."""
        a, above = self.act(s.den, s), s.den.layer + 1
        zs = [self.n(self.namer.z(above, k), s) for k in range(self.d.network.sizes[above])]
        if len(zs) == 1:
            weight = self.d.params_by_layer[above].weights[0][s.den.index]
            return (
                Ref(a),
                " reaches C only through ",
                Ref(zs[0]),
                ": C's sensitivity to it, times the weight ",
                Ref(weight),
                " that carries it",
            )
        both = "both " if len(zs) == 2 else ""
        every = "both effects add" if len(zs) == 2 else f"the {len(zs)} effects add"
        return (Ref(a), f" feeds {both}", *_listed(zs), f", so {every} (each through its weight)")

    def slope(self, s: Step) -> Sentence:
        """∂a/∂z: the activation's sentence (softmax: its own sum, or another's)."""
        act = ACTIVATIONS[self.d.network.layer(s.num.layer).activation.name]
        template = act.why if s.num.index == s.den.index else act.why_across
        return fill(template, a=self.act(s.num, s), z=self.z(s.den, s))

    def through(self, s: Step) -> Sentence:
        """∂C/∂z: through the activation (every output of a softmax), and it is ∂C/∂b."""
        z = self.z(s.den, s)
        layer = self.d.network.layer(s.den.layer)
        if ACTIVATIONS[layer.activation.name].elementwise:
            a = self.act(s.den, s)
            head: Sentence = (
                Ref(z),
                " acts on C only through ",
                Ref(a),
                ": C's sensitivity to ",
                Ref(a),
                ", times its slope",
            )
        else:
            outs = [self.n(self.namer.act(s.den.layer, i), s) for i in range(layer.size)]
            head = (Ref(z), " moves every output of the softmax, so the effects through ")
            head += (*_listed(outs), " add")
            if s.q.formula != s.q.chain:  # carried by hand as O − y
                target = self.n(self.namer.target(s.den.index), s)
                head += (", which with cross-entropy comes to ", Ref(outs[s.den.index]))
                head += (" − ", Ref(target))
        if not s.q.aliases:
            return head
        bias = ("; a bias moves ", Ref(z), " one-for-one, so this is also ", Ref(s.q.aliases[0]))
        return (*head, *bias)

    def weight(self, s: Step) -> Sentence:
        """∂C/∂w = ∂C/∂z · a: how strongly the neuron below fires."""
        z, w = self.z(s.den, s), s.den_name
        below = Place("act" if s.den.layer > 1 else "input", s.den.layer - 1, s.den.source)
        a = self.act(below, s)
        how = "fires" if below.role == "act" else "is large"
        return (
            Ref(z),
            " grows by ",
            Ref(a),
            " for each unit of ",
            Ref(w),
            ", so ",
            Ref(w),
            f" matters as much as {'the input ' if below.role == 'input' else ''}",
            Ref(a),
            f" {how}",
        )

    def shared_bias(self, s: Step) -> Sentence:
        """∂C/∂b of a layer's one bias: it moves every z of the layer."""
        n = self.d.network.sizes[s.den.layer]
        return (
            "the layer's one bias ",
            Ref(s.den_name),
            f" moves all {n} weighted sums of its layer one-for-one, so their effects add",
        )

    def _decay(self, q: Quantity) -> Sentence:
        """∂C/∂w = ∂C0/∂w + λ·w: the penalty's pull."""
        w = split_partial(q.name)
        weight = w[1] if w else q.name
        return (
            "the penalty (λ/2)·",
            Ref(weight),
            "² adds λ·",
            Ref(weight),
            " to the data's gradient, a steady pull of the weight toward 0",
        )

    def _average(self, q: Quantity) -> Sentence:
        n = len(self.d.network.examples)
        return (
            f"C is the mean of the {n} examples' costs, so ",
            Ref(q.name),
            " is the mean of their gradients: the mini-batch step of SGD",
        )


def _listed(names: Sequence[str]) -> Sentence:
    """z3, z4 and z5 (a long list shortened: z3_1, …, z3_16)."""
    if len(names) > 4:
        return (Ref(names[0]), ", …, ", Ref(names[-1]))
    parts: list[Part] = []
    for i, name in enumerate(names):
        if i:
            parts.append(" and " if i == len(names) - 1 else ", ")
        parts.append(Ref(name))
    return tuple(parts)


_BUILDERS: dict[tuple[Role, Role], Callable[[Words, Step], Sentence]] = {
    ("C", "act"): Words.cost,
    ("C", "input"): Words.fan_out,  # ∂C/∂x (saliency): like a hidden neuron's
    ("act", "z"): Words.slope,
    ("C", "z"): Words.through,
    ("C", "weight"): Words.weight,
    ("C", "bias"): Words.shared_bias,  # a layer's own bias is an alias of ∂C/∂z
}
_SECTIONS: dict[str, Callable[[Words, Quantity], Sentence]] = {
    AVERAGE: Words._average,
    REGULARIZATION: Words._decay,
}


def _places(d: Derivation) -> dict[str, Place]:
    """Every base name a step can differentiate, with what it names."""
    namer, net = namer_for(d.network), d.network
    out: dict[str, Place] = {"C": Place("C"), DATA_COST: Place("C")}
    out.update((namer.act(0, k), Place("input", 0, k)) for k in range(net.inputs))
    for l, group in d.params_by_layer.items():
        for j in range(net.sizes[l]):
            out[namer.z(l, j)] = Place("z", l, j)
            out[namer.act(l, j)] = Place("act", l, j)
        for j, row in enumerate(group.weights):
            out.update((w, Place("weight", l, j, k)) for k, w in enumerate(row))
        out.update((b, Place("bias", l, j)) for j, b in enumerate(group.biases))
    return out


def sentence_of(d: Derivation, name: str) -> Sentence:
    """One step's sentence (``Words`` once per derivation is faster for many)."""
    return Words(d)(d[name])
