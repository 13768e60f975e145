"""The layered notation's legend as terminal text (LaTeX and Markdown write the same
``outline.legend`` as a table): w^l_jk and its kin, said once under the heading."""

from __future__ import annotations

from rich.text import Text

from ..derivation.quantity import Derivation
from ..spec.notation import namer_for
from .outline import Symbol, legend, legend_note


def symbol_text(s: Symbol) -> str:
    """w^l_jk: the layer up, the neurons down, as Nielsen's book writes them."""
    return f"{s.letter}^{s.layer}_{s.neurons}"


def legend_text(d: Derivation) -> Text | None:
    """None outside the layered notation."""
    symbols = legend(d)
    if not symbols:
        return None
    width = max(len(symbol_text(s)) for s in symbols)
    lines = [f"{symbol_text(s):<{width}}  {s.meaning}" for s in symbols]
    start = d.network.notation.start
    written = namer_for(d.network).weight(1, 0, 1)  # the first layer's w^l_jk, j and k given
    lines.append(legend_note(d))
    written = namer_for(d.network).weight(1, 0, 0)  # the first layer's first weight
    lines.append(f"w^2_{start}{start} is written {written}")
    head = "Notation: "
    pad = " " * len(head)
    return Text("\n".join((pad if i else head) + line for i, line in enumerate(lines)))
