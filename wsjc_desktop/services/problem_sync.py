"""A problem's stored status follows the record it was handed on by (问题发现台账): the notice's
feedback and 已整改, the clue's 办结. The notice service and the clue register call these inside
their own transactions; kept apart from :mod:`.problems` (which writes notices) so that neither
service imports the other."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import problem_rules
from wsjc_desktop.domain.enums import ProblemHandoff


def sync_with_notice(session: Session, notice_id: int) -> list[int]:
    """Recompute the stored status of the live problems handed off to this notice (after its
    feedback or its 已整改); returns the ids whose status changed. Runs in the caller's
    transaction."""
    session.flush()
    notice = session.get(m.AlertNotice, notice_id)
    if notice is None:
        return []
    changed = []
    found = session.scalars(
        select(m.Problem).where(
            m.Problem.notice_id == notice_id,
            m.Problem.handoff == ProblemHandoff.NOTICE,
            m.Problem.deleted_at.is_(None),
        )
    )
    for problem in found:
        status = problem_rules.derive_status(
            closed_on=problem.closed_on, handoff=problem.handoff, notice_status=notice.status
        )
        if problem.status != status:
            problem.status = status
            changed.append(problem.id)
    session.flush()
    return changed


def sync_with_clue(session: Session, clue_id: int) -> list[int]:
    """:func:`sync_with_notice` for the problems passed on as this clue: 待验收 once it is 办结
    (for the clue register to call when a clue's stage moves)."""
    session.flush()
    clue = session.get(m.Clue, clue_id)
    if clue is None:
        return []
    changed = []
    found = session.scalars(
        select(m.Problem).where(
            m.Problem.handoff_clue_id == clue_id,
            m.Problem.handoff == ProblemHandoff.CLUE,
            m.Problem.deleted_at.is_(None),
        )
    )
    for problem in found:
        status = problem_rules.derive_status(
            closed_on=problem.closed_on, handoff=problem.handoff, clue_stage=clue.stage
        )
        if problem.status != status:
            problem.status = status
            changed.append(problem.id)
    session.flush()
    return changed
