"""The command line on encrypted files (issue 15, point 3): ``restore`` of an encrypted backup
and ``import-roster`` into an encrypted database, the passphrase given in ``WSJC_PASSPHRASE``
(as every other command takes it); without it, a Chinese refusal and nothing changed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.support import demo_file, digest, run_cli
from tests.support.builders import unit
from tests.support.shared import ROSTER_SAMPLE
from wsjc_desktop.storage import crypto
from wsjc_desktop.storage.database import open_database

KEY = "correct horse 1"


def run(*args: str | Path, passphrase: str | None = KEY) -> subprocess.CompletedProcess[bytes]:
    """The command with ``WSJC_PASSPHRASE`` set to ``passphrase`` (None: not set at all)."""
    return run_cli(*args, env={"WSJC_PASSPHRASE": passphrase})


def rows(path: Path, table: str) -> int:
    db = open_database(path, readonly=True, key=KEY)
    try:
        with db.raw_read() as conn:
            return int(conn.execute(f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL").fetchone()[0])
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def encrypted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database, encrypted with KEY (made once; each test works on a copy)."""
    path = demo_file(tmp_path_factory.mktemp("encrypted-cli") / "demo.db")
    crypto.encrypt_existing(path, KEY)
    assert crypto.is_encrypted(path)
    return path


@pytest.fixture
def db_file(encrypted: Path, tmp_path: Path) -> Path:
    target = tmp_path / "wsjc.db"
    shutil.copyfile(encrypted, target)
    return target


def test_restore_an_encrypted_backup_with_the_passphrase_from_the_environment(
    db_file: Path, tmp_path: Path
) -> None:
    made = run("backup", "--db", db_file, "--to", tmp_path / "备份")
    assert made.returncode == 0, made.stderr.decode()
    found = re.search(r"已备份并校验：(.+)", made.stdout.decode())
    assert found, made.stdout.decode()
    backup = Path(found.group(1).strip())
    assert crypto.is_encrypted(backup)
    units = rows(db_file, "units")

    live = open_database(db_file, key=KEY)
    try:
        unit(live, "备份之后新建的单位")
    finally:
        live.dispose()
    assert rows(db_file, "units") == units + 1

    untouched = digest(db_file)
    refused = run("restore", backup, "--db", db_file, "--yes", passphrase=None)
    err = refused.stderr.decode()
    assert refused.returncode == 2 and "Traceback" not in err
    assert "WSJC_PASSPHRASE" in err and "加密" in err
    assert digest(db_file) == untouched

    restored = run("restore", backup, "--db", db_file, "--yes")
    assert restored.returncode == 0, restored.stderr.decode()
    assert "已恢复到" in restored.stdout.decode()
    assert crypto.is_encrypted(db_file)
    assert rows(db_file, "units") == units
    safety = re.search(r"恢复前的数据库已另存为：(.+)", restored.stdout.decode())
    assert safety, restored.stdout.decode()
    assert rows(Path(safety.group(1).strip()), "units") == units + 1


def test_import_roster_into_an_encrypted_database(db_file: Path) -> None:
    cadres = rows(db_file, "cadres")
    untouched = digest(db_file)
    refused = run("import-roster", ROSTER_SAMPLE, "--db", db_file, passphrase=None)
    err = refused.stderr.decode()
    assert refused.returncode == 2 and "Traceback" not in err and "加密" in err
    assert digest(db_file) == untouched

    dry = run("import-roster", ROSTER_SAMPLE, "--db", db_file, "--dry-run")
    assert dry.returncode == 0, dry.stderr.decode()
    assert "将新增 58 人" in dry.stdout.decode()
    assert digest(db_file) == untouched

    done = run("import-roster", ROSTER_SAMPLE, "--db", db_file)
    assert done.returncode == 0, done.stderr.decode()
    assert "已新增 58 人" in done.stdout.decode()
    assert rows(db_file, "cadres") == cadres + 58
    assert crypto.is_encrypted(db_file)
    assert "区财政局".encode() not in db_file.read_bytes()  # still no plaintext in the file

    wrong = run("import-roster", ROSTER_SAMPLE, "--db", db_file, passphrase="not the passphrase")
    assert wrong.returncode == 2 and "口令不正确" in wrong.stderr.decode()


NAME = "独一无二的监督单位"  # never readable in plaintext once the file is encrypted


@pytest.fixture
def plain_with_backup(tmp_path: Path) -> tuple[Path, Path]:
    """A plain database with a unit called NAME, and a plain backup of it beside it."""
    path = tmp_path / "wsjc.db"
    db = open_database(path)
    try:
        unit(db, NAME)
    finally:
        db.dispose()
    made = run("backup", "--db", path, passphrase=None)
    assert made.returncode == 0, made.stderr.decode()
    found = re.search(r"已备份并校验：(.+)", made.stdout.decode())
    assert found, made.stdout.decode()
    backup = Path(found.group(1).strip())
    assert not crypto.is_encrypted(backup) and NAME.encode() in backup.read_bytes()
    return path, backup


def plaintext_left(folder: Path) -> list[str]:
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and NAME.encode() in p.read_bytes()
    )


def encrypt(*args: str | Path, answer: str = "") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WSJC_NEW_PASSPHRASE": KEY}
    env.pop("WSJC_PASSPHRASE", None)
    return subprocess.run(
        [sys.executable, "-m", "wsjc_desktop", "encrypt", *map(str, args)],
        capture_output=True,
        env=env,
        input=answer.encode(),
        timeout=180,
    )


def test_encrypt_encrypts_the_plain_backups_too(plain_with_backup: tuple[Path, Path], tmp_path: Path) -> None:
    path, backup = plain_with_backup
    done = encrypt("--db", path)
    assert done.returncode == 0, done.stderr.decode()
    said = done.stdout.decode()
    assert "数据库已加密" in said and "已加密备份 1 份" in said
    assert crypto.is_encrypted(path) and crypto.is_encrypted(backup)
    assert plaintext_left(tmp_path) == []
    # listed as encrypted: checked with the passphrase, else named as needing it (never just 完好)
    checked = run("backup", "--list", "--db", path)
    assert checked.returncode == 0 and "完好（已加密）" in checked.stdout.decode()
    unchecked = run("backup", "--list", "--db", path, passphrase=None)
    assert unchecked.returncode == 0 and "已加密（需要口令才能校验）" in unchecked.stdout.decode()
    # a plain backup beside an encrypted database is named as such
    open_database(backup.with_name("wsjc-20200101-080000-manual.db")).dispose()
    listing = run("backup", "--list", "--db", path).stdout.decode()
    assert "完好（未加密：数据库已加密，这份备份却是明文）" in listing


def test_encrypt_removes_the_plain_backups_once_confirmed(
    plain_with_backup: tuple[Path, Path], tmp_path: Path
) -> None:
    path, backup = plain_with_backup
    declined = encrypt("--db", path, "--remove-backups", answer="n\n")
    assert declined.returncode == 1, declined.stderr.decode()
    assert "将删除 1 份未加密的备份" in declined.stdout.decode() and "已取消" in declined.stdout.decode()
    assert not crypto.is_encrypted(path) and backup.is_file()
    done = encrypt("--db", path, "--remove-backups", "--yes")
    assert done.returncode == 0, done.stderr.decode()
    assert "已删除未加密的备份 1 份" in done.stdout.decode()
    assert crypto.is_encrypted(path) and not backup.exists()
    assert plaintext_left(tmp_path) == []
