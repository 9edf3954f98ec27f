"""The one local SQLite file: engine, connection settings, units of work, change notices.

Every write is one transaction begun with ``BEGIN IMMEDIATE`` so two writers never
interleave; readers use WAL and are never blocked. A unit of work rolls back unless
``commit()`` was called, stamps who and when, writes the audit log, keeps the search
index current and, after the commit, tells every subscriber what changed.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import get_history

from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.domain.models import AuditEntry, Record, column_values, now
from wsjc_desktop.errors import UserError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000

#: Tables whose changes are not themselves audited.
UNAUDITED = {"audit_entries"}

Listener = Callable[[ChangeSet], None]


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    raise TypeError(type(value).__name__)


def to_json(values: dict[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False, default=_json_default, sort_keys=True)


def translate_db_error(exc: BaseException) -> UserError | None:
    """A Chinese UserError for database failures the user can cause, else None."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "locked" in text or "busy" in text:
        return UserError("数据库正被另一程序或另一台电脑写入，请稍后再试。")
    if "readonly" in text or "read-only" in text or "attempt to write a readonly" in text:
        return UserError("数据库文件是只读的（可能在只读目录或被设为只读），无法保存修改。")
    if "disk is full" in text or "database or disk is full" in text:
        return UserError("磁盘空间已满，未能保存。请清理磁盘后重试。")
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return UserError("数据库文件已损坏或不是本程序的数据库文件。")
    if "unable to open" in text:
        return UserError("无法打开数据库文件，请检查路径和访问权限。")
    return None


