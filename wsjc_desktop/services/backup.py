"""Backups of the database file: made while the program runs, checked, rotated, restored.

**Where.** The backup folder is the ``folders.backup`` setting if set, else ``backups/`` beside
the database file (:func:`default_backup_dir`). Manual backups may go anywhere (a USB stick).

**Names.** ``<stem>-<YYYYMMDD>-<HHMMSS>-<reason>.db`` with reason ``manual``, ``start``,
``exit`` or ``daily`` (``-2``, ``-3`` … before ``.db`` if two fall in the same second), e.g.
``wsjc-20261122-083000-start.db`` for ``wsjc.db``. The copy is written under a hidden temporary
name and only gets its final name after it was verified, so a file with a final name is a
verified copy. The same folder also holds the copies this module does not make but lists:
``<stem>.before-upgrade-<rev>-<stamp>.db`` (made by :mod:`wsjc_desktop.storage.migrate` before a
schema upgrade) and ``<stem>-<stamp>-before-restore.db`` (the safety copy :func:`restore` makes).

**Verification** (:func:`create_backup`): ``PRAGMA integrity_check`` on the copy opened
read-only, the schema revision present, and the row count of every table equal to the live
file's, read just after the copy on a connection that was watching ``PRAGMA data_version``
from before the copy started: if anyone committed in between the copy is simply made again
(up to three times), otherwise a difference is a failed verification. A failed verification
deletes the copy and raises a Chinese :class:`UserError`; nothing half-written is left behind.

**Rotation** (:func:`rotate`, run by :func:`auto_backup` only after its new backup verified)
touches only the automatic backups (``start``, ``exit``, ``daily``) in the folder it is given:
it keeps the newest of each of the last ``keep_daily`` days that have backups and the newest of
each of the last ``keep_monthly`` months that have backups, and never the newest good backup.
Manual backups (a deliberate copy before risky work must survive that evening's exit backup),
pre-upgrade copies and before-restore safety copies are never removed automatically; neither is
anything outside that folder.

**Logging.** A backup is not a change to any record, so it is not written to the audit log
(that would itself change the file just copied); every backup, rotation and restore is logged
to the program log (``logs/wsjc.log``).

**Restoring** (:func:`restore`) replaces the database file through a
``storage.replacement.Replacement``: a kill at any step leaves the old file or the new one whole at
its name, and the next start (``recovery.recover_interrupted``) undoes or finishes the step.

**Encryption.** Every function that opens a file takes ``key`` (the passphrase); files are
copied and opened only through :mod:`wsjc_desktop.storage.backupio` and ``open_database``,
which know how to open an encrypted file. The backup of an encrypted database is encrypted
with the same key; functions given a :class:`Database` use its ``key`` unless one is passed.
:func:`encrypt_database` encrypts a database together with the plain backups made before (or
removes them), so that no plaintext copy stays behind; a listing (:attr:`BackupInfo.state`)
calls an encrypted backup it cannot check 已加密, never 完好, and marks a plain backup of an
encrypted database 未加密. Every backup is readable by its owner only (0600).

No Qt here; the backup dialog and the command line call these functions.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from wsjc_desktop.errors import UserError
from wsjc_desktop.fileio import copy_new, fsync_dir, fsync_file, refuse_special, wipe
from wsjc_desktop.paths import backup_dir_for
from wsjc_desktop.services.check import COUNTED
from wsjc_desktop.storage import recovery
from wsjc_desktop.storage.backupio import db_errors, online_backup, open_raw
from wsjc_desktop.storage.cipher import MISSING_KEY, WRONG_KEY, is_encrypted
from wsjc_desktop.storage.database import Database, open_database
from wsjc_desktop.storage.open_files import is_open_here
from wsjc_desktop.storage.replacement import Replacement, new_token

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""``progress(done, total)``: pages copied so far; ``(0, 0)`` once the copy is being verified
(no measurable progress: show a busy indicator)."""

Reason = Literal["manual", "start", "exit", "daily"]
REASONS: tuple[str, ...] = ("manual", "start", "exit", "daily")
#: Backups the program makes by itself; only these are rotated.
AUTOMATIC: frozenset[str] = frozenset({"start", "exit", "daily"})
BEFORE_RESTORE = "before-restore"
UPGRADE = "upgrade"
OTHER = "other"

REASON_LABELS = {
    "manual": "手动备份",
    "start": "启动时自动备份",
    "exit": "退出时自动备份",
    "daily": "每日自动备份",
    BEFORE_RESTORE: "恢复前的安全副本",
    UPGRADE: "升级前的副本",
    OTHER: "其他数据库文件",
}

#: The main tables whose record counts (not in the recycle bin) describe a backup.
MAIN_TABLES: dict[str, str] = dict(COUNTED)

SUFFIX = ".db"
PARTIAL_SUFFIX = ".partial"
STAMP = "%Y%m%d-%H%M%S"
#: a leftover temporary file older than this is from a crash and removed by the next backup
STALE_PARTIAL_SECONDS = 6 * 3600
#: how often a copy is made again when the file was written to while it was copied
COPY_ATTEMPTS = 3

_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<reason>manual|start|exit|daily|before-restore)"
    r"(?:-(?P<n>\d+))?\.db$"
)
_UPGRADE_NAME = re.compile(r"^(?P<stem>.+)\.before-upgrade-(?P<rev>.+)-(?P<stamp>\d{8}-\d{6})\.[^.]+$")


