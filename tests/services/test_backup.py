"""Backups: made while the file is open, verified, rotated over a simulated 400 days, restored."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from tests.support.builders import cadre, member, unit
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import backup, records, settings
from wsjc_desktop.services.backup import BackupInfo
from wsjc_desktop.storage.database import Database, open_database

NOW = datetime(2026, 11, 22, 8, 30, 0)


@pytest.fixture
def filled(db: Database) -> Database:
    finance = unit(db, "区财政局")
    schools = unit(db, "区教育局")
    for name in ("张三", "李四", "王五"):
        cadre(db, finance, name)
    cadre(db, schools, "赵六")
    member(db, "李明")
    return db


def folder_names(folder: Path) -> list[str]:
    """Everything in the folder, hidden files and side files included."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def corrupt(path: Path, *, at: float = 0.5, length: int = 4096) -> None:
    """Overwrite bytes in the middle of the file (the header stays readable)."""
    data = bytearray(path.read_bytes())
    start = int(len(data) * at) // 4096 * 4096
    data[start : start + length] = b"\x5a" * min(length, len(data) - start)
    path.write_bytes(bytes(data))


# --- making a backup ------------------------------------------------------------------------


def test_a_backup_is_verified_named_and_counted(filled: Database, db_path: Path) -> None:
    info = backup.create_backup(filled, now=NOW)

    folder = db_path.parent / "backups"  # beside the database by default
    assert info.path == folder / "wsjc-20261122-083000-manual.db"
    assert folder_names(folder) == ["wsjc-20261122-083000-manual.db"]  # no temporary or side files
    assert info.verified and info.problem is None
    assert info.reason == "manual" and info.reason_label == "手动备份"
    assert info.created == NOW
    assert info.size == info.path.stat().st_size > 0
    assert info.counts == {
        "units": 2,
        "cadres": 4,
        "alert_notices": 0,
        "meetings": 0,
        "talks": 0,
        "members": 1,
    }
    check = backup.verify_backup(info.path)
    assert check.ok and check.counts == info.counts
    assert check.revision is not None and check.created == NOW
    assert folder_names(folder) == ["wsjc-20261122-083000-manual.db"]  # reading left nothing beside it

    # the copy opens as a database of its own with the same records
    copy = open_database(info.path, readonly=True)
    try:
        assert {u["full_name"] for u in records.list_records(copy, "units")} == {"区财政局", "区教育局"}
    finally:
        copy.dispose()


def test_records_in_the_recycle_bin_are_copied_but_not_counted(filled: Database) -> None:
    gone = cadre(filled, unit(filled, "区审计局"), "钱七")
    records.delete(filled, "cadres", gone)
    info = backup.create_backup(filled, now=NOW)
    assert info.counts["cadres"] == 4 and info.counts["units"] == 3
    assert backup.verify_backup(info.path).rows["cadres"] == 5


def test_two_backups_in_the_same_second_both_keep_their_file(filled: Database) -> None:
    first = backup.create_backup(filled, reason="exit", now=NOW)
    second = backup.create_backup(filled, reason="exit", now=NOW)
    third = backup.create_backup(filled, reason="exit", now=NOW)
    assert [first.path.name, second.path.name, third.path.name] == [
        "wsjc-20261122-083000-exit.db",
        "wsjc-20261122-083000-exit-2.db",
        "wsjc-20261122-083000-exit-3.db",
    ]
    listed = backup.list_backups(first.path.parent)
    assert [b.path for b in listed] == [third.path, second.path, first.path]  # newest first


def test_the_backup_folder_setting_is_used(filled: Database, db_path: Path, tmp_path: Path) -> None:
    assert backup.default_backup_dir(filled) == db_path.parent / "backups"
    chosen = tmp_path / "elsewhere" / "备份"
    settings.set_many(filled, {"folders.backup": str(chosen)})
    assert backup.default_backup_dir(filled) == chosen
    # read from a closed file too (the command line's restore, before anything is opened)
    assert backup.default_backup_dir(db_path) == chosen
    info = backup.create_backup(filled, now=NOW)
    assert info.path.parent == chosen
    # an unreadable file falls back to the folder beside it
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all" * 100)
    assert backup.default_backup_dir(broken) == tmp_path / "backups"


