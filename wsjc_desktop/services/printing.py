"""Printing: the plain values of a record, gathered in one read, laid out as a PDF slip.

Each ``print_*`` function reads what its slip shows in one unit of work, hands the values to
:mod:`wsjc_desktop.printing.slips` and writes the PDF into a temporary file beside ``out``,
moved into place only once it is complete: an unprintable character (reported before anything
is written), a full disk or a file held open by a PDF reader never leaves half a file behind.
Every print is noted in the audit log.

:func:`holiday_reminders` is the one print that also writes: it creates and issues the
节前廉政提醒 of every supervised unit and prints them all, in one transaction.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import notice_rules
from wsjc_desktop.domain.enums import AuditAction, LabeledEnum, NoticeKind, NoticeStatus
from wsjc_desktop.domain.fields import (
    ALERT_NOTICE,
    CADRE,
    DOSSIER_SECTIONS,
    MEETING,
    MEETING_OPINION,
    TALK,
    Field,
    FieldKind,
    RecordSpec,
)
from wsjc_desktop.domain.notice_rules import HOLIDAYS as HOLIDAYS
from wsjc_desktop.errors import NotFoundError, UserError
from wsjc_desktop.fileio import atomic_write
from wsjc_desktop.printing.values import (
    DossierSection,
    DossierValues,
    MeetingOpinionLine,
    MeetingValues,
    NoticeValues,
    OpinionPerson,
    OpinionReplyValues,
    TalkPerson,
    TalkValues,
)
from wsjc_desktop.services import dossier as dossier_service
from wsjc_desktop.services import notices, records, settings
from wsjc_desktop.storage.database import Database

log = logging.getLogger(__name__)

__all__ = [
    "HOLIDAYS",
    "Progress",
    "dossier_values",
    "holiday_reminders",
    "holiday_requirements",
    "holiday_title",
    "is_word",
    "meeting_values",
    "notice_values",
    "opinion_values",
    "print_file",
    "print_meeting",
    "print_notice",
    "print_opinion",
    "print_talk",
    "resolve_notice",
    "talk_values",
]

Progress = Callable[[int, int], None]
OutPath = Path | str

#: Notice kinds whose slip carries a tear-off 回执 for the unit to sign and return.
RECEIPT_KINDS = frozenset({NoticeKind.COPY_NOTICE, NoticeKind.REMINDER_LETTER, NoticeKind.PROMPT_LETTER})

# --- shared helpers ---------------------------------------------------------------------


def _group_name(session: Session) -> str:
    return str(settings.get_in(session, "group.name") or settings.DEFAULTS["group.name"])


def _font_overrides(session: Session) -> dict[str, str]:
    """Font files named in settings (``print.font.<role>``), by role."""
    out: dict[str, str] = {}
    for role in settings.FONT_ROLES:
        value = settings.get_in(session, settings.font_key(role))
        if value:
            out[role] = str(value)
    return out


def _fonts(overrides: Mapping[str, str]) -> Any:
    """The FontSet to print with; None lets the slips use their default fonts."""
    if not overrides:
        return None
    from wsjc_desktop.printing.fonts import FontSet

    return FontSet.load(overrides)


def _first_line(text: str | None, limit: int = 30) -> str:
    line = (text or "").strip().split("\n", 1)[0].strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _cn_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def is_word(out: OutPath) -> bool:
    """Whether ``out`` names a Word file (.docx); anything else is printed as a PDF."""
    return Path(out).suffix.lower() == ".docx"


def _file_kind(out: OutPath) -> str:
    return "Word 文件" if is_word(out) else "PDF"


@contextmanager
def _atomic_file(out: OutPath) -> Iterator[BinaryIO]:
    """The file to write the PDF (or .docx) for ``out`` into (``fileio.atomic_write``): it
    replaces ``out`` only if the block finishes, and is removed whatever happens."""
    target = Path(out).expanduser()
    if not target.parent.is_dir():
        raise UserError(f"文件夹不存在：{target.parent}")
    if target.is_dir():
        raise UserError(f"“{target}”是一个文件夹，请给出{_file_kind(target)}的文件名。")
    with atomic_write(target, holder="WPS 或 Word" if is_word(target) else "PDF 阅读器") as handle:
        yield handle


def _render(
    out: OutPath,
    renderer: str,
    values: Any,
    overrides: Mapping[str, str],
    *,
    before_done: Callable[[], None] | None = None,
    **more: Any,
) -> None:
    """Write ``values`` to ``out`` with the renderer of that name: the Word engine
    (:mod:`wsjc_desktop.printing.docx`) for a .docx, else the PDF slips. Atomic either way;
    ``before_done`` runs once the file is complete, before it replaces ``out`` (if it fails,
    nothing is written)."""
    with _atomic_file(out) as temp:
        if is_word(out):
            from wsjc_desktop.printing import docx

            getattr(docx, renderer)(values, temp, **more)
        else:
            from wsjc_desktop.printing import slips

            getattr(slips, renderer)(values, temp, fonts=_fonts(overrides), **more)
        if before_done is not None:
            before_done()


def _printed(out: OutPath) -> str:
    """How the audit log names a print: 打印, or 导出Word for a .docx."""
    return "导出Word" if is_word(out) else "打印"


def _note_print(db: Database, summary: str, table: str, record_id: int | None) -> None:
    """An audit entry for a print. A file opened read-only, or one busy with another writer,
    still prints: the note is then only logged."""
    if db.readonly:
        log.info("printed (not audited, read-only database): %s", summary)
        return
    try:
        with db.uow() as uow:
            uow.add_audit(AuditAction.PRINT, summary, table_name=table, record_id=record_id)
            uow.commit()
    except UserError as exc:
        log.warning("print not audited (%s): %s", exc.message, summary)


# --- 廉情提醒 -------------------------------------------------------------------------------


def resolve_notice(db: Database, ref: int | str) -> int:
    """A notice's id from its id (``12``, ``"12"``) or its 文号 (``驻X纪抄〔2026〕3号``)."""
    if isinstance(ref, int):
        return ref
    text = ref.strip()
    if text.isdigit():
        return int(text)
    found = notices.find_by_number(db, text)
    if found is None:
        raise NotFoundError(f"没有找到文号为“{text}”的廉情提醒。")
    return found


