"""Writing output files: the one writer behind ``latex -o``, ``train -o`` and ``train --plot``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import UsageError


def write_atomically(path: Path, content: str | bytes, *, force: bool) -> None:
    """A temp file in the same folder, then os.replace: readers never see half a file."""
    if path.is_dir() or not path.parent.is_dir():
        raise UsageError(f"-o {path}: expected a file path in an existing folder")
    if path.exists() and not force:
        raise UsageError(f"-o {path}: the file exists; add --force to overwrite it")
    temp: str | None = None
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        data = content.encode("utf-8") if isinstance(content, str) else content
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
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
