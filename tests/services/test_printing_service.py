"""Printing from the database: each slip's PDF holds its record's text; 节前提醒 in bulk."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import func, select

from tests.support.builders import AGENCY_CODE, agency_code, cadre, member, unit
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import AuditAction, NoticeKind, NoticeStatus
from wsjc_desktop.errors import NotFoundError, UserError
from wsjc_desktop.printing.slips import UnprintableError
from wsjc_desktop.services import notices, printing, records, settings
from wsjc_desktop.storage.database import Database

GROUP = "区纪委监委派驻第三纪检监察组"
#: A character no font has (Supplementary Private Use Area-A).
UNPRINTABLE = "\U000f0000"


def pdf_text(path: Path) -> str:
    """All text of the PDF with white space removed (lines wrap and cells split anywhere)."""
    with pdfplumber.open(path) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    return squash(text)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_cells(path: Path) -> set[str]:
    """The text of every table cell (a cell's text wraps within the cell, so the page text
    interleaves it with its neighbours)."""
    cells: set[str] = set()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                cells.update(squash(cell or "") for row in table for cell in row)
    return cells


def page_count(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def assert_contains(text: str, *expected: str) -> None:
    missing = [e for e in expected if squash(e) not in text]
    assert not missing, f"not in the PDF: {missing}"


def audited(db: Database, table: str, record_id: int | None = None) -> list[str]:
    with db.read() as uow:
        query = select(m.AuditEntry.summary).where(
            m.AuditEntry.action == AuditAction.PRINT, m.AuditEntry.table_name == table
        )
        if record_id is not None:
            query = query.where(m.AuditEntry.record_id == record_id)
        return [str(s) for s in uow.session.scalars(query)]


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    """A folder of its own for the PDFs (the database lives in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def group(db: Database) -> Database:
    settings.set_many(
        db, {"group.name": GROUP, "notice.signatory": "赵建国", "group.agency_code": AGENCY_CODE}
    )
    return db


def issued_notice(db: Database, unit_id: int, **values: object) -> tuple[int, str]:
    notice_id = records.create(
        db,
        "alert_notices",
        {
            "kind": NoticeKind.COPY_NOTICE,
            "unit_id": unit_id,
            "title": "关于公务接待超标准问题的廉情抄告",
            "problems": "一、2026年一季度公务接待3次超出标准。\n二、接待清单填写不完整。",
            "requirements": "请于15日内完成整改，并书面报送整改情况。",
            "deadline": date(2026, 3, 20),
            **values,
        },
    )
    return notice_id, notices.issue(db, notice_id, issued_on=date(2026, 3, 5))


# --- single slips ---------------------------------------------------------------------


def test_notice_prints_its_fields_and_is_audited(group: Database, outdir: Path) -> None:
    db = group
    unit_id = unit(db, "区住房和城乡建设局", short_name="住建局")
    person = cadre(db, unit_id, "王堃")  # 堃 is outside GB2312
    notice_id, number = issued_notice(db, unit_id, cadre_id=person)
    out = outdir / "notice.pdf"
    printing.print_notice(db, notice_id, out)
    text = pdf_text(out)
    assert_contains(
        text,
        GROUP,
        number,
        "区住房和城乡建设局",
        "关于公务接待超标准问题的廉情抄告",
        "公务接待3次超出标准",
        "请于15日内完成整改",
        "王堃",
        "2026年3月5日",
    )
    assert number == "驻财纪抄〔2026〕1号"
    assert audited(db, "alert_notices", notice_id) == [f"打印廉情抄告单 {number}"]
    assert list(outdir.iterdir()) == [out], "no temporary file left behind"


def test_notice_by_number_or_id_text_and_a_draft(group: Database, outdir: Path) -> None:
    db = group
    unit_id = unit(db, "区教育局")
    notice_id, number = issued_notice(db, unit_id, title="关于规范校服采购的提醒")
    by_number = outdir / "by_number.pdf"
    printing.print_notice(db, number, by_number)
    assert_contains(pdf_text(by_number), number, "关于规范校服采购的提醒")
    assert printing.resolve_notice(db, "驻财纪抄[2026]1号") == notice_id  # [] typed for 〔〕
    assert printing.resolve_notice(db, str(notice_id)) == notice_id
    with pytest.raises(NotFoundError, match="驻财纪抄〔2026〕9号"):
        printing.print_notice(db, "驻财纪抄〔2026〕9号", outdir / "none.pdf")
    assert not (outdir / "none.pdf").exists()

    draft = records.create(
        db,
        "alert_notices",
        {"kind": NoticeKind.PROPOSAL, "unit_id": unit_id, "title": "关于完善食堂采购制度的建议"},
    )
    out = outdir / "draft.pdf"
    printing.print_notice(db, draft, out)
    assert_contains(pdf_text(out), "关于完善食堂采购制度的建议", "区教育局")


def test_talk_prints_persons_talker_and_content(group: Database, outdir: Path) -> None:
    db = group
    unit_id = unit(db, "区卫生健康委员会")
    first = cadre(db, unit_id, "周明远", position="党组书记、主任")
    second = cadre(db, unit_id, "吴晓燕", position="副主任")
    talker, recorder = member(db, "李明"), member(db, "陈静")
    talk_id = records.create(
        db,
        "talks",
        {
            "kind": "integrity",
            "held_on": date(2026, 4, 8),
            "start_time": time(9, 30),
            "end_time": time(10, 40),
            "location": "纪检监察组谈话室",
            "talker_id": talker,
            "recorder_id": recorder,
            "cadre_ids": [first, second],
            "reason": "新任职干部任前廉政谈话",
            "summary": "通报近期医疗领域典型案例，提出严守廉洁底线的要求。",
            "response": "坚决落实一岗双责，自觉接受监督。",
        },
    )
    out = outdir / "talk.pdf"
    printing.print_talk(db, talk_id, out)
    assert_contains(
        pdf_text(out),
        "周明远",
        "吴晓燕",
        "区卫生健康委员会",
        "李明",
        "陈静",
        "纪检监察组谈话室",
        "廉政谈话",
        "通报近期医疗领域典型案例",
        "坚决落实一岗双责",
    )
    assert len(audited(db, "talks", talk_id)) == 1


def test_meeting_prints_unit_attendees_and_opinions(group: Database, outdir: Path) -> None:
    db = group
    unit_id = unit(db, "区交通运输局")
    person = cadre(db, unit_id, "郑国强")
    attendee = member(db, "李明")
    meeting_id = records.create(
        db,
        "meetings",
        {
            "held_on": date(2026, 5, 12),
            "unit_id": unit_id,
            "meeting_type": "major_decision",
            "title": "局党组2026年第5次会议",
            "topics": "研究道路养护项目招标方案\n研究年度预算调整",
            "major_topic_count": 2,
            "location": "三楼会议室",
            "attendee_ids": [attendee],
        },
    )
    records.create(
        db,
        "meeting_opinions",
        {
            "meeting_id": meeting_id,
            "content": "招标方案应经法律顾问审核后再提交决策",
            "cadre_id": person,
            "follow_up": "adopted",
        },
    )
    out = outdir / "meeting.pdf"
    printing.print_meeting(db, meeting_id, out)
    assert_contains(
        pdf_text(out),
        "区交通运输局",
        "局党组2026年第5次会议",
        "“三重一大”决策会",
        "研究道路养护项目招标方案",
        "李明",
        "已采纳",
    )
    assert "招标方案应经法律顾问审核后再提交决策" in pdf_cells(out)


def test_opinion_reply_groups_the_persons_of_one_request(group: Database, outdir: Path) -> None:
    db = group
    unit_id = unit(db, "区发展和改革局")
    names = ("孙立新", "钱红梅", "冯志刚")
    people = [cadre(db, unit_id, name, position="科长") for name in names]
    letter = {
        "requesting_unit": "区委组织部",
        "reason": "promotion",
        "request_date": date(2026, 6, 1),
        "reply_date": date(2026, 6, 5),
        "doc_number": "驻财纪函〔2026〕12号",
    }
    first = records.create(
        db, "integrity_opinions", {**letter, "cadre_id": people[0], "conclusion": "no_clues"}
    )
    records.create(
        db, "integrity_opinions", {**letter, "cadre_id": people[1], "conclusion": "closed_no_objection"}
    )
    # the same requesting unit, another request: a letter of its own
    other = records.create(
        db,
        "integrity_opinions",
        {
            **letter,
            "cadre_id": people[2],
            "request_date": date(2026, 7, 1),
            "reply_date": date(2026, 7, 2),
            "doc_number": "驻财纪函〔2026〕15号",
            "conclusion": "no_clues",
        },
    )
    out = outdir / "reply.pdf"
    printing.print_opinion(db, first, out)
    text = pdf_text(out)
    assert_contains(
        text, "区委组织部", "孙立新", "钱红梅", "驻财纪函〔2026〕12号", "未收到问题线索", "已了结、不持异议"
    )
    assert "冯志刚" not in text
    alone = outdir / "alone.pdf"
    printing.print_opinion(db, other, alone)
    text = pdf_text(alone)
    assert_contains(text, "冯志刚", "驻财纪函〔2026〕15号")
    assert "孙立新" not in text


def test_dossier_prints_basics_every_section_and_the_timeline(group: Database, outdir: Path) -> None:
    db = group
    unit_id = unit(db, "区市场监督管理局")
    person = cadre(
        db, unit_id, "林海峰", position="副局长", gender="male", birth_date=date(1978, 5, 1), is_leader=True
    )
    records.create(
        db,
        "family_members",
        {
            "cadre_id": person,
            "relation": "配偶",
            "name": "黄丽君",
            "workplace": "区第一中学",
            "runs_business": False,
        },
    )
    records.create(
        db, "personal_matters_reports", {"cadre_id": person, "year": 2025, "check_result": "consistent"}
    )
    records.create(
        db,
        "discipline_records",
        {"cadre_id": person, "category": "first_form", "measure": "诫勉", "decided_on": date(2024, 3, 1)},
    )
    records.create(
        db,
        "clues",
        {
            "cadre_id": person,
            "unit_id": unit_id,
            "received_on": date(2025, 9, 1),
            "source": "petition",
            "summary": "反映其在食品抽检中打招呼",
            "disposal": "pending",
        },
    )
    records.create(
        db,
        "talks",
        {"kind": "reminder", "held_on": date(2026, 2, 3), "cadre_ids": [person], "reason": "节前提醒谈话"},
    )
    out = outdir / "file.pdf"
    printing.print_file(db, person, out, today=date(2026, 6, 15))
    assert_contains(
        pdf_text(out),
        "林海峰",
        "区市场监督管理局",
        "副局长",
        "1978年5月",
        "家庭成员及主要社会关系",
        "个人有关事项报告",
        "处分及组织处理",
        "诫勉",
        "问题线索",
        "节前提醒谈话",
    )
    assert {"黄丽君", "区第一中学", "反映其在食品抽检中打招呼"} <= pdf_cells(out)
    assert len(audited(db, "cadres", person)) == 1


def test_missing_records_are_user_errors(db: Database, outdir: Path) -> None:
    for call in (printing.print_talk, printing.print_meeting, printing.print_opinion, printing.print_file):
        with pytest.raises(NotFoundError):
            call(db, 999, outdir / "x.pdf")
    assert list(outdir.iterdir()) == []


# --- never half a file -------------------------------------------------------------------


def test_unprintable_character_is_reported_and_nothing_is_written(group: Database, outdir: Path) -> None:
    db = group
    unit_id = unit(db, "区水务局")
    notice_id, _number = issued_notice(db, unit_id, title=f"关于河道{UNPRINTABLE}整治的提醒")
    out = outdir / "bad.pdf"
    with pytest.raises(UnprintableError) as caught:
        printing.print_notice(db, notice_id, out)
    assert isinstance(caught.value, UserError)
    assert not out.exists()
    assert list(outdir.iterdir()) == [], "no temporary file left behind"
    # a file already there is left as it was
    out.write_bytes(b"earlier")
    with pytest.raises(UnprintableError):
        printing.print_notice(db, notice_id, out)
    assert out.read_bytes() == b"earlier"
    assert audited(db, "alert_notices") == []


def test_a_missing_folder_is_a_user_error(group: Database, outdir: Path) -> None:
    notice_id, _number = issued_notice(group, unit(group))
    with pytest.raises(UserError, match="文件夹不存在"):
        printing.print_notice(group, notice_id, outdir / "nowhere" / "x.pdf")


# --- 节前廉政提醒 ------------------------------------------------------------------------------


def holiday_notices(db: Database) -> list[m.AlertNotice]:
    with db.read() as uow:
        return list(
            uow.session.scalars(
                select(m.AlertNotice)
                .where(m.AlertNotice.kind == NoticeKind.HOLIDAY_REMINDER)
                .order_by(m.AlertNotice.id)
            )
        )


def test_holiday_reminders_for_every_unit_once(group: Database, outdir: Path) -> None:
    db = group
    names = ["区财政局", "区审计局", "区统计局"]
    for n, name in enumerate(names):
        unit(db, name, sort_order=n)
    unit(db, "区档案馆", in_scope=False)
    gone = unit(db, "区已撤销单位")
    records.delete(db, "units", gone)

    calls: list[tuple[int, int]] = []
    out = outdir / "spring.pdf"
    ids = printing.holiday_reminders(
        db,
        holiday="春节",
        year=2026,
        out=out,
        issued_on=date(2026, 2, 9),
        progress=lambda d, t: calls.append((d, t)),
    )
    assert len(ids) == 3
    made = holiday_notices(db)
    assert [n.id for n in made] == ids
    numbers = [n.doc_number for n in made]
    assert numbers == [f"驻财纪节〔2026〕{i}号" for i in (1, 2, 3)]
    assert all(n.status == NoticeStatus.ISSUED and n.holiday == "春节" for n in made)
    assert all(n.issued_on == date(2026, 2, 9) and n.signatory == "赵建国" for n in made)
    assert all(n.title == "关于2026年春节期间严守廉洁纪律的提醒" for n in made)
    assert calls and calls[-1] == (3, 3)

    text = pdf_text(out)
    assert_contains(text, *names, *[n for n in numbers if n], "关于2026年春节期间严守廉洁纪律的提醒", GROUP)
    assert "区档案馆" not in text and "区已撤销单位" not in text
    assert page_count(out) >= 3

    again = outdir / "again.pdf"
    assert (
        printing.holiday_reminders(db, holiday="春节", year=2026, out=again, issued_on=date(2026, 2, 10))
        == []
    )
    assert len(holiday_notices(db)) == 3
    assert_contains(pdf_text(again), *[n for n in numbers if n])  # the same set, printed again

    # another holiday, or the same one another year, is a new round
    assert (
        len(printing.holiday_reminders(db, holiday="春节", year=2027, out=again, issued_on=date(2027, 1, 28)))
        == 3
    )
    assert (
        len(
            printing.holiday_reminders(db, holiday="元旦", year=2027, out=again, issued_on=date(2026, 12, 28))
        )
        == 3
    )
    assert (
        printing.holiday_reminders(db, holiday="元旦", year=2027, out=again, issued_on=date(2026, 12, 29))
        == []
    )


def test_holiday_reminders_issue_a_draft_already_written(group: Database, outdir: Path) -> None:
    db = group
    first, second = unit(db, "区民政局"), unit(db, "区司法局")
    draft = records.create(
        db,
        "alert_notices",
        {
            "kind": NoticeKind.HOLIDAY_REMINDER,
            "unit_id": first,
            "title": "民政局中秋提醒（自拟）",
            "holiday": "中秋",
        },
    )
    ids = printing.holiday_reminders(
        db, holiday="中秋", year=2026, out=outdir / "a.pdf", issued_on=date(2026, 9, 18)
    )
    assert ids[0] == draft and len(ids) == 2
    by_unit = {n.unit_id: n for n in holiday_notices(db)}
    assert set(by_unit) == {first, second}
    assert by_unit[first].title == "民政局中秋提醒（自拟）" and by_unit[first].doc_number is not None
    assert_contains(pdf_text(outdir / "a.pdf"), "民政局中秋提醒（自拟）", "区司法局")


def test_a_draft_written_the_year_before_counts_by_its_title(group: Database, outdir: Path) -> None:
    db = group
    unit_id = unit(db, "区民政局")
    draft = records.create(
        db,
        "alert_notices",
        {
            "kind": NoticeKind.HOLIDAY_REMINDER,
            "unit_id": unit_id,
            "title": printing.holiday_title("春节", 2099),
            "holiday": "春节",
        },
    )
    # written now, years before it is sent: the same reminder, not a second one
    out = outdir / "spring.pdf"
    ids = printing.holiday_reminders(db, holiday="春节", year=2099, out=out, issued_on=date(2099, 1, 28))
    assert ids == [draft] and len(holiday_notices(db)) == 1


def test_holiday_reminders_roll_back_when_they_cannot_print(group: Database, outdir: Path) -> None:
    db = group
    unit(db, "区林业局")
    out = outdir / "bad.pdf"
    with pytest.raises(UnprintableError):
        printing.holiday_reminders(
            db, holiday=f"端{UNPRINTABLE}午", year=2026, out=out, issued_on=date(2026, 6, 10)
        )
    assert holiday_notices(db) == []
    assert not out.exists() and list(outdir.iterdir()) == []
    with db.read() as uow:  # no 文号 was used up
        assert uow.session.scalar(select(func.count()).select_from(m.DocSequence)) == 0
    ids = printing.holiday_reminders(db, holiday="端午", year=2026, out=out, issued_on=date(2026, 6, 10))
    assert len(ids) == 1
    assert holiday_notices(db)[0].doc_number == "驻财纪节〔2026〕1号"


def test_holiday_reminders_are_refused_while_the_agency_code_is_the_placeholder(
    db: Database, outdir: Path
) -> None:
    settings.set_many(db, {"group.name": GROUP})  # named, but no 机关代字 given yet
    for name in ("区财政局", "区审计局"):
        unit(db, name)
    out = outdir / "spring.pdf"
    with pytest.raises(UserError, match="尚未设置本组的机关代字") as refused:
        printing.holiday_reminders(db, holiday="春节", year=2026, out=out, issued_on=date(2026, 2, 9))
    assert refused.value.field == "group.agency_code"
    assert holiday_notices(db) == []  # no draft left behind, no number used up
    with db.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(m.DocSequence)) == 0
    assert list(outdir.iterdir()) == []
    agency_code(db)
    printing.holiday_reminders(db, holiday="春节", year=2026, out=out, issued_on=date(2026, 2, 9))
    assert [n.doc_number for n in holiday_notices(db)] == ["驻财纪节〔2026〕1号", "驻财纪节〔2026〕2号"]


