"""What the Python API takes as a network or an answers sheet: a file's path, a dict or YAML
text. Whatever the form, it goes through the loader's one validation, and an error names a
pseudo-source (``<dict>``, ``<text>``) as it would name a file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..grade.answers import MAX_ANSWERS, Answer, AnswerSheet, answers_from_text, load_answers
from ..spec.files import MAX_BYTES
from ..spec.load import load_network, network_from_data
from ..spec.network import Network
from ..spec.reader import parse_yaml

DICT, TEXT = "<dict>", "<text>"
Source = str | PathLike[str] | Mapping[str, Any] | Network
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def is_text(source: str) -> bool:
    """A str is YAML text when it has a line break or is one flow mapping; else a path."""
    return "\n" in source or source.lstrip().startswith("{")


def network_of(source: Source) -> Network:
    """A Network from a path, a dict, YAML text, or a Network as it is."""
    if isinstance(source, Network):
        return source
    if isinstance(source, Mapping):
        return network_from_data(plain(source), source=DICT)
    if isinstance(source, str) and is_text(source):
        return network_from_text(source, TEXT)
    if isinstance(source, str | PathLike):
        if isinstance(source, str) and ": " in source and not Path(source).exists():
            hint = "no such file (YAML text needs a line break, or to be one {…} mapping)"
            raise InputError(source, "", hint)
        return load_network(Path(source))
    raise UsageError(
        f"expected a network: a file's path, a dict or YAML text, not {type(source).__name__}"
    )


def network_from_text(text: str, source: str) -> Network:
    """A network file's text, validated as the file would be; errors name ``source``."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise InputError(source, "", f"a network is at most {MAX_BYTES // 2**20} MiB of YAML")
    return network_from_data(parse_yaml(text, source), source=source, text=text)


def plain(data: Any) -> Any:
    """Python data as YAML would give it: tuples and arrays (``tolist``) as lists, mappings as
    dicts, a Decimal as a float; anything else is left for the loader to refuse."""
    if isinstance(data, Mapping):
        return {key: plain(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [plain(item) for item in data]
    if isinstance(data, Decimal):
        return float(data)
    tolist = getattr(data, "tolist", None)
    if callable(tolist) and not isinstance(data, str | bytes):
        return plain(tolist())
    return data


def answers_of(source: Any, index: int) -> AnswerSheet:
    """An answers sheet from a path, YAML text, or a dict: ``{"student": …, "answers": {…}}``
    or just ``{quantity: answer}``. ``index`` (from 1) names a sheet that has no student."""
    if isinstance(source, Mapping):
        return _answers_from_dict(source, index)
    if isinstance(source, str) and is_text(source):
        return answers_from_text(source, source=TEXT, default_student=f"answers {index}")
    if isinstance(source, str | PathLike):
        return load_answers(Path(source))
    kind = type(source).__name__
    raise UsageError(f"expected answers: a file's path, a dict or YAML text, not {kind}")


def _answers_from_dict(data: Mapping[Any, Any], index: int) -> AnswerSheet:
    student = data.get("student") if "answers" in data else None
    entries = data.get("answers", data)
    if not isinstance(entries, Mapping):
        raise InputError(DICT, "answers", "expected quantity: answer pairs")
    if student is not None and not isinstance(student, str):
        raise InputError(DICT, "student", "expected a name")
    if len(entries) > MAX_ANSWERS:
        raise InputError(DICT, "answers", f"expected at most {MAX_ANSWERS} answers")
    answers = tuple(_answer(str(key), value) for key, value in entries.items())
    return AnswerSheet(DICT, student or f"answers {index}", answers)


def _answer(quantity: str, value: Any) -> Answer:
    """As an answers file would read it: a number keeps the digits written ("0.2750" counts four
    decimals), other text is an expression, None is blank."""
    if value is None:
        return Answer(quantity, "", "blank")
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return Answer(quantity, "(not a number or expression)", "other")
    text = value if isinstance(value, str) else str(value)
    return Answer(quantity, text, "number" if _NUMBER.fullmatch(text.strip()) else "expression")
