"""Past years' ledgers as clerks kept them (issue 17, point 2): title rows, a note sheet first,
merged two-level headers, blank lines, 合计 and 填表人 lines, other header names, several people
in one cell, dates in every shape (3月5日 with the year of the title), kinds written otherwise,
members who have left, a pasted row, past 文号. Each sheet is built here as a real .xlsx, imported
with the preview, and the year's figures (人次, 次, 份) are counted from what came in."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from tests.support.builders import cadre, member, unit
from wsjc_desktop.services import notices, records, settings, stats
from wsjc_desktop.services.ledger_import import RowAction, import_ledger, preview_ledger
from wsjc_desktop.services.stats import Period
from wsjc_desktop.storage.database import Database


def clerk_book(
    path: Path,
    title: str,
    top: list[Any],
    header: list[Any],
    rows: list[list[Any]],
    merges: tuple[str, ...] = (),
) -> Path:
    """A workbook as a clerk sends it: a 填表说明 sheet first, then the ledger with a title,
    a 填报单位 line, a two-level header, the rows (blank ones kept), 合计 and 填表人 lines."""
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "填表说明"
    notes.append(["1. 按时间顺序填写。"])
    notes.append(["2. 多名谈话对象用顿号隔开。"])
    sheet = book.create_sheet("台账")
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(["填报单位：区纪委监委派驻第一纪检监察组", None, None, None, "填报时间：2024年1月10日"])
    sheet.append(top)
    sheet.append(header)
    for cells in merges:
        sheet.merge_cells(cells)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append(["合计", None, None, f"{len(rows)}条"])
    sheet.append(["填表人：王芳", None, None, "审核人：李明"])
    book.save(path)
    return path


@pytest.fixture
def group(db: Database) -> Database:
    finance = unit(db, "区财政局", short_name="财政局")
    housing = unit(db, "区住房和城乡建设局", short_name="区住建局")
    for name in ("张三", "李四", "王五"):
        cadre(db, finance, name)
    cadre(db, housing, "赵六")
    member(db, "王芳")
    return db


def test_a_past_talks_ledger(group: Database, tmp_path: Path) -> None:
    top = ["序号", "谈话基本情况", None, None, "谈话人员", None, "其他", None]
    header = [None, "谈话时间", "被谈话人", "谈话方式", "主谈人", "记录人", "谈话地点", "谈话事由"]
    rows = [
        [1, "2023.3.5", "张三、李四", "集体廉政谈话", "王芳", "老周", "会议室", "节前提醒"],
        [2, "2023年3月6日", "张三，李四", "任前廉政谈话", "老周", "王芳", None, "任前"],
        None,  # a blank line between two months
        [3, "2023-04-07", "张三 李四 王五", "提醒谈话", "王芳", None, None, None],
        [4, "2023/4/8", "张三,李四", "谈心谈话", "王芳", None, None, None],
        [5, datetime(2023, 5, 9), "赵六", "诫勉", "老周", None, None, None],
        [6, 45056, "王五", "约谈", "王芳", None, None, None],  # 45056 = 2023-05-10, typed as a number
        [7, "6月11日", "赵六", "廉政谈话", "王芳", None, None, None],  # the year is the title's
        [7, "6月11日", "赵六", "廉政谈话", "王芳", None, None, None],  # the same row pasted twice
    ]
    path = clerk_book(
        tmp_path / "谈话台账.xlsx",
        "2023年度谈话工作台账",
        top,
        header,
        [r if r is not None else [] for r in rows],
        merges=("A3:A4", "B3:D3", "E3:F3", "G3:H3"),
    )
    preview = preview_ledger(group, "talks", path)
    assert preview.sheet_name == "台账" and preview.year == 2023
    assert [r.errors for r in preview.rows] == [[]] * 8, [r.errors for r in preview.rows]
    assert [r.action for r in preview.rows] == [RowAction.NEW] * 7 + [RowAction.SKIP]
    assert preview.new_members == ["老周"]  # left the group: made a member without a login
    result = import_ledger(group, preview)
    assert (result.imported, result.skipped) == (7, 1)

    talks = sorted(records.list_records(group, "talks"), key=lambda t: t["held_on"])
    assert [t["held_on"] for t in talks] == [
        date(2023, 3, 5),
        date(2023, 3, 6),
        date(2023, 4, 7),
        date(2023, 4, 8),
        date(2023, 5, 9),
        date(2023, 5, 10),
        date(2023, 6, 11),
    ]
    assert [t["kind"].label for t in talks] == [
        "廉政谈话",
        "任前谈话",
        "提醒谈话",
        "谈心谈话",
        "诫勉谈话",
        "约谈",
        "廉政谈话",
    ]
    figures = stats.compute(group, Period.year(2023), today=date(2024, 1, 10))
    assert figures.value("talks.person_times") == 2 + 2 + 3 + 2 + 1 + 1 + 1  # 人次, the repeat once
    old_hand = next(m for m in records.list_records(group, "members") if m["name"] == "老周")
    assert old_hand["title"] == "历史人员" and not old_hand["is_active"]
    assert figures.value("talks.person_times", member_id=old_hand["id"]) > 0  # in the figures per member
    with group.read() as uow:
        assert (
            uow.session.execute(text("SELECT password_hash FROM members WHERE name = '老周'")).scalar()
            is None
        )  # can never log in
    again = preview_ledger(group, "talks", path)
    assert [r.action for r in again.rows] == [RowAction.UNCHANGED] * 7 + [RowAction.SKIP]


def test_a_date_without_a_year_needs_one(group: Database, tmp_path: Path) -> None:
    header = ["序号", "谈话时间", "被谈话人", "谈话方式"]
    path = clerk_book(
        tmp_path / "谈话台账.xlsx", "谈话台账", [None] * 4, header, [[1, "3月5日", "张三", "提醒谈话"]]
    )
    [row] = preview_ledger(group, "talks", path).rows
    assert "没有写年份" in row.errors[0][1]
    [row] = preview_ledger(group, "talks", path, year=2022).rows
    assert row.errors == [] and row.values["held_on"] == date(2022, 3, 5)
    named = clerk_book(
        tmp_path / "2021年谈话台账.xlsx", "谈话台账", [None] * 4, header, [[1, "3月5日", "张三", "提醒谈话"]]
    )
    [row] = preview_ledger(group, "talks", named).rows
    assert row.values["held_on"] == date(2021, 3, 5)  # from the file's name


def test_a_kind_the_group_writes_its_own_way(group: Database, tmp_path: Path) -> None:
    header = ["序号", "谈话时间", "被谈话人", "谈话方式"]
    path = clerk_book(
        tmp_path / "t.xlsx", "2023年谈话台账", [None] * 4, header, [[1, "2023-03-05", "张三", "政治谈话"]]
    )
    [row] = preview_ledger(group, "talks", path).rows
    assert "不是可选项" in row.errors[0][1]
    settings.set_many(group, {"import.synonyms": {"谈话类型": {"政治谈话": "谈心谈话"}}})
    [row] = preview_ledger(group, "talks", path).rows
    assert row.errors == [] and row.values["kind"].label == "谈心谈话"


def test_a_past_meetings_ledger(group: Database, tmp_path: Path) -> None:
    header = ["序号", "会议时间", "召开单位", "会议种类", "会议名称", "会议议题", "列席人员", "提出意见建议"]
    rows = [
        [
            1,
            "2023.2.3",
            "财政局",
            "党组会",
            "2月党组会",
            "研究预算",
            "王芳、老周",
            "1. 建议严格预算\n2. 建议公开",
        ],
        [2, "2023.3.3", "区住建局", "局长办公会", "3月办公会", None, "王芳", "建议规范招标"],
        [3, "2023.3.30", "区住建局", "三重一大决策会", "工程项目决策", None, "老周", None],
    ]
    path = clerk_book(tmp_path / "列席会议台账2023.xlsx", "列席会议情况登记表", [None] * 8, header, rows)
    preview = preview_ledger(group, "meetings", path)
    assert [r.errors for r in preview.rows] == [[], [], []], [r.errors for r in preview.rows]
    assert import_ledger(group, preview).imported == 3
    figures = stats.compute(group, Period.year(2023), today=date(2024, 1, 10))
    assert figures.value("meetings.count") == 3
    assert figures.value("opinions.count") == 3  # 2 + 1 意见建议
    types = sorted(m["meeting_type"].label for m in records.list_records(group, "meetings"))
    assert types == ["“三重一大”决策会", "党委(组)会", "行政办公会"]
    assert [r.action for r in preview_ledger(group, "meetings", path).rows] == [RowAction.UNCHANGED] * 3


def test_a_past_notices_ledger_keeps_and_reserves_its_numbers(group: Database, tmp_path: Path) -> None:
    header = [
        "序号",
        "文书种类",
        "编号",
        "单位",
        "涉及人员",
        "标题",
        "整改期限",
        "下发日期",
        "整改情况",
        "整改反馈日期",
    ]
    rows = [
        [
            1,
            "抄告单",
            "驻财纪抄〔2023〕3号",
            "财政局",
            "张三",
            "关于公车管理的廉情抄告单",
            "2023.4.1",
            "2023.3.1",
            "已整改",
            "2023.3.25",
        ],
        [
            2,
            "提醒函",
            "驻财纪提〔2023〕7号",
            "区住建局",
            None,
            "关于节日期间的提醒函",
            None,
            "2023.9.20",
            None,
            None,
        ],
    ]
    path = clerk_book(tmp_path / "n.xlsx", "2023年廉情提醒台账", [None] * 10, header, rows)
    preview = preview_ledger(group, "notices", path)
    assert [r.errors for r in preview.rows] == [[], []], [r.errors for r in preview.rows]
    assert import_ledger(group, preview).imported == 2
    numbers = {n.kind.label: n.seq for n in notices.next_numbers(group, 2023)}
    assert numbers["廉情抄告单"] == 4 and numbers["廉政提醒函"] == 8  # never issued again
    figures = stats.compute(group, Period.year(2023), today=date(2024, 1, 10))
    assert figures.value("notices.issued") == 2
    assert figures.value("notices.fed_back") == 1
