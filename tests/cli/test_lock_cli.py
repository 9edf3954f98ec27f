"""Commands that write, against a window holding the file (issue 15, point 1).

While a window held the file, ``restore`` replaced it underneath (the window's later writes were
lost) and ``import-roster`` wrote into it, its audit entries naming nobody. Now every command
that writes takes the writer lock for as long as it writes, or is refused (exit code 2) naming
who holds the file, on which computer and since when, and the file is left exactly as it was.

The window is a real ``WriterLock`` taken as the window takes it (the lock, then the database
opened for writing): in this test's process, or in another process. The commands run as real
processes, the way a user runs them. A command's audit entries name who ran it: the member
given with ``--member`` (or ``WSJC_MEMBER``), and in any case 命令行（system user）.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.cli.support import demo_file, digest, run_all, window_elsewhere
from tests.cli.support import run_cli as run
from tests.support.builders import member, unit
from tests.support.shared import ROSTER_SAMPLE
from wsjc_desktop.storage import lock
from wsjc_desktop.storage.database import open_database

HOLDER = "王芳"
MEMBER = "李明"
ACTOR = f"命令行（{lock.current_user() or '未知用户'}）"


def counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = ("units", "cadres", "alert_notices", "talks", "audit_entries", "doc_sequences")
        return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}
    finally:
        con.close()


def audit_since(path: Path, last_id: int) -> list[tuple[int | None, str | None, str]]:
    """(member_id, actor, action) of every audit entry after ``last_id``."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT member_id, actor, action FROM audit_entries WHERE id > ? ORDER BY id", (last_id,)
        ).fetchall()
    finally:
        con.close()
    return [(r[0], r[1], str(r[2])) for r in rows]


def last_audit_id(path: Path) -> int:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT coalesce(max(id), 0) FROM audit_entries").fetchone()[0])
    finally:
        con.close()


def held_refusal(result: subprocess.CompletedProcess[bytes]) -> str:
    """The refusal, checked: exit 2, no traceback, the holder's name, computer and time."""
    err = result.stderr.decode("utf-8", errors="replace")
    out = result.stdout.decode("utf-8", errors="replace")
    assert result.returncode == 2, f"exit {result.returncode}\nstdout: {out[-800:]}\nstderr: {err[-1500:]}"
    assert "Traceback" not in err + out and "程序出错" not in err
    line = err.strip().splitlines()[-1]
    found = re.fullmatch(
        r"错误：数据库正由 (\S+) 在 计算机 (\S+) 上使用（自 (\d+月\d+日 \d\d:\d\d) 起）。(.+)", line
    )
    assert found, line
    assert found.group(1) == HOLDER
    assert lock.same_host(found.group(2), lock.current_host())
    assert "没有做任何修改" in found.group(4)
    return line


