"""The year-end figures the group used to count by hand, each traceable to its records.

Every figure is counted from *facts*: one small row per record (or per person of a talk)
loaded once for the period. A figure is a test on facts and a measure (count, sum of a
weight, distinct values), so the number and the list of records behind it can never
disagree: :meth:`Report.trace` returns exactly the facts a figure counted. The same facts
give the figures for the whole group, per unit and per member.

Rules (the ones a year-end summary relies on):

- deleted records (in the recycle bin) never count; a talk's person whose cadre is in the
  recycle bin does not count either;
- a talk with three cadres is one talk and three 人次;
- a notice counts in the period it was issued (drafts never count); 逾期 is judged as of
  ``today``; a notice rectified after its deadline counts as rectified *and* as late;
- 党廉回复 count 人次 by reply date, one row per person named;
- 监察对象 are those serving now in units under supervision (not tied to the period).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from wsjc_desktop.domain import notice_rules
from wsjc_desktop.domain.enums import (
    CadreRank,
    ClueDisposal,
    DisciplineCategory,
    FirstFormHandling,
    MeetingType,
    NoticeKind,
    OpinionConclusion,
    OpinionFollowUp,
    TalkKind,
)
from wsjc_desktop.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from wsjc_desktop.storage.database import Database

#: Runs one SQL statement with named parameters and gives its rows.
Runner = Callable[[str, Mapping[str, Any]], Iterable[Sequence[Any]]]

# --- the period -----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A closed date range, usually one calendar year."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise UserError("统计时段的结束日期早于开始日期。", field="end")

    @classmethod
    def year(cls, year: int) -> Period:
        if not 2000 <= year <= 2100:
            raise UserError(f"年度“{year}”不是有效年份。", field="year")
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def is_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) and (
            self.start.year == self.end.year
        )

    @property
    def label(self) -> str:
        """“2026年” for a calendar year, else “2026年1月1日至2026年6月30日”."""
        if self.is_year:
            return f"{self.start.year}年"
        return f"{cn_date(self.start)}至{cn_date(self.end)}"

    @property
    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- facts ------------------------------------------------------------------------------

#: A figure's test looks at a fact's attributes (its *signature*: kinds, ranks, flags).
Attrs = Mapping[str, Any]
Test = Callable[[Attrs], bool]


class Fact(NamedTuple):
    """One counted thing: a record, or one person of a talk."""

    source: str
    table: str  # the record behind it, to open it
    record_id: int
    day: str | None  # ISO date it counts by
    units: tuple[int, ...]
    members: tuple[int, ...]
    sig: tuple[Any, ...]  # the values of the source's attributes, in SOURCE_ATTRS order
    extra: tuple[Any, ...]  # what the line naming it needs


#: The attributes each source's facts carry, in signature order.
SOURCE_ATTRS: dict[str, tuple[str, ...]] = {
    "talks": ("kind",),
    "talk_persons": ("kind", "rank", "is_leader", "handling"),
    "meetings": ("type", "major_topics"),
    "opinions": ("follow_up",),
    "notices": ("kind", "fed_back", "fed_back_late", "rectified", "rectified_late", "overdue", "occasion"),
    "replies": ("conclusion", "rank"),
    "clues": ("disposal",),
    "discipline": ("category",),
    "files": ("built", "updated"),
    "duty_reports": (),
    "personal_matters": ("checked",),
    "cadres": ("rank", "is_leader", "is_top_leader"),
    "units": (),
}


@dataclass(frozen=True)
class FigureDef:
    key: str  # stable English name, e.g. ``talks.kind.integrity``
    label: str  # Chinese label
    section: str  # Chinese heading it is listed under
    source: str  # which facts
    measure_unit: str  # 人次 / 次 / 份 / 条 / 人 / 件 / 个
    test: Test = field(default=lambda a: True)
    weight: str | None = None  # sum this attribute instead of counting
    distinct: str | None = None  # count distinct values of this attribute
    per_member: bool = True  # whether the source can be split per member


def _attr(name: str, *values: Any) -> Test:
    wanted = set(values)
    return lambda a: a.get(name) in wanted


def _flag(name: str) -> Test:
    return lambda a: bool(a.get(name))


def _all(*tests: Test) -> Test:
    return lambda a: all(t(a) for t in tests)


SECTION_TALKS = "谈话"
SECTION_MEETINGS = "列席会议"
SECTION_NOTICES = "廉情提醒"
SECTION_REPLIES = "党风廉政意见回复"
SECTION_CLUES = "问题线索"
SECTION_DISCIPLINE = "四种形态"
SECTION_FILES = "廉政档案"
SECTION_CADRES = "监察对象"


def people(rank: CadreRank) -> str:
    """“处级干部”, and “一般干部” (not 一般干部干部)."""
    return rank.label if rank.label.endswith("干部") else f"{rank.label}干部"


def _definitions() -> list[FigureDef]:
    defs: list[FigureDef] = []

    def add(*args: Any, **kwargs: Any) -> None:
        defs.append(FigureDef(*args, **kwargs))

    # 谈话
    add("talks.count", "开展谈话（次）", SECTION_TALKS, "talks", "次")
    add("talks.person_times", "谈话人次（合计）", SECTION_TALKS, "talk_persons", "人次")
    for kind in TalkKind:
        add(
            f"talks.kind.{kind.value}",
            f"{kind.label}（人次）",
            SECTION_TALKS,
            "talk_persons",
            "人次",
            _attr("kind", kind.value),
        )
    for rank in CadreRank:
        add(
            f"talks.rank.{rank.value}",
            f"谈话对象为{people(rank)}（人次）",
            SECTION_TALKS,
            "talk_persons",
            "人次",
            _attr("rank", rank.value),
        )
    for rank in (CadreRank.BUREAU, CadreRank.DIVISION, CadreRank.SECTION):
        add(
            f"talks.integrity.rank.{rank.value}",
            f"对{rank.label}干部开展廉政谈话（人次）",
            SECTION_TALKS,
            "talk_persons",
            "人次",
            _all(_attr("kind", TalkKind.INTEGRITY.value), _attr("rank", rank.value)),
        )
    add("talks.leaders", "对班子成员谈话（人次）", SECTION_TALKS, "talk_persons", "人次", _flag("is_leader"))
    for handling in FirstFormHandling:
        add(
            f"talks.handling.{handling.value}",
            f"第一种形态·{handling.label}（人次）",
            SECTION_TALKS,
            "talk_persons",
            "人次",
            _attr("handling", handling.value),
        )

    # 列席会议
    add("meetings.count", "参加综合监督单位会议（次）", SECTION_MEETINGS, "meetings", "次")
    for mtype in MeetingType:
        add(
            f"meetings.type.{mtype.value}",
            f"{mtype.label}（次）",
            SECTION_MEETINGS,
            "meetings",
            "次",
            _attr("type", mtype.value),
        )
    add(
        "meetings.major_topics",
        "审议“三重一大”议题（个）",
        SECTION_MEETINGS,
        "meetings",
        "个",
        lambda f: int(f.get("major_topics") or 0) > 0,
        weight="major_topics",
    )
    add("opinions.count", "提出意见建议（条）", SECTION_MEETINGS, "opinions", "条")
    add(
        "opinions.adopted",
        "意见建议已采纳或已落实（条）",
        SECTION_MEETINGS,
        "opinions",
        "条",
        _attr("follow_up", OpinionFollowUp.ADOPTED.value, OpinionFollowUp.IMPLEMENTED.value),
    )
    add(
        "opinions.implemented",
        "意见建议已落实（条）",
        SECTION_MEETINGS,
        "opinions",
        "条",
        _attr("follow_up", OpinionFollowUp.IMPLEMENTED.value),
    )

    # 廉情提醒
    add("notices.issued", "发出廉情提醒（份）", SECTION_NOTICES, "notices", "份")
    for notice_kind in NoticeKind:
        add(
            f"notices.kind.{notice_kind.value}",
            f"{notice_kind.label}（份）",
            SECTION_NOTICES,
            "notices",
            "份",
            _attr("kind", notice_kind.value),
        )
    add("notices.fed_back", "已收到整改反馈（份）", SECTION_NOTICES, "notices", "份", _flag("fed_back"))
    add(
        "notices.fed_back_late",
        "超过期限才反馈（份）",
        SECTION_NOTICES,
        "notices",
        "份",
        _flag("fed_back_late"),
    )
    add("notices.rectified", "已整改（份）", SECTION_NOTICES, "notices", "份", _flag("rectified"))
    for notice_kind in NoticeKind:
        if notice_kind is NoticeKind.HOLIDAY_REMINDER:
            continue
        add(
            f"notices.rectified.{notice_kind.value}",
            f"{notice_kind.label}已整改（份）",
            SECTION_NOTICES,
            "notices",
            "份",
            _all(_attr("kind", notice_kind.value), _flag("rectified")),
        )
    add(
        "notices.rectified_late",
        "逾期整改（已整改但晚于期限）（份）",
        SECTION_NOTICES,
        "notices",
        "份",
        _flag("rectified_late"),
    )
    add("notices.overdue", "逾期未反馈（份）", SECTION_NOTICES, "notices", "份", _flag("overdue"))
    add(
        "notices.holiday_occasions",
        "开展节前廉政提醒（次）",
        SECTION_NOTICES,
        "notices",
        "次",
        _attr("kind", NoticeKind.HOLIDAY_REMINDER.value),
        distinct="occasion",
    )

    # 党风廉政意见回复
    add("replies.person_times", "出具党风廉政意见回复（人次）", SECTION_REPLIES, "replies", "人次")
    for conclusion in OpinionConclusion:
        add(
            f"replies.conclusion.{conclusion.value}",
            f"结论为“{conclusion.label}”（人次）",
            SECTION_REPLIES,
            "replies",
            "人次",
            _attr("conclusion", conclusion.value),
        )
    for rank in (CadreRank.BUREAU, CadreRank.DIVISION, CadreRank.SECTION):
        add(
            f"replies.rank.{rank.value}",
            f"涉及{rank.label}干部（人次）",
            SECTION_REPLIES,
            "replies",
            "人次",
            _attr("rank", rank.value),
        )

    # 问题线索
    add("clues.received", "受理问题线索（件）", SECTION_CLUES, "clues", "件")
    for disposal in ClueDisposal:
        add(
            f"clues.disposal.{disposal.value}",
            f"{disposal.label}（件）",
            SECTION_CLUES,
            "clues",
            "件",
            _attr("disposal", disposal.value),
        )

    # 四种形态
    add("discipline.count", "处分及处理（人次）", SECTION_DISCIPLINE, "discipline", "人次")
    for category in DisciplineCategory:
        add(
            f"discipline.category.{category.value}",
            f"{category.label}（人次）",
            SECTION_DISCIPLINE,
            "discipline",
            "人次",
            _attr("category", category.value),
        )

    # 廉政档案
    add("files.built_or_updated", "建立或更新廉政档案（人）", SECTION_FILES, "files", "人", per_member=False)
    add("files.built", "新建廉政档案（人）", SECTION_FILES, "files", "人", _flag("built"), per_member=False)
    add(
        "files.updated",
        "更新廉政档案（人）",
        SECTION_FILES,
        "files",
        "人",
        _flag("updated"),
        per_member=False,
    )
    add("duty_reports.count", "述责述廉（人）", SECTION_FILES, "duty_reports", "人", per_member=False)
    add(
        "personal_matters.count",
        "个人有关事项报告（人）",
        SECTION_FILES,
        "personal_matters",
        "人",
        per_member=False,
    )
    add(
        "personal_matters.checked",
        "个人有关事项抽查核实（人）",
        SECTION_FILES,
        "personal_matters",
        "人",
        _flag("checked"),
        per_member=False,
    )

    # 监察对象
    add("cadres.count", "监察对象（人）", SECTION_CADRES, "cadres", "人", per_member=False)
    for rank in CadreRank:
        add(
            f"cadres.rank.{rank.value}",
            f"{people(rank)}（人）",
            SECTION_CADRES,
            "cadres",
            "人",
            _attr("rank", rank.value),
            per_member=False,
        )
    add(
        "cadres.leaders",
        "班子成员（人）",
        SECTION_CADRES,
        "cadres",
        "人",
        _flag("is_leader"),
        per_member=False,
    )
    add(
        "cadres.top_leaders",
        "“一把手”（人）",
        SECTION_CADRES,
        "cadres",
        "人",
        _flag("is_top_leader"),
        per_member=False,
    )
    add("units.count", "综合监督单位（个）", SECTION_CADRES, "units", "个", per_member=False)
    return defs


FIGURES: tuple[FigureDef, ...] = tuple(_definitions())
FIGURE_BY_KEY: dict[str, FigureDef] = {d.key: d for d in FIGURES}
FIGURES_BY_SOURCE: dict[str, list[FigureDef]] = defaultdict(list)
for _d in FIGURES:
    FIGURES_BY_SOURCE[_d.source].append(_d)
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(d.section for d in FIGURES))


def figure(key: str) -> FigureDef:
    try:
        return FIGURE_BY_KEY[key]
    except KeyError:
        raise UserError(f"没有名为“{key}”的统计项。") from None


# --- loading facts ------------------------------------------------------------------------
#
# Each source is one SQL select giving, per fact: the record id, the day it counts by, the
# units and members it belongs to (comma-separated ids), its signature attributes (in
# SOURCE_ATTRS order) and the extras that name it. Counting groups that select by units,
# members and signature inside SQLite, so a stress file's year is a few thousand rows for
# Python; the facts themselves are fetched only when someone asks what is behind a figure.

_LIVE_TALK = "t.deleted_at IS NULL AND t.held_on BETWEEN :start AND :end"
_LIVE_MEETING = "mt.deleted_at IS NULL AND mt.held_on BETWEEN :start AND :end"
_LIVE_NOTICE = "n.deleted_at IS NULL AND n.status <> 'draft' AND n.issued_on BETWEEN :start AND :end"
#: Who of the group attended each meeting: joined as ``att`` (ids in order, comma-separated).
_ATTENDEES = (
    " LEFT JOIN (SELECT meeting_id, group_concat(member_id) AS ids FROM (SELECT meeting_id, member_id"
    " FROM meeting_attendees ORDER BY meeting_id, member_id) GROUP BY meeting_id) att"
    " ON att.meeting_id = mt.id"
)
_MEMBERS_OF = "coalesce(CAST({0} AS TEXT), '')"

#: source → (table of the record to open, select). Columns: id, day, units, members, attrs…, extras….
SOURCE_SQL: dict[str, tuple[str, str]] = {
    "talks": (
        "talks",
        "SELECT t.id, t.held_on, group_concat(DISTINCT c.unit_id),"
        " trim(coalesce(t.talker_id, '') || ',' || coalesce(t.recorder_id, ''), ','),"
        " t.kind, group_concat(c.name, '、')"
        " FROM talks t LEFT JOIN talk_cadres tc ON tc.talk_id = t.id"
        " LEFT JOIN cadres c ON c.id = tc.cadre_id AND c.deleted_at IS NULL"
        f" WHERE {_LIVE_TALK} GROUP BY t.id ORDER BY t.held_on, t.id",
    ),
    "talk_persons": (
        "talks",
        "SELECT t.id, t.held_on, CAST(c.unit_id AS TEXT),"
        " trim(coalesce(t.talker_id, '') || ',' || coalesce(t.recorder_id, ''), ','),"
        " t.kind, c.rank, c.is_leader, t.handling, c.name, c.unit_id"
        " FROM talk_cadres tc JOIN talks t ON t.id = tc.talk_id JOIN cadres c ON c.id = tc.cadre_id"
        f" WHERE {_LIVE_TALK} AND c.deleted_at IS NULL ORDER BY t.held_on, t.id, c.name",
    ),
    "meetings": (
        "meetings",
        "SELECT mt.id, mt.held_on, CAST(mt.unit_id AS TEXT), coalesce(att.ids, ''),"
        " mt.meeting_type, coalesce(mt.major_topic_count, 0), mt.unit_id, mt.title"
        f" FROM meetings mt{_ATTENDEES} WHERE {_LIVE_MEETING} ORDER BY mt.held_on, mt.id",
    ),
    "opinions": (
        "meetings",
        "SELECT mt.id, mt.held_on, CAST(mt.unit_id AS TEXT), coalesce(att.ids, ''),"
        " op.follow_up, mt.unit_id, op.content"
        f" FROM meeting_opinions op JOIN meetings mt ON mt.id = op.meeting_id{_ATTENDEES}"
        f" WHERE {_LIVE_MEETING} AND op.deleted_at IS NULL ORDER BY mt.held_on, mt.id, op.id",
    ),
    "notices": (
        "alert_notices",
        "SELECT n.id, n.issued_on, CAST(n.unit_id AS TEXT), coalesce(CAST(n.created_by_id AS TEXT), ''),"
        " n.kind,"
        # fed_back, fed_back_late, rectified, rectified_late, overdue: the rules of notice_rules
        f" {notice_rules.fed_back_sql('n')}, {notice_rules.fed_back_late_sql('n')},"
        " n.status = 'rectified',"
        f" {notice_rules.rectified_late_sql('n')}, {notice_rules.overdue_sql('n', ':today')},"
        " CASE WHEN n.kind = 'holiday_reminder'"
        "  THEN coalesce(n.holiday, n.title) || '|' || substr(n.issued_on, 1, 4) END,"
        " n.unit_id, n.doc_number, n.title"
        f" FROM alert_notices n WHERE {_LIVE_NOTICE} ORDER BY n.issued_on, n.id",
    ),
    "replies": (
        "integrity_opinions",
        "SELECT o.id, o.reply_date, CAST(c.unit_id AS TEXT), coalesce(CAST(o.created_by_id AS TEXT), ''),"
        " o.conclusion, c.rank, c.name, c.unit_id, o.requesting_unit"
        " FROM integrity_opinions o JOIN cadres c ON c.id = o.cadre_id"
        " WHERE o.deleted_at IS NULL AND c.deleted_at IS NULL AND o.reply_date BETWEEN :start AND :end"
        " ORDER BY o.reply_date, o.id",
    ),
    "clues": (
        "clues",
        "SELECT cl.id, cl.received_on,"
        " CASE WHEN cl.unit_id IS NOT NULL AND c.unit_id IS NOT NULL AND cl.unit_id <> c.unit_id"
        "  THEN cl.unit_id || ',' || c.unit_id"
        "  ELSE coalesce(CAST(coalesce(cl.unit_id, c.unit_id) AS TEXT), '') END,"
        " coalesce(CAST(cl.created_by_id AS TEXT), ''), cl.disposal,"
        " coalesce(cl.unit_id, c.unit_id), cl.summary"
        " FROM clues cl LEFT JOIN cadres c ON c.id = cl.cadre_id"
        " WHERE cl.deleted_at IS NULL AND cl.received_on BETWEEN :start AND :end"
        " ORDER BY cl.received_on, cl.id",
    ),
    "discipline": (
        "cadres",
        "SELECT d.cadre_id, d.decided_on, CAST(c.unit_id AS TEXT),"
        " coalesce(CAST(d.created_by_id AS TEXT), ''),"
        " d.category, c.name, c.unit_id, d.measure"
        " FROM discipline_records d JOIN cadres c ON c.id = d.cadre_id"
        " WHERE d.deleted_at IS NULL AND c.deleted_at IS NULL AND d.decided_on BETWEEN :start AND :end"
        " ORDER BY d.decided_on, d.id",
    ),
    "files": (
        "cadres",
        "SELECT c.id, CASE WHEN c.created_at BETWEEN :start_at AND :end_at THEN substr(c.created_at, 1, 10)"
        "  ELSE c.file_updated_on END,"
        " CAST(c.unit_id AS TEXT), '',"
        " c.created_at BETWEEN :start_at AND :end_at, coalesce(c.file_updated_on BETWEEN :start AND :end, 0),"
        " c.name, c.unit_id"
        " FROM cadres c WHERE c.deleted_at IS NULL"
        " AND (c.created_at BETWEEN :start_at AND :end_at OR c.file_updated_on BETWEEN :start AND :end)"
        " ORDER BY c.unit_id, c.name, c.id",
    ),
    "duty_reports": (
        "cadres",
        "SELECT c.id, NULL, CAST(c.unit_id AS TEXT), '', c.name, c.unit_id, r.year"
        " FROM duty_reports r JOIN cadres c ON c.id = r.cadre_id"
        " WHERE r.deleted_at IS NULL AND c.deleted_at IS NULL AND r.year BETWEEN :first_year AND :last_year"
        " ORDER BY r.year, c.unit_id, c.name, r.id",
    ),
    "personal_matters": (
        "cadres",
        "SELECT c.id, NULL, CAST(c.unit_id AS TEXT), '',"
        " coalesce(r.check_result, 'not_checked') <> 'not_checked',"
        " c.name, c.unit_id, r.year"
        " FROM personal_matters_reports r JOIN cadres c ON c.id = r.cadre_id"
        " WHERE r.deleted_at IS NULL AND c.deleted_at IS NULL AND r.year BETWEEN :first_year AND :last_year"
        " ORDER BY r.year, c.unit_id, c.name, r.id",
    ),
    "cadres": (
        "cadres",
        "SELECT c.id, NULL, CAST(c.unit_id AS TEXT), '', c.rank, c.is_leader, c.is_top_leader,"
        " c.name, c.unit_id, c.position"
        " FROM cadres c JOIN units u ON u.id = c.unit_id"
        " WHERE c.deleted_at IS NULL AND c.status = 'serving' AND u.deleted_at IS NULL AND u.in_scope"
        " ORDER BY u.sort_order, u.id, c.name, c.id",
    ),
    "units": (
        "units",
        "SELECT u.id, NULL, CAST(u.id AS TEXT), '', u.id"
        " FROM units u WHERE u.deleted_at IS NULL AND u.in_scope ORDER BY u.sort_order, u.id",
    ),
}


def _ids(text: str | None, cache: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    """“3,5” → (3, 5); the same few strings recur, so they are parsed once."""
    if not text:
        return ()
    found = cache.get(text)
    if found is None:
        found = tuple(int(part) for part in str(text).split(","))
        cache[text] = found
    return found


@dataclass(frozen=True)
class _Group:
    """A number of facts of one source sharing units, members and signature."""

    units: tuple[int, ...]
    members: tuple[int, ...]
    sig: tuple[Any, ...]
    count: int


def sql_params(period: Period, today: date) -> dict[str, Any]:
    """The named parameters of the sources' selects."""
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "start_at": datetime.combine(period.start, time.min).isoformat(" "),
        "end_at": datetime.combine(period.end, time.max).isoformat(" "),
        "today": today.isoformat(),
        "first_year": period.start.year,
        "last_year": period.end.year,
    }


