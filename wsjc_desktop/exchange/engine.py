"""Export and import of exchange packages: two PCs in step without a server (issue 16).

**Export** writes every row that has a change the other replicas have not seen (the first
package: everything), with all of its stamps, the rows it refers to (so a receiver that lost a
parent gets it back), the tombstones of rows deleted for good, and this replica's version
vector. What "the others have seen" is what they said in their own last package.

**Import** merges a package in one transaction (a kill leaves the file as it was):

* a row new here is inserted; a field changed on one side only takes that change;
* the same field changed on both sides (neither side had seen the other's change) is a
  **conflict**: both replicas keep the value with the later stamp (clock, then replica id, so
  they agree without talking) and list the conflict, with the other value, who changed each and
  when, for the user to confirm or reverse (``sync_conflicts``);
* an edit against a delete (to the recycle bin, or for good): the edit wins, the record is
  restored, and the user is told;
* two notices that ended up with the same 文号 (issued offline on two PCs): the one issued
  later is given the next free number, and the user is shown both (never silent);
* a change already seen is skipped, so importing a package twice, or an older one, changes
  nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from wsjc_desktop.errors import UserError
from wsjc_desktop.exchange import container
from wsjc_desktop.exchange.replica import (
    Keys,
    Stamp,
    Vector,
    decode,
    effective,
    infos,
    is_local_setting,
    links_of,
    own_vector,
    peers,
    read_rows,
    stamp_rows,
    stamps_of,
    state,
)
from wsjc_desktop.storage.database import Database
from wsjc_desktop.storage.sync_schema import BOOKKEEPING_COLUMNS, SYNCED_TABLES, TableInfo

log = logging.getLogger(__name__)

SUFFIX = ".wsjcx"
#: More records touched than this and the search index is rebuilt whole (bulk, in key order)
#: rather than refreshed record by record.
REBUILD_ABOVE = 20_000

#: Columns whose concurrent changes are merged by the later stamp without being listed.
SILENT_COLUMNS = BOOKKEEPING_COLUMNS | {"deleted_at"}

#: The pseudo column of a record brought back by an edit that beat its deletion.
ALIVE = "~alive"

PACKAGE_DDL = (
    # no key: read whole, never looked up; a row given twice is taken once (the last)
    "CREATE TABLE rows (tbl TEXT NOT NULL, uid TEXT NOT NULL, data TEXT NOT NULL)",
    "CREATE TABLE stamps "
    "(tbl TEXT, uid TEXT, col TEXT, replica TEXT, counter INTEGER, clock INTEGER, member TEXT)",
    "CREATE TABLE tombstones (tbl TEXT, uid TEXT, replica TEXT, counter INTEGER, clock INTEGER, member TEXT)",
    "CREATE TABLE vector (replica TEXT PRIMARY KEY, counter INTEGER NOT NULL)",
    "CREATE TABLE base (replica TEXT PRIMARY KEY, counter INTEGER NOT NULL)",
    "CREATE TABLE replicas (replica_id TEXT PRIMARY KEY, name TEXT)",
    "CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT)",
)


#: A row as the package holds it: one encoder made once (``json.dumps`` with arguments makes
#: a new one on every call), UTF-8 as it is, no spaces.
_ROW_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def default_name() -> str:
    """This PC's name until the user gives one in 设置 (本机名称): the computer's name."""
    from wsjc_desktop.storage.lock import current_host

    return (current_host() or "本机")[:50]


def _raw(uow: Any) -> Any:
    return uow.session.connection().connection.driver_connection


# --- export ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    tombstones: int
    full: bool


def _base(conn: Any) -> Vector | None:
    """What every other replica has seen (the lowest per replica), or None if none is known."""
    known = peers(conn)
    if not known:
        return None
    base: Vector = {}
    replicas = {r for _name, seen, _heard in known.values() for r in seen}
    for replica in replicas:
        base[replica] = min(seen.get(replica, 0) for _name, seen, _heard in known.values())
    return base


def _changed_rows(conn: Any, base: Vector | None) -> dict[str, set[str]]:
    """table → uids of the rows with a stamp ``base`` does not cover (None: every row)."""
    out: dict[str, set[str]] = {t: set() for t in SYNCED_TABLES}
    if base is None:
        for table in SYNCED_TABLES:
            out[table] = {str(r[0]) for r in conn.execute(f'SELECT uid FROM "{table}"')}
        return out
    # per replica, on the (replica, counter) index: only the stamps past what the others have
    for replica in _stamp_replicas(conn):
        for tbl, uid in conn.execute(
            "SELECT tbl, uid FROM sync_stamps WHERE replica = ? AND counter > ?",
            (replica, base.get(replica, 0)),
        ):
            if tbl in out:
                out[str(tbl)].add(str(uid))
    return out


def _stamp_replicas(conn: Any) -> list[str]:
    """Every replica with a stamp here, by hopping along the (replica, counter) index."""
    return [
        str(r[0])
        for r in conn.execute(
            "WITH RECURSIVE r(x) AS (SELECT min(replica) FROM sync_stamps UNION ALL "
            "SELECT (SELECT min(replica) FROM sync_stamps WHERE replica > x) FROM r WHERE x IS NOT NULL) "
            "SELECT x FROM r WHERE x IS NOT NULL"
        )
    ]


def export_package(
    db: Database, out: Path | str, passphrase: str, *, full: bool = False, name: str | None = None
) -> ExportResult:
    """Write the package of this replica's unseen changes (``full``: everything) to ``out``."""
    out = Path(out)
    with db.read() as uow:
        conn = _raw(uow)
        me = state(conn)
        base = None if full else _base(conn)
        vector = own_vector(conn)
        changed = _changed_rows(conn, base)
        keys = Keys(conn)
        tables = infos(conn)
        rows: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in SYNCED_TABLES}
        todo = {t: set(u) for t, u in changed.items()}
        while any(todo.values()):  # the rows, then every row they refer to
            found: dict[str, set[str]] = {t: set() for t in SYNCED_TABLES}
            for table in SYNCED_TABLES:
                if not todo[table]:
                    continue
                info = tables[table]
                for uid, values in read_rows(conn, info, keys, sorted(todo[table])):
                    if table == "settings" and is_local_setting(str(values["key"])):
                        continue
                    rows[table][uid] = values
                    for col, target in info.foreign.items():
                        ref = values.get(col)
                        if ref is not None and ref not in rows[target]:
                            found[target].add(str(ref))
            todo = found
        stamps = {
            t: stamp_rows(conn, t, None if base is None else list(r), keep=r) for t, r in rows.items() if r
        }
        tombs = [
            tuple(r)
            for r in conn.execute("SELECT tbl, uid, replica, counter, clock, member FROM sync_tombstones")
            if base is None or int(r[3]) > base.get(str(r[2]), 0)
        ]
        names = {rid: n for rid, (n, _seen, _heard) in peers(conn).items()}
    names[me.replica_id] = name or me.name or default_name()

    def fill(pkg: Any) -> None:
        for sql in PACKAGE_DDL:
            pkg.execute(sql)
        for table, items in rows.items():
            pkg.executemany(
                "INSERT INTO rows (tbl, uid, data) VALUES (?, ?, ?)",
                # in key order: the rows' primary key grows at its end instead of splitting pages
                [(table, uid, _ROW_JSON(items[uid])) for uid in sorted(items)],
            )
        for table, found in stamps.items():
            pkg.executemany("INSERT INTO stamps VALUES (?, ?, ?, ?, ?, ?, ?)", [(table, *r) for r in found])
        pkg.executemany("INSERT INTO tombstones VALUES (?, ?, ?, ?, ?, ?)", tombs)
        pkg.executemany("INSERT INTO vector VALUES (?, ?)", sorted(vector.items()))
        pkg.executemany("INSERT INTO base VALUES (?, ?)", sorted((base or {}).items()))
        pkg.executemany("INSERT INTO replicas VALUES (?, ?)", sorted(names.items()))
        pkg.executemany(
            "INSERT INTO info VALUES (?, ?)",
            [("full", "1" if base is None else "0"), ("group_id", me.group_id)],
        )

    header = container.new_header(me.group_id, me.replica_id, names[me.replica_id])
    container.write_package(out, header, passphrase, fill)
    with db.uow() as uow:
        _raw(uow).execute("UPDATE sync_state SET exported = max(exported, ?)", (vector[me.replica_id],))
        uow.commit()
    count = sum(len(r) for r in rows.values())
    log.info("exchange package %s: %d rows, %d tombstones, full=%s", out, count, len(tombs), base is None)
    return ExportResult(out, count, len(tombs), base is None)


