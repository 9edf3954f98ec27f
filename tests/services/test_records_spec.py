"""The lists reach each record type as its spec says, never by its table's name.

How a unit, cadre, member or status filter finds a type's records is read from its
:class:`RecordSpec` (its foreign keys, its REFS fields, ``cadres_from``, ``status_sql``); a
source scan makes sure no ``if table == "talks"`` comes back to the services and views that
serve every type.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

import wsjc_desktop
from tests.support.builders import cadre, member, unit
from wsjc_desktop.domain import fields
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import MeetingType, OpinionFollowUp
from wsjc_desktop.domain.fields import SPECS, UNIT
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import records
from wsjc_desktop.services.records import RecordFilter
from wsjc_desktop.storage.database import Database

PACKAGE = Path(wsjc_desktop.__file__).resolve().parent
#: The modules that serve every record type alike.
GENERIC = (
    "services/records.py",
    "services/ledgers.py",
    "ui/table_model.py",
    "ui/tabs/dossier/sections.py",
    "ui/tabs/dossier/tab.py",
)
#: Names of record types as the code spells them: tables and the ledgers' keys.
TYPE_NAMES = set(SPECS) | {"notices", "opinions"}


def type_tests(path: Path, root: Path = PACKAGE) -> list[str]:
    """Every ``==`` / ``!=`` comparing something with a record type's name."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Compare) or not all(
            isinstance(op, ast.Eq | ast.NotEq) for op in node.ops
        ):
            continue
        for side in (node.left, *node.comparators):
            if isinstance(side, ast.Constant) and side.value in TYPE_NAMES:
                found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize("module", GENERIC)
def test_no_branch_on_a_record_types_name(module: str) -> None:
    assert type_tests(PACKAGE / module) == []


def test_the_scan_sees_such_a_branch(tmp_path: Path) -> None:
    source = 'if spec.table == "talks" or "units" != table or name == "title" or x in ("talks",):\n    pass\n'
    (tmp_path / "x.py").write_text(source, encoding="utf-8")
    assert type_tests(tmp_path / "x.py", tmp_path) == [
        "x.py:1: spec.table == 'talks'",
        "x.py:1: 'units' != table",
    ]


def test_a_refs_field_finds_its_association_by_the_tables_its_keys_name() -> None:
    assert {
        ("talks", "cadre_ids"): (m.talk_cadres, "talk_id", "cadre_id"),
        ("meetings", "attendee_ids"): (m.meeting_attendees, "meeting_id", "member_id"),
        ("inspections", "unit_ids"): (m.inspection_units, "inspection_id", "unit_id"),
        ("inspections", "member_ids"): (m.inspection_members, "inspection_id", "member_id"),
    } == records.REFS_TABLES


def test_each_filter_reaches_each_type_through_its_spec(db: Database) -> None:
    finance, education = unit(db, "区财政局"), unit(db, "区教育局")
    zhang, li = cadre(db, finance, "张三"), cadre(db, education, "李四")
    me, other = member(db, "李明"), member(db, "王芳")
    talk = records.create(db, "talks", {"held_on": "2026-03-05", "kind": "integrity", "cadre_ids": [li]})
    meeting = records.create(
        db,
        "meetings",
        {"held_on": "2026-04-01", "unit_id": finance, "meeting_type": MeetingType.DEMOCRATIC_LIFE},
    )
    records.update(db, "meetings", meeting, {"attendee_ids": [me]})
    opinion = records.create(
        db,
        "meeting_opinions",
        {
            "meeting_id": meeting,
            "content": "严格执行采购程序",
            "cadre_id": li,
            "follow_up": OpinionFollowUp.PENDING,
        },
    )

    def ids(table: str, **kw: object) -> list[int]:
        return records.list_ids(db, table, RecordFilter(**kw))  # type: ignore[arg-type]

    assert ids("units", unit_id=education) == [education]  # the unit itself (unit_field "id")
    assert ids("talks", unit_id=education) == [talk]  # a cadre it names (REFS)
    assert ids("talks", unit_id=finance) == []
    assert ids("meeting_opinions", unit_id=education) == [opinion]  # its cadre's unit
    assert ids("meetings", cadre_id=li) == [meeting]  # an opinion names him (cadres_from)
    assert ids("meetings", cadre_id=zhang) == []
    assert ids("meetings", member_id=me) == [meeting] and ids("meetings", member_id=other) == []  # REFS
    assert ids("talks", cadre_id=li) == [talk] and ids("talks", cadre_id=zhang) == []


def test_a_type_declared_not_purgeable_is_refused(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    unit_id = unit(db, "区审计局")
    records.delete(db, "units", unit_id)
    monkeypatch.setitem(fields.SPECS, UNIT.table, replace(UNIT, purgeable=False))
    with pytest.raises(UserError, match="只能移入回收站"):
        records.purge_plan(db, "units", unit_id)
    monkeypatch.undo()
    assert records.purge_plan(db, "units", unit_id).record_id == unit_id


def test_a_status_the_spec_derives_is_filtered_by_its_rule(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A status filter value the spec answers with SQL (逾期 of a notice) is not the stored one."""
    unit_id = unit(db, "区审计局")
    cadre(db, unit_id, "钱五")
    retired = cadre(db, unit_id, "赵六", status="retired")
    flt = RecordFilter(status="transferred", today=date(2026, 3, 5))
    assert records.list_ids(db, "cadres", flt) == []  # the stored value: nobody
    gone = {"transferred": lambda n, _today: f"{n}.status != 'serving'"}  # 调离 or 退休, say
    monkeypatch.setitem(fields.SPECS, "cadres", replace(fields.spec_for("cadres"), status_sql=gone))
    assert records.list_ids(db, "cadres", flt) == [retired]
