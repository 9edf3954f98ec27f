"""``wsjc-desktop import-roster`` run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook

from tests.support.shared import ROSTER_SAMPLE

FIXTURE = ROSTER_SAMPLE


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "WSJC_DATA_DIR": str(data_dir), "PYTHONIOENCODING": "ascii"}
    return subprocess.run(
        [sys.executable, "-m", "wsjc_desktop", *args], capture_output=True, env=env, timeout=120, check=False
    )


def test_json_import_then_reimport(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    first = run("import-roster", str(FIXTURE), "--db", str(db), "--json", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr.decode()
    out = json.loads(first.stdout.decode("utf-8"))  # UTF-8 even with an ASCII console
    assert {k: out[k] for k in ("imported", "updated", "unchanged", "skipped")} == {
        "imported": 58,
        "updated": 0,
        "unchanged": 0,
        "skipped": 2,
    }
    assert out["errors"] == [
        {"row": 14, "column": "入党时间", "message": "入党时间不能晚于今天"},
        {"row": 34, "column": "入党时间", "message": "入党时间不能晚于今天"},
    ]
    assert isinstance(out["warnings"], list)
    again = json.loads(
        run("import-roster", str(FIXTURE), "--db", str(db), "--json", data_dir=tmp_path).stdout
    )
    assert (again["imported"], again["unchanged"], again["skipped"]) == (0, 58, 2)


def test_dry_run_writes_nothing_and_summary_is_chinese(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["姓名", "单位"], ["张三", "区财政局"]):
        sheet.append(row)
    roster = tmp_path / "r.xlsx"
    book.save(roster)
    assert run("import-roster", str(roster), "--db", str(db), data_dir=tmp_path).returncode == 0  # creates it
    book2 = Workbook()
    s2 = book2.active
    assert s2 is not None
    for row in (["姓名", "单位"], ["李四", "区财政局"]):
        s2.append(row)
    second = tmp_path / "r2.xlsx"
    book2.save(second)
    dry = run("import-roster", str(second), "--db", str(db), "--dry-run", "--json", data_dir=tmp_path)
    assert json.loads(dry.stdout)["imported"] == 1
    text = run("import-roster", str(second), "--db", str(db), "--dry-run", data_dir=tmp_path)
    summary = text.stdout.decode("utf-8")
    assert "将新增 1 人" in summary and "试运行，未写入数据库" in summary
    final = json.loads(run("import-roster", str(second), "--db", str(db), "--json", data_dir=tmp_path).stdout)
    assert final["imported"] == 1  # the dry runs really wrote nothing


def test_user_errors_exit_2_in_chinese(tmp_path: Path) -> None:
    missing = run(
        "import-roster", str(tmp_path / "none.xlsx"), "--db", str(tmp_path / "w.db"), data_dir=tmp_path
    )
    assert missing.returncode == 2
    assert "文件不存在" in missing.stderr.decode("utf-8")
    other = tmp_path / "a.txt"
    other.write_text("x")
    wrong = run("import-roster", str(other), "--db", str(tmp_path / "w.db"), "--json", data_dir=tmp_path)
    assert wrong.returncode == 2
    assert "不支持的文件类型" in wrong.stderr.decode("utf-8")