# --- import ------------------------------------------------------------------------------------


@dataclass
class Conflict:
    kind: str  # "field" | "number" | "kept"
    table: str
    uid: str
    column: str | None
    local_value: Any
    remote_value: Any
    kept: str  # "local" | "remote"
    note: str = ""


@dataclass
class ImportResult:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unchanged: bool = False
    sender: str = ""
    #: replicas whose changes this package did not fully bring (the sender's next one will)
    gaps: list[str] = field(default_factory=list)
    #: table → {"inserted": n, "updated": n, "deleted": n}, audit entries included; the totals
    #: above count records only (the audit entries that came along are not the user's records)
    by_table: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, table: str, kind: str, n: int = 1) -> None:
        if n <= 0:
            return
        per = self.by_table.setdefault(table, {"inserted": 0, "updated": 0, "deleted": 0})
        per[kind] += n
        if table != "audit_entries":
            setattr(self, kind, getattr(self, kind) + n)

    @property
    def audit_entries(self) -> int:
        """The other PC's audit entries that came along (新增 only: they never change)."""
        return self.by_table.get("audit_entries", {}).get("inserted", 0)


@dataclass
class _Package:
    rows: dict[str, dict[str, dict[str, Any]]]
    stamps: dict[str, dict[str, dict[str, Stamp]]]
    tombstones: list[tuple[str, str, Stamp]]
    vector: Vector
    base: Vector  # what the package left out: every replica's changes up to these counters
    names: dict[str, str]
    full: bool = False


def _read_package(pkg: Any, path: Path) -> _Package:
    """The package's tables; a body without them (a package of another program version, or
    not one of ours) is refused as damaged."""
    from wsjc_desktop.storage import cipher

    errors: tuple[type[BaseException], ...] = (*cipher.driver_errors(), KeyError, ValueError, TypeError)
    try:
        return _read_tables(pkg)
    except errors as exc:
        log.warning("package %s unreadable: %s", path, exc)
        raise container.PackageError(
            f"交换包“{path.name}”的内容不完整或格式不对，无法导入（可能由不同版本的程序生成或已损坏）。",
            reason="damaged",
        ) from exc


def _read_tables(pkg: Any) -> _Package:
    rows: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in SYNCED_TABLES}
    for tbl, uid, data in pkg.execute("SELECT tbl, uid, data FROM rows"):
        if tbl in rows:
            rows[str(tbl)][str(uid)] = {k: decode(v) for k, v in json.loads(data).items()}
    stamps: dict[str, dict[str, dict[str, Stamp]]] = {t: {} for t in SYNCED_TABLES}
    for tbl, uid, col, replica, counter, clock, member in pkg.execute("SELECT * FROM stamps"):
        if tbl in stamps:
            stamp = Stamp(str(replica), int(counter), int(clock), member)
            stamps[str(tbl)].setdefault(str(uid), {})[str(col)] = stamp
    tombs = [
        (str(t), str(u), Stamp(str(r), int(c), int(k), m))
        for t, u, r, c, k, m in pkg.execute("SELECT * FROM tombstones")
    ]
    vector = {str(r): int(c) for r, c in pkg.execute("SELECT replica, counter FROM vector")}
    names = {str(r): str(n or "") for r, n in pkg.execute("SELECT replica_id, name FROM replicas")}
    base = {str(r): int(c) for r, c in pkg.execute("SELECT replica, counter FROM base")}
    info = {str(k): str(v) for k, v in pkg.execute("SELECT key, value FROM info")}
    return _Package(rows, stamps, tombs, vector, base, names, full=info.get("full") == "1")


