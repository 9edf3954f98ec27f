"""One home per rule: every path that applies a rule gives the same answer.

A rule about 廉情提醒 is written once (:mod:`wsjc_desktop.domain.notice_rules`, or the one service
function named below) and read along several paths: the ORM (a record's own status, the
registers' filters, the per-unit totals, the bulk 节前提醒) and plain SQL (the 工作台's list, the
year-end figures). Each test here runs every path on the same demo file, on days when some
notices are overdue, some due soon and some rectified late, so a second copy that drifts from
the first fails here.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.support.builders import AGENCY_CODE, agency_code, unit
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import notice_rules
from wsjc_desktop.domain.enums import NoticeKind, NoticeStatus, RectificationStatus
from wsjc_desktop.services import notices, overview, printing, records, settings, stats, todo
from wsjc_desktop.services.records import OPEN_NOTICES, RecordFilter
from wsjc_desktop.storage.database import Database, open_database

#: The day the demo is written up to.
TODAY = date(2026, 11, 20)
#: Days the rules are judged on: mid-year, the demo's own day, a few weeks after it, and the
#: 反馈期限 of an issued notice (the last day it is not overdue).
DAYS = ("2026-06-30", TODAY.isoformat(), (TODAY + timedelta(days=25)).isoformat(), "a deadline")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from wsjc_desktop.services.demo import generate_demo

    path = tmp_path_factory.mktemp("one_rule") / "demo.db"
    database = open_database(path)
    try:
        generate_demo(database, scale=1, seed=7, today=TODAY)
    finally:
        database.dispose()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A copy of the demo file of its own (some tests write)."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_file, path)
    database = open_database(path)
    yield database
    database.dispose()


def live_notices(db: Database) -> list[m.AlertNotice]:
    with db.read() as uow:
        found = list(
            uow.session.scalars(
                select(m.AlertNotice).where(m.AlertNotice.deleted_at.is_(None)).order_by(m.AlertNotice.id)
            )
        )
        for notice in found:
            _ = list(notice.rectifications)  # loaded while the session is open
        return found


def judged_on(db: Database, day: str) -> date:
    if day != "a deadline":
        return date.fromisoformat(day)
    issued = [n for n in live_notices(db) if n.status == NoticeStatus.ISSUED and n.deadline is not None]
    return max(n.deadline for n in issued if n.deadline is not None and n.deadline <= TODAY)


def todo_ids(db: Database, day: date, kind: todo.TodoKind) -> set[int]:
    section = next(s for s in todo.todo_list(db, day, limit=100_000) if s.kind is kind)
    assert section.total == len(section.items)
    return {item.record_id for item in section.items}


def traced(report: stats.Report, key: str) -> set[int]:
    return {row.record_id for row in report.trace(key)}


# --- 逾期 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("day_text", DAYS)
def test_overdue_is_the_same_notices_on_every_path(demo: Database, day_text: str) -> None:
    """A record's own status (models), the register's filter 逾期 (records, ORM SQL), the
    工作台's list (todo, plain SQL), the year-end figure (stats, plain SQL) and the per-unit
    totals (overview, ORM SQL)."""
    day = judged_on(demo, day_text)
    rows = live_notices(demo)
    by_record = {n.id for n in rows if n.effective_status(day) is NoticeStatus.OVERDUE}
    assert by_record, "the demo has overdue notices on this day"

    flt = RecordFilter(status=NoticeStatus.OVERDUE, today=day)
    assert set(records.list_ids(demo, "alert_notices", flt)) == by_record
    assert records.count(demo, "alert_notices", flt) == len(by_record)
    assert todo_ids(demo, day, todo.TodoKind.OVERDUE) == by_record

    # the register's 已发出 is the rest of the issued ones
    in_time = set(
        records.list_ids(demo, "alert_notices", RecordFilter(status=NoticeStatus.ISSUED, today=day))
    )
    assert in_time == {n.id for n in rows if n.status == NoticeStatus.ISSUED} - by_record

    # the figures and the totals count a year's notices (by the day they were issued)
    year = stats.Period.year(2026)
    of_year = {n.id for n in rows if year.contains(n.issued_on)} & by_record
    assert traced(stats.compute(demo, year, today=day), "notices.overdue") == of_year
    per_unit = Counter(n.unit_id for n in rows if n.id in of_year)
    totals = overview.unit_totals(demo, 2026, today=day)
    assert {u: t.notices_overdue for u, t in totals.items() if t.notices_overdue} == dict(per_unit)


@pytest.mark.parametrize("day_text", DAYS)
def test_due_soon_and_open_are_the_same_notices_on_every_path(demo: Database, day_text: str) -> None:
    day = judged_on(demo, day_text)
    rows = live_notices(demo)
    due_by = day + timedelta(days=notice_rules.DUE_SOON_DAYS)
    expected = {
        n.id
        for n in rows
        if n.status == NoticeStatus.ISSUED and n.deadline is not None and day <= n.deadline <= due_by
    }
    flt = RecordFilter(due_within_days=todo.DUE_SOON_DAYS, today=day)
    assert set(records.list_ids(demo, "alert_notices", flt)) == expected
    assert todo_ids(demo, day, todo.TodoKind.DUE_SOON) == expected
    if day == TODAY:
        assert expected, "the demo has notices due soon on its own day"

    open_ids = {n.id for n in rows if n.status in (NoticeStatus.ISSUED, NoticeStatus.FED_BACK)}
    flt = RecordFilter(status=OPEN_NOTICES, today=day)
    assert set(records.list_ids(demo, "alert_notices", flt)) == open_ids
    of_year = Counter(
        n.unit_id for n in rows if n.id in open_ids and n.issued_on and n.issued_on.year == 2026
    )
    totals = overview.unit_totals(demo, 2026, today=day)
    assert {u: t.notices_open for u, t in totals.items() if t.notices_open} == dict(of_year)


def test_overdue_starts_the_day_after_the_deadline() -> None:
    deadline = date(2026, 3, 20)
    assert not notice_rules.is_overdue(NoticeStatus.ISSUED, deadline, deadline)
    assert notice_rules.is_overdue("issued", deadline, deadline + timedelta(days=1))
    assert not notice_rules.is_overdue(NoticeStatus.FED_BACK, deadline, date(2027, 1, 1))
    assert not notice_rules.is_overdue(NoticeStatus.ISSUED, None, date(2027, 1, 1))


# --- 整改超期 ----------------------------------------------------------------------------------


def test_rectified_late_is_the_same_notices_for_the_notice_and_the_figures(demo: Database) -> None:
    """``notices.rectified_late`` (one record, Python) and the figure ``notices.rectified_late``
    (plain SQL). The demo has both kinds of notice on which they used to differ."""
    rows = live_notices(demo)
    year = stats.Period.year(2026)
    report = stats.compute(demo, year, today=TODAY)
    counted = {n.id for n in rows if year.contains(n.issued_on) and n.status != NoticeStatus.DRAFT}
    late = {n.id for n in rows if notices.rectified_late(n)}
    assert late, "the demo has notices rectified late"
    assert late <= counted
    assert traced(report, "notices.rectified_late") == late

    def feedback(n: m.AlertNotice) -> list[m.Rectification]:
        return sorted((r for r in n.rectifications if r.deleted_at is None), key=lambda r: r.feedback_date)

    fed_back_late = traced(report, "notices.fed_back_late")
    # fed back late but not rectified: not rectified late (the old notices.rectified_late said so)
    assert any(n.id in fed_back_late and n.status == NoticeStatus.FED_BACK for n in rows)
    assert not late & {n.id for n in rows if n.status != NoticeStatus.RECTIFIED}
    # first feedback in time, rectified after the deadline: late (the old one said not)
    assert any(
        n.id in late and n.deadline is not None and feedback(n)[0].feedback_date <= n.deadline for n in rows
    )


@pytest.fixture
def group(db: Database) -> Database:
    agency_code(db)
    return db


def copy_notice(db: Database, unit_id: int, deadline: str) -> int:
    notice_id = records.create(
        db,
        "alert_notices",
        {
            "kind": NoticeKind.COPY_NOTICE,
            "unit_id": unit_id,
            "title": "关于公务接待的抄告",
            "deadline": deadline,
        },
    )
    notices.issue(db, notice_id, issued_on=date(2026, 3, 2))
    return notice_id


def feed_back(db: Database, notice_id: int, day: str, *, done: bool = False) -> None:
    status = RectificationStatus.DONE if done else RectificationStatus.IN_PROGRESS
    notices.record_feedback(db, notice_id, {"feedback_date": day, "measures": "整改中", "status": status})


def test_rectified_late_on_the_cases_where_the_two_copies_differed(group: Database) -> None:
    db = group
    unit_id = unit(db)
    deadline = "2026-03-20"
    # where they differed: fed back after the deadline, not rectified (逾期反馈, not 逾期整改) …
    fed_back_late = copy_notice(db, unit_id, deadline)
    feed_back(db, fed_back_late, "2026-03-25")
    # … first feedback in time, the one that said 已完成 after the deadline …
    done_late = copy_notice(db, unit_id, deadline)
    feed_back(db, done_late, "2026-03-10")
    feed_back(db, done_late, "2026-04-02", done=True)
    # … and 标记已整改 with no 已完成 feedback: rectified on its last one, after the deadline
    marked_late = copy_notice(db, unit_id, deadline)
    feed_back(db, marked_late, "2026-03-10")
    feed_back(db, marked_late, "2026-03-28")
    notices.mark_rectified(db, marked_late)
    # where they agreed: done in time; done late; a first 已完成 in time, confirmed again later …
    in_time = copy_notice(db, unit_id, deadline)
    feed_back(db, in_time, "2026-03-18", done=True)
    late = copy_notice(db, unit_id, deadline)
    feed_back(db, late, "2026-03-22", done=True)
    done_twice = copy_notice(db, unit_id, deadline)
    feed_back(db, done_twice, "2026-03-19", done=True)
    feed_back(db, done_twice, "2026-03-30", done=True)
    # … and a feedback in the recycle bin does not count: only the late 已完成 is left
    deleted = copy_notice(db, unit_id, deadline)
    feed_back(db, deleted, "2026-03-15", done=True)
    feed_back(db, deleted, "2026-03-29", done=True)
    with db.read() as uow:
        first = uow.session.scalars(
            select(m.Rectification).where(m.Rectification.notice_id == deleted).order_by(m.Rectification.id)
        ).first()
        assert first is not None
        first_id = first.id
    records.delete(db, "rectifications", first_id)

    expected = {fed_back_late: False, done_late: True, marked_late: True, in_time: False, late: True}
    expected |= {done_twice: False, deleted: True}
    with db.read() as uow:
        by_notice = {
            notice_id: notices.rectified_late(uow.session.get_one(m.AlertNotice, notice_id))
            for notice_id in expected
        }
    assert by_notice == expected
    report = stats.compute(db, stats.Period.year(2026), today=date(2026, 11, 1))
    assert traced(report, "notices.rectified_late") == {n for n, is_late in expected.items() if is_late}
    assert fed_back_late in traced(report, "notices.fed_back_late")


# --- the default 反馈期限 ------------------------------------------------------------------------


def test_the_bulk_reminders_take_the_default_deadline_of_a_single_notice(
    group: Database, tmp_path: Path
) -> None:
    """With ``notice.deadline_working_days`` set, the bulk 节前提醒 count their 反馈期限 in working
    days, as a single notice's form does (they used to add calendar days)."""
    db = group
    for name in ("区财政局", "区审计局"):
        unit(db, name)
    settings.set_many(db, {"notice.deadline_working_days": True, "notice.default_deadline_days": 5})
    sent = date(2026, 2, 10)  # 春节 is on the way: 5 working days end on the 24th, not the 15th
    single = notices.default_deadline(db, sent)
    assert single == date(2026, 2, 24)
    # a draft written long ago whose deadline has passed takes the default too
    old_draft = records.create(
        db,
        "alert_notices",
        {
            "kind": NoticeKind.HOLIDAY_REMINDER,
            "unit_id": unit(db, "区统计局"),
            "title": printing.holiday_title("春节", 2026),
            "holiday": "春节",
            "deadline": "2026-01-05",
        },
    )
    ids = printing.holiday_reminders(db, holiday="春节", year=2026, out=tmp_path / "a.pdf", issued_on=sent)
    assert old_draft in ids and len(ids) == 3
    with db.read() as uow:
        deadlines = {uow.session.get_one(m.AlertNotice, i).deadline for i in ids}
    assert deadlines == {single}

    settings.set_many(db, {"notice.deadline_working_days": False})
    assert notices.default_deadline(db, sent) == date(2026, 2, 15)
    ids = printing.holiday_reminders(db, holiday="清明", year=2026, out=tmp_path / "b.pdf", issued_on=sent)
    with db.read() as uow:
        assert {uow.session.get_one(m.AlertNotice, i).deadline for i in ids} == {date(2026, 2, 15)}


