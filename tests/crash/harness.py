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

With ``replace_every`` (:meth:`CrashHarness.plan`) some rounds replace the file instead, as the
program's commands do, killed at a real moment (no patched kill points): the operation is first
run whole on copies and timed (the median of three runs; again whenever the file has grown by a
quarter), and the kill comes after a delay drawn from [0, 1.2 × that time] from the moment the
worker journals that it begins (a kill after it ended must change nothing either). The checks
are those of ``tests/crash/test_kill_every_step.py``:

* **restore** (on the accumulating file): a backup is made (``backup.create_backup``), then a
  few checked writes it does not have; a worker restores the backup over the file under the
  writer lock (as ``cli restore``) and is killed. The next start (``recovery.recover_interrupted``,
  then ``open_database``) must find exactly the old file or exactly the backup (row counts of
  every table and a digest of units, cadres and notices), ``integrity_check`` ok, no temporary,
  intent, ``.partial``, ``.old`` or aside file in the database's folder or the backup folder, and
  a safety copy (if one was made) that verifies and holds the old file. If the backup is found,
  the writes it lacks leave the model; every other check of a round follows as usual.
* **encrypt** (on a copy of the accumulating file, with a marker record and two plain backups
  beside it): a worker encrypts it with its backups (``backup.encrypt_database``,
  ``backups="convert"``, as ``cli encrypt``; a cheap key derivation, as ``step_worker``) and is
  killed. The next start (recovery, then ``open_database`` with the passphrase if the file is
  encrypted) must open it with every row (the same digest), ``integrity_check`` ok, no file left
  by the operation, the two backups plain beside a plain file or encrypted (verifying with the
  passphrase) beside an encrypted one, and, if it is encrypted, the marker in no file of the
  folder tree.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.crash.step_worker import cheap_key_derivation
from tests.crash.worker import BATCH_PREFIX, PASSPHRASE, RECORD_PREFIX, REPLACE_MODES, batch_unit

ROOT = Path(__file__).resolve().parents[2]
STRATEGIES = ("startup", "anytime", "import", "during")
#: Fields compared for each table, besides the tag in ``note``.
TABLES = ("units", "cadres", "alert_notices")
#: The tables whose content (not only their row count) a digest covers.
DIGEST_TABLES = ("units", "cadres", "alert_notices")
#: A restore or encrypt round is killed after a delay in [0, SPAN × the un-killed duration].
SPAN = 1.2
#: The un-killed operation is timed again once the file has grown by this factor since.
RETIME_GROWTH = 1.25
#: Runs of the un-killed operation per timing (their median is taken: a run's length varies
#: with the disk's flushes).
TIMING_RUNS = 3
#: A unit name in every encrypt round's copy: never readable in any file once it is encrypted.
MARKER = "明文标记欧阳震华"
#: The names of the files a restore or a conversion makes while it works (``replacement``,
#: ``recovery``, ``backup``: every one starts with a dot) and of its temporaries.
LEFTOVER = re.compile(r"^\.|\.(partial|converting|old|intent|aside)(-wal|-shm|-journal)?$")
BACKUP_TIME = datetime(2026, 11, 22, 8, 30, 0)


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
    lock_temps_left: int = 0  # ``wsjc.db.lock.<token>.tmp`` or ``.stale-<hex>`` left by a kill
    # restore and encrypt rounds (killed while they replace the file)
    restore_rounds: int = 0
    restore_found_old: int = 0
    restore_found_new: int = 0
    encrypt_rounds: int = 0
    encrypt_found_plain: int = 0
    encrypt_found_encrypted: int = 0
    replace_lost: int = 0  # neither the old content nor the new after the next start
    leftovers: int = 0  # rounds with files of the operation left after the next start
    plaintext_left: int = 0  # rounds with the marker readable in a file beside an encrypted file
    safety_copies_bad: int = 0  # a restore's safety copy that does not verify or is not the old file
    backups_wrong: int = 0  # an encryption's backups not as the file (plain or encrypted, verifying)
    safety_copies: int = 0
    recovered_by_start: Counter[str] = field(default_factory=Counter)  # the kill left a step half done
    killed_after_end: Counter[str] = field(default_factory=Counter)  # the operation had returned
    timed: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    delays: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
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
            + self.replace_lost
            + self.leftovers
            + self.plaintext_left
            + self.safety_copies_bad
            + self.backups_wrong
        )


def _same(stored: Any, wanted: Any) -> bool:
    if hasattr(stored, "value") and not isinstance(wanted, type(stored)):
        stored = stored.value  # an enum against its stored code
    if isinstance(stored, date):
        stored = stored.isoformat()
    return bool(stored == wanted)