def is_new_replica(conn: Any) -> bool:
    """A file with no group work yet (made by the first import on the second PC)."""
    for table in ("members", "units", "cadres"):
        if conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
            return False
    return True


def import_package(db: Database, path: Path | str, passphrase: str) -> ImportResult:
    """Merge the package at ``path`` into ``db`` in one transaction (see the module)."""
    path = Path(path)
    with db.read() as uow:
        conn = _raw(uow)
        me = state(conn)
        new_replica = is_new_replica(conn)
    with container.open_package(path, passphrase, expected_group=None if new_replica else me.group_id) as (
        header,
        pkg,
    ):
        if header.sender_id == me.replica_id:
            raise UserError(f"“{path.name}”是本机自己导出的交换包，应在另一台电脑上导入。")
        package = _read_package(pkg, path)
        if new_replica and not package.full:
            raise UserError(
                f"“{path.name}”是增量交换包，只含对方最近的更改。新电脑第一次导入需要完整交换包："
                "请在对方电脑上导出时选择“完整交换包”（命令行：--full）。"
            )
    with db.uow() as uow:
        conn = _raw(uow)
        mine = own_vector(conn)
        heard = peers(conn).get(header.sender_id)
        old = heard is not None and all(c <= heard[1].get(r, 0) for r, c in package.vector.items())
        if old and all(c <= mine.get(r, 0) for r, c in package.vector.items()):
            return ImportResult(unchanged=True, sender=header.sender_name)  # nothing new: write nothing
        if new_replica and me.group_id != header.group_id:
            conn.execute("UPDATE sync_state SET group_id = ?", (header.group_id,))
        merger = _Merger(uow, conn, package, mine, header.sender_name)
        result = merger.run()
        result.sender = header.sender_name
        # what the sender has seen is what its newest package says, not the most it ever said: a
        # PC gone back to an older copy of its file is then sent again what it lost
        last = _last_package(conn, header.sender_id)
        seen = package.vector if last is None or header.created >= last else heard[1] if heard else {}
        conn.execute(
            "INSERT INTO sync_peers (replica_id, name, seen, last_heard, last_package) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (replica_id) DO UPDATE SET name = excluded.name, seen = excluded.seen, "
            "last_heard = excluded.last_heard, "
            "last_package = max(coalesce(last_package, ''), excluded.last_package)",
            (header.sender_id, header.sender_name, json.dumps(seen), _now(), header.created),
        )
        for rid, name in package.names.items():
            if rid not in (me.replica_id, header.sender_id):
                conn.execute(
                    "INSERT INTO sync_peers (replica_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (rid, name),
                )
        if result.by_table or result.conflicts:
            from wsjc_desktop.domain.enums import AuditAction

            uow.add_audit(
                AuditAction.IMPORT,
                f"导入交换包（来自{header.sender_name or '另一台电脑'}）：新增 {result.inserted}，"
                f"修改 {result.updated}，删除 {result.deleted}，冲突 {len(result.conflicts)}",
            )
        uow.commit()
    return result


def _last_package(conn: Any, replica_id: str) -> str | None:
    row = conn.execute("SELECT last_package FROM sync_peers WHERE replica_id = ?", (replica_id,)).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def _now() -> str:
    return datetime.now().replace(microsecond=0).isoformat(sep=" ")


