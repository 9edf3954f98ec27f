"""The supervision loop's ledgers on a known world: 监督检查台账, 问题发现台账 and the clue
register, written as real .xlsx files and read back; and the problem ledger imported back, its
来源记录 and 交办依据 found again, its bad rows refused in Chinese."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from tests.support.builders import agency_code, cadre, member, unit
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import (
    AlertCheckResult,
    ClueDisposal,
    ClueSource,
    ClueStage,
    InspectionKind,
    NoticeKind,
    ProblemCategory,
    ProblemHandoff,
    ProblemSeverity,
    ProblemSource,
    ProblemStatus,
)
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import notices, records, settings
from wsjc_desktop.services.ledger_import import RowAction, import_ledger, preview_ledger
from wsjc_desktop.services.ledgers import export_ledger
from wsjc_desktop.storage.database import Database

TODAY = date(2026, 6, 15)


def sheet(path: Path) -> list[dict[str, Any]]:
    """The data rows by header."""
    ws = load_workbook(path).active
    assert ws is not None
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2)]
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


@pytest.fixture
def world(db: Database) -> dict[str, Any]:
    agency_code(db)
    chen = member(db, "陈武林")
    dai = member(db, "戴桂瑾")
    finance = unit(db, "区财政局", short_name="财政局")
    transport = unit(db, "区交通运输局", short_name="交通局")
    wang = cadre(db, finance, "王建军")
    notice = records.create(
        db,
        "alert_notices",
        {
            "kind": NoticeKind.COPY_NOTICE,
            "unit_id": finance,
            "title": "关于财政局公车私用问题的廉情抄告单",
            "deadline": date(2026, 5, 20),
        },
    )
    number = notices.issue(db, notice, issued_on=date(2026, 4, 10))
    check = records.create(
        db,
        "inspections",
        {
            "kind": InspectionKind.ALERT_CHECK,
            "started_on": date(2026, 4, 8),
            "unit_ids": [finance, transport],
            "member_ids": [chen, dai],
            "title": "公务用车轨迹异常核查",
            "methods": "数据比对、电话核实",
            "alert_source": "公车监管",
            "alert_result": AlertCheckResult.CONFIRMED,
            "findings": "节假日私驾公车两次",
        },
    )
    late = records.create(
        db,
        "problems",
        {
            "found_on": date(2026, 4, 9),
            "unit_id": finance,
            "cadre_id": wang,
            "description": "节假日公车私用，出车登记与行车轨迹不符",
            "category": ProblemCategory.EIGHT_RULES,
            "severity": ProblemSeverity.SERIOUS,
            "source": ProblemSource.INSPECTION,
            "inspection_id": check,
            "handoff": ProblemHandoff.NOTICE,
            "handed_on": date(2026, 4, 10),
            "notice_id": notice,
        },
    )
    done = records.create(
        db,
        "problems",
        {
            "found_on": date(2026, 3, 2),
            "unit_id": transport,
            "description": "往来款项长期挂账未清理",
            "category": ProblemCategory.FINANCE,
            "severity": ProblemSeverity.MINOR,
            "source": ProblemSource.PATROL,
        },
    )
    with db.uow() as uow:  # 验收销号, as the loop's 销号 does
        obj = uow.session.get(m.Problem, done)
        assert obj is not None
        obj.closed_on, obj.closed_by_id, obj.status = date(2026, 4, 30), chen, ProblemStatus.CLOSED
        obj.closing_note = "经核实，整改到位，同意销号。"
        uow.commit()
    clues = {}
    for summary, received, stage, since in (
        ("反映某科长违规收受礼金", date(2026, 6, 1), ClueStage.ASSESSING, date(2026, 6, 5)),  # day 10 of 15
        ("反映某项目围标串标", date(2026, 3, 1), ClueStage.DISPOSING, date(2026, 4, 1)),  # day 75 of 60
    ):
        clues[summary] = records.create(
            db,
            "clues",
            {
                "received_on": received,
                "source": ClueSource.PETITION,
                "unit_id": finance,
                "summary": summary,
                "disposal": ClueDisposal.PENDING,
                "stage": stage,
                "stage_since": since,
                "handler_id": dai,
                "supervised": True,
            },
        )
    return {"number": number, "check": check, "late": late, "done": done, "clues": clues}


def test_the_inspection_ledger_names_units_members_and_the_problems_found(
    db: Database, world: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "inspections.xlsx"
    assert export_ledger(db, "inspections", out, year=2026, today=TODAY) == 1
    ws = load_workbook(out).active
    assert ws is not None and ws["A1"].value == "监督检查台账（2026年）"
    (row,) = sheet(out)
    assert row["检查类型"] == "预警核查"
    assert row["检查日期"] == datetime(2026, 4, 8)
    assert row["检查单位"] == "交通局、财政局"  # as the screen names them
    assert row["检查人员"] == "戴桂瑾、陈武林"
    assert row["检查方式"] == "数据比对、电话核实"
    assert (row["预警来源"], row["核查结果"]) == ("公车监管", "属实")
    assert row["发现情况"] == "节假日私驾公车两次"
    assert row["发现问题数"] == 1
    records.delete(db, "problems", world["late"])  # in the recycle bin: no longer counted
    export_ledger(db, "inspections", out, year=2026, today=TODAY)
    assert sheet(out)[0]["发现问题数"] == 0


def test_the_problem_ledger_follows_each_problem(db: Database, world: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "problems.xlsx"
    assert export_ledger(db, "problems", out, year=2026, today=TODAY) == 2
    done, late = sheet(out)  # oldest first
    assert list(late)[:14] == [
        *("序号", "发现日期", "单位", "问题描述", "问题类别", "发现来源", "来源记录", "交办方式", "交办依据"),
        *("整改期限", "状态", "销号日期", "涉及干部", "严重程度"),  # on paper up to 销号日期
    ]
    assert late["单位"] == "财政局" and late["涉及干部"] == "王建军"
    assert (late["问题类别"], late["严重程度"]) == ("八项规定精神", "较重")
    assert (late["发现来源"], late["来源记录"]) == ("监督检查", "公务用车轨迹异常核查（2026年4月8日）")
    assert (late["交办方式"], late["交办依据"]) == ("廉情提醒", world["number"])
    assert late["整改期限"] == datetime(2026, 5, 20)  # the notice's 反馈期限
    assert late["状态"] == "逾期"  # as of the day of the export
    assert late["销号日期"] is None
    assert (done["发现来源"], done["来源记录"], done["交办方式"]) == ("巡视巡察反馈", None, None)
    assert (done["状态"], done["销号日期"], done["验收人"]) == ("已销号", datetime(2026, 4, 30), "陈武林")
    assert done["验收意见"] == "经核实，整改到位，同意销号。"
    export_ledger(db, "problems", out, year=2026, today=date(2026, 5, 1))  # before its 整改期限
    assert sheet(out)[1]["状态"] == "已交办"


def test_the_clue_register_shows_each_stages_deadline(
    db: Database, world: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "clues.xlsx"
    export_ledger(db, "clues", out, year=2026, today=TODAY)
    disposing, assessing = sheet(out)
    assert (assessing["办理阶段"], assessing["本阶段起"]) == ("研判", datetime(2026, 6, 5))
    assert (assessing["本阶段期限"], assessing["期限提示"]) == (datetime(2026, 6, 20), "临期")
    assert (assessing["主办人"], assessing["督办"]) == ("戴桂瑾", "是")
    assert (disposing["本阶段期限"], disposing["期限提示"]) == (datetime(2026, 5, 31), "超期")
    # the limits are the group's (设置): 30 days to assess puts the first back in the green
    settings.set_many(db, {"clues.stage_days": {"registered": 7, "assessing": 30, "disposing": 60}})
    export_ledger(db, "clues", out, year=2026, today=TODAY)
    assessing = sheet(out)[1]
    assert (assessing["本阶段期限"], assessing["期限提示"]) == (datetime(2026, 7, 5), "正常")


PROBLEM_HEADER = [
    "序号",
    "发现日期",
    "单位",
    "问题描述",
    "问题类别",
    "发现来源",
    "来源记录",
    "交办方式",
    "交办依据",
]


def write_problems(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["问题发现台账（2026年）"])
    ws.append(PROBLEM_HEADER)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_a_problem_ledger_kept_by_hand_links_what_it_names(
    db: Database, world: dict[str, Any], tmp_path: Path
) -> None:
    path = write_problems(
        tmp_path / "p.xlsx",
        [
            [1, "2026-04-12", "财政局", "公车停放未按规定封存", "八项规定精神", "监督检查",
             "公务用车轨迹异常核查（2026年4月8日）", "廉情提醒", world["number"]],
            [2, "2026-04-13", "财政局", "差旅报销凭证不全", "财务管理", "监督检查",
             "没有这次检查（2026年4月1日）", None, None],
        ],
    )  # fmt: skip
    preview = preview_ledger(db, "problems", path)
    errors, warnings = preview.issues()
    assert errors == []
    assert [r.action for r in preview.rows] == [RowAction.NEW, RowAction.NEW]
    assert any(w.row == 4 and "没有找到监督检查“没有这次检查（2026年4月1日）”" in w.message for w in warnings)
    result = import_ledger(db, preview)
    assert result.imported == 2
    with db.read() as uow:
        linked = uow.session.query(m.Problem).filter_by(description="公车停放未按规定封存").one()
        assert (linked.inspection_id, linked.notice_id) == (
            world["check"],
            records.list_ids(db, "alert_notices")[0],
        )
        assert linked.deadline == date(2026, 5, 20) and linked.status is ProblemStatus.ASSIGNED
        loose = uow.session.query(m.Problem).filter_by(description="差旅报销凭证不全").one()
        assert loose.inspection_id is None and loose.status is ProblemStatus.FOUND
        assert loose.severity is ProblemSeverity.MINOR  # no 严重程度 column: the form's default


def test_a_bad_row_writes_no_problem(db: Database, world: dict[str, Any], tmp_path: Path) -> None:
    before = records.count(db, "problems")
    path = write_problems(
        tmp_path / "bad.xlsx",
        [
            [1, "2026-04-12", "财政局", "公车停放未按规定封存", "八项规定精神", "监督检查", None, None, None],
            [2, "2026-04-13", "财政局", "差旅报销凭证不全", "吃拿卡要", "监督检查", None, None, None],
            [3, "2026-04-14", "财政局", None, "财务管理", "监督检查", None, None, None],
        ],
    )
    preview = preview_ledger(db, "problems", path)
    errors, _ = preview.issues()
    assert {(e.row, e.column) for e in errors} == {(4, "问题类别"), (5, "问题描述")}
    assert any("不是可选项" in e.message or "吃拿卡要" in e.message for e in errors if e.row == 4)
    assert any(e.message == "请填写问题描述" for e in errors)
    with pytest.raises(UserError, match="有2行存在错误，未导入任何数据"):
        import_ledger(db, preview)
    assert records.count(db, "problems") == before
