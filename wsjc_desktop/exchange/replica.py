"""This database as a replica of its group: its ids and name, the changes it has seen, the
other replicas it has heard from, and the rows and stamps the exchange reads and writes.

Everything here works on a DB-API connection (sqlite3 or SQLCipher) inside the caller's
transaction; :mod:`wsjc_desktop.exchange.engine` holds the transactions.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from wsjc_desktop.storage.sync_schema import LINK_TABLES, ROW, SYNCED_TABLES, TableInfo, table_info

#: Settings that belong to one PC and never travel: its folders and font files.
LOCAL_SETTING_PREFIXES = ("folders.", "fonts.", "font.", "exchange.local")

#: A version vector: replica id → the highest change counter seen from it.
Vector = dict[str, int]


@dataclass(frozen=True)
class State:
    replica_id: str
    group_id: str
    name: str
    counter: int
    clock: int


@dataclass(frozen=True)
class Stamp:
    replica: str
    counter: int
    clock: int
    member: str | None = None

    def order(self) -> tuple[int, str, int]:
        """The total order of concurrent stamps: the later clock wins, then the replica id."""
        return (self.clock, self.replica, self.counter)

    def known_to(self, vector: Vector) -> bool:
        return vector.get(self.replica, 0) >= self.counter


def state(conn: Any) -> State:
    row = conn.execute(
        "SELECT replica_id, group_id, name, counter, clock FROM sync_state WHERE id = 1"
    ).fetchone()
    return State(str(row[0]), str(row[1]), str(row[2] or ""), int(row[3]), int(row[4]))


def known(conn: Any) -> Vector:
    return {str(r[0]): int(r[1]) for r in conn.execute("SELECT replica, counter FROM sync_known")}


def own_vector(conn: Any) -> Vector:
    """What this replica has seen, its own changes included."""
    vector = known(conn)
    me = state(conn)
    vector[me.replica_id] = max(vector.get(me.replica_id, 0), me.counter)
    return vector


def merge_vectors(*vectors: Vector) -> Vector:
    out: Vector = {}
    for vector in vectors:
        for replica, counter in vector.items():
            out[replica] = max(out.get(replica, 0), int(counter))
    return out


def peers(conn: Any) -> dict[str, tuple[str, Vector, str | None]]:
    """Every other replica heard from: id → (name, what it had seen, when last heard from)."""
    out: dict[str, tuple[str, Vector, str | None]] = {}
    for rid, name, seen, heard in conn.execute("SELECT replica_id, name, seen, last_heard FROM sync_peers"):
        out[str(rid)] = (str(name or ""), {k: int(v) for k, v in json.loads(seen or "{}").items()}, heard)
    return out


def is_local_setting(key: str) -> bool:
    return key.startswith(LOCAL_SETTING_PREFIXES)


# --- values that travel ----------------------------------------------------------------------


def encode(value: Any) -> Any:
    """A column value as JSON (blobs tagged, base64)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict) and "$b" in value:
        return base64.b64decode(value["$b"])
    return value


class Keys:
    """uid ↔ local id of the synced tables, read once and kept up to date while merging."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self._by_id: dict[str, dict[int, str]] = {}
        self._by_uid: dict[str, dict[str, int]] = {}

    def _load(self, table: str) -> None:
        if table in self._by_id:
            return
        rows = [(int(r[0]), str(r[1])) for r in self.conn.execute(f'SELECT id, uid FROM "{table}"')]
        self._by_id[table] = dict(rows)
        self._by_uid[table] = {uid: rid for rid, uid in rows}

    def uid(self, table: str, rid: int | None) -> str | None:
        if rid is None:
            return None
        self._load(table)
        return self._by_id[table].get(int(rid))

    def id(self, table: str, uid: str | None) -> int | None:
        if uid is None:
            return None
        self._load(table)
        return self._by_uid[table].get(uid)

    def add(self, table: str, rid: int, uid: str) -> None:
        self._load(table)
        self._by_id[table][rid] = uid
        self._by_uid[table][uid] = rid

    def drop(self, table: str, uid: str) -> None:
        self._load(table)
        rid = self._by_uid[table].pop(uid, None)
        if rid is not None:
            self._by_id[table].pop(rid, None)


def infos(conn: Any) -> dict[str, TableInfo]:
    return {table: table_info(conn, table) for table in SYNCED_TABLES}


def links_of(parent: str) -> list[tuple[str, str, str, str]]:
    """(link table, parent column, other table, other column) of a parent table's link sets."""
    return [(link, pc, other, oc) for link, p, pc, other, oc in LINK_TABLES if p == parent]


