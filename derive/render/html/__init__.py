"""The derivation as one self-contained HTML page, with MathML math and inline SVG
(``derive explain --format html``, ``derive.explain(...).to_html()``), and as the ``div`` a
notebook shows; the page chooses its steps as the LaTeX and Markdown documents do."""

from __future__ import annotations

from ...derivation.quantity import Derivation
from ..document.blocks import Selection
from ..document.scope import choose
from .page import fragment, page


def render(
    d: Derivation,
    *,
    only: str | None = None,
    example: int | None = None,
    full: bool = False,
    standalone: bool = True,
    why: bool = False,
) -> str:
    """A whole page, or (``standalone=False``) its content as one ``div`` with scoped style.
    ``full`` shows every step even of a large network; else a large one shows one gradient's.
    ``why`` puts each step's sentence (derivation/words.py) under it."""
    everything = full and only is None and example is None
    selection = Selection() if everything else choose(d, only, example)
    return page(d, selection, why=why) if standalone else fragment(d, selection, why=why)


__all__ = ["render"]
