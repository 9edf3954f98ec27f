"""The start-up check: damaged, foreign, newer and encrypted files, on real files; never a write."""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from tests.support.builders import cadre, unit
from wsjc_desktop.errors import SchemaTooNewError, UserError
from wsjc_desktop.storage import crypto, health, migrate
from wsjc_desktop.storage.crypto import PassphraseError
from wsjc_desktop.storage.database import DamagedDatabaseError, open_database
from wsjc_desktop.storage.health import HealthKind, check_file

KEY = "correct horse battery"
SCALE_100 = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "demo-scale100.db"


def filled(path: Path, *, key: str | None = None, units: int = 40) -> Path:
    """A database with a few hundred rows over many pages, the log folded in."""
    db = open_database(path, key=key)
    try:
        for n in range(units):
            unit_id = unit(db, f"第{n}监督单位", note="备注" * 200)
            for m in range(5):
                cadre(db, unit_id, f"干部{n}-{m}", note="情况说明" * 100)
    finally:
        db.dispose()
    return path


def corrupt_middle(path: Path, pages: int = 3, page_size: int = 4096) -> None:
    """Overwrite whole pages in the middle of the file with random bytes."""
    size = path.stat().st_size
    start = (size // 2) // page_size * page_size
    junk = random.Random(7).randbytes(pages * page_size)
    with path.open("r+b") as fh:
        fh.seek(start)
        fh.write(junk)


@pytest.fixture(scope="module")
def good_plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled(tmp_path_factory.mktemp("plain") / "wsjc.db")


@pytest.fixture(scope="module")
def good_encrypted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled(tmp_path_factory.mktemp("enc") / "wsjc.db", key=KEY)


def copy_of(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy" / "wsjc.db"
    target.parent.mkdir()
    shutil.copyfile(source, target)
    return target


def test_a_good_file_passes_and_is_not_written(good_plain: Path, tmp_path: Path) -> None:
    path = copy_of(good_plain, tmp_path)
    before = path.read_bytes()
    result = check_file(path)
    assert result.ok and result.kind is HealthKind.OK and result.problem == ""
    assert result.revision == migrate.HEAD and not result.encrypted
    assert 0 < result.seconds < 5
    assert path.read_bytes() == before


def test_a_good_encrypted_file_passes_with_its_key(good_encrypted: Path, tmp_path: Path) -> None:
    path = copy_of(good_encrypted, tmp_path)
    before = path.read_bytes()
    result = check_file(path, KEY)
    assert result.ok and result.encrypted and result.revision == migrate.HEAD
    missing = check_file(path)
    assert not missing.ok and missing.kind is HealthKind.NEEDS_KEY and missing.problem == crypto.MISSING_KEY
    wrong = check_file(path, "not the passphrase")
    assert wrong.kind is HealthKind.WRONG_KEY and wrong.problem == crypto.WRONG_KEY
    assert isinstance(wrong.error(), PassphraseError)
    assert path.read_bytes() == before


def test_missing_and_empty_files(tmp_path: Path) -> None:
    missing = check_file(tmp_path / "nope.db")
    assert not missing.ok and missing.kind is HealthKind.MISSING and "不存在" in missing.problem
    empty = tmp_path / "empty.db"
    empty.touch()
    assert check_file(empty).ok and check_file(empty).revision is None  # a new database


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_a_damaged_file_is_never_opened_for_writing(
    encrypted: bool, good_plain: Path, good_encrypted: Path, tmp_path: Path
) -> None:
    key = KEY if encrypted else None
    path = copy_of(good_encrypted if encrypted else good_plain, tmp_path)
    corrupt_middle(path)
    damaged = path.read_bytes()

    result = check_file(path, key)
    assert not result.ok and result.kind is HealthKind.DAMAGED and result.damaged
    assert result.problem.startswith("数据库文件已损坏")
    assert result.detail  # what SQLite found, for the log

    with pytest.raises(DamagedDatabaseError) as refused:
        open_database(path, key=key)
    assert refused.value.message.startswith("数据库文件已损坏")
    assert "备份" in refused.value.message
    assert isinstance(refused.value, UserError)
    assert refused.value.health is not None and refused.value.health.kind is HealthKind.DAMAGED
    assert path.read_bytes() == damaged  # byte for byte: nothing was written
    assert not list(path.parent.glob("backups"))  # no upgrade, no copy, nothing


def test_not_a_database_is_reported_as_damaged(tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    result = check_file(junk)
    assert result.kind is HealthKind.DAMAGED and "不是本程序的数据库文件" in result.problem
    with pytest.raises(DamagedDatabaseError):
        open_database(junk)
    assert junk.read_bytes() == b"this is not sqlite" * 100


def test_a_foreign_database_is_not_ours(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE stuff (x)")
    con.commit()
    con.close()
    result = check_file(path)
    assert result.kind is HealthKind.FOREIGN and "不是本程序的数据库文件" in result.problem
    assert not isinstance(result.error(), DamagedDatabaseError)


def test_a_newer_schema_is_reported_with_the_usual_message(good_plain: Path, tmp_path: Path) -> None:
    path = copy_of(good_plain, tmp_path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    result = check_file(path)
    assert result.kind is HealthKind.TOO_NEW and result.revision == "9999"
    assert "更新版本的程序" in result.problem and "9999" in result.problem
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError, match="更新版本的程序"):
        open_database(path)
    assert path.read_bytes() == before


def test_read_only_opening_refuses_a_newer_or_an_empty_file(good_plain: Path, tmp_path: Path) -> None:
    """Read-only, nothing can be created or upgraded: the file must hold a schema we can read."""
    path = copy_of(good_plain, tmp_path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError, match="更新版本的程序"):
        open_database(path, readonly=True)
    assert path.read_bytes() == before
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(UserError, match="空的数据库文件"):
        open_database(empty, readonly=True)
    assert empty.stat().st_size == 0


@pytest.mark.skipif(not SCALE_100.exists(), reason="benchmarks/data/demo-scale100.db not built")
def test_check_time_on_the_scale_100_demo(tmp_path: Path) -> None:
    """Measured on a copy: the benchmark file itself is never opened."""
    path = tmp_path / "scale100.db"
    shutil.copyfile(SCALE_100, path)
    try:
        check_file(path)  # the first read pulls the copy into the page cache
        started = time.perf_counter()
        result = check_file(path)
        seconds = time.perf_counter() - started
    finally:
        _remove(path)  # 260 MB: not left for pytest to keep
    size_mb = SCALE_100.stat().st_size / 1e6
    print(f"\nquick check of demo --scale 100 ({size_mb:.0f} MB, plain): {seconds:.2f} s")
    assert result.ok or result.kind is HealthKind.OK
    assert seconds < 30  # a bound for disasters only: a loaded machine is slow


@pytest.mark.slow
@pytest.mark.skipif(not SCALE_100.exists(), reason="benchmarks/data/demo-scale100.db not built")
def test_check_time_on_the_scale_100_demo_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "scale100.db"
    shutil.copyfile(SCALE_100, path)
    try:
        crypto.encrypt_existing(path, KEY)
        started = time.perf_counter()
        result = check_file(path, KEY)
        seconds = time.perf_counter() - started
    finally:
        _remove(path)
    print(f"\nquick check of demo --scale 100 (encrypted, key derivation included): {seconds:.2f} s")
    assert result.ok
    assert seconds < 60


def _remove(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def test_health_error_kinds() -> None:
    assert isinstance(health.Health(False, "x", kind=HealthKind.DAMAGED).error(), DamagedDatabaseError)
    assert isinstance(health.Health(False, "x", kind=HealthKind.TOO_NEW).error(), SchemaTooNewError)
    assert isinstance(health.Health(False, "x", kind=HealthKind.NEEDS_KEY).error(), PassphraseError)
    assert type(health.Health(False, "x", kind=HealthKind.FOREIGN).error()) is UserError


# --- the check behind the first screen ------------------------------------------------------


def test_a_background_check_lets_reads_through_and_holds_writes_until_it_has_passed(
    good_plain: Path, tmp_path: Path
) -> None:
    from tests.support.builders import unit as add_unit

    path = copy_of(good_plain, tmp_path)
    db = open_database(path, check_in_background=True)
    try:
        with db.raw_read() as conn:  # the first screen reads at once
            assert conn.execute("SELECT count(*) FROM units").fetchone()[0] == 40
        db.wait_checked()
        assert not db.check_pending and not db.check_failed
        add_unit(db, "检查通过后新建的单位")  # writes work once it has passed
        with db.raw_read() as conn:
            assert conn.execute("SELECT count(*) FROM units").fetchone()[0] == 41
    finally:
        db.dispose()


def test_a_background_check_that_fails_refuses_every_write_and_writes_nothing(
    good_plain: Path, tmp_path: Path
) -> None:
    from tests.support.builders import unit as add_unit

    path = copy_of(good_plain, tmp_path)
    corrupt_middle(path)
    damaged = path.read_bytes()
    db = open_database(path, check_in_background=True)  # the schema page is intact: it opens
    try:
        with pytest.raises(DamagedDatabaseError) as refused:
            add_unit(db, "不应写入")  # the write waits for the check, which fails
        assert refused.value.message.startswith("数据库文件已损坏")
        assert db.check_failed
        with pytest.raises(DamagedDatabaseError):
            db.wait_checked()  # and keeps failing
        with pytest.raises(DamagedDatabaseError):
            add_unit(db, "再试一次")
    finally:
        db.dispose()
    assert path.read_bytes() == damaged  # byte for byte
    assert (
        not path.with_name(path.name + "-wal").exists()
        or path.with_name(path.name + "-wal").stat().st_size == 0
    )


def test_files_that_are_not_current_are_checked_before_opening_even_in_the_background_mode(
    good_plain: Path, tmp_path: Path
) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"not a database at all" * 200)
    with pytest.raises(DamagedDatabaseError):
        open_database(path, check_in_background=True)  # unreadable: the usual check, at once
    new = tmp_path / "new.db"
    db = open_database(new, check_in_background=True)  # created: nothing to check
    try:
        assert not db.check_pending and not db.check_failed
    finally:
        db.dispose()