# --- the files ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database (with an 机关代字, so reminders can be issued) and a member 李明, all
    checkpointed into the main file; each test works on a copy."""
    return demo_file(tmp_path_factory.mktemp("lock-cli") / "demo.db", also=lambda db: member(db, MEMBER))


@pytest.fixture
def db_file(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "wsjc.db"
    shutil.copyfile(source, target)
    return target


@pytest.fixture
def backup_file(source: Path, tmp_path: Path) -> Path:
    """A good backup to restore from (an older copy of the same data)."""
    folder = tmp_path / "U盘"
    folder.mkdir()
    target = folder / "wsjc-20260101-080000-manual.db"
    shutil.copyfile(source, target)
    return target


def member_id(path: Path, name: str) -> int:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT id FROM members WHERE name = ?", (name,)).fetchone()[0])
    finally:
        con.close()


def some_id(path: Path, table: str) -> int:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(con.execute(f"SELECT min(id) FROM {table} WHERE deleted_at IS NULL").fetchone()[0])
    finally:
        con.close()


# --- the window ---------------------------------------------------------------------------------


@contextmanager
def window(path: Path, where: str) -> Iterator[None]:
    """A window holding ``path``: in this process, or in another one."""
    if where == "this process":
        held = lock.acquire(path, HOLDER)
        db = open_database(path)
        try:
            yield
        finally:
            db.dispose()
            held.release()
        return
    with window_elsewhere(path, HOLDER):
        yield


def writing_commands(db: Path, backup: Path, out: Path) -> dict[str, list[str | Path]]:
    """Every command that writes, each as the issue names it."""
    ids = {table: some_id(db, table) for table in ("alert_notices", "talks", "meetings", "cadres")}
    opinion = some_id(db, "integrity_opinions")
    return {
        "restore": ["restore", backup, "--db", db, "--yes"],
        "import-roster": ["import-roster", ROSTER_SAMPLE, "--db", db],
        "print notice": ["print", "notice", str(ids["alert_notices"]), "--db", db, "--out", out / "n.pdf"],
        "print talk": ["print", "talk", str(ids["talks"]), "--db", db, "--out", out / "t.pdf"],
        "print meeting": ["print", "meeting", str(ids["meetings"]), "--db", db, "--out", out / "m.pdf"],
        "print opinion": ["print", "opinion", str(opinion), "--db", db, "--out", out / "o.pdf"],
        "print file": ["print", "file", str(ids["cadres"]), "--db", db, "--out", out / "f.pdf"],
        "holiday reminders": [
            *("print", "holiday-reminder", "--holiday", "春节", "--year", "2027"),
            *("--db", db, "--out", out / "h.pdf"),
        ],
        "demo": ["demo", "--db", db],
        "encrypt": ["encrypt", "--db", db],
        "import talks": ["import", "talks", talks_ledger(out.parent / "talks.xlsx"), "--db", db],
        "import cadres": ["import", "cadres", ROSTER_SAMPLE, "--db", db],
    }


def talks_ledger(path: Path) -> Path:
    """A one-row 谈话台账 as a clerk would keep it."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["谈话台账"])
    sheet.append(["序号", "谈话日期", "谈话类型", "谈话对象", "谈话人"])
    sheet.append([1, "2026-05-06", "提醒谈话", "张三", MEMBER])
    book.save(path)
    return path


# --- refused while a window holds the file ------------------------------------------------------


