"""The keys of a network file that change how parameters are updated, not the network:
``freeze``, ``regularization: {l2: λ}``, ``momentum: μ`` and ``velocities``.

Their names are checked against the network's parameter names in rules.py, once the notation
that gives those names is known.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .reader import Place, Reader, short

# a parameter name with the glob characters * ? [ ] (w1*, b?, w[12])
FREEZE_PATTERN = re.compile(r"[A-Za-z0-9_()\-*?\[\]]{1,64}")
FREEZE_KINDS = ("weights", "biases")


def training_options(reader: Reader, top: Mapping[str, Any]) -> dict[str, Any]:
    """Network fields from the update keys of ``top`` (the file's top-level mapping)."""
    momentum = _momentum(reader, top.get("momentum"))
    if "velocities" in top and momentum is None:
        raise reader.fail(("velocities",), "velocities need momentum: μ (a number from 0 to 1)")
    return {
        "freeze": _freeze(reader, top.get("freeze", [])),
        "l2": _l2(reader, top.get("regularization")),
        "momentum": momentum,
        "velocities": _velocities(reader, top.get("velocities", {})),
    }


def _freeze(reader: Reader, data: Any) -> tuple[str, ...]:
    what = "parameter names, patterns such as w1* or the words weights and biases"
    if isinstance(data, str):  # freeze: biases
        data = [data]
    items = reader.sequence(data, ("freeze",), length=None, what=what)
    for i, item in enumerate(items):
        if not isinstance(item, str) or not FREEZE_PATTERN.fullmatch(item):
            raise reader.fail(("freeze", i), f"expected {what}, got {short(item)!r}")
    return tuple(items)


def _fraction(reader: Reader, data: Any, path: Place, *, below_one: bool) -> float:
    value = float(reader.number(data, path, symbol_ok=False))
    if value < 0 or (below_one and value >= 1):
        bound = "from 0 up to (not including) 1" if below_one else "≥ 0"
        raise reader.fail(path, f"expected a number {bound}, got {value:g}")
    return value


def _l2(reader: Reader, data: Any) -> float | None:
    if data is None:
        return None
    keys = reader.mapping(data, ("regularization",), allowed=("l2",), required=("l2",))
    return _fraction(reader, keys["l2"], ("regularization", "l2"), below_one=False)


def _momentum(reader: Reader, data: Any) -> float | None:
    if data is None:
        return None
    return _fraction(reader, data, ("momentum",), below_one=True)


def _velocities(reader: Reader, data: Any) -> tuple[tuple[str, float], ...]:
    if not isinstance(data, dict):
        raise reader.fail(("velocities",), "expected a mapping of parameter name to number")
    out = []
    for key, value in data.items():
        if not isinstance(key, str):
            raise reader.fail(("velocities",), f"expected parameter names, got {short(key)!r}")
        out.append((key, float(reader.number(value, ("velocities", key), symbol_ok=False))))
    return tuple(out)