def _blob_columns(conn: Any, table: str) -> frozenset[str]:
    return frozenset(
        str(r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")') if "BLOB" in str(r[2]).upper()
    )


def read_rows(
    conn: Any, info: TableInfo, keys: Keys, uids: Sequence[str] | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(uid, values) of the table's rows (``uids``: only those), foreign keys as uids and link
    sets (``@<link table>``) as sorted lists of uids; values as JSON would hold them."""
    cols = ", ".join(f'"{c}"' for c in ("id", *info.columns))
    links = links_of(info.name)
    blobs = _blob_columns(conn, info.name)
    foreign = list(info.foreign.items())
    wanted = None if uids is None else list(uids)
    whole = wanted is None or len(wanted) > 2000  # one scan beats many lookups
    sets: dict[str, dict[int, list[str]]] = {}
    for link, pc, other, oc in links:  # every link set at once, not a query a row
        by_parent: dict[int, list[str]] = {}
        for parent, ref in conn.execute(f'SELECT "{pc}", "{oc}" FROM "{link}"'):
            uid = keys.uid(other, ref)
            if uid:
                by_parent.setdefault(int(parent), []).append(uid)
        sets[link] = by_parent
    keep = set(wanted) if whole and wanted is not None else None
    if whole:
        rows = conn.execute(f'SELECT {cols} FROM "{info.name}"').fetchall()
    else:
        rows = conn.execute(
            f'SELECT {cols} FROM "{info.name}" WHERE uid IN (SELECT value FROM json_each(?))',
            (json.dumps(wanted),),
        ).fetchall()
    for row in rows:
        values = dict(zip(info.columns, row[1:], strict=True))
        uid = str(values["uid"])
        if keep is not None and uid not in keep:
            continue
        for col, target in foreign:
            values[col] = keys.uid(target, values[col])
        for link, _pc, _other, _oc in links:
            values["@" + link] = sorted(sets[link].get(int(row[0]), ()))
        for col in blobs:
            values[col] = encode(values[col])
        yield uid, values


def stamps_of(conn: Any, table: str, uids: Iterable[str]) -> dict[str, dict[str, Stamp]]:
    """uid → column → stamp of the rows given."""
    out: dict[str, dict[str, Stamp]] = {}
    for uid, col, replica, counter, clock, member in stamp_rows(conn, table, uids):
        out.setdefault(str(uid), {})[str(col)] = Stamp(str(replica), int(counter), int(clock), member)
    return out


def stamp_rows(
    conn: Any, table: str, uids: Iterable[str] | None, *, keep: Container[str] | None = None
) -> list[tuple[Any, ...]]:
    """(uid, col, replica, counter, clock, member) of the rows given (``None``: of every row of
    the table, those in ``keep`` if given): one query, the uids passed as one JSON array (a list
    SQLite looks up on the stamps' primary key, uid by uid)."""
    if uids is None:
        found = conn.execute(
            "SELECT uid, col, replica, counter, clock, member FROM sync_stamps WHERE tbl = ?", (table,)
        )
        return [tuple(r) for r in found if keep is None or r[0] in keep]
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT uid, col, replica, counter, clock, member FROM sync_stamps "
            "WHERE tbl = ? AND uid IN (SELECT value FROM json_each(?))",
            (table, json.dumps(list(uids))),
        )
    ]


def effective(stamps: dict[str, Stamp], col: str) -> Stamp | None:
    """A column's stamp: its own, else the row's."""
    return stamps.get(col) or stamps.get(ROW)


def canonical_dump(conn: Any, *, audit: bool = False) -> dict[str, dict[str, dict[str, Any]]]:
    """Every synced table's rows by uid, without local ids (foreign keys as uids, link sets as
    lists): two replicas in step have equal dumps. Local settings are left out, and the audit
    log unless ``audit``."""
    keys = Keys(conn)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for table, info in infos(conn).items():
        if table == "audit_entries" and not audit:
            continue
        rows = dict(read_rows(conn, info, keys))
        if table == "settings":
            rows = {u: v for u, v in rows.items() if not is_local_setting(str(v["key"]))}
        out[table] = rows
    return out
