"""What a cadre's 影响期 means for a 党风廉政意见回复 (issue 19, point 4): a reply for a cadre
inside an 影响期 warns and proposes the fitting conclusion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import DisciplineCategory, OpinionConclusion
from wsjc_desktop.domain.sanctions import in_effect
from wsjc_desktop.printing.text import format_date
from wsjc_desktop.storage.database import Database


@dataclass(frozen=True)
class OpinionAdvice:
    text: str  # for the form: what stands on file, and what to answer
    conclusion: OpinionConclusion  # the fitting one
    warning: bool  # inside an 影响期


def opinion_advice(db: Database, cadre_id: int | None, on: date) -> OpinionAdvice | None:
    """The advice for a reply about ``cadre_id`` dated ``on``: inside an 影响期, 建议不宜使用;
    after one has ended, 已处理且已过影响期、不持异议; None when the file holds no measure with
    an 影响期."""
    if cadre_id is None:
        return None
    with db.read() as uow:
        rows = uow.session.execute(
            select(
                m.DisciplineRecord.category,
                m.DisciplineRecord.measure,
                m.DisciplineRecord.effect_start,
                m.DisciplineRecord.effect_end,
            )
            .where(
                m.DisciplineRecord.cadre_id == cadre_id,
                m.DisciplineRecord.deleted_at.is_(None),
                m.DisciplineRecord.effect_end.is_not(None),
            )
            .order_by(m.DisciplineRecord.effect_end.desc())
        ).all()
    periods = [
        (DisciplineCategory.parse(c), str(measure), start, end) for c, measure, start, end in rows if end
    ]
    if not periods:
        return None

    def described(category: DisciplineCategory, measure: str, start: date | None, end: date) -> str:
        since = f"{format_date(start)}至" if start else "至"
        return f"{category.label}·{measure}（影响期{since}{format_date(end)}）"

    current = [period for period in periods if in_effect(period[2], period[3], on)]
    if current:
        what = "；".join(described(*period) for period in current)
        conclusion = OpinionConclusion.SUGGEST_NOT_USE
        text = f"注意：该干部在{format_date(on)}处于影响期内：{what}。建议结论为“{conclusion.label}”。"
        return OpinionAdvice(text, conclusion, True)
    ended = [period for period in periods if period[3] < on]
    if not ended:
        return None  # a measure whose 影响期 has not begun yet: nothing to say of this date
    conclusion = OpinionConclusion.EXPIRED_NO_OBJECTION
    text = f"该干部曾受处理：{described(*ended[0])}，影响期已满。可选结论“{conclusion.label}”。"
    return OpinionAdvice(text, conclusion, False)