def test_holiday_reminders_need_units_and_a_name(db: Database, outdir: Path) -> None:
    with pytest.raises(UserError, match="没有在监督范围内的单位"):
        printing.holiday_reminders(db, holiday="春节", year=2026, out=outdir / "x.pdf")
    unit(db)
    with pytest.raises(UserError, match="节日名称"):
        printing.holiday_reminders(db, holiday="  ", year=2026, out=outdir / "x.pdf")
    assert list(outdir.iterdir()) == []


def test_the_printed_dossier_keeps_names_and_dates_whole_and_tells_one_update_date(
    db: Database, outdir: Path
) -> None:
    """Issue 18, point 7: 赵胜/信 broken across lines, dates printed ISO (1981-12), a 档案更新 line
    contradicting 最近更新, and a column headed 大小(字节)."""
    unit_id = unit(db, "区发展和改革委员会")
    person = cadre(db, unit_id, "赵惠春", birth_date="1981-12", file_updated_on=date(2026, 3, 10))
    for relation, name, workplace, position in (
        ("父亲", "赵胜信", "已退休", ""),
        ("母亲", "何莲瑚", "务农", ""),
        ("妹妹", "赵莎环", "某银行支行营业部", "客户经理"),
    ):
        records.create(
            db,
            "family_members",
            {
                "cadre_id": person,
                "relation": relation,
                "name": name,
                "birth_date": "1952-10",
                "political_status": "中共党员",
                "workplace": workplace,
                "position": position or None,
                "runs_business": False,
            },
        )
    out = outdir / "file.pdf"
    printing.print_file(db, person, out, today=date(2026, 6, 15))
    with pdfplumber.open(out) as pdf:
        lines = [line for page in pdf.pages for line in (page.extract_text() or "").splitlines()]
    words = " ".join(lines).split()
    for name in ("赵胜信", "何莲瑚", "赵莎环"):
        assert name in words, f"{name} broken across lines: {lines}"
    assert "1981年12月" in words and "1952年10月" in words
    assert not any(re.search(r"\d{4}-\d{2}", line) for line in lines), lines
    text = pdf_text(out)
    assert "档案更新" not in text and "最近更新" in text  # one date, the latest of them
    assert "大小(字节)" not in text
