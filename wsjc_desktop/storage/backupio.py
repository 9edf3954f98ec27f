"""The storage side of backups: copy an open database with SQLite's online backup API, and
open any database file (a backup, a file to restore) read-only for checking.

Encryption-aware callers pass the key; this module is the one place that knows how a file
is opened raw, so the backup service never deals with drivers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wsjc_desktop.storage.database import Database

#: pages copied per step of the online backup (the writer is never blocked for long)
PAGES_PER_STEP = 2048

Progress = Callable[[int, int], None]


def online_backup(db: Database, dest: Path, progress: Progress | None = None) -> None:
    """Copy the open database into ``dest`` (a new file) page by page while others may read
    and write. ``dest`` must not exist; on any error it is removed."""
    dest = Path(dest)
    if dest.exists():
        raise FileExistsError(dest)
    raw = db.engine.raw_connection()
    try:
        source: Any = raw.driver_connection
        target = sqlite3.connect(dest)
        try:

            def step(status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(total - remaining, total)

            source.backup(target, pages=PAGES_PER_STEP, progress=step)
        finally:
            target.close()
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    finally:
        raw.close()


def open_raw(path: Path, key: str | None = None) -> sqlite3.Connection:
    """``path`` opened read-only with the standard driver (``key`` is for encrypted files)."""
    if key is not None:
        raise NotImplementedError("encrypted files are opened by the SQLCipher driver")
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
