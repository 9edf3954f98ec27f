"""Bad database files on the command line: every command answers ``错误：…`` in Chinese on
stderr with exit code 2 and no traceback, and the file is left exactly as it was.

The commands run as real processes, as a user runs them. A full disk is simulated portably by
capping the SQLite file at its current size (``PRAGMA max_page_count`` on every connection the
program makes: the write then fails with SQLITE_FULL, as on a full disk), and for real on a
2 MB tmpfs filled to the last byte where the test may mount one (Linux, root, ``unshare -m``).
Read-only folders: ``chmod`` for a normal user, ``chattr +i`` for root (chmod does not stop
root); skipped where neither works.

Tests marked ``xfail`` are problems outside this test's files, reported to their owners (see
each reason); they pass silently once fixed.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from tests.cli.support import count, demo_file, digest, refused, run_all
from tests.cli.support import run_cli as run
from tests.support.builders import id_number

# --- the files ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database (written once), everything checkpointed into the main file."""
    return demo_file(tmp_path_factory.mktemp("cli-bad") / "demo.db")


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Forty new cadres, one with a long note: an import that needs new pages in the file."""
    path = tmp_path_factory.mktemp("cli-roster") / "花名册.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["姓名", "单位", "出生年月", "身份证号", "备注"])
        for i in range(40):
            born = f"{1960 + i}-0{1 + i % 9}-1{i % 9}"
            year, month, day = (int(x) for x in born.split("-"))
            note = "谈话要点。" * 3000 if i == 0 else ""
            writer.writerow(
                [
                    f"测试{i:02d}",
                    "新的单位",
                    f"{year}.{month:02d}",
                    id_number(date(year, month, day), i),
                    note,
                ]
            )
    return path


def commands(db: Path, out: Path, roster: Path) -> dict[str, list[str | Path]]:
    """One command per way in: open_database (search, export), the statistics' own read-only
    connection (stats), a write (import-roster) and a read-only open (``--dry-run``)."""
    return {
        "search": ["search", "张", "--db", db],
        "stats": ["stats", "--year", "2026", "--db", db],
        "export": ["export", "cadres", "--out", out / "台账.xlsx", "--db", db],
        "import-roster": ["import-roster", roster, "--db", db],
        "dry-run": ["import-roster", roster, "--dry-run", "--db", db],
    }


def not_a_database(demo: Path, path: Path) -> None:
    path.write_text("这是一份工作记录，不是数据库。\n" * 300, encoding="utf-8")


def truncated(demo: Path, path: Path) -> None:
    data = demo.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def newer(demo: Path, path: Path) -> None:
    shutil.copy(demo, path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


BAD = {
    "not-a-database": (not_a_database, ("不是本程序的数据库", "损坏")),
    "truncated": (truncated, ("损坏",)),
    "newer-version": (newer, ("更新版本的程序创建（结构版本 9999）",)),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_every_command_refuses_a_bad_file_in_chinese_and_leaves_it_alone(
    kind: str, demo: Path, roster: Path, tmp_path: Path
) -> None:
    make, words = BAD[kind]
    path = tmp_path / "wsjc.db"
    make(demo, path)
    before = digest(path)
    todo = commands(path, tmp_path, roster)
    if kind != "not-a-database":
        del todo["export"]  # the same way in as search: once is enough

    results = run_all(list(todo.values()))

    for name, result in zip(todo, results, strict=True):
        try:
            refused(result, *words)
        except AssertionError as exc:
            raise AssertionError(f"{kind} / {name}: {exc}") from None
    assert digest(path) == before
    assert not (tmp_path / "台账.xlsx").exists()  # no half-written ledger either
    if kind == "newer-version":  # the newer program's data is all still there
        assert count(path, "cadres") == count(demo, "cadres") > 100


def test_check_does_not_promise_to_upgrade_a_newer_file(demo: Path, tmp_path: Path) -> None:
    path = tmp_path / "wsjc.db"
    newer(demo, path)
    result = run("check", "--db", path)
    text = (result.stdout + result.stderr).decode()
    assert result.returncode != 0
    assert "自动升级" not in text and ("更新版本" in text or "升级程序" in text)


# --- zero bytes ---------------------------------------------------------------------------------


def test_a_dry_run_against_a_zero_byte_file_is_a_chinese_error(roster: Path, tmp_path: Path) -> None:
    path = tmp_path / "wsjc.db"
    path.write_bytes(b"")
    refused(run("import-roster", roster, "--dry-run", "--db", path), "空的数据库文件")
    assert path.stat().st_size == 0


def test_a_reading_command_leaves_a_zero_byte_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "wsjc.db"
    path.write_bytes(b"")
    refused(run("search", "张", "--db", path))
    assert path.stat().st_size == 0


# --- a full disk ----------------------------------------------------------------------------------

CAP = """
import sqlite3, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
_db = sys.argv[sys.argv.index("--db") + 1]
_pages = sqlite3.connect(_db).execute("PRAGMA page_count").fetchone()[0]
@event.listens_for(Engine, "connect")
def _disk_full(dbapi_conn, _record):
    dbapi_conn.execute(f"PRAGMA max_page_count = {_pages}")
