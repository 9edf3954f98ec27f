"""The login file itself (``services.login_attempts``): appends that do not lose each other, a
guard left by a dead program, and the last resort when no file can be written."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from wsjc_desktop.services import auth, login_attempts

FAILED = "登录失败（口令不正确）"


def test_programs_appending_at_once_lose_no_attempt(tmp_path: Path) -> None:
    db_path = tmp_path / "wsjc.db"
    errors: list[BaseException] = []

    def append(member: int) -> None:
        try:
            for _ in range(25):
                login_attempts.record(db_path, member, FAILED, actor_id=None)
        except BaseException as exc:  # pragma: no cover - shown by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in (1, 2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    found = login_attempts.pending(db_path)
    assert sorted(a.member_id for a in found.attempts) == [1] * 25 + [2] * 25 + [3] * 25
    assert not login_attempts.beside_path(db_path).with_name("wsjc.db.logins.guard").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["wsjc.db.logins"]  # no temporary left

    login_attempts.forget(db_path, found)
    assert not login_attempts.pending(db_path)
    assert not login_attempts.beside_path(db_path).exists()


def test_a_guard_left_by_a_dead_program_is_cleared(tmp_path: Path) -> None:
    db_path = tmp_path / "wsjc.db"
    guard = tmp_path / "wsjc.db.logins.guard"
    guard.write_bytes(b"PC-02 4242")
    old = time.time() - login_attempts.GUARD_STALE_S - 5
    os.utime(guard, (old, old))
    started = time.monotonic()
    login_attempts.record(db_path, 1, FAILED, actor_id=None)
    assert time.monotonic() - started < login_attempts.GUARD_WAIT_S
    assert not guard.exists()
    assert [a.member_id for a in login_attempts.pending(db_path).attempts] == [1]


def test_too_many_attempts_keep_the_newest_and_count_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path = tmp_path / "wsjc.db"
    monkeypatch.setattr(login_attempts, "MAX_KEPT", 5)
    for member in range(1, 9):
        login_attempts.record(db_path, member, FAILED, actor_id=None)
    found = login_attempts.pending(db_path)
    assert [a.member_id for a in found.attempts] == [4, 5, 6, 7, 8]
    assert found.dropped == 3
    login_attempts.forget(db_path, found)
    assert not login_attempts.beside_path(db_path).exists()


def test_with_no_file_to_write_the_waiting_holds_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(login_attempts, "_unsaved", {})
    db_path = tmp_path / "wsjc.db"
    for place in login_attempts.places(db_path):
        place.mkdir(parents=True)  # neither place can take a file
    for _ in range(auth.FREE_FAILURES):
        login_attempts.record(db_path, 7, FAILED, actor_id=None)
    found = login_attempts.pending(db_path)
    assert [a.member_id for a in found.attempts] == [7] * auth.FREE_FAILURES
    login_attempts.forget(db_path, found)
    assert not login_attempts.pending(db_path)