class Database:
    """One open database file. Holds the engine; hands out units of work."""

    def __init__(self, path: Path | str, *, readonly: bool = False, echo: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.member_id: int | None = None
        self._listeners: list[Listener] = []
        self.engine: Engine = self._make_engine(echo)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)

    # --- engine ---------------------------------------------------------------------

    def _make_engine(self, echo: bool) -> Engine:
        if self.readonly:
            url = f"sqlite:///file:{self.path.as_posix()}?mode=ro&uri=true"
        else:
            url = f"sqlite:///{self.path.as_posix()}"
        engine = create_engine(url, echo=echo, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        readonly = self.readonly

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
            # Let SQLAlchemy's begin event emit BEGIN itself (pysqlite's own is broken).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if not readonly:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            if conn.get_execution_options().get("wsjc_write"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

        return engine

    def dispose(self) -> None:
        if not self.readonly:
            # Keep the query planner's statistics current (cheap; SQLite decides what to analyse).
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA optimize")
            except (OperationalError, DatabaseError):
                pass
        self.engine.dispose()

    close = dispose

    # --- units of work ----------------------------------------------------------------

    def uow(self, *, write: bool = True) -> UnitOfWork:
        return UnitOfWork(self, write=write)

    def read(self) -> UnitOfWork:
        return UnitOfWork(self, write=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read-only session for queries; anything written is rolled back."""
        with self.read() as uow:
            yield uow.session

    # --- change notices ---------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def notify(self, changes: ChangeSet) -> None:
        if not changes:
            return
        for listener in list(self._listeners):
            try:
                listener(changes)
            except Exception:  # a broken view must not undo a committed write
                log.exception("change listener failed")


class UnitOfWork:
    """One user action: a session and a transaction that rolls back unless committed."""

    def __init__(self, db: Database, *, write: bool) -> None:
        self.db = db
        self.write = write
        self.changes = ChangeSet()
        self._committed = False
        self._audit: list[AuditEntry] = []
        self._touched: set[tuple[str, int]] = set()
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        if self.write and self.db.readonly:
            raise UserError("数据库以只读方式打开，不能保存修改。")
        self.session = self.db.session_factory()
        event.listen(self.session, "before_flush", self._before_flush)
        event.listen(self.session, "after_flush", self._after_flush)
        try:
            self.session.connection(execution_options={"wsjc_write": self.write})
        except (OperationalError, DatabaseError) as exc:
            self.session.close()
            raise translate_db_error(exc) or exc from exc
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self.write and not self._committed:
                self.session.rollback()
        finally:
            # close() ends a read transaction without expiring what was loaded, so the
            # plain values read stay usable after the block
            self.session.close()
        if isinstance(exc, OperationalError | DatabaseError):
            user = translate_db_error(exc)
            if user is not None:
                raise user from exc
        if self._committed:
            self.db.notify(self.changes)

    def add_audit(
        self,
        action: AuditAction,
        summary: str,
        *,
        table_name: str | None = None,
        record_id: int | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Record an action that is not a row change (import, export, print, login, issue)."""
        self._audit.append(
            AuditEntry(
                member_id=self.db.member_id,
                action=action,
                table_name=table_name,
                record_id=record_id,
                summary=summary,
                after=to_json(after) if after else None,
            )
        )

    def commit(self) -> None:
        if not self.write:
            raise RuntimeError("commit() on a read-only unit of work")
        try:
            self.session.flush()
            if self._touched:
                from wsjc_desktop.storage import search_index

                search_index.refresh(self.session, sorted(self._touched))
                self._touched.clear()
            if self._audit:
                self.session.add_all(self._audit)
                self._audit = []
                self.session.flush()
            self.session.commit()
        except (OperationalError, DatabaseError) as exc:
            self.session.rollback()
            raise translate_db_error(exc) or exc from exc
        self._committed = True

    # --- session hooks ----------------------------------------------------------------

    def _before_flush(self, session: Session, _ctx: Any, _instances: Any) -> None:
        stamp = now()
        member = self.db.member_id
        for obj in session.new:
            if isinstance(obj, Record) and not isinstance(obj, AuditEntry):
                obj.created_at = obj.created_at or stamp
                obj.updated_at = stamp
                obj.created_by_id = obj.created_by_id or member
                obj.updated_by_id = member
        for obj in session.dirty:
            if isinstance(obj, Record) and session.is_modified(obj, include_collections=True):
                obj.updated_at = stamp
                obj.updated_by_id = member

    def _after_flush(self, session: Session, _ctx: Any) -> None:
        for obj in session.new:
            if isinstance(obj, Record):
                self._record(obj, AuditAction.CREATE, None, column_values(obj))
        for obj in session.dirty:
            if not isinstance(obj, Record) or not session.is_modified(obj, include_collections=True):
                continue
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            for attr in inspect(obj).mapper.column_attrs:
                hist = get_history(obj, attr.key)
                if hist.has_changes() and attr.key not in ("updated_at", "updated_by_id"):
                    before[attr.key] = hist.deleted[0] if hist.deleted else None
                    after[attr.key] = hist.added[0] if hist.added else None
            action = AuditAction.UPDATE
            if "deleted_at" in after:
                action = AuditAction.DELETE if after["deleted_at"] is not None else AuditAction.RESTORE
            self._record(obj, action, before, after)
        for obj in session.deleted:
            if isinstance(obj, Record):
                self._record(obj, AuditAction.DELETE, column_values(obj), None)

    def _record(
        self, obj: Record, action: AuditAction, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        table = obj.__tablename__
        op = {
            AuditAction.CREATE: "created",
            AuditAction.UPDATE: "updated",
            AuditAction.DELETE: "deleted",
            AuditAction.RESTORE: "restored",
        }[action]
        self.changes.add(op, table, obj.id)
        if table in UNAUDITED:
            return
        self._touched.add((table, obj.id))
        self._audit.append(
            AuditEntry(
                member_id=self.db.member_id,
                action=action,
                table_name=table,
                record_id=obj.id,
                record_uid=obj.uid,
                before=to_json(before) if before is not None else None,
                after=to_json(after) if after is not None else None,
            )
        )


def open_database(path: Path | str, *, readonly: bool = False) -> Database:
    """Open (creating or upgrading first, unless read-only) the database file at ``path``."""
    from wsjc_desktop.storage.migrate import current_revision, ensure_schema

    path = Path(path)
    if readonly:
        if not path.exists():
            raise UserError(f"数据库文件不存在：{path}")
        current_revision(path)
    else:
        ensure_schema(path)
    return Database(path, readonly=readonly)
