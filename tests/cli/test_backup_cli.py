"""``backup`` and ``restore`` on the command line, run as real processes."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from tests.support.builders import unit
from wsjc_desktop.storage.database import open_database


def run_answering(answer: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    """``run`` with ``answer`` typed at the prompt."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "wsjc_desktop", *args],
        capture_output=True,
        env=env,
        input=answer.encode("utf-8"),
        timeout=300,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def counts(db: Path) -> dict[str, int]:
    result = run("check", "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr.decode()
    found: dict[str, int] = json.loads(result.stdout)["counts"]
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database made once; each test works on its own copy."""
    path = tmp_path_factory.mktemp("backup-cli") / "demo.db"
    result = run("demo", "--db", str(path), "--seed", "5")
    assert result.returncode == 0, result.stderr.decode()
    return path


@pytest.fixture
def db(demo: Path, tmp_path: Path) -> Path:
    target = tmp_path / "wsjc.db"
    shutil.copyfile(demo, target)
    return target


def made_path(stdout: bytes) -> Path:
    match = re.search(r"已备份并校验：(.+)", stdout.decode())
    assert match, stdout.decode()
    return Path(match.group(1).strip())


def test_backup_list_and_restore_round_trip(db: Path, tmp_path: Path) -> None:
    before = counts(db)
    result = run("backup", "--db", str(db))
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    made = made_path(result.stdout)
    assert made.parent == tmp_path / "backups" and made.is_file()
    assert re.fullmatch(r"wsjc-\d{8}-\d{6}-manual\.db", made.name)
    assert f"监察对象 {before['cadres']}" in out and f"监督单位 {before['units']}" in out

    listing = run("backup", "--list", "--db", str(db))
    assert listing.returncode == 0, listing.stderr.decode()
    text = listing.stdout.decode()
    assert f"备份文件夹：{tmp_path / 'backups'}" in text
    assert "手动备份" in text and "完好" in text and str(made) in text

    # the data changes after the backup: a unit is added
    live = open_database(db)
    try:
        unit(live, "备份之后新建的单位")
    finally:
        live.dispose()
    assert counts(db)["units"] == before["units"] + 1

    # asked, and answered no: nothing changes
    untouched = digest(db)
    declined = run_answering("n\n", "restore", str(made), "--db", str(db))
    assert declined.returncode == 1, declined.stderr.decode()
    said = declined.stdout.decode()
    assert "备份时间：" in said and f"监察对象 {before['cadres']}" in said and "确定恢复吗" in said
    assert "已取消" in said
    assert digest(db) == untouched

    # answered yes: restored, with a safety copy of what was there
    accepted = run_answering("y\n", "restore", str(made), "--db", str(db))
    assert accepted.returncode == 0, accepted.stderr.decode()
    said = accepted.stdout.decode()
    match = re.search(r"恢复前的数据库已另存为：(.+)", said)
    assert match, said
    safety = Path(match.group(1).strip())
    assert safety.parent == tmp_path / "backups" and safety.name.endswith("-before-restore.db")
    assert counts(db) == before
    assert counts(safety)["units"] == before["units"] + 1

    relisted = run("backup", "--list", "--db", str(db)).stdout.decode()
    assert "恢复前的安全副本" in relisted


def test_backup_to_a_folder_and_restore_without_asking(db: Path, tmp_path: Path) -> None:
    usb = tmp_path / "U盘" / "备份"
    result = run("backup", "--db", str(db), "--to", str(usb))
    assert result.returncode == 0, result.stderr.decode()
    made = made_path(result.stdout)
    assert made.parent == usb
    assert not (tmp_path / "backups").exists()

    listing = run("backup", "--list", "--db", str(db), "--to", str(usb)).stdout.decode()
    assert made.name in listing

    result = run("restore", str(made), "--db", str(db), "--yes")
    assert result.returncode == 0, result.stderr.decode()
    assert "确定恢复吗" not in result.stdout.decode()
    assert "已恢复到" in result.stdout.decode()


def test_a_damaged_backup_is_refused(db: Path, tmp_path: Path) -> None:
    made = made_path(run("backup", "--db", str(db)).stdout)
    data = bytearray(made.read_bytes())
    data[:100] = b"\x00" * 100
    made.write_bytes(bytes(data))
    untouched = digest(db)

    result = run("restore", str(made), "--db", str(db), "--yes")
    assert result.returncode == 2
    assert "错误：" in result.stderr.decode() and "不能用来恢复" in result.stderr.decode()
    assert digest(db) == untouched
    assert sorted(p.name for p in made.parent.iterdir()) == [made.name]  # no safety copy

    listing = run("backup", "--list", "--db", str(db))
    assert listing.returncode == 0
    assert "有问题" in listing.stdout.decode()


def test_user_errors_exit_2_in_chinese(tmp_path: Path) -> None:
    missing = run("backup", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 2
    assert "数据库文件不存在" in missing.stderr.decode()
    assert not (tmp_path / "none.db").exists()

    blocker = tmp_path / "file"
    blocker.write_text("x")
    db = tmp_path / "wsjc.db"
    open_database(db).dispose()
    unwritable = run("backup", "--db", str(db), "--to", str(blocker / "sub"))
    assert unwritable.returncode == 2
    assert "无法使用备份文件夹" in unwritable.stderr.decode()

    nothing = run("restore", str(tmp_path / "no-such-backup.db"), "--db", str(db), "--yes")
    assert nothing.returncode == 2 and "备份文件不存在" in nothing.stderr.decode()


def test_encrypt_then_use_with_the_passphrase(tmp_path: Path) -> None:
    """``encrypt`` converts a plain file in place; later commands need the passphrase
    (WSJC_PASSPHRASE here, a prompt on a terminal); ``encrypt`` again changes it."""
    from wsjc_desktop.storage import crypto

    path = tmp_path / "wsjc.db"
    assert run("demo", "--db", str(path)).returncode == 0
    assert "区财政局".encode() in path.read_bytes()  # the plain file shows the names
    env = {**os.environ, "WSJC_NEW_PASSPHRASE": "correct horse 1"}

    def cli(*args: str, **extra: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "wsjc_desktop", *args],
            capture_output=True,
            env={**env, **extra},
            timeout=120,
        )

    done = cli("encrypt", "--db", str(path))
    assert done.returncode == 0, done.stderr.decode()
    assert crypto.is_encrypted(path)
    assert "区财政局".encode() not in path.read_bytes()  # no plaintext is left
    refused = cli("search", "张", "--db", str(path))
    assert refused.returncode == 2 and "加密" in refused.stderr.decode()
    found = cli("search", "区", "--db", str(path), "--json", WSJC_PASSPHRASE="correct horse 1")
    assert found.returncode == 0, found.stderr.decode()
    checked = cli("check", "--db", str(path), "--json", WSJC_PASSPHRASE="correct horse 1")
    assert checked.returncode == 0, checked.stderr.decode() + checked.stdout.decode()
    assert '"integrity": "ok"' in checked.stdout.decode()
    made = cli("backup", "--db", str(path), WSJC_PASSPHRASE="correct horse 1")
    assert made.returncode == 0, made.stderr.decode()
    changed = cli(
        "encrypt",
        "--db",
        str(path),
        WSJC_PASSPHRASE="correct horse 1",
        WSJC_NEW_PASSPHRASE="battery staple 2",
    )
    assert changed.returncode == 0, changed.stderr.decode()
    assert "已将 1 份备份改用新口令" in changed.stdout.decode()  # the backup follows the file
    wrong = cli("search", "区", "--db", str(path), WSJC_PASSPHRASE="correct horse 1")
    assert wrong.returncode == 2 and "口令不正确" in wrong.stderr.decode()
    listed = cli("backup", "--list", "--db", str(path), WSJC_PASSPHRASE="battery staple 2")
    assert listed.returncode == 0 and "完好（已加密）" in listed.stdout.decode(), listed.stdout.decode()
    [copy] = (tmp_path / "backups").glob("*.db")
    with pytest.raises(crypto.PassphraseError):
        crypto.check_key(copy, "correct horse 1")
