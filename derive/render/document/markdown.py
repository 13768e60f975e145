"""The derivation as Markdown with $…$ and $$…$$ math (``derive explain --format markdown``).

The content is the LaTeX document's (derive.render.document.content); equations become ``aligned``
blocks, which GitHub and Jupyter (MathJax/KaTeX) both render. A step's number is written before
its block because MathJax refuses ``\\tag`` inside ``aligned``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import singledispatch

from ...derivation.quantity import Derivation
from .blocks import Block, Cell, Equation, Equations, Figure, Heading, Math, Para, Table
from .content import document, one_row

_SPECIAL = re.compile(r"([\\`*_\[\]<>|$~])")
_GLUED = re.compile(r"[\w:$]")  # a character that may not touch inline math's $


def render(
    derivation: Derivation,
    *,
    only: str | None = None,
    example: int | None = None,
    why: bool = False,
) -> str:
    blocks = document(derivation, only=only, example=example, why=why)
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
    return md_cells(block.parts) + "\n"


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
    """Unnumbered equations share one block; a numbered step gets its own, after its label,
    and so does an equation with words under it."""
    out: list[str] = []
    run: list[Equation] = []
    for eq in block.items:
        if eq.step is None and not eq.why:
            run.append(eq)
            continue
        out += [_aligned(run)] if run else []
        run = []
        label = f"**Step {eq.step}.**\n\n" if eq.step is not None else ""
        out.append(label + _aligned([eq]) + _reason(eq))
    out += [_aligned(run)] if run else []
    return "\n".join(out)


def _reason(eq: Equation) -> str:
    """The step in words (--why), in italics under its block."""
    return f"\n*{md_cells(eq.why)}*\n" if eq.why else ""


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
    if isinstance(cell, Math):
        return f"${cell.latex}$"
    text = md_text(cell.text)  # on one line, but the spaces at its ends kept: "with $x$: "
    if text and cell.text[:1].isspace():
        text = " " + text
    return text + " " if text and cell.text[-1:].isspace() else text


def md_cells(cells: Sequence[Cell]) -> str:
    """Text and inline math run together, with a space wherever a $ would touch a word, a
    number or a colon: GitHub, Jupyter and MkDocs only read $…$ as math with a gap around."""
    out = ""
    for cell in cells:
        text = md_cell(cell)
        touching = (isinstance(cell, Math) and _GLUED.match(out[-1:])) or (
            out.endswith("$") and _GLUED.match(text[:1])
        )
        out += " " + text if touching else text
    return out
