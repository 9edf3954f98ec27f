"""Writing a file the user asked for (a PDF, a ledger) so that it is either whole or not there.

``atomic_write`` hands out a temporary file beside the target; only when the writing has
finished, and the bytes are on the disk, does the temporary take the target's name, in one
rename. A failure halfway (an unprintable character, a full disk, the old file held open in
Excel or a PDF reader) leaves the target as it was and no temporary behind.

The other helpers are the file steps of backups, restores and conversions (see
``storage.recovery``): files made readable by their owner only (``create_private``,
``copy_new``), flushed to the disk (``fsync_file``, ``fsync_dir``) and overwritten before they
are deleted (``wipe``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from wsjc_desktop.errors import UserError, write_error

__all__ = [
    "PRIVATE_MODE",
    "atomic_write",
    "copy_new",
    "create_private",
    "fsync_dir",
    "fsync_file",
    "refuse_special",
    "wipe",
]

log = logging.getLogger(__name__)

#: Database files, backups and their temporaries: readable and writable by their owner only
#: (POSIX; on Windows the folder's permissions apply).
PRIVATE_MODE = 0o600


@contextlib.contextmanager
def atomic_write(target: Path | str, *, holder: str | None) -> Iterator[BinaryIO]:
    """A binary file to write ``target``'s new content into; it replaces ``target`` when the
    block ends without an exception, and is removed whatever happens.

    An ``OSError`` met on the way (the folder cannot be written, the disk is full, the target
    is open in another program), in the block or in the rename, becomes the Chinese
    ``UserError`` of ``errors.write_error``, which names ``holder`` (“Excel、WPS”, “PDF 阅读器”)
    as the program likely to hold the file open. With ``holder=None`` the ``OSError`` is
    raised as it is, for a caller that words its own message. Any other exception passes
    through unchanged.
    """
    target = Path(target)
    refuse_special(target)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        temp = Path(name)
        try:
            with os.fdopen(fd, "wb") as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())  # the bytes on the disk before the name moves to them
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)  # gone already after the rename
    except OSError as exc:
        if holder is None:
            raise
        raise write_error(exc, target, holder) from exc
    fsync_dir(target.parent)


def refuse_special(target: Path) -> None:
    """Refuse to put a file in the place of a device, a pipe or a socket: a rename would replace
    the special file itself (as root, ``/dev/null`` became a PDF). A path where nothing is, a
    regular file or a folder (the rename fails with its own message) passes."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise UserError(f"“{target}”不是普通文件（是设备、管道等特殊文件），不能写入。请另选文件名。")


def fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX; best effort: the file is written either way)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def fsync_file(path: Path | str) -> None:
    """Flush the file's bytes to the disk."""
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def create_private(path: Path | str) -> None:
    """Create the empty file ``path`` readable by its owner only (``FileExistsError`` if it
    exists): a database or backup made in it by SQLite keeps that mode, and so do its logs."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE_MODE)
    os.close(fd)


def copy_new(source: Path | str, target: Path | str, chunk: int = 1 << 20) -> None:
    """``source``'s bytes into the new file ``target`` (owner only; ``FileExistsError`` if it
    exists), flushed to the disk."""
    create_private(target)
    with open(source, "rb") as src, open(target, "r+b") as dst:
        shutil.copyfileobj(src, dst, chunk)
        dst.flush()
        os.fsync(dst.fileno())


def wipe(path: Path | str, chunk: int = 1 << 20) -> bool:
    """Overwrite the file with zeros, flush, then delete it; True if it is gone.

    Best effort, never raises for an ``OSError``: on SSDs, flash drives and copy-on-write file
    systems the old blocks may survive (only full-disk encryption helps there). Never call it on
    a second name (hard link) of a file still in use: the zeros would land in that file.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("r+b") as handle:
            zeros = bytes(min(chunk, max(size, 1)))
            done = 0
            while done < size:
                n = min(len(zeros), size - done)
                handle.write(zeros[:n])
                done += n
            handle.flush()
            os.fsync(handle.fileno())
    except FileNotFoundError:
        return True
    except OSError:
        log.warning("could not overwrite %s before deleting it", path, exc_info=True)
    try:
        path.unlink(missing_ok=True)
    except OSError:
        log.warning("could not delete %s", path, exc_info=True)
        return False
    return True