def runner(conn: Session | sqlite3.Connection | Any) -> Runner:
    """Raw SQL on an SQLAlchemy session or a DB-API connection (sqlite3 or SQLCipher: the fast
    read-only paths of the command line and the 工作台, which need not import SQLAlchemy)."""
    if isinstance(conn, sqlite3.Connection) or not hasattr(conn, "get_bind"):
        db_api: Any = conn
        run: Runner = db_api.execute
        return run
    from sqlalchemy import text

    session = conn
    return lambda sql, params: session.execute(text(sql), params)


UNITS_SQL = (
    "SELECT id, full_name, short_name, in_scope FROM units WHERE deleted_at IS NULL ORDER BY sort_order, id"
)
MEMBERS_SQL = "SELECT id, name FROM members WHERE deleted_at IS NULL ORDER BY sort_order, id"


class _Loader:
    """Runs the sources' selects for one period."""

    def __init__(self, run: Runner, period: Period, today: date) -> None:
        self.run = run
        self.params = sql_params(period, today)
        self._cache: dict[str, tuple[int, ...]] = {}
        self.unit_names: dict[int, str] = {}
        self.in_scope: dict[int, str] = {}
        for uid, full, short, in_scope in run(UNITS_SQL, {}):
            self.unit_names[uid] = short or full
            if in_scope:
                self.in_scope[uid] = short or full
        self.members: dict[int, str] = {mid: name for mid, name in run(MEMBERS_SQL, {})}

    def groups(self, source: str) -> list[_Group]:
        width = len(SOURCE_ATTRS[source])
        keys = ", ".join(_column_names(source)[2 : 4 + width])
        query = f"{_facts_cte(source)} SELECT {keys}, count(*) FROM f GROUP BY {keys}"
        return [
            _Group(_ids(row[0], self._cache), _ids(row[1], self._cache), tuple(row[2:-1]), int(row[-1]))
            for row in self.run(query, self.params)
        ]

    def facts(self, source: str) -> list[Fact]:
        table, sql = SOURCE_SQL[source]
        width = len(SOURCE_ATTRS[source])
        return [
            Fact(
                source,
                table,
                row[0],
                row[1],
                _ids(row[2], self._cache),
                _ids(row[3], self._cache),
                tuple(row[4 : 4 + width]),
                tuple(row[4 + width :]),
            )
            for row in self.run(sql, self.params)
        ]


