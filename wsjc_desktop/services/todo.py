"""待办事项 for the 工作台: what needs doing as of ``today``, and the next holiday's 节前提醒.

The list comes from a handful of SQL queries whatever the size of the database: notices are
read as a few columns each (never as records), and the cadres behind the per-unit lines are
only counted, per unit, in SQL. Records in the recycle bin never appear.

- 廉情提醒 due for feedback within :data:`DUE_SOON_DAYS` days, overdue (逾期 is derived: issued,
  past its deadline, no feedback), or fed back but not yet rectified;
- sanctions and organizational measures whose 影响期 ends within 30 days, and the cadres inside
  one whose 回访 is due (issue 19);
- 问题线索 near (yellow) or past (red) their stage's limit (:mod:`wsjc_desktop.domain.problem_rules`,
  setting ``clues.stage_days``), problems past their 整改期限 and not yet 销号, and, for each unit
  under 巡视巡察整改, the months of its 整改期 up to this one with no 巡视巡察整改监督 of it
  (issue 19);
- per unit under supervision, serving cadres whose 廉政档案 was not updated this year (the
  dossier's own rule, :mod:`wsjc_desktop.services.dossier`), leadership-team members with no
  述责述廉 of this year, and 厅级/处级 cadres with no 个人有关事项报告 of this year.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from wsjc_desktop.domain import notice_rules, problem_rules, sanctions
from wsjc_desktop.domain.enums import (
    CadreRank,
    CadreStatus,
    ClueStage,
    DisciplineCategory,
    InspectionKind,
    NoticeKind,
    NoticeStatus,
)
from wsjc_desktop.domain.notice_rules import DUE_SOON_DAYS, REMINDER_NAMES, reminder_names

if TYPE_CHECKING:
    from wsjc_desktop.services import workcalendar
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

#: Items listed per section at most; the section still says how many there are in all.
DEFAULT_LIMIT = 200


class TodoKind(StrEnum):
    """The sections of the list. The notice kinds' values are the notices tab's status filters."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NOT_RECTIFIED = "fed_back"
    CLUES_DUE = "clues_due"
    PROBLEMS_OVERDUE = "problems_overdue"
    RECTIFICATION_CHECKS = "rectification_checks"
    STALE_FILES = "stale_files"
    DUTY_REPORTS = "duty_reports"
    PERSONAL_MATTERS = "personal_matters"
    SANCTIONS_ENDING = "sanctions_ending"
    VISITS_DUE = "visits_due"


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
        if self.kind is TodoKind.SANCTIONS_ENDING:
            return f"{self.total} 人次"
        if self.kind is TodoKind.VISITS_DUE:
            return f"{self.total} 人"
        if self.kind is TodoKind.CLUES_DUE:
            return f"{self.total} 件"
        if self.kind is TodoKind.PROBLEMS_OVERDUE:
            return f"{self.total} 个"
        if self.kind is TodoKind.RECTIFICATION_CHECKS:
            return f"{self.total} 个月"
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


# --- the list, in plain SQL ----------------------------------------------------------------
#
# The list is the first thing the window shows, so it is read with plain SQL on a DB-API
# connection (``Database.raw_read``) and needs neither SQLAlchemy nor the models: importing them
# costs more than the bare window takes to appear. The notices' conditions are those of the
# notices tab's status filters, both taken from :mod:`wsjc_desktop.domain.notice_rules`; the
# files' is the dossier's rule ``dossier.updated_this_year``. Tests check that each gives the
# same records as the ORM's.

#: Tables of a cadre's 廉政档案 sections (``fields.DOSSIER_SECTIONS``; a test keeps them equal).
SECTION_TABLES = (
    "family_members",
    "personal_matters_reports",
    "duty_reports",
    "integrity_opinions",
    "discipline_records",
    "follow_up_visits",
    "clues",
    "risk_points",
    "attachments",
)

