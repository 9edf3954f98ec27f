"""Ledgers (台账): every register as an Excel sheet, filtered by year and unit.

The columns come from the field specs (:mod:`wsjc_desktop.domain.fields`), with 序号 first,
and the values read as they do on screen (enum labels, 是/否, names for ids) except that
dates stay dates and numbers stay numbers, so the sheet sorts and filters properly; a
status derived from more than its stored value (a notice's 逾期) reads as the spec shows it.
Some ledgers join what belongs to a record (their ``extras``): a notice's 整改反馈, a
meeting's 意见建议, a talk's 人次, an inspection's problems, the record a problem was found in
and the one it was handed on by (a notice by its 文号), a clue's stage deadline and light as of
the day of the export. One read gathers the values;
:mod:`wsjc_desktop.excel.writer` writes the file. Every export is noted in the audit log.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import problem_rules
from wsjc_desktop.domain.enums import AuditAction, NoticeStatus, ProblemHandoff, ProblemSource
from wsjc_desktop.domain.fields import (
    ALERT_NOTICE,
    CADRE,
    CLUE,
    INSPECTION,
    INTEGRITY_OPINION,
    MEETING,
    MEETING_OPINION,
    PROBLEM,
    RECTIFICATION,
    TALK,
    UNIT,
    Field,
    FieldKind,
    RecordSpec,
    spec_for,
)
from wsjc_desktop.errors import UserError
from wsjc_desktop.excel.writer import ColumnKind, LedgerColumn, LedgerSheet, Progress, write_ledgers

# display.py is Qt-free (the ui package's __init__ imports nothing): the ledger shares its
# wording with the table on screen rather than keeping a second copy of it.
from wsjc_desktop.services.display import Lookups, display_value, format_month
from wsjc_desktop.services.records import REFS_TABLES, RecordFilter, build_query
from wsjc_desktop.storage.database import Database

log = logging.getLogger(__name__)


def cn_date(day: date) -> str:
    """2026年1月28日, as a ledger cell writes a date inside a text."""
    return f"{day.year}年{day.month}月{day.day}日"


__all__ = ["LEDGERS", "Ledger", "export_ledger", "find_unit", "ledger_file_name", "ledger_sheet"]

Row = list[Any]
#: The values of the extra columns of one record, from its row (the ledger's fields by name).
Extras = Callable[[dict[str, Any]], Row]
#: Reads what the extra columns need for the records ``ids_query`` selects, in one query.
ExtrasReader = Callable[[Session, Select[Any], date], Extras]


@dataclass(frozen=True)
class Ledger:
    key: str  # the command line's name: talks
    title: str  # 谈话台账
    spec: RecordSpec
    fields: tuple[Field, ...]
    extra: tuple[LedgerColumn, ...] = ()  # columns joined from other records, after the fields
    extras: ExtrasReader | None = None  # the values of ``extra``
    #: The columns a clerk needs on paper, by header label: the sheet's first columns, as the
    #: print area runs from column A (see :mod:`wsjc_desktop.excel.writer`). Empty: all print.
    printed: tuple[str, ...] = ()
    #: Where each extra column stands: after the field of this name ("" or missing: at the end),
    #: so that a problem's 来源记录 reads beside its 发现来源.
    extra_after: tuple[str, ...] = ()

    def layout(self) -> tuple[Field | int, ...]:
        """The sheet's columns after 序号, in order: a field, or the index of an extra column."""
        after = dict(enumerate(self.extra_after))
        out: list[Field | int] = []
        for fld in self.fields:
            out.append(fld)
            out.extend(i for i in range(len(self.extra)) if after.get(i) == fld.name)
        placed = {i for i in out if isinstance(i, int)}
        out.extend(i for i in range(len(self.extra)) if i not in placed)
        return tuple(out)

    @property
    def headers(self) -> tuple[str, ...]:
        """The header labels of the sheet, 序号 first."""
        return ("序号", *(self.extra[c].header if isinstance(c, int) else c.label for c in self.layout()))

    @property
    def dated(self) -> bool:
        """Whether a year filter applies."""
        return bool(self.spec.date_field) or self.spec.has_field("year")


def _table_fields(spec: RecordSpec, *, drop: Sequence[str] = ()) -> tuple[Field, ...]:
    return tuple(f for f in spec.table_fields if f.name not in drop)


