"""A plain read-only sqlite3 connection for quick reports from the command line.

``wsjc-desktop stats`` reads a year of a stress file in well under a second, but importing
SQLAlchemy alone costs a third of that. When the file is a current, unencrypted database
this opens it read-only with the standard library; otherwise it answers None and the
caller takes the normal path (which upgrades old files, asks for keys, and so on).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from wsjc_desktop.storage.media import try_connect_readonly
from wsjc_desktop.storage.revision import HEAD


def connect(path: Path) -> sqlite3.Connection | None:
    """The file opened read-only (``mode=ro``, ``query_only``), or None if it is not a
    database of this program's current schema."""
    if not path.is_file():
        return None
    conn = try_connect_readonly(path)
    if conn is None:
        return None
    try:
        conn.execute("PRAGMA query_only = ON")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:  # not a database, encrypted, or no schema yet
        conn.close()
        return None
    if row is None or row[0] != HEAD:
        conn.close()
        return None
    return conn


#: Returned by :func:`stored_setting` when the setting was never stored.
NOT_STORED = object()


def stored_setting(conn: Any, key: str) -> Any:
    """The stored value of setting ``key`` (JSON-decoded) read on a DB-API connection (sqlite3
    or SQLCipher), or :data:`NOT_STORED`. The defaults live in ``services.settings``.

    Raises ``ValueError`` for a value that is not JSON."""
    row = conn.execute("SELECT value FROM settings WHERE key = ? AND deleted_at IS NULL", (key,)).fetchone()
    return NOT_STORED if row is None else json.loads(row[0])
