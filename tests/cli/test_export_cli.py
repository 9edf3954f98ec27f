"""``wsjc-desktop export``: the ledgers from the command line, in a real subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli.test_cli import run
from wsjc_desktop.services import records
from wsjc_desktop.services.records import RecordFilter
from wsjc_desktop.storage.database import open_database


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "demo.db"
    result = run("demo", "--db", str(path), "--scale", "1", "--seed", "1")
    assert result.returncode == 0, result.stderr.decode()
    return path


def test_export_talks_of_one_unit_and_year(demo: Path, tmp_path: Path) -> None:
    db = open_database(demo)
    try:
        unit = records.get(db, "units", records.list_ids(db, "units")[0])
        expected = records.count(db, "talks", RecordFilter(year=2026, unit_id=unit["id"]))
    finally:
        db.dispose()
    out = tmp_path / "谈话台账.xlsx"
    name = unit["short_name"] or unit["full_name"]
    result = run("export", "talks", "--db", str(demo), "--out", str(out), "--year", "2026", "--unit", name)
    assert result.returncode == 0, result.stderr.decode()
    assert f"已导出 {expected} 条" in result.stdout.decode()
    ws = load_workbook(out).active
    assert ws is not None
    assert ws["A1"].value == f"谈话台账（{name}，2026年）"
    assert ws.max_row == expected + 2


@pytest.mark.parametrize(
    "ledger",
    ["units", "cadres", "notices", "meetings", "talks", "opinions", "clues", "inspections", "problems"],
)
def test_every_ledger_exports(demo: Path, tmp_path: Path, ledger: str) -> None:
    out = tmp_path / f"{ledger}.xlsx"
    result = run("export", ledger, "--db", str(demo), "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert out.is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bogus"], "没有名为“bogus”的台账"),
        (["talks", "--unit", "不存在的单位"], "没有找到名为“不存在的单位”的监督单位"),
    ],
)
def test_errors_are_chinese_and_exit_2(demo: Path, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "x.xlsx"
    result = run("export", *args, "--db", str(demo), "--out", str(out))
    assert result.returncode == 2
    assert message in result.stderr.decode()
    assert not out.exists()


def test_missing_database_is_not_created(tmp_path: Path) -> None:
    result = run("export", "talks", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "x.xlsx"))
    assert result.returncode == 2
    assert "数据库文件不存在" in result.stderr.decode()
    assert not (tmp_path / "none.db").exists()
