"""The process the crash tests kill: bulk writes through the real services, journalled.

``python -m tests.crash.worker --db PATH --log LOG --mode writes|import|mixed --seed N``

It opens the database as the program does (``open_database``, then the writer lock), then works
until it is killed: creates, updates and deletes records (``records``), issues notices
(``notices.issue``) and imports generated rosters of :data:`ROSTER_ROWS` cadres (``roster_import``,
.xlsx or .csv; each import one transaction). Every step is journalled to LOG, one JSON line,
written and fsync'd:

* ``begin`` before a write (what it is about to do) and ``done`` once the service returned, i.e.
  the transaction is committed (``failed`` if the service refused with a UserError);
* ``import-start`` before an import begins and ``import-end`` after it returned.

So after a kill the journal says what must be in the file (everything ``done``) and names the one
write that may or may not have reached it (the last ``begin`` without an end). Records the worker
makes carry their tag in ``note`` (``r<seed>x<n>``); an imported batch's cadres carry the batch tag
(``b<seed>x<n>``) and belong to a new unit named after it.

``--mode restore --backup BACKUP`` and ``--mode encrypt`` replace the file instead, as the
program's commands do (:func:`replace`): ``cli restore`` (the backup verified, then
``backup.restore`` under the writer lock) or ``cli encrypt`` (under the writer lock, the file opened
and its log folded in, then ``backup.encrypt_database`` with its plain backups converted, the
passphrase :data:`PASSPHRASE` with a cheap key derivation). The modules the operation uses are
loaded first (a window has them loaded), then the journal says ``replace-start`` just before the
operation and ``replace-end`` once it returned (the lock is released after it); then the worker
waits to be killed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from tests.crash.step_worker import KEY, cheap_key_derivation

ROSTER_ROWS = 200
RECORD_PREFIX = "r"
BATCH_PREFIX = "b"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ROSTER_HEADER = ["序号", "姓名", "性别", "出生年月", "单位", "职务", "身份证号", "备注"]
#: Write operations and how often each is chosen.
OPS = {"create_unit": 1, "create_cadre": 4, "create_notice": 3, "update": 5, "delete": 1, "issue": 2}
REFRESH_EVERY = 20  # renew the lock's heartbeat every so many operations
#: The modes that replace the file (a restore, an encryption) instead of writing to it.
REPLACE_MODES = ("restore", "encrypt")


def record_tag(seed: int, n: int) -> str:
    return f"{RECORD_PREFIX}{seed}x{n}"


def batch_tag(seed: int, n: int) -> str:
    return f"{BATCH_PREFIX}{seed}x{n}"


def batch_unit(tag: str) -> str:
    return f"导入单位{tag}"


def _id_number(uid: int, row: int, birth: date) -> str:
    """A valid 身份证号, distinct for every (uid < 4,000,000, row < 200)."""
    region = f"{1 + (uid // 100000) % 8}{uid % 100000:05d}"
    seq = row + 200 * (uid // 800000 % 5)
    first = f"{region}{birth:%Y%m%d}{seq:03d}"
    total = sum(int(d) * w for d, w in zip(first, WEIGHTS, strict=True))
    return first + "10X98765432"[total % 11]


def roster_rows(tag: str, position: str) -> list[list[Any]]:
    """The batch's rows, the same for the same tag (a re-import changes only the position)."""
    seed, n = (int(x) for x in tag[len(BATCH_PREFIX) :].split("x"))
    uid = seed * 2000 + n % 2000
    rows = []
    for row in range(ROSTER_ROWS):
        birth = date(1965 + row % 30, 1 + row % 12, 1 + row % 28)
        id_number = _id_number(uid, row, birth)
        sex = "男" if int(id_number[16]) % 2 else "女"
        name = SURNAMES[row % 20] + GIVEN[row // 20 % len(GIVEN)] + GIVEN[(row * 7 + n) % len(GIVEN)]
        unit = batch_unit(tag)
        rows.append([row + 1, name, sex, f"{birth.year}.{birth.month:02d}", unit, position, id_number, tag])
    return rows


def write_roster(path: Path, rows: list[list[Any]]) -> Path:
    if path.suffix == ".csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(ROSTER_HEADER)
            writer.writerows(rows)
        return path
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(["干部花名册（崩溃测试）"])
    sheet.append(ROSTER_HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


class Journal:
    """Append-only JSON lines, each fsync'd before the worker goes on."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
        if os.fstat(self.fd).st_size:
            with open(path, "rb") as fh:
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":  # the last worker was killed in the middle of a line
                    os.write(self.fd, b"\n")

    def write(self, **entry: Any) -> None:
        entry["t"] = round(time.time(), 4)
        line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
        os.write(self.fd, line.encode("utf-8"))
        os.fsync(self.fd)


class Worker:
    def __init__(self, db_path: Path, journal: Journal, mode: str, seed: int, workdir: Path) -> None:
        self.db_path = db_path
        self.journal = journal
        self.mode = mode
        self.seed = seed
        self.rng = random.Random(seed)
        self.workdir = workdir
        self.n = 0

    # --- start --------------------------------------------------------------------------

    def start(self) -> None:
        from wsjc_desktop.storage import lock
        from wsjc_desktop.storage.database import open_database

        self.journal.write(op="start", seed=self.seed, pid=os.getpid(), mode=self.mode)
        self.db = open_database(self.db_path)
        self.lock = lock.acquire(self.db_path, "崩溃测试")
        self.journal.write(op="locked", seed=self.seed)
        self._agency_code()
        self._load()
        self.journal.write(op="ready", seed=self.seed)

    def _agency_code(self) -> None:
        """The group's 机关代字, as the first start sets it: without it no notice can be issued."""
        from wsjc_desktop.domain.docnumber import is_placeholder
        from wsjc_desktop.services import settings

        if is_placeholder(str(settings.get(self.db, "group.agency_code"))):
            settings.set_many(self.db, {"group.agency_code": "驻财纪"})

    def _load(self) -> None:
        from sqlalchemy import select

        from wsjc_desktop.domain import models as m
        from wsjc_desktop.domain.enums import NoticeStatus

        like = f"{RECORD_PREFIX}%"
        with self.db.read() as uow:
            s = uow.session
            live_units = s.execute(select(m.Unit.id, m.Unit.note).where(m.Unit.deleted_at.is_(None))).all()
            self.units = [uid for uid, _ in live_units]
            # the units the harness keeps track of (made by a worker or by the harness itself), the
            # only ones updated: an imported batch's unit is checked as part of its batch
            self.own_units = [uid for uid, note in live_units if note and note[0] in (RECORD_PREFIX, "v")]
            self.cadres = list(
                s.scalars(select(m.Cadre.id).where(m.Cadre.note.like(like), m.Cadre.deleted_at.is_(None)))
            )
            notices = s.execute(
                select(m.AlertNotice.id, m.AlertNotice.status).where(
                    m.AlertNotice.note.like(like), m.AlertNotice.deleted_at.is_(None)
                )
            ).all()
            self.notices = [nid for nid, _ in notices]
            self.drafts = [nid for nid, status in notices if status == NoticeStatus.DRAFT]
            self.batches: list[str] = sorted(
                tag
                for tag in s.scalars(
                    select(m.Cadre.note)
                    .distinct()
                    .where(m.Cadre.note.like(f"{BATCH_PREFIX}%"), m.Cadre.deleted_at.is_(None))
                )
                if tag
            )

    # --- the loop -----------------------------------------------------------------------

    def run(self) -> None:
        while True:
            self.n += 1
            if self.mode == "import" or (self.mode == "mixed" and self.rng.random() < 0.12):
                self.import_roster()
            else:
                self.write_one()
            if self.n % REFRESH_EVERY == 0:
                self.lock.refresh()

    def write_one(self) -> None:
        from wsjc_desktop.errors import UserError

        op = self.rng.choices(list(OPS), weights=list(OPS.values()))[0]
        if not self.units:
            op = "create_unit"
        plan = getattr(self, f"plan_{op}")()
        if plan is None:
            plan = self.plan_create_unit()
        action, fields, run = plan
        self.journal.write(op="begin", seed=self.seed, n=self.n, **action, **fields)
        try:
            result = run()
        except UserError as exc:
            self.journal.write(op="failed", seed=self.seed, n=self.n, error=exc.message)
            return
        self.journal.write(op="done", seed=self.seed, n=self.n, **result)

    # each plan: (what, its values, the call) — the call returns what to journal on success

    def plan_create_unit(self) -> Any:
        from wsjc_desktop.services import records

        tag = record_tag(self.seed, self.n)
        values = {
            "full_name": f"测试单位{tag}",
            "short_name": f"单位{tag}",
            "unit_type": "agency",
            "note": tag,
        }

        def run() -> dict[str, Any]:
            new_id = records.create(self.db, "units", values)
            self.units.append(new_id)
            self.own_units.append(new_id)
            return {"id": new_id}

        return {"action": "create", "table": "units", "tag": tag}, {"values": values}, run

    def plan_create_cadre(self) -> Any:
        from wsjc_desktop.services import records

        tag = record_tag(self.seed, self.n)
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN) + self.rng.choice(GIVEN)
        values = {
            "name": name,
            "unit_id": self.rng.choice(self.units),
            "position": f"科长{self.n}",
            "phone": f"139{self.seed % 10000:04d}{self.n % 10000:04d}",
            "note": tag,
        }

        def run() -> dict[str, Any]:
            new_id = records.create(self.db, "cadres", values)
            self.cadres.append(new_id)
            return {"id": new_id}

        return {"action": "create", "table": "cadres", "tag": tag}, {"values": values}, run

    def plan_create_notice(self) -> Any:
        from wsjc_desktop.services import records

        tag = record_tag(self.seed, self.n)
        values = {
            "kind": self.rng.choice(["copy_notice", "reminder_letter", "prompt_letter"]),
            "unit_id": self.rng.choice(self.units),
            "title": f"关于{tag}落实整改的提醒",
            "problems": "发现的问题" * self.rng.randint(1, 40),
            "note": tag,
        }

        def run() -> dict[str, Any]:
            new_id = records.create(self.db, "alert_notices", values)
            self.notices.append(new_id)
            self.drafts.append(new_id)
            return {"id": new_id}

        return {"action": "create", "table": "alert_notices", "tag": tag}, {"values": values}, run

    def plan_update(self) -> Any:
        from wsjc_desktop.services import records

        choices = [("cadres", self.cadres), ("alert_notices", self.notices)]
        table, ids = self.rng.choice([c for c in choices if c[1]] or [("units", self.own_units)])
        if not ids:
            return None  # nothing of ours to update yet: a unit is made instead
        record_id = self.rng.choice(ids)
        field = {"cadres": "position", "alert_notices": "requirements", "units": "head_name"}[table]
        values = {field: f"第{self.seed}轮第{self.n}次修改"}

        def run() -> dict[str, Any]:
            records.update(self.db, table, record_id, values)
            return {}

        return {"action": "update", "table": table, "id": record_id}, {"values": values}, run

    def plan_delete(self) -> Any:
        from wsjc_desktop.services import records

        choices = [("cadres", self.cadres), ("alert_notices", self.notices)]
        available = [c for c in choices if len(c[1]) > 3]
        if not available:
            return None
        table, ids = self.rng.choice(available)
        record_id = self.rng.choice(ids)

        def run() -> dict[str, Any]:
            records.delete(self.db, table, record_id)
            ids.remove(record_id)
            if record_id in self.drafts:
                self.drafts.remove(record_id)
            return {}

        return {"action": "delete", "table": table, "id": record_id}, {}, run

    def plan_issue(self) -> Any:
        from wsjc_desktop.services import notices

        if not self.drafts:
            return None
        record_id = self.rng.choice(self.drafts)
        issued_on = date(2026, self.rng.randint(1, 12), self.rng.randint(1, 28))

        def run() -> dict[str, Any]:
            number = notices.issue(self.db, record_id, issued_on=issued_on)
            self.drafts.remove(record_id)
            return {"number": number}

        return (
            {"action": "issue", "table": "alert_notices", "id": record_id},
            {"on": issued_on.isoformat()},
            run,
        )

    # --- imports ------------------------------------------------------------------------

    def import_roster(self) -> None:
        from wsjc_desktop.services import roster_import

        tag = batch_tag(self.seed, self.n)
        if self.batches and self.rng.random() < 0.4:
            kind, batch = "update", self.rng.choice(self.batches)
        else:
            kind, batch = "new", tag
        position = f"职务{tag}"
        suffix = self.rng.choice([".xlsx", ".csv"])
        path = write_roster(self.workdir / f"roster-{tag}{suffix}", roster_rows(batch, position))
        self.journal.write(
            op="import-start",
            seed=self.seed,
            n=self.n,
            tag=tag,
            kind=kind,
            batch=batch,
            rows=ROSTER_ROWS,
            position=position,
            file=path.name,
        )
        preview = roster_import.preview_roster(self.db, path)
        result = roster_import.import_roster(self.db, preview)
        self.journal.write(
            op="import-end",
            seed=self.seed,
            n=self.n,
            tag=tag,
            imported=result.imported,
            updated=result.updated,
            unchanged=result.unchanged,
            skipped=result.skipped,
            errors=len(result.errors),
        )
        if kind == "new":
            self.batches.append(batch)
        path.unlink()


# --- replacing the file: restore, encrypt ----------------------------------------------------

#: The passphrase of the encrypt rounds (the one the step-by-step kill tests use).
PASSPHRASE = KEY


def replace(db_path: Path, journal: Journal, mode: str, seed: int, source: Path | None) -> None:
    """Restore ``source`` over the database, or encrypt it with its backups, as the commands do;
    then wait to be killed."""
    from wsjc_desktop.services import backup
    from wsjc_desktop.storage import lock

    journal.write(op="start", seed=seed, pid=os.getpid(), mode=mode)
    # what the operation loads, loaded first (a window has it loaded since it opened the file), so
    # that the time from ``replace-start`` to ``replace-end`` is the work on the files
    import alembic.script  # noqa: F401  (read by a restore: the revisions this program knows)

    import wsjc_desktop.storage.crypto
    import wsjc_desktop.storage.migrate

    if mode == "restore":
        if source is None:
            raise SystemExit("--mode restore needs --backup")
        check = backup.verify_backup(source)  # as ``cli restore``, before the lock
        if not check.ok:
            raise SystemExit(f"the backup does not verify: {check.problem}")
    else:
        cheap_key_derivation()
    held = lock.acquire(db_path, "崩溃测试")
    journal.write(op="locked", seed=seed)
    with held, held.keep_alive():
        journal.write(op="replace-start", seed=seed, mode=mode)
        if mode == "restore":
            assert source is not None
            safety = backup.restore(source, db_path)
            done = {"safety": None if safety is None else safety.name}
        else:
            _encrypt(db_path)
            done = {"encrypted": wsjc_desktop.storage.crypto.is_encrypted(db_path)}
        journal.write(op="replace-end", seed=seed, mode=mode, **done)  # the lock is released next
    journal.write(op="released", seed=seed)
    while True:  # the harness kills it (a kill after the end must change nothing)
        time.sleep(60)


def _encrypt(db_path: Path) -> None:
    """What ``cli encrypt`` does under the lock for a plain file: opened and closed once for
    writing (its log folded in), then encrypted with its plain backups converted."""
    from wsjc_desktop.services import backup
    from wsjc_desktop.storage.database import open_database

    db = open_database(db_path)
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.dispose()
    folder = backup.default_backup_dir(db_path)
    backup.encrypt_database(db_path, PASSPHRASE, backups="convert", backup_dir=folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--log", required=True, type=Path)
    parser.add_argument("--mode", choices=("writes", "import", "mixed", *REPLACE_MODES), default="mixed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="where the rosters are written (default: beside LOG)")
    parser.add_argument("--backup", type=Path, help="--mode restore: the backup to restore")
    args = parser.parse_args(argv)
    if args.mode in REPLACE_MODES:
        replace(args.db, Journal(args.log), args.mode, args.seed, args.backup)
        return 0  # pragma: no cover - it waits until killed
    workdir = args.workdir or args.log.parent
    workdir.mkdir(parents=True, exist_ok=True)
    worker = Worker(args.db, Journal(args.log), args.mode, args.seed, workdir)
    worker.start()
    worker.run()
    return 0  # pragma: no cover - it runs until killed


if __name__ == "__main__":
    sys.exit(main())