def _column_names(source: str) -> list[str]:
    """k0 id, k1 day, k2 units, k3 members, then the attributes, then e0… the extras."""
    width = len(SOURCE_ATTRS[source])
    return [f"k{i}" for i in range(4 + width)] + [f"e{i}" for i in range(SOURCE_EXTRAS[source])]


def _facts_cte(source: str) -> str:
    """``WITH f(k0, …) AS (the source's select)``, unordered: order only matters when listing."""
    sql = SOURCE_SQL[source][1]
    return f"WITH f({', '.join(_column_names(source))}) AS ({sql[: sql.rindex(' ORDER BY ')]})"


#: How many extra columns (naming the fact) each source's select has after its attributes.
SOURCE_EXTRAS: dict[str, int] = {
    "talks": 1,
    "talk_persons": 2,
    "meetings": 2,
    "opinions": 2,
    "notices": 3,
    "replies": 3,
    "clues": 2,
    "discipline": 3,
    "files": 2,
    "duty_reports": 3,
    "personal_matters": 3,
    "cadres": 3,
    "units": 1,
}


def _short(text: str | None, limit: int = 40) -> str:
    stripped = (text or "").strip()
    first = stripped.splitlines()[0] if stripped else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _cn_iso(day: str | None) -> str:
    return cn_date(date.fromisoformat(day)) if day else ""


