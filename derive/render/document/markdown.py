"""The derivation as Markdown with $…$ and $$…$$ math (``derive explain --format markdown``).

The content is the LaTeX document's (derive.render.document.content); equations become ``aligned``
blocks, which GitHub and Jupyter (MathJax/KaTeX) both render. A step's number is written before
its block because MathJax refuses ``\\tag`` inside ``aligned``.
"""

from __future__ import annotations

import re
from functools import singledispatch

from ...derivation.quantity import Derivation
from .blocks import Block, Cell, Equation, Equations, Figure, Heading, Math, Para, Table
from .content import document, one_row

_SPECIAL = re.compile(r"([\\`*_\[\]<>|$~])")


def render(derivation: Derivation, *, only: str | None = None, example: int | None = None) -> str:
    blocks = document(derivation, only=only, example=example)
    title = f"# {md_text(derivation.network.title)}\n"
    return "\n".join([title, *(md_block(b) for b in blocks)]).rstrip() + "\n"


def md_text(text: str) -> str:
    """User text with Markdown's special characters escaped, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


@singledispatch
def md_block(block: Block) -> str:
    raise TypeError(f"no Markdown for {type(block).__name__}")


@md_block.register
def _(block: Heading) -> str:
    return f"{'#' * (block.level + 1)} {md_text(block.text)}\n"


@md_block.register
def _(block: Figure) -> str:
    return f"```mermaid\n{block.mermaid}\n```\n\n*{md_text(block.caption)}*\n"


@md_block.register
def _(block: Para) -> str:
    return "".join(md_cell(p) for p in block.parts) + "\n"


@md_block.register
def _(block: Table) -> str:
    align = {"l": ":--", "r": "--:"}
    lines = [
        "| " + " | ".join(md_text(h) for h in block.headers) + " |",
        "| " + " | ".join(align[a] for a in block.align) + " |",
        *("| " + " | ".join(md_cell(c) for c in row) + " |" for row in block.rows),
    ]
    return "\n".join(lines) + "\n"


@md_block.register
def _(block: Equations) -> str:
    """Unnumbered equations share one block; a numbered step gets its own, after its label."""
    out: list[str] = []
    run: list[Equation] = []
    for eq in block.items:
        if eq.step is None:
            run.append(eq)
            continue
        out += [_aligned(run)] if run else []
        run = []
        out.append(f"**Step {eq.step}.**\n\n" + _aligned([eq]))
    out += [_aligned(run)] if run else []
    return "\n".join(out)


def _aligned(equations: list[Equation]) -> str:
    rows = [row for eq in equations for row in _rows(eq)]
    body = " \\\\\n".join(rows)
    return f"$$\n\\begin{{aligned}}\n{body}\n\\end{{aligned}}\n$$\n"


def _rows(eq: Equation) -> list[str]:
    if one_row(eq):
        return [f"{eq.lhs} &= " + " = ".join(s[0] for s in eq.stages)]
    rows: list[str] = []
    for stage in eq.stages:
        rows.append(f"&= {stage[0]}")
        rows += [f"&\\quad {more}" for more in stage[1:]]
    rows[0] = f"{eq.lhs} {rows[0]}"
    return rows


def md_cell(cell: Cell) -> str:
    return f"${cell.latex}$" if isinstance(cell, Math) else md_text(cell.text)