@dataclass(frozen=True)
class Digest:
    """A file's content as the restore and encrypt rounds compare it."""

    counts: tuple[tuple[str, int], ...]  # every real table's rows
    content: str  # SHA-256 of every row of DIGEST_TABLES

    def differences(self, other: Digest) -> str:
        mine, theirs = dict(self.counts), dict(other.counts)
        diff = {
            t: (mine.get(t), theirs.get(t)) for t in sorted({*mine, *theirs}) if mine.get(t) != theirs.get(t)
        }
        return f"rows {diff}" if diff else "same row counts, different content"


def digest(path: Path, key: str | None = None, *, readonly: bool = False) -> Digest:
    """The digest of the database at ``path`` (which must exist: SQLite would make it)."""
    from wsjc_desktop.storage import crypto

    if not path.is_file():
        raise FileNotFoundError(path)
    if key is not None:
        con: Any = crypto.connect(path, key, readonly=readonly)
    elif readonly:
        con = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    else:
        con = sqlite3.connect(path)
    try:
        counts = tuple(sorted(crypto.row_counts(con).items()))
        content = hashlib.sha256()
        for table in DIGEST_TABLES:
            for row in con.execute(f"SELECT * FROM {table} ORDER BY id"):
                content.update(repr(row).encode("utf-8"))
    finally:
        con.close()
    return Digest(counts, content.hexdigest())


def every_file(*folders: Path) -> list[Path]:
    return sorted({p for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file()})


def leftovers(*folders: Path) -> list[str]:
    """Files a restore or a conversion makes while it works, in ``folders`` and below."""
    return [str(p) for p in every_file(*folders) if LEFTOVER.search(p.name)]


def plaintext(marker: str, *folders: Path) -> list[str]:
    """The files in ``folders`` and below whose bytes hold ``marker`` (UTF-8)."""
    wanted = marker.encode("utf-8")
    return [str(p) for p in every_file(*folders) if wanted in p.read_bytes()]