def notice_values(session: Session, notice: m.AlertNotice, group_name: str) -> NoticeValues:
    kind = NoticeKind.parse(notice.kind)
    cadre = session.get(m.Cadre, notice.cadre_id) if notice.cadre_id is not None else None
    signatory = notice.signatory or str(settings.get_in(session, "notice.signatory") or "") or None
    return NoticeValues(
        kind=kind.value,
        kind_label=kind.label,
        group_name=group_name,
        doc_number=notice.doc_number,
        unit_name=notice.unit.full_name,
        title=notice.title,
        problems=notice.problems or "",
        requirements=notice.requirements or "",
        deadline=notice.deadline,
        issued_on=notice.issued_on,
        signatory=signatory,
        cadre_name=cadre.name if cadre is not None else None,
        holiday=notice.holiday,
        with_receipt=kind in RECEIPT_KINDS,
        **letter_options(session),
    )


def letter_options(session: Session) -> dict[str, Any]:
    """What the settings say of every letter's foot: the 抄送 in its 版记 and the sealed or
    unsealed 落款 (``print.copy_to``, ``print.sealed``)."""
    sealed = settings.get_in(session, "print.sealed")
    return {
        "copy_to": str(settings.get_in(session, "print.copy_to") or "").strip(),
        "sealed": True if sealed is None else bool(sealed),
    }


def _load_notice(session: Session, notice_id: int) -> m.AlertNotice:
    return records.load_live(session, m.AlertNotice, notice_id)


def _with_options(values: Any, copy_to: str | None, sealed: bool | None) -> Any:
    """``values`` with the 抄送 and 落款 given for this print, where given (else the settings')."""
    changes: dict[str, Any] = {}
    if copy_to is not None:
        changes["copy_to"] = copy_to.strip()
    if sealed is not None:
        changes["sealed"] = sealed
    return dataclasses.replace(values, **changes) if changes else values


