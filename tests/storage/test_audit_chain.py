"""The audit log's chain: every entry sealed when written, whoever wrote it; tampering behind the
program's back (triggers dropped, an entry edited or deleted, triggers put back or not) found
by ``check`` and by the start-up check, which warns and lets the program go on. Real files."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.builders import unit
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.services import records
from wsjc_desktop.services.check import check_database
from wsjc_desktop.storage import health, migrate
from wsjc_desktop.storage.database import Database, open_database

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SCALE_100 = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "demo-scale100.db"


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """Another program's connection to the file (what someone with the file can do)."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        yield con
    finally:
        con.close()


def logged(db: Database) -> list[int]:
    """A few entries of every kind the unit of work writes: creates, an update, a delete, a
    log-only entry. Returns the ids of the units made."""
    ids = [unit(db, f"第{n}监督单位") for n in range(4)]
    records.update(db, "units", ids[1], {"short_name": "第一"})
    records.delete(db, "units", ids[2])
    with db.uow() as uow:
        uow.add_audit(AuditAction.EXPORT, "导出台账：单位.xlsx", table_name="units")
        uow.commit()
    return ids


def entries(path: Path) -> list[tuple[object, ...]]:
    columns = ", ".join(f'"{c}"' for c in health.CHAIN_COLUMNS)
    with raw(path) as con:
        return con.execute(f"SELECT {columns}, chain_hash FROM audit_entries ORDER BY id").fetchall()