_NOTICES_SQL = """
SELECT n.id, n.kind, n.doc_number, u.short_name, u.full_name, n.title, n.deadline
FROM alert_notices AS n JOIN units AS u ON u.id = n.unit_id
WHERE n.deleted_at IS NULL AND {condition}
ORDER BY n.deadline IS NULL, n.deadline, n.id
"""

_NOTICE_CONDITIONS = {
    # the notices tab's filter 逾期 (records: status=OVERDUE)
    TodoKind.OVERDUE: notice_rules.overdue_sql("n", ":today"),
    # its filter 7日内到期 (records: due_within_days=DUE_SOON_DAYS)
    TodoKind.DUE_SOON: notice_rules.due_within_sql("n", ":today", ":due_by"),
    TodoKind.NOT_RECTIFIED: "n.status = :fed_back",
}

_PER_UNIT_SQL = """
SELECT u.id, u.short_name, u.full_name, count(c.id)
FROM units AS u JOIN cadres AS c ON c.unit_id = u.id
WHERE u.deleted_at IS NULL AND u.in_scope = 1 AND c.deleted_at IS NULL AND c.status = :serving
  AND {condition}
GROUP BY u.id
ORDER BY u.sort_order, u.id
"""

#: dossier.updated_this_year: the file marked updated, or the cadre or a section row changed
_UPDATED_THIS_YEAR = (
    "CASE WHEN (c.file_updated_on >= :since_day OR c.updated_at >= :since) THEN 1 ELSE c.id IN ("
    + " UNION ".join(
        f"SELECT cadre_id FROM {table}"
        " WHERE cadre_id IS NOT NULL AND deleted_at IS NULL AND updated_at >= :since"
        for table in SECTION_TABLES
    )
    + ") END"
)


def _no_report_of(table: str) -> str:
    # NOT IN, not NOT EXISTS: SQLite then reads the year's reports once, not once per cadre
    return f"c.id NOT IN (SELECT cadre_id FROM {table} WHERE year = :year AND deleted_at IS NULL)"


def _params(today: date) -> dict[str, Any]:
    since = datetime(today.year, 1, 1)
    return {
        "today": today.isoformat(),
        "due_by": (today + timedelta(days=DUE_SOON_DAYS)).isoformat(),
        "ending_by": (today + timedelta(days=sanctions.EXPIRY_NOTICE_DAYS)).isoformat(),
        "first_form": DisciplineCategory.FIRST_FORM.value,
        "fed_back": NoticeStatus.FED_BACK.value,
        "serving": CadreStatus.SERVING.value,
        "since_day": since.date().isoformat(),
        "since": since.isoformat(sep=" ", timespec="microseconds"),  # as the ORM stores them
        "year": today.year,
        "bureau": CadreRank.BUREAU.value,
        "division": CadreRank.DIVISION.value,
        "rectification": InspectionKind.RECTIFICATION.value,
    }


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _notice_section(
    conn: Any,
    params: dict[str, Any],
    kind: TodoKind,
    title: str,
    severity: Severity,
    today: date,
    limit: int,
) -> TodoSection:
    rows = conn.execute(_NOTICES_SQL.format(condition=_NOTICE_CONDITIONS[kind]), params).fetchall()
    items = []
    for notice_id, notice_kind, number, short, full, notice_title, deadline_value in rows[:limit]:
        deadline = _as_date(deadline_value)
        head = f"{NoticeKind.parse(notice_kind).label} {number or '（未编号）'} {short or full}"
        if kind is TodoKind.NOT_RECTIFIED:
            text = f"{head} 已反馈，整改未完成"
        elif deadline is not None:
            text = f"{head} 反馈期限 {_md(deadline, today)}（{_due_text(deadline, today)}）"
        else:
            text = head
        items.append(TodoItem(kind, text, severity, "alert_notices", notice_id, tip=notice_title))
    return TodoSection(kind, title, severity, tuple(items), len(rows))


