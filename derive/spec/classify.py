"""A classifier's two extras in the network file: names for its outputs, and examples taken
from its data.

``labels: [0, 1, …, 9]`` names output neuron j "label 0", "label 1", …; ``labels: {kind: digit,
values: [0, …, 9]}`` names it "digit 0", …. ``examples: {from_data: K}`` (or ``[K1, K2, …]`` for a
mini-batch) is row K of the file's ``data:`` (a CSV file or the builtin digits), counted from 0
as the data set counts them, resolved here into ordinary examples so nothing later knows.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .limits import Limits, check_examples
from .network import DataSpec
from .reader import Place, Reader, short

LABEL_LENGTH = 24  # a label sits beside a neuron's name in a table column
KIND = re.compile(r"[A-Za-z][A-Za-z ]{0,19}")


def parse_labels(reader: Reader, data: Any, *, outputs: int) -> tuple[tuple[str, ...], str]:
    """The output labels as text, one per output neuron, and the word before each ("label")."""
    if data is None:
        return (), "label"
    place: Place = ("labels",)
    kind = "label"
    if isinstance(data, dict):
        keys = reader.mapping(data, place, allowed=("kind", "values"), required=("values",))
        kind = keys.get("kind", kind)
        if not isinstance(kind, str) or not KIND.fullmatch(kind):
            raise reader.fail((*place, "kind"), "expected a word such as digit or class")
        data, place = keys["values"], (*place, "values")
    what = "labels (one per output neuron)"
    items = reader.sequence(data, place, length=outputs, what=what)
    labels = tuple(_label(reader, item, (*place, i)) for i, item in enumerate(items))
    for i, label in enumerate(labels):
        if label in labels[:i]:
            raise reader.fail((*place, i), f"label {label!r} given twice; labels must differ")
    return labels, kind


def _label(reader: Reader, item: Any, place: Place) -> str:
    if isinstance(item, bool):  # YAML reads yes, no, on, off unquoted as true or false
        shown = str(item).lower()
        raise reader.fail(place, f"got {shown}: a label that reads as {shown} needs quotes ('no')")
    if not isinstance(item, int | float | str):
        raise reader.fail(place, f"expected a number or a short text, got {short(item)!r}")
    text = item if isinstance(item, str) else f"{item:g}"
    if not text.strip() or len(text) > LABEL_LENGTH or not text.isprintable():
        raise reader.fail(place, f"expected 1 to {LABEL_LENGTH} printable characters")
    return text


def is_from_data(data: Any) -> bool:
    return isinstance(data, dict) and "from_data" in data


def examples_from_data(
    reader: Reader,
    data: Any,
    spec: DataSpec | None,
    *,
    sizes: list[int],
    limits: Limits,
    targets: bool = True,
) -> list[dict[str, list[float]]]:
    """``examples: {from_data: K}``: row K (or rows K1, K2, …) of ``data:``, as the examples
    list a file would write (the loader checks it as it checks a written one)."""
    place: Place = ("examples", "from_data")
    keys = reader.mapping(data, ("examples",), allowed=("from_data",), required=("from_data",))
    if spec is None:
        raise reader.fail(place, "needs a data: key (csv: FILE or builtin: digits) to draw from")
    wanted = keys["from_data"]
    rows = wanted if isinstance(wanted, list) else [wanted]
    if not rows:
        raise reader.fail(place, "expected a row number or a list of row numbers")
    check_examples(reader.source, len(rows), limits)
    places = [(*place, i) if isinstance(wanted, list) else place for i in range(len(rows))]
    indices = [reader.integer(k, at, minimum=0) for k, at in zip(rows, places, strict=True)]
    x, y = _rows(spec, source=reader.source)
    _check_rows(reader, (x, y), sizes=sizes, asked=list(zip(indices, places, strict=True)))
    fields = ("input", "target") if targets else ("input",)
    return [
        {key: [float(v) for v in rows[:, k]] for key, rows in zip(fields, (x, y), strict=False)}
        for k in indices
    ]


def _check_rows(
    reader: Reader, data: tuple[Any, Any], *, sizes: list[int], asked: list[tuple[int, Place]]
) -> None:
    """The data's rows fit the network, and every row asked for (at its place) is there."""
    x, y = data
    if (x.shape[0], y.shape[0]) != (sizes[0], sizes[-1]):
        raise reader.fail(
            ("data",),
            f"the data has {x.shape[0]} inputs and {y.shape[0]} targets a row; "
            f"the network needs {sizes[0]} and {sizes[-1]}",
        )
    count = x.shape[1]
    for k, at in asked:
        if k >= count:
            raise reader.fail(at, f"row {k} is past the data's {count} rows (0 to {count - 1})")


def _rows(spec: DataSpec, *, source: str) -> tuple[Any, Any]:
    from .rows import digit_rows, read_csv

    if spec.builtin is not None:
        return digit_rows(source, spec.builtin)
    assert spec.csv is not None  # parse_data gives exactly one of csv and builtin
    return read_csv(Path(spec.csv), spec.target_columns)
