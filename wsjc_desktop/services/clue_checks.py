"""At a clue's registration: what the file already holds about the same person or unit
(issue 19, point 3): any clue still open (not yet 办结, whatever its stage), and any received in
the three years before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import ClueDisposal, ClueSource, ClueStage
from wsjc_desktop.printing.text import format_date
from wsjc_desktop.storage.database import Database

#: How far back an earlier clue about the same person or unit is shown.
YEARS_BACK = 3
#: Earlier clues named in the note at most (the count says how many in all).
SHOWN = 3


@dataclass(frozen=True)
class EarlierClues:
    lines: tuple[str, ...]  # the first SHOWN, newest first
    total: int
    open: int  # not yet 办结

    @property
    def text(self) -> str:
        more = f"等{self.total}件" if self.total > len(self.lines) else ""
        still = f"，其中{self.open}件尚未办结" if self.open else ""
        return (
            f"该反映对象或涉及单位另有问题线索{self.total}件{still}：" + "；".join(self.lines) + more + "。"
        )


def earlier_clues(
    db: Database,
    cadre_id: int | None,
    unit_id: int | None,
    received_on: date,
    *,
    exclude_id: int | None = None,
) -> EarlierClues | None:
    """Other live clues about ``cadre_id`` or ``unit_id``: open ones (not 办结) whenever received,
    closed ones received in the :data:`YEARS_BACK` years before ``received_on``; None when there are
    none (or nobody is named)."""
    about = []
    if cadre_id is not None:
        about.append(m.Clue.cadre_id == cadre_id)
    if unit_id is not None:
        about.append(m.Clue.unit_id == unit_id)
    if not about:
        return None
    since = date(received_on.year - YEARS_BACK, received_on.month, min(received_on.day, 28))
    query = (
        select(m.Clue.received_on, m.Clue.source, m.Clue.stage, m.Clue.disposal, m.Clue.summary, m.Cadre.name)
        .outerjoin(m.Cadre, m.Cadre.id == m.Clue.cadre_id)
        .where(
            m.Clue.deleted_at.is_(None),
            or_(*about),
            or_(m.Clue.stage != ClueStage.CLOSED, m.Clue.received_on >= since),
        )
        .order_by(m.Clue.received_on.desc(), m.Clue.id.desc())
    )
    if exclude_id is not None:
        query = query.where(m.Clue.id != exclude_id)
    with db.read() as uow:
        rows = uow.session.execute(query).all()
    if not rows:
        return None
    lines = []
    for received, source, stage, disposal, summary, name in rows[:SHOWN]:
        who = f"反映{name}，" if name else ""
        short = summary if len(summary) <= 16 else summary[:16] + "…"
        where = f"{format_date(received)}{ClueSource.parse(source).label}"
        lines.append(f"{where}（{_standing(stage, disposal)}）{who}{short}")
    still_open = sum(1 for row in rows if ClueStage.parse(row[2]) is not ClueStage.CLOSED)
    return EarlierClues(tuple(lines), len(rows), still_open)


def _standing(stage: str, disposal: str) -> str:
    """How an earlier clue stands: 待处置 before a way is chosen, then the way (谈话函询 …),
    and 已办结 once closed."""
    way = ClueDisposal.parse(disposal)
    if ClueStage.parse(stage) is ClueStage.CLOSED:
        return f"{way.label}，已办结" if way is not ClueDisposal.PENDING else "已办结"
    return way.label
