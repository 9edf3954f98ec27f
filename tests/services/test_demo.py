"""The demo dataset: volumes, realism, consistency and determinism, on real SQLite files."""

from __future__ import annotations

import re
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.docnumber import DEFAULT_TEMPLATE, default_prefix, format_doc_number
from wsjc_desktop.domain.enums import (
    CadreRank,
    InspectionKind,
    NoticeKind,
    NoticeStatus,
    OpinionConclusion,
    RectificationStatus,
    TalkKind,
    UnitType,
)
from wsjc_desktop.domain.problem_rules import Light, derive_status, is_overdue, light
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import auth, members, settings
from wsjc_desktop.services.demo import (
    DEMO_AGENCY_CODE,
    DEMO_GROUP_NAME,
    DEMO_PASSWORD,
    TABLE_ORDER,
    generate_demo,
    has_demo_logins,
)
from wsjc_desktop.storage.database import Database, open_database

TODAY = date(2026, 7, 15)
JAN1 = date(TODAY.year, 1, 1)
STORED_STATUSES = (NoticeStatus.DRAFT, NoticeStatus.ISSUED, NoticeStatus.FED_BACK, NoticeStatus.RECTIFIED)
ALL_TABLES = (*TABLE_ORDER, "doc_sequences")
KINDS = {k.value: k for k in NoticeKind}


def gb11643_ok(number: str) -> bool:
    """Independent GB 11643-1999 check: weights 2^(17-i) mod 11, check code (12 - sum) mod 11, 10 → X."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(number[:17]))
    code = (12 - total % 11) % 11
    return number[17] == ("X" if code == 10 else str(code))


def is_gbk_only(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        try:
            ch.encode("gbk")
        except UnicodeEncodeError:
            return False
        return True
    return False


def rows(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in ALL_TABLES:
        out[table] = rows(path, f"SELECT * FROM {table} ORDER BY 1, 2")
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, dict[str, int]]]:
    """One scale-1 demo file shared by the read-only checks."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = open_database(path)
    counts = generate_demo(database, scale=1, seed=7, today=TODAY)
    yield database, counts
    database.dispose()


# --- volumes -------------------------------------------------------------------------------

EXPECTED_SCALE1: dict[str, tuple[int, int]] = {
    "members": (2, 2),
    "units": (6, 6),
    "cadres": (250, 400),
    "family_members": (900, 2500),
    "personal_matters_reports": (50, 150),
    "duty_reports": (40, 120),
    "integrity_opinions": (80, 130),
    "discipline_records": (3, 40),
    "follow_up_visits": (1, 60),
    "clues": (15, 40),
    "risk_points": (80, 160),
    "talks": (300, 500),
    "talk_cadres": (400, 900),
    "meetings": (130, 250),
    "meeting_attendees": (150, 350),
    "meeting_opinions": (150, 500),
    "alert_notices": (70, 140),
    "rectifications": (40, 140),
    "inspections": (25, 60),
    "inspection_units": (25, 90),
    "inspection_members": (25, 120),
    "problems": (15, 60),
    "doc_sequences": (5, 5),
}


def test_scale1_counts_in_expected_ranges(demo: tuple[Database, dict[str, int]]) -> None:
    db, counts = demo
    assert set(counts) == set(EXPECTED_SCALE1)
    for table, (lo, hi) in EXPECTED_SCALE1.items():
        assert lo <= counts[table] <= hi, (table, counts[table])
        assert rows(db.path, f"SELECT count(*) FROM {table}")[0][0] == counts[table], table


