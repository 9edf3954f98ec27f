"""One writer at a time: a lock file beside the database (``wsjc.db`` → ``wsjc.db.lock``).

SQLite's own locking keeps single transactions apart, but on a shared folder (SMB) its byte-range
locks are not to be trusted, and two people editing the same records at once would overwrite each
other's work anyway. So the program that opens the file for writing first leaves a note beside it:
who (member name), on which computer, which process, since when, and a heartbeat it renews every
minute. A second program finds the note and offers to open the file read-only.

Only plain file operations are used, so it works the same on Windows, Linux and a network share:

* the lock file is created with ``O_CREAT | O_EXCL`` (one creator wins, also over SMB);
* every change to an existing lock file (heartbeat, member name, release, clearing a stale lock)
  happens while holding a short-lived guard file (``wsjc.db.lock.guard``, also created with
  ``O_EXCL`` and held for milliseconds), so a program clearing a stale lock can never remove a
  lock that another program has just created;
* a stale lock is renamed to a unique name, checked to be the one judged stale, deleted and only
  then is a new one created with ``O_EXCL``: two programs starting together cannot both win.

A lock is stale when its program is gone: on the same computer, when its process is no longer
running (or the process id now belongs to another process, told apart by its start time); on
another computer, when its heartbeat is older than :data:`STALE_AFTER`; and always when the file
is not valid JSON (the program died while writing it).

Lock and guard files are created readable by their owner only (0600): they name who works on
which computer. A program without a timer (a command-line command) keeps its heartbeat going
with :meth:`WriterLock.keep_alive`. No Qt here.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import json
import logging
import os
import platform
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from wsjc_desktop import __version__
from wsjc_desktop.errors import UserError

log = logging.getLogger(__name__)

LOCK_SUFFIX = ".lock"
GUARD_SUFFIX = ".guard"
#: A lock from another computer whose heartbeat is older than this is stale.
STALE_AFTER = timedelta(minutes=10)
#: How often the holder should call :meth:`WriterLock.refresh` (the UI uses a one-minute timer).
HEARTBEAT_EVERY = timedelta(minutes=1)
#: A lock whose heartbeat is older than this looks abandoned (the user may take it over).
SUSPECT_AFTER = timedelta(minutes=3)
#: A guard file unchanged for this long belongs to a program that died while holding it.
GUARD_STALE_SECONDS = 3.0
#: Give up waiting for the guard after this long (someone keeps it busy; should never happen).
GUARD_TIMEOUT_SECONDS = 30.0
#: Tries at creating the lock file (each after clearing a stale one, or waiting on Windows).
ACQUIRE_ATTEMPTS = 20
FORMAT = 1

T = TypeVar("T")


# --- errors -----------------------------------------------------------------------------


class LockHeld(UserError):
    """Another program holds the writer lock; ``info`` says who, where and since when."""

    def __init__(self, info: LockInfo, message: str | None = None) -> None:
        super().__init__(message or held_message(info))
        self.info = info


class LockLost(UserError):
    """Our lock was cleared by another program (it judged it stale) or taken over by a user.

    ``info`` is the lock now in place (None if there is none). The program should stop writing:
    reopen the database read-only or try :func:`acquire` again.
    """

    def __init__(self, info: LockInfo | None) -> None:
        who = held_message(info, readonly_hint=False) if info is not None else "锁文件已被删除。"
        super().__init__("本程序的写入锁已被解除，为避免两处同时修改，请重新打开数据库。" + who)
        self.info = info


class LockUnavailable(UserError):
    """The lock file cannot be created or read (read-only folder, network error)."""


# --- what a lock file says --------------------------------------------------------------


@dataclass(frozen=True)
class LockInfo:
    """The contents of a lock file. ``valid`` is False for a file that is not a whole lock
    (the program died while writing it); then only ``path``, ``modified`` and ``raw`` are set."""

    member: str = ""
    host: str = ""
    pid: int = 0
    started: str | None = None  # the process's start marker (start time as the system reports it)
    since: datetime | None = None
    heartbeat: datetime | None = None
    version: str = ""
    token: str = ""  # unique per lock: tells our lock from one created after it
    user: str = ""  # the operating-system account
    path: Path | None = None
    modified: datetime | None = None  # the file's modification time
    valid: bool = True
    raw: bytes = b""

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "program": "WSJC Desktop",
            "member": self.member,
            "host": self.host,
            "user": self.user,
            "pid": self.pid,
            "started": self.started,
            "since": _iso(self.since),
            "heartbeat": _iso(self.heartbeat),
            "version": self.version,
            "token": self.token,
        }
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    @classmethod
    def from_bytes(
        cls, raw: bytes, *, path: Path | None = None, modified: datetime | None = None
    ) -> LockInfo:
        """Parse a lock file's bytes; anything unreadable gives ``valid=False``."""
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not an object")
            since = _parse_time(data["since"])
            heartbeat = _parse_time(data["heartbeat"])
            pid = data["pid"]
            host, token = data["host"], data["token"]
            if not (isinstance(pid, int) and isinstance(host, str) and host and isinstance(token, str)):
                raise ValueError("bad pid, host or token")
            started = data.get("started")
            return cls(
                member=str(data.get("member") or ""),
                host=host,
                pid=pid,
                started=str(started) if started else None,
                since=since,
                heartbeat=heartbeat,
                version=str(data.get("version") or ""),
                token=token,
                user=str(data.get("user") or ""),
                path=path,
                modified=modified,
                valid=True,
                raw=raw,
            )
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return cls(path=path, modified=modified, valid=False, raw=raw)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("not a time")
    return _aware(datetime.fromisoformat(value))


