"""A database and its backups on read-only media (a write-protected stick, a CD, a read-only
folder): checking, listing and restoring from them work, reading commands read, writing commands
are refused in Chinese, and nothing on the medium changes. Issue 15, point 8."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.cli.support import count, demo_file, digest, refused, run_cli
from tests.support.media import Medium
from wsjc_desktop.storage import crypto

KEY = "correct horse 1"


def ok(result: subprocess.CompletedProcess[bytes]) -> str:
    out = result.stdout.decode("utf-8")
    err = result.stderr.decode("utf-8")
    assert result.returncode == 0, f"exit {result.returncode}\n{out[-800:]}\n{err[-2000:]}"
    assert "Traceback" not in err
    return out


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database with one backup (made by the program) in its backups folder."""
    path = demo_file(tmp_path_factory.mktemp("ro-source") / "wsjc.db")
    ok(run_cli("backup", "--db", path))
    return path


def wal_marked_copy(source: Path, target: Path) -> None:
    """A backup as the program wrote them before: SQLite's online backup of a WAL-mode file,
    which keeps the WAL mark (the file then wants a -shm beside it even to be read)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    assert target.read_bytes()[18:20] == b"\x02\x02"


def put_on(medium: Medium, source: Path) -> tuple[Path, list[Path]]:
    """The database and its backups copied onto the medium (as a user would to a stick)."""
    shutil.copytree(source.parent / "backups", medium.path / "backups")
    db = medium.path / source.name
    shutil.copy2(source, db)
    backups = sorted((medium.path / "backups").glob("*.db"))
    assert backups
    return db, backups


def test_a_backup_is_one_file_in_rollback_journal_mode(source: Path) -> None:
    (backup,) = sorted((source.parent / "backups").glob("*-manual.db"))
    assert backup.read_bytes()[18:20] == b"\x01\x01"  # not WAL: nothing needed beside it
    assert sorted(p.name for p in backup.parent.iterdir()) == [backup.name]
    ok(run_cli("backup", "--list", "--db", source))
    assert sorted(p.name for p in backup.parent.iterdir()) == [backup.name]  # reading leaves nothing


def test_check_list_and_restore_from_read_only_media(source: Path, medium: Medium, tmp_path: Path) -> None:
    db, backups = put_on(medium, source)
    old_style = medium.path / "backups" / "wsjc-20260101-080000-manual.db"
    wal_marked_copy(source, old_style)
    medium.protect()
    before = medium.listing()

    checked = ok(run_cli("check", "--db", db))
    assert "完整性：正常" in checked and "检查结果：ok" in checked

    listed = ok(run_cli("backup", "--list", "--db", db))
    assert str(medium.path / "backups") in listed
    assert listed.count("完好") == 2, listed  # the new backup and the old WAL-marked one
    assert "有问题" not in listed

    # restore into a writable place from each backup on the medium, the old kind included
    for number, backup in enumerate([*backups, old_style]):
        target = tmp_path / f"restored-{number}.db"
        shutil.copy2(source, target)
        ok(run_cli("restore", backup, "--db", target, "--yes"))
        assert count(target, "cadres") == count(source, "cadres")
        ok(run_cli("check", "--db", target))

    assert medium.listing() == before  # nothing added to, or changed on, the medium


def test_reading_commands_read_and_writing_commands_are_refused_on_read_only_media(
    source: Path, medium: Medium, tmp_path: Path
) -> None:
    db, _backups = put_on(medium, source)
    medium.protect()
    before = medium.listing()
    kept = digest(db)

    stats = ok(run_cli("stats", "--db", db, "--json"))
    assert '"talks"' in stats or "谈话" in stats
    found = ok(run_cli("search", "--db", db, "王"))
    assert "[监察对象]" in found
    out = tmp_path / "cadres.xlsx"
    exported = run_cli("export", "cadres", "--db", db, "--out", out)
    assert exported.returncode == 0 and out.stat().st_size > 0, exported.stderr.decode()
    assert "只读" in exported.stderr.decode()  # told that it is not noted in the audit log
    copied = ok(run_cli("backup", "--db", db, "--to", tmp_path / "copies"))
    made = Path(re.search(r"已备份并校验：(.+)", copied).group(1).strip())  # type: ignore[union-attr]
    assert made.read_bytes()[18:20] == b"\x01\x01"

    for command in (
        ["demo", "--db", db],
        ["print", "talk", "1", "--db", db, "--out", tmp_path / "talk.pdf"],
        ["restore", made, "--db", db, "--yes"],
    ):
        refused(run_cli(*command), "只读", "锁文件")
    assert medium.listing() == before and digest(db) == kept


def test_a_database_on_read_only_media_with_its_log_beside_it_is_refused_in_words(
    source: Path, medium: Medium
) -> None:
    """Read ``immutable``, the file would be read without the transactions in its -wal: the
    user is told to copy both files to a writable folder instead."""
    db = medium.path / "wsjc.db"
    shutil.copy2(source, db)
    Path(f"{db}-wal").write_bytes(b"\0" * 4096)
    medium.protect()
    for command in (["check", "--db", db], ["stats", "--db", db], ["backup", "--list", "--db", db]):
        result = run_cli(*command)
        if command[0] == "backup":  # the listing reads the backups, not the database
            ok(result)
            continue
        message = refused(result, "日志文件")
        assert "wsjc.db-wal" in message and "复制到可写的文件夹" in message


def test_an_encrypted_database_and_its_backups_on_read_only_media(
    source: Path, medium: Medium, tmp_path: Path
) -> None:
    plain = tmp_path / "wsjc.db"
    shutil.copy2(source, plain)
    shutil.copytree(source.parent / "backups", tmp_path / "backups")
    encrypted = run_cli("encrypt", "--db", plain, env={"WSJC_NEW_PASSPHRASE": KEY}, timeout=300)
    ok(encrypted)
    assert crypto.is_encrypted(plain)
    ok(run_cli("backup", "--db", plain, env={"WSJC_PASSPHRASE": KEY}))  # an encrypted online copy
    db, backups = put_on(medium, plain)
    assert len(backups) == 2 and all(crypto.is_encrypted(b) for b in backups)
    medium.protect()
    env = {"WSJC_PASSPHRASE": KEY}
    assert "检查结果：ok" in ok(run_cli("check", "--db", db, env=env))
    listed = ok(run_cli("backup", "--list", "--db", db, env=env))
    assert listed.count("完好（已加密）") == 2 and "有问题" not in listed
    for number, backup in enumerate(backups):
        target = tmp_path / f"restored-{number}.db"
        ok(run_cli("restore", backup, "--db", target, "--yes", env=env))
        assert crypto.is_encrypted(target)
        assert "检查结果：ok" in ok(run_cli("check", "--db", target, env=env))