class _Merger:
    def __init__(self, uow: Any, conn: Any, package: _Package, mine: Vector, sender_name: str) -> None:
        self.uow = uow
        self.conn = conn
        self.p = package
        self.mine = mine  # what this replica had seen before this package
        self.theirs = package.vector
        self.keys = Keys(conn)
        self.infos = infos(conn)
        self.result = ImportResult()
        self.sender_name = sender_name
        self.touched: list[tuple[str, int]] = []
        self._pending_links: dict[str, dict[str, dict[str, Any]]] = {}
        #: records brought back from the recycle bin by an edit: (table, uid, when they were deleted)
        self._revived: list[tuple[str, str, Any]] = []
        self.me = state(conn)
        self.clock = max(
            [self.me.clock]
            + [
                s.clock
                for by_uid in package.stamps.values()
                for cols in by_uid.values()
                for s in cols.values()
            ]
            + [s.clock for _t, _u, s in package.tombstones]
        )

    # stamps made here while merging (an edit that beat a delete, a renumbered notice)
    def _fresh(self) -> Stamp:
        self.clock += 1
        row = self.conn.execute(
            "UPDATE sync_state SET counter = counter + 1, clock = max(clock + 1, ?) RETURNING counter, clock",
            (self.clock,),
        ).fetchone()
        self.clock = int(row[1])
        member = None
        if self.uow.db.member_id is not None:
            member = self.keys.uid("members", self.uow.db.member_id)
        return Stamp(self.me.replica_id, int(row[0]), int(row[1]), member)

    def _put_stamp(self, table: str, uid: str, col: str, stamp: Stamp) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO sync_stamps (tbl, uid, col, replica, counter, clock, member) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (table, uid, col, stamp.replica, stamp.counter, stamp.clock, stamp.member),
        )

    def run(self) -> ImportResult:
        self.conn.execute("UPDATE sync_state SET applying = 1")
        try:
            tombs = {(t, u): s for t, u, s in self.conn_tombstones()}
            for table in SYNCED_TABLES:
                self._table(table, tombs)
            for table in SYNCED_TABLES:
                self._links(table)
            self._tombstones()
            self._revive_children()
            self._numbers()
            for replica, counter in self.theirs.items():
                if self.mine.get(replica, 0) < self.p.base.get(replica, 0):
                    # the package left out changes of this replica that this file lacks (its
                    # sender took them to be here): seen only once a package carries them
                    self.result.gaps.append(replica)
                    continue
                self.conn.execute(
                    "INSERT INTO sync_known (replica, counter) VALUES (?, ?) "
                    "ON CONFLICT (replica) DO UPDATE SET counter = max(counter, excluded.counter)",
                    (replica, counter),
                )
            self.conn.execute("UPDATE sync_state SET clock = max(clock, ?)", (self.clock,))
        finally:
            self.conn.execute("UPDATE sync_state SET applying = 0")
        if self.touched:
            from wsjc_desktop.storage import search_index

            touched = sorted(set(self.touched))
            if len(touched) > REBUILD_ABOVE:  # a first full package: build the index in bulk
                search_index.rebuild(self.uow.session)
            else:
                search_index.refresh(self.uow.session, touched)
        for table, rid in self.touched:
            self.uow.changes.add("updated", table, rid)
        return self.result

    def conn_tombstones(self) -> list[tuple[str, str, Stamp]]:
        return [
            (str(t), str(u), Stamp(str(r), int(c), int(k), m))
            for t, u, r, c, k, m in self.conn.execute(
                "SELECT tbl, uid, replica, counter, clock, member FROM sync_tombstones"
            )
        ]

    # --- rows ------------------------------------------------------------------------------

    def _to_local(self, info: TableInfo, values: dict[str, Any]) -> dict[str, Any] | None:
        """The row's values with foreign keys as local ids; None if a required one is missing."""
        out = {c: values.get(c) for c in info.columns if c in values}
        for col, target in info.foreign.items():
            ref = out.get(col)
            if ref is None:
                continue
            local = self.keys.id(target, str(ref))
            if local is None:
                if self._required(info.name, col):
                    return None
                self.result.notes.append(f"{info.name}.{col}：所指记录在本机已不存在，已留空。")
            out[col] = local
        return out

    def _required(self, table: str, col: str) -> bool:
        for row in self.conn.execute(f'PRAGMA table_info("{table}")'):
            if row[1] == col:
                return bool(row[3])
        return False

    def _table(self, table: str, tombs: dict[tuple[str, str], Stamp]) -> None:
        incoming = self.p.rows.get(table) or {}
        if not incoming:
            return
        info = self.infos[table]
        local_stamps = stamps_of(self.conn, table, list(incoming))
        present = {uid: values for uid, values in read_rows(self.conn, info, self.keys, sorted(incoming))}
        fresh: list[tuple[str, dict[str, Any], dict[str, Stamp]]] = []
        for uid, values in incoming.items():
            theirs = self.p.stamps[table].get(uid, {})
            if table == "settings" and is_local_setting(str(values.get("key"))):
                continue
            if uid not in present:
                tomb = tombs.get((table, uid))
                if tomb is not None and not self._outlives(theirs, tomb):
                    continue  # deleted here for good, and the package knew it
                if tomb is None and table != "alert_notices":  # plain new rows: in bulk below
                    fresh.append((uid, values, theirs))
                    continue
                self._insert(info, uid, values, theirs, revived=tomb is not None)
                continue
            if table == "audit_entries":
                continue  # append-only: an entry never changes
            self._update(info, uid, present[uid], values, local_stamps.get(uid, {}), theirs)
        if fresh:
            self._insert_many(info, fresh)

    def _insert_many(
        self, info: TableInfo, fresh: list[tuple[str, dict[str, Any], dict[str, Stamp]]]
    ) -> None:
        """Rows new here (no tombstone, no 文号 to settle), inserted in bulk with ids given here."""
        (top,) = self.conn.execute(f'SELECT coalesce(max(id), 0) FROM "{info.name}"').fetchone()
        next_id = int(top) + 1
        groups: dict[tuple[str, ...], list[list[Any]]] = {}
        stamps: list[tuple[Any, ...]] = []
        for uid, values, theirs in fresh:
            local = self._to_local(info, values)
            if local is None:
                self.result.conflicts.append(
                    Conflict(
                        "orphan",
                        info.name,
                        uid,
                        None,
                        None,
                        _show(values),
                        "local",
                        "所属的上级记录在本机已删除",
                    )
                )
                continue
            rid = next_id
            next_id += 1
            cols = ("id", *local)
            groups.setdefault(cols, []).append([rid, *local.values()])
            self.keys.add(info.name, rid, uid)
            stamps.extend(
                (info.name, uid, col, s.replica, s.counter, s.clock, s.member) for col, s in theirs.items()
            )
            self.touched.append((info.name, rid))
            if any(k.startswith("@") for k in values):
                self._pending_links.setdefault(info.name, {})[uid] = values
        for cols, rows in groups.items():
            names = ", ".join(f'"{c}"' for c in cols)
            self.conn.executemany(
                f'INSERT INTO "{info.name}" ({names}) VALUES ({", ".join("?" * len(cols))})', rows
            )
            self.result.count(info.name, "inserted", len(rows))
        stamps.sort(key=lambda r: (r[1], r[2]))  # in the stamps' key order: fewer pages split
        self.conn.executemany(
            "INSERT OR REPLACE INTO sync_stamps (tbl, uid, col, replica, counter, clock, member) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            stamps,
        )

    def _outlives(self, theirs: dict[str, Stamp], tomb: Stamp) -> bool:
        """Whether a row that was deleted here for good comes back: the sender had not seen the
        deletion (an edit against a delete: the edit wins), or changed it since."""
        if not tomb.known_to(self.theirs):
            return any(not s.known_to(self.mine) for s in theirs.values())
        return any(s.clock > tomb.clock for s in theirs.values())

    def _insert(
        self, info: TableInfo, uid: str, values: dict[str, Any], theirs: dict[str, Stamp], *, revived: bool
    ) -> None:
        local = self._to_local(info, values)
        if local is None:
            self.result.conflicts.append(
                Conflict(
                    "orphan", info.name, uid, None, None, _show(values), "local", "所属的上级记录在本机已删除"
                )
            )
            return
        if info.name == "alert_notices":
            local = self._settle_number(uid, None, local, theirs)
        cols = list(local)
        marks = ", ".join("?" * len(cols))
        names = ", ".join(f'"{c}"' for c in cols)
        cur = self.conn.execute(
            f'INSERT INTO "{info.name}" ({names}) VALUES ({marks})', [local[c] for c in cols]
        )
        rid = int(cur.lastrowid)
        self.keys.add(info.name, rid, uid)
        self.conn.execute("DELETE FROM sync_tombstones WHERE tbl = ? AND uid = ?", (info.name, uid))
        for col, stamp in theirs.items():
            self._put_stamp(info.name, uid, col, stamp)
        if revived:
            self._put_stamp(info.name, uid, ALIVE, self._fresh())
            self.result.notes.append(
                f"一条在本机已彻底删除的记录（{_label(info.name)}）在对方被修改，已恢复。"
            )
        self.result.count(info.name, "inserted")
        self.touched.append((info.name, rid))
        self._pending_links.setdefault(info.name, {})[uid] = values

    def _update(
        self,
        info: TableInfo,
        uid: str,
        here: dict[str, Any],
        there: dict[str, Any],
        ours: dict[str, Stamp],
        theirs: dict[str, Stamp],
    ) -> None:
        take: dict[str, Any] = {}
        taken: dict[str, Stamp] = {}
        local_new: list[str] = []  # columns changed here that the sender had not seen
        remote_new: list[str] = []
        for col in there:
            if col == "uid":
                continue
            si, sl = effective(theirs, col), effective(ours, col)
            if si is None:
                continue
            if sl is not None and not sl.known_to(self.theirs) and col not in BOOKKEEPING_COLUMNS:
                local_new.append(col)
            if sl is not None and (si.replica, si.counter) == (sl.replica, sl.counter):
                continue
            if si.known_to(self.mine):
                continue
            if col not in BOOKKEEPING_COLUMNS:
                remote_new.append(col)
            if sl is None or sl.known_to(self.theirs):
                take[col], taken[col] = there[col], si
                continue
            incoming_wins = si.order() > sl.order()
            # deleted_at is settled by the rule below (an edit beats a delete), not listed
            if _norm(here.get(col)) != _norm(there[col]) and col not in SILENT_COLUMNS:
                self._conflict(info.name, uid, col, here.get(col), there[col], sl, si, incoming_wins)
            if incoming_wins:
                take[col], taken[col] = there[col], si
        # an edit against a delete to the recycle bin: the edit wins
        deleted_there = "deleted_at" in take and take["deleted_at"] is not None
        deleted_here = here.get("deleted_at") is not None and "deleted_at" in local_new
        if deleted_there and any(c != "deleted_at" for c in local_new):
            self._revived.append((info.name, uid, take["deleted_at"]))
            take["deleted_at"] = None
            taken["deleted_at"] = self._fresh()
            self.result.notes.append(
                f"对方删除了本机修改过的一条记录（{_label(info.name)}），修改优先，记录保留。"
            )
        elif deleted_here and any(c != "deleted_at" for c in remote_new) and "deleted_at" not in take:
            self._revived.append((info.name, uid, here["deleted_at"]))
            take["deleted_at"] = None
            taken["deleted_at"] = self._fresh()
            self.result.notes.append(
                f"本机删除的一条记录（{_label(info.name)}）在对方被修改，修改优先，已恢复。"
            )
        if not take:
            return
        rid = self.keys.id(info.name, uid)
        assert rid is not None
        plain = {c: v for c, v in take.items() if not c.startswith("@")}
        if plain:
            local = self._to_local(info, {**plain, "uid": uid}) or {}
            local.pop("uid", None)
            if info.name == "alert_notices" and ("doc_number" in local or "doc_seq" in local):
                full = {**{k: here.get(k) for k in ("kind", "doc_year", "doc_seq", "doc_number")}, **local}
                settled = self._settle_number(uid, rid, full, taken)
                local.update({k: settled[k] for k in ("doc_seq", "doc_number") if k in settled})
            sets = ", ".join(f'"{c}" = ?' for c in local)
            if sets:
                self.conn.execute(f'UPDATE "{info.name}" SET {sets} WHERE id = ?', [*local.values(), rid])
        links = {c: v for c, v in take.items() if c.startswith("@")}
        if links:
            self._pending_links.setdefault(info.name, {})[uid] = links
        for col, stamp in taken.items():
            self._put_stamp(info.name, uid, col, stamp)
        self.result.count(info.name, "updated")
        self.touched.append((info.name, rid))

    def _conflict(
        self, table: str, uid: str, col: str, here: Any, there: Any, sl: Stamp, si: Stamp, incoming_wins: bool
    ) -> None:
        kept = "remote" if incoming_wins else "local"
        self.result.conflicts.append(Conflict("field", table, uid, col, _show(here), _show(there), kept))
        self.conn.execute(
            "INSERT INTO sync_conflicts (kind, tbl, uid, col, local_value, local_replica, local_clock, "
            "local_member, remote_value, remote_replica, remote_clock, remote_member, kept, found_at) "
            "VALUES ('field', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                table,
                uid,
                col,
                json.dumps(_show(here), ensure_ascii=False),
                sl.replica,
                sl.clock,
                sl.member,
                json.dumps(_show(there), ensure_ascii=False),
                si.replica,
                si.clock,
                si.member,
                kept,
                _now(),
            ),
        )

    # --- link sets, tombstones, 文号 ------------------------------------------------------------

    def _links(self, table: str) -> None:
        pending = self._pending_links.get(table) or {}
        for uid, values in pending.items():
            rid = self.keys.id(table, uid)
            if rid is None:
                continue
            for link, pc, other, oc in links_of(table):
                wanted = values.get("@" + link)
                if wanted is None:
                    continue
                ids = [self.keys.id(other, str(u)) for u in wanted]
                self.conn.execute(f'DELETE FROM "{link}" WHERE "{pc}" = ?', (rid,))
                self.conn.executemany(
                    f'INSERT INTO "{link}" ("{pc}", "{oc}") VALUES (?, ?)',
                    [(rid, i) for i in ids if i is not None],
                )

    def _revive_children(self) -> None:
        """What went to the recycle bin with a record an edit brought back comes back with it
        (as ``records.restore`` does), stamped here so that every replica does the same."""
        from wsjc_desktop.domain.fields import children_of

        todo = list(self._revived)
        while todo:
            table, uid, deleted_at = todo.pop()
            rid = self.keys.id(table, uid)
            if rid is None or deleted_at is None:
                continue
            for child in children_of(table):
                assert child.parent is not None
                found = self.conn.execute(
                    f'SELECT id, uid FROM "{child.table}" WHERE "{child.parent[1]}" = ? AND deleted_at = ?',
                    (rid, deleted_at),
                ).fetchall()
                for cid, cuid in found:
                    self.conn.execute(f'UPDATE "{child.table}" SET deleted_at = NULL WHERE id = ?', (cid,))
                    self._put_stamp(child.table, str(cuid), "deleted_at", self._fresh())
                    self.touched.append((child.table, int(cid)))
                    todo.append((child.table, str(cuid), deleted_at))

    def _tombstones(self) -> None:
        for table, uid, stamp in self.p.tombstones:
            if stamp.known_to(self.mine):
                continue
            rid = self.keys.id(table, uid)
            if rid is not None:
                ours = stamps_of(self.conn, table, [uid]).get(uid, {})
                edited = [s for s in ours.values() if not s.known_to(self.theirs) or s.clock > stamp.clock]
                if edited:  # changed here since: the edit wins, and the record stays
                    self._put_stamp(table, uid, ALIVE, self._fresh())
                    self.result.notes.append(
                        f"对方彻底删除了本机修改过的一条记录（{_label(table)}），修改优先，记录保留。"
                    )
                    continue
                try:
                    self.conn.execute("SAVEPOINT purge")
                    self.conn.execute(f'DELETE FROM "{table}" WHERE id = ?', (rid,))
                    self.conn.execute("RELEASE purge")
                except Exception:  # still referred to here: kept
                    self.conn.execute("ROLLBACK TO purge")
                    self.conn.execute("RELEASE purge")
                    self._put_stamp(table, uid, ALIVE, self._fresh())
                    self.result.notes.append(
                        f"对方彻底删除的一条记录（{_label(table)}）在本机仍被引用，已保留。"
                    )
                    continue
                self.conn.execute("DELETE FROM sync_stamps WHERE tbl = ? AND uid = ?", (table, uid))
                self.keys.drop(table, uid)
                self.result.count(table, "deleted")
            self.conn.execute(
                "INSERT OR REPLACE INTO sync_tombstones (tbl, uid, replica, counter, clock, member) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (table, uid, stamp.replica, stamp.counter, stamp.clock, stamp.member),
            )

    def _settle_number(
        self, uid: str, rid: int | None, local: dict[str, Any], theirs: dict[str, Stamp]
    ) -> dict[str, Any]:
        """A notice coming in with a 文号 another notice here already has: the one issued later
        gets the next free number (the incoming one, or the one here: then it is changed first),
        and the user is shown both."""
        if local.get("doc_number") is None and local.get("doc_seq") is None:
            return local
        clash = self.conn.execute(
            "SELECT id, uid FROM alert_notices WHERE id IS NOT ? AND "
            "(doc_number = ? OR (kind = ? AND doc_year = ? AND doc_seq = ?))",
            (rid, local.get("doc_number"), local.get("kind"), local.get("doc_year"), local.get("doc_seq")),
        ).fetchone()
        if clash is None:
            return local
        mine = stamps_of(self.conn, "alert_notices", [str(clash[1])]).get(str(clash[1]), {})
        s_here = effective(mine, "doc_number")
        s_there = effective(theirs, "doc_number")
        here_later = s_here is not None and s_there is not None and s_here.order() > s_there.order()
        if here_later:
            self._renumber(int(clash[0]), str(clash[1]), other=local)
            return local
        new_seq, new_number = self._next_number(local)
        self._number_conflict(uid, local, new_number, renumbered="remote")
        fresh = self._fresh()
        theirs["doc_seq"] = fresh
        theirs["doc_number"] = fresh
        return {**local, "doc_seq": new_seq, "doc_number": new_number}

    def _next_number(self, values: dict[str, Any]) -> tuple[int, str]:
        from wsjc_desktop.domain.docnumber import parse_doc_number

        kind, year = values.get("kind"), values.get("doc_year")
        (top,) = self.conn.execute(
            "SELECT max(doc_seq) FROM alert_notices WHERE kind = ? AND doc_year = ?", (kind, year)
        ).fetchone()
        seq = max(int(top or 0), int(values.get("doc_seq") or 0)) + 1
        old = str(values.get("doc_number") or "")
        parsed = parse_doc_number(old)
        if parsed is not None:
            _prefix, _year, parsed_seq = parsed
            number = old.replace(f"{parsed_seq}号", f"{seq}号") if old.endswith(f"{parsed_seq}号") else old
        else:
            number = f"{old}-{seq}"
        self.conn.execute(
            "INSERT INTO doc_sequences (kind, year, last_seq) VALUES (?, ?, ?) "
            "ON CONFLICT (kind, year) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
            (kind, year, seq),
        )
        return seq, number

    def _renumber(self, rid: int, uid: str, *, other: dict[str, Any]) -> None:
        row = self.conn.execute(
            "SELECT kind, doc_year, doc_seq, doc_number FROM alert_notices WHERE id = ?", (rid,)
        ).fetchone()
        values = {"kind": row[0], "doc_year": row[1], "doc_seq": row[2], "doc_number": row[3]}
        seq, number = self._next_number(
            {**values, "doc_seq": max(int(row[2] or 0), int(other.get("doc_seq") or 0))}
        )
        self.conn.execute(
            "UPDATE alert_notices SET doc_seq = ?, doc_number = ? WHERE id = ?", (seq, number, rid)
        )
        stamp = self._fresh()
        self._put_stamp("alert_notices", uid, "doc_seq", stamp)
        self._put_stamp("alert_notices", uid, "doc_number", stamp)
        self._number_conflict(uid, values, number, renumbered="local")
        self.touched.append(("alert_notices", rid))

    def _number_conflict(self, uid: str, values: dict[str, Any], new_number: str, *, renumbered: str) -> None:
        where = "本机" if renumbered == "local" else "对方"
        note = (
            f"两台电脑各自发出了文号“{values.get('doc_number')}”：{where}后发出的一份已改为“{new_number}”，"
            "请核对并告知收文单位。"
        )
        self.result.conflicts.append(
            Conflict(
                "number",
                "alert_notices",
                uid,
                "doc_number",
                values.get("doc_number"),
                new_number,
                renumbered,
                note,
            )
        )
        self.conn.execute(
            "INSERT INTO sync_conflicts "
            "(kind, tbl, uid, col, local_value, remote_value, kept, note, found_at) "
            "VALUES ('number', 'alert_notices', ?, 'doc_number', ?, ?, ?, ?, ?)",
            (
                uid,
                json.dumps(values.get("doc_number"), ensure_ascii=False),
                json.dumps(new_number, ensure_ascii=False),
                renumbered,
                note,
                _now(),
            ),
        )

    def _numbers(self) -> None:
        """Keep every kind's 文号 sequence past the numbers now in the file."""
        self.conn.execute(
            "INSERT INTO doc_sequences (kind, year, last_seq) "
            "SELECT kind, doc_year, max(doc_seq) FROM alert_notices WHERE doc_seq IS NOT NULL "
            "GROUP BY kind, doc_year "
            "ON CONFLICT (kind, year) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)"
        )


