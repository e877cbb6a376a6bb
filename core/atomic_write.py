"""Write a file so that it is either the old one or the new one, never half of each.

The discipline ``QSaveFile`` follows, without Qt (core never imports it): write a unique
temporary file in the target's own folder (``os.replace`` is atomic only within one file
system), flush and fsync it, give it the old file's permissions, then rename it over the
target. A symbolic link is followed, so the file it points to is replaced and the link stays.
Any failure removes the temporary file and leaves the old file untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO


def atomic_write(path: str | Path, write: Callable[[IO[str]], None], *,
                 encoding: str = "utf-8", newline: str | None = "") -> None:
    """Call ``write(handle)`` on a temporary text file, then put it in place of ``path``.

    ``OSError`` (and whatever ``write`` raises) leaves ``path`` as it was and no stray file."""
    target = Path(os.path.realpath(path))  # replace what a symlink points to, keep the link
    if target.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                     suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, _mode_for(target))
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _sync_folder(target.parent)


def atomic_write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` atomically (see ``atomic_write``)."""
    atomic_write(path, lambda handle: handle.write(text), encoding=encoding)


def _mode_for(target: Path) -> int:
    """The old file's permission bits; for a new file what ``open`` would give (0666 less the
    umask), not ``mkstemp``'s private 0600."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it (not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
