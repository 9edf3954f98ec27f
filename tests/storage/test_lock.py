"""The writer lock: one writer at a time, stale locks cleared safely, real files and processes."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from wsjc_desktop import __version__
from wsjc_desktop.errors import UserError
from wsjc_desktop.storage import lock
from wsjc_desktop.storage.lock import LockHeld, LockInfo, LockLost, LockUnavailable

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 22, 8, 30).astimezone()
OTHER = "PC-01" if not lock.same_host("PC-01", lock.current_host()) else "PC-02"


def other_lock(
    db: Path, *, heartbeat: datetime = NOW, age: timedelta | None = None, **values: object
) -> LockInfo:
    """A lock written by a program on another computer; ``age`` also dates the file back."""
    fields: dict[str, object] = {
        "member": "王芳",
        "host": OTHER,
        "pid": 4242,
        "started": "elsewhere",
        "since": NOW - timedelta(hours=1),
        "heartbeat": heartbeat,
        "version": "0.1.0",
        "token": "f" * 32,
    }
    fields.update(values)
    info = LockInfo(**fields)  # type: ignore[arg-type]
    path = lock.lock_path(db)
    path.write_bytes(info.to_json())
    if age is not None:
        stamp = (NOW - age).timestamp()
        os.utime(path, (stamp, stamp))
    return info


def dead_pid() -> int:
    """The id of a process that has finished (and been waited for)."""
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(proc.stdout)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "wsjc.db.lock")


# --- taking and giving back -------------------------------------------------------------


def test_the_lock_file_says_who_where_which_process_and_since_when(db_path: Path) -> None:
    with lock.acquire(db_path, "王芳", now=NOW) as held:
        path = db_path.with_name("wsjc.db.lock")
        assert held.path == path == lock.lock_path(db_path)
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["member"] == "王芳"
        assert data["host"] == lock.current_host()
        assert data["pid"] == os.getpid()
        assert data["started"] == lock.own_marker() and data["started"]
        assert datetime.fromisoformat(data["since"]) == NOW
        assert datetime.fromisoformat(data["heartbeat"]) == NOW
        assert data["version"] == __version__
        assert data["token"] == held.token
        info = lock.read_lock(db_path)
        assert info is not None and info.valid and info.token == held.token and info.member == "王芳"
        assert not lock.is_stale(info, now=NOW)
    assert not path.exists()
    assert lock.read_lock(db_path) is None
    assert leftovers(db_path.parent) == []  # no guard, no temporary files


def test_a_second_writer_is_told_who_has_it(db_path: Path) -> None:
    since = datetime.now().replace(month=11, day=22, hour=8, minute=30)
    first = lock.acquire(db_path, "王芳", now=since)
    with pytest.raises(LockHeld) as held:
        lock.acquire(db_path, "李明")
    assert isinstance(held.value, UserError)
    assert held.value.info.member == "王芳" and held.value.info.token == first.token
    host = lock.current_host()
    assert (
        held.value.message
        == f"数据库正由 王芳 在 计算机 {host} 上使用（自 11月22日 08:30 起）。可以只读方式打开。"
    )
    first.release()
    second = lock.acquire(db_path, "李明")
    second.release()


def test_held_message() -> None:
    info = LockInfo(member="王芳", host="PC-01", pid=1, since=NOW, heartbeat=NOW, token="t")
    expected = "数据库正由 王芳 在 计算机 PC-01 上使用（自 11月22日 08:30 起）。可以只读方式打开。"
    assert lock.held_message(info, now=NOW + timedelta(days=3)) == expected
    assert lock.held_message(info, now=NOW + timedelta(days=60)).startswith(
        "数据库正由 王芳 在 计算机 PC-01 上使用（自 2026年11月22日 08:30 起）"
    )
    nobody = LockInfo(host="PC-01", pid=1, since=NOW, heartbeat=NOW, token="t")
    assert (
        lock.held_message(nobody, now=NOW)
        == "数据库正在 计算机 PC-01 上使用（自 11月22日 08:30 起）。可以只读方式打开。"
    )


def test_refresh_renews_the_heartbeat_and_update_member_shows_who_logged_in(db_path: Path) -> None:
    held = lock.acquire(db_path, now=NOW)
    held.refresh(now=NOW + timedelta(minutes=1))
    info = lock.read_lock(db_path)
    assert info is not None and info.heartbeat == NOW + timedelta(minutes=1) and info.since == NOW
    assert info.member == ""
    held.update_member("李明", now=NOW + timedelta(minutes=2))
    info = lock.read_lock(db_path)
    assert info is not None and info.member == "李明" and info.heartbeat == NOW + timedelta(minutes=2)
    assert info.token == held.token and held.info.member == "李明"
    held.release()
    held.refresh()  # after release: nothing happens, nothing is re-created
    assert lock.read_lock(db_path) is None
    assert leftovers(db_path.parent) == []


def test_release_leaves_a_lock_that_is_no_longer_ours(db_path: Path) -> None:
    held = lock.acquire(db_path, "王芳")
    theirs = other_lock(db_path)  # another program cleared ours and took it
    held.release()
    info = lock.read_lock(db_path)
    assert info is not None and info.token == theirs.token
    held.release()  # twice is harmless


def test_refresh_notices_the_lock_was_taken_and_stops(db_path: Path) -> None:
    held = lock.acquire(db_path, "王芳")
    other_lock(db_path, member="李明")
    with pytest.raises(LockLost) as lost:
        held.refresh()
    assert lost.value.info is not None and lost.value.info.member == "李明"
    assert "写入锁已被解除" in lost.value.message and "李明" in lost.value.message
    assert held.released
    held.refresh()  # no second error, and the other lock stays
    info = lock.read_lock(db_path)
    assert info is not None and info.member == "李明"


def test_refresh_puts_back_a_lock_file_deleted_by_hand(db_path: Path) -> None:
    held = lock.acquire(db_path, "王芳", now=NOW)
    lock.lock_path(db_path).unlink()
    held.refresh(now=NOW + timedelta(minutes=1))
    info = lock.read_lock(db_path)
    assert info is not None and info.token == held.token and info.since == NOW
    held.release()


# --- stale locks ------------------------------------------------------------------------


def test_a_lock_of_a_finished_process_on_this_computer_is_cleared(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    gone = other_lock(
        db_path, host=lock.current_host(), pid=dead_pid(), heartbeat=datetime.now().astimezone()
    )
    assert lock.is_stale(gone)  # however fresh its heartbeat
    with caplog.at_level("WARNING", logger="wsjc_desktop.storage.lock"):
        held = lock.acquire(db_path, "李明")
    assert "cleared a writer lock (stale)" in caplog.text
    assert held.info.member == "李明"
    held.release()
    assert leftovers(db_path.parent) == []


def test_a_reused_process_id_is_told_apart_by_its_start_marker(db_path: Path) -> None:
    me = lock.current_host()
    mine = LockInfo(host=me, pid=os.getpid(), started=lock.own_marker(), since=NOW, heartbeat=NOW, token="a")
    assert not lock.is_stale(mine, now=NOW + timedelta(days=1))  # running: the heartbeat does not matter here
    reused = LockInfo(
        host=me, pid=os.getpid(), started="another-process", since=NOW, heartbeat=NOW, token="b"
    )
    assert lock.is_stale(reused, now=NOW)
    unknown = LockInfo(host=me, pid=os.getpid(), started=None, since=NOW, heartbeat=NOW, token="c")
    assert not lock.is_stale(unknown, now=NOW)  # no marker written: the running process counts
    assert lock.same_host(me.upper(), me.lower())


def test_process_state() -> None:
    running, marker = lock.process_state(os.getpid())
    assert running and marker == lock.own_marker()
    assert lock.process_state(dead_pid()) == (False, None)
    assert lock.process_state(0) == (False, None)


def test_another_computer_is_judged_by_its_heartbeat(db_path: Path) -> None:
    info = LockInfo(host=OTHER, pid=1, since=NOW, heartbeat=NOW, token="t")
    assert not lock.is_stale(info, now=NOW + timedelta(minutes=9))
    assert not lock.is_stale(info, now=NOW + lock.STALE_AFTER)
    assert lock.is_stale(info, now=NOW + timedelta(minutes=10, seconds=1))
    # missed heartbeats: not stale yet, but the user may take it over
    assert not lock.looks_stale(info, now=NOW + timedelta(minutes=2))
    assert lock.looks_stale(info, now=NOW + timedelta(minutes=4))
    assert lock.idle_for(info, NOW + timedelta(minutes=4)) == timedelta(minutes=4)
    # a naive "now" is local time
    assert lock.is_stale(info, now=(NOW + timedelta(minutes=11)).replace(tzinfo=None))


def test_a_file_written_lately_outweighs_a_lagging_clock(db_path: Path) -> None:
    """The other computer's clock is 20 minutes behind: its heartbeat looks old, the file does not."""
    other_lock(db_path, heartbeat=NOW - timedelta(minutes=20), age=timedelta(seconds=30))
    info = lock.read_lock(db_path)
    assert info is not None and not lock.is_stale(info, now=NOW)
    with pytest.raises(LockHeld):
        lock.acquire(db_path, now=NOW)
    # a heartbeat far in the future (a clock ahead) is not believed; the file's age decides
    ahead = LockInfo(host=OTHER, pid=1, since=NOW, heartbeat=NOW + timedelta(hours=2), token="t")
    assert not lock.is_stale(ahead, now=NOW)
    assert lock.is_stale(
        dataclasses.replace(ahead, modified=NOW - timedelta(minutes=30)),
        now=NOW,
    )