def _per_unit(
    conn: Any,
    params: dict[str, Any],
    kind: TodoKind,
    title: str,
    what: str,
    condition: str,
    limit: int,
) -> TodoSection:
    """One line per unit under supervision with serving cadres matching ``condition``."""
    rows = conn.execute(_PER_UNIT_SQL.format(condition=condition), params).fetchall()
    items = tuple(
        TodoItem(kind, f"{short or full}：{n} {what}", Severity.NORMAL, "units", unit_id, count=n)
        for unit_id, short, full, n in rows[:limit]
    )
    people = sum(int(n) for *_rest, n in rows)
    return TodoSection(kind, title, Severity.NORMAL, items, len(rows), people)


_SANCTIONS_ENDING_SQL = """
SELECT d.id, d.cadre_id, c.name, u.short_name, u.full_name, d.category, d.measure, d.effect_end
FROM discipline_records AS d JOIN cadres AS c ON c.id = d.cadre_id JOIN units AS u ON u.id = c.unit_id
WHERE d.deleted_at IS NULL AND c.deleted_at IS NULL AND d.effect_end >= :today AND d.effect_end <= :ending_by
ORDER BY d.effect_end, d.id
"""


def _sanctions_ending(conn: Any, params: dict[str, Any], today: date, limit: int) -> TodoSection:
    """影响期 ending within :data:`sanctions.EXPIRY_NOTICE_DAYS` days: the cadre's file opens."""
    rows = conn.execute(_SANCTIONS_ENDING_SQL, params).fetchall()
    items = []
    for _record_id, cadre_id, name, short, full, category, measure, end_value in rows[:limit]:
        end = _as_date(end_value)
        assert end is not None
        label = DisciplineCategory.parse(category).label
        days = (end - today).days
        when = "今天期满" if days == 0 else f"还有{days}天"
        text = f"{name}（{short or full}）{label}·{measure} 影响期 {_md(end, today)} 期满（{when}）"
        items.append(TodoItem(TodoKind.SANCTIONS_ENDING, text, Severity.DUE_SOON, "cadres", cadre_id))
    title = f"{sanctions.EXPIRY_NOTICE_DAYS}日内影响期期满"
    return TodoSection(TodoKind.SANCTIONS_ENDING, title, Severity.DUE_SOON, tuple(items), len(rows))


_VISITS_SQL = """
SELECT c.id, c.name, u.short_name, u.full_name, min(d.decided_on),
  (SELECT count(*) FROM follow_up_visits AS v WHERE v.cadre_id = c.id AND v.deleted_at IS NULL),
  (SELECT v.next_visit FROM follow_up_visits AS v WHERE v.cadre_id = c.id AND v.deleted_at IS NULL
   ORDER BY v.visited_on DESC, v.id DESC LIMIT 1)
FROM discipline_records AS d JOIN cadres AS c ON c.id = d.cadre_id JOIN units AS u ON u.id = c.unit_id
WHERE d.deleted_at IS NULL AND c.deleted_at IS NULL AND d.category <> :first_form AND d.effect_end >= :today
GROUP BY c.id
"""


def _visits_due(conn: Any, params: dict[str, Any], today: date, limit: int) -> TodoSection:
    """Cadres inside an 影响期 whose 回访 is due within :data:`DUE_SOON_DAYS` days (or overdue):
    the first :data:`sanctions.FIRST_VISIT_DAYS` days after the decision, then when the last
    visit said. A last visit with no next date ends the visits."""
    due: list[tuple[date, int, str]] = []
    for cadre_id, name, short, full, decided_value, visits, next_value in conn.execute(_VISITS_SQL, params):
        decided = _as_date(decided_value)
        when = (
            _as_date(next_value)
            if visits
            else decided and decided + timedelta(days=sanctions.FIRST_VISIT_DAYS)
        )
        if when is None or (when - today).days > DUE_SOON_DAYS:
            continue
        what = "回访" if visits else "首次回访"
        due.append(
            (
                when,
                cadre_id,
                f"{name}（{short or full}）{what} {_md(when, today)} 到期（{_due_text(when, today)}）",
            )
        )
    due.sort()
    items = tuple(
        TodoItem(
            TodoKind.VISITS_DUE, text, Severity.OVERDUE if when < today else Severity.DUE_SOON, "cadres", cid
        )
        for when, cid, text in due[:limit]
    )
    return TodoSection(TodoKind.VISITS_DUE, "受处理干部回访到期", Severity.DUE_SOON, items, len(due))


