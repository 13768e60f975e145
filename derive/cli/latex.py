"""``derive latex``: the derivation as LaTeX for course notes, to stdout or atomically to a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from .app import Carry, NetworkFile, app, emit, handled


@app.command()
def latex(
    file: NetworkFile,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing -o file.")] = False,
    standalone: Annotated[
        bool, typer.Option("--standalone/--body", help="A whole article, or a fragment to \\input.")
    ] = True,
    decimals: Annotated[int, typer.Option(help="Decimals shown (and carried if rounded).")] = 4,
    carry: Annotated[
        Carry, typer.Option(help="exact or rounded (hand calculation).")
    ] = Carry.exact,
    only: Annotated[
        str | None, typer.Option(help="Derive only these quantities: 'dC/dw1*,O3'.")
    ] = None,
    example: Annotated[
        int | None, typer.Option(help="With several examples: show only example K (from 1).")
    ] = None,
) -> None:
    """Write the derivation as LaTeX that compiles with pdflatex (standard TeX Live packages).

    Example: derive latex cases/blog-2-3-1.yaml --carry rounded -o notes.tex
    """
    from ..backprop import derive
    from ..loader import load_network
    from ..render.latex import render

    with handled():
        derivation = derive(load_network(file), carry=carry.value, decimals=decimals)
        text = render(derivation, standalone=standalone, only=only, example=example)
        write_atomically(output, text, force=force) if output else emit(text)


def write_atomically(path: Path, text: str, *, force: bool) -> None:
    """A temp file in the same folder, then os.replace: readers never see half a file."""
    if path.is_dir() or not path.parent.is_dir():
        raise UsageError(f"-o {path}: expected a file path in an existing folder")
    if path.exists() and not force:
        raise UsageError(f"-o {path}: the file exists; add --force to overwrite it")
    temp: str | None = None
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp, _new_file_mode())  # mkstemp makes 0600; notes are shared files
        os.replace(temp, path)
    except OSError as exc:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
        raise UsageError(f"-o {path}: cannot write ({exc.strerror})") from None


def _new_file_mode() -> int:
    """0666 less the umask, as open() would give a new file."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
