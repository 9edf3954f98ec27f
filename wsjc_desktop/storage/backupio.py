"""The storage side of backups: copy an open database with SQLite's online backup API, and
open any database file (a backup, a file to restore) read-only for checking.

Encryption-aware callers pass the key; this module is the one place that knows how a file
is opened raw, so the backup service never deals with drivers. A backup of an encrypted
database is encrypted with the same key (pages are re-encrypted as they are copied, under
the copy's own salt), so it opens with the same passphrase and nothing else.

A connection from ``open_raw`` on an encrypted file comes from ``sqlcipher3``, whose
exceptions do not derive from ``sqlite3.Error``: catch ``db_errors()`` to cover both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wsjc_desktop.fileio import create_private
from wsjc_desktop.storage import cipher
from wsjc_desktop.storage.database import Database
from wsjc_desktop.storage.media import connect_readonly

#: pages copied per step of the online backup (the writer is never blocked for long)
PAGES_PER_STEP = 2048

Progress = Callable[[int, int], None]


def db_errors() -> tuple[type[Exception], ...]:
    """The exception classes a raw connection of either driver raises."""
    return cipher.driver_errors()


def online_backup(db: Database, dest: Path, progress: Progress | None = None) -> None:
    """Copy the open database into ``dest`` (a new file, readable by its owner only) page by
    page while others may read and write. ``dest`` must not exist; on any error it is removed.
    The copy of an encrypted database is encrypted with the same key. The copy is in
    rollback-journal mode, with nothing beside it (see :mod:`wsjc_desktop.storage.media`)."""
    dest = Path(dest)
    create_private(dest)  # FileExistsError if it exists; readable by its owner only, like its logs
    try:
        raw = db.engine.raw_connection()
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    try:
        source: Any = raw.driver_connection
        target: Any = cipher.connect(dest, db.key) if db.key is not None else sqlite3.connect(dest)
        try:

            def step(status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(total - remaining, total)

            source.backup(target, pages=PAGES_PER_STEP, progress=step)
            # The copy carries the source's WAL mark; a copy in rollback-journal mode is one file
            # that opens anywhere, even read-only from a write-protected stick or a CD.
            mode = str(target.execute("PRAGMA journal_mode = DELETE").fetchone()[0]).lower()
            if mode != "delete":
                raise sqlite3.OperationalError(f"the copy stayed in journal mode {mode}")
        finally:
            target.close()
    except BaseException:
        for leftover in (dest, Path(f"{dest}-journal"), Path(f"{dest}-wal"), Path(f"{dest}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        raw.close()


def open_raw(path: Path, key: str | None = None) -> sqlite3.Connection:
    """``path`` opened read-only; ``key`` is the passphrase of an encrypted file.

    For an encrypted file the connection is ``sqlcipher3``'s (the same API as ``sqlite3``);
    a wrong key raises ``cipher.PassphraseError``, and so does an encrypted file opened
    without one. A key given for a plain file (an old backup from before encryption) is
    not needed and not used.
    """
    path = Path(path)
    if key is None and cipher.is_encrypted(path):
        raise cipher.PassphraseError(cipher.MISSING_KEY)
    if key is not None and cipher.is_encrypted(path):
        conn: sqlite3.Connection = cipher.connect(path, key, readonly=True)
        return conn
    return connect_readonly(path)
