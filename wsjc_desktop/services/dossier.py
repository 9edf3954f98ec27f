"""廉政档案: one cadre's integrity dossier, gathered from everything that names the cadre.

The dossier is the cadre's basics, the rows of every section (family, yearly reports,
opinions, sanctions, clues, risk points, attachments) and a timeline of every talk,
meeting opinion and notice about the cadre, every problem that names the cadre (涉及干部:
found, handed on, 销号) and every stage of the clues about the cadre (登记, each stage entered
as the audit log recorded it and the stage it is in now, 办结). A file counts as updated in a year when it was
marked so (``Cadre.file_updated_on``) or when the cadre or a section row changed that year.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import CompoundSelect, Select, and_, case, func, or_, select, union
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import AuditAction, ClueStage, FourForms
from wsjc_desktop.domain.fields import DOSSIER_SECTIONS
from wsjc_desktop.services import records
from wsjc_desktop.services.records import RecordFilter, Row
from wsjc_desktop.storage.database import Database

__all__ = [
    "OPINION_KIND",
    "CadreState",
    "Dossier",
    "TimelineItem",
    "TreeCadre",
    "UnitSummary",
    "cadre_states",
    "dossier",
    "full_id_number",
    "mark_file_updated",
    "matching_cadres",
    "unit_cadres",
    "unit_summaries",
]

#: The kind label of a meeting opinion on the timeline.
OPINION_KIND = "列席会议意见"
#: The kind labels of a clue's stages and of a problem's steps on the timeline.
CLUE_KIND = "问题线索"
PROBLEM_KIND = "发现问题"


@dataclass(frozen=True)
class TimelineItem:
    """One dated event about the cadre; ``table``/``record_id`` name the record to open for it
    (a meeting opinion opens its meeting, where the opinion is kept)."""

    on: date
    kind: str  # 廉政谈话, 列席会议意见, 廉情抄告单 …
    title: str
    table: str
    record_id: int


@dataclass(frozen=True)
class Dossier:
    cadre: Row
    unit_name: str
    sections: dict[str, list[Row]]  # by table name, in DOSSIER_SECTIONS order
    timeline: list[TimelineItem]  # newest first
    last_updated: date | None
    stale: bool  # not updated in the year of ``today``

    @property
    def cadre_id(self) -> int:
        return int(self.cadre["id"])

    @property
    def name(self) -> str:
        return str(self.cadre["name"])


def dossier(db: Database, cadre_id: int, *, today: date | None = None) -> Dossier:
    """The whole dossier of one cadre (a NotFoundError if the cadre is missing or deleted)."""
    today = today or date.today()
    cadre = records.get(db, "cadres", cadre_id)
    with db.read() as uow:
        s = uow.session
        unit = s.get(m.Unit, cadre["unit_id"])
        unit_name = unit.display_name if unit is not None else ""
        sections: dict[str, list[Row]] = {}
        for spec in DOSSIER_SECTIONS:
            query = records.build_query(spec, RecordFilter(cadre_id=cadre_id))
            sections[spec.table] = [records.to_row(s, spec, obj) for obj in s.scalars(query)]
        timeline = _timeline(s, cadre_id)
    stamps = [_as_date(cadre["updated_at"])]
    stamps += [_as_date(row["updated_at"]) for rows in sections.values() for row in rows]
    if cadre["file_updated_on"] is not None:
        stamps.append(cadre["file_updated_on"])
    known = [d for d in stamps if d is not None]
    last_updated = max(known) if known else None
    return Dossier(
        cadre=cadre,
        unit_name=unit_name,
        sections=sections,
        timeline=timeline,
        last_updated=last_updated,
        stale=last_updated is None or last_updated.year < today.year,
    )


def _as_date(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _first_line(text: str | None) -> str:
    return (text or "").strip().split("\n", 1)[0].strip()


def _timeline(s: Session, cadre_id: int) -> list[TimelineItem]:
    items: list[TimelineItem] = []
    talk = m.Talk
    talks = s.execute(
        select(talk.id, talk.held_on, talk.kind, talk.reason, talk.summary)
        .join(m.talk_cadres, m.talk_cadres.c.talk_id == talk.id)
        .where(m.talk_cadres.c.cadre_id == cadre_id, talk.deleted_at.is_(None))
    )
    for talk_id, held_on, talk_kind, reason, summary in talks:
        label = talk_kind.label
        title = _first_line(reason) or _first_line(summary) or label
        items.append(TimelineItem(held_on, label, title, "talks", talk_id))

    opinion, meeting = m.MeetingOpinion, m.Meeting
    opinions = s.execute(
        select(meeting.id, meeting.held_on, meeting.meeting_type, opinion.id, opinion.content)
        .join(meeting, meeting.id == opinion.meeting_id)
        .where(opinion.cadre_id == cadre_id, opinion.deleted_at.is_(None), meeting.deleted_at.is_(None))
    )
    for meeting_id, held_on, meeting_type, _opinion_id, content in opinions:
        title = f"{meeting_type.label}：{_first_line(content)}"
        items.append(TimelineItem(held_on, OPINION_KIND, title, "meetings", meeting_id))

    notice = m.AlertNotice
    notices = s.execute(
        select(
            notice.id, notice.issued_on, notice.created_at, notice.kind, notice.title, notice.doc_number
        ).where(notice.cadre_id == cadre_id, notice.deleted_at.is_(None))
    )
    for notice_id, issued_on, created_at, notice_kind, title, doc_number in notices:
        on = issued_on or created_at.date()
        text = f"{title}（{doc_number}）" if doc_number else str(title)
        items.append(TimelineItem(on, notice_kind.label, text, "alert_notices", notice_id))

    items += _clue_events(s, cadre_id)
    items += _problem_events(s, cadre_id)
    order = {"talks": 0, "meetings": 1, "alert_notices": 2, "clues": 3, "problems": 4}
    # one record's events of one day read in the order they happened
    steps = {item: n for n, item in enumerate(items)}
    items.sort(key=lambda item: (item.on, -order[item.table], item.record_id, steps[item]), reverse=True)
    return items


def _stage_title(stage: ClueStage, form: FourForms | None, summary: str) -> str:
    if stage is ClueStage.REGISTERED:
        return f"登记：{summary}"
    if stage is ClueStage.CLOSED:
        return f"办结（{form.label}）：{summary}" if form is not None else f"办结：{summary}"
    return f"转入{stage.label}：{summary}"


def _clue_events(s: Session, cadre_id: int) -> list[TimelineItem]:
    """A clue's way through the register: registered on its 受理日期, each stage it entered as
    the audit log recorded it (from the day the stage began), the stage it is in now and its
    办结. A stage entered twice on one day is one event."""
    clue = m.Clue
    rows = s.execute(
        select(
            clue.id, clue.received_on, clue.summary, clue.stage, clue.stage_since, clue.closed_on, clue.form
        ).where(clue.cadre_id == cadre_id, clue.deleted_at.is_(None))
    ).all()
    if not rows:
        return []
    entry = m.AuditEntry
    history: dict[int, list[tuple[ClueStage, date]]] = {}
    logged = s.execute(
        select(entry.record_id, entry.at, entry.after)
        .where(
            entry.table_name == "clues",
            entry.record_id.in_([r[0] for r in rows]),
            entry.action.in_((AuditAction.CREATE, AuditAction.UPDATE)),
            entry.after.contains('"stage"'),
        )
        .order_by(entry.id)
    )
    for record_id, at, after in logged:
        if record_id is None:
            continue
        try:
            values = json.loads(after or "{}")
            stage = ClueStage.parse(values["stage"])
            since = values.get("stage_since")
            on = date.fromisoformat(since) if since else at.date()
        except (ValueError, KeyError, TypeError):
            continue
        history.setdefault(int(record_id), []).append((stage, on))
    items: list[TimelineItem] = []
    for clue_id, received, summary, stage, since, closed_on, form in rows:
        text = _first_line(summary)
        steps: list[tuple[ClueStage, date]] = [(ClueStage.REGISTERED, received)]
        steps += history.get(clue_id, [])
        steps.append((stage, closed_on if stage is ClueStage.CLOSED and closed_on else since or received))
        seen: set[tuple[ClueStage, date]] = set()
        for step, on in steps:
            if step is ClueStage.CLOSED:
                if stage is not ClueStage.CLOSED or closed_on is None:
                    continue  # reopened since: that 办结 no longer stands
                on = closed_on  # one 办结, on its day
            if (step, on) in seen:
                continue
            seen.add((step, on))
            shown = form if step is ClueStage.CLOSED else None
            items.append(TimelineItem(on, CLUE_KIND, _stage_title(step, shown, text), "clues", clue_id))
    return items


def _problem_events(s: Session, cadre_id: int) -> list[TimelineItem]:
    """A problem naming the cadre: found, handed on (交办) and 销号, each on its day."""
    problem = m.Problem
    rows = s.execute(
        select(
            problem.id,
            problem.found_on,
            problem.description,
            problem.category,
            problem.handoff,
            problem.handed_on,
            problem.closed_on,
        ).where(problem.cadre_id == cadre_id, problem.deleted_at.is_(None))
    )
    items: list[TimelineItem] = []
    for problem_id, found_on, description, category, handoff, handed_on, closed_on in rows:
        text = _first_line(description)
        items.append(
            TimelineItem(found_on, PROBLEM_KIND, f"{text}（{category.label}）", "problems", problem_id)
        )
        if handoff is not None and handed_on is not None:
            title = f"交办（{handoff.label}）：{text}"
            items.append(TimelineItem(handed_on, PROBLEM_KIND, title, "problems", problem_id))
        if closed_on is not None:
            items.append(TimelineItem(closed_on, PROBLEM_KIND, f"验收销号：{text}", "problems", problem_id))
    return items


def full_id_number(db: Database, cadre_id: int) -> str | None:
    """The cadre's 身份证号 in full, for a member who asked to see it (the screen masks it); the
    look is written to the audit log. None (and nothing logged) when the cadre has none. A
    NotFoundError if the cadre is missing or in the recycle bin."""
    from wsjc_desktop.services import audit  # brings openpyxl (its export): not at start-up

    cadre = records.get(db, "cadres", cadre_id)
    number = cadre.get("id_number")
    if not number:
        return None
    with db.read() as uow:
        unit = uow.session.get(m.Unit, cadre["unit_id"])
        unit_name = unit.display_name if unit is not None else ""
    who = f"{cadre['name']}（{unit_name}）" if unit_name else str(cadre["name"])
    audit.note_id_number_view(db, cadre_id, who)
    return str(number)


def mark_file_updated(db: Database, cadre_id: int, on: date) -> None:
    """Record that the cadre's 廉政档案 was brought up to date on ``on``."""
    records.update(db, "cadres", cadre_id, {"file_updated_on": on})