# --- which reminders belong to a holiday --------------------------------------------------------


def test_reminder_names_of_a_round() -> None:
    assert notice_rules.reminder_names("劳动节") == ("劳动节", "五一")
    assert notice_rules.reminder_names("五一") == ("劳动节", "五一")  # another name of the same round
    assert notice_rules.reminder_names("中秋") == ("中秋", "中秋节", "中秋国庆")
    # the round for both: a 中秋 or a 国庆 reminder alone does not cover it
    assert notice_rules.reminder_names("中秋国庆") == ("中秋国庆",)
    assert notice_rules.reminder_names(" 抗战胜利纪念日 ") == ("抗战胜利纪念日",)
    assert notice_rules.holiday_window("元旦", 2027) == (date(2026, 7, 1), date(2027, 6, 30))
    assert notice_rules.holiday_window("五一", 2027) == (date(2027, 1, 1), date(2027, 12, 31))


def round_units(db: Database, holiday: str, year: int) -> dict[int, list[str]]:
    """Per unit, the names of its live 节前提醒 of this holiday and year (by the title's year)."""
    out: dict[int, list[str]] = {}
    names = notice_rules.reminder_names(holiday)
    for n in live_notices(db):
        if n.kind == NoticeKind.HOLIDAY_REMINDER and f"{year}年" in n.title and n.holiday in names:
            out.setdefault(n.unit_id, []).append(str(n.holiday))
    return out


