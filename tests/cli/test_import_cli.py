"""``wsjc-desktop import LEDGER FILE`` as a real process (issue 17, point 1): the JSON report, a
dry run that writes nothing, a file with a bad row that writes nothing and exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.cli.support import count, demo_file, digest, refused
from tests.cli.support import run_cli as run
from wsjc_desktop.import_cli import KINDS

HEADER = ["序号", "谈话日期", "谈话类型", "谈话对象", "谈话人", "事由"]


def talks(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["2025年谈话台账"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return demo_file(tmp_path / "wsjc.db")


def some_cadre(db: Path) -> str:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        names = [
            r[0] for r in con.execute("SELECT name FROM cadres GROUP BY name HAVING count(*) = 1 LIMIT 2")
        ]
    finally:
        con.close()
    return "、".join(names)


def test_dry_run_reports_in_json_and_writes_nothing(db_file: Path, tmp_path: Path) -> None:
    path = talks(tmp_path / "t.xlsx", [[1, "2025.3.5", "廉政谈话", some_cadre(db_file), "老刘", "任前"]])
    before = digest(db_file)
    done = run("import", "talks", path, "--db", db_file, "--dry-run", "--json")
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    assert set(report) == {"imported", "updated", "unchanged", "skipped", "errors", "warnings"}
    assert (report["imported"], report["updated"], report["errors"]) == (1, 0, [])
    assert any("历史人员" in w["message"] for w in report["warnings"])  # 老刘 is not a member
    assert digest(db_file) == before
    talks_before = count(db_file, "talks")
    written = run("import", "talks", path, "--db", db_file, "--json")
    assert written.returncode == 0, written.stderr.decode()
    assert json.loads(written.stdout)["imported"] == 1 and count(db_file, "talks") == talks_before + 1
    again = run("import", "talks", path, "--db", db_file, "--json")
    assert json.loads(again.stdout)["unchanged"] == 1 and count(db_file, "talks") == talks_before + 1


def test_a_bad_row_writes_nothing_and_exits_2(db_file: Path, tmp_path: Path) -> None:
    path = talks(
        tmp_path / "t.xlsx",
        [
            [1, "2025.3.5", "廉政谈话", some_cadre(db_file), "老刘", None],
            [2, "2025.2.30", "廉政谈话", some_cadre(db_file), "老刘", None],
        ],
    )
    before = digest(db_file)
    result = run("import", "talks", path, "--db", db_file)
    message = refused(result, "未导入任何数据")
    assert "有1行存在错误" in message
    assert "错误：第4行 谈话日期" in result.stdout.decode()
    assert digest(db_file) == before


def test_the_help_names_every_ledger_and_a_wrong_file_is_refused(db_file: Path, tmp_path: Path) -> None:
    shown = run("import", "--help").stdout.decode()
    assert all(key in shown for key in KINDS)
    refused(run("import", "talks", tmp_path / "none.xlsx", "--db", db_file), "文件不存在")
    other = talks(tmp_path / "t.xlsx", [])
    refused(run("import", "clues", other, "--db", db_file), "问题线索台账")