def _section_rows_changed_since(since: datetime) -> CompoundSelect[tuple[int]]:
    """Ids of cadres with a section row (not in the recycle bin) changed since ``since``."""
    parts = []
    for spec in DOSSIER_SECTIONS:
        model: Any = spec.model
        parts.append(
            select(model.cadre_id).where(
                model.cadre_id.is_not(None), model.deleted_at.is_(None), model.updated_at >= since
            )
        )
    return union(*parts)


def updated_this_year(since: datetime) -> Any:
    """A column: the cadre's file was marked updated, or the cadre or a section row changed, since
    ``since``. The section tables are only read (once) if some cadre was not itself touched."""
    cadre = m.Cadre
    return case(
        (or_(cadre.file_updated_on >= since.date(), cadre.updated_at >= since), True),
        else_=cadre.id.in_(_section_rows_changed_since(since)),
    )


#: A cadre as the tree shows it: (cadre id, name, stale).
TreeCadre = tuple[int, str, bool]


class UnitSummary(NamedTuple):
    """A unit of the tree without its cadres: how many it has, and how many files are due."""

    unit_id: int
    name: str
    cadres: int
    stale: int


def _fresh(today: date | None) -> Any:
    today = today or date.today()
    return updated_this_year(datetime(today.year, 1, 1))


