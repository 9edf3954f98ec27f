"""A sanction's 影响期 filled from the regulations (or the group's own months), and the
工作台's list of those ending within 30 days."""

from __future__ import annotations

from datetime import date

from tests.support.builders import cadre, unit
from wsjc_desktop.services import records, settings
from wsjc_desktop.services.todo import TodoKind, todo_list
from wsjc_desktop.storage.database import Database


def sanction(
    db: Database, cadre_id: int, category: str, measure: str, decided_on: date, **values: object
) -> int:
    return records.create(
        db,
        "discipline_records",
        {"cadre_id": cadre_id, "category": category, "measure": measure, "decided_on": decided_on, **values},
    )


def test_a_blank_effect_period_is_the_measures(db: Database) -> None:
    person = cadre(db, unit(db), "张三")
    warned = sanction(db, person, "party_sanction", "严重警告", date(2026, 3, 5))
    row = records.get(db, "discipline_records", warned)
    assert (row["effect_start"], row["effect_end"]) == (date(2026, 3, 5), date(2027, 9, 4))
    assert row["effect_rule"] == "党纪处分·严重警告 18个月"  # the rule it was set by
    given = sanction(
        db, person, "government_sanction", "记过", date(2026, 3, 5), effect_start=date(2026, 4, 1)
    )
    row = records.get(db, "discipline_records", given)
    assert (row["effect_start"], row["effect_end"]) == (date(2026, 4, 1), date(2027, 3, 31))
    own_end = sanction(db, person, "organizational", "诫勉", date(2026, 3, 5), effect_end=date(2026, 5, 1))
    row = records.get(db, "discipline_records", own_end)
    assert row["effect_end"] == date(2026, 5, 1) and row["effect_rule"] is None  # as entered
    talk = sanction(db, person, "first_form", "谈话提醒", date(2026, 3, 5))
    assert records.get(db, "discipline_records", talk)["effect_end"] is None  # no 影响期


def test_the_groups_own_months_from_the_settings(db: Database) -> None:
    person = cadre(db, unit(db), "张三")
    table = settings.get(db, "sanctions.effect_months")
    table["organizational"]["诫勉"] = 3
    settings.set_many(db, {"sanctions.effect_months": table})
    record = sanction(db, person, "organizational", "诫勉", date(2026, 1, 1))
    assert records.get(db, "discipline_records", record)["effect_end"] == date(2026, 3, 31)


def test_the_dashboard_lists_periods_ending_within_30_days(db: Database) -> None:
    today = date(2026, 11, 20)
    unit_id = unit(db, "区财政局", short_name="财政局")
    ending = cadre(db, unit_id, "李四")
    sanction(db, ending, "organizational", "诫勉", date(2026, 6, 1))  # ends 2026-11-30: in 10 days
    sanction(db, cadre(db, unit_id, "王五"), "organizational", "诫勉", date(2026, 7, 1))  # 12-31: later
    sanction(db, cadre(db, unit_id, "赵六"), "organizational", "诫勉", date(2026, 5, 1))  # 10-31: over
    binned = sanction(db, cadre(db, unit_id, "钱七"), "organizational", "诫勉", date(2026, 6, 5))
    records.delete(db, "discipline_records", binned)  # in the recycle bin: not listed
    (section,) = [s for s in todo_list(db, today) if s.kind is TodoKind.SANCTIONS_ENDING]
    assert section.title == "30日内影响期期满" and section.total == 1 and section.count_text == "1 人次"
    (item,) = section.items
    assert item.text == "李四（财政局）组织处理·诫勉 影响期 11月30日 期满（还有10天）"
    assert (item.table, item.record_id) == ("cadres", ending)


def visit(db: Database, cadre_id: int, visited_on: date, next_visit: date | None) -> int:
    return records.create(
        db,
        "follow_up_visits",
        {
            "cadre_id": cadre_id,
            "visited_on": visited_on,
            "findings": "思想稳定，工作正常。",
            "next_visit": next_visit,
        },
    )


def test_a_sanctioned_cadres_visit_is_due_on_the_dashboard(db: Database) -> None:
    """回访 (seed 004 §10): the first 90 days after the decision, then when the last visit said;
    only inside an 影响期; a last visit with no next date ends them."""
    today = date(2026, 11, 20)
    unit_id = unit(db, "区财政局", short_name="财政局")
    first = cadre(db, unit_id, "李四")
    sanction(db, first, "party_sanction", "警告", date(2026, 8, 25))  # first visit due 11-23
    planned = cadre(db, unit_id, "王五")
    sanction(db, planned, "government_sanction", "记过", date(2026, 3, 1))
    visit(db, planned, date(2026, 6, 1), date(2026, 11, 10))  # overdue by 10 days
    done = cadre(db, unit_id, "赵六")
    sanction(db, done, "government_sanction", "记过", date(2026, 3, 1))
    visit(db, done, date(2026, 9, 1), None)  # no further visit planned
    later = cadre(db, unit_id, "钱七")
    sanction(db, later, "government_sanction", "记过", date(2026, 3, 1))
    visit(db, later, date(2026, 9, 1), date(2026, 12, 20))  # not yet
    over = cadre(db, unit_id, "孙八")
    sanction(db, over, "organizational", "诫勉", date(2025, 1, 1))  # 影响期 over in 2025
    talked = cadre(db, unit_id, "周九")
    sanction(db, talked, "first_form", "谈话提醒", date(2026, 8, 25))  # no 影响期
    (section,) = [s for s in todo_list(db, today) if s.kind is TodoKind.VISITS_DUE]
    assert [item.text for item in section.items] == [
        "王五（财政局）回访 11月10日 到期（已逾期10天）",
        "李四（财政局）首次回访 11月23日 到期（还有3天）",
    ]
    assert [item.record_id for item in section.items] == [planned, first]
    assert section.total == 2 and section.count_text == "2 人"
    visit(db, first, date(2026, 11, 20), date(2027, 2, 20))  # visited today: no longer due
    (section,) = [s for s in todo_list(db, today) if s.kind is TodoKind.VISITS_DUE]
    assert [item.record_id for item in section.items] == [planned]


def test_the_four_forms_are_counted_by_measure(db: Database) -> None:
    """四种形态 (issue 19): the figures count each measure in its form, on a known world."""
    from wsjc_desktop.domain.sanctions import form_of
    from wsjc_desktop.services import stats

    person = cadre(db, unit(db), "张三")
    day = date(2026, 5, 1)
    measures = [
        ("first_form", "谈话提醒", 1),
        ("organizational", "诫勉", 1),
        ("party_sanction", "警告", 2),
        ("government_sanction", "记大过", 2),
        ("organizational", "调整职务", 2),
        ("party_sanction", "撤销党内职务", 3),
        ("party_sanction", "留党察看一年", 3),
        ("government_sanction", "撤职", 3),
        ("party_sanction", "开除党籍", 4),
    ]
    for category, measure, form in measures:
        assert form_of(category, measure) == form, measure
        sanction(db, person, category, measure, day)
    sanction(db, person, "party_sanction", "警告", date(2025, 5, 1))  # another year
    report = stats.compute(db, stats.Period.year(2026), today=date(2026, 12, 1))
    assert [report.value(f"discipline.form.{n}") for n in (1, 2, 3, 4)] == [2, 3, 3, 1]
    assert report.value("discipline.count") == 9
    sentence = next(t for t in stats.sentences(report) if "四种形态" in t)
    assert (
        "处分及组织处理9人次，其中第一种形态2人次、第二种形态3人次、第三种形态3人次、第四种形态1人次。"
        in sentence
    )
