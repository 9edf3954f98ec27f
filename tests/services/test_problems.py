"""The 问题发现台账's loop: 交办 → 整改反馈 → 验收销号, the refusals on the way, each problem's
path, 逾期, and the talk and clue handoffs."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.support.builders import agency_code, cadre, member, unit
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import (
    ClueStage,
    FourForms,
    InspectionKind,
    NoticeStatus,
    ProblemHandoff,
    ProblemStatus,
    RectificationStatus,
)
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import notices, problem_sync, problems, records
from wsjc_desktop.services.records import RecordFilter
from wsjc_desktop.storage.database import Database

FOUND_ON = date(2026, 5, 20)


def inspection(db: Database, unit_id: int, title: str = "公务接待专项检查") -> int:
    return records.create(
        db,
        "inspections",
        {
            "kind": InspectionKind.SPECIAL,
            "started_on": FOUND_ON,
            "unit_ids": [unit_id],
            "title": title,
            "methods": "查阅资料、个别谈话",
        },
    )


def problem(db: Database, unit_id: int, **values: object) -> int:
    return records.create(
        db,
        "problems",
        {
            "found_on": FOUND_ON,
            "unit_id": unit_id,
            "description": "公务接待无公函、超标准接待",
            "category": "eight_rules",
            "severity": "minor",
            "source": "inspection",
            **values,
        },
    )


def status(db: Database, problem_id: int) -> ProblemStatus:
    return ProblemStatus.parse(records.get(db, "problems", problem_id)["status"])


@pytest.fixture
def world(db: Database) -> tuple[int, int, int]:
    """(unit, inspection, problem found by it)."""
    agency_code(db)
    unit_id = unit(db, "区审计局")
    inspection_id = inspection(db, unit_id)
    return unit_id, inspection_id, problem(db, unit_id, inspection_id=inspection_id)


def test_the_loop_by_a_notice(db: Database, world: tuple[int, int, int]) -> None:
    unit_id, _inspection_id, problem_id = world
    checker = member(db, "王建国")
    assert status(db, problem_id) is ProblemStatus.FOUND

    notice_id = problems.notice_for(db, problem_id, today=date(2026, 5, 22))
    notice = records.get(db, "alert_notices", notice_id)
    assert notice["status"] is NoticeStatus.DRAFT
    assert notice["unit_id"] == unit_id
    assert notice["title"] == "关于公务接待无公函、超标准接待问题的廉情抄告单"
    assert notice["problems"] == "公务接待无公函、超标准接待"
    assert notice["requirements"] == problems.DEFAULT_REQUIREMENTS
    row = records.get(db, "problems", problem_id)
    assert row["status"] is ProblemStatus.ASSIGNED
    assert (row["handoff"], row["notice_id"], row["handed_on"]) == (
        ProblemHandoff.NOTICE,
        notice_id,
        date(2026, 5, 22),
    )
    assert row["deadline"] == notice["deadline"]  # the notice's 反馈期限 is the 整改期限

    number = notices.issue(db, notice_id, issued_on=date(2026, 5, 25))
    assert status(db, problem_id) is ProblemStatus.ASSIGNED
    notices.record_feedback(
        db,
        notice_id,
        {"feedback_date": date(2026, 6, 1), "measures": "已退还超标准费用", "status": "in_progress"},
    )
    assert status(db, problem_id) is ProblemStatus.RECTIFYING
    notices.record_feedback(
        db,
        notice_id,
        {"feedback_date": date(2026, 6, 8), "measures": "修订公务接待管理办法", "status": "done"},
    )
    assert status(db, problem_id) is ProblemStatus.RECTIFIED

    problems.close(db, problem_id, closed_on=date(2026, 6, 10), member_id=checker, note="整改到位，同意销号")
    row = records.get(db, "problems", problem_id)
    assert row["status"] is ProblemStatus.CLOSED
    assert (row["closed_on"], row["closed_by_id"], row["closing_note"]) == (
        date(2026, 6, 10),
        checker,
        "整改到位，同意销号",
    )

    steps = problems.path(db, problem_id, date(2026, 6, 15))
    assert [(s.stage, s.on, s.done) for s in steps] == [
        ("发现", FOUND_ON, True),
        ("交办", date(2026, 5, 22), True),
        ("整改反馈", date(2026, 6, 1), True),
        ("整改反馈", date(2026, 6, 8), True),
        ("验收销号", date(2026, 6, 10), True),
    ]
    assert steps[0].text == "监督检查发现：2026年5月20日 “公务接待专项检查”"
    assert steps[0].table == "inspections"
    assert number in steps[1].text and "2026年5月25日发出" in steps[1].text
    assert steps[1].table == "alert_notices" and steps[1].record_id == notice_id
    assert steps[2].text == "已退还超标准费用（整改中）"
    assert steps[3].text == "修订公务接待管理办法（已完成）"
    assert steps[4].text == "王建国验收销号：整改到位，同意销号"


def test_mark_rectified_moves_the_problem_too(db: Database, world: tuple[int, int, int]) -> None:
    _unit_id, _inspection_id, problem_id = world
    notice_id = problems.notice_for(db, problem_id, today=date(2026, 5, 22))
    notices.issue(db, notice_id, issued_on=date(2026, 5, 25))
    notices.record_feedback(
        db, notice_id, {"feedback_date": date(2026, 6, 1), "measures": "正在整改", "status": "in_progress"}
    )
    notices.mark_rectified(db, notice_id)
    assert status(db, problem_id) is ProblemStatus.RECTIFIED


def test_closing_is_refused_before_handoff_and_before_feedback(
    db: Database, world: tuple[int, int, int]
) -> None:
    _unit_id, _inspection_id, problem_id = world
    with pytest.raises(UserError, match="尚未交办"):
        problems.close(db, problem_id, closed_on=date(2026, 6, 10), member_id=None, note="")
    notice_id = problems.notice_for(db, problem_id, today=date(2026, 5, 22))
    with pytest.raises(UserError, match="尚未收到整改反馈"):
        problems.close(db, problem_id, closed_on=date(2026, 6, 10), member_id=None, note="")
    notices.issue(db, notice_id, issued_on=date(2026, 5, 25))
    with pytest.raises(UserError, match="尚未收到整改反馈"):
        problems.close(db, problem_id, closed_on=date(2026, 6, 10), member_id=None, note="")
    notices.record_feedback(
        db, notice_id, {"feedback_date": date(2026, 6, 1), "measures": "正在整改", "status": "in_progress"}
    )
    with pytest.raises(UserError, match="销号日期不能早于发现日期"):
        problems.close(db, problem_id, closed_on=date(2026, 5, 1), member_id=None, note="")
    problems.close(db, problem_id, closed_on=date(2026, 6, 10), member_id=None, note="")
    with pytest.raises(UserError, match="已于2026年6月10日验收销号"):
        problems.close(db, problem_id, closed_on=date(2026, 6, 11), member_id=None, note="")
    with pytest.raises(UserError, match="已验收销号，不能再交办"):
        problems.notice_for(db, problem_id, today=date(2026, 6, 12))
    assert status(db, problem_id) is ProblemStatus.CLOSED


def test_reopen_undoes_the_closing(db: Database, world: tuple[int, int, int]) -> None:
    unit_id, _inspection_id, problem_id = world
    someone = cadre(db, unit_id, "赵六")
    talk_id = records.create(
        db,
        "talks",
        {"held_on": date(2026, 5, 26), "kind": "reminder", "cadre_ids": [someone], "reason": "接待"},
    )
    problems.hand_off(db, problem_id, ProblemHandoff.TALK, talk_id, handed_on=date(2026, 5, 26))
    problems.close(db, problem_id, closed_on=date(2026, 6, 10), member_id=None, note="已整改")
    assert status(db, problem_id) is ProblemStatus.CLOSED
    problems.reopen(db, problem_id)
    row = records.get(db, "problems", problem_id)
    assert row["status"] is ProblemStatus.RECTIFYING
    assert (row["closed_on"], row["closed_by_id"], row["closing_note"]) == (None, None, None)
    with pytest.raises(UserError, match="尚未验收销号"):
        problems.reopen(db, problem_id)
    assert problems.path(db, problem_id, date(2026, 6, 15))[-1].text == "待验收销号"


def test_a_talk_handoff_is_rectifying_at_once(db: Database, world: tuple[int, int, int]) -> None:
    unit_id, _inspection_id, problem_id = world
    someone = cadre(db, unit_id, "赵六")
    talk_id = records.create(
        db,
        "talks",
        {"held_on": date(2026, 5, 26), "kind": "reminder", "cadre_ids": [someone], "reason": "公务接待提醒"},
    )
    with pytest.raises(UserError, match="请选择交办所用的谈话提醒记录"):
        problems.hand_off(db, problem_id, ProblemHandoff.TALK, None)
    problems.hand_off(
        db, problem_id, ProblemHandoff.TALK, talk_id, handed_on=date(2026, 5, 26), deadline=date(2026, 6, 1)
    )
    row = records.get(db, "problems", problem_id)
    assert row["status"] is ProblemStatus.RECTIFYING
    assert row["handoff_talk_id"] == talk_id and row["notice_id"] is None
    steps = problems.path(db, problem_id, date(2026, 6, 15))
    assert [(s.stage, s.done) for s in steps] == [("发现", True), ("交办", True), ("验收销号", False)]
    assert steps[1].text == "以谈话提醒交办：2026年5月26日 “公务接待提醒”"
    assert steps[2].text == "待验收销号 · 已逾期14天（整改期限2026年6月1日）"
    assert problems.path(db, problem_id, date(2026, 6, 1))[2].text == "待验收销号"
    problems.close(db, problem_id, closed_on=date(2026, 6, 1), member_id=None, note="")
    assert status(db, problem_id) is ProblemStatus.CLOSED


def test_a_clue_handoff_waits_for_the_clue(db: Database, world: tuple[int, int, int]) -> None:
    unit_id, _inspection_id, problem_id = world
    clue_id = records.create(
        db,
        "clues",
        {
            "received_on": date(2026, 5, 21),
            "source": "supervision",
            "unit_id": unit_id,
            "summary": "接待费报销",
            "disposal": "pending",
        },
    )
    problems.hand_off(db, problem_id, ProblemHandoff.CLUE, clue_id, handed_on=date(2026, 5, 21))
    assert status(db, problem_id) is ProblemStatus.ASSIGNED
    steps = problems.path(db, problem_id, date(2026, 6, 15))
    assert [(s.stage, s.done) for s in steps] == [
        ("发现", True),
        ("交办", True),
        ("线索办结", False),
        ("验收销号", False),
    ]
    assert steps[2].text == "待线索办结（当前阶段：登记）"
    records.update(
        db,
        "clues",
        clue_id,
        {"stage": ClueStage.CLOSED, "closed_on": date(2026, 6, 5), "form": FourForms.FIRST},
    )
    with db.uow() as uow:  # what the clue register runs when a clue moves
        assert problem_sync.sync_with_clue(uow.session, clue_id) == [problem_id]
        uow.commit()
    assert status(db, problem_id) is ProblemStatus.RECTIFIED
    problems.close(db, problem_id, closed_on=date(2026, 6, 10), member_id=None, note="线索已办结")
    steps = problems.path(db, problem_id, date(2026, 6, 15))
    assert steps[2].text == "线索办结，第一种形态" and steps[2].on == date(2026, 6, 5) and steps[2].done


def test_the_clue_registers_moves_carry_the_problem_along(db: Database, world: tuple[int, int, int]) -> None:
    """推进阶段 to 办结 makes a problem passed on as the clue 待验收; 撤回办结 takes it back."""
    from wsjc_desktop.services import clues

    unit_id, _inspection_id, problem_id = world
    clue_id = records.create(
        db,
        "clues",
        {
            "received_on": date(2026, 5, 21),
            "source": "supervision",
            "unit_id": unit_id,
            "summary": "接待费报销",
            "disposal": "pending",
        },
    )
    problems.hand_off(db, problem_id, ProblemHandoff.CLUE, clue_id, handed_on=date(2026, 5, 21))
    clues.advance(db, clue_id, ClueStage.DISPOSING, on=date(2026, 5, 25), disposal="preliminary_check")
    assert status(db, problem_id) is ProblemStatus.ASSIGNED
    clues.advance(db, clue_id, ClueStage.CLOSED, on=date(2026, 6, 5), result="部分属实", form=FourForms.FIRST)
    assert status(db, problem_id) is ProblemStatus.RECTIFIED
    clues.reopen(db, clue_id, on=date(2026, 6, 8))
    assert status(db, problem_id) is ProblemStatus.ASSIGNED


def test_overdue_is_derived_and_said_on_the_path(db: Database, world: tuple[int, int, int]) -> None:
    unit_id, _inspection_id, problem_id = world
    notice_id = problems.notice_for(db, problem_id, today=date(2026, 5, 22), deadline=date(2026, 6, 5))
    notices.issue(db, notice_id, issued_on=date(2026, 5, 25))
    assert records.get(db, "problems", problem_id)["deadline"] == date(2026, 6, 5)
    late = RecordFilter(status=ProblemStatus.OVERDUE.value, today=date(2026, 6, 15))
    assert records.list_ids(db, "problems", late) == [problem_id]
    on_time = RecordFilter(status=ProblemStatus.OVERDUE.value, today=date(2026, 6, 5))
    assert records.list_ids(db, "problems", on_time) == []
    steps = problems.path(db, problem_id, date(2026, 6, 15))
    assert steps[2].stage == "整改反馈" and not steps[2].done
    assert steps[2].text == "待整改反馈（反馈期限2026年6月5日） · 已逾期10天"
    assert problems.summary(db, date(2026, 6, 15), year=2026, unit_id=unit_id) == problems.Summary(1, 0, 1)
    assert problems.summary(db, date(2026, 6, 15), year=2025) == problems.Summary(0, 0, 0)
    notices.record_feedback(
        db, notice_id, {"feedback_date": date(2026, 6, 16), "measures": "已整改", "status": "done"}
    )
    assert records.list_ids(db, "problems", late) == []  # rectified: no longer 逾期
    assert all("逾期" not in s.text for s in problems.path(db, problem_id, date(2026, 6, 20)))


def test_writes_are_audited(db: Database, world: tuple[int, int, int]) -> None:
    _unit_id, _inspection_id, problem_id = world
    notice_id = problems.notice_for(db, problem_id, today=date(2026, 5, 22))
    notices.issue(db, notice_id, issued_on=date(2026, 5, 25))
    notices.record_feedback(
        db,
        notice_id,
        {"feedback_date": date(2026, 6, 1), "measures": "已整改", "status": RectificationStatus.DONE},
    )
    problems.close(db, problem_id, closed_on=date(2026, 6, 10), member_id=None, note="")
    with db.read() as uow:
        summaries = list(
            uow.session.scalars(
                select(m.AuditEntry.summary).where(
                    m.AuditEntry.table_name == "problems", m.AuditEntry.summary.is_not(None)
                )
            )
        )
    assert "由问题生成廉情抄告单草稿并交办：公务接待无公函、超标准接待" in summaries
    assert "验收销号：公务接待无公函、超标准接待" in summaries


def test_sync_leaves_closed_and_other_problems_alone(db: Database, world: tuple[int, int, int]) -> None:
    unit_id, inspection_id, problem_id = world
    other = problem(db, unit_id, inspection_id=inspection_id, description="会议费列支不规范")
    notice_id = problems.notice_for(db, problem_id, today=date(2026, 5, 22))
    notices.issue(db, notice_id, issued_on=date(2026, 5, 25))
    notices.record_feedback(
        db, notice_id, {"feedback_date": date(2026, 6, 1), "measures": "已整改", "status": "done"}
    )
    assert status(db, other) is ProblemStatus.FOUND
    assert status(db, problem_id) is ProblemStatus.RECTIFIED


def test_a_problem_found_in_a_talk_names_it(db: Database) -> None:
    unit_id = unit(db, "区审计局")
    someone = cadre(db, unit_id, "赵六")
    talk_id = records.create(
        db,
        "talks",
        {"held_on": date(2026, 3, 2), "kind": "heart_to_heart", "cadre_ids": [someone], "reason": "谈心谈话"},
    )
    problem_id = problem(db, unit_id, source="talk", talk_id=talk_id, description="借用下属单位车辆")
    (found, *_rest) = problems.path(db, problem_id, date(2026, 6, 15))
    assert (found.stage, found.text, found.table, found.record_id) == (
        "发现",
        "谈话发现：2026年3月2日 “谈心谈话”",
        "talks",
        talk_id,
    )
    other = problem(db, unit_id, source="patrol", description="巡察反馈：“三重一大”决策程序不规范")
    assert problems.path(db, other, date(2026, 6, 15))[0].text == "巡视巡察反馈发现"
