"""The search box finds the supervision loop's records: inspections (by 检查事项, kind, units,
content, findings, 预警来源) and problems (by description, unit, cadre, category); renames,
the recycle bin and a rebuild treat them as they treat notices and talks."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.services.test_search import assert_index_matches_a_rebuild, edit, found
from wsjc_desktop.domain.enums import (
    AlertCheckResult,
    InspectionKind,
    ProblemCategory,
    ProblemSeverity,
    ProblemSource,
)
from wsjc_desktop.domain.models import Cadre, Inspection, Problem, Unit
from wsjc_desktop.services import records
from wsjc_desktop.services.search import search
from wsjc_desktop.storage.database import Database


@pytest.fixture
def loop(db: Database) -> dict[str, int]:
    with db.uow() as uow:
        s = uow.session
        finance = Unit(full_name="区财政局", short_name="财政局")
        transport = Unit(full_name="区交通运输局", short_name="交通局")
        wang = Cadre(name="王建军", unit=finance, position="科长")
        s.add_all([finance, transport, wang])
        s.flush()
        ids = {"finance": finance.id, "transport": transport.id, "wang": wang.id}
        uow.commit()
    ids["alert"] = records.create(
        db,
        "inspections",
        {
            "kind": InspectionKind.ALERT_CHECK,
            "started_on": date(2026, 4, 8),
            "unit_ids": [ids["finance"], ids["transport"]],
            "title": "公务用车轨迹异常核查",
            "alert_source": "公车监管",
            "alert_result": AlertCheckResult.CONFIRMED,
            "content": "调取车辆出行记录",
            "findings": "节假日私驾公车两次",
        },
    )
    ids["problem"] = records.create(
        db,
        "problems",
        {
            "found_on": date(2026, 4, 9),
            "unit_id": ids["finance"],
            "cadre_id": ids["wang"],
            "description": "节假日公车私用，未履行派车审批手续，出车登记与行车轨迹不符",
            "category": ProblemCategory.EIGHT_RULES,
            "severity": ProblemSeverity.SERIOUS,
            "source": ProblemSource.INSPECTION,
            "inspection_id": ids["alert"],
        },
    )
    return ids


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("轨迹", "inspections"),  # the 检查事项 (2 characters: the grams)
        ("公务用车轨迹异常核查", "inspections"),
        ("预警核查", "inspections"),  # its kind
        ("公车监管", "inspections"),  # the alert's source
        ("交通运输局", "inspections"),  # one of its units
        ("出行记录", "inspections"),  # content, long text
        ("私驾公车", "inspections"),  # findings, long text
        ("派车审批", "problems"),  # the description
        ("王建军", "problems"),  # the cadre
        ("八项规定", "problems"),  # its category
        ("财政局", "problems"),  # its unit
    ],
)
def test_inspections_and_problems_are_found(
    db: Database, loop: dict[str, int], query: str, kind: str
) -> None:
    record_id = loop["alert"] if kind == "inspections" else loop["problem"]
    assert (kind, record_id) in found(db, query)


def test_the_hits_read_as_the_records_do(db: Database, loop: dict[str, int]) -> None:
    (inspection,) = search(db, "公车监管", kinds=["inspections"])
    assert inspection.kind_label == "监督检查"
    assert inspection.title == "公务用车轨迹异常核查"
    assert inspection.subtitle == "2026-04-08 · 财政局、交通局 · 预警核查"
    (problem,) = search(db, "派车审批", kinds=["problems"])
    assert problem.kind_label == "问题发现台账"
    assert problem.title == "节假日公车私用，未履行派车审批手续，出车登记与行车轨迹不符"
    assert problem.subtitle == "2026-04-09 · 财政局 · 八项规定精神 · 王建军"


def test_a_long_description_is_cut_on_the_hit_but_found_whole(db: Database, loop: dict[str, int]) -> None:
    text = "违规发放津贴补贴" * 8 + "且账目不清"
    edit(db, Problem, loop["problem"], description=text)
    (hit,) = search(db, "账目不清", kinds=["problems"])
    assert len(hit.title) == 40 and hit.title.endswith("…")


def test_names_follow_renames_and_the_recycle_bin(db: Database, loop: dict[str, int]) -> None:
    edit(db, Unit, loop["transport"], full_name="区交通局", short_name="交通")
    assert ("inspections", loop["alert"]) not in found(db, "交通运输局")
    assert ("inspections", loop["alert"]) in found(db, "区交通局")
    edit(db, Cadre, loop["wang"], name="王建国")
    assert found(db, "王建军") == set()
    assert ("problems", loop["problem"]) in found(db, "王建国")
    # a cadre in the recycle bin is not named on the problem; the problem is still found
    edit(db, Cadre, loop["wang"], deleted_at=datetime.now())
    assert found(db, "王建国") == set()
    assert ("problems", loop["problem"]) in found(db, "派车审批")
    edit(db, Cadre, loop["wang"], deleted_at=None)
    assert ("problems", loop["problem"]) in found(db, "王建国")
    # a unit in the recycle bin: its problems go with it, an inspection only drops its name
    edit(db, Unit, loop["finance"], deleted_at=datetime.now())
    assert found(db, "派车审批") == set()
    assert ("inspections", loop["alert"]) in found(db, "公车监管")
    assert ("inspections", loop["alert"]) not in found(db, "财政局")
    edit(db, Unit, loop["finance"], deleted_at=None)
    assert {("problems", loop["problem"]), ("inspections", loop["alert"])} <= found(db, "财政局")
    assert_index_matches_a_rebuild(db)


def test_deleted_and_restored_through_the_records_service(db: Database, loop: dict[str, int]) -> None:
    for table, key, query in (("inspections", "alert", "私驾公车"), ("problems", "problem", "派车审批")):
        records.delete(db, table, loop[key])
        assert (table, loop[key]) not in found(db, query)
        records.restore(db, table, loop[key])
        assert (table, loop[key]) in found(db, query)


def test_changing_an_inspections_units(db: Database, loop: dict[str, int]) -> None:
    records.update(db, "inspections", loop["alert"], {"unit_ids": [loop["transport"]]})
    assert ("inspections", loop["alert"]) not in found(db, "财政局")
    records.update(db, "inspections", loop["alert"], {"unit_ids": [loop["finance"]]})
    assert ("inspections", loop["alert"]) in found(db, "财政局")
    assert ("inspections", loop["alert"]) not in found(db, "交通运输局")
    with db.read() as uow:
        assert [u.id for u in uow.session.get(Inspection, loop["alert"]).units] == [loop["finance"]]  # type: ignore[union-attr]
    assert_index_matches_a_rebuild(db)
