"""The next start's recovery (``recovery.recover_interrupted``) on what interrupted replacements
leave: files of older versions with no intent, an intent it cannot read, a lock held by a live
program. (Every step of restore and encryption killed in turn: ``tests/crash/test_kill_every_step``.)"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.support.builders import cadre, unit
from wsjc_desktop.storage import crypto, lock, recovery
from wsjc_desktop.storage.database import open_database

KEY = "correct horse battery"
NAME = "欧阳震华"


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def units(path: Path, key: str | None = None) -> set[str]:
    con = crypto.connect(path, key) if key else sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT full_name FROM units")}
    finally:
        con.close()


@pytest.fixture(scope="module")
def plain_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plain") / "wsjc.db"
    db = open_database(path)
    try:
        cadre(db, unit(db, "区财政局"), NAME)
    finally:
        db.dispose()
    return path


@pytest.fixture(scope="module")
def encrypted_file(plain_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("encrypted") / "wsjc.db"
    shutil.copyfile(plain_file, path)
    crypto.encrypt_existing(path, KEY)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


def test_nothing_to_do_is_one_listing_and_no_notes(folder: Path, plain_file: Path) -> None:
    shutil.copyfile(plain_file, folder / "wsjc.db")
    (folder / "other.db").write_bytes(b"not ours")
    (folder / ".other.db.1234abcd.old").write_bytes(b"another database's leftovers")
    assert recovery.recover_interrupted(folder / "wsjc.db") == []
    assert recovery.recover_interrupted(folder / "missing" / "wsjc.db") == []
    assert names(folder) == [".other.db.1234abcd.old", "other.db", "wsjc.db"]


# --- files left by versions that wrote no intent -------------------------------------------------


def test_an_old_file_moved_away_goes_back_when_the_name_is_empty(folder: Path, plain_file: Path) -> None:
    """The old version on FAT, killed between its two renames: no wsjc.db; the data in .old."""
    shutil.copyfile(plain_file, folder / ".wsjc.db.0badc0de.old")
    (folder / ".wsjc.db.0badc0de.converting").write_bytes(b"\x13" * 8192)  # encrypted, maybe whole
    (folder / ".wsjc.db.0badc0de.converting-journal").write_bytes(b"j" * 512)
    notes = recovery.recover_interrupted(folder / "wsjc.db")
    assert notes == ["上次转换数据库时被中断，已把原来的数据库放回“wsjc.db”。"]
    assert names(folder) == ["wsjc.db"]
    assert units(folder / "wsjc.db") == {"区财政局"}


def test_the_plaintext_old_file_beside_its_encrypted_successor_is_wiped(
    folder: Path, plain_file: Path, encrypted_file: Path
) -> None:
    """The old version killed between the swap and the wipe: the plaintext stayed for ever."""
    shutil.copyfile(encrypted_file, folder / "wsjc.db")
    old = folder / ".wsjc.db.5eed1e55.old"
    shutil.copyfile(plain_file, old)
    seen = old.open("rb")  # what the file's blocks hold when it is deleted
    try:
        notes = recovery.recover_interrupted(folder / "wsjc.db")
        assert notes == ["已清除上次加密数据库时留下的旧文件“.wsjc.db.5eed1e55.old”。"]
        assert names(folder) == ["wsjc.db"]
        left = seen.read()
        assert left and set(left) == {0}  # overwritten with zeros before it was deleted
    finally:
        seen.close()
    assert units(folder / "wsjc.db", KEY) == {"区财政局"}


def test_a_second_name_of_the_database_is_only_unlinked(folder: Path, plain_file: Path) -> None:
    """Killed between the hard link and the rename: the .old is the database itself; overwriting
    it would zero the database."""
    shutil.copyfile(plain_file, folder / "wsjc.db")
    os.link(folder / "wsjc.db", folder / ".wsjc.db.abcdef12.old")
    (folder / ".wsjc.db.abcdef12.converting").write_bytes(b"\x13" * 8192)
    assert recovery.recover_interrupted(folder / "wsjc.db") == []
    assert names(folder) == ["wsjc.db"]
    assert units(folder / "wsjc.db") == {"区财政局"}


def test_a_file_made_in_the_empty_name_is_reported_and_nothing_is_deleted(
    folder: Path, plain_file: Path
) -> None:
    """The old version's worst case: the name was empty, and the next start made a new empty
    database there. Neither file is touched; the user is told where the data is."""
    open_database(folder / "wsjc.db").dispose()
    shutil.copyfile(plain_file, folder / ".wsjc.db.feedf00d.old")
    (folder / ".wsjc.db.feedf00d.converting").write_bytes(b"\x13" * 8192)
    before = names(folder)
    notes = recovery.recover_interrupted(folder / "wsjc.db")
    assert len(notes) == 2 and all("请勿删除" in n for n in notes)
    assert ".wsjc.db.feedf00d.old" in notes[0] and "原来的数据库" in notes[0]
    assert names(folder) == before
    assert units(folder / ".wsjc.db.feedf00d.old") == {"区财政局"}


def test_an_old_file_beside_a_plain_database_is_reported(folder: Path, plain_file: Path) -> None:
    shutil.copyfile(plain_file, folder / "wsjc.db")
    shutil.copyfile(plain_file, folder / ".wsjc.db.0ddba11a.old")
    notes = recovery.recover_interrupted(folder / "wsjc.db")
    assert len(notes) == 1 and "可能是转换前的数据库" in notes[0]
    assert ".wsjc.db.0ddba11a.old" in names(folder)


def test_a_partial_restore_and_torn_intents_are_removed(folder: Path, plain_file: Path) -> None:
    shutil.copyfile(plain_file, folder / "wsjc.db")
    for leftover in (
        ".wsjc.db.restore-1a2b3c4d.partial",
        ".wsjc.db.restore-1a2b3c4d.partial-journal",
        "..wsjc.db.intent.x1y2z3.tmp",
        "..wsjc.db.backups.intent.q9w8e7.tmp",
    ):
        (folder / leftover).write_bytes(b"half written")
    recovery.recover_interrupted(folder / "wsjc.db")
    assert names(folder) == ["wsjc.db"]
    assert units(folder / "wsjc.db") == {"区财政局"}


def test_an_unreadable_intent_falls_back_to_the_names(folder: Path, plain_file: Path) -> None:
    shutil.copyfile(plain_file, folder / "wsjc.db")
    (folder / ".wsjc.db.intent").write_text("{not json", encoding="utf-8")
    (folder / ".wsjc.db.c0ffee00.converting").write_bytes(b"\x13" * 4096)
    recovery.recover_interrupted(folder / "wsjc.db")
    assert names(folder) == ["wsjc.db"]


def test_an_intent_of_another_format_is_not_acted_on_blindly(folder: Path, plain_file: Path) -> None:
    shutil.copyfile(plain_file, folder / "wsjc.db")
    (folder / ".wsjc.db.intent").write_text(json.dumps({"format": 99, "op": "x"}), encoding="utf-8")
    recovery.recover_interrupted(folder / "wsjc.db")
    assert names(folder) == ["wsjc.db"]
    assert units(folder / "wsjc.db") == {"区财政局"}


# --- who may recover ---------------------------------------------------------------------------


def test_nothing_is_touched_while_another_live_program_holds_the_lock(folder: Path, plain_file: Path) -> None:
    """A read-only instance (or a command without the lock) must not undo what the writer is
    doing at this moment."""
    shutil.copyfile(plain_file, folder / ".wsjc.db.0badc0de.old")  # looks like the empty name…
    info = lock.LockInfo(host=lock.current_host(), pid=os.getppid(), token="t", since=None, heartbeat=None)
    payload = json.loads(info.to_json())
    payload["since"] = payload["heartbeat"] = "2026-11-22T08:30:00+08:00"
    lock.lock_path(folder / "wsjc.db").write_text(json.dumps(payload), encoding="utf-8")
    assert not lock.is_stale(lock.read_lock(folder / "wsjc.db"))  # type: ignore[arg-type]
    assert recovery.recover_interrupted(folder / "wsjc.db") == []
    assert (folder / ".wsjc.db.0badc0de.old").exists() and not (folder / "wsjc.db").exists()


def test_the_lock_of_this_program_does_not_stop_it(folder: Path, plain_file: Path) -> None:
    shutil.copyfile(plain_file, folder / ".wsjc.db.0badc0de.old")
    with lock.acquire(folder / "wsjc.db"):
        assert recovery.recover_interrupted(folder / "wsjc.db") != []
    assert units(folder / "wsjc.db") == {"区财政局"}


# --- the list of backups an encryption left --------------------------------------------------------


def test_a_list_of_backups_is_dropped_when_the_encryption_never_happened(
    folder: Path, plain_file: Path
) -> None:
    shutil.copyfile(plain_file, folder / "wsjc.db")
    backups = folder / "backups"
    backups.mkdir()
    shutil.copyfile(plain_file, backups / "wsjc-20261122-083000-manual.db")
    recovery.write_pending(
        folder / "wsjc.db", backups, [backups / "wsjc-20261122-083000-manual.db"], "remove"
    )
    assert recovery.recover_interrupted(folder / "wsjc.db", key=KEY) == []
    assert names(folder) == ["backups", "wsjc.db"]
    assert names(backups) == ["wsjc-20261122-083000-manual.db"]  # the database is plain: kept


def test_a_list_of_backups_to_remove_needs_no_passphrase(
    folder: Path, plain_file: Path, encrypted_file: Path
) -> None:
    shutil.copyfile(encrypted_file, folder / "wsjc.db")
    backups = folder / "backups"
    backups.mkdir()
    made = backups / "wsjc-20261122-083000-manual.db"
    shutil.copyfile(plain_file, made)
    recovery.write_pending(folder / "wsjc.db", backups, [made], "remove")
    assert recovery.recover_interrupted(folder / "wsjc.db") == []
    assert names(backups) == [] and names(folder) == ["backups", "wsjc.db"]


def test_write_pending_refuses_an_unknown_action(folder: Path) -> None:
    with pytest.raises(ValueError, match="unknown action"):
        recovery.write_pending(folder / "wsjc.db", folder, [], "shred")


def test_the_notes_wait_for_whoever_shows_them(folder: Path, plain_file: Path) -> None:
    shutil.copyfile(plain_file, folder / ".wsjc.db.0badc0de.old")
    notes = recovery.recover_interrupted(folder / "wsjc.db")
    assert notes and recovery.take_notes(folder / "wsjc.db") == notes
    assert recovery.take_notes(folder / "wsjc.db") == []


def test_the_lock_of_a_program_that_died_does_not_stop_it(folder: Path, plain_file: Path) -> None:
    import subprocess
    import sys

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    info = lock.LockInfo(host=lock.current_host(), pid=int(gone.stdout), token="t")
    payload = json.loads(info.to_json())
    payload["since"] = payload["heartbeat"] = "2026-11-22T08:30:00+08:00"
    lock.lock_path(folder / "wsjc.db").write_text(json.dumps(payload), encoding="utf-8")
    shutil.copyfile(plain_file, folder / ".wsjc.db.0badc0de.old")
    assert recovery.recover_interrupted(folder / "wsjc.db") != []
    assert units(folder / "wsjc.db") == {"区财政局"}
