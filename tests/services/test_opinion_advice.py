"""A 党风廉政意见回复 for a cadre inside an 影响期 warns and proposes the fitting conclusion."""

from __future__ import annotations

from datetime import date

from tests.support.builders import cadre, unit
from wsjc_desktop.domain.enums import OpinionConclusion
from wsjc_desktop.services import records
from wsjc_desktop.services.sanctions import opinion_advice
from wsjc_desktop.storage.database import Database


def test_inside_after_and_without_an_effect_period(db: Database) -> None:
    person = cadre(db, unit(db), "张三")
    assert opinion_advice(db, person, date(2026, 6, 1)) is None  # nothing on file
    records.create(
        db,
        "discipline_records",
        {
            "cadre_id": person,
            "category": "government_sanction",
            "measure": "记过",
            "decided_on": date(2026, 3, 5),
        },
    )  # 影响期 2026-03-05 … 2027-03-04
    inside = opinion_advice(db, person, date(2027, 3, 4))
    assert inside is not None and inside.warning
    assert inside.conclusion is OpinionConclusion.SUGGEST_NOT_USE
    assert "政务处分·记过（影响期2026年3月5日至2027年3月4日）" in inside.text
    after = opinion_advice(db, person, date(2027, 3, 5))
    assert after is not None and not after.warning
    assert after.conclusion is OpinionConclusion.EXPIRED_NO_OBJECTION
    assert opinion_advice(db, person, date(2026, 3, 4)) is None  # before it began
    talk = cadre(db, unit(db, "区教育局"), "李四")
    records.create(
        db,
        "discipline_records",
        {"cadre_id": talk, "category": "first_form", "measure": "谈话提醒", "decided_on": date(2026, 3, 5)},
    )
    assert opinion_advice(db, talk, date(2026, 6, 1)) is None  # no 影响期
