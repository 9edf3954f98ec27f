"""Encryption at rest: SQLCipher files on disk, real passphrases, real conversions; no mocks."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, func, select, text
from sqlalchemy.pool import QueuePool

from tests.support.builders import cadre, unit
from wsjc_desktop.domain.models import Cadre, Unit
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import search
from wsjc_desktop.storage import backupio, cipher, crypto, migrate
from wsjc_desktop.storage.crypto import PassphraseError
from wsjc_desktop.storage.database import Database, open_database
from wsjc_desktop.storage.schema import include_name, include_object, metadata

KEY = "correct horse battery"
NAME = "欧阳震华"  # a cadre's name that must never be readable in an encrypted file


def raw_bytes(path: Path) -> bytes:
    """The file and any write-ahead log beside it, as they lie on disk."""
    data = path.read_bytes()
    for suffix in ("-wal", "-journal"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            data += side.read_bytes()
    return data


def plain_counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        return crypto.row_counts(con)
    finally:
        con.close()


def encrypted_counts(path: Path, key: str) -> dict[str, int]:
    con = crypto.connect(path, key, readonly=True)
    try:
        return crypto.row_counts(con)
    finally:
        con.close()


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture(scope="module")
def demo_plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain database with a year of demo records in every table, and one known cadre."""
    from wsjc_desktop.services.demo import generate_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db = open_database(path)
    try:
        generate_demo(db, scale=1, seed=1)
        cadre(db, unit(db, "区审计局"), NAME)
    finally:
        db.dispose()
    return path


@pytest.fixture
def plain_copy(demo_plain: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    target = folder / "wsjc.db"
    shutil.copyfile(demo_plain, target)
    return target


@pytest.fixture
def enc_db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path, key=KEY)
    yield database
    database.dispose()


# --- files and passphrases ---------------------------------------------------------------


def test_an_encrypted_file_holds_no_plaintext(tmp_path: Path) -> None:
    written: dict[str, Path] = {}
    for label, key in (("plain", None), ("encrypted", KEY)):
        path = tmp_path / f"{label}.db"
        db = open_database(path, key=key)
        assert db.encrypted is (key is not None)
        cadre(db, unit(db, "区财政局"), NAME)
        # look at the bytes while the database is still open (the log is not folded in yet)
        written[label] = path
        open_bytes = raw_bytes(path)
        db.dispose()
        closed_bytes = raw_bytes(path)
        if key is None:  # the control: the search does find the name in a plain file
            assert NAME.encode() in open_bytes + closed_bytes
            assert closed_bytes.startswith(crypto.SQLITE_HEADER)
        else:
            for data in (open_bytes, closed_bytes):
                assert NAME.encode() not in data
                assert "区财政局".encode() not in data
                assert b"SQLite format 3" not in data
                assert b"CREATE TABLE" not in data and b"alembic_version" not in data
    assert not crypto.is_encrypted(written["plain"])
    assert crypto.is_encrypted(written["encrypted"])
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(written["encrypted"]).execute("SELECT * FROM sqlite_master").fetchall()
    db = open_database(written["encrypted"], key=KEY)
    with db.read() as uow:
        assert uow.session.scalar(select(Cadre.name)) == NAME
    db.dispose()


def test_missing_or_wrong_passphrase_is_a_chinese_error_and_changes_nothing(db_path: Path) -> None:
    open_database(db_path, key=KEY).dispose()
    before = db_path.read_bytes()
    with pytest.raises(PassphraseError) as missing:
        open_database(db_path)
    assert missing.value.message == "该数据库已加密，请输入口令。"
    with pytest.raises(PassphraseError) as wrong:
        open_database(db_path, key="not the passphrase")
    assert wrong.value.message == "口令不正确，无法打开加密的数据库。"
    assert isinstance(wrong.value, UserError) and wrong.value.field == "passphrase"
    with pytest.raises(PassphraseError, match="口令不正确"):
        open_database(db_path, readonly=True, key="not the passphrase")
    with pytest.raises(PassphraseError, match="请输入口令"):
        open_database(db_path, readonly=True)
    with pytest.raises(PassphraseError, match="口令不正确"):
        crypto.check_key(db_path, KEY.upper())
    crypto.check_key(db_path, KEY)
    assert db_path.read_bytes() == before