def _label(spec: RecordSpec, name: str) -> str:
    return spec.field(name).label


def _column(fld: Field) -> LedgerColumn:
    if fld.kind is FieldKind.DATE:
        kind = ColumnKind.DATE
    elif fld.kind in (FieldKind.INT, FieldKind.YEAR):
        kind = ColumnKind.NUMBER
    elif fld.kind is FieldKind.LONG_TEXT:
        kind = ColumnKind.LONG_TEXT
    else:
        kind = ColumnKind.TEXT
    return LedgerColumn(fld.label, kind, fld.width * 2 if fld.kind is FieldKind.LONG_TEXT else 0)


def _value(fld: Field, value: Any, lookups: Lookups) -> Any:
    """A stored value as the ledger holds it: dates and numbers stay themselves."""
    if value is None or value == "":
        return None
    kind = fld.kind
    if kind is FieldKind.DATE:
        return value if isinstance(value, date) else None
    if kind is FieldKind.MONTH:
        return format_month(value) or None
    if kind in (FieldKind.INT, FieldKind.YEAR) and isinstance(value, int):
        return value
    if kind is FieldKind.LONG_TEXT:
        return str(value).strip() or None
    return display_value(fld, value, lookups) or None


def find_unit(db: Database, name: str) -> int:
    """A unit's id by its full or short name (the command line's ``--unit``)."""
    wanted = name.strip()
    with db.read() as uow:
        rows = uow.session.execute(
            select(m.Unit.id, m.Unit.full_name, m.Unit.short_name).where(m.Unit.deleted_at.is_(None))
        ).all()
    for unit_id, full, short in rows:
        if wanted in (full, short):
            return int(unit_id)
    raise UserError(f"没有找到名为“{wanted}”的监督单位（请填写单位全称或简称）。")


def _title(ledger: Ledger, year: int | None, unit_name: str | None) -> str:
    parts = [p for p in (unit_name, f"{year}年" if year is not None and ledger.dated else None) if p]
    return f"{ledger.title}（{'，'.join(parts)}）" if parts else ledger.title


def ledger_file_name(ledger: str, year: int | None = None, unit_name: str | None = None) -> str:
    """A default file name: 谈话台账-2026.xlsx, 谈话台账-某局-2026.xlsx."""
    found = _ledger(ledger)
    parts = [found.title, unit_name or "", str(year) if year is not None and found.dated else ""]
    return "-".join(p for p in parts if p) + ".xlsx"


def _ledger(key: str) -> Ledger:
    try:
        return LEDGERS[key]
    except KeyError:
        names = "、".join(LEDGERS)
        raise UserError(f"没有名为“{key}”的台账，可选：{names}。") from None


def _query(ledger: Ledger, flt: RecordFilter) -> Select[Any]:
    spec = ledger.spec
    model: Any = spec.model
    columns = [model.id] + [getattr(model, f.name) for f in ledger.fields if f.kind is not FieldKind.REFS]
    return build_query(spec, flt).with_only_columns(*columns)


def _refs(session: Session, ledger: Ledger, ids_query: Select[Any]) -> dict[str, dict[int, list[int]]]:
    """The ids behind each many-to-many field, by record, in one query per field."""
    out: dict[str, dict[int, list[int]]] = {}
    for fld in ledger.fields:
        if fld.kind is not FieldKind.REFS:
            continue
        assoc, own, other = REFS_TABLES[(ledger.spec.table, fld.name)]
        by_record: dict[int, list[int]] = defaultdict(list)
        pairs = session.execute(
            select(assoc.c[own], assoc.c[other])
            .where(assoc.c[own].in_(ids_query))
            .order_by(assoc.c[own], assoc.c[other])
        )
        for record_id, ref_id in pairs:
            by_record[record_id].append(ref_id)
        out[fld.name] = by_record
    return out