"""


def test_a_full_disk_during_an_import_is_refused_and_writes_nothing(
    demo: Path, roster: Path, tmp_path: Path
) -> None:
    path = tmp_path / "wsjc.db"
    shutil.copy(demo, path)
    before, cadres, units = digest(path), count(path, "cadres"), count(path, "units")

    result = run("import-roster", roster, "--db", path, prelude=CAP)

    assert refused(result) == "磁盘空间已满，未能保存。请清理磁盘后重试。"
    assert digest(path) == before
    assert (count(path, "cadres"), count(path, "units")) == (cadres, units)
    # the file is whole: the integrity check passes
    check = run("check", "--db", path)
    assert check.returncode == 0, check.stdout.decode() + check.stderr.decode()


FULL_TMPFS = r"""
import hashlib, json, os, shutil, sqlite3, subprocess, sys
from pathlib import Path
source, roster, mount = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
path = mount / "wsjc.db"
shutil.copy(source, path)
digest = lambda: hashlib.sha256(path.read_bytes()).hexdigest()
before = digest()
fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
for size in (65536, 4096, 1):
    try:
        while True:
            os.write(fd, b"\0" * size)
    except OSError:
        pass
os.close(fd)
command = [sys.executable, "-m", "wsjc_desktop", "import-roster", roster, "--db", str(path)]
done = subprocess.run(command, capture_output=True)
os.remove(mount / "filler")
con = sqlite3.connect(path)
print("RESULT " + json.dumps({
    "code": done.returncode, "stderr": done.stderr.decode(), "stdout": done.stdout.decode(),
    "same": digest() == before, "cadres": con.execute("SELECT count(*) FROM cadres").fetchone()[0],
}, ensure_ascii=False))
con.close()
"""


@pytest.fixture(scope="module")
def full_tmpfs_import(
    demo: Path, roster: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, object]:
    """``import-roster`` onto a database on a tmpfs filled to the last byte."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("no tiny file system here (needs Linux, root and `unshare -m`); the page cap covers it")
    work = tmp_path_factory.mktemp("cli-tmpfs")
    (work / "mnt").mkdir()
    script = work / "full.py"
    script.write_text(FULL_TMPFS, encoding="utf-8")
    command = (
        f"mount -t tmpfs -o size=8m tmpfs '{work / 'mnt'}' && "
        f"'{sys.executable}' '{script}' '{demo}' '{roster}' '{work / 'mnt'}'"
    )
    done = subprocess.run(["unshare", "-m", "sh", "-c", command], capture_output=True, timeout=120)
    if done.returncode != 0 and b"mount" in done.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    lines = [ln for ln in done.stdout.decode().splitlines() if ln.startswith("RESULT ")]
    assert lines, done.stderr.decode()[-2000:]
    result: dict[str, object] = json.loads(lines[-1][len("RESULT ") :])
    return result