# --- the supervision loop (issue 19) --------------------------------------------------------

_STAGE_DAYS_SQL = "SELECT value FROM settings WHERE key = 'clues.stage_days' AND deleted_at IS NULL"


def _stage_days(conn: Any) -> dict[str, int] | None:
    """The setting ``clues.stage_days`` (None: the defaults), read with plain SQL."""
    import json

    for (value,) in conn.execute(_STAGE_DAYS_SQL):
        try:
            return {str(stage): int(days) for stage, days in dict(json.loads(value)).items()}
        except (TypeError, ValueError):
            return None
    return None


def _clues_sql(days: dict[str, int] | None) -> str:
    light = problem_rules.light_sql("cl", ":today", days)
    return f"""
SELECT cl.id, cl.stage, cl.stage_since, cl.summary, cl.supervised, u.short_name, u.full_name, c.name,
  mb.name, {light} AS light
FROM clues AS cl LEFT JOIN cadres AS c ON c.id = cl.cadre_id
  LEFT JOIN units AS u ON u.id = coalesce(cl.unit_id, c.unit_id)
  LEFT JOIN members AS mb ON mb.id = cl.handler_id AND mb.deleted_at IS NULL
WHERE cl.deleted_at IS NULL AND {light} IN ('red', 'yellow')
"""


def _short(text: str | None, limit: int = 20) -> str:
    stripped = (text or "").strip()
    first = stripped.splitlines()[0].strip() if stripped else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _worst(items: tuple[TodoItem, ...]) -> Severity:
    """A section's colour: red when any of its lines is, else amber."""
    return Severity.OVERDUE if any(i.severity is Severity.OVERDUE for i in items) else Severity.DUE_SOON


def _clues_due(conn: Any, params: dict[str, Any], today: date, limit: int) -> TodoSection:
    """Clues whose light is yellow (past half of their stage's limit) or red (past it): “问题线索
    “…”研判超期3天”, “处置剩5天”. Red first, the longest overdue first; the clue opens."""
    days = _stage_days(conn)
    found: list[tuple[int, int, TodoItem]] = []
    for clue_id, stage, since_value, summary, supervised, short, full, person, handler, light in conn.execute(
        _clues_sql(days), params
    ):
        since = _as_date(since_value)
        deadline = problem_rules.stage_deadline(stage, since, days)
        if deadline is None:
            continue
        left = (deadline - today).days
        label = ClueStage.parse(stage).label
        if left < 0:
            when = f"{label}超期{-left}天"
        elif left == 0:
            when = f"{label}今天到期"
        else:
            when = f"{label}剩{left}天"
        red = light == problem_rules.Light.RED.value
        who = "、".join(x for x in (person, short or full) if x)
        tip = "；".join(
            x
            for x in (
                f"涉及：{who}" if who else "",
                f"主办人：{handler}" if handler else "主办人：未指定",
                "督办" if supervised else "",
                f"本阶段期限：{_md(deadline, today)}",
            )
            if x
        )
        text = f"问题线索“{_short(summary)}”{when}" + ("（督办）" if supervised else "")
        item = TodoItem(
            TodoKind.CLUES_DUE,
            text,
            Severity.OVERDUE if red else Severity.DUE_SOON,
            "clues",
            clue_id,
            tip=tip,
        )
        found.append((0 if red else 1, left, item))
    found.sort(key=lambda f: (f[0], f[1], f[2].record_id))
    items = tuple(item for *_order, item in found[:limit])
    return TodoSection(TodoKind.CLUES_DUE, "问题线索临期或超期", _worst(items), items, len(found))


