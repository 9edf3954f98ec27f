"""No plaintext left behind by encryption: the backups made before are encrypted too (or removed),
the listing tells encrypted and plain backups apart, and every file is its owner's only (0600)."""

from __future__ import annotations

import os
import stat
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.support.builders import cadre, unit
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import backup, settings
from wsjc_desktop.storage import crypto
from wsjc_desktop.storage.database import Database, open_database

KEY = "correct horse battery"
NAME = "欧阳震华"  # a cadre's name, searched for in every file after the encryption
NOW = datetime(2026, 11, 22, 8, 30, 0)
POSIX_MODES = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


def every_file(*folders: Path) -> list[Path]:
    return sorted(p for f in folders for p in f.rglob("*") if p.is_file())


def holding_name(*folders: Path) -> list[str]:
    """Files in which the cadre's name can be read as it is (UTF-8, as SQLite stores it)."""
    return [str(p) for p in every_file(*folders) if NAME.encode() in p.read_bytes()]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def with_backups(db: Database, db_path: Path) -> Path:
    """A plain database with a start backup, a manual one, a before-restore safety copy and a
    before-upgrade copy: every kind of plain copy the backup folder holds."""
    cadre(db, unit(db, "区财政局"), NAME)
    backup.auto_backup(db, "start", now=NOW)
    made = backup.create_backup(db, now=NOW + timedelta(hours=1))
    unit(db, "区教育局")
    db.dispose()
    backup.restore(made.path, db_path, now=NOW + timedelta(hours=2))
    folder = db_path.parent / "backups"
    upgrade_copy = folder / "wsjc.before-upgrade-0003-20261120-080000.db"
    upgrade_copy.write_bytes(made.path.read_bytes())
    # a backup killed half-way, an hour ago: its partial file holds plaintext too
    partial = folder / ".wsjc-20261122-093000-exit.db.1a2b3c4d.partial"
    partial.write_bytes(made.path.read_bytes())
    assert NAME.encode() in partial.read_bytes()
    assert len(backup.plain_backups(folder, "wsjc")) == 4
    assert holding_name(folder)  # the control: the name is readable in the plain backups
    return folder


def test_encrypting_encrypts_every_backup_and_leaves_no_plaintext(with_backups: Path, db_path: Path) -> None:
    before = {p.name: backup.verify_backup(p).counts for p in backup.plain_backups(with_backups, "wsjc")}
    result = backup.encrypt_database(db_path, KEY)
    assert sorted(p.name for p in result.converted) == sorted(before)
    assert result.removed == () and result.failed == {} and result.backup_dir == with_backups
    assert crypto.is_encrypted(db_path)
    assert holding_name(db_path.parent, with_backups) == []  # the database's folder holds the backups'
    assert [p.name for p in every_file(db_path.parent) if p.name.startswith(".")] == []
    for info in backup.list_backups(with_backups, key=KEY):
        assert info.encrypted and info.verified and info.state == "完好（已加密）"
        assert info.counts == before[info.path.name]
    assert {b.state for b in backup.list_backups(with_backups)} == {"已加密（需要口令才能校验）"}
    wrong = backup.list_backups(with_backups, key="not the passphrase")
    assert {b.state for b in wrong} == {"已加密（口令不符，可能是修改口令之前的备份）"}
    reopened = open_database(db_path, key=KEY)
    try:
        assert backup.current_counts(reopened)["cadres"] == 1
    finally:
        reopened.dispose()


def test_encrypting_can_remove_the_plain_backups_instead(with_backups: Path, db_path: Path) -> None:
    plain = backup.plain_backups(with_backups, "wsjc")
    result = backup.encrypt_database(db_path, KEY, backups="remove")
    assert sorted(result.removed) == sorted(plain) and result.converted == ()
    assert every_file(with_backups) == []
    assert holding_name(db_path.parent) == []