def print_notice(
    db: Database, notice: int | str, out: OutPath, *, copy_to: str | None = None, sealed: bool | None = None
) -> None:
    """廉情抄告单 / 提醒函 / 提示函 / 纪检监察建议书 / 节前廉政提醒, by id or 文号. ``copy_to`` and
    ``sealed``: this print's 抄送 and 落款, over the settings'."""
    notice_id = resolve_notice(db, notice)
    with db.read() as uow:
        row = _load_notice(uow.session, notice_id)
        values = _with_options(notice_values(uow.session, row, _group_name(uow.session)), copy_to, sealed)
        overrides = _font_overrides(uow.session)
    _render(out, "render_notice", values, overrides)
    what = values.doc_number or f"{values.title}（草稿）"
    _note_print(db, f"{_printed(out)}{values.kind_label} {what}", "alert_notices", notice_id)


# --- 谈话记录 --------------------------------------------------------------------------------


def _by_field_name(values_type: type[Any], spec: RecordSpec, record: m.Record) -> dict[str, Any]:
    """The record's slip fields as ``values_type`` takes them: each under the field's own name
    when the type has that attribute, else (if the type has ``others``) in ``others``, which
    the form prints on rows of their own; a field marked for the slip is so printed without
    another line of code. As a slip holds them: a date or a time as it is, a number (0 when
    blank), a text or an enum's label ("" when blank). The people and units a REF or REFS field
    names are not filled here: a slip shows their particulars, read through the relationships."""
    held = {f.name for f in dataclasses.fields(values_type)}
    out: dict[str, Any] = {}
    others: dict[str, object] = {}
    for fld in spec.slip_fields:
        if fld.kind in (FieldKind.REF, FieldKind.REFS):
            continue
        value = getattr(record, fld.name)
        if fld.kind in (FieldKind.DATE, FieldKind.MONTH, FieldKind.TIME):
            shown: object = value
        elif fld.kind in (FieldKind.INT, FieldKind.YEAR):
            shown = value or 0
        elif isinstance(value, LabeledEnum):
            shown = value.label
        else:
            shown = value or ""
        if fld.name in held:
            out[fld.name] = shown
        else:
            others[fld.name] = shown
    if others and "others" in held:
        out["others"] = others
    return out


def talk_values(session: Session, talk: m.Talk, group_name: str) -> TalkValues:
    persons = tuple(
        TalkPerson(name=c.name, unit=c.unit.full_name, position=c.position or "")
        for c in sorted(talk.cadres, key=lambda c: c.id)
    )
    return TalkValues(
        group_name=group_name,
        kind_label=talk.kind.label,
        talker=talk.talker.name if talk.talker is not None else "",
        recorder=talk.recorder.name if talk.recorder is not None else "",
        persons=persons,
        **_by_field_name(TalkValues, TALK, talk),  # 日期, 时间, 地点, 事由, 谈话内容 …
    )


def print_talk(db: Database, talk_id: int, out: OutPath) -> None:
    """谈话记录: a ruled form."""
    with db.read() as uow:
        talk = records.load_live(uow.session, m.Talk, talk_id)
        values = talk_values(uow.session, talk, _group_name(uow.session))
        overrides = _font_overrides(uow.session)
    _render(out, "render_talk", values, overrides)
    names = "、".join(p.name for p in values.persons)
    _note_print(db, f"{_printed(out)}谈话记录 {_cn_date(values.held_on)} {names}", "talks", talk_id)


# --- 列席会议记录 ----------------------------------------------------------------------------


def meeting_values(session: Session, meeting: m.Meeting, group_name: str) -> MeetingValues:
    attendees = sorted(meeting.attendees, key=lambda member: (member.sort_order, member.id))
    lines = []
    for opinion in sorted(meeting.opinions, key=lambda o: o.id):
        if opinion.deleted_at is not None:
            continue
        cadre = session.get(m.Cadre, opinion.cadre_id) if opinion.cadre_id is not None else None
        lines.append(
            MeetingOpinionLine(
                cadre=cadre.name if cadre is not None else "",
                note=opinion.follow_up_note or "",
                **_by_field_name(MeetingOpinionLine, MEETING_OPINION, opinion),  # 内容, 落实情况
            )
        )
    return MeetingValues(
        group_name=group_name,
        unit_name=meeting.unit.full_name,
        type_label=meeting.meeting_type.label,
        attendees=tuple(member.name for member in attendees),
        opinions=tuple(lines),
        **_by_field_name(MeetingValues, MEETING, meeting),  # 日期, 名称, 议题, 地点, 跟踪落实 …
    )