def test_an_unwritable_folder_is_a_user_error_and_leaves_nothing(filled: Database, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(UserError, match="无法使用备份文件夹") as caught:
        backup.create_backup(filled, blocker / "backups", now=NOW)
    assert "不是文件夹" in caught.value.message
    assert folder_names(tmp_path) == sorted(["a-file", "wsjc.db", "wsjc.db-shm", "wsjc.db-wal"])


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_folder_without_write_permission(filled: Database, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(UserError, match="备份未完成"):
            backup.create_backup(filled, locked, now=NOW)
        assert folder_names(locked) == []
    finally:
        locked.chmod(0o755)


@pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE is POSIX")
def test_a_full_disk_leaves_no_half_written_backup(filled: Database, db_path: Path, tmp_path: Path) -> None:
    """The disk fills up half-way through the copy (simulated with a file-size limit, in a
    separate process so the limit touches nothing else)."""
    filled.dispose()
    size = db_path.stat().st_size
    dest = tmp_path / "usb"
    dest.mkdir()
    script = textwrap.dedent(
        f"""
        import resource, signal, sys
        from pathlib import Path
        from wsjc_desktop.errors import UserError
        from wsjc_desktop.services import backup
        from wsjc_desktop.storage.database import Database
        db = Database(Path({str(db_path)!r}))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({size // 2}, resource.RLIM_INFINITY))
        try:
            backup.create_backup(db, Path({str(dest)!r}))
        except UserError as exc:
            sys.stdout.buffer.write(exc.message.encode())
            sys.exit(3)
        sys.exit(0)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert result.returncode == 3, result.stderr.decode()
    message = result.stdout.decode()
    assert "备份未完成" in message and "没有留下不完整的备份文件" in message
    assert "磁盘" in message and "error" not in message  # said in Chinese
    assert folder_names(dest) == []


def test_a_damaged_database_fails_verification_and_rotates_nothing(db_path: Path, tmp_path: Path) -> None:
    """The live file's pages are intact enough to copy and to count, but the file is damaged:
    the copy fails ``integrity_check``, is deleted, and no older backup is rotated away."""
    folder = tmp_path / "backups"
    db = open_database(db_path)
    unit(db)
    old = backup.create_backup(db, folder, reason="exit", now=datetime(2025, 1, 1, 18)).path
    db.dispose()
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA writable_schema = ON")  # forget an index: its pages are now never used
    (index,) = con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchone()
    con.execute("DELETE FROM sqlite_master WHERE name = ?", (index,))
    con.commit()
    con.close()

    damaged = Database(db_path)  # straight at the file: open_database would refuse it
    try:
        with pytest.raises(UserError, match="备份校验未通过") as caught:
            # keeping nothing: a backup that verified would rotate the old one away
            backup.auto_backup(damaged, "exit", now=NOW, dest_dir=folder, keep_daily=0, keep_monthly=0)
        assert "完整性检查未通过" in caught.value.message
    finally:
        damaged.dispose()
    assert folder_names(folder) == [old.name]  # no new file, nothing half-written, nothing rotated

    # the same with a healthy file (the old backup restored): the old one goes
    backup.restore(old, db_path, safety_dir=tmp_path / "safety")
    healthy = open_database(db_path)
    try:
        made = backup.auto_backup(healthy, "exit", now=NOW, dest_dir=folder, keep_daily=0, keep_monthly=0)
    finally:
        healthy.dispose()
    assert made is not None and folder_names(folder) == [made.path.name]


def test_an_index_that_disagrees_with_its_table_fails_verification(db_path: Path, tmp_path: Path) -> None:
    """What ``integrity_check`` finds and a structural check would not: an index whose
    entries are not those of its table."""
    db = open_database(db_path)
    u = unit(db)
    for name in ("张三", "李四"):
        cadre(db, u, name)
    db.dispose()
    con = sqlite3.connect(db_path)
    con.execute("CREATE TABLE notes (a TEXT, b TEXT)")
    con.execute("CREATE INDEX ix_notes_a ON notes (a)")
    con.executemany("INSERT INTO notes VALUES (?, ?)", [("甲", "乙"), ("丙", "丁")])
    con.commit()
    con.execute("PRAGMA writable_schema = ON")
    con.execute(
        "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_notes_a ON notes (b)' WHERE name = 'ix_notes_a'"
    )
    con.commit()
    con.close()
    assert sqlite3.connect(db_path).execute("PRAGMA quick_check").fetchone()[0] == "ok"
    damaged = Database(db_path)
    try:
        with pytest.raises(UserError, match="备份校验未通过"):
            backup.create_backup(damaged, tmp_path / "out", now=NOW)
    finally:
        damaged.dispose()
    assert folder_names(tmp_path / "out") == []


def test_a_write_during_the_copy_makes_it_copy_again(filled: Database) -> None:
    """Someone saves while the backup is being made: the copy is made again and holds it."""
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if (done, total) == (0, 0) and calls.count((0, 0)) == 1:
            unit(filled, "区审计局")  # after the copy, before it is compared with the file

    info = backup.create_backup(filled, now=NOW, progress=progress)
    assert calls.count((0, 0)) == 2  # verified twice: the first copy missed the new unit
    assert calls[0][1] > 0 and calls[0][0] <= calls[0][1]
    assert info.counts["units"] == 3
    assert folder_names(info.path.parent) == [info.path.name]


def test_endless_writes_during_the_copy_give_up_cleanly(filled: Database) -> None:
    made = [0]

    def progress(done: int, total: int) -> None:
        if (done, total) == (0, 0):
            made[0] += 1
            unit(filled, f"单位{made[0]}")

    with pytest.raises(UserError, match="一直有新的写入"):
        backup.create_backup(filled, now=NOW, progress=progress)
    assert made[0] == backup.COPY_ATTEMPTS
    assert folder_names(filled.path.parent / "backups") == []


# --- checking and listing -------------------------------------------------------------------


def test_verification_catches_a_corrupted_backup(filled: Database) -> None:
    for i in range(20):
        cadre(filled, 1, f"干部{i:03d}", note="备注" * 500)
    info = backup.create_backup(filled, now=NOW)
    assert backup.verify_backup(info.path).ok
    corrupt(info.path)
    check = backup.verify_backup(info.path)
    assert not check.ok
    assert check.problem and ("完整性检查未通过" in check.problem or "损坏" in check.problem)
    [listed] = backup.list_backups(info.path.parent, thorough=True)
    assert not listed.verified and listed.problem
    assert backup.newest_good_backup(info.path.parent) is None


def test_listing_tolerates_damaged_and_foreign_files(filled: Database, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    older = backup.create_backup(filled, folder, reason="start", now=NOW - timedelta(days=1))
    newest = backup.create_backup(filled, folder, reason="exit", now=NOW)
    (folder / "wsjc-20261122-090000-manual.db").write_bytes(b"")  # an empty file
    (folder / "wsjc-20261122-100000-manual.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)  # cut off
    foreign = folder / "notes.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()
    os.utime(foreign, (NOW.timestamp() - 86400 * 30,) * 2)
    (folder / "readme.txt").write_text("not listed")

    listed = backup.list_backups(folder)
    by_name = {b.path.name: b for b in listed}
    assert [b.path.name for b in listed] == [
        "wsjc-20261122-100000-manual.db",
        "wsjc-20261122-090000-manual.db",
        newest.path.name,
        older.path.name,
        "notes.db",
    ]
    assert by_name[newest.path.name].verified and by_name[newest.path.name].counts == newest.counts
    assert by_name[older.path.name].reason_label == "启动时自动备份"
    assert not by_name["wsjc-20261122-090000-manual.db"].verified
    assert by_name["wsjc-20261122-090000-manual.db"].problem == "备份文件是空的。"
    assert not by_name["wsjc-20261122-100000-manual.db"].verified
    assert not by_name["notes.db"].verified and "不是本程序" in (by_name["notes.db"].problem or "")
    assert by_name["notes.db"].reason == "other"
    assert "notes.db-shm" not in folder_names(folder)  # reading left nothing behind

    good = backup.newest_good_backup(folder)
    assert good is not None and good.path == newest.path and good.verified
    assert [b.path for b in backup.list_backups(folder, stem="wsjc")][-1] == older.path


def test_pre_upgrade_and_before_restore_copies_are_listed_with_their_kind(
    filled: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    made = backup.create_backup(filled, folder, now=NOW)
    upgrade = folder / "wsjc.before-upgrade-0001-20260301-120000.db"
    safety = folder / "wsjc-20260401-120000-before-restore.db"
    for copy in (upgrade, safety):
        copy.write_bytes(made.path.read_bytes())
    listed = {b.path.name: b for b in backup.list_backups(folder)}
    assert listed[upgrade.name].reason == "upgrade" and listed[upgrade.name].reason_label == "升级前的副本"
    assert listed[upgrade.name].created == datetime(2026, 3, 1, 12)
    assert listed[safety.name].reason_label == "恢复前的安全副本"
    assert all(b.verified for b in listed.values())


# --- rotation ---------------------------------------------------------------------------------


def kept_by_rule(
    made: list[datetime], today: date, keep_daily: int = 30, keep_monthly: int = 12
) -> set[datetime]:
    """The rule written out plainly, for comparison with what rotation left."""
    past = sorted(m for m in made if m.date() <= today)
    days = sorted({m.date() for m in past})[-keep_daily:] if keep_daily else []
    months = sorted({(m.year, m.month) for m in past})[-keep_monthly:] if keep_monthly else []
    keep = {max(m for m in past if m.date() == d) for d in days}
    keep |= {max(m for m in past if (m.year, m.month) == ym) for ym in months}
    return keep


def automatic_in(folder: Path) -> set[datetime]:
    """The times of the automatic backups in the folder, read from the file names."""
    out = set()
    for name in folder_names(folder):
        stem, day, clock, reason = name.removesuffix(".db").split("-")[:4]
        if stem == "wsjc" and reason in ("start", "exit", "daily"):
            out.add(datetime.strptime(day + clock, "%Y%m%d%H%M%S"))
    return out


def test_rotation_over_400_days_keeps_exactly_the_right_backups(filled: Database, tmp_path: Path) -> None:
    """400 days of a working life: started every working morning (twice on Mondays: the
    second start makes nothing), closed every working evening, never opened at weekends,
    away for the whole of February. After every backup the folder holds exactly what the
    rule keeps of everything ever made."""
    folder = tmp_path / "backups"
    saturday = datetime(2025, 10, 25, 12)
    manual = backup.create_backup(filled, folder, reason="manual", now=saturday)
    made: list[datetime] = []
    first = date(2025, 10, 20)
    for offset in range(400):
        day = first + timedelta(days=offset)
        if day.weekday() >= 5 or (day.year, day.month) == (2026, 2):
            continue
        morning = datetime.combine(day, time(8, 30))
        started = backup.auto_backup(filled, "start", now=morning, dest_dir=folder)
        assert started is not None and started.path.name == f"wsjc-{morning:%Y%m%d-%H%M%S}-start.db"
        made.append(morning)
        if day.weekday() == 0:
            again = morning + timedelta(hours=1)
            assert backup.auto_backup(filled, "start", now=again, dest_dir=folder) is None
        evening = datetime.combine(day, time(18, 0))
        assert backup.auto_backup(filled, "exit", now=evening, dest_dir=folder) is not None
        made.append(evening)
        assert automatic_in(folder) == kept_by_rule(made, day), day
    last = first + timedelta(days=399)
    assert last == date(2026, 11, 23)

    listed = backup.list_backups(folder)
    automatic = [b for b in listed if b.automatic]
    # the last 30 working days, every evening
    assert [b.created for b in automatic[:30]] == sorted(m for m in made if m.hour == 18)[-30:][::-1]
    assert all(b.reason == "exit" for b in automatic)
    # then the last evening of each earlier month, for twelve months that have backups (the
    # last 30 working days reach into October 2026; February was not worked): back to November 2025
    monthly = [b.created for b in automatic[30:]]
    assert [(m.year, m.month) for m in monthly] == [
        (2026, 9), (2026, 8), (2026, 7), (2026, 6), (2026, 5), (2026, 4), (2026, 3), (2026, 1), (2025, 12),
        (2025, 11),
    ]  # fmt: skip
    # each the evening of the month's last working day
    assert monthly[-2:] == [datetime(2025, 12, 31, 18), datetime(2025, 11, 28, 18)]
    assert len(automatic) == 40
    assert manual.path.exists()  # a manual backup is never rotated
    assert all(b.verified for b in listed)


def test_rotation_leaves_alone_what_it_does_not_own(filled: Database, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    source = backup.create_backup(filled, folder, reason="exit", now=datetime(2024, 1, 1, 18))
    keep = [
        "wsjc-20240102-180000-manual.db",
        "wsjc-20240103-180000-before-restore.db",
        "wsjc.before-upgrade-0001-20240104-180000.db",
        "other-20240105-180000-exit.db",  # another database's own series
        "notes.db",
    ]
    for name in keep:
        (folder / name).write_bytes(source.path.read_bytes())
    for day in range(1, 4):
        (folder / f"wsjc-202402{day:02d}-180000-exit.db").write_bytes(source.path.read_bytes())
    future = folder / "wsjc-20990101-180000-exit.db"  # a clock once set wrong
    future.write_bytes(source.path.read_bytes())

    removed = backup.rotate(folder, today=date(2024, 3, 1), keep_daily=1, keep_monthly=1, stem="wsjc")
    assert sorted(p.name for p in removed) == [
        "wsjc-20240101-180000-exit.db",
        "wsjc-20240201-180000-exit.db",
        "wsjc-20240202-180000-exit.db",
    ]
    assert set(folder_names(folder)) == {*keep, "wsjc-20240203-180000-exit.db", future.name}


def test_rotation_never_removes_the_newest_good_backup(filled: Database, tmp_path: Path) -> None:
    """The last five backups were damaged on the disk later on: the rule alone would keep
    only damaged copies; the newest good one stays as well."""
    folder = tmp_path / "backups"
    for i in range(1, 11):
        cadre(filled, 1, f"干部{i}", note="备注" * 400)
        backup.create_backup(filled, folder, reason="exit", now=datetime(2026, 3, i, 18))
    for i in range(6, 11):
        corrupt(folder / f"wsjc-202603{i:02d}-180000-exit.db", at=0.0, length=100)
    removed = backup.rotate(folder, today=date(2026, 3, 10), keep_daily=3, keep_monthly=0)
    assert len(removed) == 6
    assert folder_names(folder) == [
        "wsjc-20260305-180000-exit.db",
        "wsjc-20260308-180000-exit.db",
        "wsjc-20260309-180000-exit.db",
        "wsjc-20260310-180000-exit.db",
    ]
    good = backup.newest_good_backup(folder)
    assert good is not None and good.path.name == "wsjc-20260305-180000-exit.db"


# --- automatic backups ---------------------------------------------------------------------------


def test_start_backs_up_once_a_day_and_exit_always(filled: Database, db_path: Path) -> None:
    folder = db_path.parent / "backups"
    first = backup.auto_backup(filled, "start", now=NOW)
    assert first is not None and first.reason == "start" and first.path.parent == folder
    assert backup.auto_backup(filled, "start", now=NOW + timedelta(hours=3)) is None
    assert folder_names(folder) == [first.path.name]

    exit_one = backup.auto_backup(filled, "exit", now=NOW + timedelta(hours=9))
    assert exit_one is not None
    assert folder_names(folder) == [exit_one.path.name]  # the newest of the day is kept
    assert backup.auto_backup(filled, "start", now=NOW + timedelta(hours=10)) is None  # still today
    exit_two = backup.auto_backup(filled, "exit", now=NOW + timedelta(hours=11))
    assert exit_two is not None and folder_names(folder) == [exit_two.path.name]

    tomorrow = backup.auto_backup(filled, "start", now=NOW + timedelta(days=1))
    assert tomorrow is not None
    assert folder_names(folder) == [exit_two.path.name, tomorrow.path.name]


def test_a_manual_backup_today_counts_for_the_start(filled: Database) -> None:
    backup.create_backup(filled, now=NOW)
    assert backup.auto_backup(filled, "start", now=NOW + timedelta(hours=1)) is None


def test_a_backup_of_today_that_no_longer_opens_does_not_count(filled: Database, db_path: Path) -> None:
    first = backup.auto_backup(filled, "start", now=NOW)
    assert first is not None
    first.path.write_bytes(b"garbage" * 1000)
    again = backup.auto_backup(filled, "start", now=NOW + timedelta(hours=1))
    assert again is not None and backup.verify_backup(again.path).ok


# --- restoring ------------------------------------------------------------------------------------


def test_restore_replaces_the_data_and_keeps_a_safety_copy(filled: Database, db_path: Path) -> None:
    made = backup.create_backup(filled, now=NOW)
    later = unit(filled, "区审计局")
    records.delete(filled, "cadres", 1)
    filled.dispose()

    safety = backup.restore(made.path, db_path, now=NOW + timedelta(hours=2))
    assert safety == db_path.parent / "backups" / "wsjc-20261122-103000-before-restore.db"
    assert not Path(f"{db_path}-wal").exists() and not Path(f"{db_path}-shm").exists()
    assert [p.name for p in db_path.parent.iterdir() if p.name.startswith(".")] == []

    reopened = open_database(db_path)
    try:
        assert {u["full_name"] for u in records.list_records(reopened, "units")} == {"区财政局", "区教育局"}
        assert len(records.list_records(reopened, "cadres")) == 4
    finally:
        reopened.dispose()
    kept = backup.verify_backup(safety)
    assert kept.ok and kept.counts["units"] == 3 and kept.counts["cadres"] == 3
    assert later  # the unit made after the backup lives on in the safety copy only
    listed = {b.path: b for b in backup.list_backups(safety.parent)}
    assert listed[safety].reason == "before-restore"
    assert backup.rotate(safety.parent, today=date(2030, 1, 1), keep_daily=0, keep_monthly=0) == []


def test_a_bad_backup_is_refused_and_the_database_is_untouched(filled: Database, db_path: Path) -> None:
    made = backup.create_backup(filled, now=NOW)
    filled.dispose()
    corrupt(made.path, at=0.0, length=200)  # even the header
    before = digest(db_path)
    with pytest.raises(UserError, match="不能用来恢复"):
        backup.restore(made.path, db_path, now=NOW)
    assert digest(db_path) == before
    assert folder_names(made.path.parent) == [made.path.name]  # no safety copy was made
    with pytest.raises(UserError, match="不能用来恢复"):
        backup.restore(db_path.parent / "missing.db", db_path, now=NOW)
    assert digest(db_path) == before


def test_restoring_over_a_damaged_file_keeps_its_bytes_as_they_were(filled: Database, db_path: Path) -> None:
    made = backup.create_backup(filled, now=NOW)
    filled.dispose()
    db_path.write_bytes(b"\x00garbage" * 5000)
    damaged = db_path.read_bytes()
    safety = backup.restore(made.path, db_path, now=NOW + timedelta(minutes=5))
    assert safety is not None and safety.read_bytes() == damaged
    assert backup.verify_backup(db_path).counts == made.counts


def test_restore_into_a_missing_file(filled: Database, tmp_path: Path) -> None:
    made = backup.create_backup(filled, now=NOW)
    target = tmp_path / "new" / "wsjc.db"
    assert backup.restore(made.path, target, now=NOW) is None
    assert backup.verify_backup(target).counts == made.counts


def test_a_backup_from_a_newer_program_is_refused(filled: Database, db_path: Path, tmp_path: Path) -> None:
    made = backup.create_backup(filled, now=NOW)
    newer = tmp_path / "newer.db"
    newer.write_bytes(made.path.read_bytes())
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    filled.dispose()
    before = digest(db_path)
    with pytest.raises(UserError, match="更新版本"):
        backup.restore(newer, db_path, now=NOW)
    assert digest(db_path) == before


def test_restoring_the_database_onto_itself_is_refused(filled: Database, db_path: Path) -> None:
    filled.dispose()
    with pytest.raises(UserError, match="当前数据库本身"):
        backup.restore(db_path, db_path)


def test_backup_info_is_plain_data() -> None:
    info = BackupInfo(Path("x.db"), NOW, "exit", 2048)
    assert info.automatic and info.reason_label == "退出时自动备份"
    assert backup.format_size(2048) == "2 KB" and backup.format_size(5 * 1024 * 1024) == "5.0 MB"
    assert backup.describe_counts({"units": 2, "cadres": 4}) == "监督单位 2，监察对象 4"


def test_an_encrypted_database_has_encrypted_backups(tmp_path: Path) -> None:
    from wsjc_desktop.storage import crypto

    key = "正确的口令 horse battery"
    db_path = tmp_path / "secret.db"
    db = open_database(db_path, key=key)
    try:
        unit(db, "区财政局")
        made = backup.create_backup(db, now=NOW)  # the key comes from the open database
        assert made.verified and made.counts["units"] == 1
        unit(db, "备份之后的单位")
    finally:
        db.dispose()
    assert crypto.is_encrypted(made.path)
    assert backup.verify_backup(made.path, key).ok
    without = backup.verify_backup(made.path)
    assert not without.ok and "口令" in (without.problem or "")
    assert not backup.verify_backup(made.path, "another passphrase").ok
    [listed] = backup.list_backups(made.path.parent, key=key)
    assert listed.verified and listed.counts == made.counts

    with pytest.raises(UserError, match="不能用来恢复"):
        backup.restore(made.path, db_path)  # no key: refused, nothing touched
    safety = backup.restore(made.path, db_path, key=key, now=NOW + timedelta(hours=1))
    assert safety is not None and crypto.is_encrypted(safety)
    assert backup.verify_backup(safety, key).counts["units"] == 2
    reopened = open_database(db_path, key=key)
    try:
        assert backup.current_counts(reopened)["units"] == 1
    finally:
        reopened.dispose()
