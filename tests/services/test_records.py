"""Create / update / delete / restore / get / list for the record types, with their rules."""

from __future__ import annotations

import sqlite3
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import DatabaseError

from tests.support.builders import agency_code, cadre, id_number, member, unit
from wsjc_desktop.domain.enums import CadreRank, Gender, MeetingType, NoticeKind, TalkKind, UnitType
from wsjc_desktop.errors import DuplicateError, NotFoundError, UserError
from wsjc_desktop.services import records
from wsjc_desktop.services.records import RecordFilter
from wsjc_desktop.storage.database import Database


def count_rows(path: Path, table: str) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


# --- create and validate ---------------------------------------------------------------


def test_create_and_get_a_unit(db: Database) -> None:
    uid = records.create(
        db, "units", {"full_name": " 区发展和改革委员会 ", "short_name": "区发改委", "unit_type": "机关"}
    )
    row = records.get(db, "units", uid)
    assert row["full_name"] == "区发展和改革委员会"
    assert row["unit_type"] is UnitType.AGENCY  # accepted by its Chinese label
    assert row["in_scope"] is True
    assert len(row["uid"]) == 36


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": ""}, "name", "请填写姓名"),
        ({"name": "张三", "unit_id": None}, "unit_id", "请选择单位"),
        ({"name": "张三", "unit_id": 999}, "unit_id", "不存在或已被删除"),
        ({"name": "张三", "rank": "副部级"}, "rank", "不是可选项"),
        ({"name": "张三", "birth_date": "1975-02-30"}, "birth_date", "出生年月"),
        ({"name": "张三", "birth_date": date.today() + timedelta(days=40)}, "birth_date", "不能晚于"),
        ({"name": "张三", "id_number": "110105197503150120"}, "id_number", "校验码"),
        ({"name": "张三", "phone": "12345"}, "phone", "联系电话"),
        (
            {"name": "张三", "birth_date": "1980-05", "party_join_date": "1979-01"},
            "party_join_date",
            "入党时间",
        ),
        ({"name": "张" * 51}, "name", "不能超过50个字"),
    ],
)
def test_bad_cadre_input_names_the_field(
    db: Database, db_path: Path, values: dict[str, object], field: str, message: str
) -> None:
    unit_id = unit(db)
    data = {"unit_id": unit_id, **values}
    with pytest.raises(UserError, match=message) as info:
        records.create(db, "cadres", data)
    assert info.value.field == field
    assert count_rows(db_path, "cadres") == 0


def test_cadre_values_are_normalised(db: Database) -> None:
    unit_id = unit(db)
    number = id_number(date(1975, 3, 15), seq=124)  # 17th digit 4: female
    cid = cadre(
        db,
        unit_id,
        "张  三",
        id_number=number.lower().replace("x", "x") + "",
        phone="138 0013 8000",
        rank="处级",
        is_top_leader="是",
    )
    row = records.get(db, "cadres", cid)
    assert row["name"] == "张三"
    assert row["id_number"] == number.upper()
    assert row["birth_date"] == date(1975, 3, 15)  # filled from the ID number
    assert row["gender"] is Gender.FEMALE
    assert row["phone"] == "13800138000"
    assert row["rank"] is CadreRank.DIVISION
    assert row["is_top_leader"] is True and row["is_leader"] is True


def test_id_number_must_agree_with_birth_date_and_gender(db: Database) -> None:
    unit_id = unit(db)
    number = id_number(date(1975, 3, 15), seq=123)  # odd: male
    with pytest.raises(UserError, match="不一致") as info:
        cadre(db, unit_id, id_number=number, birth_date="1976-03")
    assert info.value.field == "id_number"
    with pytest.raises(UserError, match="性别"):
        cadre(db, unit_id, id_number=number, gender="女")


def test_duplicate_cadres_are_refused(db: Database) -> None:
    unit_a, unit_b = unit(db), unit(db, "区教育局")
    number = id_number(date(1980, 1, 2))
    cadre(db, unit_a, "张三", id_number=number)
    with pytest.raises(DuplicateError, match="身份证号与已有干部“张三”"):
        cadre(db, unit_b, "张叁", id_number=number)
    cadre(db, unit_a, "李四", birth_date="1982.3")
    with pytest.raises(DuplicateError, match="同名、同出生年月"):
        cadre(db, unit_a, "李四", birth_date="1982年3月")
    cadre(db, unit_b, "李四", birth_date="1982.3")  # another unit: a different person