def _notice_extras(session: Session, ids_query: Select[Any], today: date) -> Extras:
    feedback: dict[int, list[m.Rectification]] = defaultdict(list)
    query = (
        select(m.Rectification)
        .where(m.Rectification.notice_id.in_(ids_query), m.Rectification.deleted_at.is_(None))
        .order_by(m.Rectification.feedback_date, m.Rectification.id)
    )
    for rect in session.scalars(query):
        feedback[rect.notice_id].append(rect)

    def extras(row: dict[str, Any]) -> Row:
        items = feedback.get(row["id"], [])
        deadline: date | None = row["deadline"]
        if items:
            latest = items[-1]
            late = deadline is not None and items[0].feedback_date > deadline
            # several feedbacks: each on its own line after its date, so that an import of the
            # ledger gets every one back (``services.ledger_import``)
            if len(items) > 1:
                measures = "\n".join(
                    f"{cn_date(r.feedback_date)}：{r.measures.strip()}" for r in items if r.measures
                )
            else:
                measures = "\n".join(r.measures.strip() for r in items if r.measures)
            return [latest.feedback_date, measures or None, latest.status.label, "是" if late else "否"]
        status = ALERT_NOTICE.row_status(row, today)
        if status is NoticeStatus.DRAFT:
            return [None, None, None, None]
        return [None, None, None, "是" if status is NoticeStatus.OVERDUE else "否"]

    return extras


def _meeting_extras(session: Session, ids_query: Select[Any], _today: date) -> Extras:
    opinions: dict[int, list[str]] = defaultdict(list)
    query = (
        select(m.MeetingOpinion.meeting_id, m.MeetingOpinion.content)
        .where(m.MeetingOpinion.meeting_id.in_(ids_query), m.MeetingOpinion.deleted_at.is_(None))
        .order_by(m.MeetingOpinion.meeting_id, m.MeetingOpinion.id)
    )
    for meeting_id, content in session.execute(query):
        opinions[meeting_id].append((content or "").strip())

    def extras(row: dict[str, Any]) -> Row:
        texts = opinions.get(row["id"], [])
        if len(texts) > 1:
            text = "\n".join(f"{i}. {t}" for i, t in enumerate(texts, start=1))
        else:
            text = texts[0] if texts else ""
        return [len(texts), text or None]

    return extras


def _talk_extras(session: Session, ids_query: Select[Any], _today: date) -> Extras:
    """人次: how many cadres each talk was with."""
    (fld,) = TALK.refs_to(CADRE.table)
    assoc, own, _other = REFS_TABLES[(TALK.table, fld.name)]
    query = select(assoc.c[own], func.count()).where(assoc.c[own].in_(ids_query)).group_by(assoc.c[own])
    counts: dict[int, int] = {talk_id: n for talk_id, n in session.execute(query)}
    return lambda row: [counts.get(row["id"], 0)]


def _inspection_extras(session: Session, ids_query: Select[Any], _today: date) -> Extras:
    """发现问题数: the live problems found by each inspection."""
    query = (
        select(m.Problem.inspection_id, func.count())
        .where(m.Problem.inspection_id.in_(ids_query), m.Problem.deleted_at.is_(None))
        .group_by(m.Problem.inspection_id)
    )
    counts: dict[int, int] = {int(i): n for i, n in session.execute(query) if i is not None}
    return lambda row: [counts.get(row["id"], 0)]


#: The tables a problem's 来源记录 and 交办依据 name, by the field holding the link.
PROBLEM_LINKS: dict[str, str] = {
    "inspection_id": "inspections",
    "meeting_id": "meetings",
    "talk_id": "talks",
    "clue_id": "clues",
    "notice_id": "alert_notices",
    "handoff_talk_id": "talks",
    "handoff_clue_id": "clues",
}
#: The link field of each 发现来源 and of each 交办方式 (as services.rules keeps them).
SOURCE_LINK = {
    ProblemSource.INSPECTION: "inspection_id",
    ProblemSource.MEETING: "meeting_id",
    ProblemSource.TALK: "talk_id",
    ProblemSource.CLUE: "clue_id",
}
HANDOFF_LINK = {
    ProblemHandoff.NOTICE: "notice_id",
    ProblemHandoff.TALK: "handoff_talk_id",
    ProblemHandoff.CLUE: "handoff_clue_id",
}
#: The extra columns of the problem ledger naming those records.
SOURCE_RECORD = "来源记录"
HANDOFF_RECORD = "交办依据"

_CLIPPED = 20  # characters of a clue's 反映问题 that name it


def _clip(text: str | None) -> str:
    first = (text or "").strip().split("\n")[0].strip()
    return first if len(first) <= _CLIPPED else first[: _CLIPPED - 1] + "…"


def _talk_name(talk: Any) -> str:
    names = "、".join(c.name for c in talk.cadres)
    return f"{talk.kind.label}{('：' + names) if names else ''}（{cn_date(talk.held_on)}）"