def print_meeting(db: Database, meeting_id: int, out: OutPath) -> None:
    """列席会议记录, with the opinions raised and how they were followed up."""
    with db.read() as uow:
        meeting = records.load_live(uow.session, m.Meeting, meeting_id)
        values = meeting_values(uow.session, meeting, _group_name(uow.session))
        overrides = _font_overrides(uow.session)
    _render(out, "render_meeting", values, overrides)
    summary = f"{_printed(out)}列席会议记录 {values.unit_name} {_cn_date(values.held_on)} {values.type_label}"
    _note_print(db, summary, "meetings", meeting_id)


# --- 党风廉政意见回复 ------------------------------------------------------------------------


def _letter_rows(session: Session, opinion: m.IntegrityOpinion) -> list[m.IntegrityOpinion]:
    """The rows answered in one letter with ``opinion``: same 来函单位, 来函日期 and 回复文号.
    A row with neither a date nor a number cannot be matched to others and stands alone."""
    if opinion.request_date is None and not opinion.doc_number:
        return [opinion]
    query = (
        select(m.IntegrityOpinion)
        .join(m.Cadre, m.Cadre.id == m.IntegrityOpinion.cadre_id)
        .where(
            m.IntegrityOpinion.deleted_at.is_(None),
            m.Cadre.deleted_at.is_(None),
            m.IntegrityOpinion.requesting_unit == opinion.requesting_unit,
        )
        .order_by(m.IntegrityOpinion.id)
    )
    query = query.where(
        m.IntegrityOpinion.request_date.is_(None)
        if opinion.request_date is None
        else m.IntegrityOpinion.request_date == opinion.request_date
    )
    query = query.where(
        m.IntegrityOpinion.doc_number.is_(None) | (m.IntegrityOpinion.doc_number == "")
        if not opinion.doc_number
        else m.IntegrityOpinion.doc_number == opinion.doc_number
    )
    rows = list(session.scalars(query))
    return rows if opinion in rows else [opinion, *rows]


def opinion_values(session: Session, opinion: m.IntegrityOpinion, group_name: str) -> OpinionReplyValues:
    rows = _letter_rows(session, opinion)
    persons = []
    for row in rows:
        cadre = session.get(m.Cadre, row.cadre_id)
        assert cadre is not None
        persons.append(
            OpinionPerson(
                name=cadre.name,
                unit=cadre.unit.full_name,
                position=cadre.position or "",
                conclusion=row.conclusion.label if row.conclusion is not None else "",
            )
        )
    reasons = list(dict.fromkeys(row.reason.label for row in rows))
    replies = [row.reply_date for row in rows if row.reply_date is not None]
    return OpinionReplyValues(
        group_name=group_name,
        requesting_unit=opinion.requesting_unit,
        reason_label="、".join(reasons),
        persons=tuple(persons),
        doc_number=opinion.doc_number or None,
        request_date=opinion.request_date,
        reply_date=opinion.reply_date or (max(replies) if replies else None),
        **letter_options(session),
    )


def print_opinion(
    db: Database, opinion_id: int, out: OutPath, *, copy_to: str | None = None, sealed: bool | None = None
) -> None:
    """党风廉政意见回复: one letter answering the request that names this person (and everyone
    else the same request named)."""
    with db.read() as uow:
        opinion = records.load_live(uow.session, m.IntegrityOpinion, opinion_id)
        values = _with_options(
            opinion_values(uow.session, opinion, _group_name(uow.session)), copy_to, sealed
        )
        overrides = _font_overrides(uow.session)
    _render(out, "render_opinion_reply", values, overrides)
    names = "、".join(p.name for p in values.persons)
    summary = f"{_printed(out)}党风廉政意见回复 {values.requesting_unit} {names}"
    _note_print(db, summary, "integrity_opinions", opinion_id)


# --- 廉政档案 --------------------------------------------------------------------------------