def test_a_backup_that_cannot_be_encrypted_is_named_and_marked(db: Database, db_path: Path) -> None:
    cadre(db, unit(db, "区财政局"), NAME)
    good = backup.create_backup(db, now=NOW)
    bad = backup.create_backup(db, now=NOW + timedelta(hours=1))
    db.dispose()
    data = bytearray(bad.path.read_bytes())
    data[4096 : 4096 * 3] = b"\x5a" * 8192  # damaged pages
    bad.path.write_bytes(bytes(data))
    result = backup.encrypt_database(db_path, KEY)
    assert result.converted == (good.path,)
    assert list(result.failed) == [bad.path] and "已损坏" in result.failed[bad.path]
    states = {b.path: b.state for b in backup.list_backups(good.path.parent, key=KEY)}
    assert states[good.path] == "完好（已加密）"
    assert states[bad.path].startswith("有问题") or "未加密" in states[bad.path]
    [info] = [b for b in backup.list_backups(good.path.parent, key=KEY) if b.path == bad.path]
    assert not info.encrypted and info.should_be_encrypted


def test_a_plain_backup_of_an_encrypted_database_is_not_called_sound(db: Database, db_path: Path) -> None:
    made = backup.create_backup(db, now=NOW)
    db.dispose()
    [info] = backup.list_backups(made.path.parent)
    assert info.state == "完好"  # a plain database: a plain backup is as it should be
    [info] = backup.list_backups(made.path.parent, encrypted=True)
    assert info.verified and info.state == "完好（未加密：数据库已加密，这份备份却是明文）"