def _label(enum_cls: Any, value: str | None, empty: str = "") -> str:
    try:
        return str(enum_cls.parse(value).label) if value else empty
    except ValueError:
        return str(value)


# --- the report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    section: str
    measure_unit: str
    value: int


@dataclass(frozen=True)
class TraceRow:
    """One record behind a figure: open ``table``/``record_id`` to see it."""

    table: str
    record_id: int
    day: date | None
    text: str


Counts = dict[str, int]


class Report:
    """Every figure of a period, for the group, each unit and each member, with the records behind them.

    Figures are summed over fact *signatures* (the few distinct combinations of kind, rank,
    flags …) counted inside SQLite; the facts themselves are fetched per source only when
    someone asks what is behind a figure.
    """

    def __init__(
        self,
        period: Period,
        today: date,
        loader: _Loader,
        groups: dict[str, list[_Group]],
        fetch: Callable[[str], list[Fact]],
    ) -> None:
        self.period = period
        self.today = today
        self.units = loader.in_scope  # units under supervision, in sort order: id → name
        self.members = loader.members
        self.groups = groups
        self._unit_names = loader.unit_names  # every live unit, for the lines naming facts
        self._fetch = fetch
        self._facts: dict[str, list[Fact]] = {}
        self._passing: dict[str, dict[tuple[Any, ...], list[FigureDef]]] = {}
        self._group: Counts | None = None
        self._by_unit: dict[int, Counts] | None = None
        self._by_member: dict[int, Counts] | None = None

    # counting

    def _figures_for(self, source: str, sig: tuple[Any, ...]) -> list[FigureDef]:
        cache = self._passing.setdefault(source, {})
        found = cache.get(sig)
        if found is None:
            attrs = dict(zip(SOURCE_ATTRS[source], sig, strict=True))
            found = [d for d in FIGURES_BY_SOURCE.get(source, ()) if d.test(attrs)]
            cache[sig] = found
        return found

    def _tally(self, keyed: Callable[[_Group], Iterable[int | None]]) -> dict[int | None, Counts]:
        """Figures per key (None: the group) from the grouped counts."""
        sums: dict[int | None, Counts] = defaultdict(_zeros)
        seen: dict[tuple[int | None, str], set[Any]] = defaultdict(set)
        for source, groups in self.groups.items():
            attr_names = SOURCE_ATTRS[source]
            for group in groups:
                passing = self._figures_for(source, group.sig)
                if not passing:
                    continue
                for key in keyed(group):
                    target = sums[key]
                    for d in passing:
                        if d.distinct is not None:
                            found = seen[(key, d.key)]
                            found.add(group.sig[attr_names.index(d.distinct)])
                            target[d.key] = len(found)
                        elif d.weight is not None:
                            target[d.key] += group.count * int(group.sig[attr_names.index(d.weight)] or 0)
                        else:
                            target[d.key] += group.count
        return sums

    def values(self, *, unit_id: int | None = None, member_id: int | None = None) -> Counts:
        """Every figure's value (for a unit, a member, or the whole group)."""
        if unit_id is not None:
            return dict(self.by_unit().get(unit_id) or _zeros())
        if member_id is not None:
            found = self.by_member().get(member_id) or _zeros()
            return {k: v for k, v in found.items() if FIGURE_BY_KEY[k].per_member}
        if self._group is None:
            self._group = self._tally(lambda g: (None,)).get(None) or _zeros()
        return dict(self._group)

    def by_unit(self) -> dict[int, Counts]:
        """Figures of every unit under supervision (a record of a unit out of scope counts only
        in the group's totals)."""
        if self._by_unit is None:
            tallied = self._tally(lambda g: g.units)
            self._by_unit = {uid: tallied.get(uid) or _zeros() for uid in self.units}
        return self._by_unit

    def by_member(self) -> dict[int, Counts]:
        if self._by_member is None:
            tallied = self._tally(lambda g: g.members)
            self._by_member = {mid: tallied.get(mid) or _zeros() for mid in self.members}
        return self._by_member

    def value(self, key: str, *, unit_id: int | None = None, member_id: int | None = None) -> int:
        figure(key)
        return self.values(unit_id=unit_id, member_id=member_id).get(key, 0)

    def figures(self, *, unit_id: int | None = None, member_id: int | None = None) -> list[Figure]:
        values = self.values(unit_id=unit_id, member_id=member_id)
        return [
            Figure(d.key, d.label, d.section, d.measure_unit, values[d.key])
            for d in FIGURES
            if d.key in values
        ]

    # tracing

    def facts(self, source: str) -> list[Fact]:
        found = self._facts.get(source)
        if found is None:
            found = self._facts[source] = self._fetch(source)
        return found

    def trace_facts(
        self, key: str, *, unit_id: int | None = None, member_id: int | None = None
    ) -> list[Fact]:
        """The facts a figure counted (for a distinct or weighted figure: those it summed over)."""
        fig = figure(key)
        if member_id is not None and not fig.per_member:
            return []
        return [
            f
            for f in self.facts(fig.source)
            if (unit_id is None or unit_id in f.units)
            and (member_id is None or member_id in f.members)
            and fig in self._figures_for(fig.source, f.sig)
        ]

    def trace(self, key: str, *, unit_id: int | None = None, member_id: int | None = None) -> list[TraceRow]:
        """The records behind a figure, one line each, in date order."""
        return [
            TraceRow(f.table, f.record_id, date.fromisoformat(f.day) if f.day else None, self.describe(f))
            for f in self.trace_facts(key, unit_id=unit_id, member_id=member_id)
        ]

    def unit_name(self, unit_id: int | None) -> str:
        return self._unit_names.get(unit_id, "") if unit_id is not None else ""

    def describe(self, f: Fact) -> str:
        """A line naming the fact, e.g. “2026年3月5日 廉政谈话 张三（区财政局）”."""
        day = _cn_iso(f.day)
        x = f.extra
        if f.source == "talks":
            return f"{day} {_label(TalkKind, f.sig[0])} {x[0] or '（未填谈话对象）'}"
        if f.source == "talk_persons":
            return f"{day} {_label(TalkKind, f.sig[0])} {x[0]}（{self.unit_name(x[1])}）"
        if f.source == "meetings":
            title = f"：{x[1]}" if x[1] else ""
            return f"{day} {self.unit_name(x[0])} {_label(MeetingType, f.sig[0])}{title}"
        if f.source == "opinions":
            return f"{day} {self.unit_name(x[0])} 意见建议：{_short(x[1])}"
        if f.source == "notices":
            return f"{day} {x[1] or ''} {self.unit_name(x[0])}：{_short(x[2])}"
        if f.source == "replies":
            said = _label(OpinionConclusion, f.sig[0], "（未填结论）")
            return f"{day} {x[0]}（{self.unit_name(x[1])}）来函单位：{x[2]}，{said}"
        if f.source == "clues":
            return f"{day} {self.unit_name(x[0])}：{_short(x[1])}"
        if f.source == "discipline":
            return f"{day} {x[0]}（{self.unit_name(x[1])}）{_label(DisciplineCategory, f.sig[0])}·{x[2]}"
        if f.source == "files":
            what = "新建" if f.sig[0] else "更新"
            return f"{x[0]}（{self.unit_name(x[1])}）{what}于{day}"
        if f.source in ("duty_reports", "personal_matters"):
            what = "述责述廉" if f.source == "duty_reports" else "个人有关事项报告"
            return f"{x[2]}年{what} {x[0]}（{self.unit_name(x[1])}）"
        if f.source == "cadres":
            position = f" {x[2]}" if x[2] else ""
            return f"{x[0]}（{self.unit_name(x[1])}{position}）"
        return self.unit_name(x[0])

    def as_json(self) -> dict[str, Any]:
        """Every figure keyed by its stable English name, with its Chinese label; per unit and member."""
        group = self.values()
        return {
            "period": {
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "label": self.period.label,
            },
            "as_of": self.today.isoformat(),
            "figures": {
                d.key: {"label": d.label, "section": d.section, "unit": d.measure_unit, "value": group[d.key]}
                for d in FIGURES
            },
            "units": [
                {"id": uid, "name": name, "figures": self.values(unit_id=uid)}
                for uid, name in self.units.items()
            ],
            "members": [
                {"id": mid, "name": name, "figures": self.values(member_id=mid)}
                for mid, name in self.members.items()
            ],
            "sentences": sentences(self),
        }


