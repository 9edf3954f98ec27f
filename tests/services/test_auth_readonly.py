"""A file opened read-only has the writer's login rules: the same waiting after wrong passwords,
kept in a login file beside the database (real SQLite files, real argon2), and the writer puts
those attempts in the audit log.

Time is moved the way the writer's own back-off tests move it (``models.now``); nothing sleeps.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import auth, login_attempts
from wsjc_desktop.services.auth import NewMember
from wsjc_desktop.storage import lock
from wsjc_desktop.storage.database import Database, open_database

GROUP = "区纪委监委驻区财政局纪检监察组"
FIRST_PASSWORD = "jianguo-2026"
SECOND_PASSWORD = "xiuying#88"
WAIT = r"连续输错\d+次，请\d+秒后再试"


def set_up(db: Database) -> tuple[int, int]:
    first, second = auth.setup_group(
        db,
        GROUP,
        [NewMember("王建国", "组长", FIRST_PASSWORD), NewMember("李秀英", "副组长", SECOND_PASSWORD)],
    )
    return first, second


@pytest.fixture
def reader(db: Database) -> Iterator[Database]:
    """The same file opened read-only, as a second PC opens it (``db`` stays the writer)."""
    opened = open_database(db.path, readonly=True)
    yield opened
    opened.dispose()  # twice is harmless


class Clock:
    """``models.now`` under the test's control, starting at the real time."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: datetime | None = None) -> None:
        self.at = start or datetime.now()
        monkeypatch.setattr(m, "now", lambda: self.at)

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def logins(db: Database) -> list[m.AuditEntry]:
    with db.read() as uow:
        return list(
            uow.session.scalars(
                select(m.AuditEntry).where(m.AuditEntry.action == AuditAction.LOGIN).order_by(m.AuditEntry.id)
            )
        )


def summaries(db: Database) -> list[tuple[int | None, int | None, str | None]]:
    """(who was logged in, whose password, summary) of every LOGIN entry."""
    return [(e.member_id, e.record_id, e.summary) for e in logins(db)]


def login_file(db: Database) -> Path:
    return login_attempts.beside_path(db.path)


def recorded(db: Database) -> list[dict[str, object]]:
    attempts = json.loads(login_file(db).read_text("utf-8"))["attempts"]
    assert isinstance(attempts, list)
    return attempts


def fail(attempt: Callable[[], object], match: str = r"^口令不正确。$") -> None:
    with pytest.raises(UserError, match=match):
        attempt()


# --- the same waiting -----------------------------------------------------------------


