"""Rules that span several fields of a network file, checked once at load time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence

from ..errors import InputError
from ..functions import ACTIVATIONS, ANSWER_FUNCTIONS, COSTS
from .network import Layer, Network
from .notation import (
    Namer,
    free_symbols,
    generated_names,
    matching,
    namer_for,
    parameter_names,
)
from .reader import Place


def check_network(network: Network, *, fail: Callable[..., InputError]) -> None:
    _check_symbols(network, fail)
    _check_pairing(network, fail)
    _check_updates(network, fail)
    if network.notation.style == "chain" and any(size != 1 for size in network.sizes):
        raise fail(("notation", "style"), "chain notation needs one neuron in every layer")


def _check_symbols(network: Network, fail: Callable[..., InputError]) -> None:
    params = parameter_names(network, namer_for(network))
    symbolic = [name for name, entry in params if isinstance(entry, str)]
    twice = [name for name, count in Counter(symbolic).items() if count > 1]
    if twice:
        raise fail(
            ("layers",),
            f"symbol {twice[0]!r} names more than one parameter; "
            "give each weight and bias its own name",
        )
    used = free_symbols(network)
    _check_collisions(network, used, fail)
    for name, _ in network.values:
        if name not in used:
            raise fail(
                ("values", name),
                f"{name!r} is not a symbol used in this file; "
                f"symbols are: {', '.join(sorted(used)) or 'none'}",
            )


def _check_collisions(network: Network, used: set[str], fail: Callable[..., InputError]) -> None:
    """A symbol written where derive generates another quantity's name (weights: [[x]] in a
    network whose input is x) would be mixed up with that quantity and give silently wrong
    numbers; one named like a function of the answer parser (ln, sqrt) could not be answered.
    A symbol in its own place (target y written as y) is fine."""
    generated = generated_names(network)
    for place, own, symbol in _written_symbols(network):
        if symbol in generated and symbol != own:
            raise fail(
                place,
                f"symbol {symbol!r} is also the name of {generated[symbol]}; choose another name",
            )
        if symbol in ANSWER_FUNCTIONS or symbol.lower() in ANSWER_FUNCTIONS:
            raise fail(
                place,
                f"symbol {symbol!r} is the name of a function in answers; choose another name",
            )


def _written_symbols(network: Network) -> Iterator[tuple[Place, str, str]]:
    """(place, the name derive gives that place, the symbol written there) for every symbol."""
    namer = namer_for(network)
    for l, layer in enumerate(network.layers, start=1):
        for j, row in enumerate(layer.weights):
            for k, e in enumerate(row):
                if isinstance(e, str):
                    yield ("layers", l, "weights", j, k), namer.weight(l, j, k), e
        for j, e in enumerate(layer.biases or ()):
            if isinstance(e, str):
                yield ("layers", l, "biases", j), namer.bias(l, j), e
    for i, ex in enumerate(network.examples):
        for key, entries, name in (
            ("input", ex.input, namer.input),
            ("target", ex.target, namer.target),
        ):
            for k, e in enumerate(entries):
                if isinstance(e, str):
                    yield ("examples", i, key, k), name(k), e
    if isinstance(network.learning_rate, str):
        yield ("learning_rate",), "eta", network.learning_rate


def _check_pairing(network: Network, fail: Callable[..., InputError]) -> None:
    cost = COSTS[network.cost]
    out = network.layers[-1].activation
    if ACTIVATIONS[out.name].name == "softmax" and not cost.probabilities:
        return  # unusual but well defined
    if cost.probabilities:
        for e, ex in enumerate(network.examples):
            for j, y in enumerate(ex.target):
                if isinstance(y, float) and not 0.0 <= y <= 1.0:
                    raise fail(
                        ("examples", e, "target", j),
                        f"{network.cost} needs targets between 0 and 1, got {y:g}",
                    )
        if out.name not in ("sigmoid", "softmax"):
            raise fail(
                (("layers", network.depth, "activation")),
                f"{network.cost} takes the log of the outputs; use a sigmoid or softmax "
                f"output layer, not {out.name} (its outputs can be ≤ 0)",
            )


def _check_updates(network: Network, fail: Callable[..., InputError]) -> None:
    """cost: none needs one output; freeze: and velocities: must name parameters that exist."""
    outputs = network.sizes[-1]
    if not COSTS[network.cost].targets and outputs != 1:
        raise fail(
            ("cost",),
            f"cost: none backpropagates from one output, and this network has {outputs}; "
            "name a cost",
        )
    namer = namer_for(network)
    names = parameter_names(network, namer)
    biases = {n for l, layer in enumerate(network.layers, 1) for n in _bias_names(layer, l, namer)}
    weights = {n for n, _ in names} - biases
    for i, pattern in enumerate(network.freeze):
        if not matching(pattern, weights=weights, biases=biases):
            raise fail(
                ("freeze", i), f"{pattern!r} names no parameter; parameters are {_few(names)}"
            )
    for name, _ in network.velocities:
        if name not in weights | biases:
            raise fail(
                ("velocities", name), f"{name!r} is not a parameter; parameters are {_few(names)}"
            )


def _bias_names(layer: Layer, l: int, namer: Namer) -> list[str]:
    return [e if isinstance(e, str) else namer.bias(l, j) for j, e in enumerate(layer.biases or ())]


def _few(names: Sequence[tuple[str, object]]) -> str:
    shown = [n for n, _ in names]
    return ", ".join(shown) if len(shown) <= 8 else f"{', '.join(shown[:6])}, …, {shown[-1]}"