def _zeros() -> Counts:
    return dict.fromkeys(FIGURE_BY_KEY, 0)


def compute(
    db: Database | Session | sqlite3.Connection, period: Period, *, today: date | None = None
) -> Report:
    """Count the period's figures; what is behind a figure is fetched when asked for.

    Given a Database, tracing opens its own read transaction later; given a Session or a
    connection, it must still be open when :meth:`Report.trace` is called.
    """
    today = today or date.today()
    read = getattr(db, "read", None)
    if read is None:
        loader = _Loader(runner(db), period, today)
        if isinstance(db, sqlite3.Connection):
            groups = _groups_on_two_connections(db, loader)
        else:
            groups = {s: loader.groups(s) for s in SOURCE_SQL}
        return Report(period, today, loader, groups, loader.facts)
    with read() as uow:
        loader = _Loader(runner(uow.session), period, today)
        groups = {source: loader.groups(source) for source in SOURCE_SQL}

    def fetch(source: str) -> list[Fact]:
        with read() as uow:
            loader.run = runner(uow.session)
            return loader.facts(source)

    return Report(period, today, loader, groups, fetch)


def _alongside(side: Callable[[], None], main: Callable[[], None], name: str) -> None:
    """Run ``side`` in a thread while ``main`` runs here; an error of either is raised here once
    both are over. For two halves of a read on two connections: SQLite works outside Python's
    lock, so on two cores or more both halves run at once."""
    import threading

    failed: list[BaseException] = []

    def run() -> None:
        try:
            side()
        except BaseException as exc:  # raised below, in the caller's thread
            failed.append(exc)

    helper = threading.Thread(target=run, name=name)
    helper.start()
    try:
        main()
    finally:
        helper.join()
    if failed:
        raise failed[0]