def _norm(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _show(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} 字节>"
    if isinstance(value, dict):
        return {k: _show(v) for k, v in value.items() if k != "data"}
    return value


def _label(table: str) -> str:
    from wsjc_desktop.domain.fields import spec_for

    try:
        return str(spec_for(table).label)
    except (KeyError, ValueError):
        return table


Progress = Callable[[int, int], None]


# --- the group's exchange passphrase, and where things stand -----------------------------------

VERIFIER_KEY = "exchange.verifier"


def _verifier(passphrase: str, salt: bytes) -> str:
    import hashlib

    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=2**14, r=8, p=1, dklen=32).hex()


def check_passphrase(db: Database, passphrase: str, *, set_if_missing: bool = False) -> bool:
    """Whether ``passphrase`` is the group's exchange passphrase. The group's first export sets
    it (``set_if_missing``); a wrong one is refused with a Chinese UserError. Returns True if it
    was set now."""
    import os

    from wsjc_desktop.domain import models as m
    from wsjc_desktop.storage import cipher
    from wsjc_desktop.storage.sync_schema import setting_uid

    with db.read() as uow:
        row = (
            _raw(uow)
            .execute("SELECT value FROM settings WHERE key = ? AND deleted_at IS NULL", (VERIFIER_KEY,))
            .fetchone()
        )
    if row is not None:
        stored = json.loads(json.loads(row[0]))
        if _verifier(passphrase, bytes.fromhex(stored["salt"])) != stored["hash"]:
            raise UserError("交换口令与本组设置的不一致，请核对后重试。", field="passphrase")
        return False
    if not set_if_missing:
        raise UserError("本组还没有设置交换口令：请先在“设置”中设置，或在首次导出时设置。")
    cipher.check_new_passphrase(passphrase)
    salt = os.urandom(16)
    value = json.dumps(json.dumps({"salt": salt.hex(), "hash": _verifier(passphrase, salt)}))
    with db.uow() as uow:
        uow.session.add(m.Setting(key=VERIFIER_KEY, value=value, uid=setting_uid(VERIFIER_KEY)))
        uow.commit()
    return True