_PROBLEMS_OVERDUE_SQL = f"""
SELECT p.id, p.description, p.deadline, u.short_name, u.full_name
FROM problems AS p JOIN units AS u ON u.id = p.unit_id
WHERE p.deleted_at IS NULL AND {problem_rules.overdue_sql("p", ":today")}
ORDER BY p.deadline, p.id
"""


def _problems_overdue(conn: Any, params: dict[str, Any], today: date, limit: int) -> TodoSection:
    """Problems past their 整改期限 and not yet rectified (problem_rules.overdue_sql): the problem
    opens."""
    rows = conn.execute(_PROBLEMS_OVERDUE_SQL, params).fetchall()
    items = []
    for problem_id, description, deadline_value, short, full in rows[:limit]:
        deadline = _as_date(deadline_value)
        assert deadline is not None
        text = f"{short or full}：“{_short(description)}”问题整改逾期{(today - deadline).days}天"
        tip = f"整改期限：{_md(deadline, today)}\n{(description or '').strip()}"
        items.append(
            TodoItem(TodoKind.PROBLEMS_OVERDUE, text, Severity.OVERDUE, "problems", problem_id, tip=tip)
        )
    return TodoSection(TodoKind.PROBLEMS_OVERDUE, "问题整改逾期", Severity.OVERDUE, tuple(items), len(rows))


_RECTIFYING_UNITS_SQL = """
SELECT u.id, u.short_name, u.full_name, u.rectification_from, u.rectification_to
FROM units AS u
WHERE u.deleted_at IS NULL AND u.in_scope = 1 AND u.rectification_from IS NOT NULL
  AND u.rectification_from <= :today
ORDER BY u.sort_order, u.id
"""

_RECTIFICATION_MONTHS_SQL = """
SELECT DISTINCT iu.unit_id, substr(i.started_on, 1, 7)
FROM inspections AS i JOIN inspection_units AS iu ON iu.inspection_id = i.id
WHERE i.deleted_at IS NULL AND i.kind = :rectification
"""


def _months(first: date, last: date) -> list[tuple[int, int]]:
    """(year, month) from ``first``'s month to ``last``'s, both included."""
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _rectification_checks(conn: Any, params: dict[str, Any], today: date, limit: int) -> TodoSection:
    """巡视巡察整改监督 is monthly while a unit's 整改期 runs: each month from its start to this one
    (or the 整改期's end, if earlier) with no inspection of that kind of the unit is a line, “X单位
    2026年11月未开展巡视巡察整改监督”; the unit opens. This month's is amber, earlier ones red."""
    units = conn.execute(_RECTIFYING_UNITS_SQL, params).fetchall()
    if not units:
        return TodoSection(TodoKind.RECTIFICATION_CHECKS, "巡视巡察整改监督未开展", Severity.OVERDUE, (), 0)
    done = {(unit_id, month) for unit_id, month in conn.execute(_RECTIFICATION_MONTHS_SQL, params)}
    found: list[TodoItem] = []
    for unit_id, short, full, from_value, to_value in units:
        first = _as_date(from_value)
        end = _as_date(to_value)
        assert first is not None
        last = min(today, end) if end is not None else today
        for year, month in _months(first, last):
            if (unit_id, f"{year:04d}-{month:02d}") in done:
                continue
            current = (year, month) == (today.year, today.month)
            period = f"整改期：{_md(first, today)}至{_md(end, today) if end else '（未填结束日期）'}"
            found.append(
                TodoItem(
                    TodoKind.RECTIFICATION_CHECKS,
                    f"{short or full}{year}年{month}月未开展巡视巡察整改监督",
                    Severity.DUE_SOON if current else Severity.OVERDUE,
                    "units",
                    unit_id,
                    tip=period,
                )
            )
    title = "巡视巡察整改监督未开展"
    return TodoSection(
        TodoKind.RECTIFICATION_CHECKS, title, Severity.OVERDUE, tuple(found[:limit]), len(found)
    )


