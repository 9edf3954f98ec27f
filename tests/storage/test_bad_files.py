"""Bad database files: each is refused with a clear Chinese message and nothing is lost.

For every case the file's bytes are hashed before and after the failed attempt and its earlier
data is read back straight from the file. The cases: a read-only folder or file, a full disk
(SQLite's ``max_page_count``, and a real full tmpfs where the test may mount one), a file that
is not a database, a zero-byte file, a database from a newer program and a truncated one.

Read-only as root: ``chmod`` does not stop root, so the folder and file are made immutable
with ``chattr +i`` (ext2/3/4, XFS, Btrfs; needs CAP_LINUX_IMMUTABLE); where neither works
the test is skipped, and ``test_opened_read_only_*`` covers SQLite's own ``mode=ro``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event

from wsjc_desktop.errors import SchemaTooNewError, UserError
from wsjc_desktop.paths import backup_dir_for
from wsjc_desktop.services import records
from wsjc_desktop.storage.database import Database, open_database

UNITS = ["区财政局", "区审计局", "区住建局"]


# --- helpers ------------------------------------------------------------------------------------


def make_database(path: Path) -> None:
    """A real database with three units and a cadre, everything in the main file (no -wal)."""
    db = open_database(path)
    try:
        ids = [records.create(db, "units", {"full_name": name, "unit_type": "agency"}) for name in UNITS]
        records.create(db, "cadres", {"name": "张三", "unit_id": ids[0]})
    finally:
        db.dispose()
    settle(path)


def settle(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored_units(path: Path) -> list[str]:
    """The units, read without writing anything (``immutable``: no -shm, works in a read-only folder)."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return [row[0] for row in con.execute("SELECT full_name FROM units ORDER BY id")]
    finally:
        con.close()


def refusal(exc: UserError, *words: str) -> str:
    """The message, checked: Chinese, no English error text, one of ``words`` in it."""
    message = exc.message
    assert any("\u4e00" <= c <= "\u9fff" for c in message), message
    assert "sqlite" not in message.lower() and "error" not in message.lower(), message
    assert not words or any(word in message for word in words), message
    return message


def write_something(db: Database) -> int:
    return records.create(db, "units", {"full_name": "新建的单位", "unit_type": "agency"})


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "wsjc.db"
    make_database(path)
    return path


@pytest.fixture
def good(template: Path, tmp_path: Path) -> Path:
    """A copy of a real database in a folder of its own."""
    path = tmp_path / "data" / "wsjc.db"
    path.parent.mkdir()
    shutil.copy(template, path)
    return path


# --- a file that is not a database, truncated, from a newer program ---------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"\xef\xbb\xbf\xe5\xb7\xa5\xe4\xbd\x9c\xe8\xae\xb0\xe5\xbd\x95" * 400,  # a UTF-8 text file
        bytes(range(256)) * 40,  # binary junk
        b"PK\x03\x04" + b"\x00" * 5000,  # a zip (an .xlsx picked by mistake)
        b"SQLite format 3\x00" + b"\xff" * 8000,  # the right magic, garbage after it
    ],
    ids=["text", "binary", "zip", "fake-header"],
)
def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "wsjc.db"
    path.write_bytes(content)
    for readonly in (False, True):
        with pytest.raises(UserError) as info:
            db = open_database(path, readonly=readonly)
            try:
                records.count(db, "units")
            finally:
                db.dispose()
        # junk of a whole number of pages may be an encrypted (SQLCipher) file: asked for its passphrase
        refusal(info.value, "不是本程序的数据库", "损坏", "加密")
    assert path.read_bytes() == content


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, "pages"], ids=["10%", "50%", "90%", "whole-pages"])
def test_a_truncated_database_is_refused_and_left_alone(good: Path, keep: float | str) -> None:
    data = good.read_bytes()
    size = len(data) - 4096 if keep == "pages" else int(len(data) * float(keep))
    good.write_bytes(data[:size])
    before = digest(good)
    with pytest.raises(UserError) as info:
        db = open_database(good)
        try:
            write_something(db)
        finally:
            db.dispose()
    refusal(info.value, "损坏")
    assert digest(good) == before


def test_a_database_from_a_newer_program_is_refused_and_left_alone(good: Path) -> None:
    con = sqlite3.connect(good)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    settle(good)
    before = digest(good)
    with pytest.raises(SchemaTooNewError) as info:
        open_database(good)
    message = refusal(info.value, "更新版本")
    assert "9999" in message and "升级程序" in message
    assert digest(good) == before
    assert stored_units(good) == UNITS
    backups = backup_dir_for(good)
    assert not backups.exists() or not any(backups.iterdir())  # not even "backed up before upgrading"


def test_a_zero_byte_file_becomes_a_whole_new_database_never_half_of_one(tmp_path: Path) -> None:
    """Documented in open_database: a missing or empty file is created. Whatever is decided
    about empty files, the outcome is a complete database, not a half-made one."""
    path = tmp_path / "wsjc.db"
    path.write_bytes(b"")
    db = open_database(path)
    try:
        assert records.count(db, "units") == 0
        write_something(db)
    finally:
        db.dispose()
    assert stored_units(path) == ["新建的单位"]


