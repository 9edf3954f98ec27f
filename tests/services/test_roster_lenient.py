"""Rosters as units really send them (issue 17, point 3): a date cell that says there is none, and
an ID number that cannot be used, no longer refuse the person. Real .xlsx files written with
openpyxl and read by the roster import."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.support.builders import unit
from wsjc_desktop.services import records, roster_import
from wsjc_desktop.services.roster_import import NO_DATE_MARKS, RowAction
from wsjc_desktop.storage.database import Database

HEADER = ["序号", "姓名", "单位", "性别", "出生年月", "政治面貌", "入党时间", "身份证号"]
#: A valid ID number (its checksum right) and the same with its last character changed.
GOOD_ID = "11010519491231002X"
BAD_ID = "110105194912310021"


def workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("mark", ["无", "—", "/", "-", "暂无", "－", "——"])
def test_a_date_cell_that_says_there_is_none_is_empty(db: Database, tmp_path: Path, mark: str) -> None:
    unit(db, "区财政局")
    path = workbook(tmp_path / "r.xlsx", [[1, "孙悦", "区财政局", "女", "1990.04", "群众", mark, None]])
    preview = roster_import.preview_roster(db, path)
    (row,) = preview.rows
    assert row.errors == [] and row.action is RowAction.NEW, row.errors
    roster_import.import_roster(db, preview)
    (stored,) = records.list_records(db, "cadres")
    assert stored["party_join_date"] is None


def test_the_marks_cover_what_the_issue_names() -> None:
    assert {"无", "—", "/", "-", "暂无"} <= NO_DATE_MARKS


def test_an_unusable_id_number_is_a_warning_and_the_person_comes_in_without_it(
    db: Database, tmp_path: Path
) -> None:
    unit(db, "区财政局")
    path = workbook(
        tmp_path / "r.xlsx",
        [
            [1, "周一", "区财政局", "男", "1949.12", "中共党员", "1975.07", BAD_ID],  # checksum wrong
            [2, "吴二", "区财政局", "男", "1970.01", "中共党员", "无", 110105197001011234],  # a number
            [3, "郑三", "区财政局", "女", "1949.12", "群众", "—", GOOD_ID],
        ],
    )
    preview = roster_import.preview_roster(db, path)
    bad, number, good = preview.rows
    for row in (bad, number):
        assert row.errors == [] and row.action is RowAction.NEW, row.errors
        assert any("身份证号" in col and "不带身份证号导入" in msg for col, msg in row.warnings), row.warnings
    assert good.warnings == [] and good.errors == []
    result = roster_import.import_roster(db, preview)
    assert result.imported == 3
    stored = {r["name"]: r["id_number"] for r in records.list_records(db, "cadres")}
    assert stored == {"周一": None, "吴二": None, "郑三": GOOD_ID}
