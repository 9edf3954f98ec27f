"""Crash safety: a program killed (SIGKILL) at random moments never damages the file or loses a
write it reported, an import is all or nothing, and the next start clears its lock and writes; a
restore or an encryption killed at a random moment leaves the old file or the new one, whole, and
nothing else.

The rounds run in sequence on one file so the data accumulates; ``benchmarks/soak_crash.py`` runs
the same harness for hundreds of kills (a quarter of them restores and encryptions).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
from pathlib import Path

import pytest

from tests.crash.harness import MARKER, CrashHarness, digest, leftovers, plaintext
from tests.crash.worker import ROSTER_ROWS, Journal, batch_tag, roster_rows, write_roster

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or not hasattr(signal, "SIGKILL"),
    reason="Windows has no SIGKILL (a process cannot be killed without warning there); CI runs Linux",
)

KILLS = 22


def test_killed_at_random_moments_the_file_stays_whole(tmp_path: Path) -> None:
    harness = CrashHarness(tmp_path / "crash", seed=20261122)
    lines: list[str] = []

    def note(number: int, mode: str, strategy: str, problems: list[str]) -> None:
        lines.append(f"{number}: {mode}/{strategy} {problems or 'ok'}")

    report = harness.run(KILLS, on_round=note)
    counts = {k: v for k, v in vars(report).items() if isinstance(v, int)}
    summary = "\n".join([*lines, str(counts), *report.problems])
    assert report.kills == KILLS >= 20
    assert report.problems == [], summary
    assert report.failures == 0
    assert report.integrity_failures == 0 and report.records_lost == 0 and report.imports_partial == 0
    # the kills really landed everywhere: at start-up, in a write, in an import, and left data
    assert report.strategies["startup"] >= 2, summary
    landed = report.kills_at_startup + report.kills_in_write + report.kills_between + report.kills_in_import
    assert landed == KILLS, summary
    assert report.kills_in_import >= 5, summary
    assert report.kills_in_write + report.kills_between >= 5, summary
    assert report.writes_committed >= 30 and report.imports_committed >= 2, summary
    assert report.stale_locks_cleared >= KILLS - report.kills_at_startup, summary
    assert report.checks > 300


def test_the_checks_notice_damage(tmp_path: Path) -> None:
    """The checker is not blind: lost, changed, half-imported and unreported data are all caught."""
    harness = CrashHarness(tmp_path / "crash", seed=5)
    for _ in range(16):  # two or three unless the machine is busy
        if harness.batches and sum(r.table == "cadres" for r in harness.records.values()) >= 2:
            break
        assert harness.round("mixed", "anytime") == []
    assert harness.batches, "no import finished in 16 rounds"
    assert harness.verify() == []
    cadres = sorted(r.id for r in harness.records.values() if r.table == "cadres")
    batch = next(iter(harness.batches))
    con = sqlite3.connect(harness.db_path)
    with con:
        con.execute("DELETE FROM cadres WHERE id = ?", (cadres[0],))  # a reported write lost
        con.execute("UPDATE cadres SET position = '改过' WHERE id = ?", (cadres[1],))  # a value changed
        con.execute("DELETE FROM cadres WHERE id = (SELECT max(id) FROM cadres WHERE note = ?)", (batch,))
        con.execute(
            "UPDATE cadres SET note = 'b999x1' WHERE id = (SELECT min(id) FROM cadres WHERE note = ?)",
            (batch,),
        )
        con.execute(
            "UPDATE units SET note = 'r999x1' WHERE id = (SELECT max(id) FROM units WHERE note IS NULL)"
        )
    con.close()
    problems = "\n".join(harness.verify())
    assert f"cadres {cadres[0]}" in problems and "is missing" in problems
    assert f"cadres {cadres[1]}" in problems and "改过" in problems
    assert f"batch {batch}: {ROSTER_ROWS - 2} cadres" in problems
    assert "batch b999x1 (1 cadres) was never reported imported" in problems
    assert "(r999x1) was never reported written" in problems
    report = harness.report
    assert report.records_lost >= 2 and report.values_wrong == 1
    assert report.imports_partial == 1 and report.phantoms == 1

    # a damaged page
    size = harness.db_path.stat().st_size
    with open(harness.db_path, "r+b") as fh:
        for offset in range(4096 * 2, size - 4096, 4096 * 3):
            fh.seek(offset + 100)
            fh.write(b"\xff" * 200)
    assert any("integrity" in p for p in harness.verify())
    assert report.integrity_failures == 1


def test_the_journal_ends_a_torn_line_before_writing(tmp_path: Path) -> None:
    log = tmp_path / "journal.jsonl"
    log.write_bytes(b'{"op": "begin", "n": 1}\n{"op": "do')  # killed in the middle of a line
    Journal(log).write(op="start", seed=2)
    lines = log.read_text(encoding="utf-8").split("\n")
    assert lines[1] == '{"op": "do'
    assert json.loads(lines[2])["op"] == "start"


def test_a_restore_and_an_encryption_killed_at_random_moments(tmp_path: Path) -> None:
    """One round of each (the soak runs fifty): a real SIGKILL at a moment drawn over the whole
    operation; the next start finds the old file or the new one whole, nothing left beside them,
    no plaintext beside an encrypted file, and the data of the other rounds intact."""
    planned = CrashHarness(tmp_path / "plan").plan(200, replace_every=4)
    assert [mode for mode, _ in planned[1:9:4]] == ["restore", "encrypt"]
    assert sum(mode in ("restore", "encrypt") for mode, _ in planned) == 50
    # the encryption's copy in memory where there is such a file system: SQLCipher's export
    # flushes every table to the disk, seconds for one file (the soak runs it on the disk)
    shm = Path("/dev/shm")
    scratch = Path(tempfile.mkdtemp(prefix="wsjc-crash-", dir=shm)) if os.access(shm, os.W_OK) else None
    harness = CrashHarness(tmp_path / "crash", seed=20261206, timing_runs=1, scratch=scratch)
    lines: list[str] = []
    try:
        for mode, strategy in [("writes", "anytime"), ("restore", "during"), ("encrypt", "during")]:
            problems = harness.round(mode, strategy)
            lines.append(f"{mode}/{strategy} {harness.outcome} {problems or 'ok'}")
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    report = harness.report
    summary = "\n".join([*lines, str(dict(report.timed)), *report.problems])
    assert report.kills == 3 and report.problems == [] and report.failures == 0, summary
    assert report.restore_rounds == 1 == report.restore_found_old + report.restore_found_new, summary
    assert report.encrypt_rounds == 1 == report.encrypt_found_plain + report.encrypt_found_encrypted, summary
    assert len(report.timed["restore"]) >= 1 and len(report.timed["encrypt"]) >= 1, summary
    assert harness.verify() == []


def test_the_restore_and_encrypt_checks_are_not_blind(tmp_path: Path) -> None:
    """What the restore and encrypt rounds look for is found: a file of a replacement left
    behind, the marker in plaintext, a changed row."""
    folder = tmp_path / "folder"
    (folder / "backups").mkdir(parents=True)
    kept = ("wsjc.db", "wsjc.db.lock", "journal.jsonl", "backups/wsjc-20261122-083000-manual.db")
    # not a restore's or a conversion's: a heartbeat of the writer lock killed half-way
    for name in (*kept, "wsjc.db.lock.93a6fa0ff688.tmp"):
        (folder / name).write_bytes(b"")
    assert leftovers(folder) == []
    left = [
        ".wsjc.db.intent",
        ".wsjc.db.backups.intent",
        ".wsjc.db.restore-1a2b3c4d.partial",
        ".wsjc.db.1a2b3c4d.converting-journal",
        ".wsjc.db.1a2b3c4d.old",
        ".wsjc.db.1a2b3c4d.aside-wal",
        "..wsjc.db.intent.x1y2.tmp",
        "backups/.wsjc-20261122-083000-before-restore.db.1a2b3c4d.partial",
        "backups/wsjc.db.partial",
    ]
    for name in left:
        (folder / name).write_bytes(b"")
    assert sorted(leftovers(folder)) == sorted(str(folder / name) for name in left)
    (folder / "backups" / "plain.db").write_bytes(b"SQLite format 3\x00 ... " + MARKER.encode() + b" ...")
    assert plaintext(MARKER, folder) == [str(folder / "backups" / "plain.db")]

    con = sqlite3.connect(folder / "wsjc.db")
    with con:
        for table in ("units", "cadres", "alert_notices"):
            con.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, note TEXT)")
            con.execute(f"INSERT INTO {table} (note) VALUES ('a')")
    before = digest(folder / "wsjc.db")
    with con:
        con.execute("UPDATE cadres SET note = 'b'")
    changed = digest(folder / "wsjc.db")
    assert changed != before and changed.differences(before) == "same row counts, different content"
    with con:
        con.execute("INSERT INTO units (note) VALUES ('c')")
    con.close()
    assert "'units': (2, 1)" in digest(folder / "wsjc.db").differences(before)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_generated_roster_imports_whole_and_reimports_as_updates(
    db: object, tmp_path: Path, suffix: str
) -> None:
    from wsjc_desktop.services import roster_import
    from wsjc_desktop.storage.database import Database

    assert isinstance(db, Database)
    tag = batch_tag(7, 3)
    first = write_roster(tmp_path / f"a{suffix}", roster_rows(tag, "科员"))
    preview = roster_import.preview_roster(db, first)
    assert preview.error_rows == 0 and len(preview.rows) == ROSTER_ROWS
    result = roster_import.import_roster(db, preview)
    assert (result.imported, result.skipped) == (ROSTER_ROWS, 0)
    again = write_roster(tmp_path / f"b{suffix}", roster_rows(tag, "副科长"))
    result = roster_import.import_roster(db, roster_import.preview_roster(db, again))
    assert (result.imported, result.updated, result.skipped) == (0, ROSTER_ROWS, 0)