def test_the_workbench_counts_the_reminders_the_bulk_print_finds(demo: Database, tmp_path: Path) -> None:
    """The 工作台's progress (todo, plain SQL) and the bulk print (printing, ORM) find the same
    reminders: each unit the 工作台 counts as sent gets nothing new, every other gets one."""
    day = date(2026, 4, 27)  # 劳动节 is next; the demo sent its reminders as 五一 on the 24th
    units = sorted(round_units(demo, "劳动节", 2026))
    assert len(units) >= 4
    renamed, dropped, drafted = units[:3]
    with demo.uow() as uow:
        by_unit = {
            n.unit_id: n
            for n in uow.session.scalars(
                select(m.AlertNotice).where(
                    m.AlertNotice.holiday == "五一", m.AlertNotice.unit_id.in_([renamed, dropped])
                )
            )
        }
        by_unit[renamed].holiday = "劳动节"  # typed by hand: the calendar's name, not the usual one
        gone = by_unit[dropped].id
        uow.commit()
    records.delete(demo, "alert_notices", gone)
    draft = records.create(
        demo,
        "alert_notices",
        {
            "kind": NoticeKind.HOLIDAY_REMINDER,
            "unit_id": drafted,
            "title": printing.holiday_title("五一", 2026),
            "holiday": "五一",
        },
    )
    state = todo.next_holiday_reminders(demo, day)
    assert state is not None and state.holiday.name == "劳动节" and state.reminder_name == "五一"
    # every unit is sent except the one whose reminder was deleted (the renamed one is sent)
    assert (state.units_total, state.units_issued, state.units_drafted) == (len(units), len(units) - 1, 0)

    ids = printing.holiday_reminders(
        demo, holiday=state.reminder_name, year=state.holiday.year, out=tmp_path / "may.pdf", issued_on=day
    )
    assert len(ids) == state.units_total - state.units_issued  # only the unit with none
    assert draft not in ids  # that unit's issued reminder wins over its later draft
    assert {n.unit_id for n in live_notices(demo) if n.id in ids} == {dropped}
    per_unit = round_units(demo, "劳动节", 2026)
    assert per_unit[renamed] == ["劳动节"]  # not written a second time
    after = todo.next_holiday_reminders(demo, day)
    assert after is not None and after.done


