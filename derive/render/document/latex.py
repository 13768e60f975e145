"""The derivation as LaTeX (``derive latex``): a standalone article or a fragment to \\input.

Only packages of a standard TeX Live are used, and one pdflatex run gives the finished PDF (no
"Rerun LaTeX"): tables are plain tabulars, a long one split into several, so no column width
waits for a second run. Text is set in Latin Modern with T1 encoding, so the PDF's fonts are
vector (Type 1), never bitmaps. Equations are align* rows (a display breaks across pages between
rows, \\allowdisplaybreaks) and long sums are split over rows, so nothing runs off the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import singledispatch

from ...derivation.quantity import Derivation
from .blocks import Block, Cell, Equation, Equations, Figure, Heading, Math, Para, Table
from .content import document, one_row
from .names import latex_text

PACKAGES = ("amsmath", "amssymb", "booktabs", "graphicx", "tikz")
ALIGN_EQUATIONS = 50  # equations per align* environment
TABLE_ROWS = 30  # rows per tabular: a longer table is split, since a tabular never breaks
PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[utf8]{inputenc}
\usepackage[margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{booktabs}
\usepackage{graphicx}
\usepackage{tikz}
\allowdisplaybreaks
"""
BODY_HEADER = (
    "% derive latex --body: \\input this file into notes whose preamble has\n"
    f"%   \\usepackage{{{','.join(PACKAGES)}}}\n"
    "% (the fragment allows display breaks inside its own group, so long derivations\n"
    "% break across pages without changing the rest of the notes)\n"
)


def render(
    derivation: Derivation,
    *,
    standalone: bool = True,
    only: str | None = None,
    example: int | None = None,
    why: bool = False,
    title: str | None = None,
    author: str | None = None,
    date: str | None = None,
) -> str:
    """The whole derivation as LaTeX source: an article, or a fragment when not standalone.

    ``title`` replaces the network's title; an article has no author line unless ``author`` is
    given, and no date unless ``date`` is (``"today"`` is LaTeX's \\today, the day it is
    compiled)."""
    blocks = document(derivation, only=only, example=example, why=why)
    title = latex_text(derivation.network.title if title is None else title)
    if not standalone:  # under the fragment's own \section*, every heading one level down
        blocks = [Heading(b.text, b.level + 1) if isinstance(b, Heading) else b for b in blocks]
    body = "\n".join(latex_block(b) for b in blocks)
    if not standalone:
        inner = f"\\section*{{{title}}}\n\n{body}"
        return f"{BODY_HEADER}\\begingroup\\allowdisplaybreaks\n{inner}\\endgroup\n"
    front = f"\\title{{{title}}}\n\\author{{{latex_text(author or '')}}}\n\\date{{{_date(date)}}}\n"
    return f"{PREAMBLE}{front}\n\\begin{{document}}\n\\maketitle\n\n{body}\n\\end{{document}}\n"


def _date(date: str | None) -> str:
    if date is None:
        return ""
    return r"\today" if date.strip().lower() == "today" else latex_text(date)


@singledispatch
def latex_block(block: Block) -> str:
    raise TypeError(f"no LaTeX for {type(block).__name__}")


@latex_block.register
def _(block: Heading) -> str:
    command = ("section", "subsection", "subsubsection")[min(block.level, 3) - 1]
    return f"\\{command}*{{{latex_text(block.text)}}}\n"


@latex_block.register
def _(block: Para) -> str:
    return "".join(cell_latex(p) for p in block.parts) + "\n"


@latex_block.register
def _(block: Table) -> str:
    head = " & ".join(latex_text(h) for h in block.headers) + r" \\"
    rows = [" & ".join(cell_latex(c) for c in row) + r" \\" for row in block.rows]
    parts = [rows[i : i + TABLE_ROWS] for i in range(0, len(rows), TABLE_ROWS)] or [[]]
    return "".join(_tabular(block.align, head, part) for part in parts)


def _tabular(align: str, head: str, rows: list[str]) -> str:
    lines = [f"\\begin{{tabular}}{{{align}}}", r"\toprule", head, r"\midrule", *rows]
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\\par\\medskip\\noindent\n" + "\n".join(lines) + "\n\\par\\medskip\n\n"


@latex_block.register
def _(block: Figure) -> str:
    caption = latex_text(block.caption)
    return f"\\begin{{center}}\n{block.tikz}\n\\end{{center}}\n\n{caption}\n"


@latex_block.register
def _(block: Equations) -> str:
    # one align* is one TeX box: thousands of rows in it exceed TeX's main memory
    groups = [
        block.items[i : i + ALIGN_EQUATIONS] for i in range(0, len(block.items), ALIGN_EQUATIONS)
    ]
    return "".join(_align(group) for group in groups)


def _align(equations: Sequence[Equation]) -> str:
    """One align*; a step's sentence (--why) goes between its rows and the next equation's as
    \\intertext, or after the environment for the last one."""
    body, after = "", ""
    for i, eq in enumerate(equations):
        body += "\n".join(row + " \\\\" for row in equation_rows(eq)) + "\n"
        if eq.why:
            text = "\\small " + "".join(cell_latex(c) for c in eq.why)
            if i == len(equations) - 1:
                after = f"{{{text}}}\n"
            else:
                body += f"\\intertext{{{text}}}\n"
    body = body.removesuffix(" \\\\\n") + "\n"
    return "\\begin{align*}\n" + body + "\\end{align*}\n" + after


def equation_rows(eq: Equation) -> list[str]:
    """align* rows: lhs &= stage, then &= stage; a split stage continues with &\\quad."""
    tag = f" \\tag*{{({eq.step})}}" if eq.step is not None else ""
    if one_row(eq):
        return [f"{eq.lhs} &= " + " = ".join(s[0] for s in eq.stages) + tag]
    rows: list[str] = []
    for stage in eq.stages:
        rows.append(f"&= {stage[0]}")
        rows += [f"&\\quad {more}" for more in stage[1:]]
    rows[0] = eq.lhs + " " + rows[0] + tag
    return rows


def cell_latex(cell: Cell) -> str:
    return f"${cell.latex}$" if isinstance(cell, Math) else latex_text(cell.text)
