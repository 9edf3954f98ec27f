"""Restore and encryption killed at every one of their file-system steps, on a file system with
hard links and on one without (``os.link`` failing as on FAT/exFAT: a USB stick in portable mode;
and, where this machine can mount one, a real FAT file system).

Each operation is run once whole to list its steps, then again from a fresh copy for every step n,
killed at step n (:mod:`tests.crash.killpoints`: the step is not made, and nothing after it; some
scenarios also with a real SIGKILL in a worker process, :mod:`tests.crash.step_worker`). After each
kill:

* as the kill left it, the database's name holds the old file or the new one, whole (restore: with
  every commit, although the last ones were still only in the old file's ``-wal``); the one
  exception is the step on a file system without hard links where the old file has been renamed
  away and the new one not yet renamed in, and it is counted;
* then the next start's recovery runs (``recovery.recover_interrupted``, as ``open_database``
  calls it), and the database is in place, passes ``integrity_check``, holds the old content or
  the new and opens (with its passphrase if it is encrypted);
* nothing the operation made is left: no ``.partial``, ``.converting``, ``.old``, intent or aside
  file, in the database's folder or in the backup folder;
* once the database is encrypted, no file in either folder holds a known name in plaintext.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.crash.killpoints import count_steps, no_links, run_killed
from tests.crash.step_worker import KEY, NEW_KEY, NOW, OPERATIONS, cheap_key_derivation
from tests.support.builders import cadre, unit
from wsjc_desktop.services import backup
from wsjc_desktop.storage import crypto, recovery
from wsjc_desktop.storage.database import open_database

ROOT = Path(__file__).resolve().parents[2]
NAME = "欧阳震华"  # a cadre's name: never readable in plaintext once the file is encrypted
LAST = "最后一笔提交的单位"  # the unit of the old file's last commit, still only in its -wal
FS_KINDS = pytest.mark.parametrize("links", [True, False], ids=["hard-links", "no-hard-links"])
REAL_KILL = pytest.mark.skipif(
    sys.platform == "win32" or not hasattr(signal, "SIGKILL"), reason="a real SIGKILL needs POSIX"
)

OLD_UNITS = frozenset({"区财政局", "区教育局", LAST})
BACKUP_UNITS = frozenset({"区财政局"})


# --- what is on the disk ------------------------------------------------------------------------


def every_file(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file())


def hidden(*folders: Path) -> list[str]:
    """Files an operation made and left: every one of them has a name starting with a dot."""
    return [str(p) for p in every_file(*folders) if p.name.startswith(".")]


def plaintext(*folders: Path) -> list[str]:
    return [str(p) for p in every_file(*folders) if NAME.encode() in p.read_bytes()]


@dataclass(frozen=True)
class Content:
    encrypted: bool
    key: str | None
    units: frozenset[str]
    cadres: frozenset[str]


def content(path: Path, keys: tuple[str, ...] = ()) -> Content:
    """The file as the next start finds it: checked, then opened with the passphrase that fits."""
    encrypted = crypto.is_encrypted(path)
    key = None
    if encrypted:
        for candidate in keys:
            try:
                crypto.check_key(path, candidate)
            except crypto.PassphraseError:
                continue
            key = candidate
            break
        assert key is not None, f"{path.name}: no passphrase opens it"
    con = crypto.connect(path, key) if encrypted else sqlite3.connect(path)
    try:
        assert [r[0] for r in con.execute("PRAGMA integrity_check")] == ["ok"]
        units = frozenset(r[0] for r in con.execute("SELECT full_name FROM units"))
        cadres = frozenset(r[0] for r in con.execute("SELECT name FROM cadres"))
    finally:
        con.close()
    db = open_database(path, key=key)  # the next start: checked, upgraded, opened for writing
    try:
        with db.read() as uow:
            assert uow.session.execute(text("SELECT count(*) FROM units")).scalar_one() == len(units)
    finally:
        db.dispose()
    return Content(encrypted, key, units, cadres)


def as_found(path: Path, keys: tuple[str, ...], scratch: Path) -> frozenset[str] | None:
    """The units of the database at ``path`` as the kill left it, before anything recovers it:
    a copy of the file and its logs is opened (SQLite replays a log, as any program would).
    None if there is no file there; AssertionError if it does not open whole."""
    if not path.exists():
        return None
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    copy = scratch / path.name
    for end in ("", "-wal", "-journal"):
        if Path(f"{path}{end}").exists():
            shutil.copyfile(f"{path}{end}", f"{copy}{end}")
    if not crypto.is_encrypted(copy):
        con = sqlite3.connect(copy)
    else:
        con = None
        for key in keys:
            try:
                con = crypto.connect(copy, key)
                break
            except crypto.PassphraseError:
                continue
        assert con is not None, "an encrypted file no passphrase opens"
    try:
        assert [r[0] for r in con.execute("PRAGMA integrity_check")] == ["ok"]
        return frozenset(r[0] for r in con.execute("SELECT full_name FROM units"))
    finally:
        con.close()
        shutil.rmtree(scratch, ignore_errors=True)


@dataclass
class Sweep:
    """The outcome of one operation killed at each of its steps in turn."""

    steps: list[str]
    outcomes: dict[str, list[int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: the steps after which the database's name was empty until the next start (no hard links)
    empty_name: list[int] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"{len(self.steps)} steps:", *(f"  {i}. {s}" for i, s in enumerate(self.steps, 1))]
        lines += [f"{k}: {v}" for k, v in self.outcomes.items()]
        lines += [f"name empty until the next start after the kill at step {n}" for n in self.empty_name]
        return "\n".join([*lines, *self.problems])


def _links(links: bool) -> AbstractContextManager[None]:
    return nullcontext() if links else no_links()


def _worker(operation: str, folder: Path, n: int, links: bool) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "tests.crash.step_worker", operation, str(folder), str(n)]
    return subprocess.run(
        [*command, *([] if links else ["--no-links"])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def sweep(
    template: Path,
    work: Path,
    operation: str,
    check: Callable[[Path, int], str],
    *,
    links: bool,
    real: bool = False,
    recover_key: str | None = None,
    keys: tuple[str, ...] = (),
    units: tuple[frozenset[str], ...] | None = (OLD_UNITS,),
) -> Sweep:
    """Copy ``template`` to a fresh folder and run ``operation`` (of ``step_worker.OPERATIONS``)
    there killed at step n (``real``: a worker process that SIGKILLs itself); check that the
    database at its name is whole and holds one of ``units`` (None: not checked) or note that
    the name is empty; recover as the next start does, and ``check`` the folder (returns the
    outcome's name, raises AssertionError for a problem). For n = 1 … every step, and once not
    killed (n = 0)."""
    run = OPERATIONS[operation]

    def fresh(n: int) -> Path:
        folder = work / f"run-{n:03d}"
        shutil.copytree(template, folder)
        return folder

    first = fresh(0)
    if real:
        done = _worker(operation, first, 0, links)
        assert done.returncode == 0, done.stderr
        steps = done.stdout.splitlines()
    else:
        with _links(links):
            steps = count_steps(lambda: run(first), links=links)
    result = Sweep(steps)
    result.outcomes.setdefault(check(first, 0), []).append(0)
    for n in range(1, len(steps) + 1):
        folder = fresh(n)
        if real:
            killed = _worker(operation, folder, n, links)
            assert killed.returncode == -signal.SIGKILL, f"step {n}: {killed.returncode} {killed.stderr}"
            label = steps[n - 1]
        else:
            ran = run_killed(lambda folder=folder: run(folder), n, links=links)
            assert ran.dead, f"step {n} was never reached: {ran.calls}"
            label = ran.killed_at or "?"
        try:
            if units is None:  # a file that does not open: only whether it is there
                found = frozenset() if (folder / "wsjc.db").exists() else None
            else:
                found = as_found(folder / "wsjc.db", keys, work / "scratch")
            if found is None:
                result.empty_name.append(n)
            elif units is not None:
                assert found in units, f"as the kill left it: units {sorted(found)}"
            with _links(links):
                result.notes += recovery.recover_interrupted(folder / "wsjc.db", key=recover_key)
            outcome = check(folder, n)
        except AssertionError as exc:
            result.problems.append(f"killed at step {n} ({label}): {exc}")
            continue
        result.outcomes.setdefault(outcome, []).append(n)
        shutil.rmtree(folder)
    return result


@pytest.fixture(scope="module", autouse=True)
def _cheap_key_derivation() -> Iterator[None]:
    """Deriving a key costs SQLCipher a quarter of a second, and these tests open encrypted
    files thousands of times: here it derives with few iterations (process-wide, for the files
    made in this module only, and in the workers; put back afterwards). What is tested is the
    file steps."""
    before = cheap_key_derivation()
    try:
        yield
    finally:
        cheap_key_derivation(before)


@pytest.fixture
def work(tmp_path: Path) -> Iterator[Path]:
    """Where the runs happen: a memory file system if there is one (a kill here is simulated,
    so what ``fsync`` makes durable does not matter, and each of the hundreds of runs would
    otherwise wait for the disk), else ``tmp_path``."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="wsjc-kill-", dir=shm))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- templates ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def restore_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``wsjc.db`` whose three last commits are still only in its ``-wal`` (as a program killed
    after committing leaves it), and a backup made before the last two of them."""
    live = tmp_path_factory.mktemp("live")
    db = open_database(live / "wsjc.db")
    template = tmp_path_factory.mktemp("restore") / "folder"
    template.mkdir()
    try:
        cadre(db, unit(db, "区财政局"), NAME)
        made = backup.create_backup(db, now=NOW)
        unit(db, "区教育局")
        unit(db, LAST)
        # the files as they lie on the disk while the program runs (no checkpoint yet)
        shutil.copyfile(live / "wsjc.db", template / "wsjc.db")
        shutil.copyfile(live / "wsjc.db-wal", template / "wsjc.db-wal")
        shutil.copytree(made.path.parent, template / "backups")
    finally:
        db.dispose()
    alone = tmp_path_factory.mktemp("alone") / "wsjc.db"
    shutil.copyfile(template / "wsjc.db", alone)
    con = sqlite3.connect(alone)
    assert LAST not in {r[0] for r in con.execute("SELECT full_name FROM units")}  # the log matters
    con.close()
    return template


def _plain_db(folder: Path, *, backups: int = 0) -> None:
    db = open_database(folder / "wsjc.db")
    try:
        cadre(db, unit(db, "区财政局"), NAME)
        unit(db, "区教育局")
        for i in range(backups):
            backup.create_backup(db, now=NOW + timedelta(hours=i))
        unit(db, LAST)
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def plain_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plain") / "folder"
    folder.mkdir()
    _plain_db(folder)
    return folder


@pytest.fixture(scope="module")
def encrypted_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("encrypted") / "folder"
    folder.mkdir()
    _plain_db(folder)
    crypto.encrypt_existing(folder / "wsjc.db", KEY)
    return folder


@pytest.fixture(scope="module")
def with_backups_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain database and two plain backups of it (made before it is encrypted)."""
    folder = tmp_path_factory.mktemp("with-backups") / "folder"
    folder.mkdir()
    _plain_db(folder, backups=2)
    assert len(backup.plain_backups(folder / "backups", "wsjc")) == 2
    return folder


