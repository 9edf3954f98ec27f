"""``collect make`` and ``import collect`` (issue 17, point 4), run as real processes on a demo file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli.support import count, demo_file, digest, refused, run_cli, window_elsewhere
from tests.support.shared import ROSTER_SAMPLE
from wsjc_desktop.excel.collect import FIRST_ROW, HEADER_ROW

UNIT = "区财政局"
HOLDER = "王芳"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_file(tmp_path_factory.mktemp("collect-cli") / "demo.db")


@pytest.fixture
def db(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "wsjc.db"
    shutil.copyfile(source, target)
    return target


def out_text(result: object) -> str:
    return result.stdout.decode("utf-8")  # type: ignore[attr-defined, no-any-return]


def make(db: Path, out: Path) -> None:
    result = run_cli("collect", "make", "--unit", UNIT, "--db", db, "--out", out)
    assert result.returncode == 0, result.stderr.decode()
    assert f"已生成“{UNIT}”的信息采集表" in out_text(result)


def fill(made: Path, out: Path, *, bad: bool = False) -> None:
    """A changed family member and a new one (and with ``bad``, a month that does not exist)."""
    book = load_workbook(made)
    family = book["家庭成员"]
    head = {str(c.value).rstrip("*"): c.column for c in family[HEADER_ROW] if c.value}
    family.cell(FIRST_ROW, head["职务"], "总经理")
    new = next(r for r in range(FIRST_ROW, family.max_row + 1) if family.cell(r, head["姓名"]).value is None)
    family.cell(new, head["干部姓名"], family.cell(FIRST_ROW, head["干部姓名"]).value)
    family.cell(new, head["称谓"], "女儿")
    family.cell(new, head["姓名"], "陈思远")
    if bad:
        family.cell(new, head["出生年月"], "2001年13月")
    book.save(out)


def test_make_then_import_dry_run_json_and_again(db: Path, tmp_path: Path) -> None:
    made, returned = tmp_path / "采集表.xlsx", tmp_path / "交回.xlsx"
    make(db, made)
    fill(made, returned)
    before, members = digest(db), count(db, "family_members")

    dry = run_cli("import", "collect", returned, "--db", db, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr.decode()
    report = json.loads(out_text(dry))
    assert set(report) == {"imported", "updated", "unchanged", "skipped", "errors", "warnings", "by_kind"}
    assert (report["imported"], report["updated"], report["skipped"]) == (1, 1, 0)
    assert report["by_kind"]["family_members"] == {
        "imported": 1,
        "updated": 1,
        "unchanged": report["by_kind"]["family_members"]["unchanged"],
    }
    assert report["unchanged"] > 100 and report["errors"] == [] and report["warnings"] == []
    assert digest(db) == before  # --dry-run writes nothing

    done = run_cli("import", "collect", returned, "--db", db)
    assert done.returncode == 0, done.stderr.decode()
    text = out_text(done)
    assert "已新增 1 条，已更新 1 条" in text
    assert "新增家庭成员“女儿 陈思远”" in text and "→ 总经理" in text
    assert count(db, "family_members") == members + 1

    again = run_cli("import", "collect", returned, "--db", db, "--json")
    assert again.returncode == 0
    second = json.loads(out_text(again))
    assert (second["imported"], second["updated"]) == (0, 0)
    assert count(db, "family_members") == members + 1


def test_a_file_with_errors_writes_nothing_and_exits_2(db: Path, tmp_path: Path) -> None:
    made, returned = tmp_path / "采集表.xlsx", tmp_path / "交回.xlsx"
    make(db, made)
    fill(made, returned, bad=True)
    before = digest(db)
    result = run_cli("import", "collect", returned, "--db", db, "--json")
    assert result.returncode == 2
    report = json.loads(out_text(result))
    assert (report["imported"], report["updated"]) == (0, 0)
    [error] = report["errors"]
    assert error["sheet"] == "家庭成员" and error["column"] == "出生年月" and error["row"] > FIRST_ROW
    assert "2001年13月" in error["message"]
    assert "未导入任何数据" in result.stderr.decode()
    plain = run_cli("import", "collect", returned, "--db", db)
    assert plain.returncode == 2 and "Traceback" not in plain.stderr.decode()
    assert f"错误：工作表“家庭成员”第{error['row']}行 出生年月：" in out_text(plain)
    assert digest(db) == before


def test_import_collect_is_refused_while_a_window_holds_the_file(db: Path, tmp_path: Path) -> None:
    made, returned = tmp_path / "采集表.xlsx", tmp_path / "交回.xlsx"
    make(db, made)
    fill(made, returned)
    with window_elsewhere(db, HOLDER):
        before = digest(db)
        result = run_cli("import", "collect", returned, "--db", db)
        message = refused(result, HOLDER)
        assert "没有做任何修改" in message
        # making a workbook only reads: it still works beside the window
        beside = run_cli("collect", "make", "--unit", UNIT, "--db", db, "--out", tmp_path / "旁.xlsx")
        assert beside.returncode == 0, beside.stderr.decode()
        assert digest(db) == before


def test_mistakes_on_the_command_line(db: Path, tmp_path: Path) -> None:
    refused(
        run_cli("collect", "make", "--unit", "不存在的局", "--db", db, "--out", tmp_path / "a.xlsx"),
        "不存在的局",
    )
    refused(run_cli("collect", "make", "--unit", UNIT, "--db", db, "--out", tmp_path / "a.pdf"), ".xlsx")
    refused(
        run_cli("collect", "make", "--unit", UNIT, "--db", tmp_path, "--out", tmp_path / "a.xlsx"), "文件夹"
    )
    refused(run_cli("import", "collect", tmp_path / "没有.xlsx", "--db", db), "文件不存在")
    other = tmp_path / "other.xlsx"
    shutil.copyfile(ROSTER_SAMPLE, other)
    refused(run_cli("import", "collect", other, "--db", db), "不是本程序生成的信息采集表")
