"""Writing output files: the one writer behind ``latex -o``, ``train -o`` and ``train --plot``.

The content goes to a temp file beside the destination, which then takes the destination's name
in one step, so a reader, a signal or a full disk never leaves half a file:

- without ``force`` the temp file is hard-linked to the name, which fails if the name exists:
  of several writers racing for one name exactly one wins (checking first, then renaming, let
  two or three win);
- with ``force`` it is renamed over the old file (``os.replace``);
- a symbolic link, a device, a FIFO or a directory at the name is refused, with or without
  ``force``: the write would go through the link, or replace what is not a file;
- SIGINT, SIGTERM and SIGHUP while writing remove the temp file and leave the old file as it was.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from ..errors import UsageError
from ..spec.files import not_regular

# signals that end a run: while a file is written each raises, so that the temp file is removed
_STOPS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
# link() fails with these where a file system has no hard links (FAT, some network mounts)
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EXDEV}


def check_destination(path: Path, *, force: bool, option: str = "-o") -> None:
    """Refuse a destination before any work is done: a link, a device, a FIFO, a directory, a
    missing folder, or (without ``force``) an existing file. ``option`` names the flag."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise UsageError(
                f"{option} {path}: expected a file path in an existing folder"
            ) from None
        return
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot write ({exc.strerror})") from None
    if stat.S_ISLNK(info.st_mode):
        raise UsageError(
            f"{option} {path}: is a symbolic link; name the file itself, not a link to it"
        )
    kind = not_regular(info.st_mode)
    if kind is not None:
        raise UsageError(f"{option} {path}: expected a regular file (this is {kind})")
    if not force:
        raise UsageError(f"{option} {path}: the file exists; add --force to overwrite it")


def write_atomically(path: Path, content: str | bytes, *, force: bool, option: str = "-o") -> None:
    """Write ``content`` to ``path`` whole or not at all (see the module's docstring)."""
    check_destination(path, force=force, option=option)
    data = content.encode("utf-8") if isinstance(content, str) else content
    mode = _new_file_mode()
    temp: str | None = None
    with _signals_raise():
        try:
            with _signals_deferred():  # no gap between creating the temp file and naming it
                fd, temp = tempfile.mkstemp(
                    dir=path.parent, prefix=f".{path.name[:200]}.", suffix=".tmp"
                )
            _write(fd, data, mode=mode)
            with _signals_deferred():
                _commit(temp, path, force=force, option=option)
        except OSError as exc:
            raise UsageError(f"{option} {path}: cannot write ({exc.strerror})") from None
        finally:
            if temp is not None:
                with _signals_deferred():
                    Path(temp).unlink(missing_ok=True)  # after link() or a failure; gone if renamed


def _write(fd: int, data: bytes, *, mode: int) -> None:
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(fd, mode)  # mkstemp makes 0600; notes are shared files
        handle.write(data)
        handle.flush()
        os.fsync(fd)  # on disk before it takes the name: a crash leaves the old file or the new


def _commit(temp: str, path: Path, *, force: bool, option: str) -> None:
    """Give the finished temp file the destination's name, in one step."""
    if force:
        check_destination(path, force=True, option=option)  # it may have changed meanwhile
        os.replace(temp, path)
        return
    exists = UsageError(f"{option} {path}: the file exists; add --force to overwrite it")
    try:
        os.link(temp, path)
    except FileExistsError:
        raise exists from None
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        _claim_then_replace(temp, path, exists=exists)


def _claim_then_replace(temp: str, path: Path, *, exists: UsageError) -> None:
    """Without hard links: claim the name with O_EXCL (still one winner), then rename over the
    empty claim (readers may see it empty for that moment)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise exists from None
    try:
        os.replace(temp, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


@contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGTERM and SIGHUP raise SystemExit while writing (by default they end the process at
    once, with no chance to remove the temp file); SIGINT raises KeyboardInterrupt already."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers
        return
    saved: dict[int, Any] = {}
    for stop in _STOPS:
        if signal.getsignal(stop) is signal.SIG_DFL:
            saved[stop] = signal.signal(stop, _exit_on_signal)
    try:
        yield
    finally:
        for stop, handler in saved.items():
            signal.signal(stop, handler)


def _exit_on_signal(number: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + number)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM/SIGHUP back for a step that must finish together with its
    bookkeeping (create the temp file and remember its name; rename it; remove it)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _new_file_mode() -> int:
    """0666 less the umask, as open() would give a new file."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