def test_duplicate_unit_names_are_refused(db: Database) -> None:
    unit(db, "区财政局")
    with pytest.raises(DuplicateError, match="已存在"):
        unit(db, "区财政局")


# --- update ---------------------------------------------------------------------------


def test_update_changes_only_given_fields(db: Database) -> None:
    unit_id = unit(db)
    cid = cadre(db, unit_id, position="局长", phone="13800138000")
    records.update(db, "cadres", cid, {"position": "党组书记、局长"})
    row = records.get(db, "cadres", cid)
    assert row["position"] == "党组书记、局长"
    assert row["phone"] == "13800138000"


def test_update_to_a_duplicate_is_refused_and_nothing_changes(db: Database) -> None:
    unit_id = unit(db)
    cadre(db, unit_id, "张三", birth_date="1980-01")
    other = cadre(db, unit_id, "张四", birth_date="1980-01")
    with pytest.raises(DuplicateError):
        records.update(db, "cadres", other, {"name": "张三"})
    assert records.get(db, "cadres", other)["name"] == "张四"


def test_program_set_fields_cannot_be_written_as_input(db: Database) -> None:
    unit_id = unit(db)
    with pytest.raises(ValueError, match="set by the program"):
        records.create(
            db, "alert_notices", {"kind": "copy_notice", "unit_id": unit_id, "title": "x", "doc_number": "1"}
        )


def test_missing_record_is_a_user_error(db: Database) -> None:
    with pytest.raises(NotFoundError, match="不存在"):
        records.update(db, "units", 42, {"short_name": "x"})


# --- many-to-many and atomicity -------------------------------------------------------


def test_talk_with_several_cadres(db: Database, db_path: Path) -> None:
    unit_id = unit(db)
    talker, recorder = member(db, "李明"), member(db, "王芳")
    ids = [cadre(db, unit_id, name) for name in ("张三", "李四", "王五")]
    talk_id = records.create(
        db,
        "talks",
        {
            "held_on": "2026-03-05",
            "kind": TalkKind.INTEGRITY,
            "cadre_ids": ids,
            "talker_id": talker,
            "recorder_id": recorder,
            "start_time": "9:30",
            "end_time": "10:15",
        },
    )
    row = records.get(db, "talks", talk_id)
    assert row["cadre_ids"] == sorted(ids)
    assert row["start_time"] == time(9, 30)
    records.update(db, "talks", talk_id, {"cadre_ids": ids[:1]})
    assert records.get(db, "talks", talk_id)["cadre_ids"] == ids[:1]
    assert count_rows(db_path, "talk_cadres") == 1


def test_failed_write_leaves_nothing_half_written(db: Database, db_path: Path) -> None:
    unit_id = unit(db)
    good = cadre(db, unit_id)
    with pytest.raises(UserError, match="干部"):
        records.create(db, "talks", {"held_on": "2026-03-05", "kind": "integrity", "cadre_ids": [good, 999]})
    with pytest.raises(UserError, match="请选择谈话对象"):
        records.create(db, "talks", {"held_on": "2026-03-05", "kind": "integrity", "cadre_ids": []})
    with pytest.raises(UserError, match="结束时间"):
        records.create(
            db,
            "talks",
            {
                "held_on": "2026-03-05",
                "kind": "integrity",
                "cadre_ids": [good],
                "start_time": "10:00",
                "end_time": "9:00",
            },
        )
    assert count_rows(db_path, "talks") == 0
    assert count_rows(db_path, "talk_cadres") == 0


# --- delete, recycle bin, restore -----------------------------------------------------


def test_delete_goes_to_the_recycle_bin_with_its_sections(db: Database) -> None:
    unit_id = unit(db)
    cid = cadre(db, unit_id)
    fam_alone = records.create(db, "family_members", {"cadre_id": cid, "relation": "父亲", "name": "张大山"})
    records.delete(db, "family_members", fam_alone)  # deleted on its own, earlier
    fam = records.create(db, "family_members", {"cadre_id": cid, "relation": "配偶", "name": "李丽"})
    records.delete(db, "cadres", cid)
    assert records.list_records(db, "cadres") == []
    assert records.list_records(db, "family_members", RecordFilter(cadre_id=cid)) == []
    with pytest.raises(NotFoundError):
        records.get(db, "cadres", cid)
    bin_items = records.recycle_bin(db)
    assert [(i.table, i.record_id) for i in bin_items] == [("cadres", cid), ("family_members", fam_alone)]
    assert bin_items[0].label == "监察对象" and bin_items[0].title == "张三"

    records.restore(db, "cadres", cid)
    assert [r["id"] for r in records.list_records(db, "family_members", RecordFilter(cadre_id=cid))] == [fam]
    with pytest.raises(UserError, match="不在回收站"):
        records.restore(db, "cadres", cid)