def _aware(value: datetime | None) -> datetime:
    """A timezone-aware time; a naive one is taken as local time, None as now."""
    if value is None:
        return datetime.now().astimezone()
    return value if value.tzinfo is not None else value.astimezone()


def format_when(value: datetime | None, now: datetime | None = None) -> str:
    """11月22日 08:30 in local time (with the year when it is not this year)."""
    if value is None:
        return "未知"
    local = _aware(value).astimezone()
    year = _aware(now).astimezone().year
    day = (
        f"{local.month}月{local.day}日"
        if local.year == year
        else f"{local.year}年{local.month}月{local.day}日"
    )
    return f"{day} {local:%H:%M}"


def held_message(info: LockInfo, *, now: datetime | None = None, readonly_hint: bool = True) -> str:
    """数据库正由 王芳 在 计算机 PC-01 上使用（自 11月22日 08:30 起）。可以只读方式打开。"""
    where = f"在 计算机 {info.host or '（未知）'} 上使用（自 {format_when(info.since, now)} 起）。"
    text = f"数据库正由 {info.member} {where}" if info.member else f"数据库正{where}"
    return text + ("可以只读方式打开。" if readonly_hint else "")


# --- this computer and its processes ----------------------------------------------------


def current_host() -> str:
    """This computer's name (no network connection is made)."""
    return socket.gethostname() or platform.node() or "unknown"


