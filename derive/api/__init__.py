"""The Python API for notebooks and scripts (docs/api.md): ``explain``, ``check`` and ``draw``
take a network as a file's path, a dict or YAML text and return objects that print as JSON,
LaTeX, Markdown or HTML and that Jupyter displays; ``magic`` is the ``%%derive`` cell magic."""

from __future__ import annotations

from .checking import CheckReport, check
from .explanation import Explanation, Svg, draw, explain

__all__ = ["CheckReport", "Explanation", "Svg", "check", "draw", "explain"]