def test_restore_needs_its_parent_back_first(db: Database) -> None:
    unit_id = unit(db)
    cid = cadre(db, unit_id)
    fam = records.create(db, "family_members", {"cadre_id": cid, "relation": "配偶", "name": "李丽"})
    records.delete(db, "family_members", fam)
    records.delete(db, "cadres", cid)
    with pytest.raises(UserError, match="请先恢复"):
        records.restore(db, "family_members", fam)


def test_unit_with_cadres_cannot_be_deleted(db: Database) -> None:
    unit_id = unit(db)
    cid = cadre(db, unit_id)
    with pytest.raises(UserError, match="还有1名干部"):
        records.delete(db, "units", unit_id)
    records.delete(db, "cadres", cid)
    records.delete(db, "units", unit_id)
    with pytest.raises(UserError, match="已在回收站中"):
        records.restore(db, "cadres", cid)
    records.restore(db, "units", unit_id)
    records.restore(db, "cadres", cid)


def test_restore_that_would_duplicate_is_refused(db: Database) -> None:
    unit_id = unit(db)
    first = cadre(db, unit_id, "张三", birth_date="1980-01")
    records.delete(db, "cadres", first)
    cadre(db, unit_id, "张三", birth_date="1980-01")
    with pytest.raises(DuplicateError):
        records.restore(db, "cadres", first)


def test_the_recycle_bin_says_who_deleted_each_record(db: Database) -> None:
    writer, deleter = member(db, "王建国"), member(db, "李红")
    db.member_id = writer
    unit_id = unit(db)
    first, second = cadre(db, unit_id, "张三"), cadre(db, unit_id, "李四")
    db.member_id = deleter
    records.delete(db, "cadres", first)  # written by one member, deleted by another
    db.member_id = None  # nobody logged in
    records.delete(db, "cadres", second)
    db.member_id = writer
    records.update(db, "units", unit_id, {"note": "改过"})  # later writes elsewhere change nothing
    assert [(i.title, i.deleted_by) for i in records.recycle_bin(db)] == [("李四", ""), ("张三", "李红")]
    records.restore(db, "cadres", first)
    records.delete(db, "cadres", first)
    newest = records.recycle_bin(db)[0]
    assert (newest.title, newest.deleted_by) == ("张三", "王建国")


