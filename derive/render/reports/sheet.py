"""The blank answers file of ``derive template``: every computed quantity by section, ready
for a student to fill in and for a teacher to add points and a digit rule to."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ...derivation.quantity import GIVEN, Derivation, Quantity
from ..safe import safe_text


def template(d: Derivation, quantities: Sequence[Quantity] | None = None) -> str:
    """A blank answers file listing the computed ``quantities`` (default: all; aliases too), by
    section: the sheet handed out, and (with points or a digit rule added) graded against."""
    lines = [
        # safe_text leaves no line break (a YAML comment ends at one) nor a character YAML refuses
        f"# Answers for {safe_text(d.network.title)} ({safe_text(d.network.source)}).",
        "# Fill in numbers (keep the decimals you worked with) or, for symbolic questions,",
        '# an expression in quotes such as "4.5*w - 1.5". Blank answers are not graded.',
        "# Teachers (derive check --sheet): points per question, default 1, and the digits",
        "# every answer needs, e.g. points: {C: 2} and require_decimals: 4 (or sig_figs: 3).",
        "student:",
        "answers:",
    ]
    section = ""
    for q in d.quantities.values() if quantities is None else quantities:
        if q.section == GIVEN:
            continue
        if q.section != section:
            section = q.section
            lines.append(f"  # {section}")
        lines += [f"  {_key(name)}:" for name in (q.name, *q.aliases)]
    return "\n".join(lines) + "\n"


def _key(name: str) -> str:
    plain = all(c.isalnum() or c in "_/" for c in name)
    return name if plain else json.dumps(name)