def test_a_silent_computer_loses_the_lock(db_path: Path) -> None:
    other_lock(db_path, heartbeat=NOW - timedelta(minutes=11), age=timedelta(minutes=11))
    held = lock.acquire(db_path, "李明", now=NOW)
    assert held.info.member == "李明"
    held.release()


def test_a_live_computer_keeps_it(db_path: Path) -> None:
    theirs = other_lock(db_path, heartbeat=NOW - timedelta(minutes=2), age=timedelta(minutes=2))
    with pytest.raises(LockHeld) as held:
        lock.acquire(db_path, "李明", now=NOW)
    assert held.value.info.token == theirs.token and held.value.info.host == OTHER
    assert held.value.info.path == lock.lock_path(db_path)


@pytest.mark.parametrize(
    "content", [b"", b'{"member": "\xe7\x8e\x8b', b"\x00\x00\x00", b"[1, 2]", b'{"pid": 1}']
)
def test_a_half_written_lock_is_stale(db_path: Path, content: bytes) -> None:
    lock.lock_path(db_path).write_bytes(content)
    info = lock.read_lock(db_path)
    assert info is not None and not info.valid and info.raw == content
    assert lock.is_stale(info, now=NOW)
    held = lock.acquire(db_path, "李明")
    held.release()
    assert leftovers(db_path.parent) == []