def test_a_zero_byte_file_opened_read_only_is_a_chinese_error(tmp_path: Path) -> None:
    path = tmp_path / "wsjc.db"
    path.write_bytes(b"")
    with pytest.raises(UserError) as info:
        db = open_database(path, readonly=True)
        try:
            records.count(db, "units")
        finally:
            db.dispose()
    refusal(info.value, "空的数据库文件")
    assert path.stat().st_size == 0


# --- a full disk ------------------------------------------------------------------------------


def cap_file_size(db: Database, extra_pages: int = 0) -> None:
    """Every connection made from now on may not grow the file: SQLITE_FULL, as on a full disk."""
    con = sqlite3.connect(db.path)
    pages = int(con.execute("PRAGMA page_count").fetchone()[0])
    con.close()

    @event.listens_for(db.engine, "connect")
    def _cap(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + extra_pages}")

    db.engine.dispose()


def test_a_full_disk_during_a_write_is_a_chinese_message_and_loses_nothing(good: Path) -> None:
    before = digest(good)
    db = open_database(good)
    cap_file_size(db)
    try:
        with pytest.raises(UserError) as info:
            records.create(
                db,
                "alert_notices",
                {"kind": "copy_notice", "unit_id": 1, "title": "长文", "problems": "问题。" * 20000},
            )
        assert refusal(info.value) == "磁盘空间已满，未能保存。请清理磁盘后重试。"
        assert records.count(db, "units") == len(UNITS)  # still readable in the same session
    finally:
        db.dispose()
    assert digest(good) == before
    assert stored_units(good) == UNITS
    # space freed: the same write goes through
    db = open_database(good)
    try:
        write_something(db)
    finally:
        db.dispose()
    assert stored_units(good) == [*UNITS, "新建的单位"]


TMPFS_SCRIPT = r"""
import hashlib, json, os, shutil, sqlite3, sys
from pathlib import Path
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import records
from wsjc_desktop.storage.database import open_database

source, mount, when = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
path = mount / "wsjc.db"
shutil.copy(source, path)
digest = lambda: hashlib.sha256(path.read_bytes()).hexdigest()
before = digest()
db = open_database(path) if when == "after-open" else None
if db is not None:
    records.count(db, "units")  # -wal and -shm exist before the disk fills

def fill():
    fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    try:
        while True:
            os.write(fd, b"\0")
    except OSError:
        pass
    os.close(fd)

fill()
result = {"error": None, "kind": None}
try:
    db = db or open_database(path)
    notice = {"kind": "copy_notice", "unit_id": 1, "title": "t", "problems": "问题。" * 20000}
    records.create(db, "alert_notices", notice)
except UserError as exc:
    result["error"], result["kind"] = exc.message, type(exc).__name__
except Exception as exc:
    result["error"], result["kind"] = repr(exc), "crash:" + type(exc).__name__
finally:
    if db is not None:
        db.dispose()
os.remove(mount / "filler")
result["same"] = digest() == before
con = sqlite3.connect(path)
result["units"] = [r[0] for r in con.execute("SELECT full_name FROM units ORDER BY id")]
con.close()
print("RESULT " + json.dumps(result, ensure_ascii=False))
"""


def tmpfs_available() -> bool:
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True
    )
    return probe.returncode == 0


@pytest.fixture(scope="module")
def full_tmpfs(tmp_path_factory: pytest.TempPathFactory, template: Path) -> dict[str, dict[str, object]]:
    """Run the script on a 2 MB tmpfs filled to the last byte, the disk filling after or before
    the program opened the file. Needs root and mount namespaces (unshare -m)."""
    if not tmpfs_available():
        pytest.skip("no tiny file system here (needs Linux, root and `unshare -m`); max_page_count covers it")
    work = tmp_path_factory.mktemp("tmpfs")
    source = template
    (work / "mnt").mkdir()
    script = work / "fill.py"
    script.write_text(TMPFS_SCRIPT, encoding="utf-8")
    results: dict[str, dict[str, object]] = {}
    for when in ("after-open", "before-open"):
        command = (
            f"mount -t tmpfs -o size=2m tmpfs '{work / 'mnt'}' && "
            f"'{sys.executable}' '{script}' '{source}' '{work / 'mnt'}' {when}"
        )
        done = subprocess.run(["unshare", "-m", "sh", "-c", command], capture_output=True, timeout=120)
        lines = [ln for ln in done.stdout.decode().splitlines() if ln.startswith("RESULT ")]
        assert done.returncode == 0 and lines, done.stderr.decode()[-2000:]
        results[when] = json.loads(lines[-1][len("RESULT ") :])
    return results


