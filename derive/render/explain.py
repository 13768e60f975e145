"""What ``derive explain`` emits: one explainer per format, chosen from ``EXPLAINERS``.

Each explainer answers two questions: the whole derivation (a large one as a summary in the
terminal, unless ``full``), and the quantities ``only`` and ``example`` choose. Renderers are
imported when used, so that a format's dependencies load only when it is chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Protocol

from ..derivation.quantity import Derivation
from ..derivation.selection import chosen
from ..errors import OptionError

ExplainFormat = Literal["text", "json", "markdown", "html"]
View = Literal["scalar", "matrix"]


class Explainer(Protocol):
    """``why`` puts each step's sentence (derivation/words.py) under it, where the format can."""

    def whole(self, d: Derivation, *, full: bool, why: bool = False) -> Any: ...
    def chosen(
        self, d: Derivation, *, only: str | None, example: int | None, why: bool = False
    ) -> Any: ...


class TextExplainer:
    """Rich tables; a large network as a summary; chosen steps as one table."""

    def whole(self, d: Derivation, *, full: bool, why: bool = False) -> Any:
        from .console import render
        from .summary import SUMMARY_STEPS
        from .summary import render as summary

        return summary(d) if not full and d.step_count > SUMMARY_STEPS else render(d, why=why)

    def chosen(
        self, d: Derivation, *, only: str | None, example: int | None, why: bool = False
    ) -> Any:
        from .console import render
        from .summary import steps_table

        if only is None:  # one example's full tables
            return render(d, example=example, why=why)
        return steps_table(d, chosen(d, only=only, example=example), why=why)


class JsonExplainer:
    def whole(self, d: Derivation, *, full: bool, why: bool = False) -> Any:
        from .jsonout import render

        return render(d, why=why)

    def chosen(
        self, d: Derivation, *, only: str | None, example: int | None, why: bool = False
    ) -> Any:
        from .jsonout import render_subset

        picked = chosen(d, only=only, example=example)
        return render_subset(d, picked, example=example, why=why)


class MarkdownExplainer:
    """The typeset document: it chooses for itself, adding the steps a choice needs."""

    def whole(self, d: Derivation, *, full: bool, why: bool = False) -> Any:
        from .document.markdown import render

        return render(d, why=why)

    def chosen(
        self, d: Derivation, *, only: str | None, example: int | None, why: bool = False
    ) -> Any:
        from .document.markdown import render

        return render(d, only=only, example=example, why=why)


class HtmlExplainer:
    """One self-contained page: the picture, every table as in the terminal, MathML math."""

    def whole(self, d: Derivation, *, full: bool, why: bool = False) -> Any:
        from .html import render

        return render(d, full=full, why=why)

    def chosen(
        self, d: Derivation, *, only: str | None, example: int | None, why: bool = False
    ) -> Any:
        from .html import render

        return render(d, only=only, example=example, why=why)


EXPLAINERS: dict[ExplainFormat, Explainer] = {
    "text": TextExplainer(),
    "json": JsonExplainer(),
    "markdown": MarkdownExplainer(),
    "html": HtmlExplainer(),
}


def explain_output(
    d: Derivation,
    *,
    fmt: ExplainFormat = "text",
    view: View = "scalar",
    only: str | None = None,
    full: bool = False,
    example: int | None = None,
    tree: str | None = None,
    why: bool = False,
    chain: bool = False,
    nudges: Sequence[str] = (),
) -> Any:
    """The value ``derive explain`` emits for these options; ``tree`` (a gradient's name) asks
    for the chain behind it as a tree, ``chain`` for every gradient's product along each path
    on one line, ``nudges`` ("w6=0.01") for the first-order prediction of C's change against
    the actual one; ``why`` puts a sentence under each step."""
    if tree is not None:
        if fmt != "text" or view != "scalar":
            raise OptionError("tree", "is text output, in the scalar view")
        from .tree import chain_tree

        return chain_tree(d, tree, example=example)
    if chain or nudges:
        return _focused(d, fmt=fmt, view=view, only=only, example=example, nudges=nudges)
    if view == "matrix":
        return _vector_form(d, fmt, example)
    explainer = EXPLAINERS[fmt]
    if only is None and example is None:
        return explainer.whole(d, full=full, why=why)
    return explainer.chosen(d, only=only, example=example, why=why)


def _focused(
    d: Derivation,
    *,
    fmt: ExplainFormat,
    view: View,
    only: str | None,
    example: int | None,
    nudges: Sequence[str],
) -> Any:
    """The one-line chains, or the nudges: text outputs of their own."""
    option = "nudge" if nudges else "chain"
    if fmt != "text" or view != "scalar":
        raise OptionError(option, "is text output, in the scalar view")
    if not nudges:
        from .chainline import render

        return render(d, only=only, example=example)
    from ..derivation.nudge import nudge, parse_nudges
    from .nudges import render as nudge_table

    return nudge_table(d, nudge(d, parse_nudges(nudges, d.parameters)))


def _vector_form(d: Derivation, fmt: ExplainFormat, example: int | None) -> str:
    if fmt != "text":
        raise OptionError("view", "'matrix' is text output only")
    if example is not None:
        raise OptionError("view", "'matrix' puts every example side by side: it takes no example")
    from .vector import render

    return render(d)