def test_taking_over_a_lock_the_user_confirmed(db_path: Path) -> None:
    quiet = other_lock(db_path, heartbeat=NOW - timedelta(minutes=5), age=timedelta(minutes=5))
    with pytest.raises(LockHeld) as held:
        lock.acquire(db_path, now=NOW)
    shown = held.value.info
    assert lock.looks_stale(shown, now=NOW) and not lock.is_stale(shown, now=NOW)
    # meanwhile its program woke up and wrote a heartbeat: the user saw an older lock
    other_lock(db_path, heartbeat=NOW, token=quiet.token)
    with pytest.raises(LockHeld):
        lock.acquire(db_path, now=NOW, take_over=shown)
    # it went quiet again; the user looks again and confirms
    other_lock(db_path, heartbeat=NOW - timedelta(minutes=5), age=timedelta(minutes=5), token=quiet.token)
    again = lock.read_lock(db_path)
    assert again is not None
    with lock.acquire(db_path, "李明", now=NOW, take_over=again) as mine:
        assert mine.info.member == "李明"
    # take_over names one lock only: a different one is not cleared
    other_lock(db_path, heartbeat=NOW, token="e" * 32)
    with pytest.raises(LockHeld):
        lock.acquire(db_path, now=NOW, take_over=again)


def test_an_abandoned_guard_is_cleared(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A program killed while holding the guard (for milliseconds) leaves it behind."""
    monkeypatch.setattr(lock, "GUARD_STALE_SECONDS", 0.3)
    guard = db_path.with_name("wsjc.db.lock.guard")
    guard.write_bytes(b"PC-09 1234 deadbeef")
    started = time.monotonic()
    held = lock.acquire(db_path, "李明")
    assert 0.3 <= time.monotonic() - started < 5
    held.release()
    assert not guard.exists()
    guard.write_bytes(b"")  # killed between creating it and writing it
    lock.acquire(db_path).release()
    assert leftovers(db_path.parent) == []


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs POSIX permissions, not root")
def test_a_read_only_folder_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "wsjc.db").write_bytes(b"")
    folder.chmod(0o555)
    try:
        with pytest.raises(LockUnavailable) as err:
            lock.acquire(folder / "wsjc.db")
        assert "无法在数据库所在的文件夹中创建锁文件" in err.value.message
    finally:
        folder.chmod(0o755)


def test_a_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(LockUnavailable):
        lock.acquire(tmp_path / "nowhere" / "wsjc.db")


def test_the_lock_module_does_not_use_qt() -> None:
    code = "import sys, wsjc_desktop.storage.lock; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- many programs at once ----------------------------------------------------------------

CONTENDER = textwrap.dedent(
    """
    import sys, time
    from wsjc_desktop.storage import lock
    db, start, name = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    while time.time() < start:
        pass
    try:
        held = lock.acquire(db, name)
    except lock.LockHeld as exc:
        print("held", exc.info.member, flush=True)
        sys.exit(0)
    print("won", name, flush=True)
    time.sleep(1.0)  # keep it while the others look
    held.release()
    """
)


@pytest.mark.parametrize("before", ["none", "dead", "torn"])
def test_programs_starting_together_never_both_win(db_path: Path, before: str) -> None:
    """Eight real processes race for the lock (none yet, a dead program's, a half-written one)."""
    if before == "dead":
        other_lock(db_path, host=lock.current_host(), pid=dead_pid())
    elif before == "torn":
        lock.lock_path(db_path).write_bytes(b'{"member": "')
    start = time.time() + 1.5
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CONTENDER, str(db_path), str(start), f"p{i}"],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for i in range(8)
    ]
    results = [proc.communicate(timeout=60)[0].split() for proc in procs]
    assert all(proc.returncode == 0 for proc in procs)
    winners = [r[1] for r in results if r[0] == "won"]
    assert len(winners) == 1, results
    assert all(r == ["held", winners[0]] for r in results if r[0] == "held"), results
    assert lock.read_lock(db_path) is None
    assert leftovers(db_path.parent) == []
