"""A Network (with trained parameters) back to a network file that load_network reads unchanged.

Floats are written by YAML's representer, i.e. Python's shortest repr, so they round trip
exactly. A CSV path under ``data:`` is written relative to the new file's folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from .network import Activation, Layer, Network


def to_yaml(network: Network, *, destination: Path | None = None) -> str:
    doc: dict[str, Any] = {
        "title": network.title,
        "notation": {
            "style": network.notation.style,
            "start": network.notation.start,
            "activation": network.notation.activation,
        },
        "layers": [{"size": network.inputs}] + [_layer(layer) for layer in network.layers],
        "examples": [_example(ex.input, ex.target) for ex in network.examples]
        # a network trained from data: alone is explained on the data's first row
        or ({"from_data": 0} if network.data is not None else []),
        "cost": network.cost,
        "learning_rate": network.learning_rate,
    }
    if network.values:
        doc["values"] = dict(network.values)
    if network.one_hot:
        doc["one_hot"] = True
    doc.update(_updates(network))
    if network.data is not None:
        doc["data"] = _data(network.data, destination)
    return yaml.safe_dump(doc, sort_keys=False, default_flow_style=None, width=100)


def _layer(layer: Layer) -> dict[str, Any]:
    out: dict[str, Any] = {"size": layer.size, "activation": _activation(layer.activation)}
    out["weights"] = [list(row) for row in layer.weights]
    if layer.biases is not None:
        out["biases"] = layer.biases[0] if layer.shared_bias else list(layer.biases)
    return out


def _example(inputs: tuple[Any, ...], targets: tuple[Any, ...]) -> dict[str, Any]:
    """An example; without targets (cost: none) its input alone."""
    return {"input": list(inputs), **({"target": list(targets)} if targets else {})}


def _updates(network: Network) -> dict[str, Any]:
    """freeze, regularization, momentum and velocities, where the network has them."""
    out: dict[str, Any] = {}
    if network.freeze:
        out["freeze"] = list(network.freeze)
    if network.l2 is not None:
        out["regularization"] = {"l2": network.l2}
    if network.momentum is not None:
        out["momentum"] = network.momentum
    if network.velocities:
        out["velocities"] = dict(network.velocities)
    return out


def _activation(activation: Activation) -> Any:
    if not activation.params:
        return activation.name
    return {"name": activation.name, **dict(activation.params)}


def _data(data: Any, destination: Path | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if getattr(data, "builtin", None) is not None:
        out["builtin"] = data.builtin
    if getattr(data, "csv", None) is not None:
        folder = (destination or Path("x")).resolve().parent
        out["csv"] = os.path.relpath(Path(data.csv).resolve(), folder)
        out["target_columns"] = list(data.target_columns)
    out["test_fraction"] = float(data.test_fraction)
    return out
