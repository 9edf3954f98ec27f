"""A problem's stored status follows the record it was handed on by (问题发现台账): the notice's
feedback and 已整改, the clue's 办结. The notice service and the clue register call these inside
their own transactions; kept apart from :mod:`.problems` (which writes notices) so that neither
service imports the other."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import problem_rules
from wsjc_desktop.domain.enums import ProblemHandoff


def sync_with_notice(session: Session, notice_id: int) -> list[int]:
    """Recompute the stored status of the live problems handed off to this notice (after its
    feedback or its 已整改); returns the ids whose status changed. Runs in the caller's
    transaction."""
    notice = session.get(m.AlertNotice, notice_id)
    if notice is None:
        return []
    return _follow(
        session, m.Problem.notice_id == notice_id, ProblemHandoff.NOTICE, notice_status=notice.status
    )


def sync_with_clue(session: Session, clue_id: int) -> list[int]:
    """:func:`sync_with_notice` for the problems passed on as this clue: 待验收 once it is 办结
    (for the clue register to call when a clue's stage moves)."""
    clue = session.get(m.Clue, clue_id)
    if clue is None:
        return []
    return _follow(session, m.Problem.handoff_clue_id == clue_id, ProblemHandoff.CLUE, clue_stage=clue.stage)


def _follow(session: Session, linked: ColumnElement[bool], how: ProblemHandoff, **state: Any) -> list[int]:
    """The live problems handed off ``how`` and ``linked`` to the record take the status its
    ``state`` gives them (``problem_rules.derive_status``); the ids that changed."""
    session.flush()
    changed = []
    found = session.scalars(
        select(m.Problem).where(linked, m.Problem.handoff == how, m.Problem.deleted_at.is_(None))
    )
    for problem in found:
        status = problem_rules.derive_status(closed_on=problem.closed_on, handoff=problem.handoff, **state)
        if problem.status != status:
            problem.status = status
            changed.append(problem.id)
    session.flush()
    return changed
