"""The 工作台's to-do list and the next holiday's 节前廉政提醒, on real SQLite files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from tests.support.builders import AGENCY_CODE, agency_code, cadre, member, unit
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import problem_rules
from wsjc_desktop.domain.enums import CadreRank, CadreStatus, NoticeKind, RectificationStatus
from wsjc_desktop.services import notices, records, settings
from wsjc_desktop.services.todo import (
    Severity,
    TodoKind,
    TodoSection,
    next_holiday_reminders,
    reminder_names,
    todo_list,
)
from wsjc_desktop.storage.database import Database

TODAY = date(2026, 11, 22)


def sections(db: Database, today: date = TODAY, limit: int = 200) -> dict[TodoKind, TodoSection]:
    return {s.kind: s for s in todo_list(db, today, limit=limit)}


def notice(
    db: Database, unit_id: int, deadline: str, *, issued: str | None = "2026-11-01", **values: object
) -> int:
    kind = values.pop("kind", NoticeKind.COPY_NOTICE)
    nid = records.create(
        db,
        "alert_notices",
        {
            "kind": kind,
            "unit_id": unit_id,
            "title": "关于公务用车管理不规范的廉情抄告",
            "deadline": deadline,
            **values,
        },
    )
    if issued is not None:
        notices.issue(db, nid, issued_on=date.fromisoformat(issued))
    return nid


# --- notices ----------------------------------------------------------------------------------


def test_notices_due_overdue_and_not_rectified(db: Database) -> None:
    agency_code(db)
    finance = unit(db, "区财政局")
    health = unit(db, "区卫生健康委员会", short_name="区卫健委")
    due_today = notice(db, finance, "2026-11-22")
    due_in_7 = notice(db, health, "2026-11-29", kind=NoticeKind.PROMPT_LETTER)
    notice(db, finance, "2026-11-30")  # the 8th day: not yet
    overdue = notice(db, health, "2026-11-10", issued="2026-10-20")
    notice(db, finance, "2026-11-25", issued=None)  # a draft is not the unit's to do
    deleted = notice(db, finance, "2026-11-24")
    records.delete(db, "alert_notices", deleted)
    fed_back = notice(db, finance, "2026-11-15", issued="2026-11-01")
    notices.record_feedback(db, fed_back, {"feedback_date": "2026-11-12", "measures": "已制定整改方案"})
    done = notice(db, health, "2026-11-15", issued="2026-11-01")
    notices.record_feedback(
        db, done, {"feedback_date": "2026-11-12", "measures": "已整改", "status": RectificationStatus.DONE}
    )
    gone_back = notice(db, health, "2026-11-16", issued="2026-11-02")
    notices.record_feedback(db, gone_back, {"feedback_date": "2026-11-12", "measures": "整改中"})
    records.delete(db, "alert_notices", gone_back)

    found = sections(db)
    soon = found[TodoKind.DUE_SOON]
    assert [(i.table, i.record_id) for i in soon.items] == [
        ("alert_notices", due_today),
        ("alert_notices", due_in_7),
    ]
    assert [i.text for i in soon.items] == [
        "廉情抄告单 驻财纪抄〔2026〕1号 区财政局 反馈期限 11月22日（今天到期）",
        "提示函 驻财纪示〔2026〕1号 区卫健委 反馈期限 11月29日（还有7天）",
    ]
    assert {i.severity for i in soon.items} == {Severity.DUE_SOON}
    assert soon.count_text == "2 份"

    late = found[TodoKind.OVERDUE]
    assert [i.record_id for i in late.items] == [overdue]
    assert late.items[0].text == "廉情抄告单 驻财纪抄〔2026〕3号 区卫健委 反馈期限 11月10日（已逾期12天）"
    assert late.items[0].severity is Severity.OVERDUE
    assert late.items[0].tip == "关于公务用车管理不规范的廉情抄告"

    open_ = found[TodoKind.NOT_RECTIFIED]
    assert [i.record_id for i in open_.items] == [fed_back]
    assert open_.items[0].text.endswith("区财政局 已反馈，整改未完成")
    assert open_.items[0].severity is Severity.NORMAL

    # the 8th day comes within reach a day later; what was due today is then overdue
    later = sections(db, date(2026, 11, 23))
    assert [i.record_id for i in later[TodoKind.OVERDUE].items] == [overdue, due_today]
    assert len(later[TodoKind.DUE_SOON].items) == 2
    assert later[TodoKind.DUE_SOON].items[-1].text.endswith("反馈期限 11月30日（还有7天）")


def test_a_long_section_lists_the_first_and_counts_all(db: Database) -> None:
    agency_code(db)
    finance = unit(db, "区财政局")
    ids = [notice(db, finance, f"2026-11-{day:02d}", issued="2026-10-20") for day in range(1, 6)]
    late = sections(db, limit=3)[TodoKind.OVERDUE]
    assert [i.record_id for i in late.items] == ids[:3]  # the longest overdue first
    assert (late.total, late.more, late.count_text) == (5, 2, "5 份")
    # a deadline in another year says the year
    assert "反馈期限 11月1日（已逾期21天）" in late.items[0].text
    assert (
        "反馈期限 2026年11月1日（已逾期62天）"
        in sections(db, date(2027, 1, 2))[TodoKind.OVERDUE].items[0].text
    )


# --- cadres per unit --------------------------------------------------------------------------


def test_files_not_updated_this_year_per_unit(db: Database) -> None:
    # records are stamped with the real clock: judge them as of a day next year
    year = datetime.now().year + 1
    today = date(year, 3, 1)
    finance = unit(db, "区财政局", sort_order=2)
    health = unit(db, "区卫生健康委员会", short_name="区卫健委", sort_order=1)
    outside = unit(db, "区档案馆", in_scope=False)
    for name in ("张三", "李四"):
        cadre(db, finance, name)  # never marked updated, not changed this year
    cadre(db, finance, "王五", file_updated_on=f"{year}-01-05")  # brought up to date this year
    cadre(db, finance, "赵六", file_updated_on=f"{year - 1}-12-31")  # last year
    cadre(db, finance, "钱七", status=CadreStatus.RETIRED)  # no longer supervised
    records.delete(db, "cadres", cadre(db, finance, "孙八"))  # in the recycle bin
    cadre(db, health, "周九")
    cadre(db, outside, "吴十")

    stale = sections(db, today)[TodoKind.STALE_FILES]
    assert [(i.table, i.record_id, i.count) for i in stale.items] == [
        ("units", health, 1),
        ("units", finance, 3),
    ]
    assert [i.text for i in stale.items] == [
        "区卫健委：1 名干部的廉政档案本年度未更新",
        "区财政局：3 名干部的廉政档案本年度未更新",
    ]
    assert stale.count_text == "4 人，2 个单位"

    # in the year they were written, every file counts as updated (the dossier's rule)
    assert sections(db, date(year - 1, 12, 31))[TodoKind.STALE_FILES].total == 0


def test_duty_and_personal_matters_reports_missing_per_unit(db: Database) -> None:
    finance = unit(db, "区财政局")
    health = unit(db, "区卫健委")
    head = cadre(db, finance, "张三", is_leader=True, is_top_leader=True, rank=CadreRank.DIVISION)
    deputy = cadre(db, finance, "李四", is_leader=True, rank=CadreRank.DIVISION)
    cadre(db, finance, "王五", is_leader=True, rank=CadreRank.SECTION)
    cadre(db, finance, "赵六", rank=CadreRank.SECTION)  # neither a leader nor 处级
    cadre(db, finance, "钱七", is_leader=True, rank=CadreRank.BUREAU, status=CadreStatus.TRANSFERRED)
    other = cadre(db, health, "孙八", is_leader=True, rank=CadreRank.BUREAU)
    records.create(db, "duty_reports", {"cadre_id": head, "year": 2026})
    records.create(db, "duty_reports", {"cadre_id": deputy, "year": 2025})  # last year's only
    gone = records.create(db, "duty_reports", {"cadre_id": other, "year": 2026})
    records.delete(db, "duty_reports", gone)
    records.create(
        db, "personal_matters_reports", {"cadre_id": head, "year": 2026, "check_result": "not_checked"}
    )
    records.create(
        db, "personal_matters_reports", {"cadre_id": other, "year": 2026, "check_result": "not_checked"}
    )

    found = sections(db)
    duty = found[TodoKind.DUTY_REPORTS]
    assert duty.title == "2026年度述责述廉未登记"
    assert [(i.record_id, i.count) for i in duty.items] == [(finance, 2), (health, 1)]
    assert duty.items[0].text == "区财政局：2 名班子成员未登记2026年度述责述廉"
    personal = found[TodoKind.PERSONAL_MATTERS]
    assert [(i.record_id, i.count) for i in personal.items] == [(finance, 1)]
    assert personal.items[0].text == "区财政局：1 名厅级、处级干部未登记2026年度个人有关事项报告"
    assert personal.count_text == "1 人，1 个单位"


def test_an_empty_database_has_nothing_to_do(db: Database) -> None:
    found = todo_list(db, TODAY)
    assert [s.kind for s in found] == list(TodoKind)
    assert all(s.total == 0 and not s.items for s in found)


# --- the next holiday -------------------------------------------------------------------------

CALENDARS = {
    "calendar.2026": {"days_off": [[f"2026-10-0{d}", "国庆节"] for d in range(1, 8)]},
    "calendar.2027": {"days_off": [["2027-01-01", "元旦"]]},  # a Friday: off until Sunday
}


@pytest.fixture
def calendar(db: Database) -> Database:
    settings.set_many(db, {**CALENDARS, "group.agency_code": AGENCY_CODE})
    return db


def reminder(db: Database, unit_id: int, holiday: str, title_year: int, *, issued: str | None) -> int:
    nid = records.create(
        db,
        "alert_notices",
        {
            "kind": NoticeKind.HOLIDAY_REMINDER,
            "unit_id": unit_id,
            "title": f"关于{title_year}年{holiday}期间严守廉洁纪律的提醒",
            "holiday": holiday,
            "deadline": "2027-01-10",
        },
    )
    if issued is not None:
        notices.issue(db, nid, issued_on=date.fromisoformat(issued))
    return nid


def test_next_holiday_and_how_far_its_reminders_have_gone(calendar: Database) -> None:
    db = calendar
    a, b, c = unit(db, "区财政局"), unit(db, "区卫健委"), unit(db, "区教育局")
    unit(db, "区档案馆", in_scope=False)
    reminder(db, a, "元旦", 2027, issued="2026-11-20")
    reminder(db, b, "元旦", 2027, issued=None)  # written, not sent yet
    records.delete(db, "alert_notices", reminder(db, c, "元旦", 2027, issued=None))

    state = next_holiday_reminders(db, TODAY)
    assert state is not None
    assert (state.holiday.name, state.holiday.year, state.holiday.days) == ("元旦", 2027, 3)
    assert state.headline(TODAY) == "元旦 2027年1月1日（还有40天），放假3天"
    assert (state.reminder_name, state.units_total, state.units_issued, state.units_drafted) == (
        "元旦",
        3,
        1,
        1,
    )
    assert state.progress_text == "节前廉政提醒已发出 1/3 个单位，另有 1 份草稿待发出。"
    assert not state.done
    during = next_holiday_reminders(db, date(2027, 1, 2))
    assert during is not None
    assert during.headline(date(2027, 1, 2)) == "元旦 2027年1月1日（正在放假），放假3天"


def test_last_years_round_does_not_count_and_an_older_name_is_kept(calendar: Database) -> None:
    db = calendar
    a, b = unit(db, "区财政局"), unit(db, "区卫健委")
    reminder(db, a, "元旦", 2026, issued="2025-12-20")  # last 元旦's
    state = next_holiday_reminders(db, TODAY)
    assert state is not None and (state.units_issued, state.units_drafted) == (0, 0)

    # 国庆节 2026: this group sent one round for 中秋 and 国庆 together
    for unit_id in (a, b):
        reminder(db, unit_id, "中秋国庆", 2026, issued="2026-09-18")
    before = date(2026, 9, 28)
    state = next_holiday_reminders(db, before)
    assert state is not None and state.holiday.name == "国庆节"
    assert state.reminder_name == "中秋国庆"  # the one-click flow prints those, creating none
    assert state.done and state.progress_text == "节前廉政提醒已向全部 2 个单位发出。"


def test_reminder_names() -> None:
    assert reminder_names("端午节")[0] == "端午"  # as the notices tab offers it
    assert "五一" in reminder_names("劳动节")
    assert reminder_names("抗战胜利纪念日") == ("抗战胜利纪念日",)


# --- the plain SQL agrees with the registers' own rules -------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    from wsjc_desktop.services.demo import generate_demo
    from wsjc_desktop.storage.database import open_database

    path = tmp_path_factory.mktemp("todo") / "demo.db"
    database = open_database(path)
    generate_demo(database, scale=1, seed=3)
    # every record was written today: age them so the 2026 list has files of each kind — marked
    # updated, changed through a section row only, and stale
    import sqlite3

    with sqlite3.connect(path) as conn:
        old = "2025-05-01 09:00:00.000000"
        conn.execute(
            "UPDATE cadres SET updated_at = ?,"
            " file_updated_on = CASE WHEN id % 5 = 0 THEN '2026-03-01' ELSE '2025-03-01' END",
            (old,),
        )
        for table in ("family_members", "duty_reports", "personal_matters_reports", "integrity_opinions"):
            conn.execute(f"UPDATE {table} SET updated_at = ? WHERE id % 3 <> 0", (old,))
    yield database
    database.dispose()


def test_the_section_tables_are_the_dossier_sections() -> None:
    from wsjc_desktop.domain.fields import DOSSIER_SECTIONS
    from wsjc_desktop.services.todo import SECTION_TABLES

    assert tuple(spec.table for spec in DOSSIER_SECTIONS) == SECTION_TABLES


@pytest.mark.parametrize(
    "today", [date(2025, 3, 10), date(2026, 6, 30), date(2026, 11, 22), date(2027, 2, 1)]
)
def test_the_lists_notices_are_the_notices_tabs_filters(demo: Database, today: date) -> None:
    """The list is read with plain SQL; the notices tab filters through the ORM
    (``records.build_query``): the same notices, whatever the day."""
    from wsjc_desktop.domain.enums import NoticeStatus
    from wsjc_desktop.services.records import RecordFilter

    got = {s.kind: s for s in todo_list(demo, today, limit=100_000)}
    filters = {
        TodoKind.OVERDUE: RecordFilter(status=NoticeStatus.OVERDUE, today=today),
        TodoKind.DUE_SOON: RecordFilter(due_within_days=7, today=today),
        TodoKind.NOT_RECTIFIED: RecordFilter(status=NoticeStatus.FED_BACK, today=today),
    }
    seen = 0
    for kind, flt in filters.items():
        expected = set(records.list_ids(demo, "alert_notices", flt))
        listed = [item.record_id for item in got[kind].items]
        assert set(listed) == expected, kind
        assert got[kind].total == len(expected)
        seen += len(expected)
    assert seen, "the demo has notices to list on this day"


@pytest.mark.parametrize("today", [date(2026, 6, 30), date(2026, 11, 22)])
def test_the_lists_stale_files_follow_the_dossiers_rule(demo: Database, today: date) -> None:
    """Per unit, the serving cadres whose file is stale by ``dossier.updated_this_year`` (the
    rule behind the 廉政档案 tab's orange dots), counted with the ORM."""
    from sqlalchemy import func, not_, select

    from wsjc_desktop.domain import models as m
    from wsjc_desktop.services.dossier import updated_this_year

    with demo.read() as uow:
        expected = dict(
            uow.session.execute(
                select(m.Unit.id, func.count(m.Cadre.id))
                .join(m.Cadre, m.Cadre.unit_id == m.Unit.id)
                .where(
                    m.Unit.deleted_at.is_(None),
                    m.Unit.in_scope.is_(True),
                    m.Cadre.deleted_at.is_(None),
                    m.Cadre.status == CadreStatus.SERVING,
                    not_(updated_this_year(datetime(today.year, 1, 1))),
                )
                .group_by(m.Unit.id)
            ).all()
        )
    got = {s.kind: s for s in todo_list(demo, today, limit=100_000)}[TodoKind.STALE_FILES]
    assert expected, "the demo has stale files on this day"
    fresh_by_section = (
        "SELECT count(*) FROM cadres WHERE file_updated_on < '2026-01-01' AND id IN"
        " (SELECT cadre_id FROM family_members WHERE updated_at >= '2026' AND deleted_at IS NULL)"
    )
    with demo.raw_read() as conn:
        assert conn.execute(fresh_by_section).fetchone()[0], "some files are fresh through a section only"
    assert {item.record_id: item.count for item in got.items} == expected
    assert got.people == sum(expected.values())


# --- the supervision loop (issue 19) ----------------------------------------------------------


def _clue(db: Database, received: str, **values: object) -> int:
    return records.create(
        db,
        "clues",
        {
            "received_on": received,
            "source": "petition",
            "summary": values.pop("summary", "反映违规发放津补贴"),
            "disposal": "pending",
            **values,
        },
    )


def test_clues_near_or_past_their_stage_limit(db: Database) -> None:
    """Limits 7/15/60 days: yellow past half of the stage's limit, red past it."""
    finance = unit(db, "区财政局", short_name="财政局")
    li = member(db, "李明")
    red = _clue(db, "2026-11-10", unit_id=finance, summary="反映公车私用问题", handler_id=li, supervised=True)
    yellow = _clue(db, "2026-11-01", stage="assessing", stage_since="2026-11-14")
    far = _clue(db, "2026-10-01", stage="disposing", stage_since="2026-10-20", summary="一" * 30)
    _clue(db, "2026-11-21")  # green
    _clue(db, "2026-01-05", stage="closed", stage_since="2026-02-01", form="none")  # 办结: no light
    records.delete(db, "clues", _clue(db, "2026-09-01"))  # red, but in the recycle bin

    section = sections(db)[TodoKind.CLUES_DUE]
    assert [(i.table, i.record_id) for i in section.items] == [
        ("clues", red),
        ("clues", yellow),
        ("clues", far),
    ]
    assert [i.text for i in section.items] == [
        "问题线索“反映公车私用问题”登记超期5天（督办）",
        "问题线索“反映违规发放津补贴”研判剩7天",
        f"问题线索“{'一' * 19}…”处置剩27天",
    ]
    assert [i.severity for i in section.items] == [Severity.OVERDUE, Severity.DUE_SOON, Severity.DUE_SOON]
    assert section.items[0].tip == "涉及：财政局；主办人：李明；督办；本阶段期限：11月17日"
    assert (section.severity, section.count_text) == (Severity.OVERDUE, "3 件")
    # a longer 登记 limit: the first is only yellow now, with 3 days left
    settings.set_many(db, {"clues.stage_days": {"registered": 15, "assessing": 15, "disposing": 60}})
    first = sections(db)[TodoKind.CLUES_DUE].items
    assert [i.text for i in first][:2] == [
        "问题线索“反映公车私用问题”登记剩3天（督办）",
        "问题线索“反映违规发放津补贴”研判剩7天",
    ]
    assert {i.severity for i in first} == {Severity.DUE_SOON}

    # the plain SQL's light is problem_rules.light's, clue by clue and day by day
    settings.set_many(db, {}, cleared=["clues.stage_days"])
    with db.read() as uow:
        clues = list(uow.session.query(m.Clue).filter(m.Clue.deleted_at.is_(None)))
    for day in (date(2026, 11, 5), date(2026, 11, 14), date(2026, 11, 18), TODAY, date(2026, 12, 25)):
        listed = {i.record_id: i.severity for i in sections(db, day)[TodoKind.CLUES_DUE].items}
        for clue in clues:
            light = problem_rules.light(clue.stage, clue.stage_since, day)
            expected = {
                problem_rules.Light.RED: Severity.OVERDUE,
                problem_rules.Light.YELLOW: Severity.DUE_SOON,
            }
            assert listed.get(clue.id) == (expected.get(light) if light else None), (clue.id, day)


def _problem(db: Database, unit_id: int, found: str, **values: object) -> int:
    return records.create(
        db,
        "problems",
        {
            "found_on": found,
            "unit_id": unit_id,
            "category": "finance",
            "severity": "minor",
            "source": "other",
            "description": values.pop("description", "差旅费报销审核不严"),
            **values,
        },
    )


def test_problems_past_their_deadline(db: Database) -> None:
    finance = unit(db, "区财政局", short_name="财政局")
    health = unit(db, "区卫生健康委员会", short_name="区卫健委")
    late = _problem(db, finance, "2026-10-01", deadline="2026-11-12")
    later = _problem(db, health, "2026-10-01", deadline="2026-11-20", description="公务接待超标准")
    _problem(db, finance, "2026-10-01", deadline="2026-11-22")  # due today: not yet overdue
    _problem(db, finance, "2026-10-01")  # no deadline
    closed = _problem(db, finance, "2026-09-01", deadline="2026-10-01")
    with db.uow() as uow:  # 验收销号 (the fields are the program's)
        problem = uow.session.get(m.Problem, closed)
        assert problem is not None
        problem.closed_on = date(2026, 10, 1)
        problem.status = problem_rules.derive_status(closed_on=problem.closed_on, handoff=None)
        uow.commit()
    records.delete(db, "problems", _problem(db, finance, "2026-10-01", deadline="2026-10-02"))

    section = sections(db)[TodoKind.PROBLEMS_OVERDUE]
    assert [(i.table, i.record_id) for i in section.items] == [("problems", late), ("problems", later)]
    assert [i.text for i in section.items] == [
        "财政局：“差旅费报销审核不严”问题整改逾期10天",
        "区卫健委：“公务接待超标准”问题整改逾期2天",
    ]
    assert {i.severity for i in section.items} == {Severity.OVERDUE}
    assert section.count_text == "2 个"
    # the plain SQL is problem_rules.is_overdue, problem by problem
    with db.read() as uow:
        problems = list(uow.session.query(m.Problem).filter(m.Problem.deleted_at.is_(None)))
    for day in (date(2026, 11, 12), date(2026, 11, 13), TODAY, date(2026, 11, 23)):
        listed = {i.record_id for i in sections(db, day)[TodoKind.PROBLEMS_OVERDUE].items}
        assert listed == {p.id for p in problems if problem_rules.is_overdue(p.status, p.deadline, day)}, day


def test_months_of_a_rectification_period_without_its_monthly_check(db: Database) -> None:
    finance = unit(
        db, "区财政局", sort_order=1, rectification_from="2026-08-15", rectification_to="2027-03-01"
    )
    health = unit(
        db,
        "区卫生健康委员会",
        short_name="区卫健委",
        sort_order=2,
        rectification_from="2026-01-01",
        rectification_to="2026-03-31",
    )
    unit(db, "区档案馆", in_scope=False, rectification_from="2026-01-01")  # out of scope
    unit(db, "区教育局", rectification_from="2026-12-01")  # not begun

    def check(day: str, units: list[int], kind: str = "rectification") -> int:
        return records.create(
            db,
            "inspections",
            {"started_on": day, "kind": kind, "unit_ids": units, "title": "巡视整改落实情况"},
        )

    check("2026-08-20", [finance])
    check("2026-10-09", [finance, health])
    check("2026-09-10", [finance], kind="routine")  # another kind does not count
    records.delete(db, "inspections", check("2026-11-02", [finance]))
    check("2026-01-10", [health])
    check("2026-03-30", [health])

    section = sections(db)[TodoKind.RECTIFICATION_CHECKS]
    assert [i.text for i in section.items] == [
        "区财政局2026年9月未开展巡视巡察整改监督",
        "区财政局2026年11月未开展巡视巡察整改监督",
        "区卫健委2026年2月未开展巡视巡察整改监督",
    ]
    assert [(i.table, i.record_id) for i in section.items] == [("units", finance)] * 2 + [("units", health)]
    assert [i.severity for i in section.items] == [Severity.OVERDUE, Severity.DUE_SOON, Severity.OVERDUE]
    assert section.count_text == "3 个月"
    assert section.items[0].tip == "整改期：8月15日至2027年3月1日"
    # November's check done: only the past gaps remain
    check("2026-11-20", [finance])
    assert len(sections(db)[TodoKind.RECTIFICATION_CHECKS].items) == 2
    # before the period began, nothing is due
    assert sections(db, date(2025, 12, 31))[TodoKind.RECTIFICATION_CHECKS].total == 0
