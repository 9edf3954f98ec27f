"""The supervision loop's figures (issue 19 points 4 and 6), each checked on a known world: in the
service, in ``wsjc-desktop stats --json`` (a real subprocess) and in the year-end sentences."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from tests.support.builders import agency_code, cadre, member, unit
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import problem_rules
from wsjc_desktop.services import records, settings, stats, yearend
from wsjc_desktop.storage.database import Database

TODAY = date(2026, 11, 22)
YEAR = stats.Period.year(2026)

#: Every new figure's value in the world below (as of TODAY).
EXPECTED = {
    "inspections.count": 6,
    "inspections.unannounced": 2,
    "inspections.alert_checks": 1,
    "inspections.stationed": 1,
    "inspections.rectification": 1,
    "inspections.kind.special": 1,
    "inspections.kind.routine": 0,
    "inspections.kind.unannounced": 2,
    "meetings.agenda_review.topics": 4,
    "meetings.agenda_review.opinions": 3,
    "meetings.liaison": 1,
    "meetings.type.agenda_review": 2,
    "opinions.count": 4,
    "duty_reports.count": 3,
    "duty_reports.leaders": 1,
    "duty_reports.middle": 2,
    "problems.found": 5,
    "problems.closed": 2,
    "problems.closing_rate": 40,
    "problems.overdue": 1,
    "problems.category.finance": 2,
    "problems.category.eight_rules": 1,
    "problems.category.conduct": 1,
    "problems.category.other": 1,
    "clues.received": 4,
    "clues.closed": 1,
    "clues.overdue": 2,
    "clues.disposal.transferred": 1,
    "sanctions.in_effect": 1,
    "talks.first_form": 2,
    "discipline.count": 3,
    "discipline.form.1": 1,
    "four_forms.1": 3,
    "four_forms.2": 1,
    "four_forms.3": 0,
    "four_forms.4": 1,
    "four_forms.count": 5,
}


def close_problem(db: Database, problem_id: int, day: str, by: int) -> None:
    """验收销号, written as the 验收 step will write it (the fields are the program's, not input)."""
    with db.uow() as uow:
        problem = uow.session.get(m.Problem, problem_id)
        assert problem is not None
        problem.closed_on = date.fromisoformat(day)
        problem.closed_by_id = by
        problem.status = problem_rules.derive_status(closed_on=problem.closed_on, handoff=problem.handoff)
        uow.commit()


@pytest.fixture
def world(db: Database) -> dict[str, int]:
    return build_world(db)


def build_world(db: Database) -> dict[str, int]:
    """Two units, three cadres, two members and a year of the loop's work, each count known."""
    agency_code(db)
    ids: dict[str, int] = {}
    ids["fin"] = fin = unit(db, "区财政局", short_name="财政局", sort_order=1)
    ids["edu"] = edu = unit(db, "区教育局", short_name="教育局", sort_order=2)
    ids["li"] = li = member(db, "李明", sort_order=1)
    ids["wang"] = wang = member(db, "王芳", sort_order=2)
    c1 = cadre(db, fin, "张三", rank="division", is_leader=True)
    c2 = cadre(db, fin, "李四", rank="section")
    c3 = cadre(db, edu, "王五", rank="section")

    # 监督检查: six in 2026 (one of two units), one in 2025, one in the recycle bin
    def inspection(day: str, kind: str, units: list[int], **values: object) -> int:
        return records.create(
            db,
            "inspections",
            {"started_on": day, "kind": kind, "unit_ids": units, "title": f"{kind}检查", **values},
        )

    ids["i_both"] = inspection("2026-03-01", "unannounced", [fin, edu], member_ids=[li])
    inspection("2026-04-01", "unannounced", [fin])
    inspection("2026-05-01", "alert_check", [edu], alert_source="政采云", alert_result="confirmed")
    inspection("2026-06-01", "stationed", [fin])
    inspection("2026-07-01", "rectification", [edu])
    inspection("2026-08-01", "special", [fin])
    inspection("2025-12-01", "routine", [fin])
    records.delete(db, "inspections", inspection("2026-09-01", "unannounced", [fin]))

    # 议题前置审查: 3 + 1 topics (blank lines do not count), 2 + 1 opinions; a 联络员例会 with one
    def meeting(day: str, unit_id: int, kind: str, topics: str | None, opinions: int) -> int:
        meeting_id = records.create(
            db, "meetings", {"held_on": day, "unit_id": unit_id, "meeting_type": kind, "topics": topics}
        )
        for n in range(opinions):
            records.create(
                db,
                "meeting_opinions",
                {"meeting_id": meeting_id, "content": f"意见{n + 1}", "follow_up": "pending"},
            )
        return meeting_id

    meeting(
        "2026-03-10",
        fin,
        "agenda_review",
        "关于采购办公设备的议题\n\n关于修订差旅费管理办法\n  　\n关于基建项目招标",
        2,
    )
    meeting("2026-09-10", edu, "agenda_review", "关于人事调整事项\r\n", 1)
    meeting("2026-04-10", fin, "liaison", None, 1)
    meeting("2025-04-10", fin, "agenda_review", "去年的议题", 1)

    # 述责述廉: a leader and two 中层干部 in 2026
    for cadre_id in (c1, c2, c3):
        records.create(db, "duty_reports", {"cadre_id": cadre_id, "year": 2026})
    records.create(db, "duty_reports", {"cadre_id": c3, "year": 2025})

    # 问题发现台账: five found in 2026, two closed, one past its 整改期限
    def problem(day: str, unit_id: int, category: str, **values: object) -> int:
        return records.create(
            db,
            "problems",
            {
                "found_on": day,
                "unit_id": unit_id,
                "category": category,
                "source": "other",
                "severity": "minor",
                "description": f"{category}问题",
                **values,
            },
        )

    db.member_id = wang
    close_problem(db, problem("2026-02-01", fin, "eight_rules"), "2026-05-01", li)
    ids["p_overdue"] = problem("2026-03-01", fin, "finance", deadline="2026-10-01")
    problem("2026-04-01", edu, "finance", deadline="2026-12-31")
    close_problem(db, problem("2026-05-01", edu, "conduct", deadline="2026-06-01"), "2026-06-01", li)
    problem("2026-06-01", edu, "other")
    problem("2025-06-01", edu, "other", deadline="2025-07-01")
    records.delete(db, "problems", problem("2026-06-02", edu, "finance", deadline="2026-07-01"))
    db.member_id = None

    # 问题线索 (limits 7/15/60 days): green, red in 研判, 办结 (移送立案审查), red in 登记
    def clue(day: str, **values: object) -> int:
        return records.create(
            db,
            "clues",
            {
                "received_on": day,
                "source": "petition",
                "summary": "反映问题",
                "unit_id": fin,
                "disposal": "pending",
                **values,
            },
        )

    clue("2026-11-20")
    ids["cl_assessing"] = clue("2026-10-01", stage="assessing", stage_since="2026-10-01")
    clue("2026-03-01", stage="closed", form="second", disposal="transferred")
    ids["cl_registered"] = clue("2026-11-10")

    # sanctions: one in its 影响期 on TODAY, one whose 影响期 has ended, a first form, an expulsion
    def sanction(cadre_id: int, category: str, measure: str, day: str, end: str | None = None) -> int:
        values = {"cadre_id": cadre_id, "category": category, "measure": measure, "decided_on": day}
        if end is not None:
            values |= {"effect_start": day, "effect_end": end}
        return records.create(db, "discipline_records", values)

    sanction(c2, "party_sanction", "警告", "2026-01-10", "2027-01-10")
    sanction(c1, "government_sanction", "记过", "2025-03-01", "2026-03-01")
    sanction(c3, "first_form", "谈话提醒", "2026-07-01", "2026-07-01")
    sanction(c1, "party_sanction", "开除党籍", "2026-08-01", "2026-08-01")

    # talks: a 谈话提醒 with two cadres recorded as 第一种形态 (two 人次), and one without handling
    records.create(
        db,
        "talks",
        {"held_on": "2026-05-05", "kind": "reminder", "cadre_ids": [c1, c2], "handling": "talk_reminder"},
    )
    records.create(db, "talks", {"held_on": "2026-06-06", "kind": "integrity", "cadre_ids": [c3]})
    return ids


def test_every_new_figure_on_a_known_world(db: Database, world: dict[str, int]) -> None:
    report = stats.compute(db, YEAR, today=TODAY)
    assert {key: report.value(key) for key in EXPECTED} == EXPECTED


def test_the_keys_the_checks_use_exist_with_chinese_labels() -> None:
    for key in (
        "inspections.count",
        "inspections.unannounced",
        "problems.found",
        "problems.closed",
        "problems.overdue",
        "clues.received",
        "clues.overdue",
        "sanctions.in_effect",
    ):
        label = stats.figure(key).label
        assert label and not label.isascii(), key


def test_per_unit_and_per_member(db: Database, world: dict[str, int]) -> None:
    report = stats.compute(db, YEAR, today=TODAY)
    fin, edu = world["fin"], world["edu"]
    assert report.value("inspections.count", unit_id=fin) == 4  # the two-unit check counts for both
    assert report.value("inspections.count", unit_id=edu) == 3
    assert report.value("inspections.count", member_id=world["li"]) == 1
    assert report.value("problems.found", unit_id=fin) == 2
    assert report.value("problems.closing_rate", unit_id=fin) == 50
    assert report.value("problems.closing_rate", unit_id=edu) == 33
    assert report.value("problems.found", member_id=world["wang"]) == 5
    assert report.value("meetings.agenda_review.topics", unit_id=edu) == 1


def test_what_is_behind_the_new_figures(db: Database, world: dict[str, int]) -> None:
    report = stats.compute(db, YEAR, today=TODAY)
    for key in EXPECTED:
        fig = stats.figure(key)
        facts = report.trace_facts(key)
        if fig.weight is None and fig.ratio is None:
            assert len(facts) == report.value(key), key
        for fact in facts:
            assert records.get(db, fact.table, fact.record_id), key
    assert [t.record_id for t in report.trace("problems.overdue")] == [world["p_overdue"]]
    assert [t.record_id for t in report.trace("clues.overdue")] == [
        world["cl_assessing"],
        world["cl_registered"],
    ]
    assert (
        report.trace("inspections.unannounced")[0].text
        == "2026年3月1日 明察暗访 财政局、教育局：unannounced检查"
    )
    assert len(report.trace("problems.closing_rate")) == 2  # the closed ones
    first = report.trace("four_forms.1")
    assert [t.table for t in first] == ["talks", "talks", "cadres"]  # by date: the talk, then the record


def test_judged_as_of_the_period_end_or_today(db: Database, world: dict[str, int]) -> None:
    # on 2026-10-20: the 研判 clue is red (19 days, limit 15), the 登记 one not yet received
    early = stats.compute(db, YEAR, today=date(2026, 10, 20))
    assert early.value("clues.overdue") == 1
    assert early.value("problems.overdue") == 1  # the 10-01 deadline has passed
    # a first half-year: judged on June 30 (before today); the 2026-06-01 deadline was met
    half = stats.compute(db, stats.Period(date(2026, 1, 1), date(2026, 6, 30)), today=TODAY)
    assert half.value("problems.found") == 5
    assert half.value("problems.closed") == 2
    assert half.value("problems.overdue") == 0
    # on June 30: the 警告 only (the 记过's ended on March 1, the 开除党籍 is decided in August)
    assert half.value("sanctions.in_effect") == 1


def test_the_clue_limits_come_from_the_settings(db: Database, world: dict[str, int]) -> None:
    settings.set_many(db, {"clues.stage_days": {"registered": 30, "assessing": 15, "disposing": 60}})
    report = stats.compute(db, YEAR, today=TODAY)
    assert report.value("clues.overdue") == 1  # the 登记 one has 30 days now
    # the plain connection of the command line reads the setting too
    conn = sqlite3.connect(f"{db.path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert stats.compute(conn, YEAR, today=TODAY).value("clues.overdue") == 1
    finally:
        conn.close()


def test_the_sql_agrees_with_the_rules(db: Database, world: dict[str, int]) -> None:
    """The figures' SQL (lights, 逾期, topics) gives what the Python rules give, row by row."""
    report = stats.compute(db, YEAR, today=TODAY)
    with db.read() as uow:
        clues = {c.id: c for c in uow.session.query(m.Clue)}
        problems = {p.id: p for p in uow.session.query(m.Problem).filter(m.Problem.deleted_at.is_(None))}
        meetings = {mt.id: mt for mt in uow.session.query(m.Meeting)}
        for fact in report.facts("clues"):
            clue = clues[fact.record_id]
            light = problem_rules.light(clue.stage, clue.stage_since, TODAY)
            assert fact.sig[2] == (light.value if light else None)
        for fact in report.facts("problems"):
            problem = problems[fact.record_id]
            assert bool(fact.sig[2]) == problem_rules.is_overdue(problem.status, problem.deadline, TODAY)
        for fact in report.facts("meetings"):
            meeting = meetings[fact.record_id]
            if meeting.meeting_type.value == "agenda_review":
                assert fact.sig[2] == stats.agenda_topics(meeting.topics)
    assert stats.agenda_topics("a\n\n b\r\nc\n　\n") == 3


def test_the_sentences_mention_them(db: Database, world: dict[str, int]) -> None:
    text = "\n".join(stats.sentences(stats.compute(db, YEAR, today=TODAY)))
    assert (
        "全年共开展各类监督检查6次，其中开展明察暗访2次、开展驻点监督1次、开展巡视巡察整改监督1次、核查预警1起、开展专项监督检查1次。"
        in text
    )
    assert "提前把关拟上会议题4个，从纪检监察工作的角度提出意见3条" in text
    assert "联络员召开例会1次" in text
    assert "督促1名班子成员按规定完成述责述廉" in text and "共2名中层干部" in text
    assert (
        "全年共发现各类问题5个（其中八项规定精神方面1个、财务管理方面2个、作风纪律方面1个、其他1个），"
        "已验收销号2个，销号率40%，逾期未整改1个。"
    ) in text
    assert "全年共受理问题线索4件" in text and "移送立案审查1件" in text
    assert "已办结1件，超期未办结2件" in text
    assert "批评教育帮助和处理5人次，其中第一种形态3人次、第二种形态1人次、第四种形态1人次" in text
    assert "截至2026年11月22日，尚在处分或组织处理影响期内的干部1人次。" in text


def test_the_year_end_workbook_and_pdf_carry_them(db: Database, world: dict[str, int], tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    report = stats.compute(db, YEAR, today=TODAY)
    out = tmp_path / "统计.xlsx"
    yearend.export_xlsx(db, report, out)
    book = load_workbook(out, read_only=True)
    rows = {
        row[1]: row[2] for row in book["汇总"].iter_rows(min_row=1, values_only=True) if row and len(row) > 2
    }
    assert rows["开展明察暗访（次）"] == 2
    assert rows["销号率（%）"] == 40
    assert rows["超期未办结（件）"] == 2
    texts = [row[0] for row in book["文字材料"].iter_rows(values_only=True) if row and row[0]]
    assert any("核查预警1起" in str(t) for t in texts)


def test_stats_json_on_the_command_line(db: Database, world: dict[str, int]) -> None:
    path = db.path
    db.dispose()
    result = run("stats", "--year", "2026", "--db", str(path), "--json", "--today", TODAY.isoformat())
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout.decode("utf-8"))
    assert {key: data["figures"][key]["value"] for key in EXPECTED} == EXPECTED
    assert data["figures"]["problems.closing_rate"]["unit"] == "%"
    assert data["figures"]["inspections.unannounced"]["label"] == "开展明察暗访（次）"
    assert any("核查预警1起" in s for s in data["sentences"])


def test_the_year_end_pdf_prints_them(db: Database, world: dict[str, int], tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.printing.conftest import all_text, read_pdf, squash

    report = stats.compute(db, YEAR, today=TODAY)
    out = tmp_path / "统计.pdf"
    yearend.export_pdf(db, report, out)
    text = squash(all_text(read_pdf(out)))
    for heading in ("监督检查", "问题整改"):
        assert heading in text
    assert "开展明察暗访（次）" in text and "销号率（%）" in text and "处于处分或处理影响期内（人次）" in text
    assert "核查预警1起" in text and "销号率40%" in text
    assert "40%" in text.replace("销号率40%", "")  # the rate is printed as a percentage in its table
    if os.environ.get("WSJC_SCREENSHOTS"):
        import shutil

        shutil.copy(out, Path(os.environ["WSJC_SCREENSHOTS"]) / "year.pdf")
