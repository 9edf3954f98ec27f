"""The 廉情提醒 lifecycle: 草稿 → 已发出 (numbered) → 已反馈 → 已整改; 逾期 is derived."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import notice_rules
from wsjc_desktop.domain.docnumber import (
    PLACEHOLDER,
    default_prefix,
    format_doc_number,
    is_placeholder,
    parse_doc_number,
)
from wsjc_desktop.domain.enums import AuditAction, NoticeKind, NoticeStatus, RectificationStatus
from wsjc_desktop.domain.fields import RECTIFICATION
from wsjc_desktop.errors import NotFoundError, UserError
from wsjc_desktop.services import records, settings
from wsjc_desktop.storage.database import Database

#: Why issuing is refused while the 文号 would carry the placeholder of the 机关代字.
NO_AGENCY_CODE = (
    f"尚未设置本组的机关代字，文号会带占位符“{PLACEHOLDER}”。请先在 设置 → 基本信息 中填写机关代字。"
)


@dataclass(frozen=True)
class NextNumber:
    """How the next 文号 of a kind will be made: its template, its own prefix (empty: the
    机关代字 plus the kind's letter) and its sequence in ``year``. The 机关代字 is given to each
    method, so a form can preview numbers for a code not stored yet."""

    kind: NoticeKind
    template: str
    own_prefix: str
    year: int
    seq: int

    def prefix(self, agency_code: str) -> str:
        return self.own_prefix or default_prefix(self.kind, agency_code)

    def text(self, agency_code: str) -> str:
        """The number itself (UserError for a broken template)."""
        return format_doc_number(self.template, self.prefix(agency_code), self.year, self.seq)

    def refusal(self, agency_code: str) -> UserError | None:
        """Why this number must not be issued (its prefix is still the placeholder), else None."""
        if not self.own_prefix:
            if is_placeholder(agency_code):
                return UserError(NO_AGENCY_CODE, field="group.agency_code")
            return None
        if is_placeholder(self.own_prefix):
            return UserError(
                f"“{self.kind.label}”的文号前缀“{self.own_prefix}”带占位符“{PLACEHOLDER}”。"
                "请先在 设置 → 文号 中修改或清空该前缀。",
                field=settings.prefix_key(self.kind),
            )
        return None


def agency_code_in(session: Session) -> str:
    return str(settings.get_in(session, "group.agency_code") or "")


def _next_seq(session: Session, kind: NoticeKind, year: int) -> int:
    """The sequence the next notice of a kind issued in ``year`` gets: one past the stored last,
    and never below a number already present (e.g. from an import). The one home of this rule:
    everything else asks :func:`next_numbers`."""
    last = session.scalar(
        select(m.DocSequence.last_seq).where(m.DocSequence.kind == kind, m.DocSequence.year == year)
    )
    highest = session.scalar(
        select(func.max(m.AlertNotice.doc_seq)).where(
            m.AlertNotice.kind == kind, m.AlertNotice.doc_year == year
        )
    )
    return max(last or 0, highest or 0) + 1


def _format_in(session: Session, kind: NoticeKind) -> tuple[str, str]:
    """(template, own prefix) of a kind: its own settings, else the shared template and ""."""
    template = settings.get_in(session, settings.template_key(kind)) or settings.get_in(
        session, "doc_number.template"
    )
    return str(template), str(settings.get_in(session, settings.prefix_key(kind)) or "")


def next_number_in(session: Session, kind: NoticeKind, year: int) -> NextNumber:
    """The next 文号 of one kind (:func:`next_numbers_in` gives every kind's)."""
    template, own = _format_in(session, kind)
    return NextNumber(kind, template, own, year, _next_seq(session, kind, year))


def next_numbers_in(session: Session, year: int) -> list[NextNumber]:
    """The next 文号 of every kind in ``year``, in the order of :class:`NoticeKind`, inside a
    caller's transaction."""
    return [next_number_in(session, kind, year) for kind in NoticeKind]


def next_numbers(db: Database, year: int) -> list[NextNumber]:
    """The next 文号 of every kind in ``year``, for previews (numbering happens only in
    :func:`allocate_number`)."""
    with db.read() as uow:
        return next_numbers_in(uow.session, year)


def advance_sequence_in(session: Session, kind: NoticeKind, year: int, last_seq: int) -> None:
    """Note ``last_seq`` as the last sequence handed out for a kind and year; the counter never
    goes down. :func:`allocate_number` does this for every number it makes; a bulk writer that
    numbered its own notices from :func:`next_numbers_in` (the demo) calls it once per kind."""
    row = session.get(m.DocSequence, (kind, year))
    if row is None:
        row = m.DocSequence(kind=kind, year=year, last_seq=0)
        session.add(row)
    row.last_seq = max(row.last_seq or 0, last_seq)
    session.flush()


def allocate_number(session: Session, kind: NoticeKind, year: int) -> tuple[int, str]:
    """The next (sequence, 文号) for a kind and year: the only place a 文号 is made, so every way
    of issuing (one notice, the 节前提醒 to every unit, the command line) passes its checks.
    Refused while the prefix is still the placeholder (the number could never be taken back).
    Must run in a write (IMMEDIATE) transaction, which holds the file's write lock, so two PCs
    or two windows never get the same number."""
    planned = next_number_in(session, kind, year)
    agency_code = agency_code_in(session)
    refused = planned.refusal(agency_code)
    if refused is not None:
        raise refused
    number = planned.text(agency_code)
    clash = session.scalar(select(m.AlertNotice.id).where(m.AlertNotice.doc_number == number))
    if clash is not None:
        raise UserError(f"文号“{number}”已被使用，请检查文号模板设置。")
    advance_sequence_in(session, kind, year, planned.seq)
    return planned.seq, number


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
        data = {**RECTIFICATION.new_record_values(), **values}  # the spec's 整改中 unless given
        data["notice_id"] = notice_id
        rect_id = records.create_in(uow.session, RECTIFICATION, data)
        rect = uow.session.get(m.Rectification, rect_id)
        assert rect is not None
        if rect.status == RectificationStatus.DONE:
            notice.status = NoticeStatus.RECTIFIED
        elif notice.status == NoticeStatus.ISSUED:
            notice.status = NoticeStatus.FED_BACK
        _follow_problems(uow.session, notice_id)
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
        _follow_problems(uow.session, notice_id)
        uow.commit()


def _follow_problems(session: Session, notice_id: int) -> None:
    """The problems handed off by this notice take its new status (问题发现台账)."""
    from wsjc_desktop.services.problem_sync import sync_with_notice

    sync_with_notice(session, notice_id)


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


def default_deadline_in(session: Session, start: date) -> date:
    """The default 反馈期限 of a notice written on ``start``: ``notice.default_deadline_days``
    later, counted in working days when ``notice.deadline_working_days`` is set (法定节假日 and
    调休 observed), else in calendar days. The one home of this rule: a single notice's form and
    the bulk 节前提醒 both take it from here."""
    key = "notice.default_deadline_days"
    days = int(settings.get_in(session, key) or settings.DEFAULTS[key])
    if settings.get_in(session, "notice.deadline_working_days"):
        from wsjc_desktop.services import workcalendar

        return workcalendar.add_working_days(session, start, days)
    return start + timedelta(days=days)


def default_deadline(db: Database, start: date | None = None) -> date:
    """:func:`default_deadline_in` for a notice written on ``start`` (today)."""
    with db.read() as uow:
        return default_deadline_in(uow.session, start or date.today())


def rectified_late(notice: m.AlertNotice) -> bool:
    """逾期整改 (:func:`notice_rules.is_rectified_late`): 已整改, and rectified (its first feedback
    that said 已完成, else its last) after its 反馈期限. The year-end figure
    ``notices.rectified_late`` counts by the same rule in SQL."""
    feedback = [(r.feedback_date, r.status) for r in notice.rectifications if r.deleted_at is None]
    return notice_rules.is_rectified_late(notice.status, notice.deadline, feedback)
