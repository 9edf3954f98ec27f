"""Year-end figures, checked exactly against a database built with known records."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.builders import agency_code, cadre, member, unit
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import notices, records, stats
from wsjc_desktop.storage.database import Database

TODAY = date(2026, 11, 22)
YEAR = stats.Period.year(2026)


def notice(
    db: Database,
    unit_id: int,
    *,
    kind: str = "copy_notice",
    issued: str | None,
    deadline: str,
    title: str = "关于报销不规范问题的抄告",
    **values: object,
) -> int:
    notice_id = records.create(
        db,
        "alert_notices",
        {"kind": kind, "unit_id": unit_id, "title": title, "deadline": deadline, **values},
    )
    if issued is not None:
        notices.issue(db, notice_id, issued_on=date.fromisoformat(issued))
    return notice_id


@pytest.fixture
def world(db: Database) -> dict[str, int]:
    """Two units, five cadres, two members, and one year of work with every edge case."""
    agency_code(db)
    ids: dict[str, int] = {}
    ids["finance"] = fin = unit(db, "区财政局", short_name="财政局", sort_order=1)
    ids["education"] = edu = unit(db, "区教育局", short_name="教育局", sort_order=2)
    ids["outside"] = unit(db, "区档案馆", in_scope=False, sort_order=3)
    ids["li"] = li = member(db, "李明", sort_order=1)
    ids["wang"] = wang = member(db, "王芳", sort_order=2)
    ids["c1"] = c1 = cadre(db, fin, "张三", rank="division", is_leader=True, is_top_leader=True)
    ids["c2"] = c2 = cadre(db, fin, "李四", rank="section")
    ids["c3"] = c3 = cadre(db, edu, "王五", rank="division", is_leader=True)
    ids["c4"] = c4 = cadre(db, edu, "赵六", rank="staff", status="retired")
    ids["gone"] = gone = cadre(db, edu, "钱七", rank="division")
    cadre(db, ids["outside"], "孙八", rank="division")

    # talks: one with three cadres (3 人次), one in another year, one deleted, one with a deleted cadre
    db.member_id = li
    ids["t_three"] = records.create(
        db,
        "talks",
        {
            "held_on": "2026-03-05",
            "kind": "integrity",
            "cadre_ids": [c1, c2, c3],
            "talker_id": li,
            "recorder_id": wang,
        },
    )
    records.create(db, "talks", {"held_on": "2025-12-31", "kind": "integrity", "cadre_ids": [c1]})
    deleted_talk = records.create(
        db, "talks", {"held_on": "2026-04-01", "kind": "reminder", "cadre_ids": [c2]}
    )
    records.delete(db, "talks", deleted_talk)
    ids["t_reminder"] = records.create(
        db,
        "talks",
        {
            "held_on": "2026-06-01",
            "kind": "reminder",
            "cadre_ids": [c4, gone],
            "talker_id": wang,
            "handling": "criticism",
        },
    )
    records.delete(db, "cadres", gone)  # 钱七 goes to the recycle bin: no longer counted anywhere

    # meetings: two attended in 2026 (one with 2 “三重一大” topics and 3 opinions, one deleted opinion)
    ids["m1"] = m1 = records.create(
        db,
        "meetings",
        {
            "held_on": "2026-02-10",
            "unit_id": fin,
            "meeting_type": "major_decision",
            "major_topic_count": 2,
            "attendee_ids": [li, wang],
        },
    )
    for text, follow in (
        ("建议公开招标", "adopted"),
        ("建议集体决策", "implemented"),
        ("建议补充论证", "pending"),
    ):
        records.create(db, "meeting_opinions", {"meeting_id": m1, "content": text, "follow_up": follow})
    dropped = records.create(
        db, "meeting_opinions", {"meeting_id": m1, "content": "作废意见", "follow_up": "pending"}
    )
    records.delete(db, "meeting_opinions", dropped)
    records.create(
        db,
        "meetings",
        {"held_on": "2026-09-01", "unit_id": edu, "meeting_type": "democratic_life", "attendee_ids": [wang]},
    )
    records.create(
        db, "meetings", {"held_on": "2025-09-01", "unit_id": edu, "meeting_type": "party_committee"}
    )

    # notices: rectified late, rectified in time, fed back, overdue, open, a draft, deleted, last year
    db.member_id = wang
    ids["n_late"] = late = notice(db, fin, issued="2026-03-01", deadline="2026-03-15")
    notices.record_feedback(db, late, {"feedback_date": "2026-03-20", "measures": "已整改", "status": "done"})
    ids["n_ok"] = ok = notice(db, edu, issued="2026-04-01", deadline="2026-04-15")
    notices.record_feedback(db, ok, {"feedback_date": "2026-04-10", "measures": "正在整改"})
    notices.record_feedback(db, ok, {"feedback_date": "2026-04-30", "measures": "整改完毕", "status": "done"})
    ids["n_fed"] = fed = notice(db, edu, kind="reminder_letter", issued="2026-05-01", deadline="2026-05-15")
    notices.record_feedback(db, fed, {"feedback_date": "2026-05-20", "measures": "正在整改"})
    ids["n_overdue"] = notice(db, fin, kind="prompt_letter", issued="2026-10-01", deadline="2026-11-01")
    ids["n_open"] = notice(db, fin, issued="2026-11-15", deadline="2026-12-01")
    notice(db, fin, issued=None, deadline="2026-12-20")  # a draft never counts
    binned = notice(db, fin, issued="2026-06-01", deadline="2026-06-15")
    records.delete(db, "alert_notices", binned)
    notice(db, fin, issued="2025-12-01", deadline="2025-12-15")
    for unit_id in (fin, edu):
        notice(
            db,
            unit_id,
            kind="holiday_reminder",
            issued="2026-02-10",
            deadline="2026-02-25",
            title="关于2026年春节期间严守廉洁纪律的提醒",
            holiday="春节",
        )
    notice(
        db,
        fin,
        kind="holiday_reminder",
        issued="2026-09-20",
        deadline="2026-10-05",
        title="关于2026年中秋、国庆期间严守廉洁纪律的提醒",
        holiday="国庆节",
    )

    # 党风廉政意见回复: three 人次 in 2026, one deleted, one in 2027
    db.member_id = li
    for cadre_id, conclusion in ((c1, "no_clues"), (c2, "no_clues"), (c3, "suggest_defer")):
        records.create(
            db,
            "integrity_opinions",
            {
                "cadre_id": cadre_id,
                "requesting_unit": "区委组织部",
                "reason": "promotion",
                "reply_date": "2026-07-01",
                "conclusion": conclusion,
            },
        )
    binned_reply = records.create(
        db,
        "integrity_opinions",
        {
            "cadre_id": c1,
            "requesting_unit": "区委组织部",
            "reason": "award",
            "reply_date": "2026-08-01",
            "conclusion": "no_clues",
        },
    )
    records.delete(db, "integrity_opinions", binned_reply)

    # clues and discipline
    records.create(
        db,
        "clues",
        {
            "received_on": "2026-05-05",
            "source": "petition",
            "summary": "反映违规报销",
            "cadre_id": c2,
            "disposal": "preliminary_check",
        },
    )
    records.create(
        db,
        "clues",
        {
            "received_on": "2026-06-05",
            "source": "supervision",
            "summary": "反映公车私用",
            "disposal": "pending",
            "unit_id": edu,
        },
    )
    records.create(
        db,
        "discipline_records",
        {"cadre_id": c2, "category": "first_form", "measure": "批评教育", "decided_on": "2026-08-01"},
    )

    # yearly reports
    records.create(db, "duty_reports", {"cadre_id": c1, "year": 2026})
    records.create(
        db, "personal_matters_reports", {"cadre_id": c1, "year": 2026, "check_result": "consistent"}
    )
    records.create(
        db, "personal_matters_reports", {"cadre_id": c3, "year": 2026, "check_result": "not_checked"}
    )
    records.create(
        db, "personal_matters_reports", {"cadre_id": c3, "year": 2025, "check_result": "not_checked"}
    )
    db.member_id = None
    return ids


def test_talks_count_person_times(db: Database, world: dict[str, int]) -> None:
    r = stats.compute(db, YEAR, today=TODAY)
    assert r.value("talks.count") == 2  # the three-cadre talk and the reminder (deleted talk and 2025 not)
    assert r.value("talks.person_times") == 4  # 3 + 1 (钱七 is in the recycle bin)
    assert r.value("talks.kind.integrity") == 3
    assert r.value("talks.kind.reminder") == 1
    assert r.value("talks.rank.division") == 2
    assert r.value("talks.rank.section") == 1
    assert r.value("talks.rank.staff") == 1
    assert r.value("talks.integrity.rank.division") == 2
    assert r.value("talks.leaders") == 2
    assert r.value("talks.handling.criticism") == 1


def test_meetings_and_opinions(db: Database, world: dict[str, int]) -> None:
    r = stats.compute(db, YEAR, today=TODAY)
    assert r.value("meetings.count") == 2
    assert r.value("meetings.type.major_decision") == 1
    assert r.value("meetings.type.democratic_life") == 1
    assert r.value("meetings.type.party_committee") == 0
    assert r.value("meetings.major_topics") == 2
    assert r.value("opinions.count") == 3
    assert r.value("opinions.adopted") == 2
    assert r.value("opinions.implemented") == 1


def test_notices(db: Database, world: dict[str, int]) -> None:
    r = stats.compute(db, YEAR, today=TODAY)
    assert r.value("notices.issued") == 8  # 5 + 3 holiday reminders (draft, deleted, 2025 not)
    assert r.value("notices.kind.copy_notice") == 3
    assert r.value("notices.kind.reminder_letter") == 1
    assert r.value("notices.kind.prompt_letter") == 1
    assert r.value("notices.kind.holiday_reminder") == 3
    assert r.value("notices.fed_back") == 3
    assert r.value("notices.fed_back_late") == 2  # late (3-20 > 3-15) and fed (5-20 > 5-15); ok was on time
    assert r.value("notices.rectified") == 2
    assert r.value("notices.rectified.copy_notice") == 2
    # rectified after its deadline: counts as rectified and as late; ok's first feedback was in time
    # but it was only rectified on 4-30, after its 4-15 deadline
    assert r.value("notices.rectified_late") == 2
    assert [t.record_id for t in r.trace("notices.rectified_late")] == [world["n_late"], world["n_ok"]]
    # issued, past the deadline, no feedback: the prompt letter and the three holiday reminders
    assert r.value("notices.overdue") == 4
    assert world["n_overdue"] == r.trace("notices.overdue")[-1].record_id
    assert r.value("notices.holiday_occasions") == 2  # 春节 and 国庆节


def test_overdue_is_judged_on_the_given_day(db: Database, world: dict[str, int]) -> None:
    assert stats.compute(db, YEAR, today=date(2026, 12, 2)).value("notices.overdue") == 5  # + the open one
    assert stats.compute(db, YEAR, today=date(2026, 10, 2)).value("notices.overdue") == 2  # the 春节 ones


def test_replies_clues_discipline_files_cadres(db: Database, world: dict[str, int]) -> None:
    r = stats.compute(db, YEAR, today=TODAY)
    assert r.value("replies.person_times") == 3
    assert r.value("replies.conclusion.no_clues") == 2
    assert r.value("replies.conclusion.suggest_defer") == 1
    assert r.value("replies.rank.division") == 2
    assert r.value("clues.received") == 2
    assert r.value("clues.disposal.preliminary_check") == 1
    assert r.value("clues.disposal.pending") == 1
    assert r.value("discipline.category.first_form") == 1
    assert r.value("duty_reports.count") == 1
    assert r.value("personal_matters.count") == 2
    assert r.value("personal_matters.checked") == 1
    # every live cadre was created this year (钱七 is in the recycle bin)
    assert r.value("files.built") == 5
    # serving cadres of units under supervision: 赵六 retired, 孙八's unit is out of scope
    assert r.value("cadres.count") == 3
    assert r.value("cadres.rank.division") == 2
    assert r.value("cadres.leaders") == 2
    assert r.value("cadres.top_leaders") == 1
    assert r.value("units.count") == 2


def test_per_unit_and_per_member(db: Database, world: dict[str, int]) -> None:
    r = stats.compute(db, YEAR, today=TODAY)
    fin, edu = world["finance"], world["education"]
    assert list(r.units) == [fin, edu]
    assert r.value("talks.person_times", unit_id=fin) == 2
    assert r.value("talks.person_times", unit_id=edu) == 2  # 王五 and 赵六
    assert r.value("talks.count", unit_id=fin) == 1
    assert r.value("talks.count", unit_id=edu) == 2  # the three-cadre talk reached both units
    assert r.value("notices.issued", unit_id=fin) == 5
    assert r.value("notices.issued", unit_id=edu) == 3
    assert r.value("meetings.count", unit_id=edu) == 1
    assert r.value("clues.received", unit_id=fin) == 1
    li, wang = world["li"], world["wang"]
    assert r.value("talks.person_times", member_id=li) == 3  # talker of the three-cadre talk
    assert r.value("talks.person_times", member_id=wang) == 4  # recorder of it and talker of the other
    assert r.value("meetings.count", member_id=li) == 1
    assert r.value("meetings.count", member_id=wang) == 2
    assert r.value("notices.issued", member_id=wang) == 8
    assert r.value("replies.person_times", member_id=li) == 3
    assert "cadres.count" not in r.values(member_id=li)


def test_every_figure_traces_to_its_records(db: Database, world: dict[str, int]) -> None:
    r = stats.compute(db, YEAR, today=TODAY)
    for d in stats.FIGURES:
        facts = r.trace_facts(d.key)
        if d.distinct is None and d.weight is None:
            assert r.value(d.key) == len(facts), d.key
        for fact in facts:
            assert records.get(db, fact.table, fact.record_id)  # each opens a live record
    lines = [t.text for t in r.trace("talks.person_times")]
    assert lines == [
        "2026年3月5日 廉政谈话 张三（财政局）",
        "2026年3月5日 廉政谈话 李四（财政局）",
        "2026年3月5日 廉政谈话 王五（教育局）",
        "2026年6月1日 提醒谈话 赵六（教育局）",
    ]
    assert [t.record_id for t in r.trace("talks.person_times", unit_id=world["education"])] == [
        world["t_three"],
        world["t_reminder"],
    ]
    weighted = r.trace_facts("meetings.major_topics")
    assert [f.record_id for f in weighted] == [world["m1"]]


def test_restoring_a_record_counts_it_again(db: Database, world: dict[str, int]) -> None:
    before = stats.compute(db, YEAR, today=TODAY).value("talks.person_times")
    records.restore(db, "cadres", world["gone"])
    assert stats.compute(db, YEAR, today=TODAY).value("talks.person_times") == before + 1


def test_any_date_range(db: Database, world: dict[str, int]) -> None:
    first_half = stats.Period(date(2026, 1, 1), date(2026, 6, 30))
    r = stats.compute(db, first_half, today=TODAY)
    assert r.value("talks.person_times") == 4
    assert r.value("meetings.count") == 1
    assert r.period.label == "2026年1月1日至2026年6月30日"
    across = stats.compute(db, stats.Period(date(2025, 12, 1), date(2026, 3, 31)), today=TODAY)
    assert across.value("talks.person_times") == 4  # 2025-12-31 (张三) + the three-cadre talk
    with pytest.raises(UserError, match="结束日期早于开始日期"):
        stats.Period(date(2026, 2, 1), date(2026, 1, 1))


def test_empty_database_gives_zeros(db: Database) -> None:
    r = stats.compute(db, YEAR, today=TODAY)
    assert set(r.values().values()) == {0}
    assert r.trace("talks.person_times") == []
    with pytest.raises(UserError, match="没有名为"):
        r.value("no.such.figure")


def test_sentences_fill_in_the_figures(db: Database, world: dict[str, int]) -> None:
    text = "\n".join(stats.sentences(stats.compute(db, YEAR, today=TODAY)))
    assert "全年共参加综合监督单位相关会议2次" in text
    assert "提出意见建议3条" in text
    assert "对处级干部开展廉政谈话2人次" in text
    assert "其中开出廉情抄告单3份，已整改2份" in text
    assert "逾期未反馈4份" in text
    assert "全年共开展节前提醒2次，发出提醒3份" in text
    assert "出具党风廉政意见回复3人次" in text
    assert "对两个综合监督单位监察对象信息" in text
    assert "共有监察对象3名" in text


def test_json_keys_are_stable_english_names_with_chinese_labels(db: Database, world: dict[str, int]) -> None:
    data = stats.compute(db, YEAR, today=TODAY).as_json()
    assert data["figures"]["talks.person_times"] == {
        "label": "谈话人次（合计）",
        "section": "谈话",
        "unit": "人次",
        "value": 4,
    }
    assert all(key.isascii() for key in data["figures"])
    assert [u["name"] for u in data["units"]] == ["财政局", "教育局"]
    assert [m_["name"] for m_ in data["members"]] == ["李明", "王芳"]


def test_monthly_and_unit_activity(db: Database, world: dict[str, int]) -> None:
    monthly = stats.monthly_activity(db, 2026)
    assert monthly[stats.SERIES_TALKS][2] == 3  # March: the three-cadre talk
    assert monthly[stats.SERIES_TALKS][5] == 1
    assert sum(monthly[stats.SERIES_MEETINGS]) == 2
    assert sum(monthly[stats.SERIES_NOTICES]) == 8
    assert sum(monthly[stats.SERIES_REPLIES]) == 3
    per_unit = dict(stats.unit_activity(db, 2026))
    assert list(per_unit) == ["财政局", "教育局"]
    assert per_unit["财政局"][stats.SERIES_TALKS] == 2
    assert per_unit["教育局"][stats.SERIES_NOTICES] == 3


def test_a_plain_connection_counts_as_the_database_does_on_two_connections(
    db: Database, world: dict[str, int]
) -> None:
    """The command line reads through a plain read-only sqlite3 connection, the talks counted
    on a second one in a thread: the same figures, per unit and per member, and the same trace."""
    import sqlite3

    period = stats.Period.year(2026)
    expected = stats.compute(db, period, today=date(2026, 11, 22))
    conn = sqlite3.connect(f"{db.path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        got = stats.compute(conn, period, today=date(2026, 11, 22))
        assert got.values() == expected.values()
        assert got.by_unit() == expected.by_unit()
        assert got.by_member() == expected.by_member()
        assert got.values()["talks.person_times"] > 0  # the second connection's part is in there
        assert [f.record_id for f in got.trace("talks.person_times")] == [
            f.record_id for f in expected.trace("talks.person_times")
        ]
    finally:
        conn.close()
