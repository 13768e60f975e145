"""``--why`` in the typeset document: each numbered step's sentence (derivation/words.py) put on
its equation, names as math and words as text."""

from __future__ import annotations

import dataclasses

from ...derivation.quantity import Derivation
from ...derivation.words import Sentence, Words
from .blocks import Block, Cell, Equations, Math, Text
from .names import inline_name


def cells(sentence: Sentence) -> tuple[Cell, ...]:
    return tuple(Text(p) if isinstance(p, str) else Math(inline_name(p.name)) for p in sentence)


def with_reasons(d: Derivation, blocks: list[Block]) -> list[Block]:
    """The blocks with every numbered step's equation carrying its sentence."""
    words = Words(d)
    by_step = {q.step: q for q in d.steps}

    def reason(block: Block) -> Block:
        if not isinstance(block, Equations):
            return block
        items = tuple(
            dataclasses.replace(eq, why=cells(words(by_step[eq.step])))
            if eq.step in by_step
            else eq
            for eq in block.items
        )
        return Equations(items)

    return [reason(b) for b in blocks]