class CrashHarness:
    def __init__(
        self,
        folder: Path,
        *,
        seed: int = 1,
        first_worker_seed: int = 1,
        timing_runs: int = TIMING_RUNS,
        scratch: Path | None = None,
    ) -> None:
        """``scratch``: where the encrypt rounds' copies and the timed runs go (default: a folder
        beside ``folder``)."""
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
        #: restore and encrypt rounds: their journal, the copies they work on and time
        self.replace_log = folder / "replace.jsonl"
        self.scratch = scratch or folder.with_name(folder.name + "-scratch")
        self.timing: dict[str, tuple[int, float]] = {}  # mode: (file size when timed, seconds)
        self.timing_runs = timing_runs
        self.outcome = ""  # what the last restore or encrypt round found
        self.lock_temps: set[str] = set()  # lock temporaries seen (and counted) so far

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
        if mode in REPLACE_MODES:
            self._replace_round(mode, seed)
            self.report.rounds_seconds.append(time.monotonic() - started)
            return self.report.problems[before:]
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
        # killed between writing a lock file under a temporary name (a heartbeat: ``.<token>.tmp``)
        # or moving a stale one aside (``.stale-<hex>``) and the rename or deletion that follows
        guard = held.name + lock.GUARD_SUFFIX
        temps = {p.name for p in held.parent.glob(f"{held.name}.*") if p.name != guard}
        self.report.lock_temps_left += len(temps - self.lock_temps)
        self.lock_temps |= temps
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

    # --- restore and encrypt rounds ------------------------------------------------------------

    def _replace_round(self, mode: str, seed: int) -> None:
        self.outcome = ""
        self.scratch.mkdir(parents=True, exist_ok=True)
        if mode == "restore":
            self._restore_round(seed)
        else:
            self._encrypt_round(seed)

    def _restore_round(self, seed: int) -> None:
        """A backup restored over the accumulating file, killed; then the next start checked."""
        from wsjc_desktop.services import backup, records
        from wsjc_desktop.storage import lock
        from wsjc_desktop.storage.database import open_database

        self.report.restore_rounds += 1
        backups = backup.default_backup_dir(self.db_path)
        db = open_database(self.db_path)
        added: list[tuple[str, int]] = []
        try:
            with lock.acquire(self.db_path, "核验"):
                made = backup.create_backup(db, backups).path
                # writes the backup does not have: found after the next start, or not at all
                tag = f"v{self.rounds}x"
                values: dict[str, dict[str, Any]] = {
                    "units": {"full_name": f"恢复前单位{tag}1", "unit_type": "agency", "note": f"{tag}1"}
                }
                unit_id = records.create(db, "units", values["units"])
                added.append(("units", unit_id))
                values["cadres"] = {
                    "name": "欧阳明",
                    "unit_id": unit_id,
                    "position": "科长",
                    "note": f"{tag}2",
                }
                values["alert_notices"] = {
                    "kind": "reminder_letter",
                    "unit_id": unit_id,
                    "title": f"关于{tag}3的提醒",
                    "problems": "恢复前写入的问题",
                    "note": f"{tag}3",
                }
                for table in ("cadres", "alert_notices"):
                    added.append((table, records.create(db, table, values[table])))
                for (table, record_id), one in zip(added, values.values(), strict=True):
                    self.records[(table, record_id)] = Expected(table, record_id, one["note"], dict(one))
        finally:
            db.dispose()
        old, new = digest(self.db_path), digest(made, readonly=True)
        if old == new:
            raise HarnessError("the backup holds the same as the file: a restore would show nothing")

        def copy(folder: Path) -> tuple[Path, Path]:
            _copy_database(self.db_path, folder / self.db_path.name)
            (folder / "backups").mkdir()
            return folder / self.db_path.name, Path(shutil.copy2(made, folder / "backups" / made.name))

        seconds = self._timed("restore", copy)
        delay = self.rng.uniform(0.0, SPAN * seconds)
        self.report.delays["restore"].append(delay)
        locked = self._run_replace("restore", seed, self.db_path, made, delay)
        checked = time.monotonic()
        self._check_restore(old, new, added, locked)
        self.report.verify_seconds.append(time.monotonic() - checked)
        for one in every_file(backups):  # the backup and the safety copy: checked, and large
            one.unlink()

    def _check_restore(self, old: Digest, new: Digest, added: list[tuple[str, int]], locked: bool) -> None:
        from wsjc_desktop.services import backup
        from wsjc_desktop.storage import crypto, recovery
        from wsjc_desktop.storage.database import open_database

        folder = self.db_path.parent
        backups = backup.default_backup_dir(self.db_path)
        if leftovers(folder, backups):
            self.report.recovered_by_start["restore"] += 1
        self.report.checks += 1
        recovery.recover_interrupted(self.db_path)  # the start, before it asks whether it is encrypted
        if not self.db_path.is_file() or crypto.is_encrypted(self.db_path):
            self._problem("replace_lost", f"after the next start {self.db_path.name} is missing or encrypted")
            return
        try:
            db = open_database(self.db_path)
        except Exception as exc:
            self._problem("open_failures", f"open_database failed after a restore: {exc!r}")
            self._integrity()
            return
        try:
            if not self._integrity():
                return
            self.report.checks += 1
            got = digest(self.db_path)
            if got == old:
                self.report.restore_found_old += 1
                self.outcome = "found the old file"
            elif got == new:
                self.report.restore_found_new += 1
                self.outcome = "found the backup"
                for key in added:  # the writes made after the backup are gone with the old file
                    del self.records[key]
            else:
                self._problem(
                    "replace_lost",
                    f"after a restore the file is neither the old one ({got.differences(old)}) "
                    f"nor the backup ({got.differences(new)})",
                )
                return
            self.report.checks += 1
            left = leftovers(folder, backups)
            if left:
                self._problem("leftovers", f"left after the next start: {left}")
            for safety in sorted(backups.glob("*-before-restore*.db")):
                self.report.safety_copies += 1
                self.report.checks += 1
                check = backup.verify_backup(safety)
                if not check.ok:
                    self._problem("safety_copies_bad", f"{safety.name} does not verify: {check.problem}")
                elif digest(safety, readonly=True) != old:
                    kept = digest(safety, readonly=True)
                    self._problem(
                        "safety_copies_bad", f"{safety.name} is not the old file: {kept.differences(old)}"
                    )
            self._compare(db)
            self._check_lock_and_write(db, locked=locked)
        finally:
            db.dispose()

    def _encrypt_round(self, seed: int) -> None:
        """A copy of the file with two plain backups encrypted, killed; then the next start checked."""
        from wsjc_desktop.services import backup, records
        from wsjc_desktop.storage.database import open_database

        self.report.encrypt_rounds += 1
        folder = self.scratch / "encrypt"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        path = folder / self.db_path.name
        _copy_database(self.db_path, path)
        db = open_database(path)
        try:
            values = {"full_name": f"{MARKER}{self.rounds}", "unit_type": "agency", "note": MARKER}
            records.create(db, "units", values)
            for hour in range(2):
                backup.create_backup(db, now=BACKUP_TIME + timedelta(hours=hour))
        finally:
            db.dispose()
        backups = backup.default_backup_dir(path)
        before = digest(path)
        found = plaintext(MARKER, folder)
        if str(path) not in found or len(found) < 3:  # the file and its two backups: else it is blind
            raise HarnessError(f"the marker is not in the plain file and its backups: {found}")

        def copy(scratch: Path) -> tuple[Path, None]:
            shutil.copytree(folder, scratch, dirs_exist_ok=True)
            return scratch / path.name, None

        seconds = self._timed("encrypt", copy)
        delay = self.rng.uniform(0.0, SPAN * seconds)
        self.report.delays["encrypt"].append(delay)
        locked = self._run_replace("encrypt", seed, path, None, delay)
        checked = time.monotonic()
        self._check_encrypt(path, backups, before, locked)
        self.report.verify_seconds.append(time.monotonic() - checked)
        shutil.rmtree(folder, ignore_errors=True)

    def _check_encrypt(self, path: Path, backups: Path, before: Digest, locked: bool) -> None:
        from wsjc_desktop.services import backup
        from wsjc_desktop.storage import crypto, lock, recovery
        from wsjc_desktop.storage.database import open_database

        folder = path.parent
        if leftovers(folder, backups):
            self.report.recovered_by_start["encrypt"] += 1
        default_kdf = cheap_key_derivation()  # the files were made with it (see the worker)
        try:
            self.report.checks += 1
            recovery.recover_interrupted(path)  # the start, before it asks whether it is encrypted
            if not path.is_file():
                self._problem("replace_lost", f"after the next start {path.name} is missing")
                return
            encrypted = crypto.is_encrypted(path)
            key = PASSPHRASE if encrypted else None
            try:
                open_database(path, key=key).dispose()  # recovery again, with the passphrase
            except Exception as exc:
                self._problem("open_failures", f"open_database failed after an encryption: {exc!r}")
                return
            self.report.checks += 1
            con: Any = crypto.connect(path, key) if key is not None else sqlite3.connect(path)
            try:
                result = [row[0] for row in con.execute("PRAGMA integrity_check")]
            finally:
                con.close()
            if result != ["ok"]:
                self._problem("integrity_failures", f"integrity_check after an encryption: {result[:5]}")
                return
            self.report.checks += 1
            got = digest(path, key)
            if got != before:
                self._problem(
                    "replace_lost", f"the encrypted={encrypted} file lost data: {got.differences(before)}"
                )
            if encrypted:
                self.report.encrypt_found_encrypted += 1
                self.outcome = "found it encrypted"
            else:
                self.report.encrypt_found_plain += 1
                self.outcome = "found it plain"
            self.report.checks += 1
            left = leftovers(folder, backups)
            if left:
                self._problem("leftovers", f"left after the next start: {left}")
            self.report.checks += 1
            if encrypted and (readable := plaintext(MARKER, folder, backups)):
                self._problem("plaintext_left", f"{MARKER} readable beside the encrypted file: {readable}")
            files = sorted(backups.glob("*.db"))
            wrong = [f.name for f in files if crypto.is_encrypted(f) != encrypted]
            bad = [f.name for f in files if not backup.verify_backup(f, key).ok]
            self.report.checks += 1 + len(files)
            if len(files) != 2 or wrong or bad:
                self._problem(
                    "backups_wrong",
                    f"beside an {'encrypted' if encrypted else 'plain'} file: {[f.name for f in files]}, "
                    f"not as the file {wrong}, not verifying {bad}",
                )
            self.report.checks += 1
            left_lock = lock.read_lock(path)
            if locked and left_lock is None:
                self._problem("lock_not_stale", "the killed worker's lock file vanished")
            elif left_lock is not None and not lock.is_stale(left_lock):
                self._problem("lock_not_stale", f"the killed worker's lock is not seen as stale: {left_lock}")
            elif left_lock is not None:
                self.report.stale_locks_cleared += 1
                lock.acquire(path, "核验").release()
        finally:
            cheap_key_derivation(default_kdf)

    def _timed(self, mode: str, prepare: Callable[[Path], tuple[Path, Path | None]]) -> float:
        """How long the operation takes run whole (in a worker, on a fresh copy made by
        ``prepare`` each time; the median of ``timing_runs`` runs): timed at the first round of
        its kind and again once the file has grown by a quarter."""
        size = self.db_path.stat().st_size
        known = self.timing.get(mode)
        if known is not None and size <= known[0] * RETIME_GROWTH:
            return known[1]
        runs = []
        folder = self.scratch / f"timing-{mode}"
        for _ in range(self.timing_runs):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            try:
                path, source = prepare(folder)
                runs.append(self._run_whole(mode, path, source, folder / "journal.jsonl"))
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        seconds = sorted(runs)[len(runs) // 2]
        self.timing[mode] = (size, seconds)
        self.report.timed[mode] += runs
        return seconds

    def _replace_command(self, mode: str, seed: int, path: Path, source: Path | None, log: Path) -> list[str]:
        command = [sys.executable, "-m", "tests.crash.worker", "--db", str(path), "--log", str(log)]
        command += ["--mode", mode, "--seed", str(seed)]
        return command + (["--backup", str(source)] if source is not None else [])

    def _run_whole(self, mode: str, path: Path, source: Path | None, log: Path) -> float:
        command = self._replace_command(mode, 0, path, source, log)
        with open(self.err_path, "wb") as err:
            proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        try:
            self._wait_in(log, proc, '"op": "replace-start"')
            started = time.monotonic()
            self._wait_in(log, proc, '"op": "replace-end"', timeout=900.0)
            seconds = time.monotonic() - started
        finally:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        if b'"op": "replace-end"' not in log.read_bytes():
            tail = self.err_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise HarnessError(f"the {mode} run whole to time it did not finish: {tail}")
        return seconds

    def _run_replace(self, mode: str, seed: int, path: Path, source: Path | None, delay: float) -> bool:
        """Run the operation in a worker and kill it ``delay`` seconds after it began; whether
        the worker held the writer lock at the kill (it releases it once the operation ended)."""
        self.replace_log.unlink(missing_ok=True)
        command = self._replace_command(mode, seed, path, source, self.replace_log)
        with open(self.err_path, "wb") as err:
            proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        started = time.monotonic()
        try:
            self._wait_in(self.replace_log, proc, '"op": "replace-start"')
            time.sleep(delay)
        finally:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        self.report.lived.append(time.monotonic() - started)
        self.report.kills += 1
        if proc.returncode != -signal.SIGKILL:
            tail = self.err_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            self._problem(
                "worker_errors", f"{mode} worker {seed} ended by itself (exit {proc.returncode}): {tail}"
            )
        journal = self.replace_log.read_bytes() if self.replace_log.exists() else b""
        ended = b'"op": "replace-end"' in journal
        if ended:
            self.report.killed_after_end[mode] += 1
        return b'"op": "locked"' in journal and not ended

    @staticmethod
    def _wait_in(log: Path, proc: subprocess.Popen[bytes], marker: str, timeout: float = 60.0) -> None:
        """Until the journal ``log`` holds ``marker`` (or the worker ended)."""
        deadline = time.monotonic() + timeout
        wanted = marker.encode()
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return
            try:
                if wanted in log.read_bytes():
                    return
            except FileNotFoundError:
                pass
            time.sleep(0.005)
        raise HarnessError(f"the worker never wrote {marker}")

    # --- many rounds ------------------------------------------------------------------------

    def plan(self, kills: int, *, replace_every: int = 0) -> list[tuple[str, str]]:
        """Mode and kill moment for each round: every mode, kills at start-up, mid-write, mid-import;
        with ``replace_every`` (2 or more), round 2 and every ``replace_every``-th after it a restore
        or an encrypt round, alternately (killed ``during`` the operation)."""
        rounds = []
        work = 0  # the worker rounds numbered as without the others
        for i in range(kills):
            if replace_every >= 2 and i % replace_every == 1:
                rounds.append((REPLACE_MODES[i // replace_every % 2], "during"))
                continue
            work += 1
            if work % 5 == 3:
                rounds.append(("import", "import"))
            elif work % 5 == 0:
                rounds.append(("mixed", "import"))
            elif work % 7 == 4:
                rounds.append((self.rng.choice(("writes", "mixed")), "startup"))
            else:
                rounds.append((self.rng.choice(("writes", "mixed", "mixed")), "anytime"))
        return rounds

    def run(self, kills: int, *, on_round: Any = None, replace_every: int = 0) -> Report:
        for number, (mode, strategy) in enumerate(self.plan(kills, replace_every=replace_every), start=1):
            problems = self.round(mode, strategy)
            if on_round is not None:
                on_round(number, mode, strategy, problems)
        return self.report


def _copy_database(source: Path, target: Path) -> None:
    """A copy of the (closed) database at ``source``, through SQLite: what its log holds included."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
