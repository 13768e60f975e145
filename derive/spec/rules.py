"""Rules that span several fields of a network file, checked once at load time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from ..errors import InputError
from ..functions import ACTIVATIONS, COSTS
from .network import Network
from .notation import free_symbols, namer_for, parameter_names


def check_network(network: Network, *, fail: Callable[..., InputError]) -> None:
    _check_symbols(network, fail)
    _check_pairing(network, fail)
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
    generated = {name for name, entry in params if not isinstance(entry, str)}
    clash = sorted(set(symbolic) & generated)
    if clash:
        raise fail(
            ("layers",),
            f"symbol {clash[0]!r} is also the generated name of another "
            "parameter; choose another name",
        )
    used = free_symbols(network)
    for name, _ in network.values:
        if name not in used:
            raise fail(
                ("values", name),
                f"{name!r} is not a symbol used in this file; "
                f"symbols are: {', '.join(sorted(used)) or 'none'}",
            )


def _check_pairing(network: Network, fail: Callable[..., InputError]) -> None:
    cost = COSTS[network.cost]
    out = network.layers[-1].activation
    assert out is not None
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
