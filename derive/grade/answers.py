"""Answers files: ``student:`` and ``answers: {quantity: value}``, read into an AnswerSheet.

Values stay text (as written, trailing zeros included); the checker reads them with the
whitelisted parser of ``grade/parse.py``. A malformed file raises InputError naming the file,
the place and the line.
"""

from __future__ import annotations

import bisect
import codecs
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from ..errors import InputError
from ..spec.files import open_regular, read_at_most
from ..spec.reader import compose_yaml, expect_kind

MAX_FILE = 1024 * 1024
MAX_ANSWERS = 10_000

# "other": a list, a mapping, true, …
AnswerKind = Literal["number", "expression", "blank", "other"]


@dataclass(frozen=True)
class Answer:
    quantity: str
    text: str  # as written in the file
    kind: AnswerKind
    line: int | None = None


@dataclass(frozen=True)
class AnswerSheet:
    source: str
    student: str
    answers: tuple[Answer, ...]
    # what a teacher's sheet may carry (ignored in a student's file): points and the digit rule
    points: tuple[tuple[str, float], ...] = ()
    require_decimals: int | None = None
    sig_figs: int | None = None


TOP_KEYS = ("student", "answers", "points", "require_decimals", "sig_figs")
MAX_POINTS = 1e6


def load_answers(path: str | Path) -> AnswerSheet:
    """Read an answers file; a malformed file raises InputError (file, place, line)."""
    path = Path(path)
    source = str(path)
    text = read_answers_text(path)
    if not text.strip():
        raise InputError(source, "", "the file is empty; expected student and answers")
    return answers_from_text(text, source=source, default_student=path.stem)


# byte order marks: PowerShell's ``>`` writes UTF-16 LE with one, Notepad UTF-8 with one
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_answers_text(path: Path) -> str:
    """An answers file as text: UTF-8, or UTF-8/UTF-16 with a byte order mark."""
    source = str(path)

    def fail(problem: str) -> InputError:
        return InputError(source, "", problem)

    limit = 2 * MAX_FILE  # UTF-16 takes two bytes for each character of ASCII
    try:
        with open_regular(path, max_bytes=limit, fail=fail) as handle:
            data = read_at_most(handle, max_bytes=limit, fail=fail)
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror}") from None
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise fail("expected UTF-8 or UTF-16 text (is this a binary file?)") from None
    if len(text) > MAX_FILE:
        raise fail(f"an answers file is at most {MAX_FILE // 1024} KiB")
    return text


def answers_from_text(text: str, *, source: str, default_student: str) -> AnswerSheet:
    root = compose_yaml(text, source)
    top = _mapping(root, source, "", "student and answers")
    expect_kind(top, "an answers file", source=source)
    if "answers" not in top:
        raise InputError(source, "", "missing required key 'answers'")
    for key, node in top.items():
        if key not in TOP_KEYS:
            expected = ", ".join(TOP_KEYS)
            raise InputError(source, key, f"unknown key; expected {expected}", line=_line(node))
    student = top.get("student")
    name = default_student
    if student is not None and not _is_null(student):
        if not isinstance(student, yaml.ScalarNode):
            raise InputError(source, "student", "expected a name", line=_line(student))
        name = str(student.value)
    entries = _mapping(top["answers"], source, "answers", "quantity: value pairs")
    if len(entries) > MAX_ANSWERS:
        raise InputError(source, "answers", f"expected at most {MAX_ANSWERS} answers")
    answers = tuple(_answer(key, node) for key, node in entries.items())
    return AnswerSheet(
        source,
        name,
        answers,
        points=_points(top.get("points"), source),
        require_decimals=_count(top.get("require_decimals"), source, "require_decimals"),
        sig_figs=_count(top.get("sig_figs"), source, "sig_figs"),
    )