def same_host(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def current_user() -> str:
    """The operating-system account this program runs as ("" if the system gives none)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service environments
        return ""


@cache
def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _linux_process(pid: int) -> tuple[bool, str | None] | None:
    try:
        data = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False, None
    except OSError:
        return None
    fields = data[data.rindex(")") + 2 :].split()
    if fields[0] in ("Z", "X", "x"):  # a zombie has finished; only its exit status is left
        return False, None
    return True, f"{_boot_id()}:{fields[19]}"  # field 22 of stat: start time in clock ticks after boot


def _posix_process(pid: int) -> tuple[bool, str | None]:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False, None
    except PermissionError:
        pass  # it exists but belongs to another user
    except OSError:
        return False, None
    try:  # macOS and the BSDs: the start time as ps shows it
        out = subprocess.run(
            ["ps", "-o", "lstart=", "-p", str(pid)], capture_output=True, text=True, timeout=5, check=False
        )
        marker = out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        marker = ""
    return True, marker or None


if sys.platform == "win32":
    import ctypes
    from ctypes import wintypes

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _kernel32.OpenProcess.argtypes = [wintypes.DWORD, wintypes.BOOL, wintypes.DWORD]
    _kernel32.OpenProcess.restype = wintypes.HANDLE
    _kernel32.GetExitCodeProcess.argtypes = [wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD)]
    _kernel32.GetExitCodeProcess.restype = wintypes.BOOL
    _kernel32.GetProcessTimes.argtypes = [wintypes.HANDLE, *([ctypes.POINTER(wintypes.FILETIME)] * 4)]
    _kernel32.GetProcessTimes.restype = wintypes.BOOL
    _kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    _kernel32.CloseHandle.restype = wintypes.BOOL
    _QUERY_LIMITED_INFORMATION = 0x1000
    _STILL_ACTIVE = 259
    _ACCESS_DENIED = 5

    def _windows_process(pid: int) -> tuple[bool, str | None]:
        handle = _kernel32.OpenProcess(_QUERY_LIMITED_INFORMATION, False, pid)
        if not handle:
            # access denied: it exists (another user's); anything else: no such process
            return ctypes.get_last_error() == _ACCESS_DENIED, None
        try:
            code = wintypes.DWORD()
            if _kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) and code.value != _STILL_ACTIVE:
                return False, None
            times = [wintypes.FILETIME() for _ in range(4)]
            if not _kernel32.GetProcessTimes(handle, *(ctypes.byref(t) for t in times)):
                return True, None
            created = times[0]
            return True, str((created.dwHighDateTime << 32) | created.dwLowDateTime)
        finally:
            _kernel32.CloseHandle(handle)


def process_state(pid: int) -> tuple[bool, str | None]:
    """(running, start marker) for a process id on this computer; the marker is None if unknown."""
    if pid <= 0:
        return False, None
    if sys.platform == "win32":
        return _windows_process(pid)
    if sys.platform.startswith("linux"):
        found = _linux_process(pid)
        if found is not None:
            return found
    return _posix_process(pid)


@cache
def _marker_of(pid: int) -> str | None:
    return process_state(pid)[1]


def own_marker() -> str | None:
    """This process's start marker (as another program would read it from the system)."""
    return _marker_of(os.getpid())


# --- judging a lock ---------------------------------------------------------------------


def last_sign_of_life(info: LockInfo, now: datetime | None = None) -> datetime | None:
    """The later of the heartbeat and the file's modification time, ignoring a time that lies
    well in the future (a computer whose clock is wrong); None if neither can be trusted.

    The file time helps when the other computer's clock is behind: the file server stamps it."""
    limit = _aware(now) + STALE_AFTER
    seen = [t for t in (info.heartbeat, info.modified) if t is not None and _aware(t) <= limit]
    return max((_aware(t) for t in seen), default=None)


def idle_for(info: LockInfo, now: datetime | None = None) -> timedelta | None:
    """How long ago the lock's program last showed it was alive (never negative)."""
    last = last_sign_of_life(info, now)
    if last is None:
        return None
    return max(_aware(now) - last, timedelta(0))


def is_stale(info: LockInfo, *, now: datetime | None = None, this_host: str | None = None) -> bool:
    """True when the program that made the lock is certainly gone, so the lock may be cleared.

    * not a whole lock file (died while writing it): stale;
    * this computer: stale when the process is not running, or the process id now belongs to a
      different process (its start marker differs);
    * another computer: stale when its heartbeat is older than :data:`STALE_AFTER`.
    """
    if not info.valid:
        return True
    host = this_host if this_host is not None else current_host()
    if same_host(info.host, host):
        running, marker = process_state(info.pid)
        if not running:
            return True
        return bool(info.started and marker and info.started != marker)
    idle = idle_for(info, now)
    return idle is not None and idle > STALE_AFTER


def looks_stale(info: LockInfo, *, now: datetime | None = None, this_host: str | None = None) -> bool:
    """Stale, or silent for longer than :data:`SUSPECT_AFTER` (several heartbeats missed: the
    program may have hung or the computer lost the network). The user may then take it over."""
    if is_stale(info, now=now, this_host=this_host):
        return True
    idle = idle_for(info, now)
    return idle is not None and idle > SUSPECT_AFTER


# --- file operations --------------------------------------------------------------------


def lock_path(db_path: Path | str) -> Path:
    path = Path(db_path)
    return path.with_name(path.name + LOCK_SUFFIX)


def _retry(action: Callable[[], T], *, seconds: float = 1.0) -> T:
    """Run ``action``, retrying briefly on PermissionError: on Windows a file that another
    program has open at that moment cannot be replaced or deleted."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return action()
        except PermissionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return _retry(path.read_bytes)
    except FileNotFoundError:
        return None


def _modified(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except OSError:
        return None


def read_lock(db_path: Path | str) -> LockInfo | None:
    """The lock beside the database, or None if there is none."""
    path = lock_path(db_path)
    raw = _read_bytes(path)
    if raw is None:
        return None
    return LockInfo.from_bytes(raw, path=path, modified=_modified(path))


def holder(db_path: Path | str, *, now: datetime | None = None) -> LockInfo | None:
    """The lock of a program writing to the database now; None if there is none or it is stale.

    A lock file that exists but cannot be read (another account's, on a shared folder) counts
    as held: it is returned with ``valid`` False."""
    path = lock_path(db_path)
    try:
        info = read_lock(db_path)
    except OSError:
        return LockInfo(path=path, modified=_modified(path), valid=False)
    if info is None or is_stale(info, now=now):
        return None
    return info


#: Lock and guard files are readable by their owner only: they name who works where.
FILE_MODE = 0o600


def _create_exclusive(path: Path, payload: bytes) -> None:
    """Create ``path`` (readable by its owner only) holding ``payload``; FileExistsError if it
    exists (also on a share)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, FILE_MODE)
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    os.close(fd)


def _replace_contents(path: Path, payload: bytes, token: str) -> None:
    """Write ``payload`` over ``path`` at once (readers see the old or the new file, never half)."""
    tmp = path.with_name(f"{path.name}.{token[:12]}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()  # left by a program that died halfway: made anew, with our mode
    _create_exclusive(tmp, payload)
    try:
        _retry(lambda: os.replace(tmp, path))
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


#: How old a lock's temporary or set-aside file must be before the next holder removes it: a
#: live program keeps one for milliseconds.
LEFTOVER_SECONDS = 60


def _sweep(path: Path, now: float) -> None:
    """Remove what programs killed while changing the lock left beside it: ``<lock>.<token>.tmp``
    (a heartbeat half-written) and ``<lock>.stale-<hex>`` (a stale lock set aside). They hold
    names (member, computer, user), and nothing else would ever remove them."""
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        if not name.startswith(f"{path.name}.") or not (name.endswith(".tmp") or ".stale-" in name):
            continue
        leftover = path.with_name(name)
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > LEFTOVER_SECONDS:
                leftover.unlink()
                log.info("removed a leftover of an earlier lock: %s", leftover)


def _put_back(moved: Path, path: Path) -> None:
    """Move ``moved`` back to ``path`` unless something is there already."""
    try:
        os.link(moved, path)  # fails if ``path`` exists
        moved.unlink()
        return
    except FileExistsError:
        log.warning("could not put %s back: %s exists again", moved.name, path.name)
        moved.unlink()
        return
    except OSError:
        pass  # no hard links here (some shares, FAT)
    if not path.exists():
        os.rename(moved, path)  # Windows: fails if it exists; elsewhere a tiny window remains
    else:
        moved.unlink()


def _remove_if_unchanged(path: Path, expected: bytes) -> bool:
    """Rename ``path`` to a unique name; delete it if it still held ``expected``, else put it back."""
    moved = path.with_name(f"{path.name}.stale-{uuid.uuid4().hex[:12]}")
    try:
        _retry(lambda: os.rename(path, moved))
    except FileNotFoundError:
        return True
    if _read_bytes(moved) == expected:
        _retry(moved.unlink)
        return True
    _put_back(moved, path)
    return False


def _unavailable(path: Path, exc: OSError) -> LockUnavailable:
    """Why the lock file could not be made, in words the user can act on."""
    folder = path.parent
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "文件夹是只读的，或没有写入权限"
    elif exc.errno == errno.ENOSPC:
        why = "磁盘空间已满"
    elif isinstance(exc, FileNotFoundError):
        why = "文件夹不存在"
    elif isinstance(exc, NotADirectoryError):
        why = "路径中有一项不是文件夹"
    else:
        why = exc.strerror or str(exc)
    return LockUnavailable(f"无法在数据库所在的文件夹中创建锁文件（{folder}）：{why}。")


@contextlib.contextmanager
def _guard(lock: Path) -> Iterator[None]:
    """Hold ``<lock>.guard`` while changing the lock file. Held for milliseconds; one left by a
    program that died holding it is recognised by not changing for GUARD_STALE_SECONDS."""
    guard = lock.with_name(lock.name + GUARD_SUFFIX)
    mine = f"{current_host()} {os.getpid()} {uuid.uuid4().hex}".encode()
    started = time.monotonic()
    seen: bytes | None = None
    seen_at = started
    while True:
        try:
            _create_exclusive(guard, mine)
            break
        except FileExistsError:
            pass
        except PermissionError as exc:
            # Windows refuses to create a file that is being deleted at that moment: try again
            # briefly; otherwise (and always elsewhere) the folder does not allow writing
            if sys.platform == "win32" and time.monotonic() - started < 2 and not guard.exists():
                time.sleep(0.02)
                continue
            if not guard.exists():
                raise _unavailable(guard, exc) from exc
        except OSError as exc:
            raise _unavailable(guard, exc) from exc
        current = _read_bytes(guard)
        if current is None:
            continue
        clock = time.monotonic()
        if current != seen:
            seen, seen_at = current, clock
        elif clock - seen_at > GUARD_STALE_SECONDS:
            log.warning("removing an abandoned lock guard %s: %r", guard, current)
            _remove_if_unchanged(guard, current)
            seen = None
            continue
        if clock - started > GUARD_TIMEOUT_SECONDS:
            raise LockUnavailable("锁文件一直被其他程序占用，请稍后再试。")
        time.sleep(0.01)
    try:
        yield
    finally:
        try:
            if _read_bytes(guard) == mine:
                _retry(guard.unlink)
        except OSError:
            log.warning("could not remove the lock guard %s", guard, exc_info=True)


# --- holding the lock -------------------------------------------------------------------


class WriterLock:
    """The writer lock this program holds. Call :meth:`refresh` every minute and
    :meth:`release` on closing the database (or use it as a context manager)."""

    def __init__(self, db_path: Path, info: LockInfo) -> None:
        self.db_path = db_path
        self.path = lock_path(db_path)
        self.info = info
        self.released = False

    @property
    def token(self) -> str:
        return self.info.token

    def _write(self, info: LockInfo) -> None:
        """Under the guard: replace our lock file with ``info``; LockLost if it is no longer ours."""
        raw = _read_bytes(self.path)
        if raw is None:
            # someone deleted the file by hand: it is still ours to take back
            _create_exclusive(self.path, info.to_json())
        else:
            current = LockInfo.from_bytes(raw, path=self.path, modified=_modified(self.path))
            if not current.valid or current.token != self.token:
                self.released = True
                raise LockLost(current if current.valid else None)
            _replace_contents(self.path, info.to_json(), self.token)
        self.info = info

    def refresh(self, now: datetime | None = None) -> None:
        """Renew the heartbeat. Raises LockLost if another program has cleared our lock."""
        if self.released:
            return
        try:
            with _guard(self.path):
                self._write(replace(self.info, heartbeat=_aware(now)))
        except (OSError, LockUnavailable) as exc:  # a share gone for a moment: the next one tries again
            log.warning("could not renew the writer lock %s: %s", self.path, exc)

    def update_member(self, name: str, *, now: datetime | None = None) -> None:
        """Show who logged in (the lock was taken before the login)."""
        if self.released:
            return
        try:
            with _guard(self.path):
                self._write(replace(self.info, member=name, heartbeat=_aware(now)))
        except (OSError, LockUnavailable) as exc:
            log.warning("could not write the member into the writer lock %s: %s", self.path, exc)

    @contextlib.contextmanager
    def keep_alive(self, every: timedelta = HEARTBEAT_EVERY) -> Iterator[WriterLock]:
        """Renew the heartbeat every ``every`` from a background thread while the block runs:
        for a program without a timer of its own (a command-line command), so that a long
        import or restore is never taken for an abandoned lock. A lost lock is logged; the
        beating then stops."""
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(every.total_seconds()):
                try:
                    self.refresh()
                except LockLost as exc:
                    log.warning("writer lock %s lost while in use: %s", self.path, exc.message)
                    return

        thread = threading.Thread(target=beat, name="wsjc-lock-heartbeat", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join()

    def release(self) -> None:
        """Remove the lock file if it is still ours. Never raises; calling it twice is harmless."""
        if self.released:
            return
        self.released = True
        try:
            with _guard(self.path):
                raw = _read_bytes(self.path)
                if raw is None:
                    return
                current = LockInfo.from_bytes(raw)
                if current.valid and current.token == self.token:
                    _retry(self.path.unlink)
                else:
                    log.warning("writer lock %s is no longer ours; left in place", self.path)
        except (OSError, UserError):
            log.warning("could not release the writer lock %s", self.path, exc_info=True)

    def __enter__(self) -> WriterLock:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def __repr__(self) -> str:
        state = "released" if self.released else "held"
        return f"<WriterLock {self.path} {state} by {self.info.member or '-'}@{self.info.host}>"


def acquire(
    db_path: Path | str, member: str = "", *, now: datetime | None = None, take_over: LockInfo | None = None
) -> WriterLock:
    """Take the writer lock for ``db_path`` or raise LockHeld naming who has it.

    A stale lock (see :func:`is_stale`) is cleared on the way and logged. ``take_over`` is a lock
    the user chose to clear although it is not certainly stale (「解除锁定并打开」): it is cleared
    only if it is still exactly that lock, heartbeat included (so not if its program woke up).
    Raises LockUnavailable if the folder does not allow creating the file.
    """
    db = Path(db_path)
    path = lock_path(db)
    stamp = _aware(now)
    host = current_host()
    ours = LockInfo(
        member=member,
        host=host,
        pid=os.getpid(),
        started=own_marker(),
        since=stamp,
        heartbeat=stamp,
        version=__version__,
        token=uuid.uuid4().hex,
        user=current_user(),
        path=path,
    )
    try:
        with _guard(path):
            for attempt in range(ACQUIRE_ATTEMPTS):
                try:
                    _create_exclusive(path, ours.to_json())
                    log.info("writer lock taken: %s", path)
                    _sweep(path, time.time())
                    return WriterLock(db, ours)
                except FileExistsError:
                    pass
                except PermissionError:
                    # Windows: the old lock file is still being deleted (a virus scanner had it open)
                    if sys.platform == "win32" and attempt < ACQUIRE_ATTEMPTS - 1:
                        time.sleep(0.05)
                        continue
                    raise
                try:
                    raw = _read_bytes(path)
                except PermissionError:  # another account's lock (readable by its owner only)
                    raise LockUnavailable(
                        f"数据库正由其他用户使用：其锁文件“{path.name}”无法读取（没有权限）。请稍后再试。"
                    ) from None
                if raw is None:
                    continue
                info = LockInfo.from_bytes(raw, path=path, modified=_modified(path))
                taking_over = (
                    take_over is not None
                    and info.valid
                    and info.token == take_over.token
                    and info.heartbeat == take_over.heartbeat
                )
                if not taking_over and not is_stale(info, now=stamp, this_host=host):
                    raise LockHeld(info)
                why = "taken over by the user" if taking_over else "stale"
                if _remove_if_unchanged(path, raw):
                    log.warning(
                        "cleared a writer lock (%s) at %s: %s",
                        why,
                        path,
                        " ".join(raw.decode("utf-8", "replace").split()),
                    )
            last = read_lock(db)
            if last is not None:
                raise LockHeld(last)
            raise LockUnavailable("无法取得数据库的写入锁，请稍后再试。")
    except OSError as exc:
        raise _unavailable(path, exc) from exc