def test_wrong_passphrase_prints_nothing(db_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """SQLCipher logs a failed HMAC check to stderr unless told not to."""
    open_database(db_path, key=KEY).dispose()
    capfd.readouterr()
    with pytest.raises(PassphraseError):
        crypto.check_key(db_path, "not the passphrase")
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_a_plain_file_opened_with_a_key_is_refused(db_path: Path) -> None:
    open_database(db_path).dispose()
    with pytest.raises(UserError, match="没有加密"):
        open_database(db_path, key=KEY)


def test_a_new_encrypted_database_needs_a_passphrase_of_eight_characters(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="至少需要 8 个字符"):
        open_database(tmp_path / "short.db", key="1234567")
    with pytest.raises(UserError, match="至少需要 8 个字符"):
        crypto.create_encrypted(tmp_path / "short.db", "abc")
    assert not (tmp_path / "short.db").exists()
    made = crypto.create_encrypted(tmp_path / "new.db", "八个字的中文口令")
    assert crypto.is_encrypted(made) and migrate.current_revision(made, "八个字的中文口令") == migrate.HEAD
    with pytest.raises(UserError, match="已存在"):
        crypto.create_encrypted(made, KEY)


def test_passphrase_rules_and_strength() -> None:
    for bad, message in (
        ("", "请输入口令"),
        ("        ", "空格"),
        ("abc", "至少需要 8 个字符"),
        ("x" * 300, "不能超过"),
    ):
        with pytest.raises(UserError, match=message):
            crypto.check_new_passphrase(bad)
    with pytest.raises(UserError, match="两次输入的口令不一致") as mismatch:
        crypto.check_new_passphrase("abcdefgh", "abcdefgX")
    assert mismatch.value.field == "confirmation"
    crypto.check_new_passphrase("abcdefgh", "abcdefgh")
    scores = [crypto.strength(p)[0] for p in ("abc", "abcdefgh", "Abcdefgh1234", "Tr0ub4dor&3-horse!")]
    assert scores == sorted(scores) and scores[0] == 0 and scores[-1] == 3
    assert crypto.strength("abc")[1] == "太短"


def test_is_encrypted_tells_files_apart(tmp_path: Path, enc_db: Database, db_path: Path) -> None:
    plain = tmp_path / "plain.db"
    open_database(plain).dispose()
    empty = tmp_path / "empty.db"
    empty.touch()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    assert crypto.is_encrypted(db_path)
    assert not crypto.is_encrypted(plain) and crypto.is_plain(plain)
    assert not crypto.is_encrypted(empty) and not crypto.is_encrypted(tmp_path / "missing.db")
    assert not crypto.is_encrypted(junk)  # not whole pages: damaged, not encrypted


# --- one connection, the key derived once -------------------------------------------------


def test_the_key_is_derived_once_across_many_units_of_work(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_database(db_path, key=KEY).dispose()
    keyed: list[Path] = []
    original = cipher.connect

    def counting_connect(path: Path | str, key: str | None, **kwargs: Any) -> Any:
        if key is not None:
            keyed.append(Path(path))  # every keyed connection derives the key once
        return original(path, key, **kwargs)

    monkeypatch.setattr(cipher, "connect", counting_connect)  # the one every keyed connection uses
    started = time.perf_counter()
    db = open_database(db_path, key=KEY)
    opened = time.perf_counter() - started
    engine_connects: list[object] = []
    event.listen(db.engine, "connect", lambda conn, _record: engine_connects.append(conn))
    started = time.perf_counter()
    for n in range(20):
        if n % 2:
            with db.read() as uow:
                assert uow.session.scalar(select(func.count(Unit.id))) == n // 2 + 1
        else:
            unit(db, f"第{n}单位")
    worked = time.perf_counter() - started
    print(f"\nencrypted: open {opened * 1000:.0f} ms, 20 units of work {worked * 1000:.0f} ms")
    assert len(keyed) == 1, keyed  # the connection that checked the key is the pool's
    assert len(engine_connects) == 1
    pool = db.engine.pool
    assert isinstance(pool, QueuePool) and pool.checkedin() == 1  # kept open between units of work
    db.dispose()


def test_other_threads_and_nested_units_of_work_are_safe(enc_db: Database) -> None:
    unit(enc_db, "区财政局")
    seen: list[object] = []
    errors: list[BaseException] = []

    def read_elsewhere() -> None:
        try:
            with enc_db.read() as uow:
                seen.append(uow.session.scalar(select(Unit.full_name)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=read_elsewhere) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
    assert not errors and seen == ["区财政局"] * 4
    # a unit of work inside another gets a connection of its own (and gives it back)
    with enc_db.read() as outer, enc_db.read() as inner:
        assert outer.session.connection().connection.dbapi_connection is not (
            inner.session.connection().connection.dbapi_connection
        )
        assert inner.session.scalar(select(Unit.full_name)) == "区财政局"
    pool = enc_db.engine.pool
    assert isinstance(pool, QueuePool) and pool.checkedin() == 1


def test_encrypted_connection_settings(enc_db: Database) -> None:
    with enc_db.read() as uow:
        conn = uow.session.connection()
        assert conn.execute(text("PRAGMA cipher_version")).scalar()
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_encrypted_read_only_database(enc_db: Database, db_path: Path) -> None:
    unit(enc_db, "区财政局")
    ro = open_database(db_path, readonly=True, key=KEY)
    assert ro.encrypted and ro.readonly
    with ro.read() as uow:
        assert uow.session.scalar(select(Unit.full_name)) == "区财政局"
    with pytest.raises(UserError, match="只读"), ro.uow():
        pass
    ro.dispose()


# --- converting files --------------------------------------------------------------------


def test_encrypt_existing_keeps_every_row(plain_copy: Path) -> None:
    before = plain_counts(plain_copy)
    assert sum(before.values()) > 10_000 and before["cadres"] > 100
    started = time.perf_counter()
    assert crypto.encrypt_existing(plain_copy, KEY) == plain_copy
    print(f"\nencrypted {plain_copy.stat().st_size // 1024} KB in {time.perf_counter() - started:.2f} s")
    assert files_in(plain_copy.parent) == ["wsjc.db"]  # nothing half-written, no plain copy left
    assert crypto.is_encrypted(plain_copy)
    assert NAME.encode() not in plain_copy.read_bytes()
    assert encrypted_counts(plain_copy, KEY) == before
    db = open_database(plain_copy, key=KEY)
    try:
        hits = search.search(db, NAME)
        assert [h.title for h in hits if h.kind == "cadres"] == [NAME]  # the full-text index came along
        with db.read() as uow:
            conn = uow.session.connection()
            conn.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
    finally:
        db.dispose()


def test_the_plain_original_is_kept_only_when_asked(plain_copy: Path, tmp_path: Path) -> None:
    original = plain_copy.read_bytes()
    kept = tmp_path / "before-encryption.db"
    crypto.encrypt_existing(plain_copy, KEY, keep_plain=kept)
    assert crypto.is_encrypted(plain_copy)
    assert kept.read_bytes()[100:] == original[100:]  # only the header's counters may differ
    assert plain_counts(kept) == encrypted_counts(plain_copy, KEY)
    assert files_in(plain_copy.parent) == ["wsjc.db"]


def test_a_failed_conversion_leaves_the_original_in_place(
    plain_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = plain_counts(plain_copy)

    def broken_copy(tmp: Path, key: str | None, expected: dict[str, int]) -> None:
        raise RuntimeError("copy differs")

    monkeypatch.setattr(crypto, "_verify_copy", broken_copy)
    with pytest.raises(RuntimeError, match="copy differs"):
        crypto.encrypt_existing(plain_copy, KEY)
    assert files_in(plain_copy.parent) == ["wsjc.db"]
    assert not crypto.is_encrypted(plain_copy) and plain_counts(plain_copy) == before


def test_an_open_database_is_not_converted(plain_copy: Path) -> None:
    db = open_database(plain_copy)
    try:
        with pytest.raises(UserError, match="正被本程序或其他程序使用"):
            crypto.encrypt_existing(plain_copy, KEY)
    finally:
        db.dispose()
    other = sqlite3.connect(plain_copy, isolation_level=None)  # a reader in the middle of reading
    other.execute("BEGIN")
    other.execute("SELECT count(*) FROM units").fetchone()
    try:
        with pytest.raises(UserError, match="正被本程序或其他程序使用"):
            crypto.encrypt_existing(plain_copy, KEY)
    finally:
        other.close()
    assert not crypto.is_encrypted(plain_copy)
    assert files_in(plain_copy.parent) == ["wsjc.db"]


def test_a_weak_passphrase_or_an_encrypted_file_is_refused(plain_copy: Path) -> None:
    with pytest.raises(UserError, match="至少需要"):
        crypto.encrypt_existing(plain_copy, "short")
    crypto.encrypt_existing(plain_copy, KEY)
    with pytest.raises(UserError, match="已经是加密的数据库"):
        crypto.encrypt_existing(plain_copy, KEY)


def test_change_passphrase(plain_copy: Path) -> None:
    before = plain_counts(plain_copy)
    crypto.encrypt_existing(plain_copy, KEY)
    with pytest.raises(PassphraseError):
        crypto.change_passphrase(plain_copy, "not the passphrase", "new passphrase 2026")
    crypto.change_passphrase(plain_copy, KEY, "new passphrase 2026")
    with pytest.raises(PassphraseError):
        crypto.check_key(plain_copy, KEY)
    assert encrypted_counts(plain_copy, "new passphrase 2026") == before
    assert files_in(plain_copy.parent) == ["wsjc.db"]


def test_decrypt_existing_is_the_reverse(plain_copy: Path) -> None:
    before = plain_counts(plain_copy)
    crypto.encrypt_existing(plain_copy, KEY)
    with pytest.raises(PassphraseError):
        crypto.decrypt_existing(plain_copy, "not the passphrase")
    crypto.decrypt_existing(plain_copy, KEY)
    assert crypto.is_plain(plain_copy) and plain_counts(plain_copy) == before
    assert files_in(plain_copy.parent) == ["wsjc.db"]
    db = open_database(plain_copy)
    assert not db.encrypted
    db.dispose()


# --- backups and migrations --------------------------------------------------------------


def test_a_backup_of_an_encrypted_database_stays_encrypted(enc_db: Database, tmp_path: Path) -> None:
    cadre(enc_db, unit(enc_db, "区财政局"), NAME)
    dest = tmp_path / "backup.db"
    steps: list[tuple[int, int]] = []
    backupio.online_backup(enc_db, dest, lambda done, total: steps.append((done, total)))
    assert steps and steps[-1][0] == steps[-1][1]
    assert crypto.is_encrypted(dest)
    assert NAME.encode() not in dest.read_bytes()
    with pytest.raises(PassphraseError, match="请输入口令"):
        backupio.open_raw(dest)
    with pytest.raises(PassphraseError, match="口令不正确"):
        backupio.open_raw(dest, "not the passphrase")
    con = backupio.open_raw(dest, KEY)
    try:
        assert con.execute("SELECT name FROM cadres").fetchall() == [(NAME,)]
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        with pytest.raises(backupio.db_errors(), match="readonly"):
            con.execute("DELETE FROM cadres")
    finally:
        con.close()
    restored = open_database(dest, key=KEY)
    with restored.read() as uow:
        assert uow.session.scalar(select(Cadre.name)) == NAME
    restored.dispose()


def test_a_backup_of_a_plain_database_stays_plain(db: Database, tmp_path: Path) -> None:
    unit(db, "区财政局")
    dest = tmp_path / "backup.db"
    backupio.online_backup(db, dest)
    assert crypto.is_plain(dest)
    con = backupio.open_raw(dest)
    try:
        assert con.execute("SELECT full_name FROM units").fetchall() == [("区财政局",)]
    finally:
        con.close()
    with pytest.raises(FileExistsError):
        backupio.online_backup(db, dest)


def test_an_older_encrypted_file_is_upgraded_after_an_encrypted_backup(db_path: Path) -> None:
    migrate.upgrade(db_path, "0001", key=KEY)
    assert crypto.is_encrypted(db_path)
    con = crypto.connect(db_path, KEY)
    con.execute(
        "INSERT INTO units (id, uid, full_name, short_name, unit_type, sort_order, in_scope,"
        " created_at, updated_at) VALUES (1, 'u-1', '区财政局', '财政局', 'agency', 1, 1,"
        " '2025-01-02 09:00:00', '2025-01-02 09:00:00')"
    )
    con.commit()
    con.close()
    assert migrate.current_revision(db_path, KEY) == "0001"
    db = open_database(db_path, key=KEY)
    db.dispose()
    assert migrate.current_revision(db_path, KEY) == migrate.HEAD
    backups = list((db_path.parent / "backups").glob("*.before-upgrade-0001-*"))
    assert len(backups) == 1
    backup = backups[0]
    assert crypto.is_encrypted(backup) and "区财政局".encode() not in backup.read_bytes()
    assert migrate.current_revision(backup, KEY) == "0001"
    with pytest.raises(PassphraseError):
        migrate.current_revision(backup)
    engine = crypto.engine(db_path, KEY)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(
                conn,
                opts={"compare_type": True, "include_object": include_object, "include_name": include_name},
            )
            assert list(compare_metadata(ctx, metadata)) == []
            assert conn.exec_driver_sql("SELECT full_name FROM units").fetchall() == [("区财政局",)]
    finally:
        engine.dispose()