def _points(node: Any, source: str) -> tuple[tuple[str, float], ...]:
    if node is None or _is_null(node):
        return ()
    out = []
    for key, value in _mapping(node, source, "points", "quantity: points pairs").items():
        try:
            worth = float(value.value) if isinstance(value, yaml.ScalarNode) else -1.0
        except ValueError:
            worth = -1.0
        if not 0 <= worth <= MAX_POINTS:  # also refuses nan
            raise InputError(
                source, f"points.{key}", "expected a number of points ≥ 0", line=_line(value)
            )
        out.append((key, worth))
    return tuple(out)


def _count(node: Any, source: str, place: str) -> int | None:
    if node is None or _is_null(node):
        return None
    text = str(node.value) if isinstance(node, yaml.ScalarNode) else ""
    if not text.isdigit() or int(text) > 15:
        raise InputError(source, place, "expected a whole number from 0 to 15", line=_line(node))
    return int(text)


def _mapping(node: Any, source: str, place: str, what: str) -> dict[str, Any]:
    if not isinstance(node, yaml.MappingNode):
        raise InputError(source, place, f"expected a mapping of {what}", line=_line(node))
    out: dict[str, Any] = {}
    for key, value in node.value:
        where = f"{place}.{key.value}" if place else str(key.value)
        if not isinstance(key, yaml.ScalarNode):
            raise InputError(source, place, "expected names as keys", line=_line(key))
        if key.value in out:
            raise InputError(source, where, "given twice", line=_line(key))
        out[str(key.value)] = value
    return out


def _answer(quantity: str, node: Any) -> Answer:
    line = _line(node)
    if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":bool"):
        return Answer(quantity, "(not a number or expression)", "other", line)
    if _is_null(node):
        return Answer(quantity, "", "blank", line)
    numeric = node.tag.endswith((":int", ":float"))
    return Answer(quantity, str(node.value), "number" if numeric else "expression", line)


class NameIndex:
    """The valid names nearest an unknown key, for the verdict "unknown".

    difflib over all of a 784-input network's 40,000 names took 80 ms a key. Past ``WHOLE``
    names, only the key's neighbours are compared: in sorted order and in sorted order read
    backwards, of names with case and separators folded (DC/DW2-1_5 lands beside dC/dw2_1_5)."""

    WHOLE = 2000  # up to this many names, every name is compared
    NEAR = 12  # neighbours on each side, in each order
    KEPT = 4096  # keys whose suggestions are remembered

    def __init__(self, names: Iterable[str]) -> None:
        self.names = sorted(set(names))
        self.forward = sorted((_fold(n), n) for n in self.names)
        self.backward = sorted((_fold(n)[::-1], n) for n in self.names)
        self._seen: dict[str, list[str]] = {}

    def nearest(self, key: str, n: int = 3) -> list[str]:
        if key not in self._seen:
            if len(self._seen) >= self.KEPT:
                self._seen.clear()
            pool = self.names if len(self.names) <= self.WHOLE else self._pool(key)
            self._seen[key] = difflib.get_close_matches(key, pool, n=n, cutoff=0.5)
        return self._seen[key]

    def _pool(self, key: str) -> list[str]:
        folded = _fold(key)
        near = (
            _around(self.forward, folded, k=self.NEAR)
            + _around(self.backward, folded[::-1], k=self.NEAR)
            # a character typed after a name sorts past its siblings (w2_2_7x after w2_2_799)
            + _around(self.forward, folded[:-1], k=self.NEAR)
        )
        return sorted({name for _, name in near})


def _fold(name: str) -> str:
    return re.sub(r"[-\s]", "_", name.lower())


def _around(pairs: list[tuple[str, str]], key: str, *, k: int) -> list[tuple[str, str]]:
    """The ``k`` entries before and after where ``key`` would be in the sorted ``pairs``."""
    i = bisect.bisect_left(pairs, (key, ""))
    return pairs[max(0, i - k) : i + k]


def _is_null(node: Any) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def _line(node: Any) -> int | None:
    return node.start_mark.line + 1 if node is not None else None
