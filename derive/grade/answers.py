"""Answers files: ``student:`` and ``answers: {quantity: value}``, read into an AnswerSheet.

Values stay text (as written, trailing zeros included); the checker reads them with the
whitelisted parser of ``grade/parse.py``. A malformed file raises InputError naming the file,
the place and the line.
"""

from __future__ import annotations

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


def _is_null(node: Any) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def _line(node: Any) -> int | None:
    return node.start_mark.line + 1 if node is not None else None