#: How a problem's ledger names each kind of record it links to (see :func:`linked_names`).
_LINK_NAMES: dict[str, Callable[[Any], str]] = {
    "alert_notices": lambda n: n.doc_number or f"{n.title}（{cn_date(n.issued_on or n.created_at.date())}）",
    "inspections": lambda i: f"{i.title}（{cn_date(i.started_on)}）",
    "meetings": lambda mt: f"{(mt.title or '').strip() or mt.meeting_type.label}（{cn_date(mt.held_on)}）",
    "talks": _talk_name,
    "clues": lambda c: f"{_clip(c.summary)}（{cn_date(c.received_on)}）",
}


def linked_names(session: Session, table: str, ids: Sequence[int] | None = None) -> dict[int, str]:
    """How a problem's ledger names the records it links to (and how an import finds them again):
    a notice by its 文号 (its title and date before it has one), an inspection, meeting, talk or
    clue by what it is about and its date. ``ids``: only these (None: every live one)."""
    model: Any = spec_for(table).model
    name = _LINK_NAMES[table]
    query = select(model).where(model.deleted_at.is_(None))
    if ids is not None:
        query = query.where(model.id.in_(list(ids)))
    return {int(obj.id): name(obj) for obj in session.scalars(query)}


def _problem_extras(session: Session, ids_query: Select[Any], _today: date) -> Extras:
    """来源记录 and 交办依据: the records a problem was found in and handed on by, by name."""
    p = m.Problem
    links: dict[int, dict[str, int | None]] = {}
    wanted: dict[str, set[int]] = defaultdict(set)
    columns = [getattr(p, name) for name in PROBLEM_LINKS]
    for problem_id, *values in session.execute(select(p.id, *columns).where(p.id.in_(ids_query))):
        links[int(problem_id)] = dict(zip(PROBLEM_LINKS, values, strict=True))
        for name, value in zip(PROBLEM_LINKS, values, strict=True):
            if value is not None:
                wanted[PROBLEM_LINKS[name]].add(int(value))
    names = {table: linked_names(session, table, sorted(ids)) for table, ids in wanted.items()}

    def named(link: dict[str, int | None], name: str | None) -> str | None:
        record_id = link.get(name) if name else None
        return names[PROBLEM_LINKS[name]].get(record_id) if name and record_id is not None else None

    def extras(row: dict[str, Any]) -> Row:
        link = links.get(row["id"], {})
        source = SOURCE_LINK.get(ProblemSource.parse(row["source"])) if row.get("source") else None
        handoff = HANDOFF_LINK.get(ProblemHandoff.parse(row["handoff"])) if row.get("handoff") else None
        return [named(link, source), named(link, handoff)]

    return extras


#: The extra columns of the clue register: the current stage's last day and its light.
STAGE_DEADLINE = "本阶段期限"
STAGE_LIGHT = "期限提示"


def _clue_extras(session: Session, ids_query: Select[Any], today: date) -> Extras:
    """本阶段期限 and 期限提示 (正常/临期/超期) on the day of the export, from the stage limits set
    in 设置 (``clues.stage_days``)."""
    from wsjc_desktop.services import settings

    table = settings.get_in(session, "clues.stage_days") or None

    def extras(row: dict[str, Any]) -> Row:
        stage, since = row.get("stage"), row.get("stage_since")
        if not stage:
            return [None, None]
        deadline = problem_rules.stage_deadline(stage, since, table)
        light = problem_rules.light(stage, since, today, table)
        return [deadline, light.label if light is not None else None]

    return extras


