"""Renderers: a result in, a value out (a rich renderable or a string); nothing here prints.

Each command's formats are a registry, name → renderer: ``explain.EXPLAINERS`` for
``derive explain`` and ``reports.check.REPORTS`` for ``derive check``. ``document/`` is the
typeset derivation (one block model, LaTeX and Markdown writers); ``reports/`` has one renderer
per command result.
"""