class BackupBusyError(UserError):
    """The file was written to during every copy attempt: try again when it is quieter."""


@dataclass(frozen=True)
class BackupInfo:
    """One backup file. ``verified``: it passed the check made when this was read (full for a
    backup just made or :func:`newest_good_backup`, light for :func:`list_backups`)."""

    path: Path
    created: datetime
    reason: str
    size: int
    counts: dict[str, int] = field(default_factory=dict)
    verified: bool = False
    problem: str | None = None
    revision: str | None = None
    #: the file is encrypted (SQLCipher); it is checked only with the passphrase
    encrypted: bool = False
    #: the database is encrypted: a plain backup of it is plaintext left behind
    should_be_encrypted: bool = False

    @property
    def state(self) -> str:
        """What a listing says about the file: 完好, 完好（已加密）, 已加密（…）, 未加密 or the problem."""
        if self.encrypted and not self.verified and self.problem == MISSING_KEY:
            return "已加密（需要口令才能校验）"
        if self.encrypted and not self.verified and self.problem == WRONG_KEY:
            return "已加密（口令不符，可能是修改口令之前的备份）"
        if not self.verified:
            return f"有问题：{self.problem}"
        if self.encrypted:
            return "完好（已加密）"
        if self.should_be_encrypted:
            return "完好（未加密：数据库已加密，这份备份却是明文）"
        return "完好"

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)

    @property
    def automatic(self) -> bool:
        return self.reason in AUTOMATIC


@dataclass(frozen=True)
class Verification:
    """The result of checking one backup file (read-only)."""

    ok: bool
    problem: str | None
    counts: dict[str, int]  # main tables: records not in the recycle bin
    revision: str | None
    created: datetime | None
    rows: dict[str, int] = field(default_factory=dict, repr=False)  # every table: all rows


@dataclass(frozen=True)
class _Named:
    """What a file's name says about it."""

    path: Path
    stem: str
    created: datetime
    reason: str
    seq: int = 0

    @property
    def order(self) -> tuple[datetime, int, str]:
        return (self.created, self.seq, self.path.name)


# --- names and folders -------------------------------------------------------------------


def backup_name(stem: str, created: datetime, reason: str, seq: int = 0) -> str:
    extra = f"-{seq}" if seq > 1 else ""
    return f"{stem}-{created.strftime(STAMP)}-{reason}{extra}{SUFFIX}"


def _parse(path: Path) -> _Named | None:
    match = _NAME.match(path.name)
    if match is not None:
        created = _stamp(match["stamp"])
        if created is not None:
            seq = int(match["n"]) if match["n"] else 0
            return _Named(path, match["stem"], created, match["reason"], seq)
        return None
    match = _UPGRADE_NAME.match(path.name)
    if match is not None:
        created = _stamp(match["stamp"])
        if created is not None:
            return _Named(path, match["stem"], created, UPGRADE)
    return None


def _stamp(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, STAMP)
    except ValueError:
        return None


def _setting_in_file(db_path: Path, key: str | None) -> str:
    """``folders.backup`` read straight from a (closed) database file; "" if unreadable."""
    if not db_path.is_file():
        return ""
    from wsjc_desktop.storage.quickread import stored_setting

    try:
        with closing(open_raw(db_path, key)) as con:
            value = stored_setting(con, "folders.backup")
    except _open_errors():
        return ""
    except (TypeError, ValueError):
        return ""
    return value if isinstance(value, str) else ""


def default_backup_dir(db: Database | Path, key: str | None = None) -> Path:
    """The setting ``folders.backup`` if set, else ``backups/`` beside the database file (the
    folder that already receives the pre-upgrade copies; they are listed, never rotated).

    ``db`` is an open database, or the path of a closed one (its setting is read from the file
    if it can be; a damaged file falls back to the folder beside it)."""
    if isinstance(db, Database):
        from wsjc_desktop.services import settings

        db_path = db.path
        try:
            value = str(settings.get(db, "folders.backup") or "")
        except UserError:
            value = ""
    else:
        db_path = Path(db)
        value = _setting_in_file(db_path, key)
    return _folder_of(db_path, value)


def _folder_of(db_path: Path, setting: str) -> Path:
    """The backup folder the setting ``folders.backup`` names (relative: beside the database)."""
    value = setting.strip()
    if value:
        folder = Path(value).expanduser()
        return folder if folder.is_absolute() else db_path.parent / folder
    return backup_dir_for(db_path)


def _errno_text(exc: OSError) -> str:
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM):
        return "没有写入权限"
    if code == errno.ENOSPC:
        return "磁盘空间已满"
    if code == errno.EROFS:
        return "磁盘或文件夹是只读的"
    if code in (errno.ENOTDIR, errno.EEXIST):
        return "该路径不是文件夹"
    if code == errno.ENOENT:
        return "路径不存在"
    if code == errno.EFBIG:
        return "文件超过了允许的大小"
    return exc.strerror or type(exc).__name__


def _sqlite_text(exc: BaseException) -> str:
    text = str(exc).lower()
    if "full" in text:
        return "磁盘空间已满"
    if "i/o" in text:
        return "读写磁盘时出错（磁盘可能已满、已拔出或已损坏）"
    if "unable to open" in text:
        return "无法在该文件夹中创建文件（没有写入权限或路径不存在）"
    if "readonly" in text or "read-only" in text:
        return "磁盘或文件夹是只读的"
    if "locked" in text or "busy" in text:
        return "数据库正被另一程序占用"
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return "数据库文件已损坏"
    return str(exc)