def field_text(fld: Field, value: Any, names: Mapping[tuple[str, int], str]) -> str:
    """The full text a printed form shows for a stored value (long text is not shortened)."""
    if value is None or value == "":
        return ""
    if isinstance(value, LabeledEnum):
        return value.label
    kind = fld.kind
    if kind is FieldKind.ENUM and fld.enum is not None:
        try:
            return fld.enum.parse(value).label
        except ValueError:
            return str(value)
    if kind is FieldKind.BOOL:
        return "是" if value else "否"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):  # as a document writes it: 1981年12月, 2026年3月5日
        month = f"{value.year}年{value.month}月"
        return month if kind is FieldKind.MONTH else f"{month}{value.day}日"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if kind is FieldKind.REF and fld.ref:
        return names.get((fld.ref, int(value)), "")
    if kind is FieldKind.REFS and fld.ref:
        return "、".join(names.get((fld.ref, int(v)), "") for v in value)
    return str(value).strip()


#: Fields of the dossier's sections a printed dossier leaves out: an attachment's 类型 (a MIME
#: type) and 大小(字节) are program details. The spec has no mark for them (its list shows them).
#: The clue register's bookkeeping (阶段, 主办人, 督办, 形态) is not part of it either: 处置结果 tells.
_NOT_ON_FILE = frozenset(
    {"mime_type", "size", "stage", "stage_since", "handler_id", "supervised", "closed_on", "form"}
)


def _section_fields(spec: RecordSpec) -> tuple[Field, ...]:
    """A section's columns on the printed dossier: its fields but the cadre (the dossier's own)."""
    return tuple(f for f in spec.fields if f.name != spec.cadre_field and f.name not in _NOT_ON_FILE)


def dossier_values(
    file: dossier_service.Dossier, group_name: str, names: Mapping[tuple[str, int], str], printed_on: date
) -> DossierValues:
    cadre = file.cadre
    # 档案更新 is not a line of its own: it is one of the dates behind 最近更新 (``last_updated``),
    # which printed beside it told another date
    basics = tuple(
        (fld.label, field_text(fld, cadre.get(fld.name), names))
        for fld in CADRE.fields
        if fld.name != "file_updated_on"
    )
    sections = []
    for spec in DOSSIER_SECTIONS:
        fields = _section_fields(spec)
        rows = tuple(
            tuple(field_text(fld, row.get(fld.name), names) for fld in fields)
            for row in file.sections.get(spec.table, [])
        )
        sections.append(DossierSection(spec.label, tuple(f.label for f in fields), rows))
    timeline = tuple(
        (f"{item.on.year}年{item.on.month}月{item.on.day}日", item.kind, item.title) for item in file.timeline
    )
    return DossierValues(
        group_name=group_name,
        name=file.name,
        unit_name=names.get(("units", int(cadre["unit_id"])), file.unit_name),
        basics=basics,
        sections=tuple(sections),
        timeline=timeline,
        last_updated=file.last_updated,
        printed_on=printed_on,
    )


def print_file(db: Database, cadre_id: int, out: OutPath, *, today: date | None = None) -> None:
    """A cadre's 廉政档案: the basics, every section and the timeline."""
    today = today or date.today()
    file = dossier_service.dossier(db, cadre_id, today=today)
    unit_ids = {int(file.cadre["unit_id"])}
    unit_ids |= {int(r["unit_id"]) for rows in file.sections.values() for r in rows if r.get("unit_id")}
    with db.read() as uow:
        s = uow.session
        names: dict[tuple[str, int], str] = {
            ("units", i): full
            for i, full in s.execute(select(m.Unit.id, m.Unit.full_name).where(m.Unit.id.in_(unit_ids)))
        }
        names[("cadres", file.cadre_id)] = file.name
        group_name = _group_name(s)
        overrides = _font_overrides(s)
    values = dossier_values(file, group_name, names, today)
    _render(out, "render_dossier", values, overrides)
    _note_print(db, f"{_printed(out)}廉政档案 {values.name}（{values.unit_name}）", "cadres", cadre_id)


# --- 节前廉政提醒 ----------------------------------------------------------------------------


def holiday_title(holiday: str, year: int) -> str:
    from wsjc_desktop.printing.wording import HOLIDAY_WORDING

    return HOLIDAY_WORDING.title.format(holiday=holiday, year=year)


def holiday_requirements(holiday: str, year: int) -> str:
    """The standard requirements, kept on each new reminder: it reprints as it was sent even
    after the wording is edited, and can be adapted per unit before it goes out."""
    from wsjc_desktop.printing.wording import HOLIDAY_WORDING

    return "\n".join(item.format(holiday=holiday, year=year) for item in HOLIDAY_WORDING.items)


