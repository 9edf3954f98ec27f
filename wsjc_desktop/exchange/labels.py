"""How the exchange's records, fields, values and conflicts read in Chinese, for the command
line and the window alike (no Qt).

A conflict (``sync_conflicts``) is stored with table and column names, values as JSON text (as a
package carries them: a foreign key as the uid of the record it names, a link set as a list of
uids), stamps as replica ids, member uids and clocks in milliseconds since 1970 (UTC).
:func:`conflict_views` turns each into what a person reads: 干部“张三”, 职务, 科长, who changed
it on which PC, and when in local time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wsjc_desktop.domain.fields import Field, RecordSpec
    from wsjc_desktop.storage.database import Database

#: How an empty value reads.
EMPTY = "（空）"
#: The pseudo columns of the exchange (see ``engine.ALIVE`` and ``sync_schema.ROW``).
PSEUDO_COLUMNS = {"~alive": "记录是否保留", "*": "整条记录"}
#: Tables that are no record type of the forms.
TABLE_LABELS = {"settings": "设置", "audit_entries": "审计日志"}
#: Columns every record has.
COMMON_LABELS = {
    "deleted_at": "删除（回收站）",
    "created_at": "创建时间",
    "updated_at": "修改时间",
    "value": "设置值",
    "key": "设置项",
}


def _spec(table: str) -> RecordSpec | None:
    from wsjc_desktop.domain.fields import SPECS

    return SPECS.get(table)


def table_label(table: str) -> str:
    """干部, 廉情提醒 …; the table's own name for one the forms do not know."""
    spec = _spec(table)
    if spec is not None:
        return str(spec.label)
    return TABLE_LABELS.get(table, table)


def _field(table: str, column: str) -> Field | None:
    spec = _spec(table)
    if spec is None:
        return None
    if spec.has_field(column):
        return spec.field(column)
    if column.startswith("@"):  # a link set: the many-to-many field kept in that table
        for fld in spec.fields:
            if fld.through == column[1:]:
                return fld
    return None


def column_label(table: str, column: str | None) -> str | None:
    """职务, 谈话对象 (a link set), 删除（回收站） …; the column's own name for one the forms do
    not know."""
    if column is None:
        return None
    fld = _field(table, column)
    if fld is not None:
        return str(fld.label)
    return PSEUDO_COLUMNS.get(column) or COMMON_LABELS.get(column, column)


def record_title(conn: Any, table: str, uid: str) -> tuple[int | None, str | None]:
    """(local id, title) of the record with ``uid`` (its name, title …); (None, None) when it
    is no longer in the file. ``conn``: a DB-API connection."""
    spec = _spec(table)
    title_col = spec.title_field if spec is not None else ("key" if table == "settings" else None)
    title = f', "{title_col}"' if title_col else ""
    row = conn.execute(f'SELECT id{title} FROM "{table}" WHERE uid = ?', (uid,)).fetchone()
    if row is None:
        return None, None
    text = str(row[1]) if len(row) > 1 and row[1] is not None and str(row[1]) != "" else None
    return int(row[0]), text


def shown(value: Any) -> str:
    """A value as the command line prints it: text as it is, anything else as JSON."""
    if value is None or value == "":
        return EMPTY
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _title_by_uid(conn: Any, table: str, uid: Any) -> str:
    _rid, title = record_title(conn, table, str(uid))
    return title or "（已删除的记录）"


def value_text(conn: Any, table: str, column: str | None, value: Any) -> str:
    """A value as the window shows it: a choice by its label, 是/否, a referenced record by its
    name, a link set as the names it holds, a 身份证号 masked as on every screen."""
    if value is None or value == "" or value == []:
        return EMPTY
    fld = _field(table, column) if column else None
    if fld is None:
        return shown(value)
    from wsjc_desktop.domain.fields import FieldKind

    kind = fld.kind
    if kind is FieldKind.ENUM and fld.enum is not None:
        try:
            return str(fld.enum.parse(value).label)
        except ValueError:
            return str(value)
    if kind is FieldKind.BOOL:
        return "是" if value else "否"
    if kind is FieldKind.REF and fld.ref:
        return _title_by_uid(conn, fld.ref, value)
    if kind is FieldKind.REFS and fld.ref and isinstance(value, list):
        return "、".join(_title_by_uid(conn, fld.ref, uid) for uid in value) or EMPTY
    if kind is FieldKind.ID_NUMBER:
        from wsjc_desktop.services.display import mask_id_number

        return mask_id_number(str(value))
    if kind is FieldKind.MONTH and isinstance(value, str) and len(value) >= 7:
        return value[:7]
    return shown(value)


