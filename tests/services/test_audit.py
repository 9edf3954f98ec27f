"""The audit log: append-only in the file itself, read back filtered and decoded."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import IntegrityError

from tests.support.builders import member, unit
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.services import audit, auth, records
from wsjc_desktop.services.auth import NewMember
from wsjc_desktop.services.check import check_database
from wsjc_desktop.storage import migrate
from wsjc_desktop.storage.database import Database, open_database

TRIGGERS = {"audit_entries_no_update", "audit_entries_no_delete"}


def triggers(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        con.close()


def entry_count(db: Database) -> int:
    return audit.count(db)


# --- append-only -----------------------------------------------------------------------


def test_entries_cannot_be_updated_or_deleted(db: Database) -> None:
    unit(db)
    before = entry_count(db)
    assert before == 1
    with db.engine.connect() as conn:
        for stmt in (
            update(m.AuditEntry).values(summary="改过"),
            update(m.AuditEntry).values(member_id=None),
            delete(m.AuditEntry),
            text("DELETE FROM audit_entries WHERE id = 1"),
        ):
            with pytest.raises(IntegrityError, match="append-only"):
                conn.execute(stmt)
            conn.rollback()
    # through the ORM in a unit of work too: the whole transaction is refused
    with db.uow() as uow:
        entry = uow.session.scalars(select(m.AuditEntry)).one()
        entry.summary = "改过"
        with pytest.raises(IntegrityError, match="append-only"):
            uow.commit()
    # and by any other program opening the file
    con = sqlite3.connect(db.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM audit_entries")
    con.close()
    rows = audit.query(db)
    assert [(r.action, r.summary) for r in rows] == [(AuditAction.CREATE, None)]


def test_a_new_file_has_the_triggers(db: Database) -> None:
    assert triggers(db.path) >= TRIGGERS


def test_migrating_from_0002_keeps_the_entries_and_adds_the_triggers(db_path: Path) -> None:
    migrate.upgrade(db_path, "0002")
    con = sqlite3.connect(db_path)
    for i, action in enumerate(("create", "update", "login"), start=1):
        con.execute(
            "INSERT INTO audit_entries (id, uid, at, action, table_name, record_id, summary, after,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, 'units', 1, ?, ?, ?, ?)",
            (
                i,
                f"a-{i}",
                f"2025-03-0{i} 09:00:00",
                action,
                f"旧记录{i}",
                '{"full_name": "区财政局"}',
                "2025-03-01 09:00:00",
                "2025-03-01 09:00:00",
            ),
        )
    con.commit()
    con.close()
    assert not triggers(db_path) & TRIGGERS
    db = open_database(db_path)  # backs up and upgrades
    try:
        assert migrate.current_revision(db_path) == migrate.HEAD
        assert triggers(db_path) >= TRIGGERS
        rows = audit.query(db)
        assert [(r.id, r.summary, r.at) for r in rows] == [
            (3, "旧记录3", datetime(2025, 3, 3, 9)),
            (2, "旧记录2", datetime(2025, 3, 2, 9)),
            (1, "旧记录1", datetime(2025, 3, 1, 9)),
        ]
        assert rows[0].after == {"full_name": "区财政局"}
        con = sqlite3.connect(db_path)
        with pytest.raises(sqlite3.IntegrityError):
            con.execute("UPDATE audit_entries SET summary = 'x' WHERE id = 1")
        con.close()
        assert check_database(db_path).ok  # the entries kept are chained (migration 0004)
    finally:
        db.dispose()


def test_nothing_in_the_program_needs_to_change_an_entry(db: Database) -> None:
    """Edits, the recycle bin and restores only ever add entries."""
    unit_id = unit(db)
    records.update(db, "units", unit_id, {"short_name": "财政"})
    records.delete(db, "units", unit_id)
    records.restore(db, "units", unit_id)
    assert [r.action for r in audit.query(db)] == [
        AuditAction.RESTORE,
        AuditAction.DELETE,
        AuditAction.UPDATE,
        AuditAction.CREATE,
    ]


def test_the_module_offers_no_way_to_change_the_log() -> None:
    public = {name for name in vars(audit) if not name.startswith("_") and callable(vars(audit)[name])}
    assert not {n for n in public if n.startswith(("delete", "update", "remove", "purge", "clear", "edit"))}


# --- reading ----------------------------------------------------------------------------


def add_entry(db: Database, at: datetime, action: AuditAction, summary: str, member_id: int | None) -> None:
    with db.uow() as uow:
        uow.session.add(m.AuditEntry(at=at, action=action, summary=summary, member_id=member_id))
        uow.commit()


@pytest.fixture
def world(db: Database) -> dict[str, int]:
    """Two members who did some work: a unit created and edited, a cadre, a deleted member."""
    first, second = auth.setup_group(
        db,
        "驻区财政局纪检监察组",
        [NewMember("王建国", "组长", "jianguo-1"), NewMember("李秀英", "组员", "xiuying-1")],
    )
    auth.login(db, first, "jianguo-1")
    unit_id = unit(db, "区财政局")
    records.update(db, "units", unit_id, {"short_name": "财政", "head_name": "张局长"})
    auth.login(db, second, "xiuying-1")
    from tests.support.builders import cadre

    cadre(db, unit_id, "赵小兰", position="科长")
    gone = member(db, "临时人员")
    records.delete(db, "members", gone)
    return {"first": first, "second": second, "unit": unit_id, "gone": gone}


def test_query_decodes_and_describes(db: Database, world: dict[str, int]) -> None:
    rows = audit.query(db, table="units")
    assert [r.action for r in rows] == [AuditAction.UPDATE, AuditAction.CREATE]
    edit = rows[0]
    assert edit.member_name == "王建国" and edit.member_id == world["first"]
    assert edit.before == {"short_name": None, "head_name": None}
    assert edit.after == {"short_name": "财政", "head_name": "张局长"}
    assert edit.changed == ("short_name", "head_name")  # in the order of the unit's fields
    assert edit.description == "修改：简称、主要负责人"
    assert edit.object_text == f"监督单位 #{world['unit']} 区财政局"
    created = rows[1]
    assert created.before is None and created.after is not None
    assert created.after["full_name"] == "区财政局" and created.description == "新建"
    details = audit.details(edit, dict(audit.members(db)))
    assert details[:2] == [("简称", "", "财政", True), ("主要负责人", "", "张局长", True)]
    # deleted records keep their title in the log
    gone = audit.query(db, table="members", action=AuditAction.DELETE)
    assert [(r.record_title, r.description) for r in gone] == [("临时人员", "移入回收站")]


def test_filters(db: Database, world: dict[str, int]) -> None:
    everything = audit.query(db, limit=1000)
    assert len(everything) == audit.count(db) > 8
    assert [r.id for r in everything] == sorted((r.id for r in everything), reverse=True)  # newest first
    pages = [audit.query(db, limit=4, offset=o) for o in range(0, len(everything) + 4, 4)]
    assert [r.id for page in pages for r in page] == [r.id for r in everything]

    by_second = audit.query(db, member_id=world["second"], limit=1000)
    assert by_second and {r.member_name for r in by_second} == {"李秀英"}
    assert audit.count(db, member_id=world["second"]) == len(by_second)
    nobody = audit.query(db, member_id=audit.NO_MEMBER)
    assert {r.summary for r in nobody} == {"设置登录口令", None}  # the set-up, before anyone logged in

    assert [r.summary for r in audit.query(db, action="login")] == ["登录", "登录"]
    assert [r.record_title for r in audit.query(db, table="cadres")] == ["赵小兰"]
    assert {r.table_name for r in audit.query(db, text="张局长")} == {"units"}
    assert audit.query(db, text="张局长 科长") == []  # every word must match
    assert audit.count(db, text="50%_") == 0  # LIKE wildcards are plain characters
    assert audit.tables(db)[:3] == ["members", "units", "cadres"]

    add_entry(db, datetime(2025, 12, 31, 23, 59), AuditAction.EXPORT, "去年的导出", world["first"])
    add_entry(db, datetime(2026, 1, 1, 0, 0), AuditAction.EXPORT, "今年的导出", world["first"])
    exports = audit.query(db, action=AuditAction.EXPORT, end=date(2025, 12, 31))
    assert [r.summary for r in exports] == ["去年的导出"]
    exports = audit.query(db, action=AuditAction.EXPORT, start=date(2026, 1, 1), end=date(2026, 1, 1))
    assert [r.summary for r in exports] == ["今年的导出"]
    assert audit.count(db, action="export", start=date(2025, 12, 31), end=date(2026, 1, 1)) == 2


def test_export_writes_the_filtered_log_and_is_logged(
    db: Database, world: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "审计日志.xlsx"
    written = audit.export_log(db, out, table="units")
    assert written == 2
    sheet = load_workbook(out).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][:5] == ("时间", "人员", "操作", "对象", "摘要")
    assert values[2][1:3] == ("王建国", "修改")
    assert "主要负责人：张局长" in str(values[2][6])
    last = audit.query(db, limit=1)[0]
    assert (last.action, last.summary) == (AuditAction.EXPORT, "导出审计日志 2 条：审计日志.xlsx")


def test_an_entry_with_no_member_names_who_else_acted(
    db: Database, world: dict[str, int], tmp_path: Path
) -> None:
    """A command run from the command line (``db.actor``, set by the command) is named where a
    member would be: in the viewer's rows and the export."""
    db.member_id = None
    db.actor = "命令行（zhang）"
    unit(db, "区审计局")
    row = audit.query(db, limit=1)[0]
    assert (row.member_id, row.actor, row.member_name) == (None, "命令行（zhang）", "命令行（zhang）")
    assert row in audit.query(db, member_id=audit.NO_MEMBER)  # nobody logged in, as before
    db.member_id = world["first"]  # a member named with --member: the member is shown
    unit(db, "区统计局")
    row = audit.query(db, limit=1)[0]
    assert (row.member_name, row.actor) == ("王建国", "命令行（zhang）")
    db.actor = None
    out = tmp_path / "审计日志.xlsx"
    audit.export_log(db, out, table="units")
    sheet = load_workbook(out).active
    assert sheet is not None
    who = [r[1] for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert who[:2] == ["王建国", "命令行（zhang）"]


def test_a_purge_reads_as_such_in_the_log(db: Database) -> None:
    unit_id = unit(db, "区档案馆")
    records.delete(db, "units", unit_id)
    records.purge(db, "units", unit_id)
    rows = audit.query(db, table="units", action=AuditAction.DELETE)
    assert [r.description for r in rows] == ["彻底删除", "移入回收站"]
    assert rows[0].before is not None and rows[0].before["full_name"] == "区档案馆"
