"""Create, update, delete (to the recycle bin), restore, get and list any record type.

One generic set of use cases driven by the field specs in :mod:`wsjc_desktop.domain.fields`:
how a list filtered by unit, cadre, member or status reaches a type is read from its spec
(its foreign keys, its REFS fields, ``cadres_from``, ``status_sql``), never from its name;
the rules that differ per type live in :mod:`wsjc_desktop.services.rules`. Each function
opens its own unit of work: one user action, one transaction. Callers get plain dicts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, String, Table, and_, exists, func, literal_column, or_, select
from sqlalchemy.orm import Session, aliased

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import notice_rules
from wsjc_desktop.domain import validation as v
from wsjc_desktop.domain.enums import LabeledEnum
from wsjc_desktop.domain.fields import (
    CADRE,
    MEMBER,
    SPECS,
    UNIT,
    Field,
    FieldKind,
    RecordSpec,
    children_of,
    spec_for,
)
from wsjc_desktop.domain.fields import OPEN_NOTICES as OPEN_NOTICES  # the notices tab's 未办结
from wsjc_desktop.errors import NotFoundError, UserError
from wsjc_desktop.services import rules
from wsjc_desktop.storage.database import Database

Row = dict[str, Any]
RecordT = TypeVar("RecordT", bound=m.Record)


def _association(spec: RecordSpec, fld: Field) -> tuple[Table, str, str]:
    """The association table a REFS field names (``through``) and its two keys, found by the
    tables their foreign keys point to."""
    assert fld.through is not None and fld.ref is not None, f"{spec.table}.{fld.name} names no table"
    assoc = m.Base.metadata.tables[fld.through]

    def key_to(table: str) -> str:
        (name,) = [
            c.name for c in assoc.columns if any(fk.column.table.name == table for fk in c.foreign_keys)
        ]
        return name

    return assoc, key_to(spec.table), key_to(fld.ref)


#: The association behind each many-to-many field: (table, field) → (association, own key, other key).
REFS_TABLES: dict[tuple[str, str], tuple[Table, str, str]] = {
    (spec.table, fld.name): _association(spec, fld)
    for spec in SPECS.values()
    for fld in spec.fields
    if fld.kind is FieldKind.REFS
}

REF_LABELS = {
    "units": "单位",
    "cadres": "干部",
    "members": "组内人员",
    "alert_notices": "廉情提醒",
    "meetings": "会议",
    "talks": "谈话",
    "clues": "问题线索",
    "inspections": "监督检查",
}


@dataclass(frozen=True)
class RecordFilter:
    """What a list shows. Every criterion is optional; None means any."""

    year: int | None = None
    unit_id: int | None = None
    kind: str | None = None
    status: str | None = None
    cadre_id: int | None = None
    member_id: int | None = None
    parent_id: int | None = None
    deleted: bool = False  # True: only records in the recycle bin
    today: date | None = None  # for the derived 逾期 status
    only_ids: frozenset[int] | None = None  # e.g. the hits of a text search
    due_within_days: int | None = None  # notices: issued, no feedback, deadline within N days
    sort: str | None = None  # a field name; REF fields sort by the referenced record's title
    descending: bool = False


# --- reading --------------------------------------------------------------------------


def to_row(session: Session, spec: RecordSpec, obj: m.Record) -> Row:
    """A record as a plain dict: every column plus the ids behind many-to-many fields."""
    row: Row = m.column_values(obj)
    for fld in spec.fields:
        if fld.kind is FieldKind.REFS:
            assoc, own, other = REFS_TABLES[(spec.table, fld.name)]
            row[fld.name] = list(
                session.scalars(select(assoc.c[other]).where(assoc.c[own] == obj.id).order_by(assoc.c[other]))
            )
    return row


def load_live(session: Session, model: type[RecordT], record_id: int) -> RecordT:
    """The record of this type, not in the recycle bin, or a NotFoundError naming its type."""
    obj = _load(session, spec_for(model.__tablename__), record_id)
    assert isinstance(obj, model)
    return obj


def _load(session: Session, spec: RecordSpec, record_id: int, *, include_deleted: bool = False) -> m.Record:
    obj = session.get(spec.model, record_id)
    if obj is None or (obj.deleted_at is not None and not include_deleted):
        raise NotFoundError(f"{spec.label}（编号 {record_id}）不存在或已被删除。")
    return obj


def get(db: Database, table: str, record_id: int, *, include_deleted: bool = False) -> Row:
    spec = spec_for(table)
    with db.read() as uow:
        return to_row(uow.session, spec, _load(uow.session, spec, record_id, include_deleted=include_deleted))


def _year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _naming(spec: RecordSpec, fld: Field, match: Callable[[Any], ColumnElement[bool]]) -> ColumnElement[bool]:
    """Records whose REFS field ``fld`` names a record whose id (the association's other key)
    ``match``es."""
    assoc, own, other = REFS_TABLES[(spec.table, fld.name)]
    model: Any = spec.model
    return exists().where(assoc.c[own] == model.id, match(assoc.c[other]))


def _unit_condition(spec: RecordSpec, unit_id: int) -> ColumnElement[bool] | None:
    """The unit's records: by the type's unit key, its cadre's unit, or any unit or cadre it
    names."""
    model: Any = spec.model
    if spec.unit_field:
        return getattr(model, spec.unit_field) == unit_id  # type: ignore[no-any-return]
    cadres_of_unit = select(m.Cadre.id).where(m.Cadre.unit_id == unit_id)
    if spec.cadre_field:
        return getattr(model, spec.cadre_field).in_(cadres_of_unit)  # type: ignore[no-any-return]
    named = [_naming(spec, fld, lambda key: key == unit_id) for fld in spec.refs_to(UNIT.table)]
    named += [_naming(spec, fld, lambda key: key.in_(cadres_of_unit)) for fld in spec.refs_to(CADRE.table)]
    return or_(*named) if named else None


def _cadre_condition(spec: RecordSpec, cadre_id: int) -> ColumnElement[bool] | None:
    """Records about the cadre: by the type's cadre key, the cadres it names, or the cadre of
    one of its children (``cadres_from``)."""
    model: Any = spec.model
    if spec.cadre_field:
        return getattr(model, spec.cadre_field) == cadre_id  # type: ignore[no-any-return]
    conds = [_naming(spec, fld, lambda key: key == cadre_id) for fld in spec.refs_to(CADRE.table)]
    for table in spec.cadres_from:
        child = spec_for(table)
        assert child.parent is not None and child.parent[0] == spec.table and child.cadre_field
        child_model: Any = child.model
        conds.append(
            exists().where(
                getattr(child_model, child.parent[1]) == model.id,
                getattr(child_model, child.cadre_field) == cadre_id,
            )
        )
    return or_(*conds) if conds else None


def _member_condition(spec: RecordSpec, member_id: int) -> ColumnElement[bool]:
    """The member's records: by the type's member keys and the members it names; a type naming
    no member, by who wrote it."""
    model: Any = spec.model
    conds = [getattr(model, name) == member_id for name in spec.member_fields]
    conds += [_naming(spec, fld, lambda key: key == member_id) for fld in spec.refs_to(MEMBER.table)]
    if not conds:
        return model.created_by_id == member_id  # type: ignore[no-any-return]
    return or_(*conds)


def build_query(spec: RecordSpec, flt: RecordFilter) -> Select[Any]:
    """The select behind a filtered list (ids and rows share it)."""
    model: Any = spec.model
    conds: list[ColumnElement[bool]] = [
        model.deleted_at.is_not(None) if flt.deleted else model.deleted_at.is_(None)
    ]
    if flt.year is not None:
        if spec.date_field:
            start, end = _year_range(flt.year)
            column = getattr(model, spec.date_field)
            # a record not dated yet (a draft notice) belongs to the year it was written in
            undated = and_(
                column.is_(None),
                model.created_at.between(datetime(flt.year, 1, 1), datetime(flt.year, 12, 31, 23, 59, 59)),
            )
            conds.append(or_(column.between(start, end), undated))
        elif spec.has_field("year"):
            conds.append(model.year == flt.year)
    if flt.unit_id is not None:
        condition = _unit_condition(spec, flt.unit_id)
        if condition is not None:
            conds.append(condition)
    if flt.kind is not None and spec.kind_field:
        conds.append(getattr(model, spec.kind_field) == flt.kind)
    if flt.status is not None and spec.status_field:
        conds.append(_status_condition(spec, flt.status, flt.today or date.today()))
    if flt.cadre_id is not None:
        condition = _cadre_condition(spec, flt.cadre_id)
        if condition is not None:
            conds.append(condition)
    if flt.member_id is not None:
        conds.append(_member_condition(spec, flt.member_id))
    if flt.parent_id is not None and spec.parent is not None:
        conds.append(getattr(model, spec.parent[1]) == flt.parent_id)
    if flt.only_ids is not None and len(flt.only_ids) <= MAX_IN_IDS:
        conds.append(model.id.in_(sorted(flt.only_ids)))
    if flt.due_within_days is not None and spec.due_sql is not None:
        today = flt.today or date.today()
        due_by = today + timedelta(days=flt.due_within_days)
        conds.append(
            _sql(spec.due_sql(spec.table, notice_rules.sql_date(today), notice_rules.sql_date(due_by)))
        )
    query = select(model).where(and_(*conds))
    return _order(query, spec, flt)


def _order_key(model: Any, name: str) -> Any:
    """``"held_on"`` ascending; ``"-held_on"`` newest first, with empty values (drafts) on top."""
    if name.startswith("-"):
        return getattr(model, name[1:]).desc().nulls_first()
    return getattr(model, name)


MAX_IN_IDS = 20000


def _order(query: Select[Any], spec: RecordSpec, flt: RecordFilter) -> Select[Any]:
    model: Any = spec.model
    if flt.sort is None or not spec.has_field(flt.sort) or spec.field(flt.sort).kind is FieldKind.REFS:
        return query.order_by(*(_order_key(model, name) for name in spec.default_order))
    fld = spec.field(flt.sort)
    if fld.kind is FieldKind.REF and fld.ref:
        ref_spec = spec_for(fld.ref)
        target = aliased(ref_spec.model)
        query = query.outerjoin(target, getattr(model, fld.name) == target.id)
        key: Any = getattr(target, ref_spec.title_field)
    else:
        key = getattr(model, fld.name)
    key = key.desc() if flt.descending else key.asc()
    tiebreak = model.id.desc() if flt.descending else model.id.asc()
    return query.order_by(key.nulls_last(), tiebreak)


def _sql(condition: str) -> ColumnElement[bool]:
    """An SQL condition as an ORM query takes it: as written, no "= 1" (untyped)."""
    return literal_column(condition)


def notice_condition(rule: Callable[..., str], **days: date) -> ColumnElement[bool]:
    """A condition of :mod:`wsjc_desktop.domain.notice_rules` on ``alert_notices``, as an ORM
    query takes it: the very SQL the plain-SQL readers run, with its days written in."""
    literals = {name: notice_rules.sql_date(day) for name, day in days.items()}
    return _sql(rule(m.AlertNotice.__tablename__, **literals))


def _status_condition(spec: RecordSpec, status: str, today: date) -> ColumnElement[bool]:
    """The stored status; or, for a value the spec answers by a rule (a notice's 逾期), the rule."""
    rule = spec.status_sql.get(status)
    if rule is not None:
        return _sql(rule(spec.table, notice_rules.sql_date(today)))
    column = getattr(spec.model, spec.status_field or "status")
    return column == status  # type: ignore[no-any-return]


def list_records(db: Database, table: str, flt: RecordFilter = RecordFilter()) -> list[Row]:
    spec = spec_for(table)
    with db.read() as uow:
        objs = uow.session.scalars(build_query(spec, flt)).all()
        return [to_row(uow.session, spec, obj) for obj in objs]


def list_ids(db: Database, table: str, flt: RecordFilter = RecordFilter()) -> list[int]:
    """Only the ids: large tables load these first and fetch rows as they are shown."""
    spec = spec_for(table)
    query = build_query(spec, flt).with_only_columns(spec.model.id)
    with db.read() as uow:
        ids = list(uow.session.scalars(query))
    if flt.only_ids is not None and len(flt.only_ids) > MAX_IN_IDS:
        ids = [i for i in ids if i in flt.only_ids]
    return ids


def get_many(db: Database, table: str, ids: Sequence[int]) -> dict[int, Row]:
    spec = spec_for(table)
    out: dict[int, Row] = {}
    with db.read() as uow:
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            for obj in uow.session.scalars(select(spec.model).where(spec.model.id.in_(chunk))):
                out[obj.id] = to_row(uow.session, spec, obj)
    return out


def count(db: Database, table: str, flt: RecordFilter = RecordFilter()) -> int:
    spec = spec_for(table)
    query = build_query(spec, flt).order_by(None).with_only_columns(func.count(spec.model.id))
    with db.read() as uow:
        return int(uow.session.scalar(query) or 0)


# --- values in, checked ---------------------------------------------------------------


def _column_length(spec: RecordSpec, name: str) -> int | None:
    col = spec.model.__table__.columns.get(name)
    if col is not None and isinstance(col.type, String) and col.type.length:
        return int(col.type.length)
    return None


def _as_bool(fld: Field, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    text = v.to_halfwidth(str(value)).strip().lower()
    if text in ("是", "y", "yes", "true", "1", "√", "✓"):
        return True
    if text in ("否", "n", "no", "false", "0", "", "×"):
        return False
    raise UserError(f"{fld.label}只能填“是”或“否”。", field=fld.name)


def _as_int(fld: Field, value: Any) -> int:
    if isinstance(value, bool):
        raise UserError(f"{fld.label}必须是整数。", field=fld.name)
    if isinstance(value, int):
        number = value
    else:
        text = v.to_halfwidth(str(value)).strip()
        try:
            number = int(float(text)) if text.endswith(".0") else int(text)
        except ValueError:
            raise UserError(f"{fld.label}“{value}”必须是整数。", field=fld.name) from None
    if fld.kind is FieldKind.YEAR and not 1949 <= number <= 2100:
        raise UserError(f"{fld.label}“{number}”不是有效年份。", field=fld.name)
    if fld.kind is FieldKind.INT and number < 0:
        raise UserError(f"{fld.label}不能为负数。", field=fld.name)
    return number


def _as_time(fld: Field, value: Any) -> time:
    if isinstance(value, time):
        return value
    text = v.to_halfwidth(str(value)).strip().replace("：", ":").replace("时", ":").rstrip("分")
    try:
        hour, _, minute = text.partition(":")
        return time(int(hour), int(minute or 0))
    except ValueError:
        raise UserError(f"{fld.label}“{value}”不是有效时间（例如 09:30）。", field=fld.name) from None


def _as_enum(fld: Field, value: Any) -> LabeledEnum:
    assert fld.enum is not None
    if isinstance(value, fld.enum):
        return value
    try:
        return fld.enum.parse(value)
    except ValueError:
        pass
    try:
        return fld.enum.from_label(str(value))
    except ValueError:
        allowed = "、".join(e.label for e in fld.enum)
        raise UserError(f"{fld.label}“{value}”不是可选项（可选：{allowed}）。", field=fld.name) from None


def _check_ref(session: Session, fld: Field, record_id: Any) -> int:
    assert fld.ref is not None
    model = spec_for(fld.ref).model
    try:
        key = int(record_id)
    except (TypeError, ValueError):
        raise UserError(f"{fld.label}选择有误。", field=fld.name) from None
    obj = session.get(model, key)
    if obj is None or obj.deleted_at is not None:
        what = REF_LABELS.get(fld.ref, fld.label)
        raise UserError(f"所选{what}不存在或已被删除（{fld.label}）。", field=fld.name)
    return key


def coerce(session: Session, fld: Field, value: Any) -> Any:
    """One input value, normalised to what is stored; a UserError naming the field if it is bad."""
    if isinstance(value, str) and fld.kind not in (FieldKind.LONG_TEXT,):
        value = value.strip().replace("\u3000", " ").strip()
    empty = value is None or value == "" or (fld.kind is FieldKind.REFS and not value)
    if empty:
        if fld.required:
            verb = "选择" if fld.kind in (FieldKind.ENUM, FieldKind.REF, FieldKind.REFS) else "填写"
            raise UserError(f"请{verb}{fld.label}。", field=fld.name)
        if fld.kind is FieldKind.BOOL:
            return False
        if fld.kind is FieldKind.REFS:
            return []
        if fld.kind is FieldKind.INT:
            return 0
        return None
    kind = fld.kind
    if kind is FieldKind.TEXT:
        return v.clean_text(str(value), field=fld.name, label=fld.label)
    if kind is FieldKind.LONG_TEXT:
        text = v.clean_long_text(str(value), field=fld.name, label=fld.label).strip()
        if not text and fld.required:
            raise UserError(f"请填写{fld.label}。", field=fld.name)
        return text or None
    if kind is FieldKind.DATE:
        return v.parse_date(value, field=fld.name, label=fld.label)
    if kind is FieldKind.MONTH:
        return v.parse_month(value, field=fld.name, label=fld.label)
    if kind is FieldKind.TIME:
        return _as_time(fld, value)
    if kind in (FieldKind.INT, FieldKind.YEAR):
        return _as_int(fld, value)
    if kind is FieldKind.BOOL:
        return _as_bool(fld, value)
    if kind is FieldKind.ENUM:
        return _as_enum(fld, value)
    if kind is FieldKind.REF:
        return _check_ref(session, fld, value)
    if kind is FieldKind.REFS:
        ids = [_check_ref(session, fld, item) for item in value]
        return sorted(set(ids))
    if kind is FieldKind.ID_NUMBER:
        return v.normalize_id_number(str(value), field=fld.name)
    if kind is FieldKind.PHONE:
        return v.normalize_phone(str(value), field=fld.name, label=fld.label)
    raise AssertionError(kind)


def clean_values(
    session: Session, spec: RecordSpec, values: Mapping[str, Any], *, creating: bool, parent_ok: bool = True
) -> dict[str, Any]:
    """Check and normalise the given values; on create every required field must be there."""
    out: dict[str, Any] = {}
    parent_key = spec.parent[1] if spec.parent else None
    for name, raw in values.items():
        if not spec.has_field(name):
            raise ValueError(f"{spec.table} has no field {name!r}")
        fld = spec.field(name)
        if not fld.editable and not (creating and name == parent_key and parent_ok):
            raise ValueError(f"{spec.table}.{name} is set by the program, not by input")
        value = coerce(session, fld, raw)
        limit = _column_length(spec, name)
        if limit and isinstance(value, str) and len(value) > limit:
            raise UserError(f"{fld.label}不能超过{limit}个字。", field=name)
        out[name] = value
    if creating:
        for fld in spec.fields:
            if fld.required and fld.name not in out and (fld.editable or fld.name == parent_key):
                coerce(session, fld, None)  # raises the "请填写" message
    return out


def _apply(session: Session, spec: RecordSpec, obj: m.Record, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        fld = spec.field(name)
        if fld.kind is FieldKind.REFS:
            continue
        setattr(obj, name, value)
    session.flush()
    for name, value in values.items():
        if spec.field(name).kind is FieldKind.REFS:
            assoc, own, other = REFS_TABLES[(spec.table, name)]
            session.execute(assoc.delete().where(assoc.c[own] == obj.id))
            if value:
                session.execute(assoc.insert(), [{own: obj.id, other: item} for item in value])
            # the link rows are not records: mark the owner changed so views and the index follow
            obj.updated_at = datetime.now()
    session.flush()


# --- writing --------------------------------------------------------------------------


def create(db: Database, table: str, values: Mapping[str, Any]) -> int:
    """Create one record; returns its id."""
    spec = spec_for(table)
    with db.uow() as uow:
        record_id = create_in(uow.session, spec, values)
        uow.commit()
    return record_id


def create_in(session: Session, spec: RecordSpec, values: Mapping[str, Any]) -> int:
    """Create inside a caller's transaction (imports, bulk actions)."""
    clean = clean_values(session, spec, values, creating=True)
    rules.check(session, spec.table, clean, None)
    obj = spec.model()
    for name, default in rules.defaults(spec.table).items():
        clean.setdefault(name, default)
    session.add(obj)
    _apply(session, spec, obj, clean)
    return obj.id


def update(db: Database, table: str, record_id: int, values: Mapping[str, Any]) -> None:
    spec = spec_for(table)
    with db.uow() as uow:
        update_in(uow.session, spec, record_id, values)
        uow.commit()


def update_in(session: Session, spec: RecordSpec, record_id: int, values: Mapping[str, Any]) -> None:
    obj = _load(session, spec, record_id)
    clean = clean_values(session, spec, values, creating=False)
    rules.check(session, spec.table, clean, obj)
    _apply(session, spec, obj, clean)


def delete(db: Database, table: str, record_id: int) -> None:
    """Move a record (and what belongs to it) to the recycle bin."""
    spec = spec_for(table)
    with db.uow() as uow:
        obj = _load(uow.session, spec, record_id)
        rules.check_delete(uow.session, table, obj)
        stamp = datetime.now()
        obj.deleted_at = stamp
        _cascade(uow.session, spec, obj.id, stamp, deleting=True)
        uow.commit()


def restore(db: Database, table: str, record_id: int) -> None:
    """Bring a record (and what went to the recycle bin with it) back."""
    spec = spec_for(table)
    with db.uow() as uow:
        obj = uow.session.get(spec.model, record_id)
        if obj is None:
            raise NotFoundError(f"{spec.label}（编号 {record_id}）不存在。")
        if obj.deleted_at is None:
            raise UserError(f"该{spec.label}不在回收站中。")
        rules.check_restore(uow.session, table, obj)
        stamp = obj.deleted_at
        obj.deleted_at = None
        _cascade(uow.session, spec, obj.id, stamp, deleting=False)
        uow.commit()


def _cascade(session: Session, spec: RecordSpec, parent_id: int, stamp: datetime, *, deleting: bool) -> None:
    """Children deleted together with their parent carry its timestamp, so a restore brings back
    exactly those and not children the user had deleted on their own before."""
    for child in children_of(spec.table):
        assert child.parent is not None
        model: Any = child.model
        fk = getattr(model, child.parent[1])
        if deleting:
            rows = session.scalars(select(model).where(fk == parent_id, model.deleted_at.is_(None)))
            for row in rows:
                row.deleted_at = stamp
        else:
            rows = session.scalars(select(model).where(fk == parent_id, model.deleted_at == stamp))
            for row in rows:
                row.deleted_at = None


@dataclass(frozen=True)
class DeletedItem:
    table: str
    label: str  # the record type's Chinese name
    record_id: int
    title: str
    deleted_at: datetime
    deleted_by: str = ""  # the member's name; empty when nobody was logged in


def _bin_title(session: Session, spec: RecordSpec, obj: m.Record) -> str:
    """The record's name; a section also says whose it is: 配偶 李丽（张三）."""
    title = str(getattr(obj, spec.title_field) or "")
    if spec.parent is not None:
        parent_spec = spec_for(spec.parent[0])
        parent = session.get(parent_spec.model, getattr(obj, spec.parent[1]))
        if parent is not None:
            title = f"{title}（{getattr(parent, parent_spec.title_field) or ''}）"
    return title


def recycle_bin(db: Database) -> list[DeletedItem]:
    """Everything in the recycle bin that was deleted on its own (not with a parent), newest first."""
    found: list[tuple[RecordSpec, m.Record]] = []
    with db.read() as uow:
        for spec in (spec_for(t) for t in ORDERED_TABLES):
            model: Any = spec.model
            query = select(model).where(model.deleted_at.is_not(None))
            if spec.parent is not None:
                parent_model: Any = spec_for(spec.parent[0]).model
                fk = getattr(model, spec.parent[1])
                query = query.where(
                    ~exists().where(parent_model.id == fk, parent_model.deleted_at == model.deleted_at)
                )
            found.extend((spec, obj) for obj in uow.session.scalars(query))
        # Who deleted it: the delete stamps ``updated_by_id`` together with ``deleted_at``, and a
        # record in the recycle bin cannot be edited, so the last one to change it deleted it.
        member_ids = sorted({obj.updated_by_id for _, obj in found if obj.updated_by_id is not None})
        who = select(m.Member.id, m.Member.name).where(m.Member.id.in_(member_ids))
        names: dict[int, str] = {mid: name for mid, name in uow.session.execute(who)}
        items = [
            DeletedItem(
                spec.table,
                spec.label,
                obj.id,
                _bin_title(uow.session, spec, obj),
                obj.deleted_at,
                names.get(obj.updated_by_id, "") if obj.updated_by_id is not None else "",
            )
            for spec, obj in found
            if obj.deleted_at is not None
        ]
    items.sort(key=lambda item: item.deleted_at, reverse=True)
    return items


# --- 彻底删除 ---------------------------------------------------------------------------

#: The association rows a record owns, by association table: (owner's table, own key, other key).
_OWNED_LINKS = {assoc.name: (owner[0], own, other) for owner, (assoc, own, other) in REFS_TABLES.items()}


@dataclass(frozen=True)
class PurgePlan:
    """What 彻底删除 of one record in the recycle bin removes."""

    table: str
    label: str
    record_id: int
    title: str
    with_it: tuple[tuple[str, int], ...]  # (record type, how many) of what belongs to it

    @property
    def with_it_text(self) -> str:
        """家庭成员及主要社会关系 2 条、附件 1 条; empty when nothing goes with it."""
        return "、".join(f"{label} {n} 条" for label, n in self.with_it)


def _purge_targets(session: Session, spec: RecordSpec, obj: m.Record) -> dict[str, list[m.Record]]:
    """The record and everything that belongs to it, children before their parent.

    Children deleted on their own before their parent (listed separately in the recycle bin)
    go too: without their parent they could never come back.
    """
    targets: dict[str, list[m.Record]] = {}

    def collect(parent_spec: RecordSpec, parent: m.Record) -> None:
        for child in children_of(parent_spec.table):
            assert child.parent is not None
            model: Any = child.model
            for row in session.scalars(select(model).where(getattr(model, child.parent[1]) == parent.id)):
                if row.deleted_at is None:  # a live child of a deleted record: never expected
                    name = getattr(row, child.title_field) or ""
                    raise UserError(f"{parent_spec.label}下还有未删除的{child.label}“{name}”，不能彻底删除。")
                collect(child, row)
        targets.setdefault(parent_spec.table, []).append(parent)

    collect(spec, obj)
    return targets


def _purge_blockers(session: Session, targets: Mapping[str, Sequence[m.Record]]) -> list[str]:
    """Other records that still name one of the targets: "谈话记录 2 条（其中 1 条在回收站中）"."""
    doomed = {table: {row.id for row in rows} for table, rows in targets.items()}
    counts: dict[str, list[int]] = {}  # label -> [live, in the recycle bin]
    for table in m.Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            target_ids = doomed.get(fk.column.table.name)
            if not target_ids:
                continue
            wanted = sorted(target_ids)
            link = _OWNED_LINKS.get(table.name)
            if link is not None:  # a many-to-many link names the record that owns it
                owner_table, own, other = link
                if fk.parent.name == own:
                    continue  # the target's own links go with it
                owner_spec = spec_for(owner_table)
                owner: Any = owner_spec.model
                linked = select(table.c[own]).where(table.c[other].in_(wanted))
                query = select(owner.id, owner.deleted_at).where(owner.id.in_(linked))
            else:
                owner_spec = spec_for(table.name)  # every other table with a foreign key is a record
                owner = owner_spec.model
                query = select(owner.id, owner.deleted_at).where(fk.parent.in_(wanted))
            skip = doomed.get(owner_spec.table, set())
            for row_id, deleted_at in session.execute(query):
                if row_id not in skip:
                    counts.setdefault(owner_spec.label, [0, 0])[0 if deleted_at is None else 1] += 1
    out = []
    for label, (live, binned) in counts.items():
        if not binned:
            out.append(f"{label} {live} 条")
        elif not live:
            out.append(f"{label} {binned} 条（在回收站中）")
        else:
            out.append(f"{label} {live + binned} 条（其中 {binned} 条在回收站中）")
    return out


def _plan(session: Session, table: str, record_id: int) -> tuple[PurgePlan, dict[str, list[m.Record]]]:
    spec = spec_for(table)
    if table not in ORDERED_TABLES or not spec.purgeable:
        raise UserError(f"{spec.label}只能移入回收站，不能彻底删除。")
    obj = session.get(spec.model, record_id)
    if obj is None:
        raise NotFoundError(f"{spec.label}（编号 {record_id}）不存在，可能已被彻底删除。")
    if obj.deleted_at is None:
        raise UserError(f"该{spec.label}不在回收站中，不能彻底删除。")
    title = _bin_title(session, spec, obj)
    targets = _purge_targets(session, spec, obj)
    blockers = _purge_blockers(session, targets)
    if blockers:
        name = f"“{title}”" if title else ""
        raise UserError(
            f"{spec.label}{name}还被其他记录引用：{'、'.join(blockers)}。"
            "请先修改这些记录（或把它们也彻底删除），再彻底删除它。"
        )
    with_it = tuple((spec_for(t).label, len(rows)) for t, rows in targets.items() if t != table)
    return PurgePlan(table, spec.label, record_id, title, with_it), targets


def purge_plan(db: Database, table: str, record_id: int) -> PurgePlan:
    """What :func:`purge` would remove; a UserError saying why if it cannot be done."""
    with db.read() as uow:
        return _plan(uow.session, table, record_id)[0]


def purge(db: Database, table: str, record_id: int) -> PurgePlan:
    """彻底删除: remove a record in the recycle bin for good, with everything that belongs to it.

    One transaction. Each row removed is written to the audit log with all its values (the
    unit of work does it); the audit log's own entries are never removed. Refused while another
    record still names it (a talk naming a cadre, a cadre of a unit), and for 组内人员.
    """
    with db.uow() as uow:
        plan, targets = _plan(uow.session, table, record_id)
        for rows in targets.values():  # children first: a parent's relationship must not nullify them
            for row in rows:
                uow.session.delete(row)
            uow.session.flush()
        uow.commit()
    return plan


ORDERED_TABLES = (
    "units",
    "cadres",
    "alert_notices",
    "rectifications",
    "meetings",
    "meeting_opinions",
    "talks",
    "inspections",
    "problems",
    "family_members",
    "personal_matters_reports",
    "duty_reports",
    "integrity_opinions",
    "discipline_records",
    "follow_up_visits",
    "clues",
    "risk_points",
    "attachments",
    "members",
)
