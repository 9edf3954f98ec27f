"""The 廉情提醒 lifecycle: 草稿 → 已发出 (numbered) → 已反馈 → 已整改; 逾期 is derived."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.docnumber import default_prefix, format_doc_number, parse_doc_number
from wsjc_desktop.domain.enums import AuditAction, NoticeKind, NoticeStatus, RectificationStatus
from wsjc_desktop.domain.fields import RECTIFICATION
from wsjc_desktop.errors import NotFoundError, UserError
from wsjc_desktop.services import records, settings
from wsjc_desktop.storage.database import Database


def number_format_in(session: Session, kind: NoticeKind) -> tuple[str, str]:
    """(template, prefix) for a kind: its own setting, else the shared one."""
    template = settings.get_in(session, f"doc_number.template.{kind.value}") or settings.get_in(
        session, "doc_number.template"
    )
    prefix = settings.get_in(session, f"doc_number.prefix.{kind.value}") or default_prefix(
        kind, settings.get_in(session, "group.agency_code")
    )
    return str(template), str(prefix)


def allocate_number(session: Session, kind: NoticeKind, year: int) -> tuple[int, str]:
    """The next (sequence, 文号) for a kind and year. Must run in a write (IMMEDIATE) transaction,
    which holds the file's write lock, so two PCs or two windows never get the same number."""
    seq_row = session.get(m.DocSequence, (kind, year))
    if seq_row is None:
        seq_row = m.DocSequence(kind=kind, year=year, last_seq=0)
        session.add(seq_row)
    # Belt and braces: never go below a number already present (e.g. from an import).
    highest = session.scalar(
        select(func.max(m.AlertNotice.doc_seq)).where(
            m.AlertNotice.kind == kind, m.AlertNotice.doc_year == year
        )
    )
    seq = max(seq_row.last_seq, highest or 0) + 1
    seq_row.last_seq = seq
    template, prefix = number_format_in(session, kind)
    number = format_doc_number(template, prefix, year, seq)
    clash = session.scalar(select(m.AlertNotice.id).where(m.AlertNotice.doc_number == number))
    if clash is not None:
        raise UserError(f"文号“{number}”已被使用，请检查文号模板设置。")
    session.flush()
    return seq, number


def _notice(session: Session, notice_id: int) -> m.AlertNotice:
    notice = session.get(m.AlertNotice, notice_id)
    if notice is None or notice.deleted_at is not None:
        raise NotFoundError(f"廉情提醒（编号 {notice_id}）不存在或已被删除。")
    return notice


def issue_in(session: Session, notice_id: int, *, issued_on: date | None = None) -> str:
    notice = _notice(session, notice_id)
    if notice.status != NoticeStatus.DRAFT:
        raise UserError(f"该提醒已发出（{notice.doc_number}），不能重复发出。")
    when = issued_on or date.today()
    if notice.deadline is not None and notice.deadline < when:
        raise UserError("反馈期限早于发出日期，请先修改反馈期限。", field="deadline")
    seq, number = allocate_number(session, notice.kind, when.year)
    notice.doc_year, notice.doc_seq, notice.doc_number = when.year, seq, number
    notice.issued_on = when
    notice.status = NoticeStatus.ISSUED
    if not notice.signatory:
        notice.signatory = settings.get_in(session, "notice.signatory") or None
    session.flush()
    return number


def issue(db: Database, notice_id: int, *, issued_on: date | None = None) -> str:
    """Send a draft: allocate its 文号 and mark it 已发出. Returns the number."""
    with db.uow() as uow:
        number = issue_in(uow.session, notice_id, issued_on=issued_on)
        uow.add_audit(AuditAction.ISSUE, f"发出 {number}", table_name="alert_notices", record_id=notice_id)
        uow.commit()
    return number


def record_feedback(db: Database, notice_id: int, values: Mapping[str, Any]) -> int:
    """Record the unit's 整改反馈; the notice becomes 已反馈, or 已整改 when the feedback says done."""
    with db.uow() as uow:
        notice = _notice(uow.session, notice_id)
        if notice.status == NoticeStatus.DRAFT:
            raise UserError("草稿尚未发出，不能登记整改反馈。")
        data = dict(values)
        data["notice_id"] = notice_id
        data.setdefault("status", RectificationStatus.IN_PROGRESS)
        rect_id = records.create_in(uow.session, RECTIFICATION, data)
        rect = uow.session.get(m.Rectification, rect_id)
        assert rect is not None
        if rect.status == RectificationStatus.DONE:
            notice.status = NoticeStatus.RECTIFIED
        elif notice.status == NoticeStatus.ISSUED:
            notice.status = NoticeStatus.FED_BACK
        uow.commit()
    return rect_id


def mark_rectified(db: Database, notice_id: int) -> None:
    with db.uow() as uow:
        notice = _notice(uow.session, notice_id)
        if notice.status not in (NoticeStatus.FED_BACK, NoticeStatus.ISSUED):
            raise UserError(f"当前状态为“{notice.status.label}”，不能标记为已整改。")
        if not any(r.deleted_at is None for r in notice.rectifications):
            raise UserError("尚未登记整改反馈，请先登记反馈再标记已整改。")
        notice.status = NoticeStatus.RECTIFIED
        uow.commit()


def find_by_number(db: Database, text: str) -> int | None:
    """The id of the notice with this 文号 (also accepting [] or () for 〔〕)."""
    wanted = text.strip()
    with db.read() as uow:
        found = uow.session.scalar(select(m.AlertNotice.id).where(m.AlertNotice.doc_number == wanted))
        if found is not None:
            return int(found)
        parsed = parse_doc_number(wanted)
        if parsed is None:
            return None
        prefix, year, seq = parsed
        rows = uow.session.execute(
            select(m.AlertNotice.id, m.AlertNotice.doc_number).where(
                m.AlertNotice.doc_year == year, m.AlertNotice.doc_seq == seq
            )
        ).all()
        for notice_id, number in rows:
            again = parse_doc_number(number or "")
            if again is not None and again[0] == prefix:
                return int(notice_id)
    return None


def default_deadline(db: Database, start: date | None = None) -> date:
    """``notice.default_deadline_days`` after ``start`` (today): working days when
    ``notice.deadline_working_days`` is set (法定节假日 and 调休 observed), else calendar days."""
    with db.read() as uow:
        days = int(settings.get_in(uow.session, "notice.default_deadline_days") or 15)
        working = bool(settings.get_in(uow.session, "notice.deadline_working_days"))
        begin = start or date.today()
        if working:
            from wsjc_desktop.services import workcalendar

            return workcalendar.add_working_days(uow.session, begin, days)
    return begin + timedelta(days=days)


def rectified_late(notice: m.AlertNotice) -> bool:
    """Feedback (the first that said done) came after the deadline."""
    if notice.deadline is None:
        return False
    done = [r.feedback_date for r in notice.rectifications if r.deleted_at is None]
    return bool(done) and min(done) > notice.deadline
