"""Exchange packages between two PCs (issue 16): export and import against floors measured in the
same run.

Run from the repository root: ``python benchmarks/exchange_bench.py`` (``--runs N``: measured runs
at scale 10, default 5; ``--runs-100 N``: at scale 100, default 3; ``--no-profile``). Works on
copies of the cached demo databases (``common.demo_db``: ``demo --scale N --seed 1``, built on
first use in benchmarks/data/, never written) in a temporary folder, and writes
benchmarks/results/exchange.md.

**Scale 10, a year of changes.** Replica A is a copy of the scale-10 demo; the group's exchange
passphrase is set on it, its first (full) package makes replica B (a new file, as on the second
PC's first start), and B's own first package goes back to A, so that A knows what B has and its
next package holds only what changed since. Then A gets a year of changes made through the real
services (``records.create`` / ``update`` / ``delete`` / ``purge``, ``notices.issue`` /
``record_feedback``), one transaction each as the window makes them (``year_of_changes``): as
many new records as the scale-1 demo writes in its year (the volume of a real group's year),
three hundred edits and forty deletions, ten of them for good. Each run, one after the other:

* the floor of the export: copying A's database file (``shutil.copyfile`` and ``fsync``);
* ``engine.export_package`` on A: the incremental package (checked not to be full);
* the floor of the import: SQLite's backup API (``src.backup(dst)``) of B's file into a new one;
* ``engine.import_package`` of that package into a fresh copy of B (B as it was before).

**Scale 100, the first full package.** A is a copy of the scale-100 demo with the passphrase
set. Each run: the floor, a verified backup of A (``backup.create_backup``); the full package of
A (``export_package(full=True)``); and its import into a new empty database (the second PC's
first start: ``open_database`` of a new file, timed apart, then ``import_package``).

One warm-up run before the measured ones is not counted; medians are reported. The package key's
scrypt is paid once per passphrase and master salt in a process (``container._derive``), so it
falls in the warm-up run, as it falls in the first exchange of a session in the window; a
command-line export or import, one process each, pays it every time (about 0.1 s, reported). After the first
import of each part, B's ``replica.canonical_dump`` is compared with A's: a fast wrong result is
no result. Peak memory is the process's resident high-water mark (``VmHWM``, reset before each
step through ``/proc/self/clear_refs``; Linux only). When a goal is missed, one more export and
import are run with the engine's phases timed (functions wrapped while it runs) and once under
cProfile, and the result file shows where the time goes.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import inspect
import io
import os
import platform
import pstats
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import demo_db, median  # noqa: E402
from wsjc_desktop.domain.fields import spec_for  # noqa: E402
from wsjc_desktop.errors import UserError  # noqa: E402
from wsjc_desktop.exchange import container, engine, replica  # noqa: E402
from wsjc_desktop.services import backup, notices, records  # noqa: E402
from wsjc_desktop.storage.database import Database, open_database  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "exchange.md"
KEY = "benchmark exchange passphrase"
RUNS = 5
RUNS_100 = 3
EXPORT_GOAL = 2.0  # × copying the database file
IMPORT_GOAL = 2.0  # × SQLite's backup API on the same file
FULL_GOAL = 3.0  # × a verified backup, each way
SEED = 16

#: What the scale-1 demo writes in its year (``generate_demo(scale=1, seed=1)``): a real group's
#: year of new records. A new record is modelled on one there is (its values, as a user would type
#: them); new cadres get the family of the cadre they are modelled on (about 5.5 each, as in the
#: demo), new meetings its opinions (about 1.9 each), new notices its feedback (the demo's year has
#: 87 整改反馈 for 106 notices).
YEAR = {
    "cadres": 331,
    "personal_matters_reports": 77,
    "duty_reports": 65,
    "integrity_opinions": 104,
    "discipline_records": 22,
    "clues": 27,
    "risk_points": 111,
    "talks": 416,
    "meetings": 170,
    "alert_notices": 106,
}
#: Edits of records that were there before the year: (table, how many, what changes).
EDITS = (
    ("cadres", 100, "position"),
    ("family_members", 60, "workplace"),
    ("talks", 60, "follow_up"),
    ("meeting_opinions", 40, "follow_up_note"),
    ("risk_points", 20, "measures"),
    ("units", 20, "head_name"),
)
#: Records moved to the recycle bin; of them, PURGED are then deleted for good (tombstones).
DELETES = {"talks": 15, "meeting_opinions": 10, "family_members": 10, "risk_points": 5}
PURGED = {"family_members": 5, "talks": 5}


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def raw(db: Database) -> Iterator[Any]:
    """The DB-API connection of a read transaction (a context manager)."""

    @contextlib.contextmanager
    def reading() -> Iterator[Any]:
        with db.read() as uow:
            yield uow.session.connection().connection.driver_connection

    return reading()


# --- floors ------------------------------------------------------------------------------------


def copy_file(src: Path, dst: Path) -> None:
    """The export's floor: the database file copied and flushed to disk."""
    shutil.copyfile(src, dst)
    fd = os.open(dst, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_api(src: Path, dst: Path) -> None:
    """The import's floor: SQLite's backup API, nothing else."""
    source = sqlite3.connect(src)
    target = sqlite3.connect(dst)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def remove_db(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        p.unlink(missing_ok=True)


# --- memory ------------------------------------------------------------------------------------


def _status(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def reset_peak() -> int | None:
    """Reset the resident high-water mark; returns the resident size now (None: not on Linux)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return None
    return _status("VmRSS")


def peak() -> int | None:
    return _status("VmHWM")


class Memory:
    """Peak resident memory of a step and how far it rose above the resident size before it."""

    def __init__(self) -> None:
        self.peaks: list[int] = []
        self.rises: list[int] = []

    @contextlib.contextmanager
    def step(self) -> Iterator[None]:
        before = reset_peak()
        yield
        top = peak()
        if before is not None and top is not None:
            self.peaks.append(top)
            self.rises.append(max(top - before, 0))

    def text(self) -> str:
        if not self.peaks:
            return "n/a"
        return f"{max(self.peaks) / 2**20:.0f} MB (+{max(self.rises) / 2**20:.0f} MB)"


# --- a year of changes -------------------------------------------------------------------------


def _ids(db: Database, sql: str, *args: Any) -> list[int]:
    with raw(db) as conn:
        return [int(r[0]) for r in conn.execute(sql, args).fetchall()]


def _clone(db: Database, table: str, rid: int, **given: Any) -> dict[str, Any]:
    """The values a user would type for a record like ``rid`` (its editable fields)."""
    spec = spec_for(table)
    parent = spec.parent[1] if spec.parent else None
    row = records.get(db, table, rid)
    values = {
        f.name: row[f.name]
        for f in spec.fields
        if (f.editable or f.name == parent) and row.get(f.name) not in (None, [])
    }
    values.update(given)
    return values


def year_of_changes(db: Database, rng: random.Random) -> dict[str, Counter[str]]:
    """A year of a group's work on ``db`` through the services, one transaction per record (see
    the module). Returns what was created, edited, deleted and purged, per table, and what a
    rule refused (counted, left out)."""
    made: Counter[str] = Counter()
    refused: Counter[str] = Counter()

    def create(table: str, values: dict[str, Any]) -> int | None:
        try:
            rid = records.create(db, table, values)
        except UserError:
            refused[table] += 1
            return None
        made[table] += 1
        return rid

    live = "SELECT id FROM {} WHERE deleted_at IS NULL ORDER BY id"
    old = {t: _ids(db, live.format(t)) for t in (*YEAR, "family_members", "meeting_opinions", "units")}
    # new cadres (in the units there are), each with the family of the cadre it is modelled on
    new_cadres: list[int] = []
    given_names = [
        str(row["name"])[1:] for row in (records.get(db, "cadres", c) for c in old["cadres"][:400])
    ]
    for src in rng.sample(old["cadres"], YEAR["cadres"]):
        values = _clone(db, "cadres", src)
        values["name"] = str(values["name"])[0] + rng.choice(given_names)  # another person
        values.pop("id_number", None)  # a person's own
        cadre = create("cadres", values)
        if cadre is None:
            continue
        new_cadres.append(cadre)
        for fam in _ids(db, "SELECT id FROM family_members WHERE cadre_id = ? AND deleted_at IS NULL", src):
            create("family_members", _clone(db, "family_members", fam, cadre_id=cadre))
    # the new cadres' yearly reports
    for table in ("personal_matters_reports", "duty_reports"):
        for src, cadre in zip(rng.sample(old[table], YEAR[table]), new_cadres, strict=False):
            create(table, _clone(db, table, src, cadre_id=cadre))
    # the year's records about the cadres and units there are
    for table in ("integrity_opinions", "discipline_records", "clues", "risk_points", "talks"):
        for src in rng.sample(old[table], YEAR[table]):
            create(table, _clone(db, table, src))
    for src in rng.sample(old["meetings"], YEAR["meetings"]):
        meeting = create("meetings", _clone(db, "meetings", src))
        if meeting is None:
            continue
        for op in _ids(
            db, "SELECT id FROM meeting_opinions WHERE meeting_id = ? AND deleted_at IS NULL", src
        ):
            create("meeting_opinions", _clone(db, "meeting_opinions", op, meeting_id=meeting))
    # notices: drafted, issued (a 文号 each) on the day the model was, and its feedback recorded
    for src in rng.sample(old["alert_notices"], YEAR["alert_notices"]):
        notice = create("alert_notices", _clone(db, "alert_notices", src))
        if notice is None:
            continue
        when = records.get(db, "alert_notices", src).get("issued_on")
        try:
            notices.issue(db, notice, issued_on=when)
        except UserError:
            refused["alert_notices (issue)"] += 1
            continue
        made["alert_notices (issued)"] += 1
        feedback = (
            "SELECT id FROM rectifications WHERE notice_id = ? AND deleted_at IS NULL ORDER BY feedback_date"
        )
        for rect in _ids(db, feedback, src):
            values = _clone(db, "rectifications", rect)
            values.pop("notice_id", None)
            try:
                notices.record_feedback(db, notice, values)
            except UserError:
                refused["rectifications"] += 1
                continue
            made["rectifications"] += 1
    # edits and deletions of records that were there before the year, never the same record twice
    edited: Counter[str] = Counter()
    deleted: Counter[str] = Counter()
    purged: Counter[str] = Counter()
    chosen = {t: rng.sample(old[t], n + DELETES.get(t, 0)) for t, n, _c in EDITS}
    for table in DELETES:
        chosen.setdefault(table, rng.sample(old[table], DELETES[table]))
    for table, n, column in EDITS:
        for rid in chosen[table][:n]:
            current = records.get(db, table, rid).get(column) or ""
            if table == "cadres":
                value = f"{current}（{rng.choice(['调整', '轮岗', '兼任', '晋升'])}）"[:50]
            elif table == "units":
                value = rng.choice("张王李赵刘陈杨黄周吴") + rng.choice(
                    ["建华", "志强", "秀英", "海燕", "国庆"]
                )
            elif table == "family_members":
                value = rng.choice(["区教育局", "市第一医院", "区税务局", "某科技有限公司", "退休"])
            else:
                value = f"{current}（年度回访：已落实。）"
            try:
                records.update(db, table, rid, {column: value})
            except UserError:
                refused[f"{table} (edit)"] += 1
                continue
            edited[table] += 1
    for table, n in DELETES.items():
        victims = chosen[table][-n:]
        for rid in victims:
            records.delete(db, table, rid)
            deleted[table] += 1
        for rid in victims[: PURGED.get(table, 0)]:
            records.purge(db, table, rid)
            purged[table] += 1
    return {"created": made, "edited": edited, "deleted": deleted, "purged": purged, "refused": refused}


def describe_changes(changes: dict[str, Counter[str]]) -> str:
    def part(counter: Counter[str]) -> str:
        return ", ".join(f"{t} {n}" for t, n in counter.items()) or "none"

    created = sum(n for t, n in changes["created"].items() if "(" not in t)
    return (
        f"created {created:,} records ({part(changes['created'])}); edited "
        f"{sum(changes['edited'].values())} ({part(changes['edited'])}); moved "
        f"{sum(changes['deleted'].values())} to the recycle bin ({part(changes['deleted'])}), of them "
        f"{sum(changes['purged'].values())} then deleted for good ({part(changes['purged'])}); refused by "
        f"a rule and left out: {part(changes['refused'])}"
    )


# --- correctness -------------------------------------------------------------------------------


def same_data(a: Database, b: Database) -> int:
    """The number of records compared; raises if B's canonical dump differs from A's."""
    with raw(a) as conn:
        left = replica.canonical_dump(conn)
    with raw(b) as conn:
        right = replica.canonical_dump(conn)
    if left != right:
        wrong = [t for t in left if left[t] != right.get(t)]
        detail = {t: (len(left[t]), len(right.get(t, {}))) for t in wrong}
        raise AssertionError(f"B differs from A after the import in {wrong}: rows (A, B) {detail}")
    return sum(len(rows) for rows in left.values())


# --- where the time goes -----------------------------------------------------------------------


class Phases:
    """Time spent in chosen functions while they are wrapped: label → (seconds, calls), shown in the
    order declared, at the depth declared (inside the phase above). A generator's time is its
    iteration's; a context manager's is its entering and its leaving."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.calls: Counter[str] = Counter()
        self.order: list[tuple[str, int]] = []
        self._undo: list[tuple[Any, str, Any]] = []

    def add(self, label: str, seconds: float, *, call: bool = True) -> None:
        self.spent[label] = self.spent.get(label, 0.0) + seconds
        if call:
            self.calls[label] += 1

    def _iterate(self, label: str, gen: Iterator[Any]) -> Iterator[Any]:
        while True:
            started = time.perf_counter()
            try:
                item = next(gen)
            except StopIteration:
                self.add(label, time.perf_counter() - started, call=False)
                return
            self.add(label, time.perf_counter() - started, call=False)
            yield item

    def _set(self, owner: Any, name: str, new: Any) -> Any:
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        self._undo.append((owner, name, original))
        setattr(owner, name, new)
        return original

    def wrap(self, owner: Any, name: str, label: str, depth: int = 0) -> None:
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        self.order.append((label, depth))

        @functools.wraps(original)
        def timed_call(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                result = original(*args, **kwargs)
            finally:
                self.add(label, time.perf_counter() - started)
            if inspect.isgenerator(result):
                return self._iterate(label, result)
            return result

        self._set(owner, name, timed_call)

    def wrap_context(self, owner: Any, name: str, label: str) -> None:
        """``open_package``: its opening (up to the body verified) and its closing, apart."""
        original = getattr(owner, name)
        opening, closing = f"{label}: open and verify", f"{label}: close (wipe the copy)"
        self.order.append((opening, 0))

        @contextlib.contextmanager
        def timed_context(*args: Any, **kwargs: Any) -> Iterator[Any]:
            started = time.perf_counter()
            manager = original(*args, **kwargs)
            value = manager.__enter__()
            self.add(opening, time.perf_counter() - started)
            try:
                yield value
            except BaseException:
                if not manager.__exit__(*sys.exc_info()):
                    raise
            else:
                started = time.perf_counter()
                manager.__exit__(None, None, None)
                self.add(closing, time.perf_counter() - started)

        self._set(owner, name, timed_context)

    def wrap_write(self) -> None:
        """``write_package``, and its ``fill`` (the body's tables written through SQLCipher)."""
        original = container.write_package
        whole, filling = "write_package (container)", "fill: the package's tables (JSON, SQLCipher inserts)"
        self.order += [(whole, 0), (filling, 1)]

        def write_package(path: Path, header: Any, passphrase: str, fill: Callable[[Any], None]) -> None:
            def timed_fill(conn: Any) -> None:
                started = time.perf_counter()
                try:
                    fill(conn)
                finally:
                    self.add(filling, time.perf_counter() - started)

            started = time.perf_counter()
            try:
                original(path, header, passphrase, timed_fill)
            finally:
                self.add(whole, time.perf_counter() - started)

        self._set(container, "write_package", write_package)

    def own(self, seconds: float) -> list[tuple[str, float, int]]:
        """(label, own seconds: less the phases inside it, calls), the whole call's own time as
        "the rest"."""
        shown = [(label, depth) for label, depth in self.order if label in self.spent]
        out = []
        for i, (label, depth) in enumerate(shown):
            inside = 0.0
            for other, other_depth in shown[i + 1 :]:
                if other_depth <= depth:
                    break
                if other_depth == depth + 1:
                    inside += self.spent[other]
            shown_as = f"{label}, itself" if inside else label
            out.append((shown_as, self.spent[label] - inside, self.calls[label] or 1))
        top = sum(self.spent[label] for label, depth in shown if depth == 0)
        out.append(("the rest of the call (not wrapped)", seconds - top, 1))
        return out

    def restore(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()


def export_phases() -> Phases:
    from wsjc_desktop.storage import cipher
    from wsjc_desktop.storage.database import UnitOfWork

    p = Phases()
    p.wrap(engine, "_changed_rows", "_changed_rows (which rows changed: the stamps past the peers' vector)")
    p.wrap(
        engine, "read_rows", "read_rows (the rows and those they refer to: foreign keys as uids, link sets)"
    )
    p.wrap(engine, "stamp_rows", "stamp_rows (their stamps)")
    p.wrap_write()
    p.wrap(container, "_derive", "package key (container._derive: scrypt once per run, then an HMAC)", 1)
    p.wrap(cipher, "connect", "SQLCipher connect (cipher.connect)", 1)
    p.wrap(container.shutil, "copyfileobj", "header + body copied into the package file", 1)
    p.wrap(container.os, "fsync", "fsync of the package", 1)
    p.wrap(container, "fsync_dir", "fsync of the folder", 1)
    p.wrap(UnitOfWork, "commit", "commit (sync_state.exported)")
    return p


def import_phases() -> Phases:
    from wsjc_desktop.storage import cipher, search_index
    from wsjc_desktop.storage.database import UnitOfWork

    p = Phases()
    p.wrap_context(container, "open_package", "open_package (container)")
    p.wrap(container, "_derive", "package key (container._derive: scrypt once per run, then an HMAC)", 1)
    p.wrap(container, "_copy_body", "body copied to a temporary file", 1)
    p.wrap(cipher, "connect", "SQLCipher connect (cipher.connect)", 1)
    p.wrap(container, "_open_body", "cipher_integrity_check + integrity_check + digest (_open_body)", 1)
    p.wrap(engine, "_read_package", "_read_package (the package's tables read, JSON decoded)")
    p.order.append(("open_package (container): close (wipe the copy)", 0))
    p.wrap(engine._Merger, "run", "_Merger.run (the merge)")
    p.wrap(engine._Merger, "_table", "_Merger._table (per table: rows here, stamps here, then each row)", 1)
    p.wrap(engine, "read_rows", "read_rows (the incoming rows as they are here)", 2)
    p.wrap(engine, "stamps_of", "stamps_of (their stamps here; also from _tombstones)", 2)
    p.wrap(engine._Merger, "_insert_many", "_Merger._insert_many (new rows in bulk: executemany, stamps)", 2)
    p.wrap(engine._Merger, "_insert", "_Merger._insert (a new row one by one: INSERT, stamps)", 2)
    p.wrap(
        engine._Merger,
        "_put_stamp",
        "_Merger._put_stamp (INSERT OR REPLACE, a stamp; in _insert and _update)",
        3,
    )
    p.wrap(engine._Merger, "_settle_number", "_Merger._settle_number (文号 clash query, per notice)", 3)
    p.wrap(engine._Merger, "_update", "_Merger._update (a row here: stamps compared, UPDATE)", 2)
    p.wrap(engine._Merger, "_links", "_Merger._links (link sets)", 1)
    p.wrap(engine._Merger, "_tombstones", "_Merger._tombstones", 1)
    p.wrap(engine._Merger, "_numbers", "_Merger._numbers (doc_sequences)", 1)
    p.wrap(search_index, "refresh", "search_index.refresh (the touched rows re-indexed)", 1)
    p.wrap(search_index, "rebuild", "search_index.rebuild (the whole index, after a large import)", 1)
    p.wrap(UnitOfWork, "commit", "commit (UnitOfWork.commit: audit entry, WAL commit)")
    return p


def profiled(action: Callable[[], object], phases: Phases | None) -> tuple[float, Phases | None, str]:
    """(seconds, the phases, cProfile's top functions) of ``action``: with ``phases`` wrapped in,
    else under cProfile."""
    if phases is not None:
        try:
            seconds = timed(action)
        finally:
            phases.restore()
        return seconds, phases, ""
    prof = cProfile.Profile()
    started = time.perf_counter()
    prof.enable()
    try:
        action()
    finally:
        prof.disable()
    seconds = time.perf_counter() - started
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(14)
    return seconds, None, out.getvalue()


def phase_rows(seconds: float, phases: Phases) -> list[str]:
    rows = ["| phase (— : inside the one above) | ms | calls | share |", "|---|---:|---:|---:|"]
    for label, depth in phases.order:
        if label in phases.spent:
            spent = phases.spent[label]
            calls = phases.calls[label] or 1
            rows.append(
                f"| {'— ' * depth}{label} | {spent * 1000:.0f} | {calls:,} | {spent / seconds * 100:.0f}% |"
            )
    rest = seconds - sum(phases.spent.get(label, 0.0) for label, depth in phases.order if depth == 0)
    rows.append(f"| the rest (not wrapped) | {rest * 1000:.0f} | | {rest / seconds * 100:.0f}% |")
    rows.append(f"| **whole call** | **{seconds * 1000:.0f}** | 1 | 100% |")
    return rows


def top_functions(text: str) -> list[str]:
    """cProfile's table, trimmed to its rows (paths shortened)."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), None)
    if start is None:
        return []
    out = []
    for line in lines[start : start + 15]:
        if line.strip():
            out.append(line.replace(str(ROOT) + "/", "").replace(sys.prefix + "/", "…/"))
    return ["```", *out, "```"]


# --- scale 10: a year of changes ---------------------------------------------------------------


def written(result: engine.ImportResult) -> int:
    """Every row an import inserted, the audit entries that came along included."""
    return sum(n["inserted"] for n in result.by_table.values())


def prepare_pair(cached: Path, work: Path) -> tuple[Path, Path, dict[str, Any]]:
    """A (the cached file's copy, a year of changes made after its last exchange with B) and B
    (closed, as it was after that exchange)."""
    a_path, b_path = work / "a.db", work / "b.db"
    shutil.copyfile(cached, a_path)
    a = open_database(a_path)
    try:
        engine.check_passphrase(a, KEY, set_if_missing=True)
        first = engine.export_package(a, work / "first.wsjcx", KEY)
        assert first.full
        b = open_database(b_path)
        try:
            started = time.perf_counter()
            got = engine.import_package(b, work / "first.wsjcx", KEY)
            first_import = time.perf_counter() - started
            assert written(got) == first.rows and not got.conflicts, got
            reply = engine.export_package(b, work / "reply.wsjcx", KEY)  # what B has, for A
            assert not reply.full
        finally:
            b.dispose()
        engine.import_package(a, work / "reply.wsjcx", KEY)
        print("… a year of changes on A (through the services, one transaction each)", flush=True)
        with raw(a) as conn:
            (before,) = conn.execute("SELECT counter FROM sync_state").fetchone()
        started = time.perf_counter()
        changes = year_of_changes(a, random.Random(SEED))
        made_in = time.perf_counter() - started
        with raw(a) as conn:
            (stamps,) = conn.execute(
                "SELECT count(*) FROM sync_stamps WHERE counter > ? AND replica = "
                "(SELECT replica_id FROM sync_state)",
                (before,),
            ).fetchone()
    finally:
        a.dispose()
    info = {
        "changes": changes,
        "made_in": made_in,
        "stamps": int(stamps),
        "first_rows": first.rows,
        "first_import": first_import,
    }
    print(f"  {describe_changes(changes)} ({made_in:.0f} s)", flush=True)
    return a_path, b_path, info


def measure_year(cached: Path, runs: int = RUNS, profile: bool = True) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="wsjc-exchange-bench-"))
    try:
        a_path, b_path, info = prepare_pair(cached, work)
        pkg, b_run = work / "year.wsjcx", work / "b-run.db"
        times: dict[str, list[float]] = {"copy": [], "export": [], "backup_api": [], "import": []}
        mem_export, mem_import = Memory(), Memory()
        a = open_database(a_path)
        try:
            for run in range(runs + 1):  # the first run warms the page cache and is not counted
                t_copy = timed(lambda: copy_file(a_path, work / "copy.db"))
                (work / "copy.db").unlink()
                with mem_export.step():
                    started = time.perf_counter()
                    exported = engine.export_package(a, pkg, KEY)
                    t_export = time.perf_counter() - started
                assert not exported.full, "A does not know what B has: its package is full"
                shutil.copyfile(b_path, b_run)
                b = open_database(b_run)
                try:
                    t_api = timed(lambda: backup_api(b_run, work / "floor.db"))
                    remove_db(work / "floor.db")
                    with mem_import.step():
                        started = time.perf_counter()
                        result = engine.import_package(b, pkg, KEY)
                        t_import = time.perf_counter() - started
                    assert not result.conflicts and not result.gaps, result
                    if run == 0:
                        info["compared"] = same_data(a, b)
                        info["result"] = result
                finally:
                    b.dispose()
                    remove_db(b_run)
                print(
                    f"  run {run}{' (warm-up)' if run == 0 else ''}: copy {ms(t_copy)}, "
                    f"export {ms(t_export)}, "
                    f"backup API {ms(t_api)}, import {ms(t_import)}",
                    flush=True,
                )
                if run:
                    for key, value in zip(times, (t_copy, t_export, t_api, t_import), strict=True):
                        times[key].append(value)
            info["exported"] = exported
            header = container.read_header(pkg)
            container.forget_keys()  # what a new process (one command) pays once more: the scrypt
            info["first_key"] = timed(lambda: container._derive(KEY, header))
            info["a_size"] = a_path.stat().st_size
            info["b_size"] = b_path.stat().st_size
            info["pkg_size"] = pkg.stat().st_size
            out: dict[str, Any] = {**info, "times": times, **{k: median(v) for k, v in times.items()}}
            out["mem_export"], out["mem_import"] = mem_export.text(), mem_import.text()
            missed_export = out["export"] / out["copy"] > EXPORT_GOAL
            missed_import = out["import"] / out["backup_api"] > IMPORT_GOAL
            if profile and (missed_export or missed_import):
                out["profile"] = profile_pair(a, pkg, b_path, b_run)
        finally:
            a.dispose()
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def profile_pair(
    a: Database, pkg: Path, b_path: Path | None, b_run: Path, *, full: bool = False
) -> dict[str, Any]:
    """One export and one import with the phases timed, then once more under cProfile."""
    found: dict[str, Any] = {}
    for how in ("phases", "cprofile"):
        phases = export_phases() if how == "phases" else None
        found[f"export_{how}"] = profiled(lambda: engine.export_package(a, pkg, KEY, full=full), phases)
        if b_path is None:
            remove_db(b_run)
        else:
            shutil.copyfile(b_path, b_run)
        b = open_database(b_run)
        try:
            phases = import_phases() if how == "phases" else None
            found[f"import_{how}"] = profiled(lambda b=b: engine.import_package(b, pkg, KEY), phases)
        finally:
            b.dispose()
            remove_db(b_run)
    return found


# --- scale 100: the first full package ---------------------------------------------------------


def measure_full(cached: Path, runs: int = RUNS_100, profile: bool = True) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="wsjc-exchange-bench-100-"))
    try:
        a_path, pkg, b_path, out_dir = work / "a.db", work / "full.wsjcx", work / "b.db", work / "out"
        shutil.copyfile(cached, a_path)
        a = open_database(a_path)
        out_dir.mkdir()
        times: dict[str, list[float]] = {"verified": [], "export": [], "new_db": [], "import": []}
        mem_export, mem_import, mem_backup = Memory(), Memory(), Memory()
        info: dict[str, Any] = {}
        try:
            engine.check_passphrase(a, KEY, set_if_missing=True)
            for run in range(runs + 1):
                with mem_backup.step():
                    started = time.perf_counter()
                    made = backup.create_backup(a, out_dir, reason="manual")
                    t_backup = time.perf_counter() - started
                assert made.verified
                for p in out_dir.iterdir():
                    p.unlink()
                with mem_export.step():
                    started = time.perf_counter()
                    exported = engine.export_package(a, pkg, KEY, full=True)
                    t_export = time.perf_counter() - started
                assert exported.full
                started = time.perf_counter()
                b = open_database(b_path)  # the second PC's first start: a new, empty file
                t_new = time.perf_counter() - started
                try:
                    with mem_import.step():
                        started = time.perf_counter()
                        result = engine.import_package(b, pkg, KEY)
                        t_import = time.perf_counter() - started
                    assert written(result) == exported.rows and not result.conflicts, result
                    if run == 0:
                        info["compared"] = same_data(a, b)
                        info["b_size"] = b_path.stat().st_size
                finally:
                    b.dispose()
                    remove_db(b_path)
                print(
                    f"  run {run}{' (warm-up)' if run == 0 else ''}: verified backup {t_backup:.2f} s, "
                    f"export {t_export:.2f} s, new file {t_new:.2f} s, import {t_import:.2f} s",
                    flush=True,
                )
                if run:
                    for key, value in zip(times, (t_backup, t_export, t_new, t_import), strict=True):
                        times[key].append(value)
            info.update(exported=exported, a_size=a_path.stat().st_size, pkg_size=pkg.stat().st_size)
            out: dict[str, Any] = {**info, "times": times, **{k: median(v) for k, v in times.items()}}
            out.update(
                mem_export=mem_export.text(), mem_import=mem_import.text(), mem_backup=mem_backup.text()
            )
            missed = max(out["export"], out["import"]) / out["verified"] > FULL_GOAL
            if profile and missed:
                out["profile"] = profile_pair(a, pkg, None, b_path, full=True)
        finally:
            a.dispose()
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- the report --------------------------------------------------------------------------------


def mb(size: float) -> str:
    return f"{size / 2**20:.1f} MB"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def verdict(ratio: float, goal: float) -> str:
    return "met" if ratio <= goal else f"**missed** ({ratio / goal:.1f}× over the goal)"


def goal_rows(year: dict[str, Any] | None, full: dict[str, Any] | None) -> list[tuple[str, ...]]:
    """(scale, figure, measured, floor, ratio, goal, met) for each goal measured."""
    rows: list[tuple[str, ...]] = []
    if year is not None:
        e = year["exported"]
        for figure, value, floor_is, floor, goal in (
            (
                f"export of a year of changes ({e.rows:,} rows, {e.tombstones} tombstones)",
                year["export"],
                "copying the database file",
                year["copy"],
                EXPORT_GOAL,
            ),
            (
                "import of it into B",
                year["import"],
                "SQLite backup API, B's file",
                year["backup_api"],
                IMPORT_GOAL,
            ),
        ):
            r = value / floor
            rows.append(
                (
                    "10",
                    figure,
                    ms(value),
                    f"{floor_is}: {ms(floor)}",
                    f"{r:.2f}×",
                    f"≤ {goal:g}×",
                    verdict(r, goal),
                )
            )
    if full is not None:
        e = full["exported"]
        for figure, value in (
            (f"first full package, export ({e.rows:,} rows)", full["export"]),
            ("first full package, import into a new empty file", full["import"]),
        ):
            r = value / full["verified"]
            rows.append(
                (
                    "100",
                    figure,
                    ms(value),
                    f"verified backup of A: {ms(full['verified'])}",
                    f"{r:.2f}×",
                    f"≤ {FULL_GOAL:g}×",
                    verdict(r, FULL_GOAL),
                )
            )
    return rows


def profile_markdown(title: str, found: dict[str, Any], budgets: dict[str, tuple[float, str]]) -> list[str]:
    """The profile of a missed goal; ``budgets``: step → (the goal × the floor, what that is)."""
    lines = [f"### {title}", ""]
    for step in ("export", "import"):
        seconds, phases, _ = found[f"{step}_phases"]
        cp_seconds, _p, text = found[f"{step}_cprofile"]
        budget, what = budgets[step]
        top = sorted(phases.own(seconds), key=lambda item: -item[1])[:6]
        lines += [
            f"**{step.capitalize()}**: {ms(seconds)} with the phases timed (the wrappers add a little); "
            f"the goal allows {ms(budget)} ({what}). The largest costs, each phase less the phases "
            "inside it:",
            "",
            *[
                f"{i}. {label}: {ms(own)}"
                + (f" in {calls:,} calls" if calls > 1 else "")
                + f" ({own / budget:.1f}× the whole budget)"
                for i, (label, own, calls) in enumerate(top, 1)
            ],
            "",
            *phase_rows(seconds, phases),
            "",
            f"cProfile, the same {step} once more ({ms(cp_seconds)} under the profiler), top functions by "
            "own time:",
            "",
            *top_functions(text),
            "",
        ]
    return lines


def write_report(
    year: dict[str, Any] | None,
    full: dict[str, Any] | None,
    args: argparse.Namespace,
    load: tuple[str, str],
    version: str,
) -> str:
    flags = [f"--only {args.only}"] if args.only else []
    flags += [f"--runs {args.runs}"] if args.runs != RUNS else []
    flags += [f"--runs-100 {args.runs_100}"] if args.runs_100 != RUNS_100 else []
    flags += ["--no-profile"] if args.no_profile else []
    command = " ".join(["python benchmarks/exchange_bench.py", *flags])
    lines = [
        "# Exchange packages between two PCs (issue 16)",
        "",
        f"`{command}`, {time.strftime('%Y-%m-%d %H:%M')}. Each floor is measured in the same run as its "
        "figure, alternating with it; medians of the measured runs after one warm-up run (page cache "
        "warm). What is measured and how: the module docstring of `benchmarks/exchange_bench.py`.",
        "",
        f"The engine measured: {version} (when the run started).",
        "",
        f"Machine: {platform.system()} {platform.release()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}. Load average (1, 5, 15 min) at "
        f"start {load[0]}, at the end {load[1]}: another helper may have been running tests.",
        "",
        "| scale | figure | measured | floor | ratio | goal | met |",
        "|---|---|---:|---|---:|---|---|",
        *[f"| {' | '.join(row)} |" for row in goal_rows(year, full)],
        "",
    ]
    if year is not None:
        e, res = year["exported"], year["result"]
        t = year["times"]
        lines += [
            "## Scale 10: a year of changes",
            "",
            f"A: a copy of the scale-10 demo ({year['first_rows']:,} records in its first full package, "
            f"imported into B in {year['first_import']:.1f} s). A year of changes on A, "
            f"through the services, one transaction each ({year['made_in']:.0f} s, not measured): "
            f"{describe_changes(year['changes'])}. That is {year['stamps']:,} new stamps on A.",
            "",
            f"A's package: {e.rows:,} rows (the changed ones and every row they refer to) and "
            f"{e.tombstones} tombstones; not full. Imported into B: {res.inserted:,} inserted, "
            f"{res.updated:,} updated, {res.deleted} deleted for good, {len(res.conflicts)} conflicts. "
            f"After the import B's canonical dump equals A's ({year['compared']:,} records compared).",
            "",
            "| | median | runs |",
            "|---|---:|---|",
            *[
                f"| {label} | {ms(year[key])} | {', '.join(ms(x) for x in t[key])} |"
                for label, key in (
                    ("floor: copying A's file (`shutil.copyfile` + `fsync`)", "copy"),
                    ("`export_package` on A (incremental)", "export"),
                    ("floor: SQLite backup API of B's file", "backup_api"),
                    ("`import_package` into B", "import"),
                )
            ],
            "",
            f"Sizes: A's file {mb(year['a_size'])}, B's file before the import {mb(year['b_size'])}, "
            f"the package {mb(year['pkg_size'])} ({year['pkg_size'] / year['a_size'] * 100:.1f}% of A's "
            "file). "
            f"Peak resident memory of the process (and its rise during the step): export "
            f"{year['mem_export']}, import {year['mem_import']}.",
            "",
            f"Not in the medians: the package key's scrypt, {ms(year['first_key'])}, paid once per "
            "passphrase and master salt in a process (here in the warm-up run; in the window, by the "
            "session's first export and its first import of the other PC's packages; by every "
            "command-line export and import, one process each).",
            "",
        ]
    if full is not None:
        e = full["exported"]
        t = full["times"]
        lines += [
            "## Scale 100: the first full package, both ways",
            "",
            f"A: a copy of the scale-100 demo ({mb(full['a_size'])}). Its full package: {e.rows:,} rows. "
            f"Imported into a new empty file (B); B's canonical dump equals A's ({full['compared']:,} "
            f"records compared).",
            "",
            "| | median | runs |",
            "|---|---:|---|",
            *[
                f"| {label} | {ms(full[key])} | {', '.join(ms(x) for x in t[key])} |"
                for label, key in (
                    ("floor: a verified backup of A (`backup.create_backup`)", "verified"),
                    ("`export_package(full=True)` on A", "export"),
                    ("`open_database` of B's new, empty file (not in the figure)", "new_db"),
                    ("`import_package` into B", "import"),
                )
            ],
            "",
            f"Sizes: A's file {mb(full['a_size'])}, the package {mb(full['pkg_size'])} "
            f"({full['pkg_size'] / full['a_size'] * 100:.0f}% of A's file), B's file after the import "
            f"{mb(full['b_size'])}. Peak resident memory (rise): verified backup {full['mem_backup']}, "
            f"export {full['mem_export']}, import {full['mem_import']}.",
            "",
        ]
    missed = [row for row in goal_rows(year, full) if row[-1] != "met"]
    lines += [
        f"{len(goal_rows(year, full)) - len(missed)} of {len(goal_rows(year, full))} goals met"
        + (": missed " + "; ".join(f"{r[1]} (scale {r[0]}, {r[4]})" for r in missed) if missed else "")
        + ".",
        "",
    ]
    if missed:
        lines += ["## Where the time goes", ""]
        if year is not None and "profile" in year:
            budgets = {
                "export": (EXPORT_GOAL * year["copy"], f"{EXPORT_GOAL:g}× copying the file"),
                "import": (IMPORT_GOAL * year["backup_api"], f"{IMPORT_GOAL:g}× the backup API"),
            }
            lines += profile_markdown("Scale 10, a year of changes", year["profile"], budgets)
        if full is not None and "profile" in full:
            budget = (FULL_GOAL * full["verified"], f"{FULL_GOAL:g}× a verified backup")
            lines += profile_markdown(
                "Scale 100, the first full package", full["profile"], {"export": budget, "import": budget}
            )
    return "\n".join(lines) + "\n"


def engine_version() -> str:
    """The commit of the working tree, and whether the exchange engine differs from it."""
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "n/a (not a git checkout)"
    changed = git("status", "--porcelain", "--", "wsjc_desktop/exchange")
    return f"commit {commit}" + (", `wsjc_desktop/exchange` with uncommitted changes" if changed else "")


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def add_rows(runner: Any, cached: dict[int, Path]) -> None:
    """For ``run_all``: the goals' rows (scale 10; scale 100 too unless ``--quick``)."""
    from benchmarks.run_all import Row

    year = measure_year(cached[10], runs=runner.runs(RUNS, 1), profile=False)
    full = None if runner.quick else measure_full(cached[100], runs=runner.runs(RUNS_100, 1), profile=False)
    for scale, figure, measured, floor, ratio, goal, met in goal_rows(year, full):
        runner.rows.append(Row(scale, figure, measured, floor, ratio, goal, met == "met"))
    runner.notes.append(
        f"exchange at scale 10: package {mb(year['pkg_size'])} of a {mb(year['a_size'])} file; "
        f"B equals A after the import ({year['compared']:,} records)."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--runs", type=int, default=RUNS, help="measured runs at scale 10 (default %(default)s)"
    )
    parser.add_argument("--runs-100", type=int, default=RUNS_100, help="at scale 100 (default %(default)s)")
    parser.add_argument("--only", choices=("10", "100"), help="only one of the two parts")
    parser.add_argument("--no-profile", action="store_true", help="no profile of a missed goal")
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help="the Markdown file (default %(default)s)"
    )
    args = parser.parse_args(argv)
    load_start, version = _load(), engine_version()
    year = full = None
    if args.only != "100":
        print("scale 10: a year of changes", flush=True)
        year = measure_year(demo_db(10), runs=args.runs, profile=not args.no_profile)
    if args.only != "10":
        print("scale 100: the first full package", flush=True)
        full = measure_full(demo_db(100), runs=args.runs_100, profile=not args.no_profile)
    text = write_report(year, full, args, (load_start, _load()), version)
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
