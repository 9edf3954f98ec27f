"""The 问题发现台账's loop: 交办 (by a 廉情提醒, a 谈话提醒 or as a clue), the notice's 整改反馈,
验收销号, and each problem's path from found to closed.

Every write goes through :mod:`.records` (so the rules of ``rules._problem`` derive the status)
inside one unit of work, with a summary in the audit log. A problem handed off by a notice
follows that notice: :func:`.problem_sync.sync_with_notice` runs inside the notice service's transactions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import problem_rules
from wsjc_desktop.domain.enums import (
    AuditAction,
    ClueStage,
    NoticeKind,
    NoticeStatus,
    ProblemHandoff,
    ProblemSource,
    ProblemStatus,
    RectificationStatus,
)
from wsjc_desktop.domain.fields import ALERT_NOTICE, PROBLEM, spec_for
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import records, rules
from wsjc_desktop.services.display import format_cn_date
from wsjc_desktop.storage.database import Database

#: What a 廉情提醒 made from a problem asks of the unit, unless the user writes otherwise.
DEFAULT_REQUIREMENTS = (
    "请你单位高度重视，对照上述问题认真查摆原因，制定整改措施，明确责任人和整改时限，"
    "切实抓好整改落实，并于反馈期限前将整改情况书面反馈本组。"
)

#: The stages of a problem's path, in order.
FOUND, HANDED_OFF, FEEDBACK, CLUE_CLOSED, CLOSED = "发现", "交办", "整改反馈", "线索办结", "验收销号"


@dataclass(frozen=True)
class PathStep:
    """One step of a problem's way from 发现 to 验收销号 (``done`` False: not reached yet)."""

    on: date | None
    stage: str
    text: str
    table: str | None = None
    record_id: int | None = None
    done: bool = True


def _problem(session: Session, problem_id: int) -> m.Problem:
    return records.load_live(session, m.Problem, problem_id)


def _short(text: str | None, limit: int = 30) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _title(session: Session, table: str, record_id: int | None) -> str:
    """A record named the way the 台账 names it: its date and its title (empty: not found)."""
    if record_id is None:
        return ""
    spec = spec_for(table)
    obj = session.get(spec.model, record_id)
    if obj is None:
        return ""
    parts = []
    when = getattr(obj, spec.date_field, None) if spec.date_field else None
    if isinstance(when, date):
        parts.append(format_cn_date(when))
    title = _short(str(getattr(obj, spec.title_field, "") or ""))
    if title:
        parts.append(f"“{title}”")
    deleted = "（已删除）" if obj.deleted_at is not None else ""
    return " ".join(parts) + deleted


# --- 交办 ----------------------------------------------------------------------------------------


def hand_off_in(
    session: Session,
    problem_id: int,
    how: ProblemHandoff,
    target_id: int | None,
    *,
    handed_on: date | None = None,
    deadline: date | None = None,
) -> None:
    """:func:`hand_off` inside a caller's transaction."""
    problem = _problem(session, problem_id)
    if problem.closed_on is not None:
        raise UserError("该问题已验收销号，不能再交办。如需重新交办，请先撤销销号。")
    if target_id is None:
        raise UserError(f"请选择交办所用的{how.label}记录。", field=rules.PROBLEM_HANDOFF_FIELDS[how])
    values: dict[str, Any] = {"handoff": how, rules.PROBLEM_HANDOFF_FIELDS[how]: target_id}
    if handed_on is not None:
        values["handed_on"] = handed_on
    if deadline is not None:
        values["deadline"] = deadline
    elif how is ProblemHandoff.NOTICE and problem.notice_id != target_id:
        values["deadline"] = None  # a new notice: its 反馈期限 becomes the 整改期限 (rules._problem)
    records.update_in(session, PROBLEM, problem_id, values)


def hand_off(
    db: Database,
    problem_id: int,
    how: ProblemHandoff,
    target_id: int | None,
    *,
    handed_on: date | None = None,
    deadline: date | None = None,
) -> None:
    """Record the 交办 of a problem: by a 廉情提醒 (its id), a 谈话提醒 (a talk) or passed on as
    a 问题线索 (a clue). Its status follows (``rules._problem``)."""
    with db.uow() as uow:
        hand_off_in(uow.session, problem_id, how, target_id, handed_on=handed_on, deadline=deadline)
        target = _title(uow.session, _HANDOFF_TABLES[how], target_id)
        what = _short(_problem(uow.session, problem_id).description, 20)
        uow.add_audit(
            AuditAction.UPDATE,
            f"交办问题（{how.label}）：{what} → {target}",
            table_name="problems",
            record_id=problem_id,
        )
        uow.commit()


#: The table of the record each 交办方式 names (the spec's link field for it).
_HANDOFF_TABLES: dict[ProblemHandoff, str] = {
    how: str(PROBLEM.field(name).ref) for how, name in rules.PROBLEM_HANDOFF_FIELDS.items()
}


