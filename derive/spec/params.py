"""Parameters that are not written out: reproducible random ``init`` and .npy/.npz files.

A layer may write ``weights: init`` / ``biases: init`` (or ``biases: zeros``) to draw from the
top-level ``init: {kind: normal|uniform, seed: N, scale: s}``, or ``{file: w.npz, key: W1}`` to load
an array (path relative to the network file). Random numbers come from Python's ``random`` with the
given seed, drawn layer by layer, weights row by row then biases, so a file always means the same
network; NumPy is imported only to read .npy/.npz files.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from .network import DataSpec
from .reader import Place, Reader


@dataclass(frozen=True)
class InitSpec:
    kind: str
    seed: int
    scale: float


def parse_init(reader: Reader, data: Any) -> InitSpec | None:
    if data is None:
        return None
    keys = reader.mapping(data, ("init",), allowed=("kind", "seed", "scale"), required=("kind",))
    kind = reader.name(keys["kind"], ("init", "kind"), choices=("normal", "uniform"), what="init")
    seed = reader.integer(keys.get("seed", 0), ("init", "seed"), minimum=0)
    scale = float(reader.number(keys.get("scale", 1.0), ("init", "scale"), symbol_ok=False))
    if scale <= 0:
        raise reader.fail(("init", "scale"), f"expected a positive number, got {scale:g}")
    return InitSpec(kind, seed, scale)


class ParameterSource:
    """Turns a layer's ``weights``/``biases`` value that is not a list into numbers."""

    def __init__(self, reader: Reader, init: InitSpec | None, *, base: Path) -> None:
        self.reader = reader
        self.init = init
        self.base = base
        self.rng = random.Random(init.seed if init else 0)

    def draw(self, shape: tuple[int, ...], place: Place, *, spec: Any) -> list[Any]:
        if spec == "zeros" and len(shape) == 1:
            return [0.0] * shape[0]
        if spec == "init":
            return self._random(shape, place)
        if isinstance(spec, dict):
            return self._file(shape, place, spec)
        raise self.reader.fail(place, "expected a list, 'init', 'zeros' (biases) or {file: ...}")

    def _random(self, shape: tuple[int, ...], place: Place) -> list[Any]:
        if self.init is None:
            raise self.reader.fail(place, "'init' needs a top-level init: {kind, seed, scale}")
        init = self.init
        if init.kind == "normal":
            draw: Callable[[], float] = lambda: self.rng.gauss(0.0, init.scale)  # noqa: E731
        else:
            draw = lambda: self.rng.uniform(-init.scale, init.scale)  # noqa: E731
        if len(shape) == 1:
            return [draw() for _ in range(shape[0])]
        return [[draw() for _ in range(shape[1])] for _ in range(shape[0])]

    def _file(self, shape: tuple[int, ...], place: Place, spec: dict[str, Any]) -> list[Any]:
        keys = self.reader.mapping(spec, place, allowed=("file", "key"), required=("file",))
        name = keys["file"]
        if not isinstance(name, str) or not name.endswith((".npy", ".npz")):
            raise self.reader.fail((*place, "file"), "expected a .npy or .npz file name")
        path = self.base / name
        array = _load_array(path, keys.get("key"), fail=lambda msg: self.reader.fail(place, msg))
        if tuple(array.shape) != shape:
            raise self.reader.fail(
                place, f"{name}: expected an array of shape {shape}, got {tuple(array.shape)}"
            )
        values: list[Any] = array.astype(float).tolist()
        return values


def _load_array(path: Path, key: Any, *, fail: Any) -> Any:
    try:
        import numpy as np
    except ImportError:
        raise fail("reading .npy/.npz needs NumPy: pip install 'derive[numpy]'") from None
    if not path.is_file():
        raise fail(f"no such file {path}")
    try:
        loaded = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise fail(f"cannot read {path.name}: {exc}") from None
    if path.suffix == ".npz":
        names = list(loaded.keys())
        if key is None and len(names) == 1:
            key = names[0]
        if key not in names:
            raise fail(f"{path.name} has arrays {', '.join(names)}; name one with key:")
        loaded = loaded[key]
    if not np.issubdtype(loaded.dtype, np.number) or not np.all(np.isfinite(loaded)):
        raise fail(f"{path.name}: expected finite numbers")
    return loaded


def parse_data(reader: Reader, data: Any, *, base: Path) -> DataSpec | None:
    if data is None:
        return None
    allowed = ("csv", "target_columns", "builtin", "test_fraction")
    keys = reader.mapping(data, ("data",), allowed=allowed)
    fraction = float(
        reader.number(keys.get("test_fraction", 0.2), ("data", "test_fraction"), symbol_ok=False)
    )
    if not 0.0 <= fraction < 1.0:
        raise reader.fail(("data", "test_fraction"), f"expected 0 ≤ fraction < 1, got {fraction}")
    if ("csv" in keys) == ("builtin" in keys):
        raise reader.fail(("data",), "expected exactly one of csv: FILE or builtin: digits")
    if "builtin" in keys:
        name = reader.name(
            keys["builtin"], ("data", "builtin"), choices=("digits",), what="data set"
        )
        return DataSpec(builtin=name, test_fraction=fraction)
    if not isinstance(keys["csv"], str):
        raise reader.fail(("data", "csv"), "expected a file name")
    columns = keys.get("target_columns")
    if (
        not isinstance(columns, list)
        or not columns
        or not all(isinstance(c, str | int) and not isinstance(c, bool) for c in columns)
    ):
        raise reader.fail(("data", "target_columns"), "expected a list of column names")
    return DataSpec(
        csv=str(base / keys["csv"]),
        target_columns=tuple(str(c) for c in columns),
        test_fraction=fraction,
    )


__all__ = ["InitSpec", "InputError", "ParameterSource", "parse_data", "parse_init"]
