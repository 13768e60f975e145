"""The common .npy files read without NumPy: a little-endian array of float64, float32, int64,
int32 or uint8 in C order, which is what ``numpy.save`` writes for weights and a drawing.
Importing NumPy costs a tenth of a second, a third of ``import sympy``, on a command that
otherwise never needs it. Any other file (another type, Fortran order, a header this reader
does not know) is left to NumPy's reader (params.py), which gives the same values and the same
errors; a test reads every kind both ways.
"""

from __future__ import annotations

import ast
import math
import sys
from array import array
from collections.abc import Callable
from typing import Any

MAGIC = b"\x93NUMPY"
LONGEST_HEADER = 65536
# .npy type → array module type code; each code's item size is checked where it is used
CODES = {"<f8": "d", "<f4": "f", "<i8": "q", "<i4": "i", "|u1": "B"}

Numbers = list[float] | list[list[float]]


def plain_array(
    stream: Any, *, shape: tuple[int, ...], fail: Callable[[str], Exception]
) -> Numbers | None:
    """The array of ``shape`` as nested lists of floats, or None (the stream back where it
    started) for NumPy to read."""
    start = stream.tell()
    found = _header(stream)
    code = CODES.get(found[0]) if found is not None else None
    if found is None or code is None or array(code).itemsize != int(found[0][2:]):
        stream.seek(start)
        return None
    if found[1] != shape:
        raise fail(f"expected an array of shape {shape}, got {found[1]}")
    values = array(code)
    size = math.prod(shape) * values.itemsize
    data = stream.read(size)
    if len(data) < size:
        raise fail(f"the file ends before its {found[1]} array does")
    values.frombytes(data)
    if sys.byteorder != "little":
        values.byteswap()
    numbers = [float(v) for v in values]
    if not all(map(math.isfinite, numbers)):
        raise fail("expected finite numbers")
    if len(shape) == 1:
        return numbers
    width = shape[1]
    return [numbers[at : at + width] for at in range(0, len(numbers), width)]


def _header(stream: Any) -> tuple[str, tuple[int, ...]] | None:
    """(type, shape) of a C-order array from a version 1.0 or 2.0 header, else None."""
    magic = stream.read(8)
    if len(magic) < 8 or magic[:6] != MAGIC or magic[6:] not in (b"\x01\x00", b"\x02\x00"):
        return None
    length = int.from_bytes(stream.read(2 if magic[6] == 1 else 4), "little")
    if length > LONGEST_HEADER:
        return None
    try:  # a Python literal, as numpy.save writes it; literal_eval runs no code
        fields = ast.literal_eval(stream.read(length).decode("latin1"))
    except (ValueError, SyntaxError, MemoryError, RecursionError, UnicodeDecodeError):
        return None
    if not isinstance(fields, dict) or set(fields) != {"descr", "fortran_order", "shape"}:
        return None
    descr, fortran, shape = fields["descr"], fields["fortran_order"], fields["shape"]
    if not isinstance(descr, str) or fortran is not False or not isinstance(shape, tuple):
        return None
    if not all(type(n) is int and n >= 0 for n in shape):
        return None
    return descr, shape
