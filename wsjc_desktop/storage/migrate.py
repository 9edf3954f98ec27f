"""Schema versions: create a new file, or upgrade an older one after backing it up.

Alembic is imported only when a file actually needs creating or upgrading, so a normal
start (file already at ``HEAD``) reads one row and moves on.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from wsjc_desktop.errors import SchemaTooNewError, UserError
from wsjc_desktop.paths import backup_dir_for
from wsjc_desktop.storage.revision import HEAD

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def script_revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in script.walk_revisions()]


def script_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(path: Path) -> str | None:
    """The file's schema revision; None for a file with no tables at all."""
    try:
        con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise UserError(f"无法打开数据库文件：{path}") from exc
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" in names:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            return str(row[0]) if row else None
        if names:
            raise UserError(f"“{path.name}”不是本程序的数据库文件（缺少版本信息）。")
        return None
    except sqlite3.DatabaseError as exc:
        raise UserError(f"“{path.name}”已损坏或不是本程序的数据库文件。") from exc
    finally:
        con.close()


def _migration_engine(path: Path) -> Engine:
    """An engine without foreign-key enforcement: batch migrations rebuild tables."""
    engine = create_engine(f"sqlite:///{path.as_posix()}")

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


def backup_before_upgrade(path: Path, revision: str) -> Path:
    """Copy the file (consistently, via SQLite's backup API) before touching its schema."""
    folder = backup_dir_for(path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}.before-upgrade-{revision}-{stamp}{path.suffix}"
    src = sqlite3.connect(path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    log.info("backed up %s to %s before upgrading from %s", path, target, revision)
    return target


def upgrade(path: Path, target: str = "head") -> Path | None:
    """Bring the file to ``target``; return the backup made first (None if none was needed)."""
    from alembic import command

    engine = _migration_engine(path)
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


def ensure_schema(path: Path) -> Path | None:
    """Create or upgrade the file at ``path`` to HEAD. Returns the pre-upgrade backup, if any.

    Raises SchemaTooNewError for a file written by a newer program.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    revision = current_revision(path) if path.exists() else None
    if revision == HEAD:
        return None
    if revision is None:
        upgrade(path)
        return None
    if revision not in script_revisions():
        raise SchemaTooNewError(
            f"数据库“{path.name}”由更新版本的程序创建（结构版本 {revision}），"
            "本程序无法打开。请升级程序后再试。"
        )
    backup = backup_before_upgrade(path, revision)
    upgrade(path)
    return backup