def test_wrong_passwords_on_a_readonly_file_make_the_next_attempt_wait(
    db: Database, reader: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer's rule (test_auth.test_repeated_failures_make_the_next_attempt_wait), read-only."""
    first, second = set_up(db)
    assert reader.readonly
    for _ in range(auth.FREE_FAILURES):
        fail(lambda: auth.login(reader, first, "guess-guess"))
    # the next attempt, even with the right password, is refused unchecked and not recorded
    with pytest.raises(UserError, match=r"连续输错3次，请\d+秒后再试") as caught:
        auth.login(reader, first, FIRST_PASSWORD)
    assert caught.value.field == "password"
    assert reader.member_id is None
    assert [a["summary"] for a in recorded(db)] == [auth.LOGIN_FAILED] * auth.FREE_FAILURES
    assert summaries(db) == []  # nothing in the log yet: the writer has not logged in since
    # the idle lock's unlock and the confirmation before a password change wait too
    fail(lambda: auth.unlock(reader, first, FIRST_PASSWORD), WAIT)
    fail(lambda: auth.set_password(reader, first, FIRST_PASSWORD, "brand-new-1"), WAIT)
    # the other member is not held up
    assert auth.login(reader, second, SECOND_PASSWORD).id == second
    assert reader.member_id == second
    # once the wait is over the right password works and ends the run of failures
    real_now = m.now
    monkeypatch.setattr(m, "now", lambda: real_now() + timedelta(seconds=auth.failure_delay(3) + 1))
    assert auth.login(reader, first, FIRST_PASSWORD).id == first
    monkeypatch.undo()
    fail(lambda: auth.login(reader, first, "guess-guess"))
    assert [(a["member"], a["actor"], a["summary"]) for a in recorded(db)] == [
        *[(first, None, auth.LOGIN_FAILED)] * 3,
        (second, second, auth.LOGIN_OK),
        (first, first, auth.LOGIN_OK),
        (first, first, auth.LOGIN_FAILED),
    ]


def test_the_count_survives_a_restart_and_is_the_writers_too(db: Database, reader: Database) -> None:
    first, second = set_up(db)
    for _ in range(auth.FREE_FAILURES):
        fail(lambda: auth.login(reader, first, "guess-guess"))
    reader.dispose()
    again = Database(db.path, readonly=True)  # the read-only program started again
    try:
        fail(lambda: auth.unlock(again, first, FIRST_PASSWORD), WAIT)
    finally:
        again.dispose()
    # the writer (on the first PC) reads the same file and waits too
    fail(lambda: auth.login(db, first, FIRST_PASSWORD), WAIT)
    # and the other way: failures on the writer and on the reader make one run
    fail(lambda: auth.login(db, second, "guess-guess"))
    fail(lambda: auth.login(db, second, "guess-guess"))
    later = Database(db.path, readonly=True)
    try:
        fail(lambda: auth.login(later, second, "guess-guess"))
        fail(lambda: auth.login(later, second, SECOND_PASSWORD), r"连续输错3次")
    finally:
        later.dispose()
    fail(lambda: auth.login(db, second, SECOND_PASSWORD), r"连续输错3次")


def test_a_burst_of_100_guesses_cannot_succeed_in_seconds(
    db: Database, reader: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """101 guesses in 5 s used to let the right password in on a read-only file; now only the
    guesses the writer's waiting allows are checked (``failure_delay``)."""
    first, _second = set_up(db)
    checked: list[str] = []
    real_matches = auth._matches

    def counting(stored: str | None, password: str) -> bool:
        checked.append(password)
        return real_matches(stored, password)

    monkeypatch.setattr(auth, "_matches", counting)
    # behind the real clock, which stamps the writer's entries: an attempt tried after it was
    # logged would count from when it was logged
    clock = Clock(monkeypatch, datetime.now() - timedelta(hours=1))
    refused = 0
    for i in range(100):
        with pytest.raises(UserError) as caught:
            auth.login(reader, first, f"guess-{i:03d}")
        refused += "秒后再试" in caught.value.message
        clock.advance(0.05)
    # 5 s later the right password is still refused, unchecked
    with pytest.raises(UserError, match=r"连续输错4次，请\d+秒后再试"):
        auth.login(reader, first, FIRST_PASSWORD)
    # failures at 0, 0.05 and 0.1 s are free, the 4th is allowed only after 2 s, the 5th after 4 more
    assert len(checked) == 4 and FIRST_PASSWORD not in checked
    assert refused == 96
    assert [a["summary"] for a in recorded(db)] == [auth.LOGIN_FAILED] * 4
    # starting again changes nothing; the writer's own login waits the same
    reader.dispose()
    again = open_database(db.path, readonly=True)
    try:
        fail(lambda: auth.login(again, first, FIRST_PASSWORD), r"连续输错4次")
    finally:
        again.dispose()
    fail(lambda: auth.login(db, first, FIRST_PASSWORD), r"连续输错4次")
    clock.advance(auth.failure_delay(4))
    assert auth.login(db, first, FIRST_PASSWORD).id == first
    assert [e.summary for e in logins(db)] == [auth.LOGIN_FAILED] * 4 + [auth.LOGIN_OK]


# --- the writer puts them in the audit log ----------------------------------------------


def test_the_next_writer_logs_the_readonly_attempts_at_their_own_time(
    db: Database, reader: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = set_up(db)
    db.dispose()  # the writer closes; a reader goes on guessing
    an_hour_ago = datetime.now().replace(microsecond=0) - timedelta(hours=1)
    clock = Clock(monkeypatch, an_hour_ago)
    for _ in range(auth.FREE_FAILURES):
        fail(lambda: auth.login(reader, first, "guess-guess"))
        clock.advance(1)
    clock.advance(auth.failure_delay(3))
    fail(lambda: auth.set_password(reader, first, "not-mine", "brand-new-1"), "原口令不正确")
    fail(lambda: auth.login(reader, first, FIRST_PASSWORD), r"连续输错4次")
    clock.advance(1)
    assert auth.login(reader, second, SECOND_PASSWORD).id == second
    fail(lambda: auth.unlock(reader, second, "guess-guess"))
    reader.dispose()
    monkeypatch.undo()
    assert len(recorded(db)) == 6

    writer = open_database(db.path)
    try:
        # the first member may log in: the four failures were an hour ago (their own time counts,
        # not the time they reached the log)
        assert auth.login(writer, first, FIRST_PASSWORD).id == first
        entries = logins(writer)
    finally:
        writer.dispose()
    assert not login_file(db).exists()  # cleared once logged
    imported = entries[:-1]
    assert [(e.member_id, e.record_id, e.summary) for e in imported] == [
        *[(None, first, auth.LOGIN_FAILED)] * 3,
        (None, first, auth.CHANGE_FAILED),
        (second, second, auth.LOGIN_OK),
        (second, second, auth.UNLOCK_FAILED),
    ]
    assert (entries[-1].member_id, entries[-1].record_id, entries[-1].summary) == (first, first, "登录")
    values = [json.loads(e.after or "{}") for e in imported]
    assert [v["尝试时间"] for v in values[:3]] == [
        (an_hour_ago + timedelta(seconds=i)).isoformat(timespec="seconds") for i in range(3)
    ]
    assert {v["方式"] for v in values} == {"只读打开"}
    assert {v["计算机"] for v in values} == {lock.current_host()}
    assert len({v["记录编号"] for v in values}) == 6
    text = "\n".join(f"{e.summary} {e.before} {e.after}" for e in entries)
    for secret in (FIRST_PASSWORD, SECOND_PASSWORD, "guess-guess", "not-mine", "argon2"):
        assert secret not in text


def test_the_writer_holding_the_file_logs_them_at_its_next_unlock(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the writer lock; the program that finds it opens the file read-only
    (as the start-up does). The holder logs the reader's attempts at its next unlock."""
    first, second = set_up(db)
    auth.login(db, first, FIRST_PASSWORD)
    Clock(monkeypatch)  # stands still: the reader's failures stay recent
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from wsjc_desktop.storage import lock\n"
            "held = lock.acquire(sys.argv[1], '王建国')\n"
            "print('held', flush=True)\n"
            "sys.stdin.readline()\n"
            "held.release()\n",
            str(db.path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(lock.LockHeld):
            lock.acquire(db.path, "李秀英")
        reader = open_database(db.path, readonly=True)
        try:
            for _ in range(auth.FREE_FAILURES):
                fail(lambda: auth.login(reader, second, "guess-guess"))
            fail(lambda: auth.login(reader, second, SECOND_PASSWORD), WAIT)
        finally:
            reader.dispose()
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
    # the writer, still open, has logged nothing yet: the attempts wait in the login file
    assert [s for _w, _r, s in summaries(db)].count(auth.LOGIN_FAILED) == 0
    assert auth.unlock(db, first, FIRST_PASSWORD).id == first
    assert summaries(db)[-4:] == [*[(None, second, auth.LOGIN_FAILED)] * 3, (first, first, auth.UNLOCK_OK)]
    assert not login_file(db).exists()
    # in the log now, the run still counts for the member whose password was guessed
    fail(lambda: auth.login(db, second, SECOND_PASSWORD), r"连续输错3次")
    assert auth.import_readonly_attempts(db) == 0


def test_attempts_are_logged_once_even_if_the_file_could_not_be_cleared(
    db: Database, reader: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _second = set_up(db)
    fail(lambda: auth.login(reader, first, "guess-guess"))
    fail(lambda: auth.login(reader, first, "guess-guess"))
    with monkeypatch.context() as patch:  # the program died between the commit and the clearing
        patch.setattr(login_attempts, "forget", lambda *_args: None)
        assert auth.import_readonly_attempts(db) == 2
    assert len(recorded(db)) == 2
    # the reader does not count them twice (in the log and in the file): one more is free
    fail(lambda: auth.login(reader, first, "guess-guess"))
    fail(lambda: auth.login(reader, first, FIRST_PASSWORD), r"连续输错3次")
    assert auth.import_readonly_attempts(db) == 1
    assert not login_file(db).exists()
    assert [s for _w, _r, s in summaries(db)].count(auth.LOGIN_FAILED) == 3


# --- the login file -----------------------------------------------------------------------


def test_the_login_file_is_beside_the_database_owner_only_and_holds_no_secret(
    db: Database, reader: Database
) -> None:
    first, _second = set_up(db)
    fail(lambda: auth.login(reader, first, "guess-guess"))
    path = login_file(db)
    assert path == db.path.with_name("wsjc.db.logins")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in db.path.parent.iterdir() if ".logins" in p.name) == ["wsjc.db.logins"]
    text = path.read_text("utf-8")
    for secret in ("guess-guess", FIRST_PASSWORD, "argon2", "王建国"):
        assert secret not in text
    data = json.loads(text)
    assert data["format"] == 1 and data["database"] == str(db.path)
    assert set(data["attempts"][0]) == {"uid", "member", "actor", "summary", "at", "host", "user"}


def test_a_folder_that_cannot_take_the_file_falls_back_to_the_data_folder(
    db: Database, reader: Database
) -> None:
    """Beside the database a file cannot be written (here: a folder is in its place, as good as
    a read-only share): the attempts go to the data folder, and count and are logged the same."""
    first, _second = set_up(db)
    login_file(db).mkdir()
    for _ in range(auth.FREE_FAILURES):
        fail(lambda: auth.login(reader, first, "guess-guess"))
    fallback = login_attempts.fallback_path(db.path)
    assert fallback.is_file() and fallback.parent.name == "logins"
    assert stat.S_IMODE(fallback.stat().st_mode) == 0o600
    fail(lambda: auth.login(reader, first, FIRST_PASSWORD), WAIT)
    # the writer logs them before it checks (and so waits as well)
    fail(lambda: auth.login(db, first, FIRST_PASSWORD), WAIT)
    assert not fallback.exists()
    assert auth.import_readonly_attempts(db) == 0
    assert [s for _w, _r, s in summaries(db)].count(auth.LOGIN_FAILED) == auth.FREE_FAILURES


def test_a_tampered_login_file_neither_logs_strange_entries_nor_locks_anyone_out(
    db: Database, reader: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = set_up(db)
    far_ahead = (datetime.now() + timedelta(days=365)).isoformat()
    attempts: list[object] = [
        {"uid": f"u{i}", "member": first, "actor": None, "summary": auth.LOGIN_FAILED, "at": far_ahead}
        for i in range(12)
    ]
    attempts += [
        {"uid": "x1", "member": first, "actor": None, "summary": "任意文字", "at": far_ahead},
        {"uid": "x2", "member": "1", "summary": auth.LOGIN_FAILED, "at": far_ahead},
        {"uid": "x3", "member": first, "summary": auth.LOGIN_FAILED, "at": "yesterday"},
        "not an attempt",
    ]
    login_file(db).write_text(json.dumps({"format": 1, "attempts": attempts}), "utf-8")
    # a time a year ahead waits no longer than the longest waiting
    with pytest.raises(UserError, match=r"连续输错12次，请(\d+)秒后再试") as caught:
        auth.login(reader, first, FIRST_PASSWORD)
    assert int(caught.value.message.split("请")[1].split("秒")[0]) <= auth.MAX_DELAY_S + 1
    assert auth.import_readonly_attempts(db) == 12
    assert "任意文字" not in [s for _w, _r, s in summaries(db)]

    # logged, they count from when they were logged: the member waits once, not for a year
    fail(lambda: auth.login(db, first, FIRST_PASSWORD), r"连续输错12次")
    clock = Clock(monkeypatch)
    clock.advance(auth.MAX_DELAY_S + 1)
    assert auth.login(db, first, FIRST_PASSWORD).id == first

    login_file(db).write_bytes(b"\x00 not json")  # damaged: read as empty, then written anew
    fail(lambda: auth.login(reader, second, "guess-guess"))
    assert [a["member"] for a in recorded(db)] == [second]
    assert auth.import_readonly_attempts(db) == 1