@dataclass
class _Plan:
    unit: m.Unit
    notice: m.AlertNotice | None  # the unit's reminder for this holiday, if written already


def _plan(session: Session, holiday: str, year: int) -> list[_Plan]:
    units = list(
        session.scalars(
            select(m.Unit)
            .where(m.Unit.deleted_at.is_(None), m.Unit.in_scope.is_(True))
            .order_by(m.Unit.sort_order, m.Unit.id)
        )
    )
    if not units:
        raise UserError("没有在监督范围内的单位，无法发出节前廉政提醒。")
    # the reminders of this round, by the rule the 工作台's progress counts them by
    condition, params = notice_rules.holiday_round_sql(holiday, year, m.AlertNotice.__tablename__)
    found = session.scalars(
        select(m.AlertNotice)
        .where(text(condition).bindparams(**params), m.AlertNotice.unit_id.in_([u.id for u in units]))
        .order_by(m.AlertNotice.id)
    )
    by_unit: dict[int, m.AlertNotice] = {}
    for notice in found:
        # an issued reminder wins over a draft; among equals the latest
        known = by_unit.get(notice.unit_id)
        if known is None or known.status == NoticeStatus.DRAFT or notice.status != NoticeStatus.DRAFT:
            by_unit[notice.unit_id] = notice
    return [_Plan(unit, by_unit.get(unit.id)) for unit in units]


def holiday_reminders(
    db: Database,
    *,
    holiday: str,
    year: int,
    out: OutPath,
    issued_on: date | None = None,
    progress: Progress | None = None,
) -> list[int]:
    """节前廉政提醒 to every supervised unit at once, printed as one PDF.

    Every unit in scope that has no reminder for this holiday and year (under any name of the
    same round, :func:`notice_rules.reminder_names`: a 劳动节 one counts for 五一) gets one, with
    the default 反馈期限 of a single notice (:func:`notices.default_deadline_in`); drafts already
    written are issued, each with its own 文号; the PDF holds the reminder of every
    unit (so running it again prints the same set and creates nothing). All of it is one
    transaction, committed only once the PDF is complete. Returns the ids issued by this run.
    """
    name = " ".join(holiday.split())
    if not name:
        raise UserError("请填写节日名称。", field="holiday")
    if len(name) > 20:
        raise UserError("节日名称不能超过20个字。", field="holiday")
    if not 2000 <= year <= 2100:
        raise UserError(f"年度“{year}”不是有效年份。", field="year")
    when = issued_on or date.today()
    with db.uow() as uow:
        s = uow.session
        group_name = _group_name(s)
        overrides = _font_overrides(s)
        deadline = notices.default_deadline_in(s, when)
        issued: list[int] = []
        printed: list[m.AlertNotice] = []
        for plan in _plan(s, name, year):
            notice = plan.notice
            if notice is None:
                notice_id = records.create_in(
                    s,
                    ALERT_NOTICE,
                    {
                        "kind": NoticeKind.HOLIDAY_REMINDER,
                        "unit_id": plan.unit.id,
                        "title": holiday_title(name, year),
                        "requirements": holiday_requirements(name, year),
                        "deadline": deadline,
                        "holiday": name,
                    },
                )
                notice = _load_notice(s, notice_id)
            if notice.status == NoticeStatus.DRAFT:
                if notice.deadline is not None and notice.deadline < when:
                    notice.deadline = deadline  # a draft written long ago: its deadline has passed
                number = notices.issue_in(s, notice.id, issued_on=when)
                uow.add_audit(
                    AuditAction.ISSUE, f"发出 {number}", table_name="alert_notices", record_id=notice.id
                )
                issued.append(notice.id)
            printed.append(notice)
        values: Sequence[NoticeValues] = [notice_values(s, notice, group_name) for notice in printed]
        count = len(values)

        def commit() -> None:
            uow.add_audit(
                AuditAction.PRINT,
                f"{_printed(out)}{year}年{name}节前廉政提醒 {count} 份（新发出 {len(issued)} 份）",
                table_name="alert_notices",
            )
            uow.commit()

        _render(out, "render_notices", values, overrides, progress=progress, before_done=commit)
    return issued
