"""Renderers turn a Derivation into a value (a rich renderable or a string); they never print.

``RENDERERS`` maps each ``--format`` of ``derive explain`` to its renderer, imported lazily so
that a format's dependencies load only when it is used.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from ..derivation.quantity import Derivation

FORMATS = {
    "text": ("derive.render.console", "render"),
    "json": ("derive.render.jsonout", "render"),
    "markdown": ("derive.render.document.markdown", "render"),
}


def renderer(fmt: str) -> Callable[..., Any]:
    module, name = FORMATS[fmt]
    fn: Callable[..., Any] = getattr(import_module(module), name)
    return fn


def render(derivation: Derivation, fmt: str, **options: Any) -> Any:
    return renderer(fmt)(derivation, **options)
