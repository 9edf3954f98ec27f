"""The file's settings, transactions, audit stamps and change notices, on real SQLite files."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.domain.models import AuditEntry, Member, Unit
from wsjc_desktop.errors import UserError
from wsjc_desktop.storage.database import Database, open_database


def test_connection_pragmas(db: Database) -> None:
    with db.read() as uow:
        conn = uow.session.connection()
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_uncommitted_work_is_rolled_back(db: Database, db_path: Path) -> None:
    with db.uow() as uow:
        uow.session.add(Unit(full_name="区财政局"))
        uow.session.flush()
    with pytest.raises(RuntimeError), db.uow() as uow:
        uow.session.add(Unit(full_name="区教育局"))
        uow.session.flush()
        raise RuntimeError("boom")
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT count(*) FROM units").fetchone() == (0,)


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(Exception, match="FOREIGN KEY"), db.uow() as uow:
        uow.session.execute(
            text(
                "INSERT INTO cadres (name, unit_id, is_leader, is_top_leader, status, uid,"
                " created_at, updated_at)"
                " VALUES ('张三', 999, 0, 0, 'serving', 'x', '2026-01-01', '2026-01-01')"
            )
        )


def test_writes_are_stamped_and_audited(db: Database) -> None:
    with db.uow() as uow:
        member = Member(name="李明")
        uow.session.add(member)
        uow.commit()
    db.member_id = member.id
    with db.uow() as uow:
        unit = Unit(full_name="区财政局")
        uow.session.add(unit)
        uow.commit()
    with db.uow() as uow:
        stored = uow.session.get(Unit, unit.id)
        assert stored is not None
        stored.short_name = "财政局"
        uow.commit()
    with db.read() as uow:
        stored = uow.session.get(Unit, unit.id)
        assert stored is not None
        assert stored.created_by_id == member.id and stored.updated_by_id == member.id
        assert stored.updated_at >= stored.created_at
        assert len(stored.uid) == 36
        entries = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.table_name == "units").order_by(AuditEntry.id)
        ).all()
    assert [e.action for e in entries] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert entries[1].member_id == member.id
    assert '"short_name": "财政局"' in (entries[1].after or "")
    assert '"short_name": null' in (entries[1].before or "")


def test_commit_announces_what_changed(db: Database) -> None:
    seen: list[ChangeSet] = []
    unsubscribe = db.subscribe(seen.append)
    with db.uow() as uow:
        uow.session.add(Unit(full_name="区财政局"))
        uow.commit()
    with db.uow() as uow:
        uow.session.add(Unit(full_name="区教育局"))  # not committed: no notice
    assert len(seen) == 1
    assert seen[0].created["units"] == {1}
    unsubscribe()
    with db.uow() as uow:
        uow.session.add(Unit(full_name="区商务局"))
        uow.commit()
    assert len(seen) == 1


def test_second_writer_waits_then_gets_a_chinese_message(db_path: Path) -> None:
    first = open_database(db_path)
    second = Database(db_path)
    import wsjc_desktop.storage.database as database_module

    holding = threading.Event()
    release = threading.Event()

    def hold_lock() -> None:
        with first.uow() as uow:
            uow.session.add(Unit(full_name="区财政局"))
            uow.session.flush()
            holding.set()
            release.wait(10)
            uow.commit()

    worker = threading.Thread(target=hold_lock)
    worker.start()
    assert holding.wait(5)
    original = database_module.BUSY_TIMEOUT_MS
    try:
        database_module.BUSY_TIMEOUT_MS = 200
        quick = Database(db_path)
        with pytest.raises(UserError, match="另一程序"), quick.uow() as uow:
            uow.session.add(Unit(full_name="区教育局"))
            uow.commit()
        quick.dispose()
    finally:
        database_module.BUSY_TIMEOUT_MS = original
        release.set()
        worker.join()
    # readers are never blocked by the writer, and the first write landed
    with second.read() as uow:
        assert [u.full_name for u in uow.session.scalars(select(Unit))] == ["区财政局"]
    first.dispose()
    second.dispose()


def test_read_only_database_refuses_writes(db: Database, db_path: Path) -> None:
    with db.uow() as uow:
        uow.session.add(Unit(full_name="区财政局"))
        uow.commit()
    ro = open_database(db_path, readonly=True)
    with ro.read() as uow:
        assert uow.session.scalar(select(Unit.full_name)) == "区财政局"
    with pytest.raises(UserError, match="只读"), ro.uow():
        pass
    ro.dispose()


def test_open_missing_file_read_only_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="不存在"):
        open_database(tmp_path / "nope.db", readonly=True)


def test_not_a_database_is_a_user_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(UserError, match=r"损坏|不是本程序"):
        open_database(bogus)
