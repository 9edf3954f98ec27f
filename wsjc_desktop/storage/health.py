"""The start-up check of a database file: is it whole, is it ours, can this program open it.

``check_file`` runs SQLite's ``PRAGMA quick_check`` (every page and B-tree is read and its
structure verified; indexes are not compared with their tables, which ``integrity_check``
would add at several times the cost) and reads the schema version. It never writes.
``open_database`` runs it before opening a file for writing and refuses a damaged file
with ``DamagedDatabaseError``, so nothing is ever written into a damaged file.

Time it takes (page cache warm, 2-CPU virtual machine), measured on copies of
``demo --scale N`` files; ``tests/storage/test_health.py::test_check_time_on_the_scale_100_demo``
prints the scale-100 figure on a copy of ``benchmarks/data/demo-scale100.db``:

    file                        plain        encrypted (incl. ~0.1 s key derivation)
    scale 1 (2.7 MB, a year)    ~10 ms       ~120 ms
    scale 10 (25 MB)            ~60 ms       ~280 ms
    scale 100 (262 MB)          0.6–1.1 s    ~1.9 s

The check reads through SQLite's own I/O, not a memory map: on a failing disk a bad sector
is then an error reported as damage, not a crash of the program.

A file of the current schema also has its audit log verified (:func:`check_audit_log`): every
entry's hash, chained to the one before it, and the triggers that keep the log append-only.
That is one pass over ``audit_entries`` hashing each entry (~10 µs an entry on the same machine
under load: 200,000 entries, years of heavy use, in 2–3 s; the scale-100 demo has 2 entries);
``tests/storage/test_audit_chain.py`` prints both figures.
What it finds is a ``Health.warning``, not a failure: the file opens and the program keeps
working, and the user is told. This module also holds the chain itself (:func:`entry_hash`,
:func:`seal_audit_entries`, :data:`AUDIT_TRIGGERS`), so the writers (the unit of work,
migration 0004) and the check share one definition; like the rest of the module it needs only
the standard library (the check runs behind the first screen, before SQLAlchemy is loaded).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from wsjc_desktop.errors import SchemaTooNewError, UserError
from wsjc_desktop.storage import cipher, media
from wsjc_desktop.storage.revision import HEAD, script_revisions

#: problem rows of a failed check kept in ``Health.detail``
DETAIL_ROWS = 10


class HealthKind(StrEnum):
    OK = "ok"
    MISSING = "missing"
    NEEDS_KEY = "needs_key"
    WRONG_KEY = "wrong_key"
    DAMAGED = "damaged"
    FOREIGN = "foreign"
    TOO_NEW = "too_new"
    #: could not be read for a reason outside the file (permissions, a full or failing disk,
    #: a lock): not damage, so no backup is offered
    UNAVAILABLE = "unavailable"


class DamagedDatabaseError(UserError):
    """The file failed the integrity check: it is not opened for writing."""

    def __init__(self, message: str, health: Health | None = None) -> None:
        super().__init__(message)
        self.health = health


@dataclass(frozen=True)
class Health:
    """The outcome of ``check_file``: ``problem`` is for the user, ``detail`` for the log."""

    ok: bool
    problem: str = ""
    detail: str = ""
    kind: HealthKind = HealthKind.OK
    #: the schema revision (None: a new, empty database)
    revision: str | None = None
    encrypted: bool = False
    seconds: float = 0.0
    #: a problem that does not stop the file being used (the audit log tampered with), for the
    #: user; empty when there is none
    warning: str = ""

    @property
    def damaged(self) -> bool:
        """A backup is the way out (as opposed to a passphrase or a newer program)."""
        return self.kind is HealthKind.DAMAGED

    def error(self) -> UserError:
        """The exception to raise for this outcome (a ``UserError`` of the fitting kind)."""
        if self.kind is HealthKind.DAMAGED:
            return DamagedDatabaseError(self.problem, self)
        if self.kind is HealthKind.TOO_NEW:
            return SchemaTooNewError(self.problem)
        if self.kind in (HealthKind.NEEDS_KEY, HealthKind.WRONG_KEY):
            return cipher.PassphraseError(self.problem)
        return UserError(self.problem)


def damaged_message(name: str) -> str:
    return (
        f"数据库文件已损坏（完整性检查未通过）：“{name}”。"
        "为防止损坏扩大，本程序不会写入这个文件，请从备份恢复。"
    )


def not_a_database_message(name: str) -> str:
    return f"数据库文件已损坏或不是本程序的数据库文件：“{name}”。"


def too_new_message(name: str, revision: str) -> str:
    return f"数据库“{name}”由更新版本的程序创建（结构版本 {revision}），本程序无法打开。请升级程序后再试。"


def foreign_message(name: str) -> str:
    return f"“{name}”不是本程序的数据库文件（缺少版本信息）。"


def check_file(path: Path | str, key: str | None = None) -> Health:
    """Check the file at ``path`` (read-only; ``key`` for an encrypted file)."""
    path = Path(path)
    started = time.perf_counter()
    if not path.is_file():
        return Health(False, f"数据库文件不存在：{path}", str(path), HealthKind.MISSING)
    if path.stat().st_size == 0:
        return Health(True, seconds=time.perf_counter() - started)  # a new database
    encrypted = cipher.is_encrypted(path)
    conn: Any
    if encrypted:
        if key is None:
            return Health(False, cipher.MISSING_KEY, "", HealthKind.NEEDS_KEY, encrypted=True)
        try:
            conn = cipher.connect(path, key, readonly=True)
        except cipher.PassphraseError as exc:
            return Health(False, exc.message, "", HealthKind.WRONG_KEY, encrypted=True)
        except cipher.driver_errors() as exc:
            return _broken(path, exc, encrypted=True)
    else:
        try:
            conn = media.connect_readonly(path)
        except UserError as exc:  # on read-only media with a log beside it
            return Health(False, exc.message, "", HealthKind.UNAVAILABLE)
        except sqlite3.Error as exc:
            return _broken(path, exc, encrypted=False)
    try:
        health = check_connection(conn, path, encrypted=encrypted)
    finally:
        conn.close()
    return _timed(health, started)


def check_connection(conn: Any, path: Path, *, encrypted: bool = False) -> Health:
    """``check_file`` on a connection already open (and keyed) on ``path``; it only reads."""
    started = time.perf_counter()
    errors = cipher.driver_errors() if encrypted else (sqlite3.Error,)
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
    except errors as exc:
        return _broken(path, exc, encrypted=encrypted)
    if rows != ["ok"]:
        detail = "; ".join(rows[:DETAIL_ROWS])
        return Health(False, damaged_message(path.name), detail, HealthKind.DAMAGED, encrypted=encrypted)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision: str | None = None
        if "alembic_version" in names:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = str(row[0]) if row else None
    except errors as exc:
        return _broken(path, exc, encrypted=encrypted)
    if "alembic_version" not in names and names:
        tables = ", ".join(sorted(names)[:20])
        return Health(False, foreign_message(path.name), tables, HealthKind.FOREIGN, encrypted=encrypted)
    # script_revisions reads the scripts (it imports Alembic): only for a file not at HEAD, rare
    if revision is not None and revision != HEAD and revision not in script_revisions():
        problem = too_new_message(path.name, revision)
        return Health(False, problem, f"revision {revision}", HealthKind.TOO_NEW, revision, encrypted)
    warning = ""
    if revision == HEAD:  # an older file has no chain yet: its upgrade makes one
        try:
            warning = "\n".join(check_audit_log(conn).problems)
        except errors as exc:  # damage, or text that is not UTF-8 written into an entry
            broken = _broken(path, exc, encrypted=encrypted)
            if broken.kind is HealthKind.DAMAGED:
                return broken
            warning = audit_unreadable_message(exc)
    return _timed(Health(True, revision=revision, encrypted=encrypted, warning=warning), started)


#: SQLite's words for a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB)
DAMAGE_MARKERS = ("malformed", "corrupt", "not a database", "file is encrypted")


def _broken(path: Path, exc: BaseException, *, encrypted: bool) -> Health:
    """The check could not read the file: damage, or a reason outside the file."""
    text = str(exc)
    lowered = text.lower()
    detail = f"{type(exc).__name__}: {text}"
    if any(marker in lowered for marker in DAMAGE_MARKERS):
        if "not a database" in lowered or "file is encrypted" in lowered:
            problem = not_a_database_message(path.name)
        else:
            problem = damaged_message(path.name)
        return Health(False, problem, detail, HealthKind.DAMAGED, encrypted=encrypted)
    return Health(
        False, unavailable_message(path, lowered), detail, HealthKind.UNAVAILABLE, encrypted=encrypted
    )


def unavailable_message(path: Path, lowered: str) -> str:
    """Why a healthy file may not be readable just now, in words the user can act on."""
    if "locked" in lowered or "busy" in lowered:
        return "数据库正被另一程序或另一台电脑使用，请稍后再试。"
    if "full" in lowered or "i/o" in lowered or "no space" in lowered:
        return (
            f"无法读写数据库文件“{path.name}”：可能是磁盘空间已满，或磁盘、网络驱动器出现故障。"
            "请检查磁盘后重试。"
        )
    if "unable to open" in lowered or "readonly" in lowered or "permission" in lowered or "access" in lowered:
        return (
            f"无法打开数据库文件“{path.name}”：文件或所在文件夹可能是只读的，或没有访问权限。"
            f"文件位置：{path.parent}"
        )
    return f"无法读取数据库文件“{path.name}”，请检查文件和磁盘后重试。"


def read_error(path: Path, exc: BaseException) -> UserError:
    """The error to raise when reading ``path`` failed with a driver error ``exc``."""
    return _broken(path, exc, encrypted=False).error()


def _timed(health: Health, started: float) -> Health:
    return replace(health, seconds=time.perf_counter() - started)


# --- the audit log's chain ------------------------------------------------------------------
#
# Every entry of ``audit_entries`` stores ``chain_hash``: the SHA-256 (hex) of the previous
# entry's hash and its own content (:data:`CHAIN_COLUMNS`, as stored). An entry edited, inserted
# or deleted behind the program's back no longer matches: its own hash, or the next entry's,
# is wrong. (Deleting the newest entries, or rewriting every hash from the first changed entry
# on, leaves a consistent chain: the chain is a check, not a signature.) Two triggers
# (:data:`AUDIT_TRIGGERS`) refuse any change or deletion in the file itself; the check reports
# either trigger missing or altered.
#
# Entries are inserted without a hash and sealed, in id order, before their transaction commits
# (``UnitOfWork.commit`` calls :func:`seal_audit_entries` for everything written in it, whoever
# wrote it: the ORM or a bulk insert); migration 0004 sealed the entries already in a file. The
# update trigger allows exactly that: setting the hash of an entry that has none, nothing else.

#: The columns of an entry its hash covers, in this order, after the previous entry's hash.
CHAIN_COLUMNS = (
    "id",
    "at",
    "member_id",
    "actor",
    "action",
    "table_name",
    "record_id",
    "record_uid",
    "summary",
    "before",
    "after",
)
#: The entry's other columns: none may change either.
_UNHASHED_COLUMNS = ("uid", "created_at", "updated_at", "created_by_id", "updated_by_id", "deleted_at")
#: The first thing hashed: a later way of hashing would be told apart by it.
CHAIN_VERSION = "wsjc-audit-1"
#: The triggers' error: the program's own tests look for "append-only".
APPEND_ONLY_MESSAGE = "audit_entries is append-only: 审计日志只能追加，不能修改或删除"

_ANY_CHANGE = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in (*CHAIN_COLUMNS, *_UNHASHED_COLUMNS))

#: name -> the statement creating it, as migration 0004 runs it and the check expects it. A
#: revision that adds a column to ``audit_entries`` adds it here and recreates the triggers.
AUDIT_TRIGGERS: dict[str, str] = {
    "audit_entries_no_update": (
        "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
        f"WHEN OLD.chain_hash IS NOT NULL OR NEW.chain_hash IS NULL OR {_ANY_CHANGE} "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    ),
    "audit_entries_no_delete": (
        "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    ),
}

_CHAIN_SELECT = "SELECT " + ", ".join(f'"{c}"' for c in CHAIN_COLUMNS) + ", chain_hash FROM audit_entries"
#: Entries read and sealed per statement by :func:`seal_audit_entries` (memory stays flat).
SEAL_BATCH = 2000


def _stored_blob(value: Any) -> Any:
    if isinstance(value, bytes):  # a BLOB written into an entry by hand: hashed, never equal to text
        return {"blob": value.hex()}
    raise TypeError(type(value).__name__)


_encode = json.JSONEncoder(
    ensure_ascii=False, check_circular=False, separators=(",", ":"), default=_stored_blob
).encode


def entry_hash(previous: str | None, values: Sequence[Any]) -> str:
    """The hash of an entry whose :data:`CHAIN_COLUMNS` hold ``values`` (as stored: the driver's
    str, int, None) after an entry whose hash is ``previous`` (None for the first entry)."""
    text = _encode([CHAIN_VERSION, previous or "", *values])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def last_audit_entry(conn: Any) -> tuple[int, str | None]:
    """(id, hash) of the newest entry on a DB-API connection; (0, None) when there is none."""
    row = conn.execute("SELECT id, chain_hash FROM audit_entries ORDER BY id DESC LIMIT 1").fetchone()
    return (0, None) if row is None else (int(row[0]), row[1])


def seal_audit_entries(conn: Any, after_id: int, previous: str | None) -> int:
    """Give every entry newer than ``after_id`` its hash, in id order, the first chained to
    ``previous`` (the hash of entry ``after_id``; None when there is none). ``conn`` is a
    DB-API connection inside the writing transaction. Returns how many entries were sealed.

    The one place hashes are computed for writing: the unit of work seals what its transaction
    wrote, migration 0004 every entry of an older file."""
    sealed = 0
    while True:
        rows = conn.execute(
            f"{_CHAIN_SELECT} WHERE id > ? ORDER BY id LIMIT {SEAL_BATCH}", (after_id,)
        ).fetchall()
        if not rows:
            return sealed
        updates: list[tuple[str, int]] = []
        for row in rows:
            values, stored = row[:-1], row[-1]
            previous = entry_hash(previous, values)
            if stored is None:
                updates.append((previous, values[0]))
            elif stored != previous:  # pragma: no cover - a writer that hashes on its own
                raise RuntimeError(f"audit entry {values[0]} was written with a wrong hash")
        conn.executemany("UPDATE audit_entries SET chain_hash = ? WHERE id = ?", updates)
        sealed += len(updates)
        after_id = rows[-1][0]


@dataclass(frozen=True)
class AuditLogCheck:
    """What :func:`check_audit_log` found: ``problems`` is for the user (empty: all is well)."""

    entries: int
    #: entries whose hash does not match (edited, or the one after a deletion)
    mismatched: int = 0
    #: the first of them: id, time as stored, what seems to have happened
    first_id: int | None = None
    first_at: str = ""
    first_reason: str = ""
    missing_triggers: tuple[str, ...] = ()
    altered_triggers: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not (self.mismatched or self.missing_triggers or self.altered_triggers)

    @property
    def problems(self) -> list[str]:
        out: list[str] = []
        if self.mismatched:
            more = f"，共有 {self.mismatched} 条校验不符" if self.mismatched > 1 else ""
            out.append(
                f"审计日志可能被篡改：第一处是编号 {self.first_id} 的记录（{self.first_at[:19]}），"
                f"{self.first_reason}{more}。"
            )
        if self.missing_triggers:
            out.append(
                f"审计日志的防篡改保护已被移除（缺少触发器 {'、'.join(self.missing_triggers)}），"
                "日志可被修改或删除而不被阻止。"
            )
        if self.altered_triggers:
            names = "、".join(self.altered_triggers)
            out.append(
                f"审计日志的防篡改保护被改动（触发器 {names} 与本程序的定义不同），"
                "日志可能被修改或删除而不被阻止。"
            )
        return out


def _normalised(sql: str | None) -> str:
    """SQL text with its white space made single (SQLite keeps a CREATE statement as typed)."""
    return " ".join((sql or "").split())


def check_audit_log(conn: Any) -> AuditLogCheck:
    """Verify the audit log on a DB-API connection to a file of the current schema (read-only):
    every entry's hash against its content and the previous entry's stored hash, so that each
    entry edited is found, and the one after a deletion; and the two triggers. One pass in id
    order, streamed."""
    found = {
        str(name): str(sql)
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entries'"
        )
    }
    missing = tuple(name for name in AUDIT_TRIGGERS if name not in found)
    altered = tuple(
        name
        for name, sql in AUDIT_TRIGGERS.items()
        if name in found and _normalised(found[name]) != _normalised(sql)
    )
    entries = mismatched = 0
    first: tuple[int, str, str] | None = None
    previous: str | None = None
    previous_id = 0
    for row in conn.execute(f"{_CHAIN_SELECT} ORDER BY id"):
        entries += 1
        entry_id, stored = row[0], row[-1]
        if entry_hash(previous, row[:-1]) != stored:
            mismatched += 1
            if first is None:
                first = (entry_id, str(row[1] or ""), _reason(entry_id, previous_id, stored))
        previous, previous_id = stored, entry_id
    if first is None:
        return AuditLogCheck(entries, missing_triggers=missing, altered_triggers=altered)
    return AuditLogCheck(entries, mismatched, *first, missing_triggers=missing, altered_triggers=altered)


def _reason(entry_id: Any, previous_id: int, stored: Any) -> str:
    """What probably happened to the first entry that does not match, in Chinese."""
    if stored is None:
        return "没有校验值（不是由本程序写入的）"
    if isinstance(entry_id, int) and entry_id > previous_id + 1:
        gap = f"{previous_id + 1}" if entry_id == previous_id + 2 else f"{previous_id + 1}–{entry_id - 1}"
        return f"它之前编号为 {gap} 的记录已缺失（可能被删除）"
    return "内容与校验值不符（可能被修改）"


def audit_unreadable_message(exc: BaseException) -> str:
    return f"审计日志无法完整读取，可能被篡改：{exc}"
