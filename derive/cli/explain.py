"""``derive explain``: the derivation of one network file."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UsageError
from .app import MIN_WIDTH, Carry, NetworkFile, PrecisionOption, app, emit, handled
from .files import check_destination, write_atomically
from .root import limits

SUMMARY = "200 steps"  # render.summary.SUMMARY_STEPS; not imported, so that --help stays light


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


class View(StrEnum):
    scalar = "scalar"
    matrix = "matrix"


TreeOption = Annotated[
    str | None,
    typer.Option(help="The chain behind one gradient as a tree, e.g. --tree dC/dw0."),
]

WhyOption = Annotated[
    bool, typer.Option("--why", help="A plain sentence under each step: why it is what it is.")
]
ChainOption = Annotated[
    bool, typer.Option("--chain", help="Each gradient as one product along each path.")
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "-o", "--output", metavar="FILE", help="Write here instead of stdout (e.g. --format html)."
    ),
]
ForceOption = Annotated[bool, typer.Option(help="Overwrite an existing -o file.")]
NudgeOption = Annotated[
    list[str] | None,
    typer.Option(
        help="Move a parameter, e.g. --nudge w6=0.01 (repeatable): predicted ΔC against actual."
    ),
]


def _check_focus(*, chain: bool, nudge: list[str] | None, tree: str | None) -> None:
    """--chain, --nudge and --tree are outputs of their own: one at a time."""
    chosen = [flag for flag, on in (("--chain", chain), ("--nudge", nudge), ("--tree", tree)) if on]
    if len(chosen) > 1:
        raise UsageError(f"{' and '.join(chosen)} are separate outputs; choose one")


def _check_combination(*, fmt: Format, view: View, tree: str | None, example: int | None) -> None:
    """Options that do not go together, named as the user typed them."""
    if view is View.matrix and fmt is not Format.text:
        raise UsageError("--view matrix is text output; use --format text (or leave it out)")
    if view is View.matrix and example is not None:
        raise UsageError("--view matrix puts every example side by side; leave out --example")
    if tree is not None and (fmt is not Format.text or view is View.matrix):
        raise UsageError("--tree is text output; leave out --format and --view")


def _as_text(output: Any, *, width: int | None) -> str:
    """What ``-o`` writes: a renderer's string as it is, or the tables as plain text."""
    if isinstance(output, str):
        return output if output.endswith("\n") else output + "\n"
    from rich.console import Console

    from ..render.tables import written

    plain = Console(width=width or 120, no_color=True, color_system=None, highlight=False)
    return written(output, plain)


@app.command()
def explain(
    file: NetworkFile,
    decimals: Annotated[
        int, typer.Option(help="Decimals shown (and carried, with --carry rounded).")
    ] = 4,
    carry: Annotated[
        Carry, typer.Option(help="exact: full precision; rounded: hand calculation.")
    ] = Carry.exact,
    fmt: Annotated[
        Format, typer.Option("--format", help="text tables, json, markdown or html (one page).")
    ] = Format.text,
    width: Annotated[
        int | None, typer.Option(min=MIN_WIDTH, help="Terminal width for text output.")
    ] = None,
    only: Annotated[
        str | None,
        typer.Option(help="Show only these quantities: globs on names, e.g. 'dC/dw1*,O3'."),
    ] = None,
    view: Annotated[
        View, typer.Option(help="scalar: one chain-rule step per row; matrix: vector form.")
    ] = View.scalar,
    full: Annotated[
        bool, typer.Option("--full", help=f"Every step even past {SUMMARY} (default: a summary).")
    ] = False,
    example: Annotated[
        int | None, typer.Option(help="With several examples: show only example K (from 1).")
    ] = None,
    symbolic: Annotated[
        bool, typer.Option("--symbolic", help="Keep every value symbolic: the general formulas.")
    ] = False,
    tree: TreeOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
    why: WhyOption = False,
    chain: ChainOption = False,
    nudge: NudgeOption = None,
    precision: PrecisionOption = None,
    wrt_inputs: Annotated[
        bool, typer.Option("--wrt-inputs", help="Add ∂C/∂x for every input (saliency).")
    ] = False,
) -> None:
    """Derive every ∂C/∂w and ∂C/∂b by the chain rule, step by step, with the numbers in.

    Example: derive explain cases/blog-2-3-1.yaml --decimals 4 --carry rounded

    Large networks (more than 200 steps) get a summary; --full or --only show steps in full.
    """
    with handled():
        from ..derivation.build import derive
        from ..render.explain import explain_output
        from ..spec.limits import DERIVE
        from ..spec.load import load_network

        _check_combination(fmt=fmt, view=view, tree=tree, example=example)
        _check_focus(chain=chain, nudge=nudge, tree=tree)
        if output is not None:
            check_destination(output, force=force)  # before the work; checked again when written
        net = load_network(file, limits=limits(DERIVE))
        d = derive(
            net, carry=carry.value, decimals=decimals, general=symbolic, wrt_inputs=wrt_inputs,
            precision=precision,
        )  # fmt: skip
        out = explain_output(
            d, fmt=fmt.value, view=view.value, only=only, full=full, example=example, tree=tree,
            why=why, chain=chain, nudges=nudge or (),
        )  # fmt: skip
        if output is not None:
            write_atomically(output, _as_text(out, width=width), force=force)
        else:
            emit(out, width=width)
