"""What ``derive explain`` emits: one explainer per format, chosen from ``EXPLAINERS``.

Each explainer answers two questions: the whole derivation (a large one as a summary in the
terminal, unless ``full``), and the quantities ``only`` and ``example`` choose. Renderers are
imported when used, so that a format's dependencies load only when it is chosen.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from ..derivation.quantity import Derivation
from ..derivation.selection import chosen
from ..errors import OptionError

ExplainFormat = Literal["text", "json", "markdown"]
View = Literal["scalar", "matrix"]


class Explainer(Protocol):
    def whole(self, d: Derivation, *, full: bool) -> Any: ...
    def chosen(self, d: Derivation, *, only: str | None, example: int | None) -> Any: ...


class TextExplainer:
    """Rich tables; a large network as a summary; chosen steps as one table."""

    def whole(self, d: Derivation, *, full: bool) -> Any:
        from .console import render
        from .summary import SUMMARY_STEPS
        from .summary import render as summary

        return summary(d) if not full and len(d.steps) > SUMMARY_STEPS else render(d)

    def chosen(self, d: Derivation, *, only: str | None, example: int | None) -> Any:
        from .console import render
        from .summary import steps_table

        if only is None:  # one example's full tables
            return render(d, example=example)
        return steps_table(d, chosen(d, only=only, example=example))


class JsonExplainer:
    def whole(self, d: Derivation, *, full: bool) -> Any:
        from .jsonout import render

        return render(d)

    def chosen(self, d: Derivation, *, only: str | None, example: int | None) -> Any:
        from .jsonout import render_subset

        return render_subset(d, chosen(d, only=only, example=example), example=example)


class MarkdownExplainer:
    """The typeset document: it chooses for itself, adding the steps a choice needs."""

    def whole(self, d: Derivation, *, full: bool) -> Any:
        from .document.markdown import render

        return render(d)

    def chosen(self, d: Derivation, *, only: str | None, example: int | None) -> Any:
        from .document.markdown import render

        return render(d, only=only, example=example)


EXPLAINERS: dict[ExplainFormat, Explainer] = {
    "text": TextExplainer(),
    "json": JsonExplainer(),
    "markdown": MarkdownExplainer(),
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
) -> Any:
    """The value ``derive explain`` emits for these options; ``tree`` (a gradient's name) asks
    for the chain behind it as a tree."""
    if tree is not None:
        if fmt != "text" or view != "scalar":
            raise OptionError("tree", "is text output, in the scalar view")
        from .tree import chain_tree

        return chain_tree(d, tree, example=example)
    if view == "matrix":
        return _vector_form(d, fmt, example)
    explainer = EXPLAINERS[fmt]
    if only is None and example is None:
        return explainer.whole(d, full=full)
    return explainer.chosen(d, only=only, example=example)


def _vector_form(d: Derivation, fmt: ExplainFormat, example: int | None) -> str:
    if fmt != "text":
        raise OptionError("view", "'matrix' is text output only")
    if example is not None:
        raise OptionError("view", "'matrix' puts every example side by side: it takes no example")
    from .vector import render

    return render(d)
