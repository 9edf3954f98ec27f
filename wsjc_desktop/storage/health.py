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
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from wsjc_desktop.errors import SchemaTooNewError, UserError
from wsjc_desktop.storage import cipher
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
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
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
    return _timed(Health(True, revision=revision, encrypted=encrypted), started)


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
