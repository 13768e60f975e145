"""Answers files: ``student:`` and ``answers: {quantity: value}``, read into an AnswerSheet.

Values stay text (as written, trailing zeros included); the checker reads them with the
whitelisted parser of ``grade/parse.py``. A malformed file raises InputError naming the file,
the place and the line.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from ..errors import InputError
from ..spec.reader import compose_yaml, read_text

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


def load_answers(path: str | Path) -> AnswerSheet:
    """Read an answers file; a malformed file raises InputError (file, place, line)."""
    path = Path(path)
    source = str(path)
    text = read_text(path)
    if len(text) > MAX_FILE:
        raise InputError(source, "", f"an answers file is at most {MAX_FILE // 1024} KiB")
    return answers_from_text(text, source=source, default_student=path.stem)


def answers_from_text(text: str, *, source: str, default_student: str) -> AnswerSheet:
    root = compose_yaml(text, source)
    top = _mapping(root, source, "", "student and answers")
    if "answers" not in top:
        raise InputError(source, "", "missing required key 'answers'")
    for key, node in top.items():
        if key not in ("student", "answers"):
            raise InputError(
                source, key, "unknown key; expected student, answers", line=_line(node)
            )
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
    return AnswerSheet(source, name, answers)


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
        near = _around(self.forward, folded, k=self.NEAR) + _around(
            self.backward, folded[::-1], k=self.NEAR
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
