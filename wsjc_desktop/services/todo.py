"""待办事项 for the 工作台: what needs doing as of ``today``, and the next holiday's 节前提醒.

The list comes from a handful of SQL queries whatever the size of the database: notices are
read as a few columns each (never as records), and the cadres behind the per-unit lines are
only counted, per unit, in SQL. Records in the recycle bin never appear.

- 廉情提醒 due for feedback within :data:`DUE_SOON_DAYS` days, overdue (逾期 is derived: issued,
  past its deadline, no feedback), or fed back but not yet rectified;
- per unit under supervision, serving cadres whose 廉政档案 was not updated this year (the
  dossier's own rule, :mod:`wsjc_desktop.services.dossier`), leadership-team members with no
  述责述廉 of this year, and 厅级/处级 cadres with no 个人有关事项报告 of this year.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, func, not_, select
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import CadreRank, CadreStatus, NoticeKind, NoticeStatus
from wsjc_desktop.domain.fields import ALERT_NOTICE
from wsjc_desktop.services import records, workcalendar
from wsjc_desktop.services.dossier import updated_this_year
from wsjc_desktop.services.records import RecordFilter
from wsjc_desktop.storage.database import Database

__all__ = [
    "DUE_SOON_DAYS",
    "REMINDER_NAMES",
    "HolidayReminders",
    "Severity",
    "TodoItem",
    "TodoKind",
    "TodoSection",
    "next_holiday_reminders",
    "reminder_names",
    "todo_list",
]

#: A notice is “due soon” when its 反馈期限 is at most this many days ahead (today included).
DUE_SOON_DAYS = 7
#: Items listed per section at most; the section still says how many there are in all.
DEFAULT_LIMIT = 200


class TodoKind(StrEnum):
    """The sections of the list. The notice kinds' values are the notices tab's status filters."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NOT_RECTIFIED = "fed_back"
    STALE_FILES = "stale_files"
    DUTY_REPORTS = "duty_reports"
    PERSONAL_MATTERS = "personal_matters"


class Severity(StrEnum):
    OVERDUE = "overdue"  # red
    DUE_SOON = "due_soon"  # amber
    NORMAL = "normal"


@dataclass(frozen=True)
class TodoItem:
    """One line of the list and the record to open for it: a notice (``alert_notices``, id) or a
    unit (``units``, id) whose cadres' dossiers need the work."""

    kind: TodoKind
    text: str
    severity: Severity
    table: str
    record_id: int
    count: int = 1  # cadres behind a per-unit line
    tip: str = ""


@dataclass(frozen=True)
class TodoSection:
    kind: TodoKind
    title: str
    severity: Severity
    items: tuple[TodoItem, ...]  # at most the limit asked for
    total: int  # lines in all (notices, or units)
    people: int = 0  # per-unit sections: cadres in all

    @property
    def count_text(self) -> str:
        if self.kind in _NOTICE_KINDS:
            return f"{self.total} 份"
        return f"{self.people} 人，{self.total} 个单位"

    @property
    def more(self) -> int:
        """Lines not listed (beyond the limit)."""
        return self.total - len(self.items)


_NOTICE_KINDS = frozenset({TodoKind.OVERDUE, TodoKind.DUE_SOON, TodoKind.NOT_RECTIFIED})


def _md(day: date, today: date) -> str:
    """11月25日, or 2027年1月5日 when it is not this year."""
    text = f"{day.month}月{day.day}日"
    return text if day.year == today.year else f"{day.year}年{text}"


def _due_text(deadline: date, today: date) -> str:
    days = (deadline - today).days
    if days > 0:
        return f"还有{days}天"
    if days == 0:
        return "今天到期"
    return f"已逾期{-days}天"


# --- notices ------------------------------------------------------------------------------


def _notice_rows(session: Session, flt: RecordFilter) -> list[Any]:
    """(id, kind, 文号, unit short and full name, title, deadline) of the notices ``flt`` lists in
    the notices tab, earliest deadline first."""
    notice, unit = m.AlertNotice, m.Unit
    query = (
        records.build_query(ALERT_NOTICE, flt)
        .with_only_columns(
            notice.id,
            notice.kind,
            notice.doc_number,
            unit.short_name,
            unit.full_name,
            notice.title,
            notice.deadline,
        )
        .join_from(notice, unit, unit.id == notice.unit_id)
        .order_by(None)
        .order_by(notice.deadline.nulls_last(), notice.id)
    )
    return list(session.execute(query))


