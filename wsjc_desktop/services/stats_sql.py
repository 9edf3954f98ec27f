"""The SQL the year-end figures and the 工作台's charts read from: one select per source of facts.

:data:`SOURCE_SQL` holds each source's select (the fact's id, the day it counts by, its units
and members, its signature in :data:`~wsjc_desktop.services.stats_figures.SOURCE_ATTRS`
order, then the extras naming it); :data:`SOURCE_EXTRAS` says how many extras each has. The
notices' flags (反馈, 整改, 逾期) are the SQL of :mod:`wsjc_desktop.domain.notice_rules`.
:class:`_Loader` runs them for one period, counted by signature inside SQLite
(:meth:`_Loader.groups`) or fact by fact (:meth:`_Loader.facts`), on an SQLAlchemy session or
a plain DB-API connection (:func:`runner`): the fast read-only paths need not import SQLAlchemy.
:func:`_groups_on_two_connections` splits a count over a second read-only connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from wsjc_desktop.domain import notice_rules, problem_rules
from wsjc_desktop.domain.enums import MeetingType
from wsjc_desktop.domain.sanctions import form_sql
from wsjc_desktop.services.stats_figures import SOURCE_ATTRS, Fact, Period
from wsjc_desktop.storage.media import connect_readonly

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: Runs one SQL statement with named parameters and gives its rows.
Runner = Callable[[str, Mapping[str, Any]], Iterable[Sequence[Any]]]

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
#: The 提前把关议题 of each 议题前置审查 of the period, joined as ``ag`` (``ag.n``): its 议题's
#: non-empty lines, split by a recursive select (stats_figures.agenda_topics says the same).
_AGENDA_TOPICS = (
    " LEFT JOIN (WITH RECURSIVE split(mid, line, rest) AS ("
    " SELECT a.id, '', replace(coalesce(a.topics, ''), char(13), char(10)) || char(10) FROM meetings a"
    f" WHERE a.meeting_type = '{MeetingType.AGENDA_REVIEW.value}' AND a.deleted_at IS NULL"
    " AND a.held_on BETWEEN :start AND :end"
    " UNION ALL SELECT mid, substr(rest, 1, instr(rest, char(10)) - 1),"
    " substr(rest, instr(rest, char(10)) + 1)"
    " FROM split WHERE rest <> '')"
    " SELECT mid, count(*) AS n FROM split WHERE trim(line, ' ' || char(9) || char(12288)) <> ''"
    " GROUP BY mid) ag ON ag.mid = mt.id"
)
#: The units and the members of each inspection, joined as ``iu`` and ``im`` (ids in order).
_INSPECTION_LINKS = "".join(
    f" LEFT JOIN (SELECT inspection_id, group_concat({col}) AS ids FROM (SELECT inspection_id, {col}"
    f" FROM {table} ORDER BY inspection_id, {col}) GROUP BY inspection_id) {alias}"
    f" ON {alias}.inspection_id = i.id"
    for table, col, alias in (
        ("inspection_units", "unit_id", "iu"),
        ("inspection_members", "member_id", "im"),
    )
)
#: Replaced, when a period is loaded, by the clue's light (problem_rules.light_sql) with the
#: stage limits of the setting ``clues.stage_days``.
CLUE_LIGHT = "{clue_light}"

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
        " mt.meeting_type, coalesce(mt.major_topic_count, 0), coalesce(ag.n, 0), mt.unit_id, mt.title"
        f" FROM meetings mt{_ATTENDEES}{_AGENDA_TOPICS} WHERE {_LIVE_MEETING} ORDER BY mt.held_on, mt.id",
    ),
    "opinions": (
        "meetings",
        "SELECT mt.id, mt.held_on, CAST(mt.unit_id AS TEXT), coalesce(att.ids, ''),"
        " op.follow_up, mt.meeting_type, mt.unit_id, op.content"
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
        " coalesce(CAST(cl.created_by_id AS TEXT), ''), cl.disposal, cl.stage, "
        + CLUE_LIGHT
        + ", coalesce(cl.unit_id, c.unit_id), cl.summary"
        " FROM clues cl LEFT JOIN cadres c ON c.id = cl.cadre_id"
        " WHERE cl.deleted_at IS NULL AND cl.received_on BETWEEN :start AND :end"
        " ORDER BY cl.received_on, cl.id",
    ),
    "discipline": (
        "cadres",
        "SELECT d.cadre_id, d.decided_on, CAST(c.unit_id AS TEXT),"
        " coalesce(CAST(d.created_by_id AS TEXT), ''),"
        f" d.category, {form_sql('d.category', 'd.measure')}, c.name, c.unit_id, d.measure"
        " FROM discipline_records d JOIN cadres c ON c.id = d.cadre_id"
        " WHERE d.deleted_at IS NULL AND c.deleted_at IS NULL AND d.decided_on BETWEEN :start AND :end"
        " ORDER BY d.decided_on, d.id",
    ),
    "sanctions": (
        "cadres",
        "SELECT d.cadre_id, d.decided_on, CAST(c.unit_id AS TEXT),"
        " coalesce(CAST(d.created_by_id AS TEXT), ''),"
        f" d.category, {form_sql('d.category', 'd.measure')}, c.name, c.unit_id, d.measure, d.effect_end"
        " FROM discipline_records d JOIN cadres c ON c.id = d.cadre_id"
        " WHERE d.deleted_at IS NULL AND c.deleted_at IS NULL"
        " AND coalesce(d.effect_start, d.decided_on) <= :asof AND d.effect_end >= :asof"
        " ORDER BY d.effect_end, d.id",
    ),
    "inspections": (
        "inspections",
        "SELECT i.id, i.started_on, coalesce(iu.ids, ''), coalesce(im.ids, ''), i.kind,"
        " coalesce(iu.ids, ''), i.title"
        f" FROM inspections i{_INSPECTION_LINKS}"
        " WHERE i.deleted_at IS NULL AND i.started_on BETWEEN :start AND :end"
        " ORDER BY i.started_on, i.id",
    ),
    "problems": (
        "problems",
        "SELECT p.id, p.found_on, CAST(p.unit_id AS TEXT), coalesce(CAST(p.created_by_id AS TEXT), ''),"
        f" p.category, {problem_rules.closed_sql('p')} AND p.closed_on <= :asof,"
        f" {problem_rules.overdue_sql('p', ':asof')}, p.unit_id, p.description"
        " FROM problems p WHERE p.deleted_at IS NULL AND p.found_on BETWEEN :start AND :end"
        " ORDER BY p.found_on, p.id",
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
        "SELECT c.id, NULL, CAST(c.unit_id AS TEXT), '', c.is_leader, c.name, c.unit_id, r.year"
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
        # what is judged as of a day (逾期 problems, red clues, 影响期): the period's end, or today
        "asof": min(period.end, today).isoformat(),
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


STAGE_DAYS_SQL = "SELECT value FROM settings WHERE key = 'clues.stage_days' AND deleted_at IS NULL"


def stage_days(run: Runner) -> dict[str, int] | None:
    """The setting ``clues.stage_days`` read with plain SQL (None: the defaults)."""
    import json

    for (value,) in run(STAGE_DAYS_SQL, {}):
        try:
            found = json.loads(value)
            return {str(stage): int(days) for stage, days in dict(found).items()}
        except (TypeError, ValueError):
            return None  # the defaults, as a damaged setting reads elsewhere
    return None


def source_sql(days: Mapping[str, int] | None = None) -> dict[str, tuple[str, str]]:
    """:data:`SOURCE_SQL` with the clues' light written for the stage limits ``days``."""
    light = problem_rules.light_sql("cl", ":asof", days)
    return {source: (table, sql.replace(CLUE_LIGHT, light)) for source, (table, sql) in SOURCE_SQL.items()}


class _Loader:
    """Runs the sources' selects for one period."""

    def __init__(self, run: Runner, period: Period, today: date) -> None:
        self.run = run
        self.params = sql_params(period, today)
        self.sql = source_sql(stage_days(run))
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
        query = f"{_facts_cte(source, self.sql)} SELECT {keys}, count(*) FROM f GROUP BY {keys}"
        return [
            _Group(_ids(row[0], self._cache), _ids(row[1], self._cache), tuple(row[2:-1]), int(row[-1]))
            for row in self.run(query, self.params)
        ]

    def facts(self, source: str) -> list[Fact]:
        table, sql = self.sql[source]
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


def _facts_cte(source: str, sql_of: Mapping[str, tuple[str, str]] | None = None) -> str:
    """``WITH f(k0, …) AS (the source's select)``, unordered: order only matters when listing."""
    sql = (sql_of or source_sql())[source][1]
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
    "sanctions": 4,
    "inspections": 2,
    "problems": 2,
    "files": 2,
    "duty_reports": 3,
    "personal_matters": 3,
    "cadres": 3,
    "units": 1,
}


# --- two connections at once ---------------------------------------------------------------


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

    second = connect_readonly(file, check_same_thread=False)
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
