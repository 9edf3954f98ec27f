"""What a database keeps so that two PCs can merge their work without a server (issue 16).

Each database file is a **replica** of its group: ``sync_state`` holds the replica's own id, the
group's id (shared by every replica of the group), a counter and a hybrid logical clock.

Every change is **stamped**, by triggers, so that no way of writing (the ORM, a bulk roster
import, a migration, a later feature) can forget it:

* a new row gets a row stamp (``col = '*'``); a changed column gets a stamp of its own;
* a changed link set (a talk's cadres, a meeting's attendees) stamps its parent row's pseudo
  column ``@<link table>``;
* a row deleted for good (彻底删除) leaves a **tombstone** with its stamp, which outlives it.

A stamp is (replica, counter, clock, member): ``counter`` is this replica's change counter (a
version vector entry: ``sync_known`` holds, per replica, the highest counter seen from it),
``clock`` milliseconds since 1970 (UTC) that never go backwards on this replica and are pushed
past every clock met in an imported package (a hybrid logical clock), and ``member`` the uid of
the member whose write it was. The merge (``wsjc_desktop.exchange.merge``) orders concurrent
changes of one field by (clock, replica) and reports them as conflicts.

While a package is applied, ``sync_state.applying`` is 1 and the triggers stand aside: the
merge writes the stamps that came with the package itself.

The triggers are made from the live schema (``PRAGMA table_info``), so a later migration that
adds a column calls :func:`install_triggers` again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

#: Synced tables: every record table (they all carry ``uid``), parents before children.
SYNCED_TABLES = (
    "members",
    "settings",
    "units",
    "cadres",
    "family_members",
    "personal_matters_reports",
    "duty_reports",
    "integrity_opinions",
    "discipline_records",
    "follow_up_visits",
    "clues",
    "risk_points",
    "attachments",
    "alert_notices",
    "rectifications",
    "meetings",
    "meeting_opinions",
    "talks",
    "inspections",
    "problems",
    "audit_entries",
)

#: Link tables: (table, parent table, parent column, other table, other column).
LINK_TABLES = (
    ("talk_cadres", "talks", "talk_id", "cadres", "cadre_id"),
    ("meeting_attendees", "meetings", "meeting_id", "members", "member_id"),
    ("inspection_units", "inspections", "inspection_id", "units", "unit_id"),
    ("inspection_members", "inspections", "inspection_id", "members", "member_id"),
)

#: Columns that are never stamped or shipped: the local key, and the audit chain (each file
#: chains its own log).
UNSYNCED_COLUMNS = frozenset({"id", "chain_hash"})

#: Bookkeeping columns: merged by the newest stamp, never reported as a conflict.
BOOKKEEPING_COLUMNS = frozenset({"updated_at", "updated_by_id"})

#: The row stamp's pseudo column.
ROW = "*"

#: Namespace of the uid a setting gets from its key (the same on every replica, so the group's
#: settings made on two PCs are one record each).
SETTINGS_NAMESPACE = uuid.UUID("6f1c1c0e-7d0b-4b8e-9a43-52e5c1d9f0a7")


def setting_uid(key: str) -> str:
    return str(uuid.uuid5(SETTINGS_NAMESPACE, key))


#: now in milliseconds since 1970, UTC, in SQL
NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"

TABLES_DDL = (
    """CREATE TABLE IF NOT EXISTS sync_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        replica_id TEXT NOT NULL,
        group_id TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        counter INTEGER NOT NULL DEFAULT 0,
        clock INTEGER NOT NULL DEFAULT 0,
        applying INTEGER NOT NULL DEFAULT 0,
        exported INTEGER NOT NULL DEFAULT 0,
        folder TEXT,
        secret TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS sync_stamps (
        tbl TEXT NOT NULL,
        uid TEXT NOT NULL,
        col TEXT NOT NULL,
        replica TEXT NOT NULL,
        counter INTEGER NOT NULL,
        clock INTEGER NOT NULL,
        member TEXT,
        PRIMARY KEY (tbl, uid, col)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS ix_sync_stamps_origin ON sync_stamps (replica, counter)",
    """CREATE TABLE IF NOT EXISTS sync_tombstones (
        tbl TEXT NOT NULL,
        uid TEXT NOT NULL,
        replica TEXT NOT NULL,
        counter INTEGER NOT NULL,
        clock INTEGER NOT NULL,
        member TEXT,
        PRIMARY KEY (tbl, uid)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS ix_sync_tombstones_origin ON sync_tombstones (replica, counter)",
    """CREATE TABLE IF NOT EXISTS sync_known (
        replica TEXT PRIMARY KEY,
        counter INTEGER NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS sync_peers (
        replica_id TEXT PRIMARY KEY,
        name TEXT,
        seen TEXT NOT NULL DEFAULT '{}',
        last_heard TEXT,
        last_package TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS sync_conflicts (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        tbl TEXT NOT NULL,
        uid TEXT NOT NULL,
        col TEXT,
        local_value,
        local_replica TEXT,
        local_clock INTEGER,
        local_member TEXT,
        remote_value,
        remote_replica TEXT,
        remote_clock INTEGER,
        remote_member TEXT,
        kept TEXT,
        note TEXT,
        found_at TEXT NOT NULL,
        resolved_at TEXT,
        resolved_by TEXT
    )""",
)

#: The statement a trigger runs first: the next counter and clock.
_TICK = f"UPDATE sync_state SET counter = counter + 1, clock = max(clock + 1, {NOW_MS});"
_ACTIVE = "(SELECT applying FROM sync_state) = 0"


def _stamp(table: str, uid_expr: str, col: str, member_expr: str) -> str:
    return (
        "INSERT OR REPLACE INTO sync_stamps (tbl, uid, col, replica, counter, clock, member) "
        f"SELECT '{table}', {uid_expr}, '{col}', replica_id, counter, clock, {member_expr} FROM sync_state;"
    )


def _member(expr: str) -> str:
    return f"(SELECT uid FROM members WHERE id = {expr})"


@dataclass(frozen=True)
class TableInfo:
    """A synced table's shipped columns and its foreign keys (column → referenced table)."""

    name: str
    columns: tuple[str, ...]
    foreign: dict[str, str]


def table_info(conn: Any, table: str) -> TableInfo:
    """The columns of ``table`` in the live file (a DB-API connection) that travel."""
    cols = [str(r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")')]
    foreign = {str(r[3]): str(r[2]) for r in conn.execute(f'PRAGMA foreign_key_list("{table}")')}
    shipped = tuple(c for c in cols if c not in UNSYNCED_COLUMNS)
    return TableInfo(table, shipped, {c: t for c, t in foreign.items() if c in shipped})


def live_tables(conn: Any) -> list[str]:
    """The synced tables the file has, in SYNCED_TABLES order: an older revision being upgraded
    lacks those a later migration adds (which then makes the triggers again)."""
    present = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return [table for table in SYNCED_TABLES if table in present]


def trigger_sql(conn: Any) -> dict[str, str]:
    """Every sync trigger by name, made from the live schema."""
    out: dict[str, str] = {}
    for table in live_tables(conn):
        info = table_info(conn, table)
        by = "NEW.updated_by_id" if "updated_by_id" in info.columns else "NULL"
        member = _member(by) if by != "NULL" else "NULL"
        out[f"sync_{table}_insert"] = (
            f'CREATE TRIGGER sync_{table}_insert AFTER INSERT ON "{table}" WHEN {_ACTIVE} BEGIN '
            f"{_TICK} {_stamp(table, 'NEW.uid', ROW, member)} END"
        )
        if table != "audit_entries":  # append-only: its one update is the chain hash, not shipped
            for col in info.columns:
                if col == "uid":
                    continue
                out[f"sync_{table}_update_{col}"] = (
                    f'CREATE TRIGGER "sync_{table}_update_{col}" AFTER UPDATE OF "{col}" ON "{table}" '
                    f'WHEN {_ACTIVE} AND OLD."{col}" IS NOT NEW."{col}" BEGIN '
                    f"{_TICK} {_stamp(table, 'NEW.uid', col, member)} END"
                )
        out[f"sync_{table}_delete"] = (
            f'CREATE TRIGGER sync_{table}_delete AFTER DELETE ON "{table}" WHEN {_ACTIVE} BEGIN '
            f"{_TICK} "
            "INSERT OR REPLACE INTO sync_tombstones (tbl, uid, replica, counter, clock, member) "
            f"SELECT '{table}', OLD.uid, replica_id, counter, clock, NULL FROM sync_state; "
            f"DELETE FROM sync_stamps WHERE tbl = '{table}' AND uid = OLD.uid; END"
        )
    present = set(live_tables(conn))
    for link, parent, parent_col, _other, _other_col in LINK_TABLES:
        if parent not in present:  # an older revision being upgraded: added with its parent
            continue
        for event, row in (("insert", "NEW"), ("delete", "OLD")):
            uid = f'(SELECT uid FROM "{parent}" WHERE id = {row}.{parent_col})'
            out[f"sync_{link}_{event}"] = (
                f'CREATE TRIGGER sync_{link}_{event} AFTER {event.upper()} ON "{link}" '
                f"WHEN {_ACTIVE} AND {uid} IS NOT NULL BEGIN "
                f"{_TICK} {_stamp(parent, uid, '@' + link, 'NULL')} END"
            )
    return out


def install_triggers(conn: Any) -> None:
    """(Re)create every sync trigger on a DB-API connection, from the live schema."""
    names = [str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    for name in names:
        if name.startswith("sync_"):
            conn.execute(f'DROP TRIGGER "{name}"')
    for sql in trigger_sql(conn).values():
        conn.execute(sql)


def create(conn: Any, *, replica_id: str | None = None, group_id: str | None = None) -> None:
    """The sync tables, this replica's state and its triggers; every row already in the file
    gets a row stamp (counter 1, clock 0: older than anything stamped from now on)."""
    for sql in TABLES_DDL:
        conn.execute(sql)
    replica = replica_id or str(uuid.uuid4())
    group = group_id or str(uuid.uuid4())
    conn.execute(
        "INSERT INTO sync_state (id, replica_id, group_id, counter, clock) VALUES (1, ?, ?, 1, 0)",
        (replica, group),
    )
    conn.execute("INSERT INTO sync_known (replica, counter) VALUES (?, 1)", (replica,))
    for key, uid in [(str(r[0]), str(r[1])) for r in conn.execute("SELECT key, uid FROM settings")]:
        if uid != setting_uid(key):
            conn.execute("UPDATE settings SET uid = ? WHERE key = ?", (setting_uid(key), key))
    for table in live_tables(conn):
        conn.execute(
            "INSERT INTO sync_stamps (tbl, uid, col, replica, counter, clock, member) "
            f"SELECT '{table}', uid, '{ROW}', ?, 1, 0, NULL FROM \"{table}\"",
            (replica,),
        )
    install_triggers(conn)


def renew_identity(conn: Any) -> str | None:
    """Make the file a new replica of its group (after it was replaced by a backup): changes
    made from now on get stamps no other replica can take for ones it already has, and the
    others send again what the backup lacks. The old id stays known with the changes it made.
    Returns the new id (None for a file without replica state: an older schema)."""
    found = conn.execute("SELECT name FROM sqlite_master WHERE name = 'sync_state'").fetchone()
    if found is None:
        return None
    row = conn.execute("SELECT replica_id, counter FROM sync_state WHERE id = 1").fetchone()
    if row is None:
        return None
    new = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO sync_known (replica, counter) VALUES (?, ?) "
        "ON CONFLICT (replica) DO UPDATE SET counter = max(counter, excluded.counter)",
        (str(row[0]), int(row[1])),
    )
    conn.execute("UPDATE sync_state SET replica_id = ?, counter = 0, exported = 0 WHERE id = 1", (new,))
    return new