def _notice_section(
    session: Session,
    kind: TodoKind,
    title: str,
    severity: Severity,
    flt: RecordFilter,
    today: date,
    limit: int,
) -> TodoSection:
    rows = _notice_rows(session, flt)
    items = []
    for notice_id, notice_kind, number, short, full, notice_title, deadline in rows[:limit]:
        head = f"{NoticeKind.parse(notice_kind).label} {number or '（未编号）'} {short or full}"
        if kind is TodoKind.NOT_RECTIFIED:
            text = f"{head} 已反馈，整改未完成"
        elif deadline is not None:
            text = f"{head} 反馈期限 {_md(deadline, today)}（{_due_text(deadline, today)}）"
        else:
            text = head
        items.append(TodoItem(kind, text, severity, "alert_notices", notice_id, tip=notice_title))
    return TodoSection(kind, title, severity, tuple(items), len(rows))


# --- cadres, counted per unit -------------------------------------------------------------


def _per_unit(
    session: Session,
    kind: TodoKind,
    title: str,
    what: str,
    conditions: Sequence[ColumnElement[bool]],
    limit: int,
) -> TodoSection:
    """One line per unit under supervision with serving cadres matching ``conditions``."""
    cadre, unit = m.Cadre, m.Unit
    rows = session.execute(
        select(unit.id, unit.short_name, unit.full_name, func.count(cadre.id))
        .join(cadre, cadre.unit_id == unit.id)
        .where(
            unit.deleted_at.is_(None),
            unit.in_scope.is_(True),
            cadre.deleted_at.is_(None),
            cadre.status == CadreStatus.SERVING,
            *conditions,
        )
        .group_by(unit.id)
        .order_by(unit.sort_order, unit.id)
    ).all()
    items = tuple(
        TodoItem(kind, f"{short or full}：{n} {what}", Severity.NORMAL, "units", unit_id, count=n)
        for unit_id, short, full, n in rows[:limit]
    )
    people = sum(int(n) for *_rest, n in rows)
    return TodoSection(kind, title, Severity.NORMAL, items, len(rows), people)


def _no_report_of(
    model: type[m.DutyReport] | type[m.PersonalMattersReport], year: int
) -> ColumnElement[bool]:
    # NOT IN, not NOT EXISTS: SQLite then reads the year's reports once, not once per cadre
    reported = select(model.cadre_id).where(model.year == year, model.deleted_at.is_(None))
    return m.Cadre.id.not_in(reported)


def todo_list(db: Database, today: date, *, limit: int = DEFAULT_LIMIT) -> list[TodoSection]:
    """Every section of the list as of ``today`` (empty ones included), most urgent first."""
    year = today.year
    cadre = m.Cadre
    with db.read() as uow:
        s = uow.session
        sections = [
            _notice_section(
                s,
                TodoKind.OVERDUE,
                "逾期未反馈",
                Severity.OVERDUE,
                RecordFilter(status=NoticeStatus.OVERDUE, today=today),
                today,
                limit,
            ),
            _notice_section(
                s,
                TodoKind.DUE_SOON,
                f"{DUE_SOON_DAYS}日内到期",
                Severity.DUE_SOON,
                RecordFilter(due_within_days=DUE_SOON_DAYS, today=today),
                today,
                limit,
            ),
            _notice_section(
                s,
                TodoKind.NOT_RECTIFIED,
                "已反馈，整改未完成",
                Severity.NORMAL,
                RecordFilter(status=NoticeStatus.FED_BACK, today=today),
                today,
                limit,
            ),
            _per_unit(
                s,
                TodoKind.STALE_FILES,
                "廉政档案本年度未更新",
                "名干部的廉政档案本年度未更新",
                # the dossier's rule, so this count and the 廉政档案 tab's orange dots agree
                [not_(updated_this_year(datetime(year, 1, 1)))],
                limit,
            ),
            _per_unit(
                s,
                TodoKind.DUTY_REPORTS,
                f"{year}年度述责述廉未登记",
                f"名班子成员未登记{year}年度述责述廉",
                [cadre.is_leader.is_(True), _no_report_of(m.DutyReport, year)],
                limit,
            ),
            _per_unit(
                s,
                TodoKind.PERSONAL_MATTERS,
                f"{year}年度个人有关事项报告未登记",
                f"名厅级、处级干部未登记{year}年度个人有关事项报告",
                [
                    cadre.rank.in_([CadreRank.BUREAU, CadreRank.DIVISION]),
                    _no_report_of(m.PersonalMattersReport, year),
                ],
                limit,
            ),
        ]
    return sections