def unit_summaries(db: Database, *, today: date | None = None) -> list[UnitSummary]:
    """Every unit not in the recycle bin, in its sort order, with its cadres (not in the recycle
    bin) counted and those whose file is stale; one GROUP BY query, whatever the size."""
    unit, cadre = m.Unit, m.Cadre
    stale = func.coalesce(func.sum(case((cadre.id.is_(None), 0), (_fresh(today), 0), else_=1)), 0)
    query = (
        select(unit.id, unit.short_name, unit.full_name, func.count(cadre.id), stale)
        .select_from(unit)
        .outerjoin(cadre, and_(cadre.unit_id == unit.id, cadre.deleted_at.is_(None)))
        .where(unit.deleted_at.is_(None))
        .group_by(unit.id)
        .order_by(unit.sort_order, unit.id)
    )
    with db.read() as uow:
        rows = uow.session.execute(query).all()
    return [UnitSummary(unit_id, short or full, count, stale) for unit_id, short, full, count, stale in rows]


def _tree_cadres(today: date | None) -> Select[Any]:
    cadre = m.Cadre
    return (
        select(cadre.unit_id, cadre.id, cadre.name, _fresh(today))
        .where(cadre.deleted_at.is_(None))
        .order_by(cadre.unit_id, cadre.is_top_leader.desc(), cadre.is_leader.desc(), cadre.id)
    )