def test_the_backup_folder_of_the_settings_is_the_one_encrypted(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "U盘备份"
    settings.set_many(db, {"folders.backup": str(elsewhere)})
    cadre(db, unit(db, "区财政局"), NAME)
    made = backup.create_backup(db, now=NOW)
    db.dispose()
    assert made.path.parent == elsewhere
    result = backup.encrypt_database(db_path, KEY)
    assert result.backup_dir == elsewhere and result.converted == (made.path,)
    assert holding_name(elsewhere, db_path.parent) == []


def test_what_encrypt_database_refuses(db: Database, db_path: Path) -> None:
    db.dispose()
    with pytest.raises(ValueError, match="unknown choice"):
        backup.encrypt_database(db_path, KEY, backups="keep")  # type: ignore[arg-type]
    with pytest.raises(UserError, match="至少需要"):
        backup.encrypt_database(db_path, "short")
    backup.encrypt_database(db_path, KEY)
    with pytest.raises(UserError, match="已经是加密的数据库"):
        backup.encrypt_database(db_path, KEY)
    assert [p.name for p in db_path.parent.iterdir() if p.name.startswith(".")] == []


def test_a_failed_encryption_keeps_the_backups_as_they_were(
    with_backups: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = {p: p.read_bytes() for p in backup.plain_backups(with_backups, "wsjc")}

    def broken(tmp: Path, key: str | None, expected: dict[str, int]) -> None:
        raise RuntimeError("copy differs")

    monkeypatch.setattr(crypto, "_verify_copy", broken)
    with pytest.raises(RuntimeError, match="copy differs"):
        backup.encrypt_database(db_path, KEY)
    assert not crypto.is_encrypted(db_path)
    assert {p: p.read_bytes() for p in plain} == plain
    assert [p.name for p in every_file(db_path.parent) if p.name.startswith(".")] == []


def test_restore_refuses_a_database_open_in_this_program(db: Database, db_path: Path) -> None:
    made = backup.create_backup(db, now=NOW)
    with pytest.raises(UserError, match="正被其他程序使用"):
        backup.restore(made.path, db_path)
    assert [p.name for p in db_path.parent.iterdir() if p.name.startswith(".")] == []


# --- readable by their owner only ----------------------------------------------------------------


@POSIX_MODES
def test_backups_restored_and_encrypted_files_are_the_owners_only(db: Database, db_path: Path) -> None:
    old = os.umask(0o022)  # the usual: new files readable by everyone
    try:
        cadre(db, unit(db, "区财政局"), NAME)
        made = backup.create_backup(db, now=NOW)
        assert mode(made.path) == 0o600
        started = backup.auto_backup(db, "start", now=NOW + timedelta(days=1))
        assert started is not None and mode(started.path) == 0o600
        db.dispose()
        safety = backup.restore(made.path, db_path, now=NOW + timedelta(days=2))
        assert safety is not None and mode(safety) == 0o600
        assert mode(db_path) == 0o600
        damaged = db_path.parent / "damaged.db"
        damaged.write_bytes(b"\x00garbage" * 600)
        copy = backup.restore(
            made.path, damaged, now=NOW + timedelta(days=3), safety_dir=db_path.parent / "b2"
        )
        assert copy is not None and mode(copy) == 0o600 and mode(damaged) == 0o600  # copied by bytes
        os.chmod(db_path, 0o644)  # a file from before this version
        backup.encrypt_database(db_path, KEY)
        assert mode(db_path) == 0o600
        for path in backup.list_backups(made.path.parent):
            assert mode(path.path) == 0o600, path.path
    finally:
        os.umask(old)


NEW_KEY = "新的口令 staple 2026"


def test_changing_the_passphrase_moves_the_backups_to_the_new_one(with_backups: Path, db_path: Path) -> None:
    """Issue 15, left from point 3: after a change of passphrase the old one opened every backup
    (listed 口令不符 under the new one). Now the backups follow the database; a backup under a
    passphrase that is neither (another group's file copied in) is left alone and not counted."""
    backup.encrypt_database(db_path, KEY)
    stranger = with_backups / "wsjc-20261101-080000-manual.db"
    open_database(stranger).dispose()
    crypto.encrypt_existing(stranger, "another group's passphrase")
    before = {b.path.name: b.counts for b in backup.list_backups(with_backups, key=KEY) if b.verified}
    assert len(before) == 4

    result = backup.change_database_passphrase(db_path, KEY, NEW_KEY)

    assert sorted(p.name for p in result.converted) == sorted(before)
    assert result.failed == {} and result.backup_dir == with_backups
    crypto.check_key(db_path, NEW_KEY)
    states = {b.path.name: b for b in backup.list_backups(with_backups, key=NEW_KEY)}
    for name, counts in before.items():
        assert states[name].state == "完好（已加密）" and states[name].counts == counts
    assert states[stranger.name].state == "已加密（口令不符，可能是修改口令之前的备份）"
    for path in [db_path, *(with_backups / name for name in before)]:
        with pytest.raises(crypto.PassphraseError):
            crypto.check_key(path, KEY)  # the old passphrase opens nothing of the group's
    crypto.check_key(stranger, "another group's passphrase")
    assert holding_name(db_path.parent) == []
    assert [p.name for p in every_file(db_path.parent) if p.name.startswith(".")] == []


def test_what_changing_the_passphrase_refuses_changes_nothing(with_backups: Path, db_path: Path) -> None:
    digests = {p: p.read_bytes() for p in every_file(db_path.parent)}
    with pytest.raises(UserError, match="不是加密的数据库"):  # still plain
        backup.change_database_passphrase(db_path, KEY, NEW_KEY)
    assert {p: p.read_bytes() for p in every_file(db_path.parent)} == digests
    backup.encrypt_database(db_path, KEY)
    digests = {p: p.read_bytes() for p in every_file(db_path.parent)}
    with pytest.raises(crypto.PassphraseError):
        backup.change_database_passphrase(db_path, "not the passphrase", NEW_KEY)
    with pytest.raises(UserError):
        backup.change_database_passphrase(db_path, KEY, "short")
    assert {p: p.read_bytes() for p in every_file(db_path.parent)} == digests