# --- the next holiday and its 节前廉政提醒 ------------------------------------------------

#: The names a 节前提醒 may carry for each holiday of the calendar, the usual one first: the
#: notices tab offers 清明, 端午, 中秋 and 国庆; older records may say 五一 or 中秋国庆.
REMINDER_NAMES: dict[str, tuple[str, ...]] = {
    "元旦": ("元旦",),
    "春节": ("春节",),
    "清明节": ("清明", "清明节"),
    "劳动节": ("劳动节", "五一"),
    "端午节": ("端午", "端午节"),
    "中秋节": ("中秋", "中秋节", "中秋国庆"),
    "国庆节": ("国庆", "国庆节", "中秋国庆"),
}


def reminder_names(holiday: str) -> tuple[str, ...]:
    """The names a 节前提醒 for the calendar's ``holiday`` may carry, the usual one first."""
    return REMINDER_NAMES.get(holiday, (holiday,))


@dataclass(frozen=True)
class HolidayReminders:
    """The next holiday and how far its 节前廉政提醒 have gone."""

    holiday: workcalendar.Holiday
    reminder_name: str  # the name to send them under (the one already used this time, if any)
    units_total: int  # units under supervision
    units_issued: int  # of those, units whose reminder has gone out
    units_drafted: int  # of the rest, units with a draft written

    def headline(self, today: date) -> str:
        """元旦 2027年1月1日（还有40天），放假3天"""
        h = self.holiday
        days = (h.first_day - today).days
        if days > 0:
            when = f"还有{days}天"
        elif days == 0:
            when = "今天放假"
        else:
            when = "正在放假"
        return f"{h.name} {workcalendar.chinese_date(h.first_day)}（{when}），放假{h.days}天"

    @property
    def progress_text(self) -> str:
        if not self.units_total:
            return "没有在监督范围内的单位。"
        if self.units_issued >= self.units_total:
            return f"节前廉政提醒已向全部 {self.units_total} 个单位发出。"
        text = f"节前廉政提醒已发出 {self.units_issued}/{self.units_total} 个单位"
        if self.units_drafted:
            text += f"，另有 {self.units_drafted} 份草稿待发出"
        return text + "。"

    @property
    def done(self) -> bool:
        return self.units_total > 0 and self.units_issued >= self.units_total


def next_holiday_reminders(db: Database, today: date) -> HolidayReminders | None:
    """The next holiday (the ongoing one during a holiday) and its reminders; None when the
    calendar knows no holiday ahead."""
    from wsjc_desktop.services.printing import holiday_window

    with db.read() as uow:
        s = uow.session
        holiday = workcalendar.next_holiday(s, today)
        if holiday is None:
            return None
        names = reminder_names(holiday.name)
        units = set(
            s.scalars(select(m.Unit.id).where(m.Unit.deleted_at.is_(None), m.Unit.in_scope.is_(True)))
        )
        notice = m.AlertNotice
        rows = s.execute(
            select(
                notice.unit_id,
                notice.holiday,
                notice.status,
                notice.issued_on,
                notice.created_at,
                notice.title,
            )
            .where(
                notice.kind == NoticeKind.HOLIDAY_REMINDER,
                notice.holiday.in_(names),
                notice.deleted_at.is_(None),
            )
            .order_by(notice.id)
        ).all()
    year = holiday.year
    # which reminders are this holiday's: as the bulk print finds them (services.printing._plan)
    start, end = holiday_window(names[0], year)
    found = [
        (unit_id, name, status)
        for unit_id, name, status, issued_on, created_at, title in rows
        if unit_id in units and (start <= (issued_on or created_at.date()) <= end or f"{year}年" in title)
    ]
    used = Counter(name for _unit, name, _status in found)
    reminder_name = max(names, key=lambda n: (used[n], -names.index(n)))
    issued = {
        unit_id for unit_id, name, status in found if name == reminder_name and status != NoticeStatus.DRAFT
    }
    drafted = {unit_id for unit_id, name, status in found if name == reminder_name} - issued
    return HolidayReminders(holiday, reminder_name, len(units), len(issued), len(drafted))