def notice_title(description: str, kind: NoticeKind = NoticeKind.COPY_NOTICE) -> str:
    """“关于……问题的廉情抄告单”: the problem's first words in the title of its notice."""
    subject = _short(description.strip().rstrip("。；;，,").removesuffix("问题"), 24)
    return f"关于{subject}问题的{kind.label}"


def notice_for(
    db: Database,
    problem_id: int,
    *,
    kind: NoticeKind = NoticeKind.COPY_NOTICE,
    deadline: date | None = None,
    today: date | None = None,
) -> int:
    """Make a DRAFT 廉情提醒 from a problem (its unit, cadre and description) and hand the problem
    off to it, in one transaction. Returns the notice's id; it is numbered when it is issued."""
    from wsjc_desktop.services import notices

    with db.uow() as uow:
        session = uow.session
        problem = _problem(session, problem_id)
        if problem.closed_on is not None:
            raise UserError("该问题已验收销号，不能再交办。如需重新交办，请先撤销销号。")
        when = today or date.today()
        notice_id = records.create_in(
            session,
            ALERT_NOTICE,
            {
                "kind": kind,
                "unit_id": problem.unit_id,
                "cadre_id": problem.cadre_id,
                "title": notice_title(problem.description, kind),
                "problems": problem.description,
                "requirements": DEFAULT_REQUIREMENTS,
                "deadline": deadline or notices.default_deadline_in(session, when),
            },
        )
        handed_on = max(when, problem.found_on)
        hand_off_in(session, problem_id, ProblemHandoff.NOTICE, notice_id, handed_on=handed_on)
        uow.add_audit(
            AuditAction.CREATE,
            f"由问题生成{kind.label}草稿并交办：{_short(problem.description, 20)}",
            table_name="problems",
            record_id=problem_id,
        )
        uow.commit()
    return notice_id


# --- 验收销号 ------------------------------------------------------------------------------------


def _set(session: Session, problem: m.Problem, values: dict[str, Any]) -> None:
    """Write the program-set 验收 fields through the problem's rules (status derived)."""
    rules.check(session, PROBLEM.table, values, problem)
    for name, value in values.items():
        setattr(problem, name, value)
    session.flush()


def close(db: Database, problem_id: int, *, closed_on: date, member_id: int | None, note: str) -> None:
    """验收销号: the group verified the rectification and closes the problem."""
    with db.uow() as uow:
        session = uow.session
        problem = _problem(session, problem_id)
        if problem.closed_on is not None:
            raise UserError(f"该问题已于{format_cn_date(problem.closed_on)}验收销号。")
        if problem.handoff is None:
            raise UserError("该问题尚未交办，不能验收销号。请先交办（廉情提醒、谈话提醒或移送问题线索）。")
        if problem.handoff is ProblemHandoff.NOTICE:
            notice = session.get(m.AlertNotice, problem.notice_id or -1)
            fed_back = notice is not None and any(r.deleted_at is None for r in notice.rectifications)
            if not fed_back:
                raise UserError("交办的廉情提醒尚未收到整改反馈，不能验收销号。请先登记整改反馈。")
        if member_id is not None and session.get(m.Member, member_id) is None:
            raise UserError("验收人不存在。")
        _set(
            session,
            problem,
            {"closed_on": closed_on, "closed_by_id": member_id, "closing_note": note.strip() or None},
        )
        uow.add_audit(
            AuditAction.UPDATE,
            f"验收销号：{_short(problem.description, 20)}",
            table_name="problems",
            record_id=problem_id,
        )
        uow.commit()


def reopen(db: Database, problem_id: int) -> None:
    """撤销销号: the problem is open again, its status as its 交办 and feedback say."""
    with db.uow() as uow:
        session = uow.session
        problem = _problem(session, problem_id)
        if problem.closed_on is None:
            raise UserError("该问题尚未验收销号。")
        _set(session, problem, {"closed_on": None, "closed_by_id": None, "closing_note": None})
        uow.add_audit(
            AuditAction.UPDATE,
            f"撤销销号：{_short(problem.description, 20)}",
            table_name="problems",
            record_id=problem_id,
        )
        uow.commit()


# --- the path ------------------------------------------------------------------------------------

#: The table of the record each 发现来源 names (the spec's link field for it).
_SOURCE_TABLES: dict[ProblemSource, str] = {
    source: str(PROBLEM.field(name).ref) for source, name in rules.PROBLEM_SOURCE_FIELDS.items()
}


def _found_step(session: Session, problem: m.Problem) -> PathStep:
    source = ProblemSource.parse(problem.source)
    table = _SOURCE_TABLES.get(source)
    record_id = getattr(problem, rules.PROBLEM_SOURCE_FIELDS[source]) if table else None
    named = _title(session, table, record_id) if table else ""
    text = f"{source.label}发现" + (f"：{named}" if named else "")
    return PathStep(problem.found_on, FOUND, text, table if record_id else None, record_id)