@pytest.mark.parametrize("when", ["after-open", "before-open"])
def test_a_really_full_file_system_loses_nothing(full_tmpfs: dict[str, dict[str, object]], when: str) -> None:
    result = full_tmpfs[when]
    assert isinstance(result["kind"], str) and not result["kind"].startswith("crash"), result
    assert result["same"] is True
    assert result["units"] == UNITS
    refusal(UserError(str(result["error"])))


def test_a_disk_that_fills_while_the_file_is_open_says_so(full_tmpfs: dict[str, dict[str, object]]) -> None:
    assert full_tmpfs["after-open"]["error"] == "磁盘空间已满，未能保存。请清理磁盘后重试。"


def test_a_disk_already_full_at_start_is_not_called_damage(full_tmpfs: dict[str, dict[str, object]]) -> None:
    message = str(full_tmpfs["before-open"]["error"])
    assert "损坏" not in message and "备份恢复" not in message
    assert "磁盘" in message or "空间" in message


# --- read-only ------------------------------------------------------------------------------------


@contextmanager
def read_only(folder: Path, *files: Path) -> Iterator[str]:
    """Make ``folder`` and ``files`` read-only even for root; yields the technique used."""
    if getattr(os, "geteuid", lambda: -1)() != 0:
        modes = {p: p.stat().st_mode for p in (folder, *files)}
        for path in files:
            path.chmod(0o444)
        folder.chmod(0o555)
        technique = "chmod"
        undo = lambda: [p.chmod(mode) for p, mode in modes.items()]  # noqa: E731
    else:
        chattr = shutil.which("chattr")
        if chattr is None:
            pytest.skip("running as root (chmod has no effect) and chattr is not available")
        done = subprocess.run([chattr, "+i", *map(str, files), str(folder)], capture_output=True)
        if done.returncode != 0:
            subprocess.run([chattr, "-i", *map(str, files), str(folder)], capture_output=True)
            pytest.skip(f"running as root and chattr +i failed here: {done.stderr.decode().strip()}")
        technique = "chattr +i"
        undo = lambda: subprocess.run([chattr, "-i", str(folder), *map(str, files)], check=True)  # noqa: E731
    try:
        probe = folder / "probe.tmp"
        try:
            probe.write_bytes(b"x")
        except OSError:
            pass
        else:
            probe.unlink()
            pytest.skip(f"{technique} did not make the folder read-only on this file system")
        yield technique
    finally:
        undo()


def attempts_in(path: Path) -> list[UserError]:
    """Open, read and write as the program does; the refusals met on the way."""
    refusals: list[UserError] = []
    db = None
    try:
        db = open_database(path)
        records.count(db, "units")
        write_something(db)
        raise AssertionError("a write into a read-only folder succeeded")
    except UserError as exc:
        refusals.append(exc)
    finally:
        if db is not None:
            db.dispose()
    return refusals


def test_a_read_only_folder_loses_nothing_and_says_so_in_chinese(good: Path) -> None:
    before = digest(good)
    with read_only(good.parent, good):
        refusals = attempts_in(good)
    assert len(refusals) == 1
    refusal(refusals[0])
    assert digest(good) == before
    assert stored_units(good) == UNITS


def test_a_read_only_folder_is_not_called_damage(good: Path) -> None:
    with read_only(good.parent, good):
        (error,) = attempts_in(good)
    assert "损坏" not in error.message and "备份恢复" not in error.message
    assert "只读" in error.message or "权限" in error.message


def test_a_new_database_in_a_read_only_folder_is_a_chinese_error(good: Path) -> None:
    new = good.parent / "new.db"
    with read_only(good.parent, good), pytest.raises(UserError) as info:
        open_database(new)
    refusal(info.value, "只读", "权限", "无法")
    assert not new.exists()


def test_a_read_only_file_in_a_writable_folder_refuses_writes(good: Path) -> None:
    before = digest(good)
    if getattr(os, "geteuid", lambda: -1)() == 0:
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", str(good)], capture_output=True).returncode:
            pytest.skip("running as root and chattr +i is not available here")
        undo = [chattr, "-i", str(good)]
    else:
        good.chmod(0o444)
        undo = []
    try:
        db = open_database(good)
        try:
            assert records.count(db, "units") == len(UNITS)  # reading works
            with pytest.raises(UserError) as info:
                write_something(db)
        finally:
            db.dispose()
    finally:
        if undo:
            subprocess.run(undo, check=True)
        else:
            good.chmod(0o644)
    assert refusal(info.value, "只读") == "数据库文件是只读的（可能在只读目录或被设为只读），无法保存修改。"
    settle(good)
    assert digest(good) == before
    assert stored_units(good) == UNITS


def test_opened_read_only_with_mode_ro_reads_and_refuses_writes(good: Path) -> None:
    """SQLite's own read-only mode (what ``--dry-run`` uses), whoever runs the test."""
    before = digest(good)
    db = open_database(good, readonly=True)
    try:
        assert records.count(db, "units") == len(UNITS)
        with pytest.raises(UserError) as info:
            write_something(db)
    finally:
        db.dispose()
    refusal(info.value, "只读")
    assert digest(good) == before
    assert stored_units(good) == UNITS
