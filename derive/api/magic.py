# IPython's magic_arguments and display classes carry no type annotations
# mypy: disable-error-code="no-untyped-call,untyped-decorator"
"""The ``%%derive`` cell magic (``%load_ext derive``, as handcalcs registers its own): a cell of
network YAML becomes its derivation, displayed as the HTML page's content (or Markdown, or JSON).

    %%derive --carry rounded --only 'dC/dw*'
    layers: …

IPython is imported only here, when a notebook loads the extension. A bad cell or option is one
line (IPython's UsageError, shown without a traceback), naming the cell as ``<cell>``.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments

from ..errors import DeriveError, OptionError
from ..render.safe import one_line
from .explanation import Explanation, explain
from .sources import network_from_text

CELL = "<cell>"
FLAGS = {"general": "--symbolic", "fmt": "--format"}  # a core parameter → this magic's flag


@magic_arguments()
@argument("--decimals", type=int, default=4, help="Decimals shown (and carried if rounded).")
@argument("--carry", choices=("exact", "rounded"), default="exact", help="rounded: by hand.")
@argument("--symbolic", action="store_true", help="Keep every value symbolic.")
@argument("--only", default=None, help="Only these quantities: globs, e.g. 'dC/dw1*,O3'.")
@argument("--example", type=int, default=None, help="With several examples: only example K.")
@argument(
    "--format",
    dest="fmt",
    choices=("html", "markdown", "json"),
    default="html",
    help="html (the page, as derive.explain shows it), markdown or json.",
)
def derive_cell(line: str, cell: str) -> Any:
    """Derive the network written in the cell (YAML, as in a network file)."""
    try:  # quotes as a shell reads them: --only 'dC/dw*' (IPython's own split keeps them)
        words = shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"cannot read the options: {exc}") from None
    options = derive_cell.parser.parse_args(words)  # a bad option raises UsageError
    try:
        result = explain(
            network_from_text(cell, CELL),
            decimals=options.decimals,
            carry=options.carry,
            symbolic=options.symbolic,
            example=options.example,
            only=options.only,
        )
    except OptionError as exc:
        flag = FLAGS.get(exc.option, "--" + exc.option.replace("_", "-"))
        raise UsageError(one_line(exc.message(flag))) from None
    except DeriveError as exc:
        raise UsageError(one_line(str(exc))) from None
    return _shown(result, options.fmt)


def _shown(result: Explanation, fmt: str) -> Any:
    """What the cell displays: the Explanation itself (Jupyter takes its HTML), or one form."""
    from IPython.core.display import JSON, Markdown

    if fmt == "markdown":
        return Markdown(result.to_markdown())
    if fmt == "json":
        return JSON(json.loads(result.to_json()))
    return result


def register(ipython: Any) -> None:
    ipython.register_magic_function(derive_cell, magic_kind="cell", magic_name="derive")