LEDGERS: dict[str, Ledger] = {
    ledger.key: ledger
    for ledger in (
        # on paper: who to contact at each unit; 排序 and 在监督范围 are the program's own
        Ledger(
            "units",
            "监督单位",
            UNIT,
            _table_fields(UNIT),
            printed=(
                *("序号", "单位全称", "简称", "单位类型", "党组织名称"),
                *("主要负责人", "联络员", "联络员电话"),
            ),
        ),
        # a roster carries every particular of a person, not only the table's columns; on paper
        # the columns of a 花名册 through 职级 (the ID number and the phone stay off the page)
        Ledger(
            "cadres",
            "监察对象花名册",
            CADRE,
            tuple(f for f in CADRE.fields if f.kind is not FieldKind.LONG_TEXT),
            printed=(
                *("序号", "姓名", "性别", "民族", "出生年月", "籍贯", "政治面貌", "入党时间"),
                *("参加工作时间", "学历", "单位", "职务", "职级"),
            ),
        ),
        Ledger(
            "notices",
            "廉情提醒及整改台账",
            ALERT_NOTICE,
            _table_fields(ALERT_NOTICE),
            (
                LedgerColumn(_label(RECTIFICATION, "feedback_date"), ColumnKind.DATE),
                LedgerColumn(_label(RECTIFICATION, "measures"), ColumnKind.LONG_TEXT, 30),
                LedgerColumn(_label(RECTIFICATION, "status"), ColumnKind.TEXT),
                LedgerColumn("是否逾期", ColumnKind.TEXT),
            ),
            _notice_extras,
            # on paper: the notice and where it stands; the feedback's own columns stay on screen
            printed=(
                *("序号", "类别", "文号", "主送单位", "涉及干部", "标题"),
                *("反馈期限", "发出日期", "签发人", "状态"),
            ),
        ),
        Ledger(
            "meetings",
            "列席会议台账",
            MEETING,
            _table_fields(MEETING),
            (
                LedgerColumn(f"{MEETING_OPINION.label}条数", ColumnKind.NUMBER),
                LedgerColumn(MEETING_OPINION.label, ColumnKind.LONG_TEXT, 30),
            ),
            _meeting_extras,
        ),
        Ledger(
            "talks",
            "谈话台账",
            TALK,
            _table_fields(TALK),
            (LedgerColumn("人次", ColumnKind.NUMBER),),
            _talk_extras,
        ),
        Ledger("opinions", "党风廉政意见回复台账", INTEGRITY_OPINION, _table_fields(INTEGRITY_OPINION)),
        # the register (seed 004 §9): each stage, its 主办人, 督办 and its deadline as of today
        Ledger(
            "clues",
            "问题线索台账",
            CLUE,
            _table_fields(CLUE),
            (
                LedgerColumn(STAGE_DEADLINE, ColumnKind.DATE),
                LedgerColumn(STAGE_LIGHT, ColumnKind.TEXT),
            ),
            _clue_extras,
            printed=(
                *("序号", "受理日期", "线索来源", "涉及单位", "反映对象", "反映问题", "处置方式"),
                *("处置日期", "处置结果", "办理阶段", "本阶段起", STAGE_DEADLINE, STAGE_LIGHT, "主办人"),
            ),
            extra_after=("stage_since", "stage_since"),
        ),
        Ledger(
            "inspections",
            "监督检查台账",
            INSPECTION,
            tuple(f for f in INSPECTION.fields if f.name != "note"),
            (LedgerColumn("发现问题数", ColumnKind.NUMBER),),
            _inspection_extras,
            printed=(
                *("序号", "检查类型", "检查日期", "结束日期", "检查单位", "检查事项", "检查人员"),
                *("检查方式", "检查内容", "发现情况", "预警来源", "核查结果", "发现问题数"),
            ),
            extra_after=("alert_result",),
        ),
        Ledger(
            "problems",
            "问题发现台账",
            PROBLEM,
            # on paper the problem, where it came from and where it stands; 涉及干部, 严重程度,
            # 交办日期 and 验收人/验收意见 after them
            tuple(
                PROBLEM.field(name)
                for name in (
                    *("found_on", "unit_id", "description", "category", "source", "handoff", "deadline"),
                    *(
                        "status",
                        "closed_on",
                        "cadre_id",
                        "severity",
                        "handed_on",
                        "closed_by_id",
                        "closing_note",
                    ),
                )
            ),
            (
                LedgerColumn(SOURCE_RECORD, ColumnKind.TEXT, 16),
                LedgerColumn(HANDOFF_RECORD, ColumnKind.TEXT, 12),
            ),
            _problem_extras,
            printed=(
                *("序号", "发现日期", "单位", "问题描述", "问题类别", "发现来源", SOURCE_RECORD),
                *("交办方式", HANDOFF_RECORD, "整改期限", "状态", "销号日期"),
            ),
            extra_after=("source", "handoff"),
        ),
    )
}