def audit_deletes(path: Path, table: str) -> list[tuple[int, str | None, str | None]]:
    """(record id, before, after) of the audit log's delete entries for ``table``."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            "SELECT record_id, before, after FROM audit_entries WHERE action = 'delete' AND table_name = ?"
            " ORDER BY id",
            (table,),
        ).fetchall()
        return [(int(r[0]), r[1], r[2]) for r in rows]
    finally:
        con.close()


def test_purge_removes_the_record_and_what_belongs_to_it(db: Database, db_path: Path) -> None:
    unit_id = unit(db)
    cid, other = cadre(db, unit_id, "张三"), cadre(db, unit_id, "李四")
    earlier = records.create(db, "family_members", {"cadre_id": cid, "relation": "父亲", "name": "张大山"})
    records.delete(db, "family_members", earlier)  # in the bin on its own, before the cadre
    spouse = records.create(db, "family_members", {"cadre_id": cid, "relation": "配偶", "name": "李丽"})
    report = records.create(db, "duty_reports", {"cadre_id": cid, "year": 2025})
    kept = records.create(db, "family_members", {"cadre_id": other, "relation": "配偶", "name": "王芳"})
    records.delete(db, "cadres", cid)
    entries_before = count_rows(db_path, "audit_entries")

    plan = records.purge_plan(db, "cadres", cid)
    assert (plan.label, plan.title) == ("监察对象", "张三")
    assert plan.with_it_text == "家庭成员及主要社会关系 2 条、述责述廉 1 条"
    assert count_rows(db_path, "cadres") == 2  # asking changes nothing

    records.purge(db, "cadres", cid)
    assert records.recycle_bin(db) == []
    with pytest.raises(NotFoundError):
        records.get(db, "cadres", cid, include_deleted=True)
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("SELECT id FROM cadres").fetchall() == [(other,)]
        assert con.execute("SELECT id FROM family_members").fetchall() == [(kept,)]
        assert con.execute("SELECT count(*) FROM duty_reports").fetchone() == (0,)
    finally:
        con.close()
    # each row removed is in the audit log with its values, and the log only grew
    assert count_rows(db_path, "audit_entries") == entries_before + 4
    hard = [(rid, before) for rid, before, after in audit_deletes(db_path, "cadres") if after is None]
    assert [rid for rid, _ in hard] == [cid] and "张三" in str(hard[0][1])
    gone = {rid for rid, _before, after in audit_deletes(db_path, "family_members") if after is None}
    assert gone == {earlier, spouse}
    assert [rid for rid, _b, after in audit_deletes(db_path, "duty_reports") if after is None] == [report]
    with pytest.raises(NotFoundError, match="不存在"):
        records.purge(db, "cadres", cid)


def test_purge_is_refused_while_other_records_name_it(db: Database, db_path: Path) -> None:
    unit_id = unit(db, "区财政局")
    cid = cadre(db, unit_id, "张三")
    talk = records.create(db, "talks", {"held_on": "2026-03-05", "kind": "integrity", "cadre_ids": [cid]})
    clue_values = {
        "received_on": "2026-03-01",
        "source": "信访举报",
        "summary": "反映问题",
        "disposal": "pending",
    }
    clue = records.create(db, "clues", {**clue_values, "cadre_id": cid})
    records.delete(db, "clues", clue)
    records.delete(db, "cadres", cid)
    with pytest.raises(UserError) as refused:
        records.purge_plan(db, "cadres", cid)
    assert refused.value.message == (
        "监察对象“张三”还被其他记录引用：问题线索 1 条（在回收站中）、谈话记录 1 条。"
        "请先修改这些记录（或把它们也彻底删除），再彻底删除它。"
    )
    with pytest.raises(UserError, match="还被其他记录引用"):
        records.purge(db, "cadres", cid)
    assert count_rows(db_path, "cadres") == 1 and count_rows(db_path, "talk_cadres") == 1

    records.delete(db, "units", unit_id)
    with pytest.raises(UserError, match="监察对象 1 条（在回收站中）"):
        records.purge(db, "units", unit_id)  # its cadre, in the bin, still belongs to it

    records.purge(db, "clues", clue)
    someone_else = cadre(db, unit(db, "区审计局"), "李四")
    records.update(db, "talks", talk, {"cadre_ids": [someone_else]})
    records.purge(db, "cadres", cid)
    records.purge(db, "units", unit_id)
    assert count_rows(db_path, "talks") == 1  # the talk stays, naming someone else


def test_purge_only_takes_records_in_the_bin_and_never_members(db: Database, db_path: Path) -> None:
    cid = cadre(db, unit(db))
    with pytest.raises(UserError, match="不在回收站中"):
        records.purge(db, "cadres", cid)
    who = member(db, "王建国")
    records.delete(db, "members", who)
    with pytest.raises(UserError, match="组内人员只能移入回收站，不能彻底删除"):
        records.purge(db, "members", who)
    assert count_rows(db_path, "members") == 1 and count_rows(db_path, "cadres") == 1


def test_purge_is_one_transaction(db: Database, db_path: Path) -> None:
    """The family members are removed first; when the cadre then cannot be, they stay too."""
    cid = cadre(db, unit(db))
    records.create(db, "family_members", {"cadre_id": cid, "relation": "配偶", "name": "李丽"})
    records.delete(db, "cadres", cid)
    entries = count_rows(db_path, "audit_entries")
    con = sqlite3.connect(db_path)
    con.execute(
        "CREATE TRIGGER no_cadre_delete BEFORE DELETE ON cadres"
        " BEGIN SELECT RAISE(ABORT, 'held by the test'); END"
    )
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="held by the test"):
        records.purge(db, "cadres", cid)
    assert count_rows(db_path, "family_members") == 1 and count_rows(db_path, "cadres") == 1
    assert count_rows(db_path, "audit_entries") == entries
    assert [i.title for i in records.recycle_bin(db)] == ["张三"]


# --- lists and filters ----------------------------------------------------------------


def test_list_filters(db: Database) -> None:
    unit_a, unit_b = unit(db), unit(db, "区教育局")
    me, other = member(db, "李明"), member(db, "王芳")
    a1, b1 = cadre(db, unit_a, "张三"), cadre(db, unit_b, "李四")
    t1 = records.create(
        db, "talks", {"held_on": "2026-03-05", "kind": "integrity", "cadre_ids": [a1], "talker_id": me}
    )
    t2 = records.create(
        db, "talks", {"held_on": "2025-12-30", "kind": "reminder", "cadre_ids": [a1, b1], "talker_id": other}
    )
    m1 = records.create(
        db,
        "meetings",
        {
            "held_on": "2026-04-01",
            "unit_id": unit_b,
            "meeting_type": MeetingType.DEMOCRATIC_LIFE,
            "attendee_ids": [me],
        },
    )

    def ids(table: str, **kw: object) -> list[int]:
        return records.list_ids(db, table, RecordFilter(**kw))  # type: ignore[arg-type]

    assert ids("talks", year=2026) == [t1]
    assert ids("talks", unit_id=unit_b) == [t2]
    assert ids("talks", cadre_id=a1) == [t1, t2]  # newest first
    assert ids("talks", kind="reminder") == [t2]
    assert ids("talks", member_id=me) == [t1]
    assert ids("meetings", member_id=me) == [m1]
    assert ids("meetings", member_id=other) == []
    assert ids("cadres", unit_id=unit_a) == [a1]
    assert records.count(db, "talks", RecordFilter(year=2025)) == 1
    rows = records.get_many(db, "talks", [t1, t2])
    assert rows[t2]["cadre_ids"] == sorted([a1, b1])


def test_notice_status_filter_derives_overdue(db: Database) -> None:
    from wsjc_desktop.services import notices

    unit_id = unit(db)
    today = date(2026, 6, 1)
    late = records.create(
        db,
        "alert_notices",
        {
            "kind": NoticeKind.COPY_NOTICE,
            "unit_id": unit_id,
            "title": "关于公务用车管理问题的廉情抄告",
            "deadline": "2026-05-20",
        },
    )
    fine = records.create(
        db,
        "alert_notices",
        {
            "kind": NoticeKind.COPY_NOTICE,
            "unit_id": unit_id,
            "title": "关于会议费管理的廉情抄告",
            "deadline": "2026-06-20",
        },
    )
    agency_code(db)
    notices.issue(db, late, issued_on=date(2026, 5, 6))
    notices.issue(db, fine, issued_on=date(2026, 5, 30))
    assert records.list_ids(db, "alert_notices", RecordFilter(status="overdue", today=today)) == [late]
    assert records.list_ids(db, "alert_notices", RecordFilter(status="issued", today=today)) == [fine]


def test_sorting_and_id_whitelist(db: Database) -> None:
    unit_b, unit_a = unit(db, "区教育局"), unit(db, "区财政局")
    c1 = cadre(db, unit_a, "王五", rank="科级")
    c2 = cadre(db, unit_b, "张三", rank="处级")
    c3 = cadre(db, unit_a, "李四")

    def ids(**kw: object) -> list[int]:
        return records.list_ids(db, "cadres", RecordFilter(**kw))  # type: ignore[arg-type]

    assert ids(sort="name") == sorted([c1, c2, c3], key=lambda i: records.get(db, "cadres", i)["name"])
    assert ids(sort="unit_id") == [c2, c1, c3]  # by the unit's name: 区教育局 < 区财政局 (code points)
    assert ids(sort="unit_id", descending=True) == [c3, c1, c2]
    assert ids(sort="rank")[-1] == c3  # empty values last
    assert ids(only_ids=frozenset({c1, c3})) == [c1, c3]


def test_due_within_days(db: Database) -> None:
    from wsjc_desktop.services import notices

    unit_id = unit(db)
    soon = records.create(
        db,
        "alert_notices",
        {"kind": "copy_notice", "unit_id": unit_id, "title": "甲", "deadline": "2026-06-05"},
    )
    later = records.create(
        db,
        "alert_notices",
        {"kind": "copy_notice", "unit_id": unit_id, "title": "乙", "deadline": "2026-06-20"},
    )
    agency_code(db)
    notices.issue(db, soon, issued_on=date(2026, 5, 20))
    notices.issue(db, later, issued_on=date(2026, 5, 20))
    flt = RecordFilter(due_within_days=7, today=date(2026, 6, 1))
    assert records.list_ids(db, "alert_notices", flt) == [soon]