def passphrase_set(db: Database) -> bool:
    """Whether the group has its exchange passphrase (交换口令：已设置 or 未设置): its check value
    is a group setting, set by the group's first export and carried by every package."""
    from wsjc_desktop.exchange.engine import VERIFIER_KEY

    with db.raw_read() as conn:
        row = conn.execute(
            "SELECT 1 FROM settings WHERE key = ? AND deleted_at IS NULL", (VERIFIER_KEY,)
        ).fetchone()
    return row is not None


def clock_text(clock_ms: int | None) -> str:
    """A stamp's clock (milliseconds since 1970, UTC) in local time: 2026-12-06 14:05."""
    if clock_ms is None:
        return ""
    try:
        return f"{datetime.fromtimestamp(int(clock_ms) / 1000):%Y-%m-%d %H:%M}"
    except (OverflowError, OSError, ValueError):
        return ""


# --- conflicts as the window shows them ----------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One PC's value of a conflict: 本机 or 对方."""

    value: Any  # as stored (decoded JSON)
    text: str  # as shown
    who: str  # 王建国（王明的电脑）, or only the PC's name
    when: str  # 2026-12-06 14:05 (local time); empty when not known


@dataclass(frozen=True)
class ConflictView:
    id: int
    kind: str  # "field" | "number" | "orphan"
    table: str
    uid: str
    column: str | None
    table_label: str
    column_label: str | None
    record_id: int | None
    record: str | None  # the record's title
    parent: str | None  # the record it belongs to: 干部“张三”
    local: Side
    remote: Side
    kept: str  # "local" | "remote": which value the file holds now
    note: str
    found_at: str

    @property
    def record_text(self) -> str:
        """监察对象“张三”, 家庭成员“李丽”（监察对象“张三”）, or the type alone when it is gone."""
        text = self.table_label + (f"“{self.record}”" if self.record else "")
        if self.record_id is None:
            text += "（已彻底删除）"
        return text + (f"（{self.parent}）" if self.parent else "")

    @property
    def kept_text(self) -> str:
        return "本机" if self.kept == "local" else "对方"


def _loads(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _parent(conn: Any, table: str, uid: str) -> str | None:
    spec = _spec(table)
    if spec is None or spec.parent is None:
        return None
    parent_table, column = spec.parent
    row = conn.execute(
        f'SELECT p.uid FROM "{table}" c JOIN "{parent_table}" p ON p.id = c."{column}" WHERE c.uid = ?',
        (uid,),
    ).fetchone()
    if row is None:
        return None
    _rid, title = record_title(conn, parent_table, str(row[0]))
    return table_label(parent_table) + (f"“{title}”" if title else "")


def conflict_views(db: Database, conflicts: list[dict[str, Any]]) -> list[ConflictView]:
    """``conflicts`` (rows of ``sync_conflicts``, as ``engine.open_conflicts`` returns them) as
    the window shows them."""
    from wsjc_desktop.exchange.engine import default_name

    out: list[ConflictView] = []
    with db.raw_read() as conn:
        me = conn.execute("SELECT replica_id, name FROM sync_state WHERE id = 1").fetchone()
        mine, my_name = str(me[0]), str(me[1] or "") or default_name()
        pcs = {str(r): str(n or "") for r, n in conn.execute("SELECT replica_id, name FROM sync_peers")}
        members = {str(u): str(n) for u, n in conn.execute("SELECT uid, name FROM members")}

        def who(replica: Any, member: Any, fallback: str) -> str:
            pc = my_name if replica == mine else pcs.get(str(replica or "")) or fallback
            person = members.get(str(member or ""))
            return f"{person}（{pc}）" if person else pc

        for row in conflicts:
            table, uid, column = str(row["tbl"]), str(row["uid"]), row.get("col")
            record_id, title = record_title(conn, table, uid)
            local, remote = _loads(row.get("local_value")), _loads(row.get("remote_value"))
            out.append(
                ConflictView(
                    id=int(row["id"]),
                    kind=str(row["kind"]),
                    table=table,
                    uid=uid,
                    column=column,
                    table_label=table_label(table),
                    column_label=column_label(table, column),
                    record_id=record_id,
                    record=title,
                    parent=_parent(conn, table, uid),
                    local=Side(
                        local,
                        value_text(conn, table, column, local),
                        who(row.get("local_replica") or mine, row.get("local_member"), my_name),
                        clock_text(row.get("local_clock")),
                    ),
                    remote=Side(
                        remote,
                        value_text(conn, table, column, remote),
                        who(row.get("remote_replica"), row.get("remote_member"), "另一台电脑"),
                        clock_text(row.get("remote_clock")),
                    ),
                    kept=str(row.get("kept") or "local"),
                    note=str(row.get("note") or ""),
                    found_at=str(row.get("found_at") or ""),
                )
            )
    return out
