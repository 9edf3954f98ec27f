"""Schema versions: create a new file, or upgrade an older one after backing it up.

Alembic is imported only when a file actually needs creating or upgrading, so a normal
start (file already at ``HEAD``) reads one row and moves on.

Every function takes the passphrase of an encrypted file as ``key`` (see ``cipher``); the
copy made before an upgrade is encrypted with the same key.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError as SADatabaseError

from wsjc_desktop import fileio
from wsjc_desktop.errors import SchemaTooNewError, UserError
from wsjc_desktop.paths import backup_dir_for
from wsjc_desktop.storage import cipher, media
from wsjc_desktop.storage.errors import translate_db_error
from wsjc_desktop.storage.health import read_error, too_new_message
from wsjc_desktop.storage.revision import HEAD, MIGRATIONS_DIR, alembic_config, script_head, script_revisions

__all__ = [  # the revision names are re-exported: callers use migrate.HEAD, migrate.script_revisions
    "HEAD",
    "MIGRATIONS_DIR",
    "alembic_config",
    "backup_before_upgrade",
    "current_revision",
    "ensure_schema",
    "revision_of",
    "script_head",
    "script_revisions",
    "upgrade",
]

log = logging.getLogger(__name__)


def _open_read_only(path: Path, key: str | None) -> Any:
    """A read-only connection; for an encrypted file, checked against ``key``."""
    if cipher.is_encrypted(path):
        if key is None:
            raise cipher.PassphraseError(cipher.MISSING_KEY)
        try:
            return cipher.connect(path, key, readonly=True)
        except cipher.driver_errors() as exc:
            raise UserError(f"无法打开数据库文件：{path}") from exc
    try:
        return media.connect_readonly(path)
    except sqlite3.Error as exc:
        raise read_error(path, exc) from exc


def current_revision(path: Path, key: str | None = None) -> str | None:
    """The file's schema revision; None for a file with no tables at all."""
    con = _open_read_only(path, key)
    try:
        return revision_of(con, path)
    finally:
        con.close()


def revision_of(con: Any, path: Path) -> str | None:
    """``current_revision`` on an open connection (of either driver)."""
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" in names:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            return str(row[0]) if row else None
        if names:
            raise UserError(f"“{path.name}”不是本程序的数据库文件（缺少版本信息）。")
        return None
    except cipher.driver_errors() as exc:
        raise read_error(path, exc) from exc


def _migration_engine(path: Path, key: str | None = None) -> Engine:
    """An engine without foreign-key enforcement: batch migrations rebuild tables."""
    engine = cipher.engine(path, key) if key is not None else create_engine(f"sqlite:///{path.as_posix()}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA synchronous=FULL")
        dbapi_conn.execute("PRAGMA busy_timeout=5000")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def backup_before_upgrade(path: Path, revision: str, key: str | None = None) -> Path:
    """Copy the file (consistently, via SQLite's backup API) before touching its schema.

    The copy of an encrypted file is encrypted with the same key."""
    folder = backup_dir_for(path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}.before-upgrade-{revision}-{stamp}{path.suffix}"
    fileio.create_private(target)  # readable by its owner only, as the database
    if key is not None:
        src = cipher.connect(path, key)
        dst = cipher.connect(target, key)
    else:
        src = sqlite3.connect(path)
        dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    except BaseException:
        dst.close()
        target.unlink(missing_ok=True)
        raise
    finally:
        dst.close()
        src.close()
    log.info("backed up %s to %s before upgrading from %s", path, target, revision)
    return target


def upgrade(path: Path, target: str = "head", key: str | None = None) -> Path | None:
    """Bring the file to ``target``; return the backup made first (None if none was needed)."""
    from alembic import command

    engine = _migration_engine(path, key)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), target)
        with engine.connect() as conn:
            problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"foreign key problems after migration: {problems[:5]}")
    finally:
        engine.dispose()
    return None


def ensure_schema(path: Path, *, key: str | None = None) -> Path | None:
    """Create or upgrade the file at ``path`` to HEAD. Returns the pre-upgrade backup, if any.

    With ``key`` a new file is created encrypted. Raises SchemaTooNewError for a file
    written by a newer program, PassphraseError for an encrypted file without its key.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"无法创建文件夹“{path.parent}”：{exc.strerror or exc}") from exc
    existed = path.exists()
    revision = current_revision(path, key) if existed and path.stat().st_size > 0 else None
    if revision == HEAD:
        return None
    if revision is not None and revision not in script_revisions():
        raise SchemaTooNewError(too_new_message(path.name, revision))
    try:
        backup = backup_before_upgrade(path, revision, key) if revision is not None else None
        upgrade(path, key=key)
    except (SADatabaseError, PermissionError) as exc:
        user = _user_error(path, exc, creating=not existed)
        if user is None:
            raise
        raise user from exc
    except cipher.driver_errors() as exc:  # the backup copy, made with the driver itself
        user = _user_error(path, exc, creating=not existed)
        if user is None:
            raise
        raise user from exc
    return backup


def _user_error(path: Path, exc: BaseException, *, creating: bool) -> UserError | None:
    """A Chinese message for a failure the user can put right (a read-only folder, a full
    disk, a lock); None for anything else, which is a bug."""
    text = str(getattr(exc, "orig", exc)).lower()
    if creating and ("unable to open" in text or "readonly" in text or isinstance(exc, PermissionError)):
        return UserError(f"无法在“{path.parent}”中创建数据库文件：文件夹可能是只读的，或没有写入权限。")
    user = translate_db_error(exc)
    if user is not None:
        return user
    if isinstance(exc, PermissionError):
        return UserError(f"没有权限写入“{path}”。")
    return None