def change_passphrase(db: Database, old: str, new: str) -> None:
    """Give the group a new exchange passphrase (the current one must be given first).

    The new verifier is a group setting: it travels in the next package, so the other PC learns
    it when its user opens that package with the new passphrase. Packages already written keep
    the passphrase they were written with. A passphrase kept on this PC is replaced."""
    import os

    from wsjc_desktop.domain.enums import AuditAction
    from wsjc_desktop.storage import cipher

    check_passphrase(db, old)
    cipher.check_new_passphrase(new)
    if new == old:
        raise UserError("新的交换口令与原口令相同。", field="new_passphrase")
    salt = os.urandom(16)
    value = json.dumps(json.dumps({"salt": salt.hex(), "hash": _verifier(new, salt)}))
    from sqlalchemy import select

    from wsjc_desktop.domain import models as m

    with db.uow() as uow:
        row = uow.session.scalars(select(m.Setting).where(m.Setting.key == VERIFIER_KEY)).one()
        row.value = value
        uow.session.flush()
        _raw(uow).execute("UPDATE sync_state SET secret = ? WHERE secret IS NOT NULL", (new,))
        uow.add_audit(AuditAction.UPDATE, "修改本组的交换口令")
        uow.commit()
    log.info("the group's exchange passphrase was changed")


