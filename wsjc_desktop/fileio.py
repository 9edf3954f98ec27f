"""Writing a file the user asked for (a PDF, a ledger) so that it is either whole or not there.

``atomic_write`` hands out a temporary file beside the target; only when the writing has
finished, and the bytes are on the disk, does the temporary take the target's name, in one
rename. A failure halfway (an unprintable character, a full disk, the old file held open in
Excel or a PDF reader) leaves the target as it was and no temporary behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from wsjc_desktop.errors import write_error

__all__ = ["atomic_write"]


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