def _handoff_steps(session: Session, problem: m.Problem) -> list[PathStep]:
    how = ProblemHandoff.parse(problem.handoff) if problem.handoff else None
    if how is None:
        return [PathStep(None, HANDED_OFF, "待交办", done=False)]
    if how is ProblemHandoff.NOTICE:
        notice = session.get(m.AlertNotice, problem.notice_id or -1)
        if notice is None:
            return [PathStep(problem.handed_on, HANDED_OFF, "以廉情提醒交办（提醒已不存在）")]
        kind = NoticeKind.parse(notice.kind).label
        number = notice.doc_number if notice.status != NoticeStatus.DRAFT else ""
        text = f"以{kind}{(' ' + number) if number else ''}“{_short(notice.title)}”交办"
        if notice.status == NoticeStatus.DRAFT:
            text += "（草稿，尚未发出）"
        elif notice.issued_on is not None:
            text += f"，{format_cn_date(notice.issued_on)}发出"
        if notice.deleted_at is not None:
            text += "（已删除）"
        steps = [PathStep(problem.handed_on, HANDED_OFF, text, "alert_notices", notice.id)]
        feedback = sorted(
            (r for r in notice.rectifications if r.deleted_at is None), key=lambda r: (r.feedback_date, r.id)
        )
        for rect in feedback:
            status = RectificationStatus.parse(rect.status).label
            steps.append(
                PathStep(
                    rect.feedback_date,
                    FEEDBACK,
                    f"{_short(rect.measures, 40)}（{status}）",
                    "rectifications",
                    rect.id,
                )
            )
        if not feedback:
            wait = "待整改反馈"
            if notice.deadline is not None:
                wait += f"（反馈期限{format_cn_date(notice.deadline)}）"
            steps.append(PathStep(None, FEEDBACK, wait, done=False))
        return steps
    if how is ProblemHandoff.TALK:
        named = _title(session, "talks", problem.handoff_talk_id)
        return [
            PathStep(
                problem.handed_on, HANDED_OFF, f"以谈话提醒交办：{named}", "talks", problem.handoff_talk_id
            )
        ]
    clue = session.get(m.Clue, problem.handoff_clue_id or -1)
    named = _title(session, "clues", problem.handoff_clue_id)
    steps = [
        PathStep(
            problem.handed_on, HANDED_OFF, f"作为问题线索移送：{named}", "clues", problem.handoff_clue_id
        )
    ]
    if clue is not None and ClueStage.parse(clue.stage) is ClueStage.CLOSED:
        form = f"，{clue.form.label}" if clue.form is not None else ""
        steps.append(PathStep(clue.closed_on, CLUE_CLOSED, f"线索办结{form}", "clues", clue.id))
    elif clue is not None:
        stage = ClueStage.parse(clue.stage).label
        steps.append(PathStep(None, CLUE_CLOSED, f"待线索办结（当前阶段：{stage}）", done=False))
    return steps


def path(db: Database, problem_id: int, today: date) -> list[PathStep]:
    """A problem's way from 发现 through 交办 and 整改 to 验收销号; steps not reached yet come
    last, not done. An overdue problem's first pending step says 已逾期N天."""
    with db.read() as uow:
        session = uow.session
        problem = _problem(session, problem_id)
        steps = [_found_step(session, problem), *_handoff_steps(session, problem)]
        if problem.closed_on is not None:
            who = session.get(m.Member, problem.closed_by_id or -1)
            text = f"{who.name}验收销号" if who is not None else "验收销号"
            if problem.closing_note:
                text += f"：{problem.closing_note}"
            steps.append(PathStep(problem.closed_on, CLOSED, text, "problems", problem.id))
        else:
            steps.append(PathStep(None, CLOSED, "待验收销号", done=False))
        if problem_rules.is_overdue(problem.status, problem.deadline, today):
            assert problem.deadline is not None
            late = (today - problem.deadline).days
            first = next(i for i, s in enumerate(steps) if not s.done)
            step = steps[first]
            until = format_cn_date(problem.deadline)
            note = f"已逾期{late}天" + ("" if until in step.text else f"（整改期限{until}）")
            steps[first] = PathStep(
                step.on, step.stage, f"{step.text} · {note}", step.table, step.record_id, False
            )
        return steps


# --- figures for a tab's summary -----------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    found: int
    closed: int
    overdue: int


def summary(db: Database, today: date, *, year: int | None = None, unit_id: int | None = None) -> Summary:
    """How many problems were found (in ``year``, of ``unit_id``), how many of them are closed
    and how many are overdue on ``today``."""
    flt = records.RecordFilter(year=year, unit_id=unit_id, today=today)
    found = records.count(db, "problems", flt)
    closed = records.count(db, "problems", replace(flt, status=ProblemStatus.CLOSED.value))
    overdue = records.count(db, "problems", replace(flt, status=ProblemStatus.OVERDUE.value))
    return Summary(found, closed, overdue)


def found_by(db: Database, inspection_id: int) -> frozenset[int]:
    """The live problems found by one inspection."""
    with db.read() as uow:
        return frozenset(
            uow.session.scalars(
                select(m.Problem.id).where(
                    m.Problem.inspection_id == inspection_id, m.Problem.deleted_at.is_(None)
                )
            )
        )