# --- restore ------------------------------------------------------------------------------------


def _check_restore(folder: Path, n: int) -> str:
    got = content(folder / "wsjc.db")
    assert got.units in (OLD_UNITS, BACKUP_UNITS), f"units {sorted(got.units)}"
    assert hidden(folder) == []
    for safety in (folder / "backups").glob("*-before-restore*.db"):
        kept = backup.verify_backup(safety)
        assert kept.ok and kept.counts["units"] == len(OLD_UNITS), f"safety copy {kept}"
    return "old" if got.units == OLD_UNITS else "new"


def _assert_restore(result: Sweep) -> None:
    print(result.summary())
    assert result.problems == [], result.summary()
    assert result.empty_name == [], result.summary()
    assert result.outcomes.get("old") and result.outcomes.get("new"), result.summary()
    assert any(s.startswith("replace(.wsjc.db.restore-") for s in result.steps)
    assert len(result.steps) >= 10


@FS_KINDS
def test_restore_killed_at_every_step(restore_template: Path, work: Path, links: bool) -> None:
    """Loss 1: the old file's -wal was deleted before the last rename, so a kill there left the
    old file without its last commits (integrity ok, no warning). Now the log is written into
    the old file first, and at every step the name holds the old file or the new one, whole."""
    units = (OLD_UNITS, BACKUP_UNITS)
    _assert_restore(sweep(restore_template, work, "restore", _check_restore, links=links, units=units))