def test_a_round_for_two_holidays_counts_only_its_own_reminders(demo: Database, tmp_path: Path) -> None:
    day = date(2026, 9, 28)  # 国庆节 is next; the demo sent one round for 中秋 and 国庆 together
    units = sorted(round_units(demo, "中秋国庆", 2026))
    with demo.uow() as uow:
        notice = uow.session.scalars(
            select(m.AlertNotice).where(
                m.AlertNotice.holiday == "中秋国庆", m.AlertNotice.unit_id == units[0]
            )
        ).one()
        notice.holiday = "中秋"  # this unit was only reminded of 中秋
        uow.commit()
    state = todo.next_holiday_reminders(demo, day)
    assert state is not None and state.reminder_name == "中秋国庆"
    assert (state.units_issued, state.units_drafted) == (len(units) - 1, 0)
    ids = printing.holiday_reminders(
        demo, holiday=state.reminder_name, year=state.holiday.year, out=tmp_path / "oct.pdf", issued_on=day
    )
    assert {n.unit_id for n in live_notices(demo) if n.id in ids} == {units[0]}
    after = todo.next_holiday_reminders(demo, day)
    assert after is not None and after.done


# --- constants with one home --------------------------------------------------------------------


def test_the_holidays_offered_are_the_usual_names_of_the_calendars_holidays() -> None:
    from wsjc_desktop.services import workcalendar
    from wsjc_desktop.ui.tabs import notices as notices_tab

    assert notices_tab.HOLIDAYS is printing.HOLIDAYS is notice_rules.HOLIDAYS
    assert workcalendar.HOLIDAY_NAMES == ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
    for name, holiday in zip(notice_rules.HOLIDAYS, workcalendar.HOLIDAY_NAMES, strict=True):
        assert workcalendar.holiday_names(name) == (holiday,)
        assert notice_rules.reminder_names(holiday)[0] == name


