"""Importing a ledger (台账) the program exported, or one kept by hand in the same columns.

Every ledger of :mod:`services.ledgers` but the roster (that is :mod:`services.roster_import`)
comes back through here: 监督单位, 廉情提醒及整改台账 (with the feedback), 列席会议台账 (with
the 意见建议), 谈话台账, 党风廉政意见回复台账, 问题线索台账 (with its stages), 监督检查台账 and
问题发现台账. A problem's 来源记录 and 交办依据 are found again among the records already in
the file, by the names the ledger writes (a notice by its 文号): import the inspections and
notices first; one not found leaves the problem unlinked, with a warning. A problem's 状态 is
derived (services.rules), never read.

The sheet is read as the roster is (``excel.roster``: .xlsx, .xls or .csv within the limits on
untrusted files; the header found among the first rows, two-level headers, blank lines and
合计/填表人 lines skipped). Each row becomes the values a form would store: enum labels back to
their values, names back to ids (units by full or short name; members by name; cadres by name,
narrowed by the row's unit or by the ``姓名（单位）`` the ledger writes for a shared name).

Each row is matched with the record it came from by the ledger's natural key (a notice by its
文号, a talk by its date, kind and people, …): unchanged rows change nothing, rows that differ
update what differs (a blank cell never clears a stored value) and the rest are new. Two rows of
one file with the same key are one record: the second is flagged and skipped. Nothing is
written while any row has an error; the import is one transaction and writes its audit entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import validation as v
from wsjc_desktop.domain.enums import AuditAction, NoticeStatus, ProblemStatus, RectificationStatus, UnitType
from wsjc_desktop.domain.fields import (
    ALERT_NOTICE,
    CADRE,
    MEETING_OPINION,
    MEMBER,
    RECTIFICATION,
    UNIT,
    Field,
    FieldKind,
    RecordSpec,
)
from wsjc_desktop.errors import UserError
from wsjc_desktop.excel import roster as sheets
from wsjc_desktop.limits import DEFAULT_LIMITS, Limits
from wsjc_desktop.services import bulk, records, rules
from wsjc_desktop.services.ledgers import (
    HANDOFF_LINK,
    HANDOFF_RECORD,
    LEDGERS,
    PROBLEM_LINKS,
    SOURCE_LINK,
    SOURCE_RECORD,
    STAGE_DEADLINE,
    STAGE_LIGHT,
    Ledger,
    linked_names,
)
from wsjc_desktop.services.records import REF_LABELS
from wsjc_desktop.services.roster_import import ImportResult, Issue
from wsjc_desktop.storage import search_index
from wsjc_desktop.storage.database import Database, UnitOfWork

__all__ = [
    "IMPORTABLE",
    "LedgerPreview",
    "LedgerRow",
    "RowAction",
    "import_ledger",
    "preview_ledger",
]

#: The ledgers this module imports (the roster has its own import).
IMPORTABLE = ("units", "notices", "meetings", "talks", "opinions", "clues", "inspections", "problems")

#: Stand-alone names of members made by an import (谈话人, 记录人, 列席人 not among the members):
#: they keep who did a past record, appear in the figures, and have no login.
HISTORIC_TITLE = "历史人员"

_PEOPLE_SPLIT = re.compile(r"[、，,；;/\s]+")
_NAME_WITH_UNIT = re.compile(r"^(?P<name>[^（(]+)[（(](?P<unit>[^）)]+)[）)]$")
_NUMBERED = re.compile(r"^(\d+)[.．、]\s*")
_DATED = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日)[：:]\s*")
_DOC_NUMBER = re.compile(r"[〔\[［(（](\d{4})[〕\]］)）]\s*(\d+)\s*号")
#: Excel keeps a date as days since 1899-12-30; a bare number in this range in a date column is one.
_SERIAL_DAYS = (20000, 80000)

# The extra columns a ledger joins from other records (see ``services.ledgers``).
_FEEDBACK_DATE = RECTIFICATION.field("feedback_date").label
_MEASURES = RECTIFICATION.field("measures").label
_RECT_STATUS = RECTIFICATION.field("status").label
_OPINIONS = MEETING_OPINION.label
_DERIVED = (
    "序号",
    "是否逾期",
    "人次",
    f"{MEETING_OPINION.label}条数",
    "发现问题数",
    STAGE_DEADLINE,
    STAGE_LIGHT,
)


#: (column label, message)
CellNote = tuple[str, str]


class RowAction(StrEnum):
    NEW = "新增"
    UPDATE = "更新"
    UNCHANGED = "无变化"
    SKIP = "跳过"


@dataclass
class LedgerRow:
    row: int  # the row number in the sheet, as Excel shows it
    cells: dict[str, Any]  # the raw cells by field name (and extra column label)
    values: dict[str, Any] = field(default_factory=dict)  # stored values of the filled fields
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column label, message)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    cell_warnings: list[tuple[str, str]] = field(default_factory=list)  # from the cells alone
    #: people or units the row names that are not there (and are not to be made): the row is skipped
    missing: list[tuple[str, str]] = field(default_factory=list)
    action: RowAction = RowAction.SKIP
    record_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)  # 新增: every value; 更新: what differs
    children: list[dict[str, Any]] = field(default_factory=list)  # feedback or opinions to add
    key: tuple[Any, ...] = ()


@dataclass
class Placeholders:
    """What the import is to make before its rows, each under the negative id the rows carry
    until then: members by name, units by name, cadres by (name, unit id)."""

    members: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    cadres: dict[tuple[str, int], int] = field(default_factory=dict)


@dataclass
class LedgerPreview:
    ledger: str
    path: Path
    sheet_name: str
    rows: list[LedgerRow]
    warnings: list[str] = field(default_factory=list)  # about the file as a whole
    new_members: list[str] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)
    new_cadres: list[tuple[str, str]] = field(default_factory=list)  # (name, unit)
    year: int | None = None  # the year of dates written without one (3月5日)
    fingerprint: tuple[Any, ...] = ()  # the state of the database the rows were matched against
    unknown_headers: list[str] = field(default_factory=list)  # columns no field was found for
    year_used: bool = False  # some date was written without its year and took ``year``
    #: names several cadres share, as written → the cadres each may be (id, 王五（区教育局）)
    ambiguous: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    placeholders: Placeholders = field(default_factory=Placeholders)

    def count(self, action: RowAction) -> int:
        return sum(1 for r in self.rows if r.action is action and not r.errors)

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    def issues(self) -> tuple[list[Issue], list[Issue]]:
        errors = [Issue(r.row, col, msg) for r in self.rows for col, msg in r.errors]
        warnings = [Issue(0, "", msg) for msg in self.warnings]
        warnings += [Issue(r.row, col, msg) for r in self.rows for col, msg in r.warnings]
        return errors, warnings

    def result(self) -> ImportResult:
        """What importing this preview would do (``--dry-run``)."""
        errors, warnings = self.issues()
        return ImportResult(
            imported=self.count(RowAction.NEW),
            updated=self.count(RowAction.UPDATE),
            unchanged=self.count(RowAction.UNCHANGED),
            skipped=sum(1 for r in self.rows if r.action is RowAction.SKIP or r.errors),
            errors=errors,
            warnings=warnings,
        )

    def summary(self) -> str:
        return (
            f"共 {len(self.rows)} 行：新增 {self.count(RowAction.NEW)}，更新 {self.count(RowAction.UPDATE)}，"
            f"无变化 {self.count(RowAction.UNCHANGED)}，有错误 {self.error_rows}"
        )


# --- reading the sheet ------------------------------------------------------------------------


def _norm_header(value: object) -> str:
    return sheets.header_text(value)


#: Other names past ledgers give a column, per ledger: the field (or extra column) → the names.
HEADER_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "units": {
        "full_name": ("单位名称", "单位", "被监督单位"),
        "short_name": ("单位简称",),
        "head_name": ("负责人", "一把手"),
        "liaison_phone": ("联系电话", "电话"),
    },
    "talks": {
        "held_on": ("谈话时间", "日期", "时间"),
        "kind": ("谈话方式", "谈话种类", "类型", "方式", "谈话形式"),
        "cadre_ids": ("被谈话人", "被谈话对象", "谈话对象姓名", "对象", "被谈话人姓名"),
        "talker_id": ("主谈人", "主谈", "谈话领导", "谈话人员"),
        "recorder_id": ("记录", "记录人员"),
        "location": ("谈话地点",),
        "reason": ("谈话事由", "谈话原因", "谈话内容", "主要内容", "谈话主题"),
        "handling": ("处理方式", "处理情况", "处理结果"),
    },
    "meetings": {
        "held_on": ("会议时间", "日期", "时间", "召开时间", "召开日期"),
        "unit_id": ("被监督单位", "会议单位", "召开单位", "所在单位", "单位名称"),
        "meeting_type": ("会议种类", "类型", "会议性质"),
        "title": ("会议", "名称", "会议主题"),
        "topics": ("会议议题", "主要议题", "研究事项"),
        "major_topic_count": ("三重一大议题数", "三重一大事项数", "“三重一大”事项数"),
        "attendee_ids": ("列席人员", "参会人", "列席", "列席领导", "列席同志"),
        _OPINIONS: ("提出意见建议", "意见建议内容", "意见和建议", "提出意见"),
    },
    "notices": {
        "kind": ("类型", "种类", "文书类型", "文书种类"),
        "doc_number": ("编号", "文件编号", "发文字号"),
        "unit_id": ("单位", "被提醒单位", "发送单位", "收文单位"),
        "cadre_id": ("涉及人员", "提醒对象", "对象"),
        "title": ("名称", "事项", "文件标题"),
        "deadline": ("整改期限", "期限", "反馈时限"),
        "issued_on": ("下发日期", "印发日期", "发文日期", "日期"),
        _MEASURES: ("整改情况", "反馈情况", "整改落实情况"),
        _FEEDBACK_DATE: ("整改反馈日期", "回复日期"),
    },
    "opinions": {
        "cadre_id": ("姓名", "人员", "干部姓名"),
        "requesting_unit": ("征求单位", "来函机关"),
        "reason": ("事由", "征求意见事由"),
    },
    "clues": {
        "received_on": ("收到日期", "日期", "受理时间"),
        "source": ("来源",),
        "unit_id": ("单位", "所在单位"),
        "cadre_id": ("被反映人", "反映对象姓名", "对象"),
        "summary": ("主要问题", "反映的主要问题", "问题"),
        "handler_id": ("承办人", "主办", "经办人"),
        "stage": ("阶段", "办理状态"),
        "form": ("形态", "四种形态"),
    },
    "inspections": {
        "kind": ("类型", "检查类别", "监督方式"),
        "started_on": ("日期", "时间", "检查时间", "开始日期"),
        "unit_ids": ("被检查单位", "单位", "检查对象"),
        "title": ("检查内容摘要", "事项", "检查项目", "名称"),
        "member_ids": ("检查人", "参加人员"),
        "findings": ("发现问题", "检查发现", "检查结果"),
    },
    "problems": {
        "found_on": ("日期", "发现时间"),
        "unit_id": ("被监督单位", "所在单位", "单位名称"),
        "cadre_id": ("涉及人员", "责任人"),
        "description": ("问题", "存在问题", "问题表现", "主要问题"),
        "category": ("类别", "问题类型"),
        "source": ("来源", "问题来源"),
        "deadline": ("整改时限", "期限"),
        "closed_on": ("销号时间",),
    },
}


def _headers(ledger: Ledger) -> dict[str, str]:
    """Header text → the field name (or the extra column's label) it stands for: the ledger's
    own labels first, then the other names past ledgers use (:data:`HEADER_SYNONYMS`)."""
    out: dict[str, str] = {}
    for fld in ledger.fields:
        out[_norm_header(fld.label)] = fld.name
    for col in ledger.extra:
        out[_norm_header(col.header)] = col.header
    for derived in _DERIVED:
        out.setdefault(_norm_header(derived), derived)
    for name, texts in HEADER_SYNONYMS.get(ledger.key, {}).items():
        for text in texts:
            out.setdefault(_norm_header(text), name)
    return out


def _read(ledger: Ledger, path: Path, limits: Limits, columns: Mapping[str, str]) -> sheets.RosterSheet:
    """The sheet, its columns placed by :func:`_headers` and by ``columns`` (a header's text →
    the field it holds, "" for a column not to import: what the user chose in the dialog)."""
    lookup = _headers(ledger)
    chosen = {_norm_header(text): name for text, name in columns.items()}
    lookup.update({text: name for text, name in chosen.items() if name})
    required = {f.name for f in ledger.fields if f.required}
    sheet = sheets.read_table(path, lookup, anchors=required, limits=limits, what=ledger.title)
    sheet.unknown_headers = [h for h in sheet.unknown_headers if _norm_header(h) not in chosen]
    return sheet


def column_choices(ledger_key: str) -> dict[str, str]:
    """What an unplaced column may be taken as, in the dialog: label → field (or extra column)."""
    ledger = _ledger(ledger_key)
    out = {fld.label: fld.name for fld in ledger.fields}
    out.update({col.header: col.header for col in ledger.extra if col.header not in _DERIVED})
    return out


def stored_columns(session: Session, ledger_key: str) -> dict[str, str]:
    """The columns the user placed for this ledger before (``import.columns``)."""
    from wsjc_desktop.services import settings

    found = settings.get_in(session, "import.columns") or {}
    mapping = found.get(ledger_key) if isinstance(found, dict) else None
    return dict(mapping) if isinstance(mapping, dict) else {}


def remember_columns(db: Database, ledger_key: str, columns: Mapping[str, str]) -> None:
    """Keep the user's placing of columns for the next file with such headers."""
    from wsjc_desktop.services import settings

    if not columns:
        return
    with db.uow() as uow:
        stored = settings.get_in(uow.session, "import.columns") or {}
        merged = {**stored, ledger_key: {**stored.get(ledger_key, {}), **columns}}
        settings.store_in(uow.session, "import.columns", merged)
        uow.commit()


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_MONTH_DAY = re.compile(r"^\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*$")


#: Lines above a header that carry a date of their own, not the year the sheet is about.
_NOT_THE_YEAR = ("填报", "填表", "制表", "报送", "打印", "日期", "时间")


def sheet_year(title: str, file_name: str) -> int | None:
    """The year a sheet is about, for dates written without one (3月5日): from its title
    (2023年谈话台账; not a 填报时间 line), else from the file's name (谈话台账2023.xlsx)."""
    lines = [line for line in title.split("\n") if not any(w in line for w in _NOT_THE_YEAR)]
    for text in (*lines, file_name):
        found = _YEAR.search(text)
        if found is not None:
            return int(found[1])
    return None


# --- cell values → stored values --------------------------------------------------------------


def _date_cell(value: Any) -> Any:
    """A date cell as a date; an Excel serial number typed as a number as the day it counts."""
    if isinstance(value, datetime):
        return value.date()
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and _SERIAL_DAYS[0] <= value <= _SERIAL_DAYS[1]:
        return date(1899, 12, 30) + timedelta(days=int(value))
    return value


def _text_cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def split_people(text: str) -> list[str]:
    """张三、李四 / 张三，李四 / 张三 李四 / 张三,李四 → the names (a ``姓名（单位）`` kept whole)."""
    cleaned = str(text).replace("\u3000", " ").strip()
    # keep "张三（区财政局）" whole: brackets never split
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in cleaned:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        if depth == 0 and _PEOPLE_SPLIT.fullmatch(ch):
            if current.strip():
                parts.append(current.strip())
            current = ""
            continue
        current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


class _Names:
    """Units, members and cadres by name, for one preview (and the import that follows it)."""

    def __init__(self, session: Session) -> None:
        self.units: dict[str, list[int]] = {}
        self.unit_names: dict[int, tuple[str, str]] = {}
        for uid, full, short in session.execute(
            select(m.Unit.id, m.Unit.full_name, m.Unit.short_name).where(m.Unit.deleted_at.is_(None))
        ):
            self.unit_names[uid] = (full, short or "")
            for name in {full, short}:
                if name:
                    self.units.setdefault(v.normalize_text(name), []).append(uid)
        self.members: dict[str, int] = {}
        for mid, name in session.execute(
            select(m.Member.id, m.Member.name).where(m.Member.deleted_at.is_(None)).order_by(m.Member.id)
        ):
            self.members.setdefault(v.normalize_text(name), mid)
        self.cadres: dict[str, list[tuple[int, int]]] = {}  # name → [(id, unit id)]
        #: a shared name as written → the cadre the user chose for it
        self.chosen: dict[str, int] = {}
        #: a shared name as written → the cadres it may be: (id, 王五（区教育局）)
        self.ambiguous: dict[str, list[tuple[int, str]]] = {}
        for cid, name, unit_id in session.execute(
            select(m.Cadre.id, m.Cadre.name, m.Cadre.unit_id).where(m.Cadre.deleted_at.is_(None))
        ):
            self.cadres.setdefault(v.normalize_text(name), []).append((cid, unit_id))

    def unit(self, text: str) -> int | list[int] | None:
        found = self.units.get(v.normalize_text(text), [])
        return found[0] if len(set(found)) == 1 else (None if not found else sorted(set(found)))

    def cadre(self, text: str, unit_id: int | None) -> tuple[int | None, str | None]:
        """(the cadre's id, or None with the reason) for a name as a ledger writes it."""
        name, unit_text = text, None
        matched = _NAME_WITH_UNIT.match(text)
        if matched is not None:
            name, unit_text = matched["name"].strip(), matched["unit"].strip()
        candidates = self.cadres.get(v.normalize_text(name), [])
        if unit_text is not None:
            in_unit = self.unit(unit_text)
            if isinstance(in_unit, int):
                candidates = [c for c in candidates if c[1] == in_unit]
        elif unit_id is not None and len(candidates) > 1:
            candidates = [c for c in candidates if c[1] == unit_id] or candidates
        if len(candidates) == 1:
            return candidates[0][0], None
        if not candidates:
            return None, "missing"
        chosen = self.chosen.get(text)
        if chosen is not None and chosen in {c[0] for c in candidates}:
            return chosen, None  # the user decided, in the dialog
        self.ambiguous[text] = [
            (cid, f"{name}（{self.unit_names.get(u, ('?', ''))[0]}）") for cid, u in candidates
        ]
        units = "、".join(self.unit_names.get(u, ("?", ""))[0] for _, u in candidates)
        return None, f"有{len(candidates)}名同名人员（{units}），请选择是哪一位，或写成“{name}（单位）”"


def _unit_of_row(ledger: Ledger, values: dict[str, Any]) -> int | None:
    unit_field = ledger.spec.unit_field
    value = values.get(unit_field) if unit_field else None
    return value if isinstance(value, int) else None


class _Converter:
    """Turns one row's cells into stored values, collecting per-column errors."""

    def __init__(self, session: Session, ledger: Ledger, names: _Names, *, create_missing: bool) -> None:
        self.session = session
        self.ledger = ledger
        self.names = names
        self.create_missing = create_missing
        self.year: int | None = None
        self.year_used = False  # a date without its year was given the sheet's
        self.synonyms: dict[str, dict[str, str]] = {}
        self.cache: dict[Any, tuple[bool, Any, list[CellNote], list[CellNote], list[CellNote]]] = {}
        self.order = sorted(ledger.fields, key=lambda f: 0 if f.ref == "units" else 1)
        self.new_members: dict[str, int] = {}  # name → a negative placeholder id
        self.new_units: dict[str, int] = {}
        self.new_cadres: dict[tuple[str, int], int] = {}

    def _placeholder(self, table: dict[Any, int], key: Any) -> int:
        if key not in table:
            table[key] = -(len(self.new_members) + len(self.new_units) + len(self.new_cadres) + 1)
        return table[key]

    def member(self, text: str) -> int:
        found = self.names.members.get(v.normalize_text(text))
        if found is not None:
            return found
        return self._placeholder(self.new_members, v.normalize_name(text, field="name", label="姓名"))

    def unit(self, fld: Field, text: str, row: LedgerRow) -> int | None:
        found = self.names.unit(text)
        if isinstance(found, int):
            return found
        if isinstance(found, list):
            row.errors.append((fld.label, f"“{text}”对应多个单位，请写单位全称"))
            return None
        if self.create_missing:
            name = v.clean_text(text, field=fld.name, label=fld.label)
            row.warnings.append((fld.label, f"单位“{name}”不存在，将新建"))
            return self._placeholder(self.new_units, name)
        row.missing.append(
            (
                fld.label,
                f"没有名为“{text}”的监督单位，该行不导入（可先导入监督单位台账，或选择新建缺少的人员和单位）",
            )
        )
        return None

    def cadre(self, fld: Field, text: str, row: LedgerRow, unit_id: int | None) -> int | None:
        found, why = self.names.cadre(text, unit_id)
        if found is not None:
            return found
        if why != "missing":
            row.errors.append((fld.label, f"“{text}”：{why}"))
            return None
        if self.create_missing and unit_id is not None:
            name = v.normalize_name(text, field=fld.name, label=fld.label)
            row.warnings.append((fld.label, f"花名册中没有“{name}”，将在该行的单位下新建"))
            return self._placeholder(self.new_cadres, (name, unit_id))
        hint = (
            "（可先导入花名册，或选择新建缺少的人员和单位）"
            if unit_id is not None
            else "（此台账没有单位列，无法新建：请先在花名册中添加）"
        )
        row.missing.append((fld.label, f"花名册中没有“{text}”，该行不导入{hint}"))
        return None

    def ref(self, fld: Field, text: str, row: LedgerRow, unit_id: int | None) -> int | None:
        if fld.ref == "units":
            return self.unit(fld, text, row)
        if fld.ref == "members":
            return self.member(text)
        if fld.ref == "cadres":
            return self.cadre(fld, text, row, unit_id)
        raise AssertionError(fld.ref)

    def convert(self, row: LedgerRow) -> None:
        """``row.values``: the stored value of every filled cell of the ledger's fields.

        A ledger repeats most of its cells (the kinds, the members, the dates, the places): each
        outcome is kept for the rows below, by the field, the cell and the row's unit (a cadre's
        name is looked for in it)."""
        ledger = self.ledger
        # the unit first: a cadre's name is looked for in the row's unit
        for fld in self.order:
            if fld.name not in row.cells:
                continue
            raw = row.cells[fld.name]
            if _blank(raw):
                continue
            unit_id = _unit_of_row(ledger, row.values) if fld.ref == "cadres" else None
            try:
                key: Any = (fld.name, raw.__class__, raw, unit_id)
                hit = self.cache.get(key)
            except TypeError:  # an unhashable cell
                key, hit = None, None
            if hit is None:
                scratch = LedgerRow(row.row, row.cells, values=row.values)
                try:
                    value = self._value(fld, raw, scratch)
                    hit = (True, value, scratch.errors, scratch.warnings, scratch.missing)
                except UserError as exc:
                    hit = (False, exc.message, scratch.errors, scratch.warnings, scratch.missing)
                if key is not None:
                    self.cache[key] = hit
            ok, value, errors, warnings, missing = hit
            row.errors.extend(errors)
            row.warnings.extend(warnings)
            row.missing.extend(missing)
            if not ok:
                row.errors.append((fld.label, value))
            elif value is not None:
                row.values[fld.name] = value

    def _value(self, fld: Field, raw: Any, row: LedgerRow) -> Any:
        kind = fld.kind
        if kind is FieldKind.REF:
            return self.ref(fld, str(_text_cell(raw)).strip(), row, _unit_of_row(self.ledger, row.values))
        if kind is FieldKind.REFS:
            ids = []
            for name in split_people(str(_text_cell(raw))):
                found = self.ref(fld, name, row, _unit_of_row(self.ledger, row.values))
                if found is not None:
                    ids.append(found)
            return sorted(set(ids))
        if kind is FieldKind.ENUM and fld.name == self.ledger.spec.status_field and fld.enum is NoticeStatus:
            return _notice_status(str(raw).strip(), fld)
        if fld.enum is ProblemStatus:
            return None  # derived from the 交办, the notice's feedback and the 销号 (services.rules)
        if kind is FieldKind.ENUM and fld.enum is not None:
            text = _option_text(raw)
            mapped = self.synonyms.get(fld.label, {}).get(text)
            if mapped is None:  # the option itself, written with other brackets or spaces
                mapped = next((e.label for e in fld.enum if _option_text(e.label) == text), None)
            raw = mapped or raw
        if kind is FieldKind.DATE:
            raw = _date_cell(raw)
            if isinstance(raw, str) and (short := _MONTH_DAY.match(v.to_halfwidth(raw))) is not None:
                if self.year is None:
                    raise UserError(
                        f"{fld.label}“{raw}”没有写年份，表格标题和文件名中也看不出年份："
                        "请指定年份（窗口中的“年份”，命令行的 --year）。",
                        field=fld.name,
                    )
                raw = f"{self.year}-{int(short[1]):02d}-{int(short[2]):02d}"
                self.year_used = True
        elif kind in (FieldKind.TEXT, FieldKind.PHONE, FieldKind.ID_NUMBER, FieldKind.LONG_TEXT):
            raw = _text_cell(raw)
        return records.coerce(self.session, fld, raw)


#: How past ledgers write an option, by the column's label; 设置 adds the group's own
#: (``import.synonyms``, :func:`synonyms_in`).
BUILTIN_SYNONYMS: dict[str, dict[str, str]] = {
    "谈话类型": {
        "集体廉政谈话": "廉政谈话",
        "集体谈话": "廉政谈话",
        "廉政约谈": "廉政谈话",
        "任前廉政谈话": "任前谈话",
        "任职前谈话": "任前谈话",
        "任职谈话": "任前谈话",
        "提醒": "提醒谈话",
        "谈话提醒": "提醒谈话",
        "廉政提醒谈话": "提醒谈话",
        "谈心": "谈心谈话",
        "诫勉": "诫勉谈话",
        "约谈提醒": "约谈",
        "函询谈话": "函询",
    },
    "会议类型": {
        "党组会": "党委(组)会",
        "党委会": "党委(组)会",
        "党组会议": "党委(组)会",
        "党委会议": "党委(组)会",
        "党组(扩大)会": "党委(组)会",
        "党委(扩大)会": "党委(组)会",
        "三重一大决策会": "“三重一大”决策会",
        "三重一大会议": "“三重一大”决策会",
        "局长办公会": "行政办公会",
        "主任办公会": "行政办公会",
        "办公会": "行政办公会",
        "专题会议": "专题会",
        "专题研究会": "专题会",
    },
    "类别": {
        "抄告单": "廉情抄告单",
        "提醒函": "廉政提醒函",
        "建议书": "纪检监察建议书",
        "监察建议书": "纪检监察建议书",
        "节前提醒": "节前廉政提醒",
    },
}


def _option_text(value: Any) -> str:
    return v.to_halfwidth(str(value)).replace(" ", "").replace("\u3000", "").strip()


def synonyms_in(session: Session) -> dict[str, dict[str, str]]:
    """The built-in other ways of writing an option, with the group's own over them."""
    from wsjc_desktop.services import settings

    out = {
        label: {_option_text(k): opt for k, opt in mapping.items()}
        for label, mapping in BUILTIN_SYNONYMS.items()
    }
    own = settings.get_in(session, "import.synonyms") or {}
    for label, mapping in own.items():
        out.setdefault(label, {}).update({_option_text(k): opt for k, opt in mapping.items()})
    return out


def _notice_status(text: str, fld: Field) -> NoticeStatus:
    """The stored status behind the one a ledger shows (逾期 is an issued notice past its deadline)."""
    try:
        status = NoticeStatus.from_label(text)
    except ValueError:
        allowed = "、".join(s.label for s in NoticeStatus)
        raise UserError(f"{fld.label}“{text}”不是可选项（可选：{allowed}）。", field=fld.name) from None
    return NoticeStatus.ISSUED if status is NoticeStatus.OVERDUE else status


# --- what belongs to a record: a notice's feedback, a meeting's opinions -----------------------


def _split_numbered(text: str, count: int | None) -> list[str]:
    """``1. …\\n2. …`` back into the items (a single item is the text itself)."""
    text = text.strip()
    if not text:
        return []
    lines = text.split("\n")
    items: list[str] = []
    expected = 1
    for line in lines:
        numbered = _NUMBERED.match(line)
        if numbered is not None and int(numbered[1]) == expected and (count is None or count > 1):
            items.append(line[numbered.end() :])
            expected += 1
        elif items:
            items[-1] += "\n" + line
        else:
            items.append(line)
    return [i.strip() for i in items if i.strip()]


def _feedback(row: LedgerRow, converter: _Converter) -> list[dict[str, Any]]:
    """The notice's feedback in the row: one per dated line of 整改措施 (a ledger writes
    ``2026年1月28日：…`` before each when there are several), else one dated 反馈日期."""
    when = row.cells.get(_FEEDBACK_DATE)
    text = row.cells.get(_MEASURES)
    status_text = row.cells.get(_RECT_STATUS)
    if _blank(when) and _blank(text):
        return []
    fld_date = RECTIFICATION.field("feedback_date")
    fld_status = RECTIFICATION.field("status")
    try:
        latest = records.coerce(converter.session, fld_date, _date_cell(when))
        status = (
            records.coerce(converter.session, fld_status, str(status_text).strip())
            if not _blank(status_text)
            else RectificationStatus.IN_PROGRESS
        )
    except UserError as exc:
        label = _FEEDBACK_DATE if exc.field == "feedback_date" else _RECT_STATUS
        row.errors.append((label, exc.message))
        return []
    entries: list[tuple[date, str]] = []
    for line in str(text or "").strip().split("\n"):
        dated = _DATED.match(line)
        if dated is not None:
            day = v.parse_date(dated[1], field="feedback_date", label=_FEEDBACK_DATE)
            assert day is not None
            entries.append((day, line[dated.end() :]))
        elif entries:
            entries[-1] = (entries[-1][0], entries[-1][1] + "\n" + line)
        else:
            entries.append((latest, line))
    if len(entries) == 1:
        entries = [(latest, entries[0][1])]
    out = []
    for i, (day, measures) in enumerate(entries):
        last = i == len(entries) - 1
        done = status if last else RectificationStatus.IN_PROGRESS
        out.append({"feedback_date": day, "measures": measures.strip() or "（未填写）", "status": done})
    return out


def _opinions(row: LedgerRow) -> list[dict[str, Any]]:
    text = row.cells.get(_OPINIONS)
    if _blank(text):
        return []
    count_cell: Any = row.cells.get(f"{MEETING_OPINION.label}条数")
    try:
        count = None if _blank(count_cell) else int(count_cell)
    except (TypeError, ValueError):
        count = None
    return [{"content": item} for item in _split_numbered(str(text), count)]


# --- matching ---------------------------------------------------------------------------------


def _natural_key(ledger: Ledger, values: dict[str, Any]) -> tuple[Any, ...]:
    """What makes a row the same record as a stored one (or as another row of the file)."""
    get = values.get
    key = ledger.key
    if key == "units":
        return (get("full_name"),)
    if key == "notices":
        if get("doc_number"):
            return ("文号", get("doc_number"))
        return (get("kind"), get("unit_id"), get("title"), get("issued_on"))
    if key == "meetings":
        return (get("held_on"), get("unit_id"), get("meeting_type"), get("title"))
    if key == "talks":
        return (get("held_on"), get("kind"), tuple(get("cadre_ids") or ()))
    if key == "opinions":
        return (get("cadre_id"), get("requesting_unit"), get("reason"), get("request_date"))
    if key == "clues":
        return (get("received_on"), get("source"), get("cadre_id"), get("unit_id"), get("summary"))
    if key == "inspections":
        return (get("started_on"), get("kind"), get("title"), tuple(get("unit_ids") or ()))
    if key == "problems":
        return (get("found_on"), get("unit_id"), get("description"))
    raise AssertionError(key)


def _stored(session: Session, ledger: Ledger) -> dict[tuple[Any, ...], list[dict[str, Any]]]:
    """Every live record of the ledger by its natural key (oldest first), as ``records.to_row``
    gives it."""
    spec = ledger.spec
    model: Any = spec.model
    out: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    objs = session.scalars(select(model).where(model.deleted_at.is_(None)).order_by(model.id)).all()
    refs = [f for f in ledger.fields if f.kind is FieldKind.REFS]
    links: dict[str, dict[int, list[int]]] = {}
    for fld in refs:
        assoc, own, other = records.REFS_TABLES[(spec.table, fld.name)]
        by: dict[int, list[int]] = {}
        for owner, ref in session.execute(select(assoc.c[own], assoc.c[other]).order_by(assoc.c[other])):
            by.setdefault(owner, []).append(ref)
        links[fld.name] = by
    for obj in objs:
        row = m.column_values(obj)
        for fld in refs:
            row[fld.name] = links[fld.name].get(obj.id, [])
        out.setdefault(_natural_key(ledger, row), []).append(row)
    return out


def _same(fld: Field, new: Any, old: Any) -> bool:
    if fld.kind is FieldKind.REFS:
        return sorted(new or []) == sorted(old or [])
    if isinstance(old, Enum) or isinstance(new, Enum):
        return bool(getattr(new, "value", new) == getattr(old, "value", old))
    return bool(new == old)


def _children_of(session: Session, ledger: Ledger, record_id: int) -> list[dict[str, Any]]:
    if ledger.key == "notices":
        rects = session.scalars(
            select(m.Rectification)
            .where(m.Rectification.notice_id == record_id, m.Rectification.deleted_at.is_(None))
            .order_by(m.Rectification.feedback_date, m.Rectification.id)
        )
        return [{"feedback_date": r.feedback_date, "measures": r.measures.strip()} for r in rects]
    if ledger.key == "meetings":
        ops = session.scalars(
            select(m.MeetingOpinion)
            .where(m.MeetingOpinion.meeting_id == record_id, m.MeetingOpinion.deleted_at.is_(None))
            .order_by(m.MeetingOpinion.id)
        )
        return [{"content": (o.content or "").strip()} for o in ops]
    return []


def _child_key(ledger: Ledger, child: dict[str, Any]) -> tuple[Any, ...]:
    if ledger.key == "notices":
        return (child["feedback_date"], child["measures"].strip())
    return (child["content"].strip(),)


def _differences(ledger: Ledger, row: LedgerRow, stored: dict[str, Any]) -> dict[str, Any]:
    """The row's filled values that differ from the stored record's."""
    return {
        name: value
        for name, value in row.values.items()
        if not _same(ledger.spec.field(name), value, stored.get(name))
    }


def _frozen(row: LedgerRow, names: Sequence[str]) -> tuple[Any, ...]:
    """Everything the row says, its 序号 included, to tell a repeated row from another record:
    a row pasted twice repeats its 序号 too, while two records a ledger lists alike (two drafts
    of one title) have their own numbers."""
    get = row.values.get
    values = tuple(tuple(x) if isinstance(x := get(n), list) else x for n in names)
    children = tuple(tuple(c.items()) for c in row.children)
    return repr(row.cells.get("序号")), values, children


def _plan(session: Session, ledger: Ledger, rows: list[LedgerRow]) -> None:
    """Decide each row's action against the stored records (and the rows above it).

    Rows and records with one natural key are paired one to one, a record equal in every
    filled cell first: so a file holding two different talks of one day with one person
    (another talker, another place) updates or leaves both. A row equal in everything to a row
    above it, 序号 included, is a repeat, imported once; a new row that only shares the key
    with one above is imported and flagged for the user to check."""
    stored = _stored(session, ledger)
    names = [f.name for f in ledger.fields]
    used: set[int] = set()
    exact: dict[tuple[Any, ...], int] = {}
    keyed: dict[tuple[Any, ...], int] = {}
    for row in rows:
        row.changes, row.record_id, row.warnings = {}, None, list(row.cell_warnings)
        if row.errors:
            row.action = RowAction.SKIP
            continue
        if row.missing:  # a person or unit not there and not to be made: the row waits
            row.action = RowAction.SKIP
            row.warnings.extend(row.missing)
            continue
        row.key = _natural_key(ledger, row.values)
        frozen = _frozen(row, names)
        if frozen in exact:
            row.action = RowAction.SKIP
            row.warnings.append(("", f"与第{exact[frozen]}行完全相同（重复的一行），只导入一次"))
            continue
        exact[frozen] = row.row
        candidates = [r for r in stored.get(row.key, []) if int(r["id"]) not in used]
        found = next((r for r in candidates if not _differences(ledger, row, r)), None)
        if found is None and candidates:
            found = candidates[0]
        if found is None:
            row.action = RowAction.NEW
            row.changes = dict(row.values)
            if row.key in keyed:
                row.warnings.append(
                    (
                        "",
                        f"与第{keyed[row.key]}行的{_KEY_WORDS[ledger.key]}相同，将作为另一条记录导入，请核对是否重复",
                    )
                )
            keyed.setdefault(row.key, row.row)
            continue
        keyed.setdefault(row.key, row.row)
        row.record_id = int(found["id"])
        used.add(row.record_id)
        for name, value in _differences(ledger, row, found).items():
            fld = ledger.spec.field(name)
            if not fld.editable:
                shown = found.get(name)
                row.warnings.append(
                    (fld.label, f"与已有记录不同（已有：{getattr(shown, 'label', shown)}），保持不变")
                )
                continue
            row.changes[name] = value
        have = {_child_key(ledger, c) for c in _children_of(session, ledger, row.record_id)}
        row.children = [c for c in row.children if _child_key(ledger, c) not in have]
        row.action = RowAction.UPDATE if row.changes or row.children else RowAction.UNCHANGED


#: What the natural key of each ledger is, in words (for the flag on a possible repeat).
_KEY_WORDS = {
    "units": "单位全称",
    "notices": "文号（或类别、单位、标题和日期）",
    "meetings": "日期、单位、会议类型和名称",
    "talks": "日期、谈话类型和谈话对象",
    "opinions": "涉及人员、来函单位、事由和来函日期",
    "clues": "受理日期、来源、单位、对象和反映问题",
    "inspections": "检查日期、检查类型、检查事项和检查单位",
    "problems": "发现日期、单位和问题描述",
}


# --- the preview ------------------------------------------------------------------------------


def _fingerprint(session: Session, ledger: Ledger) -> tuple[Any, ...]:
    """Changes whenever a record the rows are matched against, or a name they are looked up by,
    is added, changed or deleted (a link changes its owner's 更新时间)."""
    out: list[Any] = []
    for model in (ledger.spec.model, m.Unit, m.Member, m.Cadre, m.Rectification, m.MeetingOpinion):
        found: Any = model
        out.extend(
            session.execute(
                select(func.count(found.id), func.max(found.id), func.max(found.updated_at))
            ).one()
        )
    return tuple(out)


def _ledger(key: str) -> Ledger:
    if key not in IMPORTABLE:
        names = "、".join(IMPORTABLE)
        raise UserError(f"不能导入“{key}”台账，可导入：{names}（花名册请用 cadres）。")
    return LEDGERS[key]


def preview_ledger(
    db: Database,
    key: str,
    path: Path | str,
    *,
    create_missing: bool = False,
    year: int | None = None,
    columns: Mapping[str, str] | None = None,
    people: Mapping[str, int] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> LedgerPreview:
    """Read ``path`` as ledger ``key`` and decide, row by row, what importing it would do.

    ``columns`` places columns the ledger's names do not (header text → field, "" to leave one
    out), over the places remembered from earlier files (``import.columns``). ``people`` says
    which cadre a name that several share is (the name as written → the cadre's id): the user's
    choice among ``LedgerPreview.ambiguous``."""
    ledger = _ledger(key)
    path = Path(path)
    with db.read() as uow:
        placed = {**stored_columns(uow.session, key), **(columns or {})}
    sheet = _read(ledger, path, limits, placed)
    preview = LedgerPreview(key, path, sheet.sheet_name, [LedgerRow(r.row, r.cells) for r in sheet.rows])
    preview.unknown_headers = list(sheet.unknown_headers)
    if sheet.unknown_headers:
        preview.warnings.append(f"以下列不是“{ledger.title}”的列，未导入：{'、'.join(sheet.unknown_headers)}")
    preview.year = year if year is not None else sheet_year(sheet.title, path.stem)
    with db.read() as uow:
        session = uow.session
        names = _Names(session)
        names.chosen = dict(people or {})
        converter = _Converter(session, ledger, names, create_missing=create_missing)
        converter.year = preview.year
        converter.synonyms = synonyms_in(session)
        linked: dict[str, dict[str, list[int]]] = {}
        for row in preview.rows:
            converter.convert(row)
            if ledger.key == "notices":
                row.children = _feedback(row, converter)
            elif ledger.key == "meetings":
                row.children = _opinions(row)
            elif ledger.key == "problems":
                _problem_links(session, row, linked)
            _required(ledger, row)
            row.cell_warnings = list(row.warnings)
        _plan(session, ledger, preview.rows)
        preview.fingerprint = _fingerprint(session, ledger)
    preview.year_used = converter.year_used
    preview.ambiguous = dict(converter.names.ambiguous)
    preview.new_members = list(converter.new_members)
    preview.new_units = list(converter.new_units)
    unit_names = {uid: full for uid, (full, _short) in converter.names.unit_names.items()}
    unit_names.update({pid: name for name, pid in converter.new_units.items()})
    preview.new_cadres = [(name, unit_names.get(unit_id, "")) for name, unit_id in converter.new_cadres]
    if converter.new_members:
        listed = "、".join(converter.new_members)
        preview.warnings.append(
            f"以下人员不是组内人员，将作为“{HISTORIC_TITLE}”新建（不能登录，保留过去记录的经办人）：{listed}"
        )
    preview.placeholders = Placeholders(converter.new_members, converter.new_units, converter.new_cadres)
    return preview


def _problem_links(session: Session, row: LedgerRow, linked: dict[str, dict[str, list[int]]]) -> None:
    """A problem's 来源记录 and 交办依据: the records of the file the ledger named so (by
    ``ledgers.linked_names``); one not found, or named alike by several, is left unlinked."""
    for column, what, links in (
        (SOURCE_RECORD, "source", SOURCE_LINK),
        (HANDOFF_RECORD, "handoff", HANDOFF_LINK),
    ):
        text = row.cells.get(column)
        if _blank(text):
            continue
        written = str(_text_cell(text)).strip()
        how = row.values.get(what)
        name = links.get(how) if how is not None else None
        if name is None:
            label = "发现来源" if what == "source" else "交办方式"
            row.warnings.append((column, f"“{written}”：该行的{label}不关联记录，未导入此列"))
            continue
        table = PROBLEM_LINKS[name]
        if table not in linked:
            by_name: dict[str, list[int]] = {}
            for record_id, label in linked_names(session, table).items():
                by_name.setdefault(v.normalize_text(label), []).append(record_id)
            linked[table] = by_name
        found = linked[table].get(v.normalize_text(written), [])
        what_label = REF_LABELS.get(table, "记录")
        if len(found) == 1:
            row.values[name] = found[0]
        elif not found:
            row.warnings.append((column, f"没有找到{what_label}“{written}”（可先导入该台账），导入后不关联"))
        else:
            row.warnings.append(
                (column, f"有{len(found)}条{what_label}都是“{written}”，无法确定是哪一条，导入后不关联")
            )


def _required(ledger: Ledger, row: LedgerRow) -> None:
    """A new record needs every required field; checked here so that the preview shows it. A
    choice the form starts with a default for (严重程度 一般, 处置方式 待处置) takes that default
    (:func:`_with_defaults`) when a ledger kept by hand has no such column."""
    labels = {label for label, _ in (*row.errors, *row.missing)}
    for fld in ledger.fields:
        if isinstance(fld.default, Enum):
            continue
        if fld.required and fld.name not in row.values and fld.label not in labels:
            verb = "选择" if fld.kind in (FieldKind.ENUM, FieldKind.REF, FieldKind.REFS) else "填写"
            row.errors.append((fld.label, f"请{verb}{fld.label}"))


# --- the import -------------------------------------------------------------------------------


def import_ledger(db: Database, preview: LedgerPreview) -> ImportResult:
    """Write ``preview`` in one transaction: all of it, or (any row with an error) nothing."""
    errors, warnings = preview.issues()
    if errors:
        rows = len({e.row for e in errors})
        raise UserError(f"有{rows}行存在错误，未导入任何数据。请改正后重试（可先用“试运行”查看）。")
    ledger = _ledger(preview.ledger)
    made_later = preview.placeholders
    new_members, new_units, new_cadres = made_later.members, made_later.units, made_later.cadres
    result = ImportResult(errors=[], warnings=warnings)
    with db.uow() as uow:
        session = uow.session
        if _fingerprint(session, ledger) != preview.fingerprint:  # changed since: matched again,
            _plan(session, ledger, preview.rows)  # inside the write, so a stale preview adds no twin
        made: dict[int, int] = {}
        for name, placeholder in new_members.items():
            made[placeholder] = records.create_in(
                session, MEMBER, {"name": name, "title": HISTORIC_TITLE, "is_active": False}
            )
        for name, placeholder in new_units.items():
            made[placeholder] = records.create_in(
                session, UNIT, {"full_name": name, "unit_type": next(iter(UnitType)), "in_scope": True}
            )
        for (name, unit_id), placeholder in new_cadres.items():
            unit = made.get(unit_id, unit_id)
            made[placeholder] = records.create_in(session, CADRE, {"name": name, "unit_id": unit})
        fresh = [row for row in preview.rows if row.action is RowAction.NEW]
        _insert_new(uow, ledger, fresh, made)
        for row in preview.rows:
            try:
                _write_row(session, ledger, row, made)
            except UserError as exc:
                raise UserError(f"导入失败，未写入任何数据。第{row.row}行：{exc.message}") from exc
            if row.action is RowAction.NEW:
                result.imported += 1
            elif row.action is RowAction.UPDATE:
                result.updated += 1
            elif row.action is RowAction.UNCHANGED:
                result.unchanged += 1
            else:
                result.skipped += 1
        uow.add_audit(
            AuditAction.IMPORT,
            f"导入{ledger.title}“{preview.path.name}”：新增{result.imported}条，更新{result.updated}条，"
            f"无变化{result.unchanged}条，跳过{result.skipped}行",
            table_name=ledger.spec.table,
            after={
                "file": preview.path.name,
                "new_members": list(new_members),
                "new_units": list(new_units),
                "new_cadres": [name for name, _ in new_cadres],
                "imported": result.imported,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "skipped": result.skipped,
            },
        )
        uow.commit()
    return result


def _resolved(value: Any, made: dict[int, int]) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        return made[value]
    if isinstance(value, list):
        return sorted(made.get(i, i) if isinstance(i, int) else i for i in value)
    return value


def _with_defaults(spec: RecordSpec, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` and, for a required field the ledger does not carry, the default a form starts
    with (a meeting's opinion is 待落实 until someone follows it up)."""
    out = dict(values)
    for fld in spec.fields:
        if fld.required and fld.editable and fld.name not in out and isinstance(fld.default, Enum):
            out[fld.name] = fld.default
    return out


def _insert_new(uow: UnitOfWork, ledger: Ledger, rows: list[LedgerRow], made: dict[int, int]) -> None:
    """The new rows in bulk (``services.bulk``: one executemany for the records, one for each
    many-to-many field, each with its 新建 audit entry), checked by the form's rules first; then
    what belongs to them, and the search index."""
    if not rows:
        return
    spec, session = ledger.spec, uow.session
    refs = [f for f in ledger.fields if f.kind is FieldKind.REFS]
    columns: list[dict[str, Any]] = []
    for row in rows:
        values = _with_defaults(spec, {k: _resolved(val, made) for k, val in row.changes.items()})
        try:
            rules.check(session, spec.table, values, None)
        except UserError as exc:
            raise UserError(f"导入失败，未写入任何数据。第{row.row}行：{exc.message}") from exc
        if spec is ALERT_NOTICE:
            values.update(_past_notice(values, row.children))
        row.changes = values
        columns.append(bulk.new_row(spec, values))
    try:
        ids = bulk.insert_records(uow, spec, columns)
    except IntegrityError as exc:  # a 文号 given twice, or taken by a notice already stored
        raise UserError(
            f"导入失败，未写入任何数据：有重复的{_KEY_WORDS[ledger.key]}（{exc.orig}）。"
        ) from exc
    for fld in refs:
        assoc, own, other = records.REFS_TABLES[(spec.table, fld.name)]
        pairs = [
            (rid, ref) for rid, row in zip(ids, rows, strict=True) for ref in row.changes.get(fld.name) or []
        ]
        bulk.insert_links(session, assoc, own, other, pairs)
    for record_id, row in zip(ids, rows, strict=True):
        row.record_id = record_id
        if row.children:
            _add_children(session, ledger, record_id, row.children)
    search_index.refresh(session, [(spec.table, i) for i in ids])


def _write_row(session: Session, ledger: Ledger, row: LedgerRow, made: dict[int, int]) -> None:
    """An existing record's row: what differs, and what belongs to it that it lacks."""
    spec = ledger.spec
    if row.action is RowAction.UPDATE:
        assert row.record_id is not None
        if row.changes:
            records.update_in(
                session, spec, row.record_id, {k: _resolved(x, made) for k, x in row.changes.items()}
            )
        _add_children(session, ledger, row.record_id, row.children)


def _past_notice(values: dict[str, Any], children: list[dict[str, Any]]) -> dict[str, Any]:
    """A notice from a past ledger keeps its 文号, date and status; its number is reserved, so the
    program never issues it again (``notices._next_seq`` counts the highest stored sequence)."""
    out: dict[str, Any] = {}
    number = values.get("doc_number")
    if number:
        parsed = _DOC_NUMBER.search(v.to_halfwidth(number))
        if parsed is not None:
            out["doc_year"], out["doc_seq"] = int(parsed[1]), int(parsed[2])
    status = values.get("status")
    if status is None:
        status = NoticeStatus.ISSUED if values.get("issued_on") or number else NoticeStatus.DRAFT
    if status is NoticeStatus.ISSUED and children:
        done = children[-1]["status"] is RectificationStatus.DONE
        status = NoticeStatus.RECTIFIED if done else NoticeStatus.FED_BACK
    out["status"] = status
    return out


def _add_children(
    session: Session, ledger: Ledger, record_id: int, children: Iterable[dict[str, Any]]
) -> None:
    if ledger.key == "notices":
        notice = session.get(m.AlertNotice, record_id)
        assert notice is not None
        status = notice.status
        for child in children:
            session.add(m.Rectification(notice_id=record_id, **child))
        session.flush()
        notice.status = status  # the ledger's status stands, whatever adding feedback would infer
    elif ledger.key == "meetings":
        for child in children:
            records.create_in(
                session, MEETING_OPINION, _with_defaults(MEETING_OPINION, {"meeting_id": record_id, **child})
            )
    session.flush()


def labels_of(ledger_key: str) -> Sequence[str]:
    """The column labels of a ledger, in sheet order (for messages and the dialog)."""
    return list(LEDGERS[ledger_key].headers)


Progress = Callable[[int, int], None]
