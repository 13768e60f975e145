"""The derivation as LaTeX (``derive latex``): a standalone article or a fragment to \\input.

Only packages of a standard TeX Live are used. Equations are align* rows (a display breaks across
pages between rows, \\allowdisplaybreaks) and long sums are split over rows, so nothing runs off
the page; tables are longtables, which break across pages too.
"""

from __future__ import annotations

from functools import singledispatch

from ...derivation.quantity import Derivation
from .blocks import Block, Cell, Equation, Equations, Figure, Heading, Math, Para, Table
from .content import document, one_row
from .names import latex_text

PACKAGES = ("amsmath", "amssymb", "booktabs", "longtable", "graphicx", "tikz")
ALIGN_EQUATIONS = 50  # equations per align* environment
PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage[margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{booktabs}
\usepackage{longtable}
\usepackage{graphicx}
\usepackage{tikz}
\allowdisplaybreaks
\setlength{\LTleft}{0pt}
"""
BODY_HEADER = (
    "% derive latex --body: \\input this file into notes whose preamble has\n"
    "%   \\usepackage{amsmath,amssymb,booktabs,longtable,graphicx,tikz}\n"
    "% (the fragment allows display breaks inside its own group, so long derivations\n"
    "% break across pages without changing the rest of the notes)\n"
)


def render(
    derivation: Derivation,
    *,
    standalone: bool = True,
    only: str | None = None,
    example: int | None = None,
) -> str:
    """The whole derivation as LaTeX source: an article, or a fragment when not standalone."""
    blocks = document(derivation, only=only, example=example)
    title = latex_text(derivation.network.title)
    if not standalone:  # under the fragment's own \section*, every heading one level down
        blocks = [Heading(b.text, b.level + 1) if isinstance(b, Heading) else b for b in blocks]
    body = "\n".join(latex_block(b) for b in blocks)
    if not standalone:
        inner = f"\\section*{{{title}}}\n\n{body}"
        return f"{BODY_HEADER}\\begingroup\\allowdisplaybreaks\n{inner}\\endgroup\n"
    return (
        f"{PREAMBLE}\\title{{{title}}}\n\\author{{derive}}\n\\date{{}}\n\n"
        f"\\begin{{document}}\n\\maketitle\n\n{body}\n\\end{{document}}\n"
    )


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
    return "\n".join(
        [
            f"\\begin{{longtable}}{{{block.align}}}",
            r"\toprule",
            head,
            r"\midrule",
            r"\endhead",
            *rows,
            r"\bottomrule",
            r"\end{longtable}",
            "",
        ]
    )


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
    return "".join(_align([row for eq in group for row in equation_rows(eq)]) for group in groups)


def _align(rows: list[str]) -> str:
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}\n"


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
