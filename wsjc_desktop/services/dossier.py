"""廉政档案: one cadre's integrity dossier, gathered from everything that names the cadre.

The dossier is the cadre's basics, the rows of every section (family, yearly reports,
opinions, sanctions, clues, risk points, attachments) and a timeline of every talk,
meeting opinion and notice about the cadre. A file counts as updated in a year when it was
marked so (``Cadre.file_updated_on``) or when the cadre or a section row changed that year.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import CompoundSelect, and_, case, or_, select, union
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.fields import DOSSIER_SECTIONS
from wsjc_desktop.services import records
from wsjc_desktop.services.records import RecordFilter, Row
from wsjc_desktop.storage.database import Database

__all__ = [
    "OPINION_KIND",
    "CadreState",
    "Dossier",
    "TimelineItem",
    "cadre_states",
    "cadres_by_unit",
    "dossier",
    "mark_file_updated",
]

#: The kind label of a meeting opinion on the timeline.
OPINION_KIND = "列席会议意见"


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

    order = {"talks": 0, "meetings": 1, "alert_notices": 2}
    items.sort(key=lambda item: (item.on, -order[item.table], item.record_id), reverse=True)
    return items


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


def cadres_by_unit(
    db: Database, *, today: date | None = None
) -> list[tuple[int, str, list[tuple[int, str, bool]]]]:
    """(unit id, unit name, [(cadre id, name, stale)]) for every unit and cadre not in the recycle
    bin, units in their sort order, leaders first within a unit; one query, whatever the size."""
    today = today or date.today()
    unit, cadre = m.Unit, m.Cadre
    query = (
        select(
            unit.id,
            unit.short_name,
            unit.full_name,
            cadre.id,
            cadre.name,
            updated_this_year(datetime(today.year, 1, 1)),
        )
        .select_from(unit)
        .outerjoin(cadre, and_(cadre.unit_id == unit.id, cadre.deleted_at.is_(None)))
        .where(unit.deleted_at.is_(None))
        .order_by(unit.sort_order, unit.id, cadre.is_top_leader.desc(), cadre.is_leader.desc(), cadre.id)
    )
    with db.read() as uow:
        rows = uow.session.execute(query).all()
    out: list[tuple[int, str, list[tuple[int, str, bool]]]] = []
    for unit_id, short, full, cadre_id, name, fresh in rows:
        if not out or out[-1][0] != unit_id:
            out.append((unit_id, short or full, []))
        if cadre_id is not None:
            out[-1][2].append((cadre_id, name, not fresh))
    return out


class CadreState(NamedTuple):
    unit_id: int
    name: str
    stale: bool


def cadre_states(
    db: Database, cadre_ids: Collection[int], *, today: date | None = None
) -> dict[int, CadreState]:
    """Unit, name and stale flag of a few cadres (those not in the recycle bin), as
    :func:`cadres_by_unit` has them: for updating a tree in place after a small change."""
    today = today or date.today()
    cadre = m.Cadre
    query = select(cadre.id, cadre.unit_id, cadre.name, updated_this_year(datetime(today.year, 1, 1))).where(
        cadre.id.in_(sorted(cadre_ids)), cadre.deleted_at.is_(None)
    )
    with db.read() as uow:
        rows = uow.session.execute(query).all()
    return {cadre_id: CadreState(unit_id, name, not fresh) for cadre_id, unit_id, name, fresh in rows}
