"""``wsjc-desktop stats``: the year-end figures from the command line, in a real subprocess."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from wsjc_desktop.services import stats
from wsjc_desktop.storage.database import open_database


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stats") / "demo.db"
    result = run("demo", "--db", str(path), "--scale", "1", "--seed", "2")
    assert result.returncode == 0, result.stderr.decode()
    return path


def test_json_has_every_figure_keyed_in_english_with_chinese_labels(demo: Path) -> None:
    result = run("stats", "--year", "2026", "--db", str(demo), "--json", "--today", "2026-11-22")
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout.decode("utf-8"))
    db = open_database(demo)
    try:
        expected = stats.compute(db, stats.Period.year(2026), today=date(2026, 11, 22))
        assert set(data["figures"]) == {d.key for d in stats.FIGURES}
        for key, item in data["figures"].items():
            assert item["label"] == stats.FIGURE_BY_KEY[key].label
            assert item["value"] == expected.value(key), key
        assert data["figures"]["talks.person_times"]["value"] > 0
        first = data["units"][0]
        assert first["figures"] == expected.values(unit_id=first["id"])
        assert data["sentences"] == stats.sentences(expected)
    finally:
        db.dispose()


def test_plain_output_lists_sections_and_sentences(demo: Path) -> None:
    result = run("stats", "--year", "2026", "--db", str(demo))
    assert result.returncode == 0, result.stderr.decode()
    text = result.stdout.decode("utf-8")
    assert "【谈话】" in text and "谈话人次（合计）：" in text
    assert "【文字材料】" in text and "全年共参加综合监督单位相关会议" in text


def test_a_date_range(demo: Path) -> None:
    result = run("stats", "--from", "2026-01-01", "--to", "2026-03-31", "--db", str(demo), "--json")
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout.decode("utf-8"))
    assert data["period"]["label"] == "2026年1月1日至2026年3月31日"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "1800"], "不是有效年份"),
        (["--from", "2026-03-01", "--to", "2026-01-01"], "结束日期早于开始日期"),
        (["--from", "2026-03-01"], "同时给出 --from 和 --to"),
        (["--year", "2026", "--out", "figures.txt"], ".xlsx 或 .pdf"),
    ],
)
def test_bad_arguments_get_a_chinese_message(demo: Path, args: list[str], message: str) -> None:
    result = run("stats", "--db", str(demo), *args)
    assert result.returncode == 2
    assert message in result.stderr.decode("utf-8")


def test_a_missing_database_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    result = run("stats", "--db", str(path), "--year", "2026")
    assert result.returncode == 2
    assert "数据库文件不存在" in result.stderr.decode("utf-8")
    assert not path.exists()


def test_an_older_file_takes_the_full_path_and_is_upgraded(tmp_path: Path) -> None:
    """The quick read-only path only reads files of the current schema; anything else goes
    through the normal opening (which upgrades, with a backup)."""
    import sqlite3

    from wsjc_desktop.storage import quickread

    path = tmp_path / "old.db"
    open_database(path).dispose()
    assert quickread.connect(path) is not None
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    assert quickread.connect(path) is None
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_bytes(b"this is not a database" * 100)
    assert quickread.connect(not_a_db) is None
    result = run("stats", "--db", str(not_a_db), "--year", "2026")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr.decode("utf-8")