#: Counted on a second connection by :func:`_groups_on_two_connections`: the talks, about half
#: of the work at any size.
_SECOND_CONNECTION_SOURCES = ("talks", "talk_persons")


def _groups_on_two_connections(conn: sqlite3.Connection, loader: _Loader) -> dict[str, list[_Group]]:
    """Every source's groups, the talks' counted in a thread on a second read-only connection
    to the same file (SQLite works outside Python's lock: on two cores or more both halves run
    at once). Each source is read in one statement, so each is consistent in itself. Falls back
    to the one connection for an in-memory or temporary database."""
    row = next((r for r in conn.execute("PRAGMA database_list") if r[1] == "main"), None)
    file = row[2] if row is not None else ""
    if not file:
        return {s: loader.groups(s) for s in SOURCE_SQL}
    import copy

    second = sqlite3.connect(f"{Path(file).resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    other = copy.copy(loader)
    other.run = runner(second)
    found: dict[str, list[_Group]] = {}

    def talks() -> None:
        for source in _SECOND_CONNECTION_SOURCES:
            found[source] = other.groups(source)

    def the_rest() -> None:
        for source in SOURCE_SQL:
            if source not in _SECOND_CONNECTION_SOURCES:
                found[source] = loader.groups(source)

    try:
        _alongside(talks, the_rest, "wsjc-stats-talks")
    finally:
        second.close()
    return {s: found[s] for s in SOURCE_SQL}


# --- ready sentences --------------------------------------------------------------------------

CN_DIGITS = "零一二三四五六七八九十"


def cn_count(n: int) -> str:
    """Small counts the way a summary writes them (六个单位); larger ones in Arabic numerals."""
    if n == 2:
        return "两"  # 两个单位, not 二个
    if 0 <= n <= 10:
        return CN_DIGITS[n]
    if 11 <= n <= 19:
        return "十" + CN_DIGITS[n - 10]
    return str(n)


def _parts(report: Report, items: Sequence[tuple[str, str]], measure: str) -> str:
    """“其中廉政谈话3人次、提醒谈话1人次” from the non-zero figures among ``items``."""
    found = [f"{label}{report.value(key)}{measure}" for key, label in items if report.value(key)]
    return "、".join(found)


def sentences(report: Report) -> list[str]:
    """Ready sentences in the style of the group's year-end summary, figures filled in."""
    v = report.value
    when = "全年" if report.period.is_year else report.period.label
    units = cn_count(v("units.count"))
    out: list[str] = []

    meetings = f"{when}共参加综合监督单位相关会议{v('meetings.count')}次"
    majors = v("meetings.major_topics")
    if majors:
        meetings += f"，审议涉及“三重一大”议题{majors}个"
    meetings += f"，针对涉及“三重一大”议题和存在的廉政风险隐患提出意见建议{v('opinions.count')}条"
    adopted = v("opinions.adopted")
    if adopted:
        meetings += f"，已采纳或落实{adopted}条"
    out.append(meetings + "。")

    talks = f"{when}共开展各类谈话{v('talks.count')}次{v('talks.person_times')}人次"
    kinds = _parts(report, [(f"talks.kind.{k.value}", k.label) for k in TalkKind], "人次")
    if kinds:
        talks += f"，其中{kinds}"
    out.append(talks + "。")
    integrity = [
        f"对{rank.label}干部开展廉政谈话{v(f'talks.integrity.rank.{rank.value}')}人次"
        for rank in (CadreRank.BUREAU, CadreRank.DIVISION, CadreRank.SECTION)
        if v(f"talks.integrity.rank.{rank.value}")
    ]
    if integrity:
        out.append("；".join(integrity) + "。")

    copy = NoticeKind.COPY_NOTICE.value
    notices = (
        f"{when}共发出廉情提醒{v('notices.issued')}份"
        + (
            f"（{kinds_text}）"
            if (
                kinds_text := _parts(report, [(f"notices.kind.{k.value}", k.label) for k in NoticeKind], "份")
            )
            else ""
        )
        + f"，其中开出廉情抄告单{v(f'notices.kind.{copy}')}份，已整改{v(f'notices.rectified.{copy}')}份"
    )
    notices += f"；各单位已反馈{v('notices.fed_back')}份，已整改{v('notices.rectified')}份"
    if v("notices.rectified_late"):
        notices += f"（其中逾期整改{v('notices.rectified_late')}份）"
    if v("notices.overdue"):
        notices += f"，逾期未反馈{v('notices.overdue')}份"
    out.append(notices + "。")

    holidays = v("notices.kind.holiday_reminder")
    if holidays:
        out.append(
            f"逢重大节假日，均对各综合监督单位进行节前廉政提醒，{when}共开展节前提醒"
            f"{v('notices.holiday_occasions')}次，发出提醒{holidays}份。"
        )

    replies = f"{when}为拟提拔任用、评优评先等干部出具党风廉政意见回复{v('replies.person_times')}人次"
    conclusions = _parts(
        report, [(f"replies.conclusion.{c.value}", c.label) for c in OpinionConclusion], "人次"
    )
    if conclusions:
        replies += f"，其中{conclusions}"
    out.append(replies + "。")

    clues = f"{when}共受理问题线索{v('clues.received')}件"
    disposals = _parts(report, [(f"clues.disposal.{d.value}", d.label) for d in ClueDisposal], "件")
    if disposals:
        clues += f"，其中{disposals}"
    out.append(clues + "。")

    first_form = v("discipline.category.first_form")
    if v("discipline.count"):
        out.append(f"精准运用监督执纪“四种形态”，{when}运用第一种形态处理{first_form}人次。")

    out.append(
        f"对{units}个综合监督单位监察对象信息进行了全面采集更新，建立或更新廉政档案"
        f"{v('files.built_or_updated')}人。"
    )
    ranks = _parts(report, [(f"cadres.rank.{r.value}", people(r)) for r in CadreRank], "名")
    cadres = f"{units}个被监督单位共有监察对象{v('cadres.count')}名"
    if ranks:
        cadres += f"，其中{ranks}"
    out.append(cadres + "。")
    return out


# --- the dashboard's charts -----------------------------------------------------------------

SERIES_TALKS = "谈话（人次）"
SERIES_MEETINGS = "列席会议（次）"
SERIES_NOTICES = "廉情提醒（份）"
SERIES_REPLIES = "党廉回复（人次）"
SERIES = (SERIES_TALKS, SERIES_MEETINGS, SERIES_NOTICES, SERIES_REPLIES)
_SERIES_SOURCES = {
    SERIES_TALKS: "talk_persons",
    SERIES_MEETINGS: "meetings",
    SERIES_NOTICES: "notices",
    SERIES_REPLIES: "replies",
}


def _series_counts(db: Database, year: int) -> dict[str, list[tuple[tuple[int, ...], int, int]]]:
    """(unit ids, month, count) per series, counted from the same facts as the year-end figures."""
    params = sql_params(Period.year(year), date.today())
    out: dict[str, list[tuple[tuple[int, ...], int, int]]] = {}
    cache: dict[str, tuple[int, ...]] = {}

    def count(names: Sequence[str]) -> None:
        with db.raw_read() as conn:
            run = runner(conn)
            for name in names:
                facts = _facts_cte(_SERIES_SOURCES[name])
                query = f"{facts} SELECT k2, substr(k1, 6, 2), count(*) FROM f GROUP BY 1, 2"
                out[name] = [
                    (_ids(units, cache), int(month), int(n)) for units, month, n in run(query, params)
                ]

    if db.encrypted:  # one connection (each further one derives the key again)
        count(SERIES)
        return out
    # the talks (the most rows) on a second connection (see _alongside)
    _alongside(
        lambda: count([SERIES_TALKS]),
        lambda: count([name for name in SERIES if name != SERIES_TALKS]),
        "wsjc-chart-talks",
    )
    return {name: out[name] for name in SERIES}


def activity(db: Database, year: int) -> tuple[dict[str, list[int]], list[tuple[str, dict[str, int]]]]:
    """Both chart data sets of the dashboard from one pass over the year: series label → 12
    monthly counts, and (unit name, series label → count) per unit under supervision, in order."""
    with db.raw_read() as conn:
        units = [
            (uid, short or full) for uid, full, short, in_scope in runner(conn)(UNITS_SQL, {}) if in_scope
        ]
    monthly = {name: [0] * 12 for name in SERIES}
    totals: dict[int, dict[str, int]] = {uid: dict.fromkeys(SERIES, 0) for uid, _name in units}
    for name, rows in _series_counts(db, year).items():
        for unit_ids, month, count in rows:
            monthly[name][month - 1] += count
            for unit_id in unit_ids:
                if unit_id in totals:
                    totals[unit_id][name] += count
    return monthly, [(unit_name, totals[uid]) for uid, unit_name in units]


def monthly_activity(db: Database, year: int) -> dict[str, list[int]]:
    """Series label → 12 monthly counts for ``year`` (the same rules as the year-end figures)."""
    return activity(db, year)[0]


def unit_activity(db: Database, year: int) -> list[tuple[str, dict[str, int]]]:
    """(unit name, series label → count) for every unit under supervision, in unit order."""
    return activity(db, year)[1]
