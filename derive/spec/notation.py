"""Names of every quantity, by notation style. These ASCII names are the project's names for
quantities everywhere: terminal, JSON, LaTeX and the homework checker.

flat     w0.., b0.., z0.., O0.. numbered through the layers from ``start``; inputs x0.., y0..
layered  Nielsen's w<l>_<j><k> (neuron k of layer l−1 to neuron j of layer l), b<l>_<j>, z<l>_<j>,
         a<l>_<j>, with the input layer as layer 1; indices are joined with "_" (w3_1_12) when
         an index needs two digits (start + the widest layer > 10), so names never collide
chain    one neuron per layer, 3Blue1Brown style: w(L), b(L), z(L), a(L), a(L-1), ... and y

A layer with one shared bias (``biases: 0.35``) has one bias name: flat b1, b2 counted one per
such layer (Matt Mazur's step-by-step example), layered b2, b3 (the layer's number alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cached_property, lru_cache
from typing import Protocol

from .network import Entry, Network


class Namer(Protocol):
    """How a notation names things; each is a frozen dataclass, so hashable (a cache key)."""

    def __hash__(self) -> int: ...
    def weight(self, layer: int, j: int, k: int) -> str: ...
    def bias(self, layer: int, j: int) -> str: ...
    def z(self, layer: int, j: int) -> str: ...
    def act(self, layer: int, j: int) -> str: ...
    def input(self, k: int) -> str: ...
    def target(self, j: int) -> str: ...


@dataclass(frozen=True)
class _Flat:
    sizes: tuple[int, ...]
    start: int
    letter: str
    bias_counts: tuple[int, ...]  # bias parameters per layer, the input's (0) first

    def _neuron(self, layer: int, j: int) -> int:
        return self.start + sum(self.sizes[1:layer]) + j

    def weight(self, layer: int, j: int, k: int) -> str:
        before = sum(self.sizes[i] * self.sizes[i - 1] for i in range(1, layer))
        return f"w{self.start + before + j * self.sizes[layer - 1] + k}"

    def bias(self, layer: int, j: int) -> str:
        before = sum(self.bias_counts[1:layer])
        return f"b{self.start + before + min(j, self.bias_counts[layer] - 1)}"

    def z(self, layer: int, j: int) -> str:
        return f"z{self._neuron(layer, j)}"

    def act(self, layer: int, j: int) -> str:
        return self.input(j) if layer == 0 else f"{self.letter}{self._neuron(layer, j)}"

    def input(self, k: int) -> str:
        return "x" if self.sizes[0] == 1 else f"x{self.start + k}"

    def target(self, j: int) -> str:
        return "y" if self.sizes[-1] == 1 else f"y{self.start + j}"


@dataclass(frozen=True)
class _Layered:
    sizes: tuple[int, ...]
    start: int
    letter: str
    shared: tuple[bool, ...] = ()  # per layer, the input's first: one bias for the layer

    @cached_property
    def _joiner(self) -> str:
        return "_" if max(self.sizes) + self.start > 10 else ""

    def _idx(self, *indices: int) -> str:
        return self._joiner.join(str(self.start + i) for i in indices)

    def weight(self, layer: int, j: int, k: int) -> str:
        return f"w{layer + 1}_{self._idx(j, k)}"

    def bias(self, layer: int, j: int) -> str:
        if self.shared and self.shared[layer]:
            return f"b{layer + 1}"
        return f"b{layer + 1}_{self.start + j}"

    def z(self, layer: int, j: int) -> str:
        return f"z{layer + 1}_{self.start + j}"

    def act(self, layer: int, j: int) -> str:
        return self.input(j) if layer == 0 else f"{self.letter}{layer + 1}_{self.start + j}"

    def input(self, k: int) -> str:
        return f"x{self.start + k}"

    def target(self, j: int) -> str:
        return f"y{self.start + j}"


@dataclass(frozen=True)
class _Chain:
    depth: int  # index of the output layer
    letter: str

    def _sup(self, layer: int) -> str:
        back = self.depth - layer
        return "(L)" if back == 0 else f"(L-{back})"

    def weight(self, layer: int, j: int, k: int) -> str:
        return f"w{self._sup(layer)}"

    def bias(self, layer: int, j: int) -> str:
        return f"b{self._sup(layer)}"

    def z(self, layer: int, j: int) -> str:
        return f"z{self._sup(layer)}"

    def act(self, layer: int, j: int) -> str:
        return f"{self.letter}{self._sup(layer)}"

    def input(self, k: int) -> str:
        return self.act(0, k)

    def target(self, j: int) -> str:
        return "y"


def namer_for(network: Network) -> Namer:
    n = network.notation
    sizes = network.sizes
    if n.style == "layered":
        shared = (False, *(layer.shared_bias for layer in network.layers))
        return _Layered(sizes, n.start, n.activation, shared)
    if n.style == "chain":
        return _Chain(len(sizes) - 1, n.activation)
    counts = (0, *(layer.bias_count for layer in network.layers))  # input first
    return _Flat(sizes, n.start, n.activation, counts)


@lru_cache(maxsize=16)  # loading, checking and deriving a network each ask (13,002 names)
def parameter_names(network: Network, namer: Namer) -> tuple[tuple[str, Entry], ...]:
    """Every weight and bias in naming order, with its entry (a number or a free symbol).

    A parameter written as a symbol name in the file (``weights: [[w]]``) is called by that name.
    """
    out: list[tuple[str, Entry]] = []
    for layer_index, layer in enumerate(network.layers, start=1):
        for j, row in enumerate(layer.weights):
            for k, entry in enumerate(row):
                out.append((_own_name(entry, namer.weight(layer_index, j, k)), entry))
        for j, entry in enumerate(layer.biases or ()):
            out.append((_own_name(entry, namer.bias(layer_index, j)), entry))
    return tuple(out)


def free_symbols(network: Network) -> set[str]:
    """Names written in the file in place of numbers (weights, inputs, targets, η)."""
    entries: list[Entry] = [e for _, e in parameter_names(network, namer_for(network))]
    for ex in network.examples:
        entries.extend((*ex.input, *ex.target))
    entries.append(network.learning_rate)
    return {e for e in entries if isinstance(e, str)}


def generated_names(network: Network) -> dict[str, str]:
    """Every plain name a derivation of ``network`` gives a quantity, with what it names: the
    inputs, targets, weighted sums, activations, the parameters it names itself, C, η and the
    updated parameters. (Partial derivatives and per-example names hold / and [ ], which no
    symbol can.)"""
    namer = namer_for(network)
    out = {"C": "the cost", "eta": "the learning rate"}
    out.update(UPDATE_NAMES)
    out.update((namer.input(k), f"input {k}") for k in range(network.inputs))
    out.update((namer.target(j), f"target {j}") for j in range(network.sizes[-1]))
    for l, layer in enumerate(network.layers, start=1):
        for j in range(layer.size):
            out[namer.z(l, j)] = f"the weighted sum of neuron {j} of layer {l}"
            out[namer.act(l, j)] = f"the activation of neuron {j} of layer {l}"
    for name, entry in parameter_names(network, namer):
        if not isinstance(entry, str):
            out[name] = "a parameter"
        out["new_" + name] = f"the updated {name}"
        out["v_" + name] = out["new_v_" + name] = f"the velocity of {name}"
    return out


# names a derivation may give besides the network's own (regularization and momentum)
UPDATE_NAMES = {
    "C0": "the cost before regularization",
    "lambda": "the regularization strength λ",
    "mu": "the momentum μ",
}


def frozen_names(network: Network) -> frozenset[str]:
    """The parameters ``freeze:`` keeps out of the updates: by name, glob (w1*), or every
    weight or bias (the words weights and biases)."""
    if not network.freeze:
        return frozenset()
    namer = namer_for(network)
    weights: set[str] = set()
    biases: set[str] = set()
    for l, layer in enumerate(network.layers, start=1):
        for j, row in enumerate(layer.weights):
            weights.update(_own_name(e, namer.weight(l, j, k)) for k, e in enumerate(row))
        biases.update(_own_name(e, namer.bias(l, j)) for j, e in enumerate(layer.biases or ()))
    return frozenset(
        name
        for pattern in network.freeze
        for name in matching(pattern, weights=weights, biases=biases)
    )


def matching(pattern: str, *, weights: set[str], biases: set[str]) -> set[str]:
    """The parameter names one ``freeze:`` entry names."""
    if pattern in ("weights", "biases"):
        return weights if pattern == "weights" else biases
    return {name for name in weights | biases if fnmatchcase(name, pattern)}


def _own_name(entry: Entry, default: str) -> str:
    return entry if isinstance(entry, str) else default


def layer_number(network: Network, index: int) -> int:
    """The number a layer goes by in this notation: Nielsen's layered style counts the input
    layer as 1 (so w2_13 belongs to layer 2); flat and chain count it as 0."""
    return index + 1 if network.notation.style == "layered" else index


def layer_label(network: Network, index: int) -> str:
    """'0 (input)', '2 (hidden)', 'L (output)', … in the notation's own numbering."""
    last = network.depth
    kind = "input" if index == 0 else "output" if index == last else "hidden"
    if network.notation.style == "chain":
        number = "L" if index == last else f"L-{last - index}"
    else:
        number = str(layer_number(network, index))
    return f"{number} ({kind})"