def _open_errors() -> tuple[type[Exception], ...]:
    """What opening a file raises when it cannot be read: a driver error, or a UserError (an
    encrypted file without its key or with a wrong one, a damaged or foreign file)."""
    return (UserError, *db_errors())


def _prepare_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"无法使用备份文件夹“{folder}”：{_errno_text(exc)}。") from exc
    if not folder.is_dir():
        raise UserError(f"无法使用备份文件夹“{folder}”：该路径不是文件夹。")


def _side_files(path: Path) -> list[Path]:
    return [Path(f"{path}{end}") for end in ("-wal", "-shm", "-journal")]


def _remove(path: Path) -> None:
    for one in (path, *_side_files(path)):
        with suppress(OSError):
            one.unlink(missing_ok=True)


def _remove_stale_partials(folder: Path, now: float) -> None:
    try:
        leftovers = [p for p in folder.iterdir() if p.name.endswith(PARTIAL_SUFFIX)]
    except OSError:
        return
    for path in leftovers:
        with suppress(OSError):
            if now - path.stat().st_mtime > STALE_PARTIAL_SECONDS:
                log.info("removing a backup left half-written: %s", path)
                _remove(path)


def _free_name(folder: Path, stem: str, created: datetime, reason: str) -> Path:
    seq = 0
    while True:
        target = folder / backup_name(stem, created, reason, seq)
        if not target.exists():
            return target
        seq = max(seq, 1) + 1


# --- reading a file ------------------------------------------------------------------------


@contextmanager
def _reading(path: Path, key: str | None) -> Iterator[sqlite3.Connection]:
    """``path`` opened read-only. A backup of a WAL-mode file makes SQLite create empty -wal and
    -shm files beside it when read; those it created are removed again afterwards (never use
    this on a live database file, whose -shm another program may be using)."""
    before = {side: side.exists() for side in _side_files(path)}
    con = open_raw(path, key)
    try:
        yield con
    finally:
        con.close()
        for side, existed in before.items():
            if existed or not side.exists():
                continue
            with suppress(OSError):
                if side.name.endswith("-wal") and side.stat().st_size:
                    continue  # never throw away log content (none is ever written read-only)
                side.unlink()


def _tables(con: sqlite3.Connection) -> list[str]:
    return [
        str(r[0])
        for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
        )
    ]