def _by_unit(
    db: Database, query: Select[Any], into: dict[int, list[TreeCadre]]
) -> dict[int, list[TreeCadre]]:
    with db.read() as uow:
        for unit_id, cadre_id, name, fresh in uow.session.execute(query):
            into.setdefault(unit_id, []).append((cadre_id, name, not fresh))
    return into


def unit_cadres(
    db: Database, unit_ids: Collection[int] | None = None, *, today: date | None = None
) -> dict[int, list[TreeCadre]]:
    """The cadres (not in the recycle bin) of these units (None: of every unit), leaders first
    within a unit, as [(cadre id, name, stale)] by unit id; each unit asked for has an entry,
    perhaps empty. One query, whatever the size."""
    query = _tree_cadres(today)
    into: dict[int, list[TreeCadre]] = {}
    if unit_ids is not None:
        query = query.where(m.Cadre.unit_id.in_(sorted(unit_ids)))
        into = {unit_id: [] for unit_id in unit_ids}
    return _by_unit(db, query, into)


def matching_cadres(db: Database, text: str, *, today: date | None = None) -> dict[int, list[TreeCadre]]:
    """The cadres (not in the recycle bin) whose name contains ``text``, ignoring case, or that
    the search finds for it (by pinyin, say), by unit id as :func:`unit_cadres` has them."""
    from wsjc_desktop.services.search import search

    needle = text.strip()
    if not needle:
        return {}
    hits = {hit.record_id for hit in search(db, needle, kinds=["cadres"], limit=100000)}
    named = m.Cadre.name.icontains(needle, autoescape=True)
    if len(hits) <= records.MAX_IN_IDS:
        return _by_unit(db, _tree_cadres(today).where(or_(named, m.Cadre.id.in_(sorted(hits)))), {})
    # too many for one IN list: read every cadre and keep the matches
    lowered = needle.lower()
    out: dict[int, list[TreeCadre]] = {}
    for unit_id, cadres in _by_unit(db, _tree_cadres(today), {}).items():
        kept = [c for c in cadres if c[0] in hits or lowered in c[1].lower()]
        if kept:
            out[unit_id] = kept
    return out


class CadreState(NamedTuple):
    unit_id: int
    name: str
    stale: bool


def cadre_states(
    db: Database, cadre_ids: Collection[int], *, today: date | None = None
) -> dict[int, CadreState]:
    """Unit, name and stale flag of a few cadres (those not in the recycle bin), as
    :func:`unit_cadres` has them: for updating a tree in place after a small change."""
    today = today or date.today()
    cadre = m.Cadre
    query = select(cadre.id, cadre.unit_id, cadre.name, updated_this_year(datetime(today.year, 1, 1))).where(
        cadre.id.in_(sorted(cadre_ids)), cadre.deleted_at.is_(None)
    )
    with db.read() as uow:
        rows = uow.session.execute(query).all()
    return {cadre_id: CadreState(unit_id, name, not fresh) for cadre_id, unit_id, name, fresh in rows}
