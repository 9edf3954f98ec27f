"""Inserting many new records at once, as a flush of as many objects would, without its cost.

The imports (a 10k-row roster, a 10k-row talks ledger) would spend most of their time on the ORM's
per-object bookkeeping: one object, its history and a flush event per record, then one more
object per audit entry. Here the rows go in one ``executemany``, with the 新建 audit entry and
the change each flushed object would have recorded; the caller refreshes the search index.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.domain.fields import FieldKind, RecordSpec
from wsjc_desktop.services import rules
from wsjc_desktop.storage.database import SECRET_COLUMNS, UnitOfWork, to_json

__all__ = ["insert_links", "insert_records", "new_row"]

_AUDIT: Table = m.AuditEntry.__table__  # type: ignore[assignment]  # a Table: declared models map tables
_FILLED = ("uid", "created_at", "updated_at", "created_by_id", "updated_by_id")
_TEMPLATES: dict[str, dict[str, Any]] = {}


def _table(spec: RecordSpec) -> Table:
    table: Table = spec.model.__table__  # type: ignore[assignment]
    return table


def _scalar_default(table: str, column: Any) -> Any:
    default = column.default
    if default is None:
        return None
    if not default.is_scalar:  # pragma: no cover - a new column with a computed default
        raise AssertionError(f"{table}.{column.key}: give it in the values")
    return default.arg


def new_row(spec: RecordSpec, values: dict[str, Any]) -> dict[str, Any]:
    """Every column of a new record as a form's create would store it: the checked ``values``
    over the spec's defaults over the columns' own (the id left to SQLite; a many-to-many field
    is not a column: see :func:`insert_links`)."""
    template = _TEMPLATES.get(spec.table)
    if template is None:
        table = _table(spec)
        template = {
            c.key: _scalar_default(spec.table, c) for c in table.columns if c.key not in ("id", *_FILLED)
        }
        _TEMPLATES[spec.table] = template
    given = {**rules.defaults(spec.table), **values}
    links = {f.name for f in spec.fields if f.kind is FieldKind.REFS}
    return {**template, **{k: v for k, v in given.items() if k not in links}}


def insert_records(uow: UnitOfWork, spec: RecordSpec, rows: list[dict[str, Any]]) -> list[int]:
    """Insert new records of ``spec`` (rows made by :func:`new_row`, every row the same keys) in
    bulk, each with the 新建 audit entry and change a flush would record; returns their ids in
    the rows' order."""
    if not rows:
        return []
    session, stamp, member = uow.session, m.now(), uow.db.member_id
    for row in rows:
        row.update(uid=m.new_uid(), created_at=stamp, updated_at=stamp)
        row.update(created_by_id=member, updated_by_id=member)
    table = _table(spec)
    # One executemany; RETURNING with the rows' order would cost one statement per row on SQLite.
    # Inside the write transaction only these rows can take ids above the highest one now.
    c = table.c
    last = session.execute(select(func.max(c.id))).scalar() or 0
    bulk_insert(session, table, {key: list(map(itemgetter(key), rows)) for key in rows[0]})
    by_uid = dict(session.execute(select(c.uid, c.id).where(c.id > last)).all())
    ids = [int(by_uid[row["uid"]]) for row in rows]
    hidden = SECRET_COLUMNS.intersection(rows[0])
    afters: list[str] = []
    for record_id, row in zip(ids, rows, strict=True):
        uow.changes.add("created", spec.table, record_id)
        after = {"id": record_id, **row}
        if hidden:
            after.update(dict.fromkeys(hidden, "<已隐藏>"))
        afters.append(to_json(after))
    n = len(rows)
    audit: dict[str, list[Any]] = {
        "uid": [m.new_uid() for _ in range(n)],
        "created_at": [stamp] * n,
        "updated_at": [stamp] * n,
        "created_by_id": [None] * n,
        "updated_by_id": [None] * n,
        "deleted_at": [None] * n,
        "at": [stamp] * n,
        "member_id": [member] * n,
        "actor": [uow.db.actor] * n,  # who ran it, when a command did (as a flush would record)
        "action": [AuditAction.CREATE] * n,
        "table_name": [spec.table] * n,
        "record_id": ids,
        "record_uid": [row["uid"] for row in rows],
        "summary": [None] * n,
        "before": [None] * n,
        "after": afters,
    }
    bulk_insert(session, _AUDIT, audit)
    return ids


def insert_links(
    session: Session, table: Table, own: str, other: str, pairs: Sequence[tuple[int, int]]
) -> None:
    """The rows of a many-to-many table (a talk's cadres), in one executemany."""
    if pairs:
        bulk_insert(session, table, {own: [p[0] for p in pairs], other: [p[1] for p in pairs]})


def bulk_insert(session: Session, table: Table, columns: dict[str, list[Any]]) -> None:
    """``INSERT`` rows given column by column (name → the values) in one executemany.

    Each value goes through its column type's bind processor, so the driver gets what
    ``session.execute(insert(table), rows)`` would send, without SQLAlchemy's per-row work.
    """
    conn = session.connection()
    dialect = conn.dialect
    if dialect.paramstyle != "qmark":  # pragma: no cover - SQLite drivers are qmark
        rows = [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]
        session.execute(insert(table), rows)
        return
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(table.c[key].name) for key in columns)
    sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join('?' * len(columns))})"
    values: list[list[Any]] = []
    for key, column in columns.items():
        process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        if process is None or not column:
            values.append(column)
        elif all(x is column[0] for x in column):  # a time stamp, a default: converted once
            values.append([process(column[0])] * len(column))
        else:
            values.append(list(map(process, column)))
    conn.exec_driver_sql(sql, list(zip(*values, strict=True)))
