"""A kill -9 during an exchange import leaves the database as it was, or wholly merged
(issue 16, point 3: the whole import is one transaction).

A real process imports a real package into a copy of the receiving file and is killed with
SIGKILL after a delay spread over 1.5 times the import's whole duration (measured first); after each kill
the file passes ``integrity_check`` and holds exactly the data it held before, or exactly the
data of an import that finished.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.cli.support import demo_file
from wsjc_desktop.exchange import engine
from wsjc_desktop.exchange.replica import canonical_dump
from wsjc_desktop.services import records
from wsjc_desktop.storage.database import open_database

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")

KEY = "group exchange 1"
KILLS = 8

IMPORT = """
import sys, time
from pathlib import Path
from wsjc_desktop.exchange import engine
from wsjc_desktop.storage.database import open_database
db = open_database(Path(sys.argv[1]))
print("ready", time.time(), flush=True)
engine.import_package(db, Path(sys.argv[2]), sys.argv[3])
print("done", time.time(), flush=True)
db.dispose()
"""


def dump(path: Path) -> dict[str, Any]:
    """The file's data (without the moment-stamped import entry of the audit log and the time
    the peer was last heard from, which differ between two imports that both finished)."""
    db = open_database(path, readonly=True)
    try:
        with db.read() as uow:
            conn = uow.session.connection().connection.driver_connection
            audit = conn.execute("SELECT count(*) FROM audit_entries WHERE action <> 'import'").fetchone()
            peers = conn.execute("SELECT replica_id, name, seen, last_package FROM sync_peers").fetchall()
            known = conn.execute("SELECT * FROM sync_known ORDER BY replica").fetchall()
            return {"data": canonical_dump(conn), "audit": audit, "peers": peers, "known": known}
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def setting(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """Replica B (from A's first package), and A's package of a demo year of changes since."""
    folder = tmp_path_factory.mktemp("exchange-kill")
    a = open_database(demo_file(folder / "a.db"))
    try:
        engine.check_passphrase(a, KEY, set_if_missing=True)
        engine.export_package(a, folder / "first.wsjcx", KEY)
        b = open_database(folder / "b.db")
        try:
            engine.import_package(b, folder / "first.wsjcx", KEY)
            engine.export_package(b, folder / "b.wsjcx", KEY)
        finally:
            b.dispose()
        engine.import_package(a, folder / "b.wsjcx", KEY)
        with a.read() as uow:
            ids = [
                int(r[0])
                for r in uow.session.connection().connection.driver_connection.execute(
                    "SELECT id FROM cadres ORDER BY id LIMIT 150"
                )
            ]
        for n, rid in enumerate(ids):
            records.update(a, "cadres", rid, {"position": f"新职务{n}"})
        engine.export_package(a, folder / "changes.wsjcx", KEY)
    finally:
        a.dispose()
    con = sqlite3.connect(folder / "b.db")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return folder / "b.db", folder / "changes.wsjcx", folder


def run_import(db: Path, package: Path, kill_after: float | None) -> tuple[bool, float]:
    """Import in a new process; kill it ``kill_after`` seconds after it is ready (None: let it
    finish). Returns (finished, seconds from ready to done or to the kill)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-c", IMPORT, str(db), str(package), KEY], stdout=subprocess.PIPE, env=env, text=True
    )
    assert proc.stdout is not None
    first = proc.stdout.readline().split()
    assert first and first[0] == "ready", first
    ready = float(first[1])
    if kill_after is None:
        last = proc.stdout.readline().split()
        proc.wait(timeout=300)
        assert proc.returncode == 0 and last[0] == "done"
        return True, float(last[1]) - ready
    time.sleep(max(0.0, ready + kill_after - time.time()))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return proc.returncode == 0, kill_after


def test_a_kill_during_an_import_leaves_the_file_as_it_was_or_wholly_merged(
    setting: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    source, package, _folder = setting
    before = dump(source)
    whole = tmp_path / "whole.db"
    shutil.copy(source, whole)
    _done, seconds = run_import(whole, package, None)
    after = dump(whole)
    assert after != before
    rng = random.Random(16)
    outcomes = {"as it was": 0, "merged": 0}
    for n in range(KILLS):
        target = tmp_path / f"killed-{n}.db"
        shutil.copy(source, target)
        run_import(target, package, rng.uniform(0, seconds * 1.5))
        con = sqlite3.connect(target)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            con.close()
        found = dump(target)
        assert found in (before, after), f"kill {n}: neither the old data nor the merged data"
        outcomes["as it was" if found == before else "merged"] += 1
    print(f"\nimport took {seconds:.2f} s; {KILLS} kills: {outcomes}")
    assert outcomes["as it was"] > 0