@pytest.fixture(scope="module")
def damaged_template(restore_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database that no longer opens, with a -wal and a hot -journal beside it: they cannot be
    written into it, so the restore moves them aside (a log beside the new file would be
    replayed into it) and a kill puts them back."""
    folder = tmp_path_factory.mktemp("damaged") / "folder"
    shutil.copytree(restore_template, folder)
    (folder / "wsjc.db").write_bytes(b"\x00damaged" * 5000)
    (folder / "wsjc.db-journal").write_bytes(b"\x01journal" * 700)
    return folder


def _check_damaged_restore(template: Path) -> Callable[[Path, int], str]:
    def check(folder: Path, n: int) -> str:
        assert hidden(folder) == []
        db = folder / "wsjc.db"
        same = [(db.read_bytes() == (template / "wsjc.db").read_bytes())]
        for end in ("-wal", "-journal"):
            side = Path(f"{db}{end}")
            same.append(
                side.exists() and side.read_bytes() == Path(f"{template / 'wsjc.db'}{end}").read_bytes()
            )
        if all(same):
            return "old"
        assert not any(Path(f"{db}{end}").exists() for end in ("-wal", "-journal")), same
        assert content(db).units == BACKUP_UNITS
        for safety in (folder / "backups").glob("*-before-restore*.db"):
            assert safety.read_bytes() == (template / "wsjc.db").read_bytes()
        return "new"

    return check


@FS_KINDS
def test_restore_over_a_damaged_file_killed_at_every_step(
    damaged_template: Path, work: Path, links: bool
) -> None:
    result = sweep(
        damaged_template, work, "restore", _check_damaged_restore(damaged_template), links=links, units=None
    )
    print(result.summary())
    assert result.problems == [], result.summary()
    assert result.empty_name == [], result.summary()
    assert set(result.outcomes) == {"old", "new"}, result.summary()
    assert any(".aside-wal" in s for s in result.steps) and any(".aside-journal" in s for s in result.steps)


# --- encryption ----------------------------------------------------------------------------------


def _check_conversion(folder: Path, n: int) -> str:
    got = content(folder / "wsjc.db", (KEY, NEW_KEY))
    assert got.units == OLD_UNITS and got.cadres == {NAME}, f"{got}"
    assert hidden(folder) == []
    if got.encrypted:
        assert plaintext(folder) == []
    names = {p.name for p in folder.iterdir()}
    assert names <= {"wsjc.db", "wsjc.db-wal", "wsjc.db-shm"}, names
    if not got.encrypted:
        return "plain"
    return "old passphrase" if got.key == KEY else "new passphrase"


def _the_one_empty_step(result: Sweep, links: bool) -> None:
    """With hard links the name is never empty. Without, it is empty after exactly one step:
    the old file renamed away, the new one not yet renamed in (the next start undoes it)."""
    if links:
        assert result.empty_name == [], result.summary()
        return
    [n] = result.empty_name
    assert result.steps[n - 2].startswith("replace(wsjc.db, .wsjc.db."), result.summary()
    assert result.steps[n - 1].startswith("replace(.wsjc.db.") and "converting" in result.steps[n - 1]


def _assert_encrypt(result: Sweep, links: bool) -> None:
    print(result.summary())
    assert result.problems == [], result.summary()
    assert set(result.outcomes) == {"plain", "old passphrase"}, result.summary()
    _the_one_empty_step(result, links)
    assert any(s.startswith("replace(.wsjc.db.") and "converting" in s for s in result.steps)


@FS_KINDS
def test_encrypt_killed_at_every_step(plain_template: Path, work: Path, links: bool) -> None:
    """Losses 2 and 3: without hard links a kill at the second rename left no ``wsjc.db`` at all
    and the next start made an empty one; a kill between the swap and the wipe left the whole
    plaintext file as ``.wsjc.db.<token>.old`` for ever. Now the next start puts the old file
    back, or overwrites and deletes it once the encrypted one is in place."""
    _assert_encrypt(
        sweep(plain_template, work, "encrypt", _check_conversion, links=links, keys=(KEY,)), links
    )


@FS_KINDS
def test_change_passphrase_killed_at_every_step(encrypted_template: Path, work: Path, links: bool) -> None:
    keys = (KEY, NEW_KEY)
    result = sweep(encrypted_template, work, "change-passphrase", _check_conversion, links=links, keys=keys)
    print(result.summary())
    assert result.problems == [], result.summary()
    assert set(result.outcomes) == {"old passphrase", "new passphrase"}, result.summary()
    _the_one_empty_step(result, links)


@FS_KINDS
def test_decrypt_killed_at_every_step(encrypted_template: Path, work: Path, links: bool) -> None:
    result = sweep(encrypted_template, work, "decrypt", _check_conversion, links=links, keys=(KEY,))
    print(result.summary())
    assert result.problems == [], result.summary()
    assert set(result.outcomes) == {"plain", "old passphrase"}, result.summary()
    assert result.empty_name == [], result.summary()  # nothing to overwrite: no second name


# --- encryption with the backups -----------------------------------------------------------------


def _check_with_backups(action: str) -> Callable[[Path, int], str]:
    def check(folder: Path, n: int) -> str:
        backups = folder / "backups"
        got = content(folder / "wsjc.db", (KEY,))
        assert got.units == OLD_UNITS and got.cadres == {NAME}
        assert hidden(folder) == []  # the backup folder is inside: its temporaries too
        files = sorted(backups.glob("*.db"))
        if not got.encrypted:  # undone: the backups as they were
            assert len(files) == 2 and all(crypto.is_plain(f) for f in files), files
            assert all(backup.verify_backup(f).ok for f in files)
            return "plain"
        assert plaintext(folder) == []
        if action == "remove":
            assert files == []
        else:
            assert len(files) == 2 and all(crypto.is_encrypted(f) for f in files), files
            for made in files:
                ver = backup.verify_backup(made, KEY)
                assert ver.ok and ver.counts["units"] == 2, ver
        return "encrypted"

    return check


@pytest.mark.parametrize("action", ["convert", "remove"])
@FS_KINDS
def test_encrypt_with_backups_killed_at_every_step(
    with_backups_template: Path, work: Path, links: bool, action: str
) -> None:
    """Point 3 at every step: the database and its backups end encrypted (or the backups
    removed), or all stay as they were; the start that opens the file with its passphrase
    finishes the list of backups."""
    operation = "encrypt-with-backups" if action == "convert" else "encrypt-removing-backups"
    result = sweep(
        with_backups_template,
        work,
        operation,
        _check_with_backups(action),
        links=links,
        recover_key=KEY,
        keys=(KEY,),
    )
    print(result.summary())
    assert result.problems == [], result.summary()
    assert set(result.outcomes) == {"plain", "encrypted"}, result.summary()
    _the_one_empty_step(result, links)


@pytest.fixture(scope="module")
def encrypted_with_backups_template(
    with_backups_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """An encrypted database and its two backups, encrypted with it."""
    folder = tmp_path_factory.mktemp("encrypted-with-backups") / "folder"
    shutil.copytree(with_backups_template, folder)
    assert len(backup.encrypt_database(folder / "wsjc.db", KEY).converted) == 2
    return folder


def _check_rekeyed_backups(folder: Path, n: int) -> str:
    """The database under one passphrase, whole; its backups whole, each under the database's
    passphrase, or (killed after the database changed and before they all did) under the old
    one and named to the user by the start that opened the database."""
    notes = recovery.take_notes(folder / "wsjc.db")
    got = content(folder / "wsjc.db", (KEY, NEW_KEY))  # the start with the passphrase that opens it
    notes += recovery.take_notes(folder / "wsjc.db")
    assert got.encrypted and got.units == OLD_UNITS and got.cadres == {NAME}, f"{got}"
    assert hidden(folder) == [] and plaintext(folder) == []
    files = sorted((folder / "backups").glob("*.db"))
    assert len(files) == 2, files
    keys = []
    for made in files:
        key = KEY if backup.verify_backup(made, KEY).ok else NEW_KEY
        ver = backup.verify_backup(made, key)
        assert ver.ok and ver.counts["units"] == 2, ver
        keys.append(key)
    if got.key == KEY:
        assert keys == [KEY, KEY], keys  # undone: all as they were
        return "old passphrase"
    left = [f.name for f, key in zip(files, keys, strict=True) if key == KEY]
    if not left:
        return "new passphrase"
    [note] = [n for n in notes if "仍使用修改之前的口令" in n]
    assert all(name in note for name in left), note
    return "new passphrase, a backup left on the old one (named)"


@FS_KINDS
def test_change_passphrase_with_backups_killed_at_every_step(
    encrypted_with_backups_template: Path, work: Path, links: bool
) -> None:
    """The change of passphrase moves the backups too (so the old passphrase opens none of
    them). At every step the database and each backup stay whole under one of the two
    passphrases; a kill after the database changed and before its backups leaves those on
    the old passphrase (which the next start does not know) and the start names them."""
    result = sweep(
        encrypted_with_backups_template,
        work,
        "change-passphrase-with-backups",
        _check_rekeyed_backups,
        links=links,
        keys=(KEY, NEW_KEY),
    )
    print(result.summary())
    assert result.problems == [], result.summary()
    assert set(result.outcomes) == {
        "old passphrase",
        "new passphrase",
        "new passphrase, a backup left on the old one (named)",
    }, result.summary()
    assert result.outcomes["new passphrase"][0] == 0  # not killed: every backup moved
    _the_one_empty_step(result, links)


def test_backups_left_by_a_kill_wait_for_the_passphrase(with_backups_template: Path, work: Path) -> None:
    """Killed after the database was encrypted and before its backups: the start before the
    passphrase is known says so, a wrong passphrase changes nothing, and the start with the
    passphrase encrypts them."""
    probe = work / "probe"
    shutil.copytree(with_backups_template, probe)
    steps = count_steps(lambda: backup.encrypt_database(probe / "wsjc.db", KEY))
    n = steps.index("unlink(.wsjc.db.intent)") + 2  # the database is done: the backups come next
    folder = work / "folder"
    shutil.copytree(with_backups_template, folder)
    assert run_killed(lambda: backup.encrypt_database(folder / "wsjc.db", KEY), n).dead
    assert crypto.is_encrypted(folder / "wsjc.db")
    assert len(plaintext(folder / "backups")) == 2  # the plain backups are still there

    waiting = (
        f"上次加密数据库时还有 2 份备份没有加密（在“{folder / 'backups'}”中）。"
        "输入口令打开数据库后会自动加密它们。"
    )
    for key in (None, "not the passphrase"):
        assert recovery.recover_interrupted(folder / "wsjc.db", key=key) == [waiting]
        assert len(plaintext(folder / "backups")) == 2
    listed = backup.list_backups(folder / "backups", encrypted=True)
    assert [b.state for b in listed] == ["完好（未加密：数据库已加密，这份备份却是明文）"] * 2

    assert recovery.recover_interrupted(folder / "wsjc.db", key=KEY) == []
    assert plaintext(folder) == [] and hidden(folder) == []
    assert [b.state for b in backup.list_backups(folder / "backups", key=KEY)] == ["完好（已加密）"] * 2
    assert [b.state for b in backup.list_backups(folder / "backups")] == ["已加密（需要口令才能校验）"] * 2


# --- a real SIGKILL at every step -------------------------------------------------------------------


@REAL_KILL
def test_restore_with_a_real_sigkill_at_every_step(restore_template: Path, work: Path) -> None:
    units = (OLD_UNITS, BACKUP_UNITS)
    _assert_restore(
        sweep(restore_template, work, "restore", _check_restore, links=True, real=True, units=units)
    )


@REAL_KILL
@FS_KINDS
def test_encrypt_with_a_real_sigkill_at_every_step(plain_template: Path, work: Path, links: bool) -> None:
    result = sweep(plain_template, work, "encrypt", _check_conversion, links=links, real=True, keys=(KEY,))
    _assert_encrypt(result, links)


# --- a real FAT file system ---------------------------------------------------------------------------


@pytest.fixture
def vfat(tmp_path: Path) -> Iterator[Path]:
    """A FAT file system mounted from an image (needs root, mkfs.vfat and the kernel's vfat)."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a FAT image needs root")
    mkfs = shutil.which("mkfs.vfat") or shutil.which("mkfs.fat")
    if mkfs is None:
        pytest.skip("no mkfs.vfat (dosfstools) here")
    image = tmp_path / "stick.img"
    with image.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)
    made = subprocess.run([mkfs, str(image)], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"mkfs.vfat failed: {made.stderr.strip()}")
    mount = tmp_path / "stick"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-o", "loop,quiet", "-t", "vfat", str(image), str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a FAT image here: {mounted.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_restore_and_encrypt_on_a_real_fat_file_system(
    vfat: Path, restore_template: Path, plain_template: Path
) -> None:
    """The same sweeps where ``os.link`` fails because the file system has no hard links."""
    with pytest.raises(OSError):
        (vfat / "a").touch()
        os.link(vfat / "a", vfat / "b")
    (vfat / "a").unlink()
    units = (OLD_UNITS, BACKUP_UNITS)
    _assert_restore(
        sweep(restore_template, vfat / "restore", "restore", _check_restore, links=True, units=units)
    )
    result = sweep(plain_template, vfat / "encrypt", "encrypt", _check_conversion, links=True, keys=(KEY,))
    print(result.summary())
    assert result.problems == [], result.summary()
    assert set(result.outcomes) == {"plain", "old passphrase"}, result.summary()
    _the_one_empty_step(result, links=False)  # the file system refused the hard link itself