def test_every_font_role_has_a_setting_the_printing_reads(db: Database, tmp_path: Path) -> None:
    from wsjc_desktop.printing import fonts

    assert settings.FONT_ROLES == fonts.ROLES
    assert tuple(settings.FONT_ROLE_LABELS) == settings.FONT_ROLES
    files = {}
    for role in settings.FONT_ROLES:
        files[role] = tmp_path / f"{role}.ttf"
        files[role].write_bytes(b"")
    settings.set_many(db, {settings.font_key(role): str(path) for role, path in files.items()})
    assert [key for key in settings.DEFAULTS if key.startswith("print.font.")] == list(settings.FONT_KEYS)
    with db.read() as uow:
        assert printing._font_overrides(uow.session) == {role: str(path) for role, path in files.items()}


def test_a_register_offers_text_search_for_exactly_the_indexed_tables() -> None:
    from wsjc_desktop.services.search import KIND_LABELS
    from wsjc_desktop.storage.search_index import KINDS
    from wsjc_desktop.ui.record_tab import SEARCHABLE

    assert tuple(KIND_LABELS) == KINDS
    assert frozenset(KINDS) == SEARCHABLE


# --- the next 文号 --------------------------------------------------------------------------------


def test_the_next_numbers_are_the_numbers_issued(demo: Database) -> None:
    """The preview (``notices.next_numbers``) of every kind is the number issuing then gives,
    on the demo's numbered year and after a number typed in above the counter."""
    kind = NoticeKind.PROMPT_LETTER
    with demo.uow() as uow:  # a notice brought in with a number above the counter
        s = uow.session
        highest = s.scalar(select(func.max(m.AlertNotice.doc_seq)).where(m.AlertNotice.kind == kind)) or 0
        imported = s.scalars(select(m.AlertNotice).where(m.AlertNotice.status == NoticeStatus.DRAFT)).first()
        assert imported is not None
        imported.kind, imported.doc_year, imported.doc_seq = kind, 2026, highest + 5
        uow.commit()
    planned = notices.next_numbers(demo, 2026)
    assert [p.kind for p in planned] == list(NoticeKind)
    assert next(p for p in planned if p.kind is kind).seq == highest + 6
    agency = str(settings.get(demo, "group.agency_code"))
    unit_id = live_notices(demo)[0].unit_id
    for number in planned:
        assert number.seq > 1, "the demo has numbered every kind this year"
        draft = records.create(
            demo, "alert_notices", {"kind": number.kind, "unit_id": unit_id, "title": "预览与发出"}
        )
        assert notices.issue(demo, draft, issued_on=TODAY) == number.text(agency)
    assert [p.seq for p in notices.next_numbers(demo, 2026)] == [p.seq + 1 for p in planned]


def test_the_sequence_counter_never_goes_down(group: Database) -> None:
    with group.uow() as uow:
        notices.advance_sequence_in(uow.session, NoticeKind.COPY_NOTICE, 2026, 7)
        notices.advance_sequence_in(uow.session, NoticeKind.COPY_NOTICE, 2026, 3)
        uow.commit()
    planned = {p.kind: p for p in notices.next_numbers(group, 2026)}
    assert planned[NoticeKind.COPY_NOTICE].seq == 8
    assert planned[NoticeKind.PROPOSAL].seq == 1
    assert planned[NoticeKind.COPY_NOTICE].text(AGENCY_CODE) == "驻财纪抄〔2026〕8号"
