"""政治生态分析研判: every figure of a unit's profile on a known world."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.support.builders import agency_code, cadre, member, unit
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.problem_rules import derive_status
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import notices, records
from wsjc_desktop.services import unit_profile as up
from wsjc_desktop.storage.database import Database, open_database

TODAY = date(2026, 12, 6)
YEAR = 2026


def _notice(db: Database, unit_id: int, kind: str, title: str, issued: date, deadline: date | None) -> int:
    values = {"kind": kind, "unit_id": unit_id, "title": title, "deadline": deadline}
    if kind == "holiday_reminder":
        values["holiday"] = "国庆"
    notice_id = records.create(db, "alert_notices", values)
    notices.issue(db, notice_id, issued_on=issued)
    return notice_id


def _close(db: Database, problem_id: int, day: date) -> None:
    """验收销号 as the register records it (its own service is not this module's): the day, and
    the status the rule derives from it."""
    with db.uow() as uow:
        problem = uow.session.get(m.Problem, problem_id)
        assert problem is not None
        problem.closed_on = day
        problem.status = derive_status(closed_on=day, handoff=problem.handoff)
        uow.commit()


def build_world(db: Database) -> dict[str, int]:
    """区财政局 (the unit profiled) and 区商务局 (whose records must never count), 2025 and 2026.

    2026 at 区财政局: talks 3 人次 (one 第一种形态); meetings 2, opinions 3; notices 4 issued (one
    节前提醒), 1 rectified, 1 overdue; inspections 2 (明察暗访 1, 日常 1); problems 3 found, 1
    closed, 1 overdue; clues 2 (谈话函询 1, 待处置 1 — open and past its stage limit); sanctions 2
    (党纪处分 1 of the second form, 组织处理·诫勉 1 of the first); 个人有关事项 2 reports, 漏报 1,
    瞒报 1; 述责述廉 好 1, 一般 1; risk points 2 (高 1, 中 1). 2025: talks 1, meetings 1,
    inspections 1, problems 1 (closed)."""
    agency_code(db)
    ids: dict[str, int] = {}
    u = ids["unit"] = unit(db, "区财政局", short_name="财政局")
    o = ids["other"] = unit(db, "区商务局")
    a = cadre(db, u, "王建国", position="局长", is_leader=True, is_top_leader=True)
    b = cadre(db, u, "李秀英", position="财务科科长")
    c = cadre(db, o, "赵志强", position="局长")
    talker = member(db, "李明")

    # talks: 2 + 1 人次 in 2026, 1 in 2025; the other unit's never
    records.create(db, "talks", {"kind": "integrity", "held_on": date(2026, 3, 1), "cadre_ids": [a, b]})
    records.create(
        db,
        "talks",
        {"kind": "reminder", "held_on": date(2026, 5, 1), "cadre_ids": [a], "handling": "talk_reminder"},
    )
    records.create(db, "talks", {"kind": "integrity", "held_on": date(2025, 4, 1), "cadre_ids": [a]})
    records.create(db, "talks", {"kind": "integrity", "held_on": date(2026, 4, 1), "cadre_ids": [c]})
    gone = records.create(db, "talks", {"kind": "integrity", "held_on": date(2026, 4, 2), "cadre_ids": [b]})
    records.delete(db, "talks", gone)

    # meetings and opinions
    m1 = records.create(
        db,
        "meetings",
        {
            "unit_id": u,
            "held_on": date(2026, 3, 5),
            "meeting_type": "party_committee",
            "attendee_ids": [talker],
        },
    )
    records.create(
        db, "meetings", {"unit_id": u, "held_on": date(2026, 9, 5), "meeting_type": "administrative"}
    )
    records.create(
        db, "meetings", {"unit_id": u, "held_on": date(2025, 9, 5), "meeting_type": "administrative"}
    )
    records.create(
        db, "meetings", {"unit_id": o, "held_on": date(2026, 9, 5), "meeting_type": "administrative"}
    )
    for text in ("严格执行政府采购程序", "规范公务接待", "加强资金支付审核"):
        records.create(db, "meeting_opinions", {"meeting_id": m1, "content": text, "follow_up": "pending"})

    # notices: rectified, overdue, open, a 节前提醒, and a draft that never counts
    n1 = ids["notice_rectified"] = _notice(
        db, u, "copy_notice", "关于差旅费报销不规范问题的廉情抄告单", date(2026, 2, 1), date(2026, 3, 1)
    )
    notices.record_feedback(
        db, n1, {"feedback_date": date(2026, 2, 20), "measures": "已追回超标费用", "status": "done"}
    )
    ids["notice_overdue"] = _notice(
        db, u, "reminder_letter", "关于公务用车管理的提醒函", date(2026, 4, 1), date(2026, 5, 1)
    )
    ids["notice_open"] = _notice(
        db, u, "proposal", "关于完善财政资金支付制度的纪检监察建议书", date(2026, 6, 1), date(2027, 1, 31)
    )
    _notice(db, u, "holiday_reminder", "关于2026年国庆期间严守廉洁纪律的提醒", date(2026, 9, 20), None)
    records.create(db, "alert_notices", {"kind": "copy_notice", "unit_id": u, "title": "草稿"})
    _notice(db, o, "copy_notice", "关于商务局的抄告单", date(2026, 2, 1), date(2026, 3, 1))

    # inspections
    i1 = records.create(
        db,
        "inspections",
        {
            "kind": "unannounced",
            "started_on": date(2026, 3, 10),
            "unit_ids": [u, o],
            "title": "节日期间明察暗访",
        },
    )
    records.create(
        db,
        "inspections",
        {"kind": "routine", "started_on": date(2026, 7, 1), "unit_ids": [u], "title": "日常检查"},
    )
    records.create(
        db,
        "inspections",
        {"kind": "routine", "started_on": date(2026, 7, 2), "unit_ids": [o], "title": "日常检查"},
    )
    records.create(
        db,
        "inspections",
        {"kind": "special", "started_on": date(2025, 6, 1), "unit_ids": [u], "title": "专项检查"},
    )

    # problems: closed, overdue, open; one in 2025 (closed); the other unit's
    problem = {"category": "finance", "severity": "minor"}
    closed = records.create(
        db,
        "problems",
        {
            **problem,
            "unit_id": u,
            "found_on": date(2026, 3, 10),
            "source": "inspection",
            "inspection_id": i1,
            "description": "公务接待无公函",
        },
    )
    _close(db, closed, date(2026, 4, 1))
    ids["problem_overdue"] = records.create(
        db,
        "problems",
        {
            **problem,
            "unit_id": u,
            "found_on": date(2026, 7, 1),
            "source": "other",
            "description": "资金支付审批缺少会签",
            "deadline": date(2026, 8, 1),
        },
    )
    records.create(
        db,
        "problems",
        {
            **problem,
            "unit_id": u,
            "found_on": date(2026, 8, 1),
            "source": "other",
            "description": "固定资产账实不符",
            "deadline": date(2027, 1, 1),
        },
    )
    earlier = records.create(
        db,
        "problems",
        {
            **problem,
            "unit_id": u,
            "found_on": date(2025, 5, 1),
            "source": "other",
            "description": "会议费超标准",
        },
    )
    _close(db, earlier, date(2025, 6, 1))
    records.create(
        db,
        "problems",
        {
            **problem,
            "unit_id": o,
            "found_on": date(2026, 5, 1),
            "source": "other",
            "description": "商务局问题",
        },
    )

    # clues: one closed, one open past its stage's limit (a cadre's: the unit through the cadre)
    records.create(
        db,
        "clues",
        {
            "unit_id": u,
            "received_on": date(2026, 2, 1),
            "source": "petition",
            "summary": "反映财政局违规发放补贴",
            "disposal": "talk_inquiry",
            "stage": "closed",
            "stage_since": date(2026, 3, 1),
            "form": "first",
        },
    )
    ids["clue_open"] = records.create(
        db,
        "clues",
        {
            "cadre_id": b,
            "received_on": date(2026, 11, 1),
            "source": "petition",
            "summary": "反映李秀英收受礼金",
            "disposal": "pending",
            "stage_since": date(2026, 11, 1),
        },
    )
    records.create(
        db,
        "clues",
        {
            "cadre_id": c,
            "received_on": date(2026, 5, 1),
            "source": "petition",
            "summary": "x",
            "disposal": "pending",
        },
    )

    # sanctions: the second form and the first (诫勉)
    records.create(
        db,
        "discipline_records",
        {"cadre_id": a, "category": "party_sanction", "measure": "警告", "decided_on": date(2026, 6, 1)},
    )
    records.create(
        db,
        "discipline_records",
        {"cadre_id": b, "category": "organizational", "measure": "诫勉", "decided_on": date(2026, 8, 1)},
    )
    records.create(
        db,
        "discipline_records",
        {"cadre_id": c, "category": "party_sanction", "measure": "警告", "decided_on": date(2026, 6, 1)},
    )

    # 个人有关事项 and 述责述廉
    records.create(db, "personal_matters_reports", {"cadre_id": a, "year": 2026, "check_result": "omitted"})
    records.create(db, "personal_matters_reports", {"cadre_id": b, "year": 2026, "check_result": "concealed"})
    records.create(db, "personal_matters_reports", {"cadre_id": c, "year": 2026, "check_result": "omitted"})
    records.create(db, "duty_reports", {"cadre_id": a, "year": 2026, "rating": "good"})
    records.create(db, "duty_reports", {"cadre_id": b, "year": 2026, "rating": "average"})

    # risk points: the unit's, a cadre's, one of a later year, the other unit's
    records.create(
        db,
        "risk_points",
        {
            "unit_id": u,
            "post": "财务科",
            "process": "资金支付",
            "description": "资金支付审核不严",
            "level": "high",
        },
    )
    records.create(db, "risk_points", {"cadre_id": b, "description": "经手大额资金", "level": "medium"})
    records.create(
        db, "risk_points", {"unit_id": u, "description": "以后的风险", "level": "high", "year": 2027}
    )
    records.create(db, "risk_points", {"unit_id": o, "description": "商务局的风险", "level": "high"})
    return ids


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("profile") / "wsjc.db"
    db = open_database(path)
    try:
        ids = build_world(db)
    finally:
        db.dispose()
    return path, ids


@pytest.fixture
def profiled(world: tuple[Path, dict[str, int]]) -> up.UnitProfile:
    path, ids = world
    db = open_database(path)
    try:
        return up.profile(db, ids["unit"], YEAR, TODAY)
    finally:
        db.dispose()


def test_the_years_figures(profiled: up.UnitProfile) -> None:
    f = profiled.figures
    assert (f.year, f.talks, f.talks_first_form) == (2026, 3, 1)
    assert (f.meetings, f.opinions) == (2, 3)
    assert (f.notices, f.notices_to_rectify, f.notices_rectified, f.notices_overdue) == (4, 3, 1, 1)
    assert f.rectification_rate == pytest.approx(1 / 3)
    assert f.inspections == 2
    assert dict(f.inspections_by_kind)["明察暗访"] == 1
    assert dict(f.inspections_by_kind)["日常监督检查"] == 1
    assert (f.problems_found, f.problems_closed, f.problems_overdue) == (3, 1, 1)
    assert f.closing_rate == pytest.approx(1 / 3)
    assert f.clues_received == 2
    assert dict(f.clues_by_disposal) == {
        "待处置": 1,
        "谈话函询": 1,
        "初步核实": 0,
        "暂存待查": 0,
        "予以了结": 0,
        "移送立案审查": 0,
    }
    assert f.sanctions == 2
    assert dict(f.sanctions_by_category)["党纪处分"] == 1
    assert dict(f.sanctions_by_category)["组织处理"] == 1
    assert dict(f.sanctions_by_form) == {"第一种形态": 1, "第二种形态": 1, "第三种形态": 0, "第四种形态": 0}
    assert (f.matters_reports, f.matters_omitted, f.matters_concealed) == (2, 1, 1)
    assert dict(f.duty_ratings) == {"好": 1, "较好": 0, "一般": 1, "差": 0}


def test_the_three_year_trend(profiled: up.UnitProfile) -> None:
    assert [y.year for y in profiled.trend] == [2024, 2025, 2026]
    assert profiled.trend[-1] is profiled.figures
    before = profiled.trend[1]
    assert (before.talks, before.meetings, before.inspections) == (1, 1, 1)
    assert (before.problems_found, before.problems_closed, before.sanctions) == (1, 1, 0)
    assert profiled.trend[0].talks == 0


def test_risk_points_of_the_unit_and_its_cadres(profiled: up.UnitProfile) -> None:
    assert [(r.level, r.where, r.description) for r in profiled.risks] == [
        ("高", "财务科、资金支付", "资金支付审核不严"),
        ("中", "李秀英", "经手大额资金"),
    ]


def test_what_is_open(profiled: up.UnitProfile) -> None:
    found = [(i.kind, i.status, i.overdue) for i in profiled.open_items]
    assert found == [
        ("廉情提醒", "逾期未反馈", True),
        ("廉情提醒", "已发出", False),
        ("廉情提醒", "已发出", False),  # the 节前提醒: issued, no feedback, no deadline
        ("问题", "逾期未整改", True),
        ("问题", "待交办", False),
        ("问题线索", "登记·超期", True),
    ]
    clue = profiled.open_of("问题线索")[0]
    assert clue.deadline == date(2026, 11, 8)  # 登记: 7 days


def test_sentences_carry_the_figures(profiled: up.UnitProfile) -> None:
    text = "".join(up.sentences(profiled))
    assert (
        "2026年，对区财政局开展谈话3人次，列席会议2次、提出意见建议3条，发出廉情提醒4份，整改完成率33.3%"
        in text
    )
    assert "逾期未反馈1份" in text
    assert (
        "开展监督检查2次（其中日常监督检查1次、明察暗访1次），发现问题3个、已验收销号1个，销号率33.3%" in text
    )
    assert "受理涉及该单位的问题线索2件，其中待处置1件、谈话函询1件" in text
    # 第一种形态: 诫勉 1 and the talk's 谈话提醒 1
    assert (
        "运用“四种形态”处理3人次，其中第一种形态2人次、第二种形态1人次；给予党纪处分1人次、组织处理1人次"
        in text
    )
    assert "抽查核实发现漏报1人、瞒报1人；述责述廉2人，评议好1人、一般1人" in text


def test_assessment_names_risks_trend_and_open_items(profiled: up.UnitProfile) -> None:
    text = "".join(up.assessment(profiled))
    assert "区财政局现有廉政风险点2个（高风险1个、中风险1个），高风险点主要在财务科" in text
    assert "与2025年相比，发现问题增加2个，受理问题线索增加2件，处分处理增加2人次" in text
    assert "截至2026年12月6日，尚有未办结廉情提醒3份（其中逾期1份）、未办结问题2个（其中逾期1个）" in text
    assert "未办结问题线索1件（其中超期1件）" in text
    assert "对个人有关事项漏报、瞒报的干部依规处理" in text


def test_a_quiet_unit_says_so(world: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    db = open_database(tmp_path / "quiet.db")
    try:
        quiet = unit(db, "区档案馆")
        found = up.profile(db, quiet, YEAR, TODAY)
    finally:
        db.dispose()
    assert found.open_items == () and found.risks == ()
    text = "".join(up.sentences(found)) + "".join(up.assessment(found))
    assert "发出廉情提醒0份。" in text and "整改完成率" not in text
    assert "全年该单位干部未受到处分及处理" in text
    assert "尚未登记廉政风险点" in text
    assert "无未办结的提醒、问题和线索" in text


def test_unit_by_name_lists_the_units_when_none_matches(world: tuple[Path, dict[str, int]]) -> None:
    path, ids = world
    db = open_database(path)
    try:
        assert up.unit_by_name(db, "财政局") == ids["unit"]
        assert up.unit_by_name(db, " 区财政局 ") == ids["unit"]
        with pytest.raises(UserError) as caught:
            up.unit_by_name(db, "区审计局")
    finally:
        db.dispose()
    assert "区审计局" in caught.value.message and "区财政局、区商务局" in caught.value.message


def test_percent() -> None:
    assert up.percent(2 / 3) == "66.7%"
    assert up.percent(1.0) == "100%"
    assert up.percent(None) == "—"


def test_a_unit_out_of_supervision_still_counts_its_own_records(tmp_path: Path) -> None:
    """The year-end figures leave such a unit out of the per-unit lists; its profile does not."""
    db = open_database(tmp_path / "wsjc.db")
    try:
        ids = build_world(db)
        records.update(db, "units", ids["unit"], {"in_scope": False})
        found = up.profile(db, ids["unit"], YEAR, TODAY)
    finally:
        db.dispose()
    f = found.figures
    assert (f.talks, f.meetings, f.opinions, f.notices, f.clues_received, f.sanctions) == (3, 2, 3, 4, 2, 2)
    assert dict(f.clues_by_disposal)["谈话函询"] == 1
