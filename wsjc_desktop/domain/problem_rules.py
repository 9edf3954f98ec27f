"""The rules of the 问题发现台账 and of the clue register, each written once for the ORM and
for plain SQL (as :mod:`.notice_rules` does for notices).

A problem moves 待交办 → 已交办 → 整改中 → 待验收 → 已销号. Its stored status follows what is
recorded: the 交办 and, for a problem handed on by a notice, that notice's feedback
(:func:`derive_status`). 逾期 is derived, never stored: not yet rectified and past its 整改期限.

A clue moves 登记 → 研判 → 处置 → 办结; each stage has a limit in days (setting
``clues.stage_days``). Its light is yellow past half of the limit and red past it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from enum import StrEnum

from wsjc_desktop.domain.enums import ClueStage, NoticeStatus, ProblemHandoff, ProblemStatus

#: Statuses a problem can be 逾期 in: not yet rectified.
UNRECTIFIED = (ProblemStatus.FOUND, ProblemStatus.ASSIGNED, ProblemStatus.RECTIFYING)
_UNRECTIFIED_SQL = ", ".join(f"'{s.value}'" for s in UNRECTIFIED)


def derive_status(
    *,
    closed_on: date | None,
    handoff: ProblemHandoff | str | None,
    notice_status: NoticeStatus | str | None = None,
    clue_stage: ClueStage | str | None = None,
) -> ProblemStatus:
    """The status a problem stores, from what is recorded about it.

    - 验收销号 recorded: 已销号;
    - not handed on: 待交办;
    - by a 廉情提醒: 已交办 until the unit feeds back, 整改中 once it has, 待验收 once the notice
      is 已整改;
    - by a 谈话提醒: 整改中 (the talk was the 交办);
    - passed on as a clue: 已交办 until the clue is 办结, then 待验收.
    """
    if closed_on is not None:
        return ProblemStatus.CLOSED
    if not handoff:
        return ProblemStatus.FOUND
    how = ProblemHandoff.parse(handoff)
    if how is ProblemHandoff.NOTICE:
        status = NoticeStatus.parse(notice_status) if notice_status else None
        if status is NoticeStatus.RECTIFIED:
            return ProblemStatus.RECTIFIED
        if status is NoticeStatus.FED_BACK:
            return ProblemStatus.RECTIFYING
        return ProblemStatus.ASSIGNED
    if how is ProblemHandoff.TALK:
        return ProblemStatus.RECTIFYING
    if clue_stage and ClueStage.parse(clue_stage) is ClueStage.CLOSED:
        return ProblemStatus.RECTIFIED
    return ProblemStatus.ASSIGNED


def is_overdue(status: ProblemStatus | str, deadline: date | None, today: date) -> bool:
    """逾期: not yet rectified and past its 整改期限."""
    return ProblemStatus.parse(status) in UNRECTIFIED and deadline is not None and deadline < today


def overdue_sql(p: str = "p", today: str = ":today") -> str:
    """:func:`is_overdue` in SQL."""
    return f"({p}.status IN ({_UNRECTIFIED_SQL}) AND {p}.deadline IS NOT NULL AND {p}.deadline < {today})"


def closed_sql(p: str = "p") -> str:
    return f"({p}.status = '{ProblemStatus.CLOSED.value}')"


# --- the clue register ------------------------------------------------------------------------

#: Days each stage may take (seed 004 §9 asks for limits; these are the group's defaults).
DEFAULT_STAGE_DAYS: dict[str, int] = {
    ClueStage.REGISTERED.value: 7,
    ClueStage.ASSESSING.value: 15,
    ClueStage.DISPOSING.value: 60,
}

#: The stages with a limit, in order.
TIMED_STAGES = (ClueStage.REGISTERED, ClueStage.ASSESSING, ClueStage.DISPOSING)


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"

    @property
    def label(self) -> str:
        return {"green": "正常", "yellow": "临期", "red": "超期"}[self.value]


def stage_limit(stage: ClueStage | str, table: Mapping[str, int] | None = None) -> int | None:
    """The stage's limit in days (None: 办结, or no limit set)."""
    value = ClueStage.parse(stage).value
    days = (table or {}).get(value, DEFAULT_STAGE_DAYS.get(value))
    if days is None or int(days) <= 0:
        return None
    return int(days)


def stage_deadline(
    stage: ClueStage | str, since: date | None, table: Mapping[str, int] | None = None
) -> date | None:
    """The last day of the stage begun on ``since``."""
    limit = stage_limit(stage, table)
    if limit is None or since is None:
        return None
    return since + timedelta(days=limit)


def light(
    stage: ClueStage | str, since: date | None, today: date, table: Mapping[str, int] | None = None
) -> Light | None:
    """The clue's light on ``today``: red past the stage's limit, yellow past half of it, green
    before; None for a clue 办结 (or a stage without a limit or a start)."""
    limit = stage_limit(stage, table)
    if limit is None or since is None:
        return None
    elapsed = (today - since).days
    if elapsed > limit:
        return Light.RED
    if elapsed * 2 > limit:
        return Light.YELLOW
    return Light.GREEN


def light_sql(c: str, today: str, table: Mapping[str, int] | None = None) -> str:
    """The light as an SQL expression ('red', 'yellow', 'green' or NULL), from ``c.stage`` and
    ``c.stage_since``. The limits are integers from the settings, written in as numbers."""
    elapsed = f"(julianday({today}) - julianday({c}.stage_since))"
    cases = []
    for stage in TIMED_STAGES:
        limit = stage_limit(stage, table)
        if limit is None:
            continue
        cases.append(
            f"WHEN {c}.stage = '{stage.value}' THEN CASE WHEN {elapsed} > {int(limit)} THEN 'red'"
            f" WHEN {elapsed} * 2 > {int(limit)} THEN 'yellow' ELSE 'green' END"
        )
    if not cases:
        return "NULL"
    return f"(CASE WHEN {c}.stage_since IS NULL THEN NULL {' '.join(cases)} ELSE NULL END)"
