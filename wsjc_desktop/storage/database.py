"""The one local SQLite file: engine, connection settings, units of work, change notices.

SQLAlchemy and the models are imported when the engine is first needed, not when a
``Database`` is made: the window paints its first tab from plain SQL (``raw_read``) before the
ORM has loaded (importing it costs ~0.6 s, more than the bare window takes to appear).

Every write is one transaction begun with ``BEGIN IMMEDIATE`` so two writers never
interleave; readers use WAL and are never blocked. A unit of work rolls back unless
``commit()`` was called, stamps who and when, writes the audit log, keeps the search
index current and, after the commit, tells every subscriber what changed.

An encrypted file (SQLCipher, see ``cipher``) is opened with its passphrase as ``key``; its
engine keeps one connection open, so the key is derived once, when the file is opened.
``open_database`` checks a file before opening it for writing (see ``health``) and never
writes into a damaged one; a new file is created readable by its owner only (0600).

Every audit entry names the member logged in (``Database.member_id``) or, when none is, who
else acted (``Database.actor``: a command run from the command line). A unit of work seals
the entries its transaction wrote (their chained hash, ``health.seal_audit_entries``) just
before it commits, whichever way they were inserted.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date, datetime, time
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.errors import SchemaTooNewError, UserError
from wsjc_desktop.storage import cipher, health, media, open_files, quickread
from wsjc_desktop.storage.cipher import PassphraseError
from wsjc_desktop.storage.errors import is_damage, translate_db_error
from wsjc_desktop.storage.health import DamagedDatabaseError, too_new_message
from wsjc_desktop.storage.open_files import is_open_here
from wsjc_desktop.storage.revision import HEAD, script_revisions

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from wsjc_desktop.domain.models import AuditEntry, Record

__all__ = [  # the errors and is_open_here are re-exported: callers find them here
    "DamagedDatabaseError",
    "Database",
    "PassphraseError",
    "UnitOfWork",
    "is_damage",
    "is_open_here",
    "open_database",
    "translate_db_error",
]

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


#: Columns never copied into the audit log (a password hash must not outlive a password change).
SECRET_COLUMNS = frozenset({"password_hash"})


def _without_secrets(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {k: ("<已隐藏>" if k in SECRET_COLUMNS else v) for k, v in values.items()}


def driver_errors() -> tuple[type[BaseException], ...]:
    """SQLAlchemy's wrappers of the driver's errors (imported on first use)."""
    from sqlalchemy.exc import DatabaseError, OperationalError

    return (OperationalError, DatabaseError)


class Database:
    """One open database file. Holds the engine; hands out units of work.

    ``key`` is the passphrase of an encrypted file (kept in memory while the file is open:
    every further connection needs it); ``connection``, one already keyed by
    ``cipher.connect``, becomes the engine's first connection.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        readonly: bool = False,
        echo: bool = False,
        key: str | None = None,
        connection: Any = None,
    ) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.encrypted = key is not None
        self._key = key
        self._first_connection = connection
        self.member_id: int | None = None
        #: who writes when no member is logged in (the command line sets 命令行（user）); every
        #: audit entry stores it
        self.actor: str | None = None
        #: what the start-up check found that does not stop the file being used (the audit log
        #: tampered with): see :attr:`check_warning`
        self._warning = ""
        self._listeners: list[Listener] = []
        self._echo = echo
        self._engine: Engine | None = None
        self._session_factory: sessionmaker[Session] | None = None
        self._check: tuple[threading.Thread, dict[str, Any]] | None = None
        self._check_started = False
        open_files.add(self)  # a file open here must not be converted (see ``crypto``)

    # --- the start-up check, behind the first screen ----------------------------------

    def prepare_check(self) -> None:
        """Make the start-up integrity check (``health.check_file``) ready to run in a
        background thread on its own read-only connection; :meth:`start_check` starts it (the
        window does once it has painted, the start-up steps at once: the login is drawn
        meanwhile). SQLite works outside Python's lock, so the check uses another core. Until
        it has passed, every write waits for it (:meth:`wait_checked`, which also starts it if
        nobody has): a damaged file is never written to."""
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["health"] = health.check_file(self.path)
            except BaseException as exc:  # handed to whoever waits
                outcome["error"] = exc

        self._check = (threading.Thread(target=run, name="wsjc-check", daemon=True), outcome)
        self._check_started = False

    def start_check(self) -> None:
        """Start the prepared check (nothing if there is none or it has started)."""
        if self._check is not None and not self._check_started:
            self._check_started = True
            self._check[0].start()

    @property
    def check_pending(self) -> bool:
        """The check is prepared and has not finished (it may not have started yet)."""
        return self._check is not None and (not self._check_started or self._check[0].is_alive())

    @property
    def check_failed(self) -> bool:
        """The check has finished and found the file unusable."""
        if self.check_pending or self._check is None:
            return False
        health = self._check[1].get("health")
        return health is None or not health.ok

    def wait_checked(self) -> None:
        """Wait for the check (if any; started now if nobody has); raise its error
        (``DamagedDatabaseError`` for a damaged file, ``UserError`` for an unreadable one) if
        it failed."""
        if self._check is None:
            return
        self.start_check()
        thread, outcome = self._check
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        health = outcome["health"]
        if not health.ok:
            log.warning("refused to write to %s: %s (%s)", self.path, health.kind, health.detail)
            raise health.error()
        self.note_warning(health.warning)
        self._check = None  # passed: nothing to wait for any more

    @property
    def check_warning(self) -> str:
        """What the start-up check found that does not stop the file being used (the audit log
        tampered with, its triggers gone), in Chinese for the user; empty if nothing, or while
        the check has not finished. The file stays usable."""
        if self._check is not None and not self.check_pending:
            found = self._check[1].get("health")
            if found is not None and found.ok:
                return str(found.warning)
        return self._warning

    def note_warning(self, warning: str) -> None:
        """Keep the warning of a check that passed (see :attr:`check_warning`)."""
        if warning and warning != self._warning:
            log.warning("start-up check of %s: %s", self.path, warning)
        self._warning = warning

    def user_error(self, exc: BaseException) -> UserError | None:
        """The Chinese message for a driver error (``translate_db_error``); while the start-up
        check is running or has failed, a damaged page met by a read is reported as the check
        reports it (``DamagedDatabaseError``, which offers the backups)."""
        user = translate_db_error(exc)
        if user is not None and self._check is not None and is_damage(exc):
            try:
                self.wait_checked()
            except UserError as found:
                return found
        return user

    # --- engine ---------------------------------------------------------------------

    @property
    def key(self) -> str | None:
        """The passphrase of an encrypted file (None for a plain one); never log it."""
        return self._key

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, made (and SQLAlchemy imported) on first use."""
        if self._engine is None:
            self._engine = self._make_engine(self._echo)
        return self._engine

    @property
    def session_factory(self) -> sessionmaker[Session]:
        if self._session_factory is None:
            from sqlalchemy.orm import sessionmaker

            self._session_factory = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        return self._session_factory

    @contextmanager
    def raw_read(self) -> Iterator[Any]:
        """A DB-API connection for plain-SQL reads (``execute(sql, params)``), in one read
        transaction. Before the engine exists, a plain file is read through its own short-lived
        read-only sqlite3 connection, so the first screen needs no SQLAlchemy at all."""
        if self._engine is None and self._key is None and self.path.is_file():
            conn = media.connect_readonly(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                conn.execute("PRAGMA query_only = ON")
                conn.execute("BEGIN")
                yield conn
            except sqlite3.Error as exc:
                raise self.user_error(exc) or exc from exc
            finally:
                conn.close()
            return
        with self.read() as uow:
            yield uow.session.connection().connection.driver_connection

    def _make_engine(self, echo: bool) -> Engine:
        from sqlalchemy import create_engine, event

        engine: Engine
        if self._key is not None:
            first, self._first_connection = self._first_connection, None
            engine = cipher.engine(
                self.path,
                self._key,
                readonly=self.readonly,
                first=first,
                timeout=BUSY_TIMEOUT_MS / 1000,
                echo=echo,
            )
        else:
            url = f"sqlite:///{self.path.as_posix()}"
            if self.readonly:  # mode=ro, and immutable on read-only media (storage.media)
                path = self.path

                def read_only() -> sqlite3.Connection:
                    timeout = BUSY_TIMEOUT_MS / 1000
                    return media.connect_readonly(path, timeout=timeout, check_same_thread=False)

                engine = create_engine(url, echo=echo, creator=read_only)
            else:
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
        if self._check is not None and self._check_started:  # its connection must go with the rest
            self._check[0].join()
        if self._engine is None:  # never used for more than plain reads
            open_files.discard(self)
            return
        if not self.readonly:
            # Keep the query planner's statistics current (cheap; SQLite decides what to analyse).
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA optimize")
            except driver_errors():
                pass
        self.engine.dispose()
        open_files.discard(self)

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
        #: (id, hash) of the newest audit entry when the write transaction began: what it
        #: writes is sealed after it at commit
        self._audit_start: tuple[int, str | None] = (0, None)
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        if self.write and self.db.readonly:
            raise UserError("数据库以只读方式打开，不能保存修改。")
        if self.write:
            self.db.wait_checked()
        from sqlalchemy import event

        self.session = self.db.session_factory()
        event.listen(self.session, "before_flush", self._before_flush)
        event.listen(self.session, "after_flush", self._after_flush)
        try:
            conn = self.session.connection(execution_options={"wsjc_write": self.write})
            if self.write:  # inside BEGIN IMMEDIATE: no other writer adds entries until commit
                self._audit_start = health.last_audit_entry(conn.connection.driver_connection)
        except driver_errors() as exc:
            self.session.close()
            raise self.db.user_error(exc) or exc from exc
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
        if isinstance(exc, driver_errors()):
            user = self.db.user_error(exc)
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
        from wsjc_desktop.domain.models import AuditEntry

        self._audit.append(
            AuditEntry(
                member_id=self.db.member_id,
                actor=self.db.actor,
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
            self._seal_audit()
            self.session.commit()
        except driver_errors() as exc:
            self.session.rollback()
            raise self.db.user_error(exc) or exc from exc
        self._committed = True

    def _seal_audit(self) -> None:
        """Chain every audit entry this transaction wrote (the ORM's and any inserted in bulk)."""
        after_id, previous = self._audit_start
        conn = self.session.connection().connection.driver_connection
        health.seal_audit_entries(conn, after_id, previous)

    # --- session hooks ----------------------------------------------------------------

    def _before_flush(self, session: Session, _ctx: Any, _instances: Any) -> None:
        from wsjc_desktop.domain.models import AuditEntry, Record, now

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
        from sqlalchemy import inspect
        from sqlalchemy.orm.attributes import get_history

        from wsjc_desktop.domain.models import Record, column_values

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
        from wsjc_desktop.domain.models import AuditEntry

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
        before, after = _without_secrets(before), _without_secrets(after)
        self._audit.append(
            AuditEntry(
                member_id=self.db.member_id,
                actor=self.db.actor,
                action=action,
                table_name=table,
                record_id=obj.id,
                record_uid=obj.uid,
                before=to_json(before) if before is not None else None,
                after=to_json(after) if after is not None else None,
            )
        )


def open_database(
    path: Path | str, *, readonly: bool = False, key: str | None = None, check_in_background: bool = False
) -> Database:
    """Open the database file at ``path``: created (encrypted, with ``key``) if missing or
    empty, checked and upgraded first unless read-only.

    ``check_in_background``: a plain file of the current schema is opened at once and checked
    in a background thread (``Database.prepare_check``: the caller starts it with
    ``start_check`` when it suits; a write starts it anyway); writes wait for the check, and a
    failed check is raised by the first write or by ``Database.wait_checked``. Other files
    (encrypted, older, new) are checked first as usual.

    Raises ``PassphraseError`` for an encrypted file without its key or with a wrong one,
    ``DamagedDatabaseError`` for a file that fails the integrity check (it is not written
    to: opened read-only, it can still be read), ``SchemaTooNewError`` for a file of a newer
    program and a plain ``UserError`` for anything else the user can put right.
    """
    path = Path(path)
    if not readonly:  # an interrupted restore or encryption put right first (never by a reader)
        from wsjc_desktop.storage import recovery

        recovery.recover_interrupted(path, key=key)
    exists = path.is_file() and path.stat().st_size > 0
    if readonly and not path.exists():
        raise UserError(f"数据库文件不存在：{path}")
    encrypted = cipher.is_encrypted(path)
    if encrypted and key is None:
        raise PassphraseError(cipher.MISSING_KEY)
    if exists and not encrypted and key is not None and cipher.is_plain(path):
        raise UserError(f"数据库“{path.name}”没有加密，打开它不需要口令。", field="passphrase")

    # ``migrate`` loads SQLAlchemy (and its functions Alembic): imported on the paths that need it
    if readonly:
        from wsjc_desktop.storage.migrate import current_revision, revision_of

        if key is None:
            _check_readable(path, current_revision(path))
            return Database(path, readonly=True)
        conn = _connect_encrypted(path, key, readonly=True)
        try:
            _check_readable(path, revision_of(conn, path))
        except BaseException:
            conn.close()
            raise
        return Database(path, readonly=True, key=key, connection=conn)

    if not exists:
        from wsjc_desktop.storage.migrate import ensure_schema

        if key is not None:
            cipher.check_new_passphrase(key)
        _create_private(path)
        ensure_schema(path, key=key)
        return Database(path, key=key)

    if check_in_background and key is None:
        current = quickread.connect(path)  # None unless a readable file of the current schema
        if current is not None:
            current.close()
            db = Database(path)
            db.prepare_check()
            return db

    conn = None
    if key is not None:
        conn = _connect_encrypted(path, key, readonly=False)
    try:
        checked = (
            health.check_file(path) if conn is None else health.check_connection(conn, path, encrypted=True)
        )
        if not checked.ok:
            log.warning("refused to open %s: %s (%s)", path, checked.kind, checked.detail)
            raise checked.error()
        if checked.revision != HEAD:
            from wsjc_desktop.storage.migrate import ensure_schema  # an older file: upgrade it

            ensure_schema(path, key=key)
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    db = Database(path, key=key, connection=conn)
    db.note_warning(checked.warning)
    return db


#: The mode of a new database file: its owner reads and writes it, nobody else (SQLite gives
#: the file's -wal and -shm the same mode when it creates them).
PRIVATE_FILE_MODE = 0o600


def _create_private(path: Path) -> None:
    """Create the new database file, empty, with :data:`PRIVATE_FILE_MODE` before SQLite opens it
    (SQLite would make it 0644); an empty file already there is given that mode. A folder that
    cannot be written is left to ``ensure_schema``, which reports it in its own words."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        with suppress(OSError):  # not ours to change (another owner, a file system without modes)
            os.chmod(path, PRIVATE_FILE_MODE)
        return
    except OSError:
        return
    os.close(fd)


def _check_readable(path: Path, revision: str | None) -> None:
    """A file opened read-only cannot be created or upgraded: it must hold a schema this
    program can read (an older one is read as it is)."""
    if revision is None:
        raise UserError(f"“{path.name}”是空的数据库文件（可能复制或同步未完成），没有可读取的数据。")
    if revision != HEAD and revision not in script_revisions():
        raise SchemaTooNewError(too_new_message(path.name, revision))


def _connect_encrypted(path: Path, key: str, *, readonly: bool) -> Any:
    try:
        return cipher.connect(path, key, readonly=readonly, timeout=BUSY_TIMEOUT_MS / 1000)
    except cipher.driver_errors() as exc:
        raise translate_db_error(exc) or UserError(f"无法打开数据库文件：{path}") from exc
