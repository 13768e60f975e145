"""How a wrong answer's mistake is named: the first matching row of the table, and up to two
others that give the same value."""

from __future__ import annotations

from typing import Any

from .answers import Answer
from .recompute import Candidate

_NONE = "no common mistake reproduces it"


def diagnosis_of(answer: Answer, found: list[Candidate]) -> dict[str, Any]:
    """The first matching mistake of the table, and up to two others that give the same value
    (with η = 0.5, leaving η out and doubling the gradient are the same number)."""
    if not found:
        return {"diagnosis": _NONE}
    first, others = found[0], list[Candidate]()
    for c in found[1:]:
        if c.mistake != first.mistake and c.mistake not in [o.mistake for o in others]:
            others.append(c)
    text = f"{answer.text} is what {first.says}" + "".join(
        f"; or what {c.says}" for c in others[:2]
    )
    return {"diagnosis": text, "mistake": first.mistake}
