"""The command line, run as a real process the way a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wsjc_desktop import __version__


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "wsjc_desktop", *args], capture_output=True, env=full_env, timeout=300
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.decode().strip() == f"wsjc-desktop {__version__}"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.db"
    result = run("demo", "--db", str(path), "--seed", "3")
    assert result.returncode == 0, result.stderr.decode()
    assert "已写入演示数据" in result.stdout.decode()
    return path


def test_demo_then_search_prints_hits_as_utf8_json(demo_db: Path) -> None:
    result = run("search", "张", "--db", str(demo_db), "--json")
    assert result.returncode == 0, result.stderr.decode()
    raw = result.stdout
    assert "张".encode() in raw and b"\\u" not in raw  # UTF-8, not escaped
    hits = json.loads(raw.decode("utf-8"))
    assert hits, "a one-character surname finds people"
    assert all("张" in h["title"] + h["subtitle"] for h in hits[:10])
    assert {"kind", "record_id", "title", "subtitle", "score", "kind_label"} <= set(hits[0])


def test_search_finds_by_pinyin_initials(demo_db: Path) -> None:
    listing = run("search", "张", "--db", str(demo_db), "--json")
    first = next(h for h in json.loads(listing.stdout) if h["kind"] == "cadres")
    from pypinyin import Style, lazy_pinyin

    initials = "".join(lazy_pinyin(first["title"], style=Style.FIRST_LETTER))
    result = run("search", initials, "--db", str(demo_db), "--json", "--limit", "500")
    assert result.returncode == 0
    assert first["record_id"] in [h["record_id"] for h in json.loads(result.stdout) if h["kind"] == "cadres"]


def test_demo_names_who_logs_in_and_the_demo_password(tmp_path: Path) -> None:
    from wsjc_desktop.services import auth, members
    from wsjc_desktop.services.demo import DEMO_PASSWORD
    from wsjc_desktop.storage.database import open_database

    path = tmp_path / "logins.db"
    result = run("demo", "--db", str(path), "--seed", "3")
    assert result.returncode == 0, result.stderr.decode()
    db = open_database(path)
    try:
        chief, staff = members.login_members(db)
        assert auth.verify_password(db, chief.id, DEMO_PASSWORD)
    finally:
        db.dispose()
    assert DEMO_PASSWORD == "demo1234"  # the README names it
    said = f"登录：选择 {chief.display}、{staff.display}，口令均为 demo1234（演示口令）"
    assert said in result.stdout.decode().splitlines()


def test_check_reports_ok(demo_db: Path) -> None:
    result = run("check", "--db", str(demo_db))
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "检查结果：ok" in out and "完整性：正常" in out
    as_json = json.loads(run("check", "--db", str(demo_db), "--json").stdout)
    assert as_json["ok"] is True and as_json["counts"]["cadres"] > 100


def test_check_reports_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    assert run("demo", "--db", str(path)).returncode == 0
    data = bytearray(path.read_bytes())
    # overwrite the middle of the file (table pages) but keep the header readable
    middle = len(data) // 2
    data[middle : middle + 40000] = b"\x13" * 40000
    path.write_bytes(bytes(data))
    result = run("check", "--db", str(path))
    assert result.returncode != 0
    text = (result.stdout + result.stderr).decode()
    assert "问题" in text or "损坏" in text


def test_db_from_environment_and_user_error_exit_code(tmp_path: Path) -> None:
    path = tmp_path / "env.db"
    assert run("demo", env={"WSJC_DB": str(path)}).returncode == 0
    assert path.exists()
    again = run("demo", env={"WSJC_DB": str(path)})
    assert again.returncode == 2
    assert "错误：" in again.stderr.decode() and "已有数据" in again.stderr.decode()


def test_missing_file_check_is_a_chinese_error(tmp_path: Path) -> None:
    result = run("check", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 2
    assert "不存在" in result.stderr.decode()


def test_gui_opens_and_takes_a_screenshot(tmp_path: Path) -> None:
    shot = tmp_path / "main.png"
    result = run("gui", "--db", str(tmp_path / "gui.db"), "--screenshot", str(shot))
    assert result.returncode == 0, result.stderr.decode()
    assert shot.stat().st_size > 1000
