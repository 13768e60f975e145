"""``derive examples``: list the network files shipped with derive, or copy one to work on.

The files are cases/ of the source tree. A wheel carries them as package data in derive/cases
(pyproject.toml maps the folder there); a source checkout or an editable install reads them
where they are, in cases/ beside the package.
"""

from __future__ import annotations

import difflib
import os
import shlex
import stat
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UsageError
from .app import app, emit, handled

ANSWERS = ".answers.yaml"
TITLE = 64  # characters of a title listed: one line each in a terminal
COPY_TO = "copy to"  # how a refused destination is introduced: "copy to x.yaml: the file exists"


@dataclass(frozen=True)
class Example:
    name: str  # the file name without .yaml
    title: str
    files: tuple[str, ...]  # what a copy writes: the file itself, then the files it needs


@app.command()
def examples(
    name: Annotated[
        str | None, typer.Argument(metavar="NAME", help="The example to copy (omit to list them).")
    ] = None,
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", metavar="DIR", help="Folder to copy into (made if missing)."
        ),
    ] = Path("."),
    force: Annotated[bool, typer.Option(help="Overwrite files that differ.")] = False,
) -> None:
    """List the example networks shipped with derive, or copy one (with the files it needs).

    Example: derive examples blog-2-3-1 -o examples
    """
    with handled():
        folder = shipped_folder()
        catalog = read_catalog(folder)
        if name is None:
            emit(listing(catalog))
            return
        example = find(catalog, name)
        emit(copy_example(example, folder, into=output, force=force))


def shipped_folder() -> Traversable:
    from importlib.resources import files

    package = files("derive")
    packaged = package / "cases"
    if packaged.is_dir():
        return packaged
    # a source checkout or an editable install: the package folder's sibling
    checkout = Path(str(package)).parent / "cases"
    if checkout.is_dir():
        return checkout
    raise UsageError("this installation of derive has no example files (derive/cases is missing)")


def read_catalog(folder: Traversable) -> list[Example]:
    """Every shipped .yaml file, by name, with its title and the shipped files it needs."""
    shipped = {entry.name for entry in folder.iterdir()}
    found = []
    for file in sorted(shipped):
        if file.endswith(".yaml"):
            text = (folder / file).read_text(encoding="utf-8")
            title, needs = _describe(file, text, shipped=shipped, folder=folder)
            found.append(Example(file.removesuffix(".yaml"), title, (file, *needs)))
    return sorted(found, key=lambda example: example.name)


def _describe(
    file: str, text: str, *, shipped: set[str], folder: Traversable
) -> tuple[str, list[str]]:
    """(title, shipped files it needs): an answers file needs its network and what that needs."""
    from ..spec.reader import parse_yaml

    data = parse_yaml(text, file)
    comment = next((line.lstrip("# ") for line in text.splitlines() if line.startswith("#")), "")
    if file.endswith(ANSWERS):
        network = file.removesuffix(ANSWERS) + ".yaml"
        if network not in shipped:
            return comment, []
        _, needs = _describe(
            network, (folder / network).read_text(encoding="utf-8"), shipped=shipped, folder=folder
        )
        return comment, [network, *needs]
    title = data.get("title") if isinstance(data, dict) else None
    named = sorted(set(_named_files(data)) & shipped)
    return (title if isinstance(title, str) else comment), named


def _named_files(data: Any) -> list[str]:
    """File names anywhere in a network file: {file: digit-2.npy}, data: {csv: points.csv}."""
    if isinstance(data, list):
        return [name for item in data for name in _named_files(item)]
    if not isinstance(data, dict):
        return []
    own = [data[key] for key in ("file", "csv") if isinstance(data.get(key), str)]
    return own + [name for value in data.values() for name in _named_files(value)]


def listing(catalog: list[Example]) -> str:
    width = max((len(example.name) for example in catalog), default=0)
    lines = []
    for example in catalog:
        needs = f" (with {', '.join(example.files[1:])})" if len(example.files) > 1 else ""
        title = example.title if len(example.title) <= TITLE else example.title[: TITLE - 1] + "…"
        lines.append(f"{example.name.ljust(width)}  {title}{needs}")
    return "\n".join(lines)


def find(catalog: list[Example], name: str) -> Example:
    names = [example.name for example in catalog]
    wanted = name.removesuffix(".yaml")
    if wanted in names:
        return catalog[names.index(wanted)]
    near = difflib.get_close_matches(wanted, names, n=3, cutoff=0.5)
    hint = f"did you mean {' or '.join(near)}?" if near else f"expected one of {', '.join(names)}"
    raise UsageError(f"no example named {name!r}; {hint} (derive examples lists them)")


def copy_example(example: Example, folder: Traversable, *, into: Path, force: bool) -> str:
    """Copy the example's files into ``into``; what was written, then what to run next. A file
    already there with the same content is kept; one that differs needs ``force``."""
    from .files import check_destination, write_atomically

    contents = {file: (folder / file).read_bytes() for file in example.files}
    todo = [file for file in example.files if not _same(into / file, contents[file])]
    if into.is_dir():
        for file in todo:  # every destination refused before any is written
            check_destination(into / file, force=force, option=COPY_TO)
    else:
        _make_folder(into)
    for file in todo:
        write_atomically(into / file, contents[file], force=force, option=COPY_TO)
    lines = [
        f"{'wrote' if file in todo else 'kept (unchanged)'} {into / file}" for file in example.files
    ]
    paths = [shlex.quote(str(into / file)) for file in example.files]
    if example.files[0].endswith(ANSWERS):
        lines.append(f"next: derive check {paths[1]} {paths[0]}")
    else:
        lines.append(f"next: derive explain {paths[0]}")
    return "\n".join(lines)


def _make_folder(into: Path) -> None:
    if into.exists():
        raise UsageError(f"-o {into}: expected a folder")
    try:
        into.mkdir(parents=True)
    except OSError as exc:
        raise UsageError(f"-o {into}: cannot make the folder ({exc.strerror})") from None


def _same(path: Path, content: bytes) -> bool:
    """Is ``path`` a regular file (not a link) holding exactly ``content``?"""
    try:
        info = os.lstat(path)
        return (
            stat.S_ISREG(info.st_mode)
            and info.st_size == len(content)
            and (path.read_bytes() == content)
        )
    except OSError:
        return False
