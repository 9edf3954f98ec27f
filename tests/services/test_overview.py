from __future__ import annotations

from datetime import date

from tests.support.builders import agency_code, cadre, unit
from wsjc_desktop.services import notices, records
from wsjc_desktop.services.overview import UnitTotals, unit_totals
from wsjc_desktop.storage.database import Database


def test_unit_totals(db: Database) -> None:
    agency_code(db)
    a, b = unit(db), unit(db, "区教育局")
    c1, c2, c3 = cadre(db, a, "张三"), cadre(db, a, "李四"), cadre(db, b, "王五")
    records.create(db, "talks", {"held_on": "2026-03-05", "kind": "integrity", "cadre_ids": [c1, c2, c3]})
    old = records.create(db, "talks", {"held_on": "2025-03-05", "kind": "integrity", "cadre_ids": [c1]})
    gone = records.create(db, "talks", {"held_on": "2026-04-05", "kind": "integrity", "cadre_ids": [c1]})
    records.delete(db, "talks", gone)
    records.create(db, "meetings", {"held_on": "2026-04-01", "unit_id": b, "meeting_type": "party_committee"})
    late = records.create(
        db, "alert_notices", {"kind": "copy_notice", "unit_id": a, "title": "甲", "deadline": "2026-03-10"}
    )
    open_ = records.create(
        db, "alert_notices", {"kind": "copy_notice", "unit_id": a, "title": "乙", "deadline": "2026-12-10"}
    )
    notices.issue(db, late, issued_on=date(2026, 3, 1))
    notices.issue(db, open_, issued_on=date(2026, 3, 1))
    assert old
    totals = unit_totals(db, 2026, today=date(2026, 6, 1))
    assert totals[a] == UnitTotals(
        cadres=2, talk_person_times=2, meetings=0, notices_open=2, notices_overdue=1
    )
    assert totals[b] == UnitTotals(
        cadres=1, talk_person_times=1, meetings=1, notices_open=0, notices_overdue=0
    )
