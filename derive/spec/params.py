"""Parameters that are not written out: reproducible random ``init`` and .npy/.npz files.

A layer may write ``weights: init`` / ``biases: init`` (or ``biases: zeros``) to draw from the
top-level ``init: {kind: normal|uniform, seed: N, scale: s}``, or ``{file: w.npz, key: W1}`` to load
an array (path relative to the network file, and inside its folder unless allowed otherwise).
Random numbers come from Python's ``random`` with the given seed, drawn layer by layer, weights
row by row then biases, so a file always means the same network; NumPy is imported only to read
.npy/.npz files.
"""

from __future__ import annotations

import math
import os
import random
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InputError, OptionError
from .files import open_regular
from .limits import Limits
from .network import DataSpec
from .npy import Numbers, plain_array
from .reader import Place, Reader, short

# An .npz may hold every array of a large network and more; only the arrays named are read.
MAX_ARRAY_FILE = 256 * 2**20
Fail = Callable[[str], Exception]


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

    def __init__(
        self, reader: Reader, init: InitSpec | None, *, base: Path, limits: Limits
    ) -> None:
        self.reader = reader
        self.init = init
        self.base = base
        self.limits = limits
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
        path = inside_folder(self.reader, name, place, base=self.base, limits=self.limits)

        def fail(problem: str) -> InputError:
            return self.reader.fail(place, f"{name}: {problem}")

        return read_array(path, key=keys.get("key"), shape=shape, fail=fail)


class OutsideFolderError(OptionError):
    """A file named by the network file that resolves outside the network file's folder: a
    network file from someone else must not read the reader's other files."""

    def __init__(self, where: str) -> None:
        self.where = where  # "net.yaml:9: layers[1].weights: ../w.npy"
        super().__init__("allow_outside_files", "")

    def message(self, flag: str) -> str:
        return f"{self.where} is outside the network file's folder; pass {flag} to read it"


def inside_folder(reader: Reader, name: str, place: Place, *, base: Path, limits: Limits) -> Path:
    """``name`` relative to the network file's folder ``base``; refused if it resolves (links
    followed) outside it, unless ``limits.allow_outside_files``."""
    path = base / name
    if limits.allow_outside_files:
        return path
    try:
        folder = base.resolve()
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise reader.fail(place, f"{name}: cannot resolve the path") from None
    if not resolved.is_relative_to(folder):
        written = Path(os.path.normpath(folder / name)).is_relative_to(folder)
        shown = f"{name} (a link to {resolved})" if written else name
        raise OutsideFolderError(str(reader.fail(place, shown)))
    return path


def read_array(path: Path, *, key: Any, shape: tuple[int, ...], fail: Fail) -> Numbers:
    """The array of ``shape`` in a .npy file, or under ``key`` in a .npz file, as NumPy reads
    it, as nested lists of floats; the common .npy files without NumPy (npy.py).

    The header is read and checked first, so a file claiming 10⁹ floats costs nothing, and only
    the bytes of that shape are read (a .npz member is decompressed no further)."""
    with open_regular(path, max_bytes=MAX_ARRAY_FILE, fail=fail) as handle:
        try:
            if path.suffix == ".npy":
                found = plain_array(handle, shape=shape, fail=fail)
                if found is not None:
                    return found
            try:
                import numpy  # noqa: F401
            except ImportError:
                needs = "reading this .npy/.npz needs NumPy: pip install 'derive-backprop[numpy]'"
                raise fail(needs) from None
            if path.suffix == ".npz":
                return _from_npz(handle, key=key, shape=shape, fail=fail).astype(float).tolist()  # type: ignore[no-any-return]
            return _from_npy(handle, shape=shape, fail=fail).astype(float).tolist()  # type: ignore[no-any-return]
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError) as exc:
            raise fail(f"cannot read: {short(exc)}") from None
        except RuntimeError:  # zipfile: an encrypted member
            raise fail("cannot read: encrypted") from None


def _from_npz(handle: BinaryIO, *, key: Any, shape: tuple[int, ...], fail: Fail) -> Any:
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile:
        raise fail("not a .npz file (expected a zip archive of .npy arrays)") from None
    with archive:
        names = [n.removesuffix(".npy") for n in archive.namelist() if n.endswith(".npy")]
        if key is None and len(names) == 1:
            key = names[0]
        if key not in names:
            shown = short(", ".join(names)) if names else "none"
            raise fail(f"has arrays {shown}; name one with key:")
        with archive.open(f"{key}.npy") as member:
            return _from_npy(member, shape=shape, fail=fail)


def _from_npy(stream: Any, *, shape: tuple[int, ...], fail: Fail) -> Any:
    import numpy as np

    found, fortran, dtype = _npy_header(stream, fail=fail)
    if dtype.hasobject:
        raise fail("object arrays are not allowed")
    if dtype.kind == "c":
        raise fail("expected real numbers, got complex ones (the imaginary part would be lost)")
    if dtype.kind not in "iuf":
        raise fail(f"expected an array of numbers, got dtype {short(dtype)}")
    if found != shape:
        raise fail(f"expected an array of shape {shape}, got {found}")
    size = math.prod(shape) * dtype.itemsize
    data = stream.read(size)
    if len(data) < size:
        raise fail(f"the file ends before its {found} array does")
    array = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    if not np.all(np.isfinite(array)):
        raise fail("expected finite numbers")
    return array


def _npy_header(stream: Any, *, fail: Fail) -> tuple[tuple[int, ...], bool, Any]:
    """(shape, Fortran order, dtype) from a .npy header, refusing anything else in one line."""
    from numpy.lib import format as npy

    readers = {(1, 0): npy.read_array_header_1_0, (2, 0): npy.read_array_header_2_0}
    try:
        version = npy.read_magic(stream)
        shape, fortran, dtype = readers[version](stream)
    except Exception:  # numpy's header parser meets untrusted text: any error means a bad header
        raise fail("not a .npy file (no valid NumPy header)") from None
    return tuple(shape), bool(fortran), dtype


def parse_data(reader: Reader, data: Any, *, base: Path, limits: Limits) -> DataSpec | None:
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
    csv = inside_folder(reader, keys["csv"], ("data", "csv"), base=base, limits=limits)
    columns = keys.get("target_columns")
    if (
        not isinstance(columns, list)
        or not columns
        or not all(isinstance(c, str | int) and not isinstance(c, bool) for c in columns)
    ):
        raise reader.fail(("data", "target_columns"), "expected a list of column names")
    return DataSpec(
        csv=str(csv),
        target_columns=tuple(str(c) for c in columns),
        test_fraction=fraction,
    )


__all__ = [
    "InitSpec",
    "InputError",
    "OutsideFolderError",
    "ParameterSource",
    "parse_data",
    "parse_init",
    "read_array",
]
