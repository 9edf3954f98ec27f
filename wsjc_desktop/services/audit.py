"""Reading the audit log (审计日志): filtered, paged, with before/after values decoded (no Qt).

The log is written only by the unit of work (every create, update, delete and restore, and
the import, export, print, issue and login entries services add); the file refuses any
UPDATE or DELETE of an entry, and each entry is chained to the one before it by a hash that
``check`` verifies (``storage.health``; migrations 0003, 0004). This module reads it, and appends two kinds
of entry: :func:`export_log` writes the filtered log to an .xlsx file and, like every export,
appends one EXPORT entry saying so; :func:`note_id_number_view` records that a member had a
cadre's full 身份证号 shown (the screen otherwise masks it). No function here changes or
removes an entry.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.domain.fields import SPECS, Field, FieldKind
from wsjc_desktop.errors import UserError
from wsjc_desktop.excel.writer import ColumnKind, LedgerColumn, LedgerSheet, write_ledgers
from wsjc_desktop.services.display import is_masked, mask_id_number
from wsjc_desktop.storage.database import Database

log = logging.getLogger(__name__)

#: ``member_id`` filter value for entries made with nobody logged in (failed logins, set-up).
NO_MEMBER = 0
#: Rows an export writes at most.
EXPORT_LIMIT = 100_000

#: What non-record tables and log-only objects are called.
TABLE_LABELS: dict[str, str] = {
    "settings": "设置",
    "audit_entries": "审计日志",
    "doc_sequences": "文号序号",
    "stats": "工作统计",
    "search_entries": "检索索引",
}

#: Labels of the columns every record has.
COMMON_LABELS: dict[str, str] = {
    "id": "编号",
    "uid": "唯一标识",
    "created_at": "创建时间",
    "updated_at": "修改时间",
    "created_by_id": "创建人",
    "updated_by_id": "修改人",
    "deleted_at": "删除时间",
    "password_hash": "登录口令",
    "key": "设置项",
    "value": "设置值",
}

DEFAULT_DESCRIPTIONS: dict[AuditAction, str] = {
    AuditAction.CREATE: "新建",
    AuditAction.DELETE: "移入回收站",
    AuditAction.RESTORE: "从回收站恢复",
}


def table_label(table: str | None) -> str:
    if not table:
        return ""
    spec = SPECS.get(table)
    if spec is not None:
        return spec.label
    return TABLE_LABELS.get(table, table)


def field_of(table: str | None, name: str) -> Field | None:
    """The field spec of ``table.name``, if the record type describes it."""
    spec = SPECS.get(table or "")
    if spec is not None and spec.has_field(name):
        return spec.field(name)
    return None


def field_label(table: str | None, name: str) -> str:
    found = field_of(table, name)
    if found is not None:
        return found.label
    return COMMON_LABELS.get(name, name)


@dataclass(frozen=True)
class AuditRow:
    """One entry as the viewer shows it."""

    id: int
    at: datetime
    member_id: int | None
    #: the member's name; with no member, who else acted (命令行（user）); empty when nobody was
    #: logged in
    member_name: str
    action: AuditAction
    table_name: str | None
    record_id: int | None
    record_uid: str | None
    record_title: str  # the record's name or title, where it can be told
    summary: str | None  # as stored
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changed: tuple[str, ...] = field(default=())  # keys whose value differs before and after
    actor: str | None = None  # as stored: who acted when no member did

    @property
    def action_label(self) -> str:
        return self.action.label

    @property
    def table_label(self) -> str:
        return table_label(self.table_name)

    @property
    def object_text(self) -> str:
        """廉情提醒 #12 关于…; 组内人员 #2 张三; 设置."""
        if not self.table_name:
            return ""
        parts = [self.table_label]
        if self.record_id is not None:
            parts.append(f"#{self.record_id}")
        if self.record_title:
            parts.append(self.record_title)
        return " ".join(parts)

    @property
    def description(self) -> str:
        """The 摘要 column: the stored summary, else what was done (修改：标题、整改要求)."""
        if self.summary:
            return self.summary
        if self.action is AuditAction.UPDATE:
            labels = [field_label(self.table_name, k) for k in self.changed]
            return "修改：" + "、".join(labels) if labels else "修改"
        if self.action is AuditAction.DELETE and self.after is None and self.before is not None:
            return "彻底删除"  # a purge: the row is gone (a move to the recycle bin keeps an after)
        return DEFAULT_DESCRIPTIONS.get(self.action, self.action.label)