def _ref_namer(session: Session, lookups: Lookups) -> Callable[[str, int], str]:
    """Names of referenced records as a ledger writes them: a record that belongs to a unit and
    whose name another live one shares (two 王五 in two units) is written ``王五（区教育局）``,
    so that the ledger imported back finds the one it meant."""
    units: dict[str, dict[int, int] | None] = {}  # per table: id → unit id of a shared name

    def shared(table: str) -> dict[int, int] | None:
        if table not in units:
            spec = spec_for(table)
            if not spec.unit_field or not spec.title_field:
                units[table] = None
            else:
                model: Any = spec.model
                title, unit = getattr(model, spec.title_field), getattr(model, spec.unit_field)
                live = model.deleted_at.is_(None)
                names = select(title).where(live).group_by(title).having(func.count() > 1)
                rows = session.execute(select(model.id, unit).where(live, title.in_(names)))
                units[table] = {int(i): int(u) for i, u in rows}
        return units[table]

    def name(table: str, record_id: int) -> str:
        text = lookups.name(table, record_id)
        unit_id = (shared(table) or {}).get(record_id)
        return text if unit_id is None else f"{text}（{lookups.name(UNIT.table, unit_id)}）"

    return name


def ledger_sheet(
    db: Database,
    ledger: str,
    *,
    year: int | None = None,
    unit_id: int | None = None,
    today: date | None = None,
) -> LedgerSheet:
    """The ledger's sheet: title, columns and every row, read in one unit of work."""
    found = _ledger(ledger)
    spec = found.spec
    today = today or date.today()
    sort = spec.date_field  # a ledger reads oldest first, numbered down the page
    flt = RecordFilter(year=year, unit_id=unit_id, today=today, sort=sort)
    lookups = Lookups(db)
    unit_name = lookups.name("units", unit_id) if unit_id is not None else None
    names = [f.name for f in found.fields if f.kind is not FieldKind.REFS]
    rows: list[Row] = []
    with db.read() as uow:
        session = uow.session
        ids_query = build_query(spec, flt).order_by(None).with_only_columns(spec.model.id)
        refs = _refs(session, found, ids_query)
        extras = found.extras(session, ids_query, today) if found.extras is not None else None
        person = _ref_namer(session, lookups)
        layout = found.layout()
        for number, record in enumerate(session.execute(_query(found, flt)), start=1):
            values = dict(zip(["id", *names], record, strict=True))
            row: Row = [number]
            extra = extras(values) if extras is not None else []
            for fld in layout:
                if isinstance(fld, int):
                    row.append(extra[fld])
                elif fld.kind is FieldKind.REFS:
                    # by name, not by id: a file the ledger is imported into lists them alike
                    listed = sorted(person(str(fld.ref), i) for i in refs[fld.name].get(values["id"], []))
                    row.append("、".join(listed) or None)
                elif fld.kind is FieldKind.REF and fld.ref and values[fld.name] is not None:
                    row.append(person(fld.ref, values[fld.name]))
                elif fld.name == spec.status_field and spec.shown_status is not None:
                    status = spec.row_status(values, today)
                    row.append(status.label if status is not None else None)
                else:
                    row.append(_value(fld, values[fld.name], lookups))
            rows.append(row)
    columns = (
        LedgerColumn("序号", ColumnKind.NUMBER),
        *(found.extra[c] if isinstance(c, int) else _column(c) for c in found.layout()),
    )
    return LedgerSheet(
        name=found.title,
        title=_title(found, year, unit_name),
        columns=columns,
        rows=rows,
        printed=found.printed,
    )


def export_ledger(
    db: Database,
    ledger: str,
    out: Path,
    *,
    year: int | None = None,
    unit_id: int | None = None,
    progress: Progress | None = None,
    today: date | None = None,
) -> int:
    """Write one ledger to ``out`` (.xlsx); returns the rows written."""
    sheet = ledger_sheet(db, ledger, year=year, unit_id=unit_id, today=today)
    written = write_ledgers(out, [sheet], progress=progress)
    note_export(db, f"导出{sheet.title} {written} 条：{Path(out).name}", LEDGERS[ledger].spec.table)
    return written


def note_export(db: Database, summary: str, table: str) -> None:
    """An audit entry; a database opened read-only (or busy) still exports, and only logs it."""
    if db.readonly:
        log.info("exported (not audited, read-only database): %s", summary)
        return
    try:
        with db.uow() as uow:
            uow.add_audit(AuditAction.EXPORT, summary, table_name=table)
            uow.commit()
    except UserError as exc:
        log.warning("export not audited (%s): %s", exc.message, summary)
