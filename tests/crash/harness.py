"""Kill a working program (SIGKILL, at random moments) again and again, and check the file each time.

:class:`CrashHarness` runs :mod:`tests.crash.worker` as a subprocess on one database file, kills it
after a delay drawn from a seeded RNG, then checks the file before anything else touches it:

* ``PRAGMA integrity_check`` is ``ok`` (and ``foreign_key_check`` finds nothing);
* ``open_database`` opens it;
* every write the journal says succeeded is there with its values (creates, updates, deletes to
  the recycle bin, issued notices with their 文号), and nothing is there that no write made;
* the one write that was under way when the process died is either wholly there or not at all;
  every roster import is all or nothing: the cadres of its batch number 0 or the full batch, and
  an update import changed all of its rows or none;
* the killed program's writer lock is recognised as stale and cleared by the next start, and the
  program can write again (one checked write per round).

Kills run in sequence on the same file, so the data accumulates from round to round. The pytest
test and ``benchmarks/soak_crash.py`` both drive this class.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tests.crash.worker import BATCH_PREFIX, RECORD_PREFIX, batch_unit

ROOT = Path(__file__).resolve().parents[2]
STRATEGIES = ("startup", "anytime", "import")
#: Fields compared for each table, besides the tag in ``note``.
TABLES = ("units", "cadres", "alert_notices")


class HarnessError(RuntimeError):
    """The harness itself could not go on (a worker that never got ready)."""


@dataclass
class Expected:
    """What the file must hold for one record the worker made (or the checker wrote)."""

    table: str
    id: int
    tag: str
    values: dict[str, Any]
    deleted: bool = False
    number: str | None = None  # the 文号 once issued


@dataclass
class Batch:
    tag: str
    rows: int
    position: str


@dataclass
class Report:
    kills: int = 0
    checks: int = 0
    integrity_failures: int = 0
    open_failures: int = 0
    records_lost: int = 0
    values_wrong: int = 0
    phantoms: int = 0
    imports_partial: int = 0
    write_failures: int = 0  # the program could not write after restarting
    worker_errors: int = 0  # a worker that died by itself (not killed)
    lock_not_stale: int = 0
    stale_locks_cleared: int = 0
    guards_left: int = 0
    writes_committed: int = 0
    writes_refused: int = 0
    imports_committed: int = 0
    in_flight_applied: int = 0  # the write under way at the kill turned out committed
    in_flight_absent: int = 0  # … or absent (rolled back)
    kills_in_import: int = 0
    kills_in_write: int = 0
    kills_at_startup: int = 0
    kills_between: int = 0  # after one write was reported and before the next began
    torn_journal_lines: int = 0
    strategies: Counter[str] = field(default_factory=Counter)
    modes: Counter[str] = field(default_factory=Counter)
    lived: list[float] = field(default_factory=list)  # seconds from start to kill
    verify_seconds: list[float] = field(default_factory=list)
    rounds_seconds: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def failures(self) -> int:
        return (
            self.integrity_failures
            + self.open_failures
            + self.records_lost
            + self.values_wrong
            + self.phantoms
            + self.imports_partial
            + self.write_failures
            + self.worker_errors
            + self.lock_not_stale
        )


def _same(stored: Any, wanted: Any) -> bool:
    if hasattr(stored, "value") and not isinstance(wanted, type(stored)):
        stored = stored.value  # an enum against its stored code
    if isinstance(stored, date):
        stored = stored.isoformat()
    return bool(stored == wanted)


class CrashHarness:
    def __init__(self, folder: Path, *, seed: int = 1, first_worker_seed: int = 1) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.db_path = folder / "wsjc.db"
        self.log_path = folder / "journal.jsonl"
        self.err_path = folder / "worker-stderr.txt"
        self.rng = random.Random(seed)
        self.next_seed = first_worker_seed
        self.offset = 0
        self.records: dict[tuple[str, int], Expected] = {}
        self.batches: dict[str, Batch] = {}
        self.report = Report()
        self.rounds = 0

    # --- one round ------------------------------------------------------------------------

    def round(self, mode: str, strategy: str) -> list[str]:
        """Start a worker, kill it, check the file. Returns the problems found this round."""
        started = time.monotonic()
        seed = self.next_seed
        self.next_seed += 1
        self.rounds += 1
        self.report.modes[mode] += 1
        self.report.strategies[strategy] += 1
        before = len(self.report.problems)
        lived = self._run_and_kill(mode, strategy, seed)
        self.report.lived.append(lived)
        checked = time.monotonic()
        self._check(seed)
        self.report.verify_seconds.append(time.monotonic() - checked)
        self.report.rounds_seconds.append(time.monotonic() - started)
        return self.report.problems[before:]

    def _run_and_kill(self, mode: str, strategy: str, seed: int) -> float:
        command = [sys.executable, "-m", "tests.crash.worker", "--db", str(self.db_path)]
        command += ["--log", str(self.log_path), "--mode", mode, "--seed", str(seed)]
        with open(self.err_path, "wb") as err:
            proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        started = time.monotonic()
        try:
            if strategy == "startup":  # while it imports, opens the file, takes the lock
                time.sleep(self.rng.uniform(0.0, 1.2))
            else:
                self._wait_for(proc, f'"op": "ready", "seed": {seed},')
                if strategy == "import":
                    self._kill_moment_in_import(proc, seed)
                else:
                    time.sleep(self.rng.uniform(0.02, 1.5))
        finally:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.returncode != -signal.SIGKILL:
            tail = self.err_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            self._problem("worker_errors", f"worker {seed} ended by itself (exit {proc.returncode}): {tail}")
        self.report.kills += 1
        return time.monotonic() - started

    def _journal_tail(self) -> bytes:
        try:
            with open(self.log_path, "rb") as fh:
                fh.seek(self.offset)
                return fh.read()
        except FileNotFoundError:
            return b""  # the first worker has not started its journal yet

    def _wait_for(
        self, proc: subprocess.Popen[bytes], marker: str, count: int = 1, timeout: float = 60.0
    ) -> None:
        """Until this round's journal holds ``marker`` ``count`` times (or the worker ended)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return  # reported as a worker error after the kill
            if self._journal_tail().count(marker.encode()) >= count:
                return
            time.sleep(0.005)
        raise HarnessError(f"the worker never wrote {marker}")

    def _kill_moment_in_import(self, proc: subprocess.Popen[bytes], seed: int) -> None:
        """Return at a random moment inside an import: a delay is drawn once an import starts;
        if that import ends first, the next one is waited for (a few times at most)."""
        start = f'"op": "import-start", "seed": {seed},'.encode()
        end = f'"op": "import-end", "seed": {seed},'.encode()
        for attempt in range(self.rng.choice((1, 2)), 7):  # sometimes the first import is let through
            self._wait_for(proc, start.decode(), attempt)
            until = time.monotonic() + self.rng.uniform(0.0, 0.4)
            while time.monotonic() < until:
                if self._journal_tail().count(end) >= attempt:
                    break
                time.sleep(0.003)
            else:
                return

    def _problem(self, kind: str, text: str) -> None:
        setattr(self.report, kind, getattr(self.report, kind) + 1)
        self.report.problems.append(f"round {self.rounds}: {kind}: {text}")

    # --- the journal ----------------------------------------------------------------------

    def _read_journal(self) -> list[dict[str, Any]]:
        try:
            with open(self.log_path, "rb") as fh:
                fh.seek(self.offset)
                data = fh.read()
        except FileNotFoundError:
            return []
        self.offset += len(data)
        entries = []
        lines = data.split(b"\n")
        for number, line in enumerate(lines):
            if not line.strip():
                continue
            try:
                entries.append(json.loads(line))
            except ValueError:
                # only the very last line can be torn (the worker died writing it)
                if number != len(lines) - 1:
                    self._problem("worker_errors", f"torn journal line in the middle: {line[:200]!r}")
                self.report.torn_journal_lines += 1
        return entries

    # --- checking ---------------------------------------------------------------------------

    def _check(self, seed: int) -> None:
        entries = self._read_journal()
        ops = [e.get("op") for e in entries]
        if not self._integrity():
            return
        from wsjc_desktop.storage.database import open_database

        try:
            db = open_database(self.db_path)
        except Exception as exc:
            self._problem("open_failures", f"open_database failed: {exc!r}")
            return
        try:
            pending = self._apply(entries)
            if pending is not None:
                self._resolve(db, pending)
            elif "ready" in ops:
                self.report.kills_between += 1
            else:
                self.report.kills_at_startup += 1
            self._compare(db)
            self._check_lock_and_write(db, locked="locked" in ops)
        finally:
            db.dispose()

    def verify(self) -> list[str]:
        """Check the file against everything journalled so far, without a new round."""
        before = len(self.report.problems)
        if self._integrity():
            from wsjc_desktop.storage.database import open_database

            db = open_database(self.db_path)
            try:
                self._compare(db)
            finally:
                db.dispose()
        return self.report.problems[before:]

    def _integrity(self) -> bool:
        self.report.checks += 1
        try:
            con = sqlite3.connect(self.db_path)
            try:
                result = [row[0] for row in con.execute("PRAGMA integrity_check")]
                keys = con.execute("PRAGMA foreign_key_check").fetchall()
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            self._problem("integrity_failures", f"integrity check could not run: {exc}")
            return False
        if result != ["ok"]:
            self._problem("integrity_failures", f"integrity_check: {result[:5]}")
            return False
        if keys:
            self._problem("integrity_failures", f"foreign_key_check: {keys[:5]}")
            return False
        return True

    def _apply(self, entries: list[dict[str, Any]]) -> dict[str, Any] | None:
        """Apply every finished step of this round to the model; return the unfinished one."""
        pending: dict[str, Any] | None = None
        for entry in entries:
            op = entry.get("op")
            if op in ("begin", "import-start"):
                pending = entry
            elif op == "done" and pending is not None:
                self._commit(pending, entry)
                self.report.writes_committed += 1
                pending = None
            elif op == "failed":
                self.report.writes_refused += 1
                pending = None  # refused by the rules: checked below like any write not made
            elif op == "import-end" and pending is not None:
                if entry.get("errors") or entry.get("skipped"):
                    self._problem("imports_partial", f"import {pending['tag']} skipped rows: {entry}")
                self._commit_import(pending)
                self.report.imports_committed += 1
                pending = None
        return pending

    def _commit(self, begin: dict[str, Any], done: dict[str, Any]) -> None:
        action, table = begin["action"], begin["table"]
        if action == "create":
            self.records[(table, done["id"])] = Expected(
                table, done["id"], begin["tag"], dict(begin["values"])
            )
            return
        record = self.records.get((table, begin["id"]))
        if record is None:
            self._problem("phantoms", f"the worker changed {table} {begin['id']}, which no write made")
            return
        if action == "update":
            record.values.update(begin["values"])
        elif action == "delete":
            record.deleted = True
        elif action == "issue":
            record.number = done["number"]
            record.values["issued_on"] = begin["on"]
            record.values["status"] = "issued"

    def _commit_import(self, start: dict[str, Any]) -> None:
        if start["kind"] == "new":
            self.batches[start["batch"]] = Batch(start["batch"], start["rows"], start["position"])
        else:
            self.batches[start["batch"]].position = start["position"]

    def _resolve(self, db: Any, pending: dict[str, Any]) -> None:
        """The write under way at the kill: all there (then it joins the model) or not at all."""
        from sqlalchemy import func, select

        from wsjc_desktop.domain import models as m
        from wsjc_desktop.domain.fields import spec_for

        self.report.checks += 1
        if pending["op"] == "import-start":
            self.report.kills_in_import += 1
            with db.read() as uow:
                s = uow.session
                batch = pending["batch"]
                if pending["kind"] == "new":
                    count = s.scalar(select(func.count()).where(m.Cadre.note == batch)) or 0
                    units = s.scalar(select(func.count()).where(m.Unit.full_name == batch_unit(batch))) or 0
                    applied = count == pending["rows"] and units == 1
                    if not applied and (count or units):
                        self._problem(
                            "imports_partial",
                            f"import {batch}: {count} of {pending['rows']} cadres, {units} unit(s)",
                        )
                        return
                else:
                    count = (
                        s.scalar(
                            select(func.count()).where(
                                m.Cadre.note == batch, m.Cadre.position == pending["position"]
                            )
                        )
                        or 0
                    )
                    applied = count == pending["rows"]
                    if not applied and count:
                        self._problem(
                            "imports_partial", f"update import {pending['tag']}: {count} of {pending['rows']}"
                        )
                        return
            if applied:
                self._commit_import(pending)
                self.report.in_flight_applied += 1
            else:
                self.report.in_flight_absent += 1
            return

        self.report.kills_in_write += 1
        action, table = pending["action"], pending["table"]
        model: Any = spec_for(table).model
        with db.read() as uow:
            s = uow.session
            if action == "create":
                found = list(s.scalars(select(model).where(model.note == pending["tag"])))
                if len(found) > 1:
                    self._problem("phantoms", f"{pending['tag']} created {len(found)} times")
                    return
                if found:
                    self._commit(pending, {"id": found[0].id})
                    self.report.in_flight_applied += 1
                else:
                    self.report.in_flight_absent += 1
                return
            obj = s.get(model, pending["id"])
            record = self.records.get((table, pending["id"]))
            if obj is None or record is None:
                self._problem(
                    "records_lost", f"{table} {pending['id']} (target of the write under way) is gone"
                )
                return
            if action == "update":
                applied = all(_same(getattr(obj, k), v) for k, v in pending["values"].items())
                untouched = all(_same(getattr(obj, k), record.values.get(k)) for k in pending["values"])
                done: dict[str, Any] = {}
            elif action == "delete":
                applied, untouched = obj.deleted_at is not None, obj.deleted_at is None
                done = {}
            else:  # issue
                applied = obj.doc_number is not None and _same(obj.status, "issued")
                untouched = obj.doc_number is None and _same(obj.status, "draft")
                done = {"number": obj.doc_number}
        if applied:
            self._commit(pending, done)
            self.report.in_flight_applied += 1
        elif untouched:
            self.report.in_flight_absent += 1
        else:
            self._problem("values_wrong", f"{action} of {table} {pending['id']} is half there")

    def _compare(self, db: Any) -> None:
        """Every expected record with its values; no tagged record or batch that no write made."""
        from sqlalchemy import func, select

        from wsjc_desktop.domain import models as m
        from wsjc_desktop.domain.fields import spec_for

        with db.read() as uow:
            s = uow.session
            for table in TABLES:
                model: Any = spec_for(table).model
                ours = model.note.like(f"{RECORD_PREFIX}%") | model.note.like("v%")
                rows = {obj.id: obj for obj in s.scalars(select(model).where(ours))}
                for (t, record_id), record in self.records.items():
                    if t != table:
                        continue
                    self.report.checks += 1
                    obj = rows.pop(record_id, None)
                    if obj is None or obj.note != record.tag:
                        self._problem("records_lost", f"{table} {record_id} ({record.tag}) is missing")
                        continue
                    wrong = {
                        k: (getattr(obj, k), v)
                        for k, v in record.values.items()
                        if not _same(getattr(obj, k), v)
                    }
                    if record.deleted != (obj.deleted_at is not None):
                        wrong["deleted"] = (obj.deleted_at is not None, record.deleted)
                    if record.number is not None and obj.doc_number != record.number:
                        wrong["doc_number"] = (obj.doc_number, record.number)
                    if wrong:
                        self._problem("values_wrong", f"{table} {record_id} ({record.tag}): {wrong}")
                for obj in rows.values():
                    self._problem("phantoms", f"{table} {obj.id} ({obj.note}) was never reported written")
            counts = dict(
                s.execute(
                    select(m.Cadre.note, func.count())
                    .where(m.Cadre.note.like(f"{BATCH_PREFIX}%"), m.Cadre.deleted_at.is_(None))
                    .group_by(m.Cadre.note)
                ).all()
            )
            for tag, batch in self.batches.items():
                self.report.checks += 1
                have = counts.pop(tag, 0)
                right = (
                    s.scalar(
                        select(func.count()).where(m.Cadre.note == tag, m.Cadre.position == batch.position)
                    )
                    or 0
                )
                if have != batch.rows or right != batch.rows:
                    kind = "records_lost" if have < batch.rows else "imports_partial"
                    self._problem(kind, f"batch {tag}: {have} cadres, {right} with {batch.position}")
            for tag, have in counts.items():
                self._problem("imports_partial", f"batch {tag} ({have} cadres) was never reported imported")

    def _check_lock_and_write(self, db: Any, *, locked: bool) -> None:
        """The killed worker's lock is stale; the next start clears it and can write."""
        from wsjc_desktop.services import records
        from wsjc_desktop.storage import lock

        self.report.checks += 1
        held = lock.lock_path(self.db_path)
        if held.with_name(held.name + lock.GUARD_SUFFIX).exists():
            self.report.guards_left += 1  # killed inside the lock's few-millisecond critical section
        left = lock.read_lock(self.db_path)
        if locked and left is None:
            self._problem("lock_not_stale", "the killed worker's lock file vanished")
        if left is not None:
            if not lock.is_stale(left):
                self._problem("lock_not_stale", f"the killed worker's lock is not seen as stale: {left}")
                return
            self.report.stale_locks_cleared += 1
        tag = f"v{self.rounds}"
        values = {"full_name": f"核验单位{tag}", "unit_type": "agency", "note": tag}
        try:
            with lock.acquire(self.db_path, "核验"):
                new_id = records.create(db, "units", values)
        except Exception as exc:
            self._problem("write_failures", f"could not write after the crash: {exc!r}")
            return
        self.records[("units", new_id)] = Expected("units", new_id, tag, values)
        if lock.read_lock(self.db_path) is not None:
            self._problem("lock_not_stale", "the lock was not released")

    # --- many rounds ------------------------------------------------------------------------

    def plan(self, kills: int) -> list[tuple[str, str]]:
        """Mode and kill moment for each round: every mode, kills at start-up, mid-write, mid-import."""
        rounds = []
        for i in range(kills):
            if i % 5 == 2:
                rounds.append(("import", "import"))
            elif i % 5 == 4:
                rounds.append(("mixed", "import"))
            elif i % 7 == 3:
                rounds.append((self.rng.choice(("writes", "mixed")), "startup"))
            else:
                rounds.append((self.rng.choice(("writes", "mixed", "mixed")), "anytime"))
        return rounds

    def run(self, kills: int, *, on_round: Any = None) -> Report:
        for number, (mode, strategy) in enumerate(self.plan(kills), start=1):
            problems = self.round(mode, strategy)
            if on_round is not None:
                on_round(number, mode, strategy, problems)
        return self.report
