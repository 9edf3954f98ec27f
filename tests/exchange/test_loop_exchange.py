"""The supervision loop's records travel in exchange packages (issue 12) like the others:
inspections with their units and members, problems with the records they name, clues' stage
edits; edits made on either PC merge, and a deletion and its restore travel too."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.exchange.test_engine import KEY, dump, exchange, rows
from tests.support.builders import agency_code, unit
from wsjc_desktop.exchange import engine
from wsjc_desktop.services import auth, notices, records
from wsjc_desktop.services.auth import NewMember
from wsjc_desktop.storage.database import Database, open_database


def uid_of(db: Database, table: str, record_id: int | None) -> str | None:
    if record_id is None:
        return None
    return str(rows(db, f"SELECT uid FROM {table} WHERE id = ?", record_id)[0][0])


def id_of(db: Database, table: str, uid: str) -> int:
    return int(rows(db, f"SELECT id FROM {table} WHERE uid = ?", uid)[0][0])


def inspection_links(db: Database, uid: str) -> tuple[list[str], list[str]]:
    """The inspection's units and members, by name."""
    units = rows(
        db,
        "SELECT u.full_name FROM inspection_units l JOIN units u ON u.id = l.unit_id"
        " JOIN inspections i ON i.id = l.inspection_id WHERE i.uid = ? ORDER BY 1",
        uid,
    )
    members = rows(
        db,
        "SELECT m.name FROM inspection_members l JOIN members m ON m.id = l.member_id"
        " JOIN inspections i ON i.id = l.inspection_id WHERE i.uid = ? ORDER BY 1",
        uid,
    )
    return [u for (u,) in units], [n for (n,) in members]


def test_the_loop_travels_and_merges(tmp_path: Path) -> None:
    a = open_database(tmp_path / "a.db")
    b = open_database(tmp_path / "b.db")
    try:
        auth.setup_group(
            a,
            "区纪委监委驻区财政局纪检监察组",
            [NewMember("王建国", "组长", "jianguo-1"), NewMember("李红", "组员", "lihong-12")],
        )
        agency_code(a)
        finance, transport = unit(a, "区财政局"), unit(a, "区交通运输局")
        zhang = records.create(a, "cadres", {"name": "张三", "unit_id": finance})
        wang, li = (int(i) for (i,) in rows(a, "SELECT id FROM members ORDER BY id"))
        notice = records.create(
            a,
            "alert_notices",
            {
                "kind": "copy_notice",
                "unit_id": finance,
                "title": "关于公车私用问题",
                "deadline": date(2026, 5, 20),
            },
        )
        notices.issue(a, notice, issued_on=date(2026, 4, 10))
        check = records.create(
            a,
            "inspections",
            {
                "kind": "alert_check",
                "started_on": date(2026, 4, 8),
                "unit_ids": [finance, transport],
                "member_ids": [wang, li],
                "title": "公务用车轨迹异常核查",
                "alert_source": "公车监管",
                "alert_result": "confirmed",
            },
        )
        clue = records.create(
            a,
            "clues",
            {
                "received_on": date(2026, 4, 1),
                "source": "petition",
                "unit_id": finance,
                "cadre_id": zhang,
                "summary": "反映公车私用",
                "disposal": "pending",
                "handler_id": wang,
            },
        )
        problem = records.create(
            a,
            "problems",
            {
                "found_on": date(2026, 4, 9),
                "unit_id": finance,
                "cadre_id": zhang,
                "description": "节假日公车私用",
                "category": "eight_rules",
                "severity": "serious",
                "source": "inspection",
                "inspection_id": check,
                "handoff": "notice",
                "handed_on": date(2026, 4, 10),
                "notice_id": notice,
            },
        )
        engine.check_passphrase(a, KEY, set_if_missing=True)
        engine.export_package(a, tmp_path / "first.wsjcx", KEY)
        engine.import_package(b, tmp_path / "first.wsjcx", KEY)

        # B has them all, linked to the same records (ids may differ: records are known by uid)
        check_uid, problem_uid, clue_uid = (
            uid_of(a, "inspections", check),
            uid_of(a, "problems", problem),
            uid_of(a, "clues", clue),
        )
        assert check_uid and problem_uid and clue_uid
        assert inspection_links(b, check_uid) == (["区交通运输局", "区财政局"], ["李红", "王建国"])
        on_b = records.get(b, "problems", id_of(b, "problems", problem_uid))
        assert uid_of(b, "inspections", on_b["inspection_id"]) == check_uid
        assert uid_of(b, "alert_notices", on_b["notice_id"]) == uid_of(a, "alert_notices", notice)
        assert (on_b["status"].value, on_b["deadline"]) == ("assigned", date(2026, 5, 20))
        assert dump(a) == dump(b)

        # B moves the clue on and drops a unit from the inspection; A writes what it found
        records.update(
            b, "clues", id_of(b, "clues", clue_uid), {"stage": "assessing", "stage_since": date(2026, 4, 6)}
        )
        b_finance = id_of(b, "units", str(uid_of(a, "units", finance)))
        records.update(b, "inspections", id_of(b, "inspections", check_uid), {"unit_ids": [b_finance]})
        records.update(a, "inspections", check, {"findings": "节假日私驾公车两次"})
        exchange(b, a, tmp_path, "b1.wsjcx")
        exchange(a, b, tmp_path, "a1.wsjcx")
        assert dump(a) == dump(b)
        assert engine.open_conflicts(a) == [] and engine.open_conflicts(b) == []
        clue_on_a = records.get(a, "clues", clue)
        assert (clue_on_a["stage"].value, clue_on_a["stage_since"]) == ("assessing", date(2026, 4, 6))
        assert inspection_links(a, check_uid)[0] == ["区财政局"]
        assert (
            records.get(b, "inspections", id_of(b, "inspections", check_uid))["findings"]
            == "节假日私驾公车两次"
        )

        # a problem sent to the recycle bin on A goes there on B too, and comes back with its restore
        records.delete(a, "problems", problem)
        exchange(a, b, tmp_path, "a2.wsjcx")
        assert rows(b, "SELECT deleted_at IS NOT NULL FROM problems WHERE uid = ?", problem_uid) == [(1,)]
        records.restore(b, "problems", id_of(b, "problems", problem_uid))
        exchange(b, a, tmp_path, "b2.wsjcx")
        assert records.get(a, "problems", problem)["description"] == "节假日公车私用"
        assert dump(a) == dump(b)
    finally:
        a.dispose()
        b.dispose()
