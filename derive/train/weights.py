"""Trained NumPy weights back into a Network, which spec/write.py turns into a network file."""

from __future__ import annotations

from dataclasses import replace

from ..spec.network import Entry, Layer, Network
from .model import NumpyModel
from .options import velocities


def with_model(network: Network, model: NumpyModel) -> Network:
    """``network`` with the model's weights and biases in place of its own."""
    layers = []
    for layer, trained in zip(network.layers, model.layers, strict=True):
        weights = tuple(tuple(float(v) for v in row) for row in trained.weights)
        params = trained.bias_params
        biases = None if params is None else tuple(float(v) for v in params)
        layers.append(replace(layer, weights=weights, biases=biases))
    used = _symbols_left(network, tuple(layers))
    values = tuple((k, v) for k, v in network.values if k in used)
    moving = velocities(model, network)  # momentum: the next run starts where this one stopped
    return replace(network, layers=tuple(layers), values=values, velocities=moving)


def _symbols_left(network: Network, layers: tuple[Layer, ...]) -> set[str]:
    entries: list[Entry] = [network.learning_rate]
    for ex in network.examples:
        entries.extend((*ex.input, *ex.target))
    for layer in layers:
        entries.extend(e for row in layer.weights for e in row)
    return {e for e in entries if isinstance(e, str)}
