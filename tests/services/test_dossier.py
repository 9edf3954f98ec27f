"""廉政档案: sections, the timeline, when a file was last updated, and the unit → cadre tree."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, update

from tests.support.builders import agency_code, cadre, member, unit
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import ProblemStatus
from wsjc_desktop.domain.fields import DOSSIER_SECTIONS
from wsjc_desktop.errors import NotFoundError
from wsjc_desktop.services import attachments, notices, records
from wsjc_desktop.services.dossier import (
    OPINION_KIND,
    CadreState,
    TimelineItem,
    UnitSummary,
    cadre_states,
    dossier,
    mark_file_updated,
    matching_cadres,
    unit_cadres,
    unit_summaries,
)
from wsjc_desktop.storage.database import Database

LAST_YEAR = datetime(2025, 3, 1, 9, 0)


def backdate(db: Database, model: type[m.Record], *ids: int, to: datetime = LAST_YEAR) -> None:
    """Pretend records were last changed long ago (bypassing the unit of work's own stamping)."""
    table = model.__table__
    with db.engine.begin() as conn:
        conn.execute(update(table).where(table.c.id.in_(ids)).values(updated_at=to, created_at=to))


def talk(db: Database, cadre_ids: list[int], held_on: date, reason: str, kind: str = "integrity") -> int:
    return records.create(
        db, "talks", {"held_on": held_on, "kind": kind, "cadre_ids": cadre_ids, "reason": reason}
    )


def test_sections_hold_the_cadres_rows_in_dossier_order(db: Database, tmp_path: Path) -> None:
    unit_id = unit(db, "区财政局", short_name="财政局")
    zhang, li = cadre(db, unit_id, "张三"), cadre(db, unit_id, "李四")
    spouse = records.create(db, "family_members", {"cadre_id": zhang, "relation": "配偶", "name": "王芳"})
    gone = records.create(db, "family_members", {"cadre_id": zhang, "relation": "子女", "name": "张小"})
    records.delete(db, "family_members", gone)
    records.create(db, "family_members", {"cadre_id": li, "relation": "配偶", "name": "赵敏"})
    old = records.create(
        db, "personal_matters_reports", {"cadre_id": zhang, "year": 2025, "check_result": "consistent"}
    )
    new = records.create(
        db, "personal_matters_reports", {"cadre_id": zhang, "year": 2026, "check_result": "not_checked"}
    )
    clue = records.create(
        db,
        "clues",
        {
            "cadre_id": zhang,
            "unit_id": unit_id,
            "received_on": date(2026, 2, 3),
            "source": "petition",
            "summary": "反映违规收受礼品",
            "disposal": "pending",
        },
    )
    risk = records.create(
        db, "risk_points", {"cadre_id": zhang, "description": "资金拨付审批", "level": "high"}
    )
    source = tmp_path / "报告表.pdf"
    source.write_bytes(b"%PDF-1.4")
    attachment = attachments.add_attachment(db, zhang, source)

    got = dossier(db, zhang)

    assert got.name == "张三" and got.cadre_id == zhang and got.unit_name == "财政局"
    assert list(got.sections) == [spec.table for spec in DOSSIER_SECTIONS]
    assert [r["id"] for r in got.sections["family_members"]] == [spouse]
    assert [r["id"] for r in got.sections["personal_matters_reports"]] == [new, old]  # newest year first
    assert [r["id"] for r in got.sections["clues"]] == [clue]
    assert [r["id"] for r in got.sections["risk_points"]] == [risk]
    assert [r["filename"] for r in got.sections["attachments"]] == ["报告表.pdf"]
    assert got.sections["attachments"][0]["id"] == attachment
    assert "data" not in got.sections["attachments"][0]  # the blob stays in the database
    assert got.sections["duty_reports"] == [] and got.sections["discipline_records"] == []
    assert [r["name"] for r in dossier(db, li).sections["family_members"]] == ["赵敏"]


def test_a_deleted_cadre_has_no_dossier(db: Database) -> None:
    cadre_id = cadre(db, unit(db))
    records.delete(db, "cadres", cadre_id)
    with pytest.raises(NotFoundError):
        dossier(db, cadre_id)


def test_timeline_gathers_talks_opinions_and_notices_newest_first(db: Database) -> None:
    member(db)
    unit_id = unit(db)
    zhang, li = cadre(db, unit_id, "张三"), cadre(db, unit_id, "李四")
    shared = talk(db, [zhang, li], date(2026, 3, 5), "任职廉政谈话\n第二行不显示")
    records.delete(db, "talks", talk(db, [zhang], date(2026, 4, 1), "已删除的谈话"))
    alone = talk(db, [li], date(2026, 5, 1), "提醒谈话", kind="reminder")
    meeting = records.create(
        db,
        "meetings",
        {
            "held_on": date(2026, 4, 10),
            "unit_id": unit_id,
            "meeting_type": "party_committee",
            "title": "党委会",
        },
    )
    records.create(
        db,
        "meeting_opinions",
        {"meeting_id": meeting, "content": "建议规范公务接待", "cadre_id": zhang, "follow_up": "pending"},
    )
    records.create(  # an opinion about nobody in particular stays off every timeline
        db, "meeting_opinions", {"meeting_id": meeting, "content": "加强学习", "follow_up": "pending"}
    )
    issued = records.create(
        db,
        "alert_notices",
        {"kind": "copy_notice", "unit_id": unit_id, "cadre_id": zhang, "title": "关于公车私用"},
    )
    agency_code(db)
    number = notices.issue(db, issued, issued_on=date(2026, 5, 20))
    draft = records.create(
        db,
        "alert_notices",
        {"kind": "reminder_letter", "unit_id": unit_id, "cadre_id": zhang, "title": "草稿提醒"},
    )
    records.create(db, "alert_notices", {"kind": "copy_notice", "unit_id": unit_id, "title": "发给单位的"})

    timeline = dossier(db, zhang).timeline

    assert timeline == [
        TimelineItem(date.today(), "廉政提醒函", "草稿提醒", "alert_notices", draft),  # undated: when written
        TimelineItem(date(2026, 5, 20), "廉情抄告单", f"关于公车私用（{number}）", "alert_notices", issued),
        TimelineItem(date(2026, 4, 10), OPINION_KIND, "党委(组)会：建议规范公务接待", "meetings", meeting),
        TimelineItem(date(2026, 3, 5), "廉政谈话", "任职廉政谈话", "talks", shared),
    ]
    assert [(i.on, i.kind, i.record_id) for i in dossier(db, li).timeline] == [
        (date(2026, 5, 1), "提醒谈话", alone),
        (date(2026, 3, 5), "廉政谈话", shared),
    ]


def test_a_deleted_meeting_takes_its_opinions_off_the_timeline(db: Database) -> None:
    unit_id = unit(db)
    cadre_id = cadre(db, unit_id)
    meeting = records.create(
        db, "meetings", {"held_on": date(2026, 4, 10), "unit_id": unit_id, "meeting_type": "administrative"}
    )
    records.create(
        db,
        "meeting_opinions",
        {"meeting_id": meeting, "content": "意见", "cadre_id": cadre_id, "follow_up": "pending"},
    )
    assert [i.table for i in dossier(db, cadre_id).timeline] == ["meetings"]
    records.delete(db, "meetings", meeting)
    assert dossier(db, cadre_id).timeline == []


def test_last_updated_and_stale(db: Database) -> None:
    cadre_id = cadre(db, unit(db))
    backdate(db, m.Cadre, cadre_id)

    got = dossier(db, cadre_id, today=date(2026, 6, 15))
    assert got.last_updated == date(2025, 3, 1) and got.stale

    # a section row written now counts as bringing the file up to date
    row = records.create(db, "family_members", {"cadre_id": cadre_id, "relation": "配偶", "name": "王芳"})
    got = dossier(db, cadre_id, today=date.today())
    assert got.last_updated == date.today() and not got.stale
    backdate(db, m.FamilyMember, row)
    assert dossier(db, cadre_id, today=date(2026, 6, 15)).last_updated == date(2025, 3, 1)

    # marking it updated, even for a date later than any change
    mark_file_updated(db, cadre_id, date(2027, 1, 4))
    assert records.get(db, "cadres", cadre_id)["file_updated_on"] == date(2027, 1, 4)
    got = dossier(db, cadre_id, today=date(2027, 2, 1))
    assert got.last_updated == date(2027, 1, 4) and not got.stale
    assert dossier(db, cadre_id, today=date(2028, 1, 2)).stale


def test_the_tree_lists_every_active_unit_with_its_counts_and_cadres_in_order(db: Database) -> None:
    second = unit(db, "区教育局", short_name="教育局", sort_order=2)
    first = unit(db, "区财政局", sort_order=1)
    empty = unit(db, "区统计局", sort_order=3)
    records.delete(db, "units", unit(db, "已撤销单位", sort_order=0))
    staff = cadre(db, first, "王五")
    chief = cadre(db, first, "赵局长", is_top_leader=True)
    deputy = cadre(db, first, "钱副局长", is_leader=True)
    records.delete(db, "cadres", cadre(db, first, "孙已删"))
    teacher = cadre(db, second, "周老师")
    marked = cadre(db, second, "吴老师", file_updated_on=date(2026, 1, 8))
    with_section = cadre(db, second, "郑老师")
    backdate(db, m.Cadre, staff, chief, deputy, teacher, marked, with_section)
    records.create(db, "family_members", {"cadre_id": with_section, "relation": "配偶", "name": "冯某"})
    gone = records.create(db, "family_members", {"cadre_id": teacher, "relation": "配偶", "name": "陈某"})
    records.delete(db, "family_members", gone)  # a row in the recycle bin does not count
    today = date(2026, 6, 15)

    assert unit_summaries(db, today=today) == [
        UnitSummary(first, "区财政局", 3, 3),
        UnitSummary(second, "教育局", 3, 1),
        UnitSummary(empty, "区统计局", 0, 0),
    ]
    finance = [(chief, "赵局长", True), (deputy, "钱副局长", True), (staff, "王五", True)]
    education = [(teacher, "周老师", True), (marked, "吴老师", False), (with_section, "郑老师", False)]
    assert unit_cadres(db, today=today) == {first: finance, second: education}
    assert unit_cadres(db, [second, empty], today=today) == {second: education, empty: []}
    # each flag agrees with the dossier's own
    for cadres in (finance, education):
        for cadre_id, _cadre_name, stale in cadres:
            assert dossier(db, cadre_id, today=today).stale is stale
    # a few cadres, as the tree has them, for redrawing it in place
    assert cadre_states(db, [marked, staff, 9999], today=today) == {
        marked: CadreState(second, "吴老师", False),
        staff: CadreState(first, "王五", True),
    }
    # in a new year every file is due again until something is done to it
    assert [u.stale for u in unit_summaries(db, today=date(2027, 1, 4))] == [3, 3, 0]
    assert all(
        stale for cadres in unit_cadres(db, today=date(2027, 1, 4)).values() for _c, _n, stale in cadres
    )


def test_matching_cadres_by_name_or_pinyin_under_their_units(db: Database) -> None:
    finance = unit(db, "区财政局", sort_order=1)
    education = unit(db, "区教育局", sort_order=2)
    chief = cadre(db, finance, "赵局长", is_top_leader=True)
    zhang = cadre(db, finance, "张三")
    cadre(db, finance, "李四")
    teacher = cadre(db, education, "周老师")
    english = cadre(db, education, "Anna_Li")
    records.delete(db, "cadres", cadre(db, education, "张三丰"))
    today = date(2026, 6, 15)

    assert matching_cadres(db, "张", today=today) == {finance: [(zhang, "张三", False)]}
    assert matching_cadres(db, "zs", today=today) == {finance: [(zhang, "张三", False)]}  # pinyin initials
    assert matching_cadres(db, "局长", today=today) == {finance: [(chief, "赵局长", False)]}
    assert matching_cadres(db, " 老师 ", today=today) == {education: [(teacher, "周老师", False)]}
    assert matching_cadres(db, "ANNA_", today=today) == {education: [(english, "Anna_Li", False)]}
    assert matching_cadres(db, "%", today=today) == {}  # LIKE wildcards are plain text
    assert matching_cadres(db, "  ", today=today) == {}


def test_the_tree_reads_in_one_statement_however_many_cadres(db: Database) -> None:
    """The tree must stay quick for tens of thousands of cadres: no query per unit or cadre."""
    units = [unit(db, f"单位{n}") for n in range(3)]
    for n, unit_id in enumerate(units * 4):
        cadre(db, unit_id, f"干部{n}")
    backdate(db, m.Cadre, *range(1, 13))  # so the section tables are consulted too
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        summaries = unit_summaries(db, today=date(2026, 6, 15))
        assert len(statements) == 1
        tree = unit_cadres(db, today=date(2026, 6, 15))
        assert len(statements) == 2
        some = unit_cadres(db, units[:2], today=date(2026, 6, 15))
        assert len(statements) == 3
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert [(u.cadres, u.stale) for u in summaries] == [(4, 4)] * 3
    assert [len(tree[u]) for u in units] == [4, 4, 4]
    assert sorted(some) == units[:2]


def test_timeline_follows_a_clue_through_its_stages_and_a_problem_to_its_closing(db: Database) -> None:
    """A clue about the cadre: 登记, each stage it entered (from the audit log, on the day the
    stage began), 办结 with its 形态; a problem naming the cadre: found, 交办, 验收销号."""
    chen = member(db, "陈武林")
    unit_id = unit(db)
    zhang, li = cadre(db, unit_id, "张三"), cadre(db, unit_id, "李四")
    waiting = {"disposal": "pending"}
    clue = records.create(
        db,
        "clues",
        {
            "received_on": date(2026, 3, 1),
            "source": "petition",
            "unit_id": unit_id,
            "cadre_id": zhang,
            "summary": "反映违规收受礼金\n第二行不显示",
            "disposal": "pending",
            "handler_id": chen,
        },
    )
    records.update(db, "clues", clue, {"stage": "assessing", "stage_since": date(2026, 3, 5)})
    records.update(db, "clues", clue, {"stage": "disposing", "stage_since": date(2026, 3, 20)})
    records.update(
        db,
        "clues",
        clue,
        {"stage": "closed", "stage_since": date(2026, 4, 10), "disposal": "talk_inquiry", "form": "first"},
    )
    other = records.create(  # about somebody else: not on this timeline
        db,
        "clues",
        {
            "received_on": date(2026, 3, 2),
            "source": "petition",
            "cadre_id": li,
            "summary": "另一件",
            **waiting,
        },
    )
    records.delete(  # in the recycle bin: off the timeline
        db,
        "clues",
        records.create(
            db,
            "clues",
            {
                "received_on": date(2026, 3, 3),
                "source": "petition",
                "cadre_id": zhang,
                "summary": "已删除",
                **waiting,
            },
        ),
    )
    reminder = talk(db, [zhang], date(2026, 3, 12), "提醒谈话", kind="reminder")
    problem = records.create(
        db,
        "problems",
        {
            "found_on": date(2026, 3, 10),
            "unit_id": unit_id,
            "cadre_id": zhang,
            "description": "公务接待超标准",
            "category": "eight_rules",
            "severity": "minor",
            "source": "other",
            "handoff": "talk",
            "handed_on": date(2026, 3, 12),
            "handoff_talk_id": reminder,
        },
    )
    with db.uow() as uow:  # 验收销号
        obj = uow.session.get(m.Problem, problem)
        assert obj is not None
        obj.closed_on, obj.closed_by_id, obj.status = date(2026, 4, 20), chen, ProblemStatus.CLOSED
        uow.commit()

    timeline = [(i.on, i.kind, i.title, i.table, i.record_id) for i in dossier(db, zhang).timeline]

    assert timeline == [
        (date(2026, 4, 20), "发现问题", "验收销号：公务接待超标准", "problems", problem),
        (date(2026, 4, 10), "问题线索", "办结（第一种形态）：反映违规收受礼金", "clues", clue),
        (date(2026, 3, 20), "问题线索", "转入处置：反映违规收受礼金", "clues", clue),
        (date(2026, 3, 12), "提醒谈话", "提醒谈话", "talks", reminder),
        (date(2026, 3, 12), "发现问题", "交办（谈话提醒）：公务接待超标准", "problems", problem),
        (date(2026, 3, 10), "发现问题", "公务接待超标准（八项规定精神）", "problems", problem),
        (date(2026, 3, 5), "问题线索", "转入研判：反映违规收受礼金", "clues", clue),
        (date(2026, 3, 1), "问题线索", "登记：反映违规收受礼金", "clues", clue),
    ]
    assert [(i.title, i.record_id) for i in dossier(db, li).timeline] == [("登记：另一件", other)]
    # reopened: the 办结 no longer stands, the stage it is in now does
    records.update(db, "clues", clue, {"stage": "disposing", "stage_since": date(2026, 5, 6)})
    titles = [i.title for i in dossier(db, zhang).timeline if i.table == "clues"]
    assert titles[0] == "转入处置：反映违规收受礼金" and not any(t.startswith("办结") for t in titles)
