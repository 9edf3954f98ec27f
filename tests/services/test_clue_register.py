"""The 问题线索 register (issue 19, point 3): a clue moves 登记 → 研判 → 处置 → 办结, forward only,
each stage within the days set in 设置 (``clues.stage_days``), and its light says how it stands."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.support.builders import cadre, unit
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import AuditAction, ClueDisposal, ClueStage, FourForms
from wsjc_desktop.domain.problem_rules import Light
from wsjc_desktop.errors import NotFoundError, UserError
from wsjc_desktop.services import clues, records, settings
from wsjc_desktop.storage.database import Database

RECEIVED = date(2026, 3, 2)


def new_clue(db: Database, received_on: date = RECEIVED) -> int:
    finance = unit(db, "区财政局")
    zhang = cadre(db, finance, "张三")
    return records.create(
        db,
        "clues",
        {
            "received_on": received_on,
            "source": "petition",
            "summary": "反映张三违规收受管理服务对象礼金",
            "disposal": "pending",
            "unit_id": finance,
            "cadre_id": zhang,
        },
    )


def test_a_clue_walks_every_stage_to_办结_with_its_形态(db: Database) -> None:
    clue_id = new_clue(db)
    row = records.get(db, "clues", clue_id)
    assert row["stage"] is ClueStage.REGISTERED and row["stage_since"] == RECEIVED  # begins when received
    clues.advance(db, clue_id, ClueStage.ASSESSING, on=date(2026, 3, 5))
    row = records.get(db, "clues", clue_id)
    assert (row["stage"], row["stage_since"], row["disposal"]) == (
        ClueStage.ASSESSING,
        date(2026, 3, 5),
        ClueDisposal.PENDING,
    )
    clues.advance(db, clue_id, "disposing", on=date(2026, 3, 16), disposal="preliminary_check")
    row = records.get(db, "clues", clue_id)
    assert row["stage"] is ClueStage.DISPOSING and row["stage_since"] == date(2026, 3, 16)
    assert row["disposal"] is ClueDisposal.PRELIMINARY_CHECK and row["disposed_on"] == date(2026, 3, 16)
    assert row["closed_on"] is None and row["form"] is None
    clues.advance(
        db,
        clue_id,
        ClueStage.CLOSED,
        on=date(2026, 4, 20),
        result="  经初步核实，反映问题部分属实。 ",
        form="first",
    )
    row = records.get(db, "clues", clue_id)
    assert row["stage"] is ClueStage.CLOSED and row["closed_on"] == date(2026, 4, 20)
    assert row["form"] is FourForms.FIRST and row["result"] == "经初步核实，反映问题部分属实。"
    assert row["disposal"] is ClueDisposal.PRELIMINARY_CHECK and row["disposed_on"] == date(2026, 3, 16)
    with db.read() as uow:
        said = list(
            uow.session.scalars(
                select(m.AuditEntry.summary).where(
                    m.AuditEntry.table_name == "clues",
                    m.AuditEntry.record_id == clue_id,
                    m.AuditEntry.action == AuditAction.UPDATE,
                    m.AuditEntry.summary.is_not(None),
                )
            )
        )
    assert said == [
        "问题线索由“登记”推进至“研判”，2026年3月5日",
        "问题线索由“研判”推进至“处置”（初步核实），2026年3月16日",
        "问题线索由“处置”推进至“办结”，2026年4月20日",
    ]


def test_a_clue_may_skip_研判_but_办结_still_needs_a_way(db: Database) -> None:
    clue_id = new_clue(db)
    with pytest.raises(UserError, match="办结前请选择处置方式") as refused:
        clues.advance(db, clue_id, ClueStage.CLOSED, on=RECEIVED, result="不属实", form="none")
    assert refused.value.field == "disposal"
    clues.advance(db, clue_id, ClueStage.CLOSED, on=RECEIVED, disposal="closed", result="不属实", form="none")
    row = records.get(db, "clues", clue_id)
    assert (row["stage"], row["disposal"], row["disposed_on"], row["form"]) == (
        ClueStage.CLOSED,
        ClueDisposal.CLOSED,
        RECEIVED,
        FourForms.NONE,
    )


@pytest.mark.parametrize(
    ("stage", "extra", "message", "field"),
    [
        (ClueStage.DISPOSING, {}, "进入处置阶段，请选择处置方式。", "disposal"),
        (ClueStage.DISPOSING, {"disposal": "pending"}, "请选择处置方式。", "disposal"),
        (ClueStage.CLOSED, {"disposal": "closed", "form": "none"}, "办结的线索请填写办理结果。", "result"),
        (
            ClueStage.CLOSED,
            {"disposal": "closed", "result": "   ", "form": "none"},
            "办结的线索请填写办理结果。",
            "result",
        ),
        (ClueStage.CLOSED, {"disposal": "closed", "result": "不属实"}, "请选择处理形态", "form"),
    ],
)
def test_what_each_stage_asks_for(
    db: Database, stage: ClueStage, extra: dict[str, str], message: str, field: str
) -> None:
    clue_id = new_clue(db)
    with pytest.raises(UserError) as refused:
        clues.advance(db, clue_id, stage, on=RECEIVED, **extra)  # type: ignore[arg-type]
    assert message in refused.value.message and refused.value.field == field
    assert records.get(db, "clues", clue_id)["stage"] is ClueStage.REGISTERED  # nothing written


def test_no_way_back_but_撤回办结(db: Database) -> None:
    clue_id = new_clue(db)
    clues.advance(db, clue_id, ClueStage.ASSESSING, on=date(2026, 3, 5))
    with pytest.raises(UserError, match="已处于“研判”阶段。"):
        clues.advance(db, clue_id, ClueStage.ASSESSING, on=date(2026, 3, 6))
    with pytest.raises(UserError, match="不能退回到“登记”阶段"):
        clues.advance(db, clue_id, ClueStage.REGISTERED, on=date(2026, 3, 6))
    with pytest.raises(UserError, match=r"不能早于本阶段开始的日期（2026年3月5日）"):
        clues.advance(db, clue_id, ClueStage.DISPOSING, on=date(2026, 3, 4), disposal="talk_inquiry")
    with pytest.raises(UserError, match="尚未办结，无需撤回"):
        clues.reopen(db, clue_id, on=date(2026, 3, 6))
    clues.advance(
        db,
        clue_id,
        ClueStage.CLOSED,
        on=date(2026, 3, 20),
        disposal="talk_inquiry",
        result="已函询",
        form="first",
    )
    with pytest.raises(UserError, match="请先“撤回办结”"):
        clues.advance(db, clue_id, ClueStage.DISPOSING, on=date(2026, 3, 21), disposal="talk_inquiry")
    clues.reopen(db, clue_id, on=date(2026, 3, 25))
    row = records.get(db, "clues", clue_id)
    assert (row["stage"], row["stage_since"], row["closed_on"], row["form"]) == (
        ClueStage.DISPOSING,
        date(2026, 3, 25),
        None,
        None,
    )
    assert (
        row["disposal"] is ClueDisposal.TALK_INQUIRY and row["result"] == "已函询"
    )  # kept for the next 办结


def test_a_day_before_the_clue_was_received_is_refused(db: Database) -> None:
    clue_id = new_clue(db)
    with pytest.raises(UserError, match="不能早于受理日期（2026年3月2日）"):
        clues.advance(db, clue_id, ClueStage.ASSESSING, on=date(2026, 3, 1))


def test_a_clue_in_the_recycle_bin_cannot_move(db: Database) -> None:
    clue_id = new_clue(db)
    records.delete(db, "clues", clue_id)
    with pytest.raises(NotFoundError):
        clues.advance(db, clue_id, ClueStage.ASSESSING, on=RECEIVED)


def test_lights_follow_the_days_set_for_each_stage(db: Database) -> None:
    settings.set_many(db, {"clues.stage_days": {"registered": 10, "assessing": 20, "disposing": 30}})
    clue_id = new_clue(db)

    def on(days: int) -> Light | None:
        return clues.lights(db, RECEIVED + timedelta(days=days)).get(clue_id)

    # 登记, 10 days: green to half of it, yellow past half, red past the limit
    assert [on(0), on(5), on(6), on(10), on(11)] == [
        Light.GREEN,
        Light.GREEN,
        Light.YELLOW,
        Light.YELLOW,
        Light.RED,
    ]
    row = records.get(db, "clues", clue_id)
    days = clues.stage_days(db)
    assert clues.row_deadline(row, RECEIVED, days) == clues.Deadline(Light.GREEN, date(2026, 3, 12), 10)
    texts = [clues.row_deadline(row, RECEIVED + timedelta(days=n), days) for n in (3, 10, 13)]
    assert [t.text if t else None for t in texts] == ["剩7天", "今日到期", "超期3天"]
    # 研判 starts its own 20 days: red on the 21st day only
    begun = RECEIVED + timedelta(days=11)
    clues.advance(db, clue_id, ClueStage.ASSESSING, on=begun)
    assert clues.lights(db, begun + timedelta(days=10))[clue_id] is Light.GREEN
    assert clues.lights(db, begun + timedelta(days=11))[clue_id] is Light.YELLOW
    assert clues.lights(db, begun + timedelta(days=21))[clue_id] is Light.RED
    clues.advance(db, clue_id, ClueStage.CLOSED, on=begun, disposal="shelved", result="暂存", form="none")
    assert clue_id not in clues.lights(db, begun + timedelta(days=365))  # 办结: no light


def test_the_default_limits_when_nothing_is_set(db: Database) -> None:
    clue_id = new_clue(db)
    assert clues.stage_days(db) == {"registered": 7, "assessing": 15, "disposing": 60}
    assert clues.lights(db, RECEIVED + timedelta(days=7))[clue_id] is Light.YELLOW
    assert clues.lights(db, RECEIVED + timedelta(days=8))[clue_id] is Light.RED


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            {"registered": 0, "assessing": 15, "disposing": 60},
            "“登记”阶段的期限须为 1 到 365 之间的整数（天）。",
        ),
        (
            {"registered": 7, "assessing": 366, "disposing": 60},
            "“研判”阶段的期限须为 1 到 365 之间的整数（天）。",
        ),
        (
            {"registered": 7, "assessing": 15, "disposing": "60"},
            "“处置”阶段的期限须为 1 到 365 之间的整数（天）。",
        ),
        ({"registered": 7, "assessing": 15, "disposing": 60, "closed": 5}, "线索阶段“closed”不设期限。"),
        ([7, 15, 60], "线索各阶段期限的格式有误。"),
    ],
)
def test_stage_days_must_be_1_to_365(db: Database, value: object, message: str) -> None:
    with pytest.raises(UserError) as refused:
        settings.set_many(db, {"clues.stage_days": value})
    assert refused.value.message == message and refused.value.field == "clues.stage_days"
    assert settings.get(db, "clues.stage_days") == {"registered": 7, "assessing": 15, "disposing": 60}
