"""Per-unit totals shown beside each unit: cadres, talks, meetings, open and overdue notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import notice_rules
from wsjc_desktop.services.records import notice_condition
from wsjc_desktop.storage.database import Database


@dataclass(frozen=True)
class UnitTotals:
    cadres: int = 0
    talk_person_times: int = 0  # 人次: a talk with three cadres counts three
    meetings: int = 0
    notices_open: int = 0
    notices_overdue: int = 0


def unit_totals(db: Database, year: int, today: date | None = None) -> dict[int, UnitTotals]:
    """Totals per unit id for ``year`` (cadres: those in service now)."""
    today = today or date.today()
    start, end = date(year, 1, 1), date(year, 12, 31)
    out: dict[int, dict[str, int]] = {}

    def add(key: str, rows: Any) -> None:
        for unit_id, n in rows:
            out.setdefault(unit_id, {})[key] = int(n)

    with db.read() as uow:
        s = uow.session
        cadre = m.Cadre
        add(
            "cadres",
            s.execute(
                select(cadre.unit_id, func.count()).where(cadre.deleted_at.is_(None)).group_by(cadre.unit_id)
            ),
        )
        talk = m.Talk
        add(
            "talk_person_times",
            s.execute(
                select(cadre.unit_id, func.count())
                .select_from(m.talk_cadres)
                .join(talk, talk.id == m.talk_cadres.c.talk_id)
                .join(cadre, cadre.id == m.talk_cadres.c.cadre_id)
                .where(talk.deleted_at.is_(None), talk.held_on.between(start, end))
                .group_by(cadre.unit_id)
            ),
        )
        meeting = m.Meeting
        add(
            "meetings",
            s.execute(
                select(meeting.unit_id, func.count())
                .where(meeting.deleted_at.is_(None), meeting.held_on.between(start, end))
                .group_by(meeting.unit_id)
            ),
        )
        notice = m.AlertNotice
        live = (notice.deleted_at.is_(None), notice.issued_on.between(start, end))
        add(
            "notices_open",
            s.execute(
                select(notice.unit_id, func.count())
                .where(*live, notice_condition(notice_rules.open_sql))
                .group_by(notice.unit_id)
            ),
        )
        add(
            "notices_overdue",
            s.execute(
                select(notice.unit_id, func.count())
                .where(*live, notice_condition(notice_rules.overdue_sql, today=today))
                .group_by(notice.unit_id)
            ),
        )
    return {unit_id: UnitTotals(**values) for unit_id, values in out.items()}