def _row_counts(con: sqlite3.Connection) -> dict[str, int]:
    """Every ordinary table's number of rows (virtual tables are views of others)."""
    return {t: int(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in _tables(con)}


def _main_counts(con: sqlite3.Connection) -> dict[str, int]:
    present = set(_tables(con))
    counts: dict[str, int] = {}
    for table in MAIN_TABLES:
        if table in present:
            (n,) = con.execute(f'SELECT count(*) FROM "{table}" WHERE deleted_at IS NULL').fetchone()
            counts[table] = int(n)
    return counts


def _revision(con: sqlite3.Connection) -> str | None:
    if "alembic_version" not in _tables(con):
        return None
    row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row and row[0] else None


def _created(path: Path) -> datetime | None:
    named = _parse(path)
    if named is not None:
        return named.created
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
    except OSError:
        return None


def _inspect(path: Path, key: str | None, *, integrity: Literal["full", "quick", "none"]) -> Verification:
    """Open ``path`` read-only and check it; never raises for a damaged or foreign file."""
    created = _created(path)
    if not path.is_file():
        return Verification(False, "备份文件不存在。", {}, None, created)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return Verification(False, f"无法读取备份文件：{_errno_text(exc)}。", {}, None, created)
    if size == 0:
        return Verification(False, "备份文件是空的。", {}, None, created)
    revision: str | None = None
    try:
        with _reading(path, key) as con:
            if integrity != "none":
                pragma = "integrity_check" if integrity == "full" else "quick_check"
                rows = [str(r[0]) for r in con.execute(f"PRAGMA {pragma}")]
                if rows != ["ok"]:
                    detail = "；".join(rows[:3])
                    return Verification(False, f"完整性检查未通过：{detail}", {}, None, created)
            revision = _revision(con)
            if revision is None:
                return Verification(False, "不是本程序的数据库文件（缺少结构版本）。", {}, None, created)
            counts = _main_counts(con)
            all_rows = _row_counts(con) if integrity != "none" else {}
    except UserError as exc:  # an encrypted file without its key, or with a wrong one
        return Verification(False, exc.message, {}, revision, created)
    except db_errors() as exc:
        return Verification(False, f"无法读取：{_sqlite_text(exc)}。", {}, revision, created)
    except OSError as exc:
        return Verification(False, f"无法读取备份文件：{_errno_text(exc)}。", {}, revision, created)
    return Verification(True, None, counts, revision, created, all_rows)


def verify_backup(path: Path | str, key: str | None = None) -> Verification:
    """The full check of one backup file, read-only: ``PRAGMA integrity_check``, the schema
    revision present, and its record counts. Never raises for a damaged file (``ok`` False and
    ``problem`` in Chinese)."""
    return _inspect(Path(path), key, integrity="full")


def _info(
    path: Path, ver: Verification, reason: str | None = None, *, should_be_encrypted: bool = False
) -> BackupInfo:
    named = _parse(path)
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if named is not None:
        created = named.created
    else:
        created = ver.created or _created(path) or datetime.fromtimestamp(0)
    return BackupInfo(
        path=path,
        created=created,
        reason=reason or (named.reason if named else OTHER),
        size=size,
        counts=dict(ver.counts),
        verified=ver.ok,
        problem=ver.problem,
        revision=ver.revision,
        encrypted=is_encrypted(path),
        should_be_encrypted=should_be_encrypted,
    )


def _candidates(folder: Path, stem: str | None = None) -> list[Path]:
    """The database files in ``folder`` (ours by name, and any other ``*.db``)."""
    try:
        paths = [p for p in folder.iterdir() if p.is_file()]
    except OSError:
        return []
    out = []
    for path in paths:
        named = _parse(path)
        if named is None and path.suffix.lower() != SUFFIX:
            continue
        if stem is not None and (named is None or named.stem != stem):
            continue
        out.append(path)
    return out


def _newest_first(paths: Iterable[Path]) -> list[Path]:
    def order(path: Path) -> tuple[datetime, int, str]:
        named = _parse(path)
        if named is not None:
            return named.order
        return (_created(path) or datetime.fromtimestamp(0), 0, path.name)

    return sorted(paths, key=order, reverse=True)


def list_backups(
    dest_dir: Path | str,
    *,
    key: str | None = None,
    stem: str | None = None,
    thorough: bool = False,
    encrypted: bool | None = None,
) -> list[BackupInfo]:
    """Every backup in ``dest_dir``, newest first, each opened read-only for its counts and
    schema revision (``thorough``: also ``PRAGMA quick_check``). A damaged or foreign file is
    listed with ``verified`` False and its ``problem``; nothing here raises for one. ``stem``
    keeps only the backups of the database of that file name (``wsjc`` for ``wsjc.db``).

    An encrypted backup is checked with ``key``; without it, it is listed as encrypted and not
    checked (``BackupInfo.state``: 已加密…, never 完好). ``encrypted`` says whether the database
    itself is encrypted (default: whether ``key`` is given): its plain backups are then marked."""
    folder = Path(dest_dir)
    secret = key is not None if encrypted is None else encrypted
    return [
        _info(
            path, _inspect(path, key, integrity="quick" if thorough else "none"), should_be_encrypted=secret
        )
        for path in _newest_first(_candidates(folder, stem))
    ]


def newest_good_backup(
    dest_dir: Path | str, key: str | None = None, *, stem: str | None = None
) -> BackupInfo | None:
    """The newest backup in ``dest_dir`` that passes the full check (:func:`verify_backup`)."""
    for path in _newest_first(_candidates(Path(dest_dir), stem)):
        ver = verify_backup(path, key)
        if ver.ok:
            return _info(path, ver)
    return None


# --- making a backup -------------------------------------------------------------------------


def _live_rows(con: sqlite3.Connection) -> dict[str, int]:
    """Row counts of the live file in one read transaction."""
    con.execute("BEGIN")
    try:
        return _row_counts(con)
    finally:
        con.execute("COMMIT")


def _data_version(con: sqlite3.Connection) -> int:
    return int(con.execute("PRAGMA data_version").fetchone()[0])


def _differences(copy: dict[str, int], live: dict[str, int]) -> str:
    names = sorted(set(copy) | set(live))
    diffs = [f"{t} {copy.get(t, '无')}/{live.get(t, '无')}" for t in names if copy.get(t) != live.get(t)]
    return "、".join(diffs[:5])


def _copy_and_verify(db: Database, partial: Path, key: str | None, progress: Progress | None) -> Verification:
    """Copy ``db`` into ``partial`` and verify it against the live file; raise UserError (the
    caller removes ``partial``) if it does not verify."""
    watcher = db.engine.raw_connection()  # sees every commit made by anyone while we copy
    try:
        con: Any = watcher.driver_connection
        for _attempt in range(COPY_ATTEMPTS):
            version = _data_version(con)
            online_backup(db, partial, progress)
            if progress is not None:
                progress(0, 0)
            ver = _inspect(partial, key, integrity="full")
            if not ver.ok:
                raise UserError(f"备份校验未通过，已删除这份备份：{ver.problem}")
            live = _live_rows(con)
            if ver.rows == live:
                return ver
            if _data_version(con) == version:  # nobody wrote, yet the copy differs
                diff = _differences(ver.rows, live)
                raise UserError(f"备份校验未通过（记录数与数据库不一致：{diff}），已删除这份备份。")
            log.info("database written to while it was copied; copying again")
            _remove(partial)
        raise BackupBusyError("数据库在备份期间一直有新的写入，未能得到一致的备份。请稍后再试。")
    finally:
        watcher.close()


def create_backup(
    db: Database,
    dest_dir: Path | str | None = None,
    *,
    reason: Reason = "manual",
    progress: Progress | None = None,
    now: datetime | None = None,
    key: str | None = None,
) -> BackupInfo:
    """Copy the open database into ``dest_dir`` (default: :func:`default_backup_dir`) while it
    stays in use, verify the copy and give it its final name; return what was made.

    Raises UserError (in Chinese) if the folder cannot be written, the disk fills up or the
    copy does not verify; in every such case no file is left behind. Does not rotate."""
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    key = key if key is not None else db.key
    folder = Path(dest_dir).expanduser() if dest_dir is not None else default_backup_dir(db)
    created = (now or datetime.now()).replace(microsecond=0)
    started = time.perf_counter()
    _prepare_folder(folder)
    _remove_stale_partials(folder, time.time())
    final = _free_name(folder, db.path.stem, created, reason)
    partial = folder / f".{final.name}.{secrets.token_hex(4)}{PARTIAL_SUFFIX}"
    try:
        ver = _copy_and_verify(db, partial, key, progress)
        fsync_file(partial)
        if final.exists():  # taken meanwhile by another program backing up the same second
            final = _free_name(folder, db.path.stem, created, reason)
        os.replace(partial, final)
        fsync_dir(folder)
    except db_errors() as exc:
        raise UserError(f"备份未完成：{_sqlite_text(exc)}。没有留下不完整的备份文件。") from exc
    except OSError as exc:
        raise UserError(f"备份未完成：{_errno_text(exc)}。没有留下不完整的备份文件。") from exc
    finally:
        _remove(partial)
    info = _info(final, ver, reason)
    log.info(
        "backup (%s) written and verified in %.2f s: %s, %d bytes, counts %s",
        reason,
        time.perf_counter() - started,
        final,
        info.size,
        info.counts,
    )
    return info


# --- rotation --------------------------------------------------------------------------------


def _survivors(entries: list[_Named], today: date, keep_daily: int, keep_monthly: int) -> set[Path]:
    """Rotation's rule on one database's automatic backups."""
    keep = {e.path for e in entries if e.created.date() > today}  # a clock once set wrong: not ours to judge
    newest_of_day: dict[date, _Named] = {}
    newest_of_month: dict[tuple[int, int], _Named] = {}
    for entry in entries:
        day = entry.created.date()
        if day > today:
            continue
        if day not in newest_of_day or entry.order > newest_of_day[day].order:
            newest_of_day[day] = entry
        month = (day.year, day.month)
        if month not in newest_of_month or entry.order > newest_of_month[month].order:
            newest_of_month[month] = entry
    for day in sorted(newest_of_day, reverse=True)[: max(keep_daily, 0)]:
        keep.add(newest_of_day[day].path)
    for month in sorted(newest_of_month, reverse=True)[: max(keep_monthly, 0)]:
        keep.add(newest_of_month[month].path)
    return keep


def rotate(
    dest_dir: Path | str,
    *,
    today: date,
    keep_daily: int = 30,
    keep_monthly: int = 12,
    key: str | None = None,
    stem: str | None = None,
    protect: Path | None = None,
) -> list[Path]:
    """Remove the automatic backups in ``dest_dir`` that the rule no longer keeps; return them.

    Kept: the newest of each of the last ``keep_daily`` days that have backups, the newest of
    each of the last ``keep_monthly`` months that have backups, anything dated after ``today``,
    and the newest good backup (``protect`` if given, e.g. the backup just made and verified;
    otherwise found by checking the newest files until one passes). Each database (file stem)
    is rotated on its own; ``stem`` limits rotation to one. Manual backups, pre-upgrade and
    before-restore copies are never removed."""
    folder = Path(dest_dir)
    groups: dict[str, list[_Named]] = {}
    for path in _candidates(folder, stem):
        named = _parse(path)
        if named is not None and named.reason in AUTOMATIC:
            groups.setdefault(named.stem, []).append(named)
    removed: list[Path] = []
    for group_stem, entries in sorted(groups.items()):
        keep = _survivors(entries, today, keep_daily, keep_monthly)
        doomed = [e.path for e in entries if e.path not in keep]
        if not doomed:
            continue
        if protect is not None and any(e.path == protect for e in entries):
            guard: Path | None = protect
        else:
            guard = _newest_good_path(folder, group_stem, key)
        for path in doomed:
            if guard is not None and path == guard:
                continue
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:  # e.g. open in another program on Windows: next time
                log.warning("could not remove old backup %s: %s", path, exc)
                continue
            _remove(path)  # any side files
            removed.append(path)
    if removed:
        log.info("rotated away %d old backups in %s: %s", len(removed), folder, [p.name for p in removed])
    return removed


def _newest_good_path(folder: Path, stem: str, key: str | None) -> Path | None:
    good = newest_good_backup(folder, key, stem=stem)
    return good.path if good is not None else None


# --- automatic backups -------------------------------------------------------------------------


def _todays_backup(folder: Path, stem: str, today: date, key: str | None) -> Path | None:
    """A backup of today in ``folder`` (only verified copies get a final name) that still opens."""
    todays = []
    for path in _candidates(folder, stem):
        named = _parse(path)
        if named is not None and named.reason in REASONS and named.created.date() == today:
            todays.append(path)
    for path in _newest_first(todays):
        if _inspect(path, key, integrity="none").ok:
            return path
    return None


def auto_backup(
    db: Database,
    reason: Literal["start", "exit"],
    now: datetime | None = None,
    dest_dir: Path | str | None = None,
    *,
    key: str | None = None,
    keep_daily: int = 30,
    keep_monthly: int = 12,
) -> BackupInfo | None:
    """The program's own backups: at start at most once per calendar day (nothing if a backup
    from today is already in the folder), at exit always; then rotation of the folder.

    Returns the backup made, or None. Raises UserError if it could not be made (then nothing
    was rotated); a rotation that fails only logs."""
    if reason not in ("start", "exit"):
        raise ValueError(f"not an automatic backup reason: {reason!r}")
    key = key if key is not None else db.key
    moment = (now or datetime.now()).replace(microsecond=0)
    folder = Path(dest_dir).expanduser() if dest_dir is not None else default_backup_dir(db)
    stem = db.path.stem
    if reason == "start" and folder.is_dir():
        existing = _todays_backup(folder, stem, moment.date(), key)
        if existing is not None:
            log.info("start: today's backup already made (%s)", existing.name)
            return None
    info = create_backup(db, folder, reason=reason, now=moment, key=key)
    try:
        rotate(
            folder,
            today=moment.date(),
            keep_daily=keep_daily,
            keep_monthly=keep_monthly,
            key=key,
            stem=stem,
            protect=info.path,
        )
    except OSError:
        log.exception("rotating backups in %s failed", folder)
    return info


# --- restoring ----------------------------------------------------------------------------------


def _safety_names(db_path: Path, folder: Path, moment: datetime, token: str) -> tuple[Path, Path]:
    """The safety copy's final name and the partial file it is written under."""
    target = _free_name(folder, db_path.stem, moment, BEFORE_RESTORE)
    return target, folder / f".{target.name}.{token}{PARTIAL_SUFFIX}"


def _safety_copy(db_path: Path, target: Path, partial: Path, key: str | None) -> bool:
    """The current file copied to ``target`` before it is replaced: through SQLite when it opens
    (so what is still in its -wal is included; returns True), else its bytes as they are, and
    its logs beside them (False)."""
    try:
        try:
            current: Database | None = open_database(db_path, readonly=True, key=key)
        except _open_errors() as exc:
            log.warning("current file %s does not open (%s); copying its bytes as they are", db_path, exc)
            current = None
        if current is not None:
            try:
                online_backup(current, partial)
            except db_errors() as exc:
                log.warning("current file %s does not copy (%s); copying its bytes", db_path, exc)
                _remove(partial)
                current.dispose()
                current = None
            else:
                current.dispose()
        logs = []
        if current is None:
            copy_new(db_path, partial)
            for end in ("-wal", "-journal"):
                log_file = Path(f"{db_path}{end}")
                if log_file.is_file() and log_file.stat().st_size:
                    copy_new(log_file, Path(f"{partial}{end}"))
                    logs.append(end)
        fsync_file(partial)
        os.replace(partial, target)
        for end in logs:
            os.replace(Path(f"{partial}{end}"), Path(f"{target}{end}"))
        fsync_dir(target.parent)
    except db_errors() as exc:
        _remove(partial)
        raise UserError(f"无法为当前数据库做恢复前的安全副本：{_sqlite_text(exc)}。未做任何修改。") from exc
    except OSError as exc:
        _remove(partial)
        raise UserError(f"无法为当前数据库做恢复前的安全副本：{_errno_text(exc)}。未做任何修改。") from exc
    return current is not None


def _fold_log(db_path: Path, key: str | None) -> bool:
    """Write what the file's log still holds (a ``-wal``, a hot ``-journal``) into the file and
    leave it in rollback-journal mode with no side files, so that the file alone is complete
    while it is being replaced. False if it does not open (damaged, foreign, another key): its
    logs are then moved aside by the replacement. Raises UserError if another program has it open.
    """
    if not any(side.exists() for side in _side_files(db_path)):
        return True
    from wsjc_desktop.storage import cipher

    try:
        if cipher.is_encrypted(db_path):
            if key is None:
                return False
            con: Any = cipher.connect(db_path, key, timeout=2.0)
        else:
            con = sqlite3.connect(db_path, timeout=2.0)
        try:
            con.isolation_level = None
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # a hot journal rolled back
            mode = str(con.execute("PRAGMA journal_mode = DELETE").fetchone()[0]).lower()
        finally:
            con.close()
    except UserError:  # a key that does not open it
        return False
    except db_errors() as exc:
        if _sqlite_text(exc) == "数据库正被另一程序占用":
            raise UserError(IN_USE_RESTORE) from exc
        log.warning("could not fold the log of %s into it before replacing it: %s", db_path, exc)
        return False
    if mode != "delete":
        raise UserError(IN_USE_RESTORE)
    return not any(side.exists() for side in _side_files(db_path) if not side.name.endswith("-shm"))


IN_USE_RESTORE = "数据库文件正被其他程序使用，无法恢复。请关闭其他程序后重试。"


def _renew_identity(copy: Path, key: str | None) -> None:
    """The restored copy becomes a new replica of its group before it takes the database's
    place (``sync_schema.renew_identity``): its changes from now on can never be mistaken by
    the other PCs for ones they have, and they send again what the backup lacks."""
    from wsjc_desktop.storage import cipher, sync_schema

    con: Any = (
        cipher.connect(copy, key) if key is not None and cipher.is_encrypted(copy) else sqlite3.connect(copy)
    )
    try:
        con.isolation_level = None
        con.execute("BEGIN IMMEDIATE")
        sync_schema.renew_identity(con)
        con.execute("COMMIT")
    finally:
        con.close()


def restore(
    backup_path: Path | str,
    db_path: Path | str,
    *,
    key: str | None = None,
    now: datetime | None = None,
    safety_dir: Path | str | None = None,
) -> Path | None:
    """Replace the database file at ``db_path`` with the backup at ``backup_path``.

    The database must be closed by the caller first (every engine disposed; the window closes
    and reopens it around this call) and no other program may have it open (the caller holds
    the writer lock). In order:

    1. the backup is verified (:func:`verify_backup`); a bad one, or one written by a newer
       program, is refused with a Chinese UserError and nothing is touched;
    2. a safety copy of the current file (if there is one) is made in ``safety_dir`` (default:
       the backup folder of ``db_path``) as ``<stem>-<stamp>-before-restore.db``;
    3. the backup's bytes are written to a temporary file beside the database and flushed;
    4. what the current file's log still holds is written into the file (so that the file alone
       is complete), and the temporary file takes its name in one rename
       (``replacement.Replacement``): a kill at any step leaves the old or the new file whole at
       ``db_path``, and the next start undoes or finishes the step.

    Returns the safety copy (None if there was no current file)."""
    backup_path = Path(backup_path).expanduser()
    db_path = Path(db_path).expanduser()
    moment = (now or datetime.now()).replace(microsecond=0)
    if db_path.exists() and backup_path.exists() and backup_path.resolve() == db_path.resolve():
        raise UserError("所选文件就是当前数据库本身，不能用它恢复。")
    refuse_special(db_path)  # before anything: a rename would replace the device itself
    ver = verify_backup(backup_path, key)
    if not ver.ok:
        raise UserError(f"备份“{backup_path.name}”有问题，不能用来恢复：{ver.problem}")
    from wsjc_desktop.storage.migrate import script_revisions

    if ver.revision not in script_revisions():
        raise UserError(
            f"备份“{backup_path.name}”由更新版本的程序创建（结构版本 {ver.revision}），"
            "本程序无法使用它。请升级程序后再恢复。"
        )
    wal = Path(f"{backup_path}-wal")
    if wal.is_file() and wal.stat().st_size:
        raise UserError(
            f"备份“{backup_path.name}”旁有尚未写入它的日志文件（{wal.name}，可能是在程序运行时复制的）。"
            "请先用本程序打开该文件一次，再用它恢复。"
        )
    if is_open_here(db_path):
        raise UserError(IN_USE_RESTORE)

    token = new_token()
    partial = db_path.with_name(f".{db_path.name}.restore-{token}{PARTIAL_SUFFIX}")
    safety_names: tuple[Path, Path] | None = None
    if db_path.exists():
        folder = Path(safety_dir).expanduser() if safety_dir is not None else default_backup_dir(db_path, key)
        _prepare_folder(folder)
        safety_names = _safety_names(db_path, folder, moment, token)
    else:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    extra = [] if safety_names is None else [safety_names[1]]  # with its side files
    replacement = Replacement(db_path, "restore", new=partial, token=token, extra=extra, move_logs=True)
    safety: Path | None = None
    try:
        replacement.prepare()
        opens = False
        if safety_names is not None:
            opens = _safety_copy(db_path, *safety_names, key)
            safety = safety_names[0]
            log.info("safety copy of %s before restoring: %s", db_path, safety)
        copy_new(backup_path, partial)
        if partial.stat().st_size != backup_path.stat().st_size:
            raise UserError("复制备份文件时出错（大小不一致），未做任何修改。")
        _renew_identity(partial, key)
        if opens:  # a file that does not open is not touched: its logs are moved aside instead
            _fold_log(db_path, key)
        replacement.commit()
    except BaseException as exc:
        replacement.abandon()
        if isinstance(exc, PermissionError):
            raise UserError(IN_USE_RESTORE) from exc
        if isinstance(exc, OSError):
            raise UserError(f"恢复未完成：{_errno_text(exc)}。当前数据库没有被替换。") from exc
        raise
    log.info(
        "restored %s from %s (backup of %s, counts %s); safety copy %s",
        db_path,
        backup_path,
        ver.created,
        ver.counts,
        safety,
    )
    return safety


# --- encrypting a database with its backups ---------------------------------------------------


@dataclass(frozen=True)
class EncryptionResult:
    """What :func:`encrypt_database` did with the database's plain backups (or
    :func:`change_database_passphrase` with its backups under the old passphrase: ``converted``
    are those moved to the new one)."""

    path: Path
    backup_dir: Path
    converted: tuple[Path, ...] = ()
    removed: tuple[Path, ...] = ()
    #: plain backups that could not be encrypted (damaged, in use), with the reason; still plain
    failed: dict[Path, str] = field(default_factory=dict)


def _let_go(db_path: Path) -> None:
    """Open the (closed, plain) file for writing and close it: the last connection to close
    folds the log in and deletes the -wal and -shm a reader left (reading the backup folder's
    setting leaves them), so that the conversion finds the file alone."""
    if not any(side.exists() for side in _side_files(db_path)):
        return
    try:
        with closing(sqlite3.connect(db_path, timeout=2.0)) as con:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:  # damaged, or in use: the conversion says which
        log.warning("could not fold the log of %s before encrypting it: %s", db_path, exc)


def _partials_of(folder: Path, stem: str) -> list[Path]:
    """The hidden partial files of backups of ``stem`` (and their side files) in ``folder``."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [folder / n for n in sorted(names) if n.startswith(f".{stem}-") and PARTIAL_SUFFIX in n]


def plain_backups(folder: Path | str, stem: str) -> list[Path]:
    """The backups of the database ``stem`` in ``folder`` that are not encrypted (made before
    it was, or copies of a damaged file)."""
    return _newest_first(p for p in _candidates(Path(folder), stem) if not is_encrypted(p))


def encrypt_database(
    db_path: Path | str,
    passphrase: str,
    *,
    backups: Literal["convert", "remove"] = "convert",
    backup_dir: Path | str | None = None,
) -> EncryptionResult:
    """Encrypt the plain database at ``db_path`` in place (``crypto.encrypt_existing``), then
    its plain backups in ``backup_dir`` (default: :func:`default_backup_dir`): each encrypted
    with the same passphrase (``convert``, the default), or overwritten and deleted
    (``remove``: only after the user has confirmed it). The plain originals are overwritten
    with zeros. The database must be closed, the caller holding its writer lock.

    The backups to follow are listed beside the database before it is encrypted
    (``recovery.write_pending``), so that a kill at any step is finished by the next start:
    at once for ``remove``; for ``convert`` once the database is opened with the passphrase.
    A backup that cannot be encrypted (damaged) stays as it is and is named in ``failed``;
    ``list_backups`` marks it 未加密.
    """
    from wsjc_desktop.storage import crypto

    db_path = Path(db_path)
    if backups not in ("convert", "remove"):
        raise ValueError(f"unknown choice for the backups: {backups!r}")
    crypto.check_new_passphrase(passphrase)
    recovery.recover_interrupted(db_path)
    if crypto.is_encrypted(db_path):
        raise UserError(f"“{db_path.name}”已经是加密的数据库。")
    folder = Path(backup_dir).expanduser() if backup_dir is not None else default_backup_dir(db_path)
    _let_go(db_path)
    for partial in _partials_of(folder, db_path.stem):  # a copy killed half-way: plaintext too
        log.info("removing a backup left half-written before encrypting: %s", partial)
        wipe(partial)
    files = plain_backups(folder, db_path.stem)
    if files:
        recovery.write_pending(db_path, folder, files, backups)
    try:
        crypto.encrypt_existing(db_path, passphrase)
    except BaseException:
        if files and not crypto.is_encrypted(db_path):
            recovery.pending_path(db_path).unlink(missing_ok=True)
        raise
    pending = recovery.run_pending(db_path, passphrase) if files else None
    if pending is None:
        return EncryptionResult(db_path, folder)
    log.info(
        "encrypted %s and its backups in %s: %d encrypted, %d removed, %d failed",
        db_path,
        folder,
        len(pending.converted),
        len(pending.removed),
        len(pending.failed),
    )
    return EncryptionResult(
        db_path, folder, tuple(pending.converted), tuple(pending.removed), dict(pending.failed)
    )


def change_database_passphrase(
    db_path: Path | str, old: str, new: str, *, backup_dir: Path | str | None = None
) -> EncryptionResult:
    """Re-encrypt the encrypted database at ``db_path`` under ``new`` (``crypto.change_passphrase``),
    then move its backups under ``old`` in ``backup_dir`` (default: :func:`default_backup_dir`)
    to ``new`` too, so that the old passphrase opens none of them (``converted``). The database
    must be closed, the caller holding its writer lock.

    The backups to follow are listed beside the database first (``recovery.write_pending``): a
    kill at any step leaves each file whole under one of the two passphrases, and the next start
    with the passphrase that opens the database names any backup still under the old one (which
    it does not know: those are left as they are, restorable with the old passphrase). A backup
    that cannot be re-encrypted is named in ``failed``; ``list_backups`` marks it 口令不符.
    """
    from wsjc_desktop.storage import crypto

    db_path = Path(db_path)
    crypto.check_new_passphrase(new)
    recovery.recover_interrupted(db_path, key=old)
    if not crypto.is_encrypted(db_path):
        raise UserError(f"“{db_path.name}”不是加密的数据库。")
    from wsjc_desktop.storage.quickread import stored_setting

    # a wrong passphrase is refused before anything is listed; opened for writing, so that
    # closing it leaves no -shm beside the file (a read-only one would, and stop the change)
    with closing(crypto.connect(db_path, old)) as con:
        try:
            setting = stored_setting(con, "folders.backup") if backup_dir is None else None
        except ValueError:  # not JSON: as if not set (default_backup_dir does the same)
            setting = None
    if backup_dir is not None:
        folder = Path(backup_dir).expanduser()
    else:
        folder = _folder_of(db_path, setting if isinstance(setting, str) else "")
    files = [p for p in _newest_first(_candidates(folder, db_path.stem)) if _opens_with(p, old)]
    if files:
        recovery.write_pending(db_path, folder, files, "rekey")
    try:
        crypto.change_passphrase(db_path, old, new)
    except Exception:  # refused or failed: the change was undone, the backups need nothing
        if files:
            recovery.pending_path(db_path).unlink(missing_ok=True)
        raise
    pending = recovery.run_pending(db_path, new, old) if files else None
    if pending is None:
        return EncryptionResult(db_path, folder)
    log.info(
        "changed the passphrase of %s and of its backups in %s: %d moved, %d failed",
        db_path,
        folder,
        len(pending.converted),
        len(pending.failed),
    )
    return EncryptionResult(db_path, folder, tuple(pending.converted), (), dict(pending.failed))


def _opens_with(path: Path, key: str) -> bool:
    """``path`` is an encrypted database that ``key`` opens."""
    from wsjc_desktop.storage import crypto

    if not crypto.is_encrypted(path):
        return False
    try:
        crypto.check_key(path, key)
    except Exception:  # a wrong passphrase, a damaged file: not one to move
        return False
    return True


def current_counts(db: Database) -> dict[str, int]:
    """The open database's record counts (main tables, not in the recycle bin), as a backup's
    are counted: for showing beside a backup's before restoring it."""
    raw = db.engine.raw_connection()
    try:
        con: Any = raw.driver_connection
        return _main_counts(con)
    finally:
        raw.close()


def describe_counts(counts: dict[str, int]) -> str:
    """``监督单位 6，监察对象 300，…`` for messages."""
    return "，".join(f"{MAIN_TABLES.get(t, t)} {n}" for t, n in counts.items())


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB" if size else "0 KB"