def _decode(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return {"": text}
    return value if isinstance(value, dict) else {"": value}


def _field_order(table: str | None) -> dict[str, int]:
    spec = SPECS.get(table or "")
    return {f.name: i for i, f in enumerate(spec.fields)} if spec is not None else {}


def _changed(
    table: str | None, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> tuple[str, ...]:
    """The keys whose value differs, in the record type's field order."""
    if before is None or after is None:
        return ()
    order = _field_order(table)
    keys = sorted(dict.fromkeys([*before, *after]), key=lambda k: (order.get(k, len(order)), k))
    return tuple(k for k in keys if before.get(k) != after.get(k))


def _day_start(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time.min)


def _filtered(
    stmt: Select[Any],
    *,
    member_id: int | None,
    action: AuditAction | str | None,
    table: str | None,
    start: date | datetime | None,
    end: date | datetime | None,
    text: str | None,
) -> Select[Any]:
    e = m.AuditEntry
    if member_id is not None:
        stmt = stmt.where(e.member_id.is_(None) if member_id == NO_MEMBER else e.member_id == member_id)
    if action is not None:
        stmt = stmt.where(e.action == AuditAction.parse(action))
    if table:
        stmt = stmt.where(e.table_name == table)
    if start is not None:
        stmt = stmt.where(e.at >= _day_start(start))
    if isinstance(end, datetime):
        stmt = stmt.where(e.at <= end)
    elif end is not None:  # a date: the whole day
        stmt = stmt.where(e.at < _day_start(end + timedelta(days=1)))
    for word in (text or "").split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                e.summary.like(pattern, escape="\\"),
                e.before.like(pattern, escape="\\"),
                e.after.like(pattern, escape="\\"),
            )
        )
    return stmt