@pytest.mark.parametrize("where", ["this process", "another process"])
def test_every_writing_command_is_refused_while_a_window_holds_the_file(
    db_file: Path, backup_file: Path, tmp_path: Path, where: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    todo = writing_commands(db_file, backup_file, out)
    with window(db_file, where):
        before, rows = digest(db_file), counts(db_file)
        results = run_all(list(todo.values()))
        after, rows_after = digest(db_file), counts(db_file)
        assert lock.read_lock(db_file) is not None and lock.read_lock(db_file).member == HOLDER  # type: ignore[union-attr]
    for name, result in zip(todo, results, strict=True):
        try:
            held_refusal(result)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None
    assert after == before, "the file changed under the window"
    assert rows_after == rows
    assert list(out.iterdir()) == []  # no PDF: nothing was printed, no 文号 given
    assert not (tmp_path / "backups").exists()  # no safety copy: the restore never began
    left = [
        p.name
        for p in tmp_path.iterdir()
        if any(w in p.name for w in ("restore", "partial", "convert", ".old"))
    ]
    assert left == []  # no half-made restore or encryption either


def test_the_window_keeps_every_write_when_a_restore_is_refused(db_file: Path, backup_file: Path) -> None:
    """The reported loss: writes committed by the window before and after a restore attempt
    all stay in the file (no safety copy holds any of them instead)."""
    held = lock.acquire(db_file, HOLDER)
    live = open_database(db_file)
    try:
        for n in range(3):
            unit(live, f"恢复前新建的单位{n}")
        result = run("restore", backup_file, "--db", db_file, "--yes")
        held_refusal(result)
        for n in range(3):
            unit(live, f"恢复后新建的单位{n}")
    finally:
        live.dispose()
        held.release()
    con = sqlite3.connect(db_file)
    try:
        names = {r[0] for r in con.execute("SELECT full_name FROM units")}
    finally:
        con.close()
    assert {f"恢复前新建的单位{n}" for n in range(3)} <= names
    assert {f"恢复后新建的单位{n}" for n in range(3)} <= names
    assert not (db_file.parent / "backups").exists()


def test_a_stale_lock_does_not_stop_a_command(db_file: Path) -> None:
    """A window that died holding the file leaves a lock that is cleared (its process is gone)."""
    from datetime import datetime

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    now = datetime.now().astimezone()
    info = lock.LockInfo(
        member=HOLDER,
        host=lock.current_host(),
        pid=int(dead.stdout),
        started="gone",
        since=now,
        heartbeat=now,
        token="d" * 32,
    )
    lock.lock_path(db_file).write_bytes(info.to_json())
    result = run("import-roster", ROSTER_SAMPLE, "--db", db_file)
    assert result.returncode == 0, result.stderr.decode()
    assert lock.read_lock(db_file) is None  # taken, then given back


# --- holding the lock while writing ---------------------------------------------------------------

#: Stops ``import_roster`` halfway (it has the lock by then) until the test says go on.
PAUSE_IN_IMPORT = """
import sys, time
from pathlib import Path
from wsjc_desktop.services import roster_import
_real = roster_import.import_roster
def _paused(db, preview, *args, **kwargs):
    flag = Path(str(db.path) + ".inside")
    flag.write_text("inside")
    while flag.exists():
        time.sleep(0.05)
    return _real(db, preview, *args, **kwargs)
roster_import.import_roster = _paused
"""


def test_a_command_holds_the_lock_while_it_writes_and_gives_it_back(db_file: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            PAUSE_IN_IMPORT + "\nfrom wsjc_desktop.cli import main\nsys.exit(main(sys.argv[1:]))",
            "import-roster",
            str(ROSTER_SAMPLE),
            "--db",
            str(db_file),
            "--member",
            MEMBER,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    flag = Path(f"{db_file}.inside")
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():
            assert proc.poll() is None, proc.communicate()[1].decode()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        info = lock.read_lock(db_file)
        assert info is not None and info.valid
        assert (info.member, info.pid) == (MEMBER, proc.pid)
        assert lock.lock_path(db_file).stat().st_mode & 0o777 == 0o600 or sys.platform == "win32"
        with pytest.raises(lock.LockHeld) as refused:  # a window starting now opens read-only
            lock.acquire(db_file, HOLDER)
        assert "李明" in refused.value.message
    finally:
        flag.unlink(missing_ok=True)
        _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()
    assert lock.read_lock(db_file) is None


# --- reading commands and exports beside a window -------------------------------------------------


def test_reading_commands_still_work_beside_a_window(db_file: Path, tmp_path: Path) -> None:
    """Search, statistics, a backup and an export only read: they work while a window holds the
    file. The export's audit note cannot be written then: the user is told, and nothing is."""
    with window(db_file, "another process"):
        before, last = digest(db_file), last_audit_id(db_file)
        search, stats, made, export = run_all(
            [
                ["search", "区", "--db", db_file],
                ["stats", "--year", "2026", "--db", db_file],
                ["backup", "--db", db_file, "--to", tmp_path / "备份"],
                ["export", "cadres", "--db", db_file, "--out", tmp_path / "台账.xlsx"],
            ]
        )
        after = digest(db_file)
    for result in (search, stats, made, export):
        assert result.returncode == 0, result.stderr.decode()
    assert "不记入操作日志" in export.stderr.decode() and HOLDER in export.stderr.decode()
    assert (tmp_path / "台账.xlsx").is_file()
    assert after == before and last_audit_id(db_file) == last


def test_an_export_without_a_window_is_noted_with_who_ran_it(db_file: Path, tmp_path: Path) -> None:
    last = last_audit_id(db_file)
    result = run("export", "cadres", "--db", db_file, "--out", tmp_path / "台账.xlsx")
    assert result.returncode == 0, result.stderr.decode()
    assert "不记入" not in result.stderr.decode()
    assert audit_since(db_file, last) == [(None, ACTOR, "export")]
    assert lock.read_lock(db_file) is None


# --- who ran it ---------------------------------------------------------------------------------


def test_an_import_names_the_command_line_and_the_system_user(db_file: Path) -> None:
    last = last_audit_id(db_file)
    result = run("import-roster", ROSTER_SAMPLE, "--db", db_file)
    assert result.returncode == 0, result.stderr.decode()
    entries = audit_since(db_file, last)
    assert (None, ACTOR, "import") in entries  # the import's own entry
    assert (None, ACTOR, "create") in entries  # the unit it made (新建单位)
    assert {m for m, _a, _action in entries} == {None}
    assert ACTOR.startswith("命令行（") and ACTOR.endswith("）")


def test_member_option_names_the_member(db_file: Path) -> None:
    last = last_audit_id(db_file)
    result = run("--member", MEMBER, "import-roster", ROSTER_SAMPLE, "--db", db_file)
    assert result.returncode == 0, result.stderr.decode()
    entries = audit_since(db_file, last)
    chosen = member_id(db_file, MEMBER)
    assert (chosen, ACTOR, "import") in entries
    assert {m for m, _a, _action in entries} == {chosen}


def test_every_entry_of_an_import_names_the_command_line(db_file: Path) -> None:
    """The 新建 entry of each new cadre (written in bulk) too."""
    last = last_audit_id(db_file)
    result = run("--member", MEMBER, "import-roster", ROSTER_SAMPLE, "--db", db_file)
    assert result.returncode == 0, result.stderr.decode()
    entries = audit_since(db_file, last)
    assert len(entries) > 58  # one per new cadre, and more
    assert {(m, a) for m, a, _action in entries} == {(member_id(db_file, MEMBER), ACTOR)}


def test_member_from_the_environment_names_the_member(db_file: Path, tmp_path: Path) -> None:
    last = last_audit_id(db_file)
    talk = some_id(db_file, "talks")
    result = run(
        "print", "talk", str(talk), "--db", db_file, "--out", tmp_path / "t.pdf", env={"WSJC_MEMBER": MEMBER}
    )
    assert result.returncode == 0, result.stderr.decode()
    assert audit_since(db_file, last) == [(member_id(db_file, MEMBER), ACTOR, "print")]


def test_the_holiday_reminders_name_who_issued_them(db_file: Path, tmp_path: Path) -> None:
    last = last_audit_id(db_file)
    result = run(
        *("print", "holiday-reminder", "--holiday", "春节", "--year", "2027", "--member", MEMBER),
        *("--db", db_file, "--out", tmp_path / "h.pdf"),
    )
    assert result.returncode == 0, result.stderr.decode()
    entries = audit_since(db_file, last)
    assert {"issue", "print"} <= {action for _m, _a, action in entries}
    assert {(m, a) for m, a, _action in entries} == {(member_id(db_file, MEMBER), ACTOR)}


@pytest.mark.parametrize(
    "command",
    [
        ["import-roster", str(ROSTER_SAMPLE)],
        ["print", "talk", "1", "--out", "{out}"],
        ["demo"],
        ["encrypt"],
    ],
    ids=["import-roster", "print", "demo", "encrypt"],
)
def test_an_unknown_member_is_refused_before_anything_is_written(
    db_file: Path, tmp_path: Path, command: list[str]
) -> None:
    before = digest(db_file)
    args = [a.replace("{out}", str(tmp_path / "x.pdf")) for a in command]
    result = run(*args, "--db", db_file, "--member", "不在组里的人")
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert "Traceback" not in err and "没有名为“不在组里的人”的组内人员" in err and MEMBER in err
    assert digest(db_file) == before
    assert not (tmp_path / "x.pdf").exists()
    assert lock.read_lock(db_file) is None


def test_a_member_cannot_be_named_in_a_new_file(tmp_path: Path) -> None:
    result = run("demo", "--db", tmp_path / "new.db", env={"WSJC_MEMBER": MEMBER})
    assert result.returncode == 2
    assert "还没有组内人员" in result.stderr.decode()
    assert not (tmp_path / "new.db").exists()