def test_database_is_consistent(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    assert rows(db.path, "PRAGMA foreign_key_check") == []
    assert rows(db.path, "PRAGMA integrity_check") == [("ok",)]
    for table in TABLE_ORDER:
        if table in ("talk_cadres", "meeting_attendees", "inspection_units", "inspection_members"):
            continue
        uids = rows(db.path, f"SELECT count(*), count(DISTINCT uid) FROM {table} WHERE uid IS NOT NULL")[0]
        assert uids[0] == uids[1] == rows(db.path, f"SELECT count(*) FROM {table}")[0][0], table


# --- the group and its logins --------------------------------------------------------------


def test_the_group_is_set_up_and_every_member_logs_in_with_the_demo_password(
    demo: tuple[Database, dict[str, int]],
) -> None:
    db, _ = demo
    assert settings.get(db, "group.name") == DEMO_GROUP_NAME
    assert settings.get(db, "group.agency_code") == DEMO_AGENCY_CODE
    assert not members.needs_setup(db)  # the window opens at the login, not at 首次使用
    people = rows(db.path, "SELECT id, title, password_hash FROM members ORDER BY sort_order")
    assert [title for _, title, _ in people] == ["组长", "组员"]
    assert [info.id for info in members.login_members(db)] == [member_id for member_id, _, _ in people]
    for member_id, _, hashed in people:
        assert hashed.startswith("$argon2id$")
        assert auth.verify_password(db, member_id, DEMO_PASSWORD)
        assert not auth.verify_password(db, member_id, DEMO_PASSWORD + "x")
    replies = rows(db.path, "SELECT DISTINCT doc_number FROM integrity_opinions WHERE doc_number IS NOT NULL")
    assert replies and all(number.startswith(DEMO_AGENCY_CODE + "复〔") for (number,) in replies)


def test_a_group_already_set_up_keeps_its_name_code_and_logins(db: Database) -> None:
    auth.setup_group(db, "区纪委监委驻区审计局纪检监察组", [auth.NewMember("周平", "组长", "zhouping-1")])
    settings.set_many(db, {"group.agency_code": "驻审纪"})
    generate_demo(db, today=TODAY)
    assert settings.get(db, "group.name") == "区纪委监委驻区审计局纪检监察组"
    assert [info.name for info in members.login_members(db)] == ["周平"]  # no demo password added
    issued = rows(db.path, "SELECT doc_number FROM alert_notices WHERE doc_number IS NOT NULL")
    assert issued and all(number.startswith("驻审纪") for (number,) in issued)


def test_only_a_file_whose_every_login_is_the_demo_password_counts_as_a_demo(
    db: Database, tmp_path: Path
) -> None:
    assert not has_demo_logins(db.path)  # nobody can log in yet
    generate_demo(db, today=TODAY)
    assert has_demo_logins(db.path)
    chief = members.login_members(db)[0]
    auth.set_password(db, chief.id, DEMO_PASSWORD, "a-real-secret")  # a real password now
    assert not has_demo_logins(db.path)
    assert not has_demo_logins(tmp_path / "missing.db")
    (tmp_path / "text.db").write_text("not a database", encoding="utf-8")
    assert not has_demo_logins(tmp_path / "text.db")


def test_a_group_set_up_without_an_agency_code_gets_no_placeholder_numbers(db: Database) -> None:
    auth.setup_group(db, "区纪委监委驻区审计局纪检监察组", [auth.NewMember("周平", "组长", "zhouping-1")])
    with pytest.raises(UserError, match="尚未设置本组的机关代字"):
        generate_demo(db, today=TODAY)
    assert rows(db.path, "SELECT count(*) FROM alert_notices")[0][0] == 0


# --- units and cadres ----------------------------------------------------------------------


def test_units_and_cadres_look_real(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    with db.session() as s:
        units = s.scalars(select(m.Unit).order_by(m.Unit.sort_order)).all()
        cadres = s.scalars(select(m.Cadre)).all()
        members = s.scalars(select(m.Member).order_by(m.Member.sort_order)).all()
    assert [u.full_name for u in units][:2] == ["区发展和改革委员会", "区财政局"]
    assert "区城投集团有限公司" in {u.full_name for u in units}
    assert len({u.unit_type for u in units}) >= 3
    assert UnitType.STATE_ENTERPRISE in {u.unit_type for u in units}
    assert [mb.title for mb in members] == ["组长", "组员"]
    by_unit: dict[int, list[m.Cadre]] = defaultdict(list)
    for c in cadres:
        by_unit[c.unit_id].append(c)
    for u in units:
        staff = by_unit[u.id]
        tops = [c for c in staff if c.is_top_leader]
        assert len(tops) == 1 and tops[0].is_leader and tops[0].name == u.head_name
        assert 4 <= sum(c.is_leader for c in staff) <= 6
        assert all(c.rank in (CadreRank.DIVISION, CadreRank.BUREAU) for c in staff if c.is_leader)
        assert u.liaison_name and u.party_org_name and u.party_org_name.startswith("中共")
    ranks = Counter(c.rank for c in cadres)
    assert set(ranks) == set(CadreRank)
    assert ranks[CadreRank.BUREAU] < ranks[CadreRank.DIVISION] < ranks[CadreRank.SECTION]
    assert ranks[CadreRank.STAFF] > ranks[CadreRank.DIVISION]
    phone = re.compile(r"1[3-9]\d{9}")
    assert all(phone.fullmatch(c.phone) for c in cadres if c.phone)
    assert all(2 <= len(c.name) <= 4 for c in cadres)
    with_id = sum(c.id_number is not None for c in cadres)
    assert 0.3 <= with_id / len(cadres) <= 0.5
    assert sum(c.file_updated_on is not None for c in cadres) / len(cadres) >= 0.7
    assert all(JAN1 <= c.file_updated_on <= TODAY for c in cadres if c.file_updated_on)


def test_every_id_number_passes_checksum_and_matches_birth_date(
    demo: tuple[Database, dict[str, int]],
) -> None:
    db, _ = demo
    found = rows(db.path, "SELECT id_number, birth_date, gender FROM cadres WHERE id_number IS NOT NULL")
    assert len(found) > 50
    for number, birth, gender in found:
        assert gb11643_ok(number), number
        assert date(int(number[6:10]), int(number[10:12]), int(number[12:14])).isoformat() == birth
        assert int(number[16]) % 2 == (1 if gender == "male" else 0)
    assert len({n for n, _, _ in found}) == len(found)


def test_a_gbk_only_name_appears(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    names = [n for (n,) in rows(db.path, "SELECT name FROM cadres")]
    rare = [n for n in names if any(is_gbk_only(ch) for ch in n)]
    assert rare, "expected a name with a GBK-only character such as 堃 喆 珺 昇 玥 犇"
    assert all(n.encode("gbk") for n in names)


# --- notices ---------------------------------------------------------------------------------


def test_every_kind_in_every_stored_status(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    present = set(rows(db.path, "SELECT kind, status FROM alert_notices"))
    for kind in NoticeKind:
        for status in STORED_STATUSES:
            assert (kind.value, status.value) in present, (kind, status)
    drafts = rows(
        db.path, "SELECT doc_number, doc_seq, doc_year, issued_on FROM alert_notices WHERE status='draft'"
    )
    assert drafts and all(r == (None, None, None, None) for r in drafts)
    issued = rows(db.path, "SELECT doc_number, issued_on FROM alert_notices WHERE status != 'draft'")
    assert all(number and day for number, day in issued)


def test_doc_numbers_sequential_without_gaps_and_match_doc_sequences(
    demo: tuple[Database, dict[str, int]],
) -> None:
    db, _ = demo
    numbered = rows(
        db.path,
        "SELECT kind, doc_year, doc_seq, doc_number, issued_on FROM alert_notices"
        " WHERE doc_number IS NOT NULL ORDER BY kind, doc_year, doc_seq",
    )
    assert len({r[3] for r in numbered}) == len(numbered)
    by_key: dict[tuple[str, int], list[tuple[Any, ...]]] = defaultdict(list)
    for r in numbered:
        by_key[(r[0], r[1])].append(r)
    sequences = {
        (k, y): last for k, y, last in rows(db.path, "SELECT kind, year, last_seq FROM doc_sequences")
    }
    assert set(by_key) == set(sequences) == {(k.value, TODAY.year) for k in NoticeKind}
    for (kind, year), items in by_key.items():
        assert [r[2] for r in items] == list(range(1, len(items) + 1))
        assert sequences[(kind, year)] == len(items)
        for _, _, seq, number, issued_on in items:
            prefix = default_prefix(KINDS[kind], DEMO_AGENCY_CODE)
            assert number == format_doc_number(DEFAULT_TEMPLATE, prefix, year, seq)
            assert issued_on[:4] == str(year)
        issue_dates = [r[4] for r in items]
        assert issue_dates == sorted(issue_dates), "numbers follow the order of issue"


def test_deadlines_overdue_due_soon_and_late_rectification(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    with db.session() as s:
        notices = s.scalars(select(m.AlertNotice)).all()
        feedback: dict[int, list[m.Rectification]] = defaultdict(list)
        for r in s.scalars(select(m.Rectification)).all():
            feedback[r.notice_id].append(r)
    effective = Counter((n.kind, n.effective_status(TODAY)) for n in notices)
    for kind in NoticeKind:
        assert effective[(kind, NoticeStatus.OVERDUE)] >= 1, kind
    assert all(not feedback[n.id] for n in notices if n.effective_status(TODAY) == NoticeStatus.OVERDUE)
    due_soon = [
        n
        for n in notices
        if n.status == NoticeStatus.ISSUED and n.deadline and TODAY <= n.deadline <= TODAY + timedelta(days=7)
    ]
    assert len(due_soon) >= 3
    late = [
        n
        for n in notices
        if n.status == NoticeStatus.RECTIFIED
        and n.deadline is not None
        and min(r.feedback_date for r in feedback[n.id]) > n.deadline
    ]
    assert len(late) >= 3
    for n in notices:
        if n.issued_on:
            assert JAN1 <= n.issued_on <= TODAY
            assert n.deadline is not None and n.deadline > n.issued_on
            assert n.signatory
        if n.status in (NoticeStatus.FED_BACK, NoticeStatus.RECTIFIED):
            assert feedback[n.id], n.id
            assert all(n.issued_on and n.issued_on <= r.feedback_date <= TODAY for r in feedback[n.id])
        else:
            assert not feedback[n.id]
        if n.status == NoticeStatus.RECTIFIED:
            assert any(r.status == RectificationStatus.DONE for r in feedback[n.id])
        if n.status == NoticeStatus.FED_BACK:
            assert all(r.status == RectificationStatus.IN_PROGRESS for r in feedback[n.id])


def test_holiday_reminders_one_per_unit_per_holiday(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    found = rows(
        db.path,
        "SELECT holiday, unit_id, count(*) FROM alert_notices WHERE kind='holiday_reminder' GROUP BY 1, 2",
    )
    units = {u for (u,) in rows(db.path, "SELECT id FROM units")}
    holidays: dict[str, set[int]] = defaultdict(set)
    for holiday, unit_id, n in found:
        assert n == 1
        holidays[holiday].add(unit_id)
    assert {"春节", "清明", "五一", "端午", "中秋国庆"} <= set(holidays)
    assert all(v == units for v in holidays.values())
    assert rows(
        db.path, "SELECT count(*) FROM alert_notices WHERE kind!='holiday_reminder' AND holiday IS NOT NULL"
    )[0] == (0,)


# --- talks, meetings, dossier ------------------------------------------------------------------


def test_talks(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    per_talk = Counter(t for (t,) in rows(db.path, "SELECT talk_id FROM talk_cadres"))
    talks = rows(db.path, "SELECT id, kind, held_on, talker_id, recorder_id, handling FROM talks")
    assert all(1 <= per_talk[t[0]] <= 3 for t in talks)
    assert sum(n >= 2 for n in per_talk.values()) >= 20
    kinds = Counter(t[1] for t in talks)
    assert set(kinds) == {k.value for k in TalkKind}
    assert kinds[TalkKind.INTEGRITY.value] == max(kinds.values())
    assert kinds[TalkKind.ADMONISHMENT.value] < kinds[TalkKind.PRE_APPOINTMENT.value]
    assert all(JAN1.isoformat() <= t[2] <= TODAY.isoformat() for t in talks)
    assert all(t[3] and t[4] and t[3] != t[4] for t in talks)
    assert any(t[5] for t in talks), "some talks record first-form handling"


def test_meetings_and_opinions(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    meetings = rows(db.path, "SELECT id, meeting_type, held_on, topics, major_topic_count FROM meetings")
    attendees = Counter(mid for (mid,) in rows(db.path, "SELECT meeting_id FROM meeting_attendees"))
    opinions = Counter(mid for (mid,) in rows(db.path, "SELECT meeting_id FROM meeting_opinions"))
    assert all(1 <= attendees[mid] <= 2 for mid, *_ in meetings)
    assert all(1 <= opinions[mid] <= 3 for mid, *_ in meetings)
    assert {t for _, t, *_ in meetings} >= {
        "party_committee",
        "democratic_life",
        "organizational_life",
        "major_decision",
        "administrative",
        "special_topic",
    }
    assert all(JAN1.isoformat() <= held <= TODAY.isoformat() for _, _, held, _, _ in meetings)
    assert all(0 <= major <= len(topics.splitlines()) for *_, topics, major in meetings)
    assert any(major > 0 for *_, major in meetings)
    named = rows(db.path, "SELECT count(*) FROM meeting_opinions WHERE cadre_id IS NOT NULL")[0][0]
    assert named > 10


def test_dossier_sections(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    conclusions = {
        c for (c,) in rows(db.path, "SELECT conclusion FROM integrity_opinions WHERE conclusion IS NOT NULL")
    }
    assert conclusions == {c.value for c in OpinionConclusion}
    assert rows(db.path, "SELECT count(*) FROM family_members WHERE runs_business")[0][0] >= 3
    leaders = {i for (i,) in rows(db.path, "SELECT id FROM cadres WHERE is_leader AND status='serving'")}
    reported = {
        i
        for (i,) in rows(db.path, "SELECT cadre_id FROM personal_matters_reports WHERE year=?", (TODAY.year,))
    }
    duty = {i for (i,) in rows(db.path, "SELECT cadre_id FROM duty_reports WHERE year=?", (TODAY.year,))}
    assert leaders <= reported and leaders <= duty
    assert rows(db.path, "SELECT count(DISTINCT unit_id) FROM risk_points")[0][0] == 6
    assert len({s for (s,) in rows(db.path, "SELECT source FROM clues")}) >= 3
    assert len({d for (d,) in rows(db.path, "SELECT disposal FROM clues")}) >= 3
    assert rows(db.path, "SELECT count(*) FROM discipline_records")[0][0] >= 1


def test_inspections_of_every_kind(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    kinds = Counter(k for (k,) in rows(db.path, "SELECT kind FROM inspections"))
    assert set(kinds) == {k.value for k in InspectionKind}
    assert kinds[InspectionKind.UNANNOUNCED.value] >= 5
    alerts = rows(db.path, "SELECT alert_source, alert_result FROM inspections WHERE kind = 'alert_check'")
    assert all(source and result for source, result in alerts)
    assert {"政采云", "公车监管", "低保"} <= {s for s, _ in alerts}
    dated = rows(db.path, "SELECT started_on, ended_on FROM inspections")
    assert all(JAN1.isoformat() <= a <= TODAY.isoformat() and (b is None or a <= b) for a, b in dated)
    assert all(
        n >= 1
        for (n,) in rows(
            db.path,
            "SELECT (SELECT count(*) FROM inspection_units u WHERE u.inspection_id = i.id)"
            " FROM inspections i",
        )
    )
    assert (
        rows(db.path, "SELECT count(*) FROM inspection_units GROUP BY inspection_id ORDER BY 1 DESC")[0][0]
        >= 2
    )


def test_monthly_rectification_checks_but_last_month(demo: tuple[Database, dict[str, int]]) -> None:
    """One unit is under 巡视巡察整改: one check a month of its 整改期, last month's missing."""
    db, _ = demo
    ((unit_id, begin, end),) = rows(
        db.path,
        "SELECT id, rectification_from, rectification_to FROM units WHERE rectification_from IS NOT NULL",
    )
    assert begin <= TODAY.isoformat() <= end
    months = [
        d[:7]
        for (d,) in rows(
            db.path,
            "SELECT i.started_on FROM inspections i JOIN inspection_units u ON u.inspection_id = i.id"
            " WHERE i.kind = 'rectification' AND u.unit_id = ? ORDER BY 1",
            (unit_id,),
        )
    ]
    expected = [
        f"{TODAY.year}-{m:02d}" for m in range(int(begin[5:7]), TODAY.month + 1) if m != TODAY.month - 1
    ]
    assert months == expected


def test_problems_follow_the_loop(demo: tuple[Database, dict[str, int]]) -> None:
    """Problems from inspections, meetings and talks; handed on by notices of their unit (the
    notice's 整改期限) or talks; some 销号, some 逾期, the stored status as the rules derive it."""
    db, _ = demo
    problems = rows(
        db.path,
        "SELECT p.source, p.inspection_id, p.meeting_id, p.talk_id, p.handoff, p.notice_id, p.deadline,"
        " p.status, p.closed_on, p.closed_by_id, p.found_on, p.handed_on, n.unit_id = p.unit_id,"
        " n.deadline, n.status, c.stage FROM problems p LEFT JOIN alert_notices n ON n.id = p.notice_id"
        " LEFT JOIN clues c ON c.id = p.handoff_clue_id",
    )
    sources = Counter(p[0] for p in problems)
    assert {"inspection", "meeting", "patrol"} <= set(sources)
    by = {"inspection": 1, "meeting": 2, "talk": 3}
    for p in problems:
        if p[0] in by:
            assert p[by[p[0]]] is not None, p
    handed = [p for p in problems if p[4] == "notice"]
    assert len(handed) >= 5
    assert all(p[12] and p[6] == p[13] and p[10] <= p[11] for p in handed)
    assert any(p[4] == "talk" for p in problems) and any(p[4] == "clue" for p in problems)
    for p in problems:
        derived = derive_status(closed_on=p[8], handoff=p[4], notice_status=p[14], clue_stage=p[15])
        assert p[7] == derived.value, p
    closed = [p for p in problems if p[7] == "closed"]
    assert closed and all(p[9] and p[10] <= p[8] <= TODAY.isoformat() for p in closed)
    assert any(is_overdue(p[7], date.fromisoformat(p[6]) if p[6] else None, TODAY) for p in problems)


def test_clues_have_stages_with_every_light(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    clues = rows(db.path, "SELECT stage, stage_since, received_on, closed_on, form, handler_id FROM clues")
    assert all(since and received <= since for _, since, received, *_ in clues)
    assert all(
        (stage == "closed") == (closed is not None) == (form is not None)
        for stage, _, _, closed, form, _ in clues
    )
    assert all(handler for *_, handler in clues)
    lights = Counter(
        light(stage, date.fromisoformat(since), TODAY) for stage, since, *_ in clues if stage != "closed"
    )
    assert lights[Light.RED] and lights[Light.YELLOW], lights


def test_agenda_reviews_and_liaison_meetings(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    reviews = rows(
        db.path,
        "SELECT m.topics, (SELECT count(*) FROM meeting_opinions o WHERE o.meeting_id = m.id) FROM meetings m"
        " WHERE m.meeting_type = 'agenda_review'",
    )
    assert reviews and all(topics and n >= 1 for topics, n in reviews)
    assert rows(db.path, "SELECT count(*) FROM meetings WHERE meeting_type = 'liaison'")[0][0] >= 1
    # 中层干部述责述廉: duty reports of cadres outside the leadership
    assert (
        rows(
            db.path,
            "SELECT count(*) FROM duty_reports d JOIN cadres c ON c.id = d.cadre_id WHERE NOT c.is_leader",
        )[0][0]
        >= 5
    )


# --- determinism, refusal, validation, progress ------------------------------------------------


def test_same_seed_gives_identical_rows_and_another_seed_differs(tmp_path: Path) -> None:
    dumps = []
    for name, seed in (("a.db", 3), ("b.db", 3), ("c.db", 4)):
        database = open_database(tmp_path / name)
        try:
            generate_demo(database, scale=1, seed=seed, today=TODAY)
        finally:
            database.dispose()
        dumps.append(dump(tmp_path / name))
    assert dumps[0] == dumps[1]
    assert dumps[0]["cadres"] != dumps[2]["cadres"]
    assert dumps[0]["talks"] != dumps[2]["talks"]
    assert dumps[0]["problems"] and dumps[0]["problems"] != dumps[2]["problems"]


def test_refuses_a_database_that_has_units(db: Database) -> None:
    with db.uow() as uow:
        uow.session.add(m.Unit(full_name="区审计局"))
        uow.commit()
    before = {t: rows(db.path, f"SELECT count(*) FROM {t}")[0][0] for t in ALL_TABLES}
    with pytest.raises(UserError) as err:
        generate_demo(db, today=TODAY)
    assert str(err.value) == "数据库中已有数据，演示数据只能写入空数据库。"
    assert {t: rows(db.path, f"SELECT count(*) FROM {t}")[0][0] for t in ALL_TABLES} == before


def test_deleted_records_do_not_block_and_ids_do_not_collide(db: Database) -> None:
    with db.uow() as uow:
        member = m.Member(name="管理员", title="组长")
        unit = m.Unit(full_name="区旧单位", deleted_at=datetime(2026, 1, 5))
        uow.session.add_all([member, unit])
        uow.commit()
    counts = generate_demo(db, today=TODAY)
    assert rows(db.path, "SELECT count(*) FROM units")[0][0] == counts["units"] + 1
    assert rows(db.path, "SELECT count(*) FROM members")[0][0] == counts["members"] + 1
    assert rows(db.path, "PRAGMA foreign_key_check") == []


@pytest.mark.parametrize("scale", [0, -1, 201])
def test_rejects_bad_scale(db: Database, scale: int) -> None:
    with pytest.raises(UserError, match="数据量倍数"):
        generate_demo(db, scale=scale, today=TODAY)
    assert rows(db.path, "SELECT count(*) FROM cadres")[0][0] == 0


def test_progress_reports_steps_up_to_the_total(db: Database) -> None:
    seen: list[tuple[int, int]] = []
    generate_demo(db, today=TODAY, progress=lambda done, total: seen.append((done, total)))
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] > 5
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len({t for _, t in seen}) == 1


def test_early_in_the_year_still_works(db: Database) -> None:
    counts = generate_demo(db, today=date(2026, 1, 3))
    assert counts["cadres"] > 200
    latest = rows(db.path, "SELECT max(held_on) FROM talks")[0][0]
    assert latest <= "2026-01-03"
    assert rows(db.path, "PRAGMA foreign_key_check") == []


def test_scale_10_is_about_ten_times_scale_1(db: Database, demo: tuple[Database, dict[str, int]]) -> None:
    _, base = demo
    started = time.perf_counter()
    counts = generate_demo(db, scale=10, seed=1, today=TODAY)
    elapsed = time.perf_counter() - started
    print(f"scale 10: {sum(counts.values())} rows in {elapsed:.1f} s")
    for table, n in base.items():
        if table == "doc_sequences":
            assert counts[table] == n
            continue
        if table == "follow_up_visits":  # a handful at scale 1, by how long ago each sanction was
            assert 4 * n <= counts[table] <= 25 * n, (table, n, counts[table])
            continue
        assert 7 * n <= counts[table] <= 13 * n, (table, n, counts[table])
    assert rows(db.path, "SELECT count(DISTINCT full_name) FROM units")[0][0] == 60
    assert rows(db.path, "PRAGMA foreign_key_check") == []
    numbered = rows(
        db.path, "SELECT kind, count(*), max(doc_seq) FROM alert_notices WHERE doc_seq IS NOT NULL GROUP BY 1"
    )
    assert all(n == top for _, n, top in numbered)
