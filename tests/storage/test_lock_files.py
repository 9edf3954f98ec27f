"""The writer lock's files and what the command line needs of the lock (issue 15, points 1, 3):
lock and guard files readable by their owner only (0600), a heartbeat kept by a program with no
timer of its own, who is writing now (``holder``), and why a lock cannot be made, in Chinese."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from wsjc_desktop.storage import lock
from wsjc_desktop.storage.lock import LockInfo, LockUnavailable

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
ROOT = getattr(os, "geteuid", lambda: -1)() == 0


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


# --- readable by their owner only -----------------------------------------------------------------


@POSIX
def test_the_lock_file_is_readable_by_its_owner_only(db_path: Path) -> None:
    with umask(0), lock.acquire(db_path, "王芳") as held:  # not left to the umask
        assert mode(held.path) == 0o600
        held.refresh()  # the heartbeat writes a new file over it
        assert mode(held.path) == 0o600
        held.update_member("李明")
        assert mode(held.path) == 0o600


@POSIX
def test_a_heartbeat_over_a_leftover_temporary_file_is_still_private(db_path: Path) -> None:
    """A temporary file left (readable by all) by a program that died halfway is not reused."""
    with umask(0), lock.acquire(db_path, "王芳") as held:
        leftover = held.path.with_name(f"{held.path.name}.{held.token[:12]}.tmp")
        leftover.write_bytes(b"{}")
        leftover.chmod(0o644)
        held.refresh()
        assert mode(held.path) == 0o600
        assert not leftover.exists()


@POSIX
def test_the_guard_file_is_readable_by_its_owner_only(db_path: Path) -> None:
    guard = lock.lock_path(db_path).with_name(lock.lock_path(db_path).name + lock.GUARD_SUFFIX)
    with umask(0), lock._guard(lock.lock_path(db_path)):
        assert mode(guard) == 0o600
    assert not guard.exists()


@pytest.mark.skipif(sys.platform == "win32" or ROOT, reason="needs POSIX permissions, not root")
def test_another_accounts_lock_is_reported_as_in_use(db_path: Path) -> None:
    """A lock this account cannot read (0600, another account's) means someone is working."""
    path = lock.lock_path(db_path)
    path.write_bytes(b"{}")
    path.chmod(0o000)
    try:
        with pytest.raises(LockUnavailable) as refused:
            lock.acquire(db_path)
        assert "其他用户" in refused.value.message
        assert lock.holder(db_path) is not None  # a reader opens read-only
    finally:
        path.chmod(0o600)


# --- a heartbeat for a command ----------------------------------------------------------------------


def test_keep_alive_renews_the_heartbeat_while_the_block_runs(db_path: Path) -> None:
    long_ago = datetime.now().astimezone() - timedelta(hours=1)
    held = lock.acquire(db_path, "命令行（wang）", now=long_ago)
    try:
        with held.keep_alive(every=timedelta(seconds=0.05)):
            deadline = time.monotonic() + 10
            while True:
                info = lock.read_lock(db_path)
                assert info is not None
                if info.heartbeat is not None and info.heartbeat > long_ago + timedelta(minutes=30):
                    break
                assert time.monotonic() < deadline, "the heartbeat was not renewed"
                time.sleep(0.05)
        assert info.since == long_ago.replace(microsecond=0) and info.token == held.token
    finally:
        held.release()
    assert lock.read_lock(db_path) is None
    assert [t.name for t in threading.enumerate() if t.name == "wsjc-lock-heartbeat"] == []


def test_keep_alive_stops_when_the_lock_is_taken_away(db_path: Path) -> None:
    held = lock.acquire(db_path, "命令行（wang）")
    with held.keep_alive(every=timedelta(seconds=0.02)):
        now = datetime.now().astimezone()
        other = LockInfo(member="王芳", host="PC-09", pid=1, since=now, heartbeat=now, token="e" * 32)
        lock.lock_path(db_path).write_bytes(other.to_json())  # cleared as stale by another program
        deadline = time.monotonic() + 5
        while not held.released and time.monotonic() < deadline:
            time.sleep(0.02)
        assert held.released  # it noticed, and stopped writing
    info = lock.read_lock(db_path)
    assert info is not None and info.member == "王芳"  # the other program's lock is left alone


# --- who is writing now --------------------------------------------------------------------------


def test_holder_names_a_live_lock_and_ignores_a_stale_one(db_path: Path) -> None:
    assert lock.holder(db_path) is None
    with lock.acquire(db_path, "王芳"):
        found = lock.holder(db_path)
        assert found is not None and found.member == "王芳"
    assert lock.holder(db_path) is None
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    now = datetime.now().astimezone()
    stale = LockInfo(
        member="王芳",
        host=lock.current_host(),
        pid=int(dead.stdout),
        since=now,
        heartbeat=now,
        token="a" * 32,
    )
    lock.lock_path(db_path).write_bytes(stale.to_json())
    assert lock.holder(db_path) is None  # its program is gone


def test_current_user_is_the_system_account() -> None:
    import getpass

    assert lock.current_user() == getpass.getuser()


# --- why a lock cannot be made ---------------------------------------------------------------------


def test_a_missing_folder_is_said_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(LockUnavailable) as refused:
        lock.acquire(tmp_path / "nowhere" / "wsjc.db")
    assert "无法在数据库所在的文件夹中创建锁文件" in refused.value.message
    assert "文件夹不存在" in refused.value.message


def test_a_file_in_the_path_is_said_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(LockUnavailable) as refused:
        lock.acquire(tmp_path / "file" / "wsjc.db")
    assert "不是文件夹" in refused.value.message


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` read-only, also for root (chattr +i); skipped where neither works."""
    if not ROOT:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("running as root (chmod has no effect) and chattr +i does not work here")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_read_only_folder_is_said_in_chinese(tmp_path: Path) -> None:
    folder = tmp_path / "只读"
    folder.mkdir()
    (folder / "wsjc.db").write_bytes(b"")
    with read_only(folder), pytest.raises(LockUnavailable) as refused:
        lock.acquire(folder / "wsjc.db")
    message = refused.value.message
    assert "只读" in message and "权限" in message and "Permission" not in message


def test_leftovers_of_programs_killed_while_changing_the_lock_are_removed_by_the_next_holder(
    tmp_path: Path,
) -> None:
    """A heartbeat killed half-written leaves ``wsjc.db.lock.<token>.tmp``, a stale lock set aside
    ``wsjc.db.lock.stale-<hex>``: both name people, and the next holder removes them once they
    are a minute old (a live program keeps one for milliseconds)."""
    import os
    import time

    from wsjc_desktop.storage import lock

    db = tmp_path / "wsjc.db"
    old_tmp = tmp_path / "wsjc.db.lock.0123456789ab.tmp"
    old_stale = tmp_path / "wsjc.db.lock.stale-0123456789ab"
    fresh_tmp = tmp_path / "wsjc.db.lock.ba9876543210.tmp"
    other = tmp_path / "other.db.lock.0123456789ab.tmp"
    for path in (old_tmp, old_stale, fresh_tmp, other):
        path.write_text('{"member": "王芳", "host": "PC-1"}', encoding="utf-8")
    an_hour_ago = time.time() - 3600
    for path in (old_tmp, old_stale, other):
        os.utime(path, (an_hour_ago, an_hour_ago))
    held = lock.acquire(db, "李华")
    try:
        assert not old_tmp.exists() and not old_stale.exists()
        assert fresh_tmp.exists() and other.exists()  # too new; another database's
    finally:
        held.release()