@dataclass(frozen=True)
class Peer:
    replica_id: str
    name: str
    last_heard: str | None


@dataclass(frozen=True)
class Status:
    replica_id: str
    group_id: str
    name: str
    peers: list[Peer]
    unexported: int
    open_conflicts: int


def status(db: Database) -> Status:
    """This replica, the others heard from, how many of its changes no package has carried
    yet, and the conflicts still to look at."""
    with db.raw_read() as conn:
        me = state(conn)
        (exported,) = conn.execute("SELECT exported FROM sync_state").fetchone()
        (stamps,) = conn.execute(
            "SELECT count(*) FROM sync_stamps WHERE replica = ? AND counter > ?", (me.replica_id, exported)
        ).fetchone()
        (tombs,) = conn.execute(
            "SELECT count(*) FROM sync_tombstones WHERE replica = ? AND counter > ?",
            (me.replica_id, exported),
        ).fetchone()
        (conflicts,) = conn.execute(
            "SELECT count(*) FROM sync_conflicts WHERE resolved_at IS NULL"
        ).fetchone()
        found = [
            Peer(rid, name, heard)
            for rid, (name, _seen, heard) in sorted(peers(conn).items(), key=lambda kv: kv[1][0])
        ]
    return Status(
        me.replica_id, me.group_id, me.name or default_name(), found, int(stamps) + int(tombs), int(conflicts)
    )


