"""Reading a file derive was given, safely: a regular file of bounded size, opened without
blocking, its name's .yml/.yaml twin suggested when it is missing. Used for every file derive
reads (networks, answers, rosters, .npy and CSV data) and, for ``not_regular``, for the files it
replaces."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError

# A network file with every weight written out: 784-30-10 (23,860 parameters) is about 0.5 MB;
# the pure-Python YAML parser reads about 2.5 MB/s, so 10 MiB still answers in seconds.
MAX_BYTES = 10 * 1024 * 1024


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """A network or answers file as text: a regular UTF-8 file of at most ``max_bytes``."""
    source = str(path)

    def fail(problem: str) -> InputError:
        return InputError(source, "", problem)

    try:
        with open_regular(path, max_bytes=max_bytes, fail=fail) as handle:
            return read_at_most(handle, max_bytes=max_bytes, fail=fail).decode("utf-8")
    except UnicodeDecodeError:
        raise fail("expected UTF-8 text (is this a binary file?)") from None
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror}") from None


FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def not_regular(mode: int) -> str | None:
    """Why a file of this ``st_mode`` is not read or replaced: 'a FIFO', …; None if regular."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in FILE_KINDS if test(mode)), "not a regular file")


@contextmanager
def open_regular(
    path: Path, *, max_bytes: int, fail: Callable[[str], Exception]
) -> Iterator[BinaryIO]:
    """``path`` open for reading if it is a regular file of at most ``max_bytes``, else
    ``fail(why)``. Checked with stat before opening (opening a FIFO blocks, a device never ends),
    and again on the open file, in case the name was replaced in between."""
    try:
        _check_regular(os.stat(path), max_bytes=max_bytes, fail=fail)
        # O_NONBLOCK: should a FIFO take the name after the stat, opening it must not hang
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise fail("no such file" + _twin_hint(path)) from None
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        _check_regular(os.fstat(fd), max_bytes=max_bytes, fail=fail)
        yield handle


def _twin_hint(path: Path) -> str:
    """'; did you mean net.yaml?' for a missing net.yml (and the other way round), or for a
    name typed without its extension; else nothing."""
    twins = {".yml": ".yaml", ".yaml": ".yml"}
    suffix = twins.get(path.suffix.lower())
    names = [path.with_suffix(suffix)] if suffix else [Path(f"{path}{s}") for s in twins]
    found = next((name for name in names if name.is_file()), None)
    return f"; did you mean {found}?" if found is not None else ""


def _check_regular(
    info: os.stat_result, *, max_bytes: int, fail: Callable[[str], Exception]
) -> None:
    kind = not_regular(info.st_mode)
    if kind is not None:
        raise fail(f"expected a regular file (this is {kind})")
    if info.st_size > max_bytes:
        raise fail(f"file is larger than {_size(max_bytes)}")


def read_at_most(handle: BinaryIO, *, max_bytes: int, fail: Callable[[str], Exception]) -> bytes:
    """All of ``handle``, refused past ``max_bytes`` (a file may grow after its size was read)."""
    data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise fail(f"file is larger than {_size(max_bytes)}")
    return data


def _size(count: int) -> str:
    return f"{count // 2**20} MiB" if count >= 2**20 else f"{count // 1024} KiB"
