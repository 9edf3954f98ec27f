"""Where a finished document goes: a file written whole (``fileio.atomic_write``) or a stream.
Shared by the PDF slips and the Word files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from wsjc_desktop.errors import UserError
from wsjc_desktop.fileio import atomic_write

Output = Path | str | os.PathLike[str] | BinaryIO


def deliver(out: Output, data: bytes) -> None:
    """Write ``data`` to the stream ``out``, or to the file it names: a reader never sees half a
    file, and a failure leaves none."""
    if not isinstance(out, (str, os.PathLike)):
        out.write(data)
        return
    path = Path(out)
    try:
        with atomic_write(path, holder=None) as handle:
            handle.write(data)
    except OSError as exc:
        raise UserError(
            f"无法写入文件“{path}”：{exc.strerror or exc}。如该文件已在其他程序中打开，请先关闭后重试。",
            field="out",
        ) from exc