def open_conflicts(db: Database) -> list[dict[str, Any]]:
    """The conflicts not yet looked at, newest first, as stored (values as JSON text)."""
    with db.raw_read() as conn:
        cur = conn.execute("SELECT * FROM sync_conflicts WHERE resolved_at IS NULL ORDER BY id DESC")
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


# --- this PC's own exchange settings (never shipped) --------------------------------------------


@dataclass(frozen=True)
class LocalSettings:
    """本机名称, the exchange folder, and whether the passphrase is kept on this PC."""

    name: str
    folder: str | None
    remembers_passphrase: bool


def local_settings(db: Database) -> LocalSettings:
    with db.raw_read() as conn:
        row = conn.execute("SELECT name, folder, secret FROM sync_state WHERE id = 1").fetchone()
    return LocalSettings(str(row[0] or "") or default_name(), row[1] or None, bool(row[2]))


def set_local(
    db: Database,
    *,
    name: str | None = None,
    folder: str | None = None,
    passphrase: str | None = None,
    forget_passphrase: bool = False,
) -> None:
    """Change this PC's name (本机名称), exchange folder ('' clears it) or kept passphrase (it must
    be the group's: checked first). Per PC: none of these travel in a package."""
    from wsjc_desktop.domain.validation import clean_text

    if name is not None:
        name = clean_text(name, field="name", label="本机名称").strip() if name.strip() else ""
        if len(name) > 50:
            raise UserError("本机名称不能超过 50 个字。", field="name")
    if passphrase is not None:
        check_passphrase(db, passphrase, set_if_missing=True)
    with db.uow() as uow:
        conn = _raw(uow)
        if name is not None:
            conn.execute("UPDATE sync_state SET name = ?", (name,))
        if folder is not None:
            conn.execute("UPDATE sync_state SET folder = ?", (folder or None,))
        if passphrase is not None:
            conn.execute("UPDATE sync_state SET secret = ?", (passphrase,))
        if forget_passphrase:
            conn.execute("UPDATE sync_state SET secret = NULL")
        uow.commit()


def kept_passphrase(db: Database) -> str | None:
    with db.raw_read() as conn:
        row = conn.execute("SELECT secret FROM sync_state WHERE id = 1").fetchone()
    return str(row[0]) if row and row[0] else None


# --- resolving a conflict -----------------------------------------------------------------------


def resolve_conflict(db: Database, conflict_id: int, choice: str) -> None:
    """Settle one listed conflict: ``keep`` the value the file holds now (both replicas already
    hold it), or take the ``local`` or ``remote`` value: written as an ordinary change (stamped
    now, so it reaches the other PCs with the next package). The conflict is marked resolved,
    with who and when; a 文号 conflict can only be acknowledged (``keep``)."""
    from wsjc_desktop.domain.fields import spec_for
    from wsjc_desktop.services import records

    if choice not in ("keep", "local", "remote"):
        raise ValueError(choice)
    with db.read() as uow:
        conn = _raw(uow)
        row = conn.execute(
            "SELECT kind, tbl, uid, col, local_value, remote_value, kept, resolved_at FROM sync_conflicts "
            "WHERE id = ?",
            (conflict_id,),
        ).fetchone()
        if row is None:
            raise UserError("该冲突不存在。")
        kind, table, uid, col, local_value, remote_value, kept, resolved = row
        rid = conn.execute(f'SELECT id FROM "{table}" WHERE uid = ?', (uid,)).fetchone()
    if resolved is not None:
        raise UserError("该冲突已处理过。")
    wanted = None
    if choice != "keep" and choice != kept:
        if kind != "field":
            raise UserError("文号冲突只能确认：如需改用其他文号，请在廉情提醒中修改。")
        if rid is None:
            raise UserError("该记录已被彻底删除，只能确认。")
        wanted = json.loads(local_value if choice == "local" else remote_value)
    who = None
    if db.member_id is not None:
        with db.read() as uow:
            found = _raw(uow).execute("SELECT name FROM members WHERE id = ?", (db.member_id,)).fetchone()
            who = found[0] if found else None
    if wanted is not None:
        spec_for(table)  # a table the forms know
        records.update(db, table, int(rid[0]), {col: wanted})
    with db.uow() as uow:
        _raw(uow).execute(
            "UPDATE sync_conflicts SET resolved_at = ?, resolved_by = ? WHERE id = ?",
            (_now(), who or db.actor or "", conflict_id),
        )
        uow.commit()


# --- the exchange folder: write ours, take theirs ------------------------------------------------


@dataclass
class FolderResult:
    exported: Path | None = None
    imported: list[tuple[Path, ImportResult]] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)


def package_name(state_name: str, replica_id: str) -> str:
    """This PC's package in the exchange folder: one file per PC, replaced on every export."""
    safe = "".join(ch for ch in state_name if ch.isalnum() or ch in "-_（）()")[:30] or "本机"
    return f"{safe}-{replica_id[:8]}{SUFFIX}"


def sync_folder(db: Database, folder: Path | str, passphrase: str) -> FolderResult:
    """Import every other PC's package in ``folder`` (newest state of each), then write ours
    there. A package that cannot be imported is listed with the reason; the others go on."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"交换文件夹“{folder}”不存在或不可用（U 盘是否已插好？）。")
    result = FolderResult()
    with db.read() as uow:
        me = state(_raw(uow))
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            header = container.read_header(path)
        except UserError as exc:
            result.refused.append((path, exc.message))
            continue
        if header.sender_id == me.replica_id:
            continue
        try:
            result.imported.append((path, import_package(db, path, passphrase)))
        except UserError as exc:
            result.refused.append((path, exc.message))
    mine = folder / package_name(me.name or default_name(), me.replica_id)
    export_package(db, mine, passphrase)
    result.exported = mine
    return result
