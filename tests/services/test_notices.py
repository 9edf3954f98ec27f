"""文号 allocation and the notice lifecycle."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest

from tests.support.builders import agency_code, unit
from wsjc_desktop.domain.enums import NoticeKind, NoticeStatus, RectificationStatus
from wsjc_desktop.domain.models import Setting
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import notices, records, settings
from wsjc_desktop.storage.database import Database, open_database


def draft(db: Database, unit_id: int, kind: NoticeKind = NoticeKind.COPY_NOTICE, **values: object) -> int:
    return records.create(
        db,
        "alert_notices",
        {"kind": kind, "unit_id": unit_id, "title": "关于落实中央八项规定精神的提醒", **values},
    )


def test_numbers_per_kind_and_year_without_leading_zeros(db: Database) -> None:
    agency_code(db)
    unit_id = unit(db)
    got = [notices.issue(db, draft(db, unit_id), issued_on=date(2026, 3, d)) for d in range(1, 12)]
    assert got[0] == "驻财纪抄〔2026〕1号"
    assert got[9] == "驻财纪抄〔2026〕10号"
    assert all(re.fullmatch(r"驻财纪抄〔2026〕[1-9]\d*号", n) for n in got)
    assert notices.issue(db, draft(db, unit_id, NoticeKind.PROPOSAL), issued_on=date(2026, 3, 1)) == (
        "驻财纪建〔2026〕1号"
    )
    assert notices.issue(db, draft(db, unit_id), issued_on=date(2027, 1, 4)) == "驻财纪抄〔2027〕1号"


def test_a_deleted_number_is_never_reused(db: Database) -> None:
    agency_code(db)
    unit_id = unit(db)
    first = draft(db, unit_id)
    second = draft(db, unit_id)
    notices.issue(db, first, issued_on=date(2026, 3, 1))
    notices.issue(db, second, issued_on=date(2026, 3, 2))
    records.delete(db, "alert_notices", second)
    assert notices.issue(db, draft(db, unit_id), issued_on=date(2026, 3, 3)) == "驻财纪抄〔2026〕3号"


def test_template_and_prefix_come_from_settings(db: Database) -> None:
    unit_id = unit(db)
    settings.set_many(db, {"group.agency_code": "驻财纪", "doc_number.prefix.reminder_letter": "驻财纪提醒"})
    assert notices.issue(db, draft(db, unit_id), issued_on=date(2026, 3, 1)) == "驻财纪抄〔2026〕1号"
    settings.set_many(db, {"doc_number.template.reminder_letter": "{prefix}函〔{year}〕第{seq}号"})
    number = notices.issue(db, draft(db, unit_id, NoticeKind.REMINDER_LETTER), issued_on=date(2026, 3, 1))
    assert number == "驻财纪提醒函〔2026〕第1号"
    with pytest.raises(UserError, match="必须包含"):
        settings.set_many(db, {"doc_number.template": "{prefix}号"})


def doc_sequences(path: Path) -> list[tuple[str, int, int]]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT kind, year, last_seq FROM doc_sequences").fetchall()
    finally:
        con.close()


def test_issuing_is_refused_while_the_agency_code_is_the_placeholder(db: Database, db_path: Path) -> None:
    unit_id = unit(db)
    nid = draft(db, unit_id)
    with pytest.raises(UserError) as refused:
        notices.issue(db, nid, issued_on=date(2026, 3, 1))
    assert refused.value.message == (
        "尚未设置本组的机关代字，文号会带占位符“X”。请先在 设置 → 基本信息 中填写机关代字。"
    )
    assert refused.value.field == "group.agency_code"
    row = records.get(db, "alert_notices", nid)
    assert row["status"] is NoticeStatus.DRAFT and row["doc_number"] is None and row["doc_seq"] is None
    assert doc_sequences(db_path) == []  # no number was used up
    agency_code(db, "驻教纪")
    assert notices.issue(db, nid, issued_on=date(2026, 3, 1)) == "驻教纪抄〔2026〕1号"


def test_a_kind_with_its_own_prefix_is_issued_without_the_agency_code(db: Database) -> None:
    unit_id = unit(db)
    settings.set_many(db, {settings.prefix_key(NoticeKind.PROPOSAL): "驻财纪建议"})
    proposal = draft(db, unit_id, NoticeKind.PROPOSAL)
    assert notices.issue(db, proposal, issued_on=date(2026, 3, 1)) == "驻财纪建议〔2026〕1号"
    with pytest.raises(UserError, match="尚未设置本组的机关代字"):
        notices.issue(db, draft(db, unit_id), issued_on=date(2026, 3, 1))


def test_a_placeholder_prefix_stored_by_an_older_version_is_refused(db: Database) -> None:
    # settings now refuse such a prefix (tests/services/test_agency_code.py); an older file may hold one
    with db.uow() as uow:
        key = settings.prefix_key(NoticeKind.REMINDER_LETTER)
        uow.session.add(Setting(key=key, value=json.dumps("驻X纪提醒", ensure_ascii=False)))
        uow.commit()
    agency_code(db)
    unit_id = unit(db)
    with pytest.raises(UserError) as refused:
        notices.issue(db, draft(db, unit_id, NoticeKind.REMINDER_LETTER), issued_on=date(2026, 3, 1))
    assert refused.value.message.startswith("“廉政提醒函”的文号前缀“驻X纪提醒”带占位符“X”")
    assert "设置 → 文号" in refused.value.message
    assert refused.value.field == "doc_number.prefix.reminder_letter"
    assert notices.issue(db, draft(db, unit_id), issued_on=date(2026, 3, 1)) == "驻财纪抄〔2026〕1号"


def test_issue_only_once_and_not_past_the_deadline(db: Database) -> None:
    agency_code(db)
    unit_id = unit(db)
    nid = draft(db, unit_id, deadline="2026-03-01")
    with pytest.raises(UserError, match="反馈期限早于发出日期"):
        notices.issue(db, nid, issued_on=date(2026, 3, 5))
    records.update(db, "alert_notices", nid, {"deadline": "2026-03-20"})
    notices.issue(db, nid, issued_on=date(2026, 3, 5))
    with pytest.raises(UserError, match="不能重复发出"):
        notices.issue(db, nid, issued_on=date(2026, 3, 6))
    with pytest.raises(UserError, match="不能更改类别"):
        records.update(db, "alert_notices", nid, {"kind": NoticeKind.PROPOSAL})


def test_two_connections_issuing_at_once_never_share_a_number(db_path: Path) -> None:
    setup = open_database(db_path)
    agency_code(setup)
    unit_id = unit(setup)
    ids = [draft(setup, unit_id) for _ in range(30)]
    setup.dispose()
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(mine: list[int]) -> None:
        db = Database(db_path)  # its own engine and connections, like a second window or PC
        try:
            for nid in mine:
                number = notices.issue(db, nid, issued_on=date(2026, 5, 1))
                with lock:
                    results.append(number)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=worker, args=(ids[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results, key=lambda n: int(n[len("驻财纪抄〔2026〕") : -1])) == [
        f"驻财纪抄〔2026〕{i}号" for i in range(1, 31)
    ]


def test_feedback_lifecycle_and_overdue(db: Database) -> None:
    agency_code(db)
    unit_id = unit(db)
    nid = draft(db, unit_id, deadline="2026-03-20")
    with pytest.raises(UserError, match="草稿尚未发出"):
        notices.record_feedback(db, nid, {"feedback_date": "2026-03-10", "measures": "已整改"})
    notices.issue(db, nid, issued_on=date(2026, 3, 5))
    with db.read() as uow:
        from wsjc_desktop.domain.models import AlertNotice

        notice = uow.session.get(AlertNotice, nid)
        assert notice is not None
        assert notice.effective_status(date(2026, 3, 20)) is NoticeStatus.ISSUED
        assert notice.effective_status(date(2026, 3, 21)) is NoticeStatus.OVERDUE
    with pytest.raises(UserError, match="反馈日期不能早于"):
        notices.record_feedback(db, nid, {"feedback_date": "2026-03-01", "measures": "已整改"})
    notices.record_feedback(db, nid, {"feedback_date": "2026-03-25", "measures": "制定公务用车管理办法"})
    assert records.get(db, "alert_notices", nid)["status"] is NoticeStatus.FED_BACK
    notices.record_feedback(
        db, nid, {"feedback_date": "2026-04-02", "measures": "完成整改", "status": RectificationStatus.DONE}
    )
    assert records.get(db, "alert_notices", nid)["status"] is NoticeStatus.RECTIFIED
    with db.read() as uow:
        notice = uow.session.get(AlertNotice, nid)
        assert notice is not None and notices.rectified_late(notice)


def test_find_by_number_accepts_other_brackets(db: Database) -> None:
    agency_code(db)
    unit_id = unit(db)
    nid = draft(db, unit_id)
    notices.issue(db, nid, issued_on=date(2026, 3, 1))
    assert notices.find_by_number(db, "驻财纪抄〔2026〕1号") == nid
    assert notices.find_by_number(db, "驻财纪抄[2026]1号") == nid
    assert notices.find_by_number(db, "驻财纪抄（2026）1号") == nid
    assert notices.find_by_number(db, "驻财纪建〔2026〕1号") is None


def test_default_deadline_in_calendar_or_working_days(db: Database) -> None:
    # calendar days by default
    assert settings.get(db, "notice.deadline_working_days") is False
    assert notices.default_deadline(db, date(2026, 2, 10)) == date(2026, 2, 25)
    settings.set_many(db, {"notice.default_deadline_days": 5})
    assert notices.default_deadline(db, date(2026, 2, 10)) == date(2026, 2, 15)
    # working days: 11, 12, 13, 14 (Saturday, 调休上班), then 春节 until the 24th
    settings.set_many(db, {"notice.deadline_working_days": True})
    assert notices.default_deadline(db, date(2026, 2, 10)) == date(2026, 2, 24)
    settings.set_many(db, {"notice.default_deadline_days": 15})
    assert notices.default_deadline(db, date(2026, 9, 28)) == date(2026, 10, 23)  # across 国庆节
    # the user's own 2027 schedule counts: a make-up Sunday, 1 and 2 February off
    settings.set_many(
        db,
        {
            "notice.default_deadline_days": 3,
            "calendar.2027": {
                "days_off": [["2027-02-01", "春节"], ["2027-02-02", "春节"]],
                "workdays": ["2027-01-31"],
            },
        },
    )
    assert notices.default_deadline(db, date(2027, 1, 29)) == date(2027, 2, 4)  # 31st, 3rd, 4th
    with pytest.raises(UserError, match="工作日"):
        settings.set_many(db, {"notice.deadline_working_days": "yes"})