def _titles(session: Session, wanted: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    """The current name or title of each record named, table by table."""
    out: dict[tuple[str, int], str] = {}
    for table, ids in wanted.items():
        spec = SPECS.get(table)
        if spec is not None:
            column = getattr(spec.model, spec.title_field)
        elif table == "settings":
            column = m.Setting.key
        else:
            continue
        model = spec.model if spec is not None else m.Setting
        for record_id, title in session.execute(select(model.id, column).where(model.id.in_(sorted(ids)))):
            out[(table, record_id)] = "" if title is None else str(title)
    return out


def _title_in(table: str | None, values: dict[str, Any] | None) -> str | None:
    spec = SPECS.get(table or "")
    if spec is None or not values:
        return None
    value = values.get(spec.title_field)
    return None if value is None else str(value)


def query(
    db: Database,
    *,
    member_id: int | None = None,
    action: AuditAction | str | None = None,
    table: str | None = None,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
    text: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[AuditRow]:
    """Entries matching every filter given, newest first.

    ``member_id``: who did it (:data:`NO_MEMBER`: nobody logged in); ``action``: an
    :class:`AuditAction` or its value; ``table``: the record type's table; ``start`` and
    ``end``: dates, both inclusive (or exact datetimes); ``text``: words each found in the
    summary or the before/after values.
    """
    e = m.AuditEntry
    stmt = _filtered(
        select(e.id, e.at, e.member_id, e.action, e.table_name, e.record_id, e.record_uid, e.summary)
        .add_columns(e.before, e.after, e.actor, m.Member.name)
        .outerjoin(m.Member, m.Member.id == e.member_id),
        member_id=member_id,
        action=action,
        table=table,
        start=start,
        end=end,
        text=text,
    )
    stmt = stmt.order_by(e.id.desc()).limit(max(0, limit)).offset(max(0, offset))
    with db.read() as uow:
        raw = uow.session.execute(stmt).all()
        wanted: dict[str, set[int]] = {}
        for row in raw:
            if row.table_name and row.record_id is not None:
                wanted.setdefault(row.table_name, set()).add(row.record_id)
        titles = _titles(uow.session, wanted)
    out: list[AuditRow] = []
    for row in raw:
        before, after = _decode(row.before), _decode(row.after)
        title = _title_in(row.table_name, after) or _title_in(row.table_name, before)
        if title is None and row.table_name and row.record_id is not None:
            title = titles.get((row.table_name, row.record_id))
        out.append(
            AuditRow(
                id=row.id,
                at=row.at,
                member_id=row.member_id,
                member_name=row.name or (row.actor if row.member_id is None else None) or "",
                action=row.action,
                table_name=row.table_name,
                record_id=row.record_id,
                record_uid=row.record_uid,
                record_title=title or "",
                summary=row.summary,
                before=before,
                after=after,
                changed=_changed(row.table_name, before, after),
                actor=row.actor,
            )
        )
    return out


def count(
    db: Database,
    *,
    member_id: int | None = None,
    action: AuditAction | str | None = None,
    table: str | None = None,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
    text: str | None = None,
) -> int:
    """How many entries :func:`query` would list with these filters (without a limit)."""
    stmt = _filtered(
        select(func.count()).select_from(m.AuditEntry),
        member_id=member_id,
        action=action,
        table=table,
        start=start,
        end=end,
        text=text,
    )
    with db.read() as uow:
        return int(uow.session.scalar(stmt) or 0)


def tables(db: Database) -> list[str]:
    """Every table some entry names, for the record-type filter."""
    with db.read() as uow:
        names = uow.session.scalars(
            select(m.AuditEntry.table_name).where(m.AuditEntry.table_name.is_not(None)).distinct()
        ).all()
    order = {table: i for i, table in enumerate(SPECS)}  # the record types in the program's order
    return sorted((n for n in names if n), key=lambda n: (order.get(n, len(order)), n))


def members(db: Database) -> list[tuple[int, str]]:
    """(id, name) of every member ever (the recycle bin's too), for the member filter."""
    with db.read() as uow:
        rows = uow.session.execute(
            select(m.Member.id, m.Member.name).order_by(m.Member.sort_order, m.Member.id)
        ).all()
    return [(i, n) for i, n in rows]


# --- values as shown ----------------------------------------------------------------------


def display(table: str | None, key: str, value: Any, names: dict[int, str] | None = None) -> str:
    """A stored JSON value as the viewer and the export show it: labels for kinds and statuses,
    是/否, names for member ids, dates as 2026-03-05 and times to the minute."""
    if value is None or value == "":
        return ""
    fld = field_of(table, key)
    is_member = key in ("created_by_id", "updated_by_id") or (fld is not None and fld.ref == "members")
    if is_member and names is not None and isinstance(value, int):
        return names.get(value, f"#{value}")
    if fld is not None:
        if fld.kind is FieldKind.ENUM and fld.enum is not None:
            try:
                return fld.enum.parse(value).label
            except ValueError:
                return str(value)
        if fld.kind is FieldKind.BOOL:
            return "是" if value else "否"
        if fld.kind is FieldKind.MONTH and isinstance(value, str) and len(value) >= 7:
            return value[:7]
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and len(value) >= 16 and value[10:11] == "T":
        return value[:16].replace("T", " ")  # an ISO timestamp, to the minute
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _on_screen(table: str | None, key: str, value: Any, names: dict[int, str] | None) -> str:
    """:func:`display` as the viewer shows it: a 身份证号 masked, as everywhere on screen."""
    fld = field_of(table, key)
    if fld is not None and is_masked(fld) and value:
        return mask_id_number(str(value))
    return display(table, key, value, names)


def details(row: AuditRow, names: dict[int, str] | None = None) -> list[tuple[str, str, str, bool]]:
    """(label, before, after, changed) per value an entry holds, changed ones first in the
    record type's field order, then the rest; for the screen (a 身份证号 masked)."""
    before, after = row.before or {}, row.after or {}
    keys = list(dict.fromkeys([*before, *after]))
    order = _field_order(row.table_name)
    keys.sort(key=lambda k: (k not in row.changed, order.get(k, len(order)), k))
    out = []
    for key in keys:
        out.append(
            (
                field_label(row.table_name, key),
                _on_screen(row.table_name, key, before.get(key), names) if key in before else "",
                _on_screen(row.table_name, key, after.get(key), names) if key in after else "",
                key in row.changed,
            )
        )
    return out


# --- a look at a full 身份证号 ---------------------------------------------------------------

#: The action a look at a cadre's full 身份证号 is logged under. The log has no 查看 action
#: (domain/enums.AuditAction): until it has one, the look counts as an export, the number having
#: left the masked screen. The summary says what it was.
ID_NUMBER_VIEW = AuditAction.VIEW_ID_NUMBER
ID_NUMBER_VIEW_TEXT = "查看完整身份证号"


def note_id_number_view(db: Database, cadre_id: int, who: str) -> None:
    """Log that the member logged in had the full 身份证号 of cadre ``cadre_id`` (``who``:
    “姓名（单位）”) shown. A file opened read-only, or busy with another writer, still shows it:
    the look is then only written to the program's log, as a print or an export is."""
    summary = f"{ID_NUMBER_VIEW_TEXT}：{who}"
    if db.readonly:
        log.info("id number shown (not audited, read-only database): %s", summary)
        return
    try:
        with db.uow() as uow:
            uow.add_audit(ID_NUMBER_VIEW, summary, table_name="cadres", record_id=cadre_id)
            uow.commit()
    except UserError as exc:
        log.warning("id number view not audited (%s): %s", exc.message, summary)


# --- export -------------------------------------------------------------------------------

COLUMNS = (
    LedgerColumn("时间", ColumnKind.TEXT),
    LedgerColumn("人员", ColumnKind.TEXT),
    LedgerColumn("操作", ColumnKind.TEXT),
    LedgerColumn("对象", ColumnKind.TEXT),
    LedgerColumn("摘要", ColumnKind.LONG_TEXT),
    LedgerColumn("修改前", ColumnKind.LONG_TEXT),
    LedgerColumn("修改后", ColumnKind.LONG_TEXT),
)


def _values_text(row: AuditRow, values: dict[str, Any] | None, names: dict[int, str]) -> str:
    if not values:
        return ""
    keys = row.changed or tuple(values)
    return "；".join(
        f"{field_label(row.table_name, k)}：{display(row.table_name, k, values.get(k), names)}"
        for k in keys
        if k in values
    )


def export_log(db: Database, out: Path | str, **filters: Any) -> int:
    """Write the entries matching ``filters`` (as :func:`count` takes them) to ``out`` (.xlsx),
    newest first; returns the rows written. Appends one EXPORT entry, as every export does."""
    total = count(db, **filters)
    if total > EXPORT_LIMIT:
        raise UserError(f"符合条件的日志有{total}条，超过{EXPORT_LIMIT}条，请缩小范围后再导出。")
    names = dict(members(db))
    rows: list[list[Any]] = []
    offset = 0
    while True:
        page = query(db, **filters, limit=2000, offset=offset)
        for r in page:
            rows.append(
                [
                    f"{r.at:%Y-%m-%d %H:%M:%S}",
                    r.member_name or "（未登录）",
                    r.action_label,
                    r.object_text,
                    r.description,
                    _values_text(r, r.before, names),
                    _values_text(r, r.after, names),
                ]
            )
        if len(page) < 2000:
            break
        offset += len(page)
    sheet = LedgerSheet(name="审计日志", title="审计日志", columns=COLUMNS, rows=rows)
    written = write_ledgers(out, [sheet])
    if not db.readonly:
        with db.uow() as uow:
            uow.add_audit(
                AuditAction.EXPORT, f"导出审计日志 {written} 条：{Path(out).name}", table_name="audit_entries"
            )
            uow.commit()
    return written