def independent_hash(previous: str, values: tuple[object, ...]) -> str:
    """The chain as documented, computed here without the program's code."""
    text = json.dumps(["wsjc-audit-1", previous, *values], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def assert_chained(path: Path) -> int:
    previous = ""
    rows = entries(path)
    for *values, stored in rows:
        assert stored == independent_hash(previous, tuple(values)), f"entry {values[0]}"
        previous = stored
    return len(rows)


def tamper(path: Path, *statements: str, put_back: bool = True) -> None:
    """Drop the triggers, run ``statements``, and (``put_back``) recreate the triggers exactly."""
    with raw(path) as con:
        con.execute("BEGIN")
        for name in health.AUDIT_TRIGGERS:
            con.execute(f"DROP TRIGGER {name}")
        for sql in statements:
            con.execute(sql)
        if put_back:
            for sql in health.AUDIT_TRIGGERS.values():
                con.execute(sql)
        con.execute("COMMIT")


def at_of(path: Path, entry_id: int) -> str:
    with raw(path) as con:
        return str(con.execute("SELECT at FROM audit_entries WHERE id = ?", (entry_id,)).fetchone()[0])


@pytest.fixture
def logged_file(db: Database) -> Path:
    logged(db)
    path = db.path
    db.dispose()
    return path


# --- written sealed ------------------------------------------------------------------------


def test_every_entry_is_chained_as_it_is_written(db: Database) -> None:
    logged(db)
    db.actor = "命令行（tester）"
    unit(db, "命令行建的单位")
    assert assert_chained(db.path) == 8
    report = check_database(db.path)
    assert report.ok and report.audit_log == "ok", report.problems
    assert health.check_file(db.path).warning == ""


def test_entries_inserted_in_bulk_are_sealed_with_the_others_at_commit(db: Database) -> None:
    """A writer that inserts rows itself (as the roster import does) needs no code of its own."""
    unit(db)
    with db.uow() as uow:
        conn = uow.session.connection()
        for n in range(3):
            conn.exec_driver_sql(
                "INSERT INTO audit_entries (uid, at, action, table_name, record_id, after, created_at,"
                " updated_at) VALUES (?, '2026-03-05 09:00:00.000000', 'create', 'cadres', ?, '{}',"
                " '2026-03-05 09:00:00.000000', '2026-03-05 09:00:00.000000')",
                (f"bulk-{n}", n + 1),
            )
        uow.add_audit(AuditAction.IMPORT, "导入花名册", table_name="cadres")
        uow.commit()
    assert assert_chained(db.path) == 5
    assert check_database(db.path).ok


def test_a_roster_import_is_sealed(db: Database) -> None:
    from wsjc_desktop.services.roster_import import import_roster, preview_roster

    unit(db)
    result = import_roster(db, preview_roster(db, FIXTURES / "roster_sample.xlsx"))
    assert result.imported > 0
    assert assert_chained(db.path) > result.imported
    assert check_database(db.path).ok


def test_a_rolled_back_write_leaves_the_chain_whole(db: Database) -> None:
    unit(db)
    with db.uow() as uow:
        uow.add_audit(AuditAction.EXPORT, "未提交")
        uow.session.flush()
    unit(db, "第二个")
    assert assert_chained(db.path) == 2


def test_the_update_trigger_allows_sealing_an_entry_once_and_nothing_else(db: Database) -> None:
    unit(db)
    with raw(db.path) as con:
        for sql in (
            "UPDATE audit_entries SET chain_hash = 'x'",  # re-sealing a sealed entry
            "UPDATE audit_entries SET chain_hash = NULL",
            "UPDATE audit_entries SET summary = '改过'",
            "UPDATE audit_entries SET actor = '别人'",
            "DELETE FROM audit_entries",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                con.execute(sql)
        con.execute("BEGIN")
        con.execute(
            "INSERT INTO audit_entries (uid, at, action, created_at, updated_at)"
            " VALUES ('u', '2026-01-01 00:00:00', 'login', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):  # unsealed: content stays
            con.execute("UPDATE audit_entries SET summary = 'x', chain_hash = 'y' WHERE uid = 'u'")
        con.execute("UPDATE audit_entries SET chain_hash = 'y' WHERE uid = 'u'")  # sealing: allowed
        con.execute("ROLLBACK")


# --- tampering found ---------------------------------------------------------------------


def test_an_entry_edited_with_the_triggers_put_back_is_reported(logged_file: Path) -> None:
    tamper(logged_file, "UPDATE audit_entries SET summary = '什么也没发生' WHERE id = 3")
    at = at_of(logged_file, 3)
    report = check_database(logged_file)
    assert not report.ok
    assert len(report.problems) == 1, report.problems
    problem = report.problems[0]
    assert "编号 3 " in problem and at[:19] in problem and "被修改" in problem
    assert report.audit_log == problem
    checked = health.check_file(logged_file)  # the start-up check: a warning, not a failure
    assert checked.ok and checked.warning == problem


def test_an_entry_rewritten_with_its_own_hash_recomputed_is_found_by_the_next_one(logged_file: Path) -> None:
    """Whoever rehashes the entry they edit breaks the link to the next one."""
    rows = entries(logged_file)
    values = list(rows[2][:-1])
    values[health.CHAIN_COLUMNS.index("summary")] = "伪造"
    forged = health.entry_hash(rows[1][-1], values)  # type: ignore[arg-type]
    tamper(logged_file, f"UPDATE audit_entries SET summary = '伪造', chain_hash = '{forged}' WHERE id = 3")
    problems = check_database(logged_file).problems
    assert len(problems) == 1 and "编号 4 " in problems[0]


def test_a_deleted_entry_is_reported(logged_file: Path) -> None:
    tamper(logged_file, "DELETE FROM audit_entries WHERE id = 4")
    at = at_of(logged_file, 5)
    problems = check_database(logged_file).problems
    assert len(problems) == 1, problems
    assert "编号 5 " in problems[0] and at[:19] in problems[0]
    assert "编号为 4 的记录已缺失" in problems[0]
    assert health.check_file(logged_file).warning == problems[0]


def test_deleted_first_entries_are_reported(logged_file: Path) -> None:
    tamper(logged_file, "DELETE FROM audit_entries WHERE id <= 2")
    problems = check_database(logged_file).problems
    assert len(problems) == 1 and "编号 3 " in problems[0] and "1–2" in problems[0]


def test_an_entry_added_by_hand_is_reported(logged_file: Path) -> None:
    with raw(logged_file) as con:  # an INSERT needs no trigger dropped; it has no hash
        con.execute(
            "INSERT INTO audit_entries (uid, at, action, summary, created_at, updated_at) VALUES"
            " ('fake', '2026-01-01 08:00:00', 'login', '登录', '2026-01-01 08:00:00', '2026-01-01 08:00:00')"
        )
    problems = check_database(logged_file).problems
    assert len(problems) == 1 and "编号 8 " in problems[0] and "没有校验值" in problems[0]


def test_a_dropped_trigger_left_dropped_is_reported(logged_file: Path) -> None:
    with raw(logged_file) as con:
        con.execute("DROP TRIGGER audit_entries_no_delete")
    problems = check_database(logged_file).problems
    assert problems == [
        "审计日志的防篡改保护已被移除（缺少触发器 audit_entries_no_delete），日志可被修改或删除而不被阻止。"
    ]
    assert health.check_file(logged_file).warning == problems[0]


def test_a_trigger_defused_under_its_own_name_is_reported(logged_file: Path) -> None:
    with raw(logged_file) as con:
        con.execute("DROP TRIGGER audit_entries_no_update")
        con.execute(
            "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries WHEN 0 "
            "BEGIN SELECT RAISE(ABORT, 'x'); END"
        )
    problems = check_database(logged_file).problems
    assert len(problems) == 1 and "audit_entries_no_update" in problems[0] and "改动" in problems[0]


def test_the_window_is_warned_and_goes_on_working(logged_file: Path) -> None:
    tamper(logged_file, "UPDATE audit_entries SET member_id = NULL, summary = '改' WHERE id = 2")
    db = open_database(logged_file, check_in_background=True)  # as the window opens it
    try:
        assert db.check_warning == ""  # not known yet
        db.wait_checked()  # passes: the file is whole, only its log was tampered with
        assert not db.check_failed
        assert "编号 2 " in db.check_warning
        unit(db, "篡改之后新建的单位")  # writes go on, and are chained after the tampered entry
        assert "编号 2 " in db.check_warning
    finally:
        db.dispose()
    problems = check_database(logged_file).problems
    assert len(problems) == 1 and "编号 2 " in problems[0]  # the new entry itself is fine


def test_a_file_opened_with_the_check_first_keeps_the_warning(logged_file: Path) -> None:
    tamper(logged_file, "DELETE FROM audit_entries WHERE id = 2")
    db = open_database(logged_file)
    try:
        assert "编号 3 " in db.check_warning
    finally:
        db.dispose()


def test_an_untouched_demo_file_is_ok(db: Database) -> None:
    from wsjc_desktop.services.demo import generate_demo

    generate_demo(db, scale=1)
    path = db.path
    db.dispose()
    report = check_database(path)
    assert report.ok and report.audit_log == "ok", report.problems
    assert health.check_file(path).warning == ""


# --- files of revision 0003 ---------------------------------------------------------------


def file_at_0003(path: Path, n: int) -> None:
    """A file at revision 0003 with ``n`` entries as that program wrote them."""
    migrate.upgrade(path, "0003")
    with raw(path) as con:
        con.execute("BEGIN")
        con.executemany(
            "INSERT INTO audit_entries (uid, at, member_id, action, table_name, record_id, record_uid,"
            " summary, before, after, created_at, updated_at)"
            " VALUES (?, ?, NULL, ?, 'units', ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    f"a-{i}",
                    f"2025-03-{1 + i % 28:02d} 09:{i % 60:02d}:00.{i:06d}",
                    ("create", "update", "login")[i % 3],
                    i,
                    f"r-{i}",
                    f"旧记录{i}" if i % 2 else None,
                    json.dumps({"full_name": f"单位{i - 1}"}, ensure_ascii=False) if i % 3 == 1 else None,
                    json.dumps({"full_name": f"单位{i}", "note": "备注" * (i % 7)}, ensure_ascii=False),
                    "2025-03-01 09:00:00",
                    "2025-03-01 09:00:00",
                )
                for i in range(1, n + 1)
            ],
        )
        con.execute("COMMIT")


def test_migration_from_0003_chains_the_entries_already_there(db_path: Path, tmp_path: Path) -> None:
    n = health.SEAL_BATCH * 2 + 17  # more than one batch
    file_at_0003(db_path, n)
    twin = tmp_path / "twin.db"
    shutil.copyfile(db_path, twin)
    db = open_database(db_path)  # backs up and upgrades
    db.dispose()
    assert migrate.current_revision(db_path) == migrate.HEAD == "0008"
    assert assert_chained(db_path) == n
    report = check_database(db_path)
    assert report.ok and report.audit_log == "ok", report.problems
    with raw(db_path) as con:
        assert con.execute("SELECT count(*) FROM audit_entries WHERE actor IS NOT NULL").fetchone() == (0,)
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert names >= set(health.AUDIT_TRIGGERS)
    migrate.upgrade(twin)  # deterministic: the same entries give the same chain
    assert entries(twin) == entries(db_path)


def test_migration_from_0003_puts_back_triggers_that_were_dropped(db_path: Path) -> None:
    file_at_0003(db_path, 3)
    with raw(db_path) as con:
        con.execute("DROP TRIGGER audit_entries_no_update")
    migrate.upgrade(db_path)
    assert check_database(db_path).ok


# --- cost ---------------------------------------------------------------------------------


@pytest.mark.skipif(not SCALE_100.exists(), reason="benchmarks/data/demo-scale100.db not built")
def test_verification_time_on_the_scale_100_demo(tmp_path: Path) -> None:
    """On an upgraded copy: the cached benchmark file itself is only read."""
    path = tmp_path / "scale100.db"
    shutil.copyfile(SCALE_100, path)
    try:
        migrate.ensure_schema(path)
        with raw(path) as con:
            check_audit = health.check_audit_log(con)  # warms the cache too
            started = time.perf_counter()
            check_audit = health.check_audit_log(con)
            seconds = time.perf_counter() - started
        whole = health.check_file(path)
    finally:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
    print(
        f"\naudit chain of demo --scale 100 ({check_audit.entries} entries): {seconds * 1000:.1f} ms;"
        f" whole start-up check {whole.seconds:.2f} s"
    )
    assert check_audit.ok and whole.ok and not whole.warning
    assert seconds < 5


@pytest.mark.slow
def test_verification_time_on_a_large_log(db_path: Path) -> None:
    """200,000 entries (years of heavy use, or twenty 10,000-row roster imports)."""
    n = 200_000
    file_at_0003(db_path, n)
    started = time.perf_counter()
    migrate.upgrade(db_path)
    migrated = time.perf_counter() - started
    with raw(db_path) as con:
        started = time.perf_counter()
        check_audit = health.check_audit_log(con)
        seconds = time.perf_counter() - started
    print(f"\n{n} entries: migration 0004 {migrated:.2f} s, chain verified in {seconds:.2f} s")
    assert check_audit.ok and check_audit.entries == n
    assert seconds < 30


def test_an_encrypted_file_is_chained_and_checked_with_its_key(tmp_path: Path) -> None:
    key = "correct horse battery"
    path = tmp_path / "enc.db"
    db = open_database(path, key=key)
    try:
        logged(db)
    finally:
        db.dispose()
    report = check_database(path, key=key)
    assert report.ok and report.audit_log == "ok", report.problems
    checked = health.check_file(path, key)
    assert checked.ok and checked.encrypted and checked.warning == ""