def test_an_import_onto_a_really_full_disk_loses_nothing(
    demo: Path, full_tmpfs_import: dict[str, object]
) -> None:
    result = full_tmpfs_import
    fake = subprocess.CompletedProcess(
        [], int(str(result["code"])), str(result["stdout"]).encode(), str(result["stderr"]).encode()
    )
    refused(fake)
    assert result["same"] is True
    assert result["cadres"] == count(demo, "cadres")


def test_an_import_onto_a_really_full_disk_says_the_disk_is_full(
    full_tmpfs_import: dict[str, object],
) -> None:
    """A new process on a full disk fails already when SQLite makes its -shm file: that is a
    full (or failing) disk, not a damaged file to restore from a backup."""
    stderr = str(full_tmpfs_import["stderr"])
    assert "损坏" not in stderr and "备份恢复" not in stderr
    assert "磁盘空间已满" in stderr


# --- a read-only folder -----------------------------------------------------------------------------


@contextmanager
def read_only(folder: Path, *files: Path) -> Iterator[str]:
    """``folder`` and ``files`` read-only even for root (chattr +i); yields the technique."""
    if getattr(os, "geteuid", lambda: -1)() != 0:
        modes = {p: p.stat().st_mode for p in (folder, *files)}
        for path in files:
            path.chmod(0o444)
        folder.chmod(0o555)
        technique, undo = "chmod", lambda: [p.chmod(mode) for p, mode in modes.items()]
    else:
        chattr = shutil.which("chattr")
        if chattr is None:
            pytest.skip("running as root (chmod has no effect) and chattr is not available")
        names = [*map(str, files), str(folder)]
        if subprocess.run([chattr, "+i", *names], capture_output=True).returncode != 0:
            subprocess.run([chattr, "-i", *names], capture_output=True)
            pytest.skip("running as root and chattr +i does not work on this file system")
        technique, undo = "chattr +i", lambda: subprocess.run([chattr, "-i", *names], check=True)
    try:
        try:
            (folder / "probe.tmp").write_bytes(b"x")
        except OSError:
            pass
        else:
            (folder / "probe.tmp").unlink()
            pytest.skip(f"{technique} did not make the folder read-only here")
        yield technique
    finally:
        undo()


@pytest.fixture(scope="module")
def locked_folder(
    demo: Path, tmp_path_factory: pytest.TempPathFactory, roster: Path
) -> Iterator[tuple[Path, dict[str, subprocess.CompletedProcess[bytes]]]]:
    """Reading and writing commands run against a database in a read-only folder."""
    folder = tmp_path_factory.mktemp("cli-ro") / "只读"
    folder.mkdir()
    path = folder / "wsjc.db"
    shutil.copy(demo, path)
    todo = {
        "search": ["search", "张", "--db", path],
        "import-roster": ["import-roster", roster, "--db", path],
        "dry-run": ["import-roster", roster, "--dry-run", "--db", path],
    }
    before = digest(path)
    with read_only(folder, path):
        results = dict(zip(todo, run_all(list(todo.values())), strict=True))
    assert digest(path) == before
    yield path, results


def test_a_read_only_folder_is_read_and_a_write_refused_in_chinese_and_nothing_is_lost(
    demo: Path, locked_folder: tuple[Path, dict[str, subprocess.CompletedProcess[bytes]]]
) -> None:
    """A database in a read-only folder (issue 15, point 8) is read as it is: the commands that
    only read work; the one that writes is refused, saying why, and the file is untouched."""
    path, results = locked_folder
    for name in ("search", "dry-run"):
        done = results[name]
        assert done.returncode == 0, done.stderr.decode()
    assert "[监察对象]" in results["search"].stdout.decode()
    assert "将导入" in results["dry-run"].stdout.decode() or "新增" in results["dry-run"].stdout.decode()
    line = refused(results["import-roster"])
    assert "损坏" not in line and ("只读" in line or "权限" in line), line
    assert count(path, "cadres") == count(demo, "cadres")


def test_a_new_database_in_a_read_only_folder_is_a_chinese_error(tmp_path: Path) -> None:
    folder = tmp_path / "只读"
    folder.mkdir()
    with read_only(folder):
        result = run("demo", "--db", folder / "new.db")
    refused(result, "只读", "权限", "无法")
    assert not (folder / "new.db").exists()