def todo_list(db: Database, today: date, *, limit: int = DEFAULT_LIMIT) -> list[TodoSection]:
    """Every section of the list as of ``today`` (empty ones included), most urgent first."""
    year = today.year
    params = _params(today)
    with db.raw_read() as conn:
        return [
            _notice_section(conn, params, TodoKind.OVERDUE, "逾期未反馈", Severity.OVERDUE, today, limit),
            _notice_section(
                conn, params, TodoKind.DUE_SOON, f"{DUE_SOON_DAYS}日内到期", Severity.DUE_SOON, today, limit
            ),
            _notice_section(
                conn, params, TodoKind.NOT_RECTIFIED, "已反馈，整改未完成", Severity.NORMAL, today, limit
            ),
            _clues_due(conn, params, today, limit),
            _problems_overdue(conn, params, today, limit),
            _rectification_checks(conn, params, today, limit),
            _per_unit(
                conn,
                params,
                TodoKind.STALE_FILES,
                "廉政档案本年度未更新",
                "名干部的廉政档案本年度未更新",
                # the dossier's rule, so this count and the 廉政档案 tab's orange dots agree
                f"NOT ({_UPDATED_THIS_YEAR})",
                limit,
            ),
            _per_unit(
                conn,
                params,
                TodoKind.DUTY_REPORTS,
                f"{year}年度述责述廉未登记",
                f"名班子成员未登记{year}年度述责述廉",
                f"c.is_leader = 1 AND {_no_report_of('duty_reports')}",
                limit,
            ),
            _per_unit(
                conn,
                params,
                TodoKind.PERSONAL_MATTERS,
                f"{year}年度个人有关事项报告未登记",
                f"名厅级、处级干部未登记{year}年度个人有关事项报告",
                f"c.rank IN (:bureau, :division) AND {_no_report_of('personal_matters_reports')}",
                limit,
            ),
            _sanctions_ending(conn, params, today, limit),
            _visits_due(conn, params, today, limit),
        ]


# --- the next holiday and its 节前廉政提醒 ------------------------------------------------


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
        from wsjc_desktop.services import workcalendar

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
    calendar knows no holiday ahead. Plain SQL, like the list (it is drawn with it).

    Which reminders are this holiday's is :func:`notice_rules.holiday_round_sql`, the rule the
    bulk print (``services.printing``) goes by: so the units counted here as sent are those it
    would print and not write again."""
    from wsjc_desktop.services import workcalendar

    with db.raw_read() as conn:
        holiday = workcalendar.next_holiday(conn, today)
        if holiday is None:
            return None
        units = {
            row[0] for row in conn.execute("SELECT id FROM units WHERE deleted_at IS NULL AND in_scope = 1")
        }
        condition, params = notice_rules.holiday_round_sql(holiday.name, holiday.year)
        sql = f"SELECT n.unit_id, n.holiday, n.status FROM alert_notices AS n WHERE {condition} ORDER BY n.id"
        found = [
            (unit_id, name, status) for unit_id, name, status in conn.execute(sql, params) if unit_id in units
        ]
    names = reminder_names(holiday.name)
    used = Counter(name for _unit, name, _status in found)
    reminder_name = max(names, key=lambda n: (used[n], -names.index(n)))
    # counted as the bulk print under that name finds them (a 中秋国庆 round is not a 中秋 one)
    same_round = set(reminder_names(reminder_name))
    found = [(unit_id, name, status) for unit_id, name, status in found if name in same_round]
    issued = {unit_id for unit_id, _name, status in found if status != NoticeStatus.DRAFT.value}
    drafted = {unit_id for unit_id, _name, _status in found} - issued
    return HolidayReminders(holiday, reminder_name, len(units), len(issued), len(drafted))
