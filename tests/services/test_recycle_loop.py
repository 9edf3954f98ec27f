"""Inspections and problems go to the recycle bin and come back (services.records), as every
other record does; 彻底删除 of an inspection waits while a problem still names it."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.builders import member, unit
from wsjc_desktop.errors import NotFoundError, UserError
from wsjc_desktop.services import records
from wsjc_desktop.services.records import RecordFilter
from wsjc_desktop.storage.database import Database


@pytest.fixture
def loop(db: Database) -> dict[str, int]:
    chen = member(db, "陈武林")
    finance, transport = unit(db, "区财政局"), unit(db, "区交通运输局")
    check = records.create(
        db,
        "inspections",
        {
            "kind": "special",
            "started_on": date(2026, 4, 8),
            "unit_ids": [finance, transport],
            "member_ids": [chen],
            "title": "政府采购专项监督检查",
        },
    )
    problem = records.create(
        db,
        "problems",
        {
            "found_on": date(2026, 4, 9),
            "unit_id": finance,
            "description": "采购项目化整为零规避公开招标",
            "category": "projects",
            "severity": "serious",
            "source": "inspection",
            "inspection_id": check,
        },
    )
    return {"finance": finance, "transport": transport, "check": check, "problem": problem, "chen": chen}


CASES = [
    ("inspections", "check", "政府采购专项监督检查"),
    ("problems", "problem", "采购项目化整为零规避公开招标"),
]


@pytest.mark.parametrize(("table", "key", "title"), CASES)
def test_deleted_to_the_bin_and_restored(
    db: Database, loop: dict[str, int], table: str, key: str, title: str
) -> None:
    record_id = loop[key]
    before = records.get(db, table, record_id)
    records.delete(db, table, record_id)
    assert record_id not in records.list_ids(db, table)
    assert record_id not in records.list_ids(db, table, RecordFilter(unit_id=loop["finance"]))
    with pytest.raises(NotFoundError):
        records.get(db, table, record_id)
    (item,) = [i for i in records.recycle_bin(db) if i.table == table]
    assert (item.record_id, item.title, item.label) == (
        record_id,
        title,
        {"inspections": "监督检查", "problems": "问题发现台账"}[table],
    )
    records.restore(db, table, record_id)
    assert record_id in records.list_ids(db, table, RecordFilter(unit_id=loop["finance"]))
    after = records.get(db, table, record_id)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
    assert records.recycle_bin(db) == []


def test_an_inspection_keeps_its_units_and_members_through_the_bin(
    db: Database, loop: dict[str, int]
) -> None:
    records.delete(db, "inspections", loop["check"])
    records.restore(db, "inspections", loop["check"])
    row = records.get(db, "inspections", loop["check"])
    assert sorted(row["unit_ids"]) == sorted([loop["finance"], loop["transport"]])
    assert row["member_ids"] == [loop["chen"]]
    # found by either of its units
    assert loop["check"] in records.list_ids(db, "inspections", RecordFilter(unit_id=loop["transport"]))


def test_purging_an_inspection_waits_for_the_problem_that_names_it(
    db: Database, loop: dict[str, int]
) -> None:
    records.delete(db, "inspections", loop["check"])
    with pytest.raises(UserError, match="问题发现台账 1 条"):
        records.purge(db, "inspections", loop["check"])
    records.delete(db, "problems", loop["problem"])
    records.purge(db, "problems", loop["problem"])
    plan = records.purge(db, "inspections", loop["check"])
    assert plan.title == "政府采购专项监督检查"
    assert records.recycle_bin(db) == []
    with pytest.raises(NotFoundError):
        records.get(db, "inspections", loop["check"], include_deleted=True)
