"""The 问题线索 register (issue 19, point 3; seed 004 §9): a clue moves 登记 → 研判 → 处置 → 办结,
forward only, each stage within its days (setting ``clues.stage_days``), under one 主办人.

- :func:`advance` moves a clue on: to 处置 with the way it is disposed of (谈话函询, 初步核实,
  暂存待查, 予以了结 or 移送立案审查), to 办结 with the result and the 四种形态 it led to. A stage
  begins on the day given (``stage_since``), so its deadline light starts again.
- :func:`reopen` (撤回办结) is the only way back: a clue 办结 returns to 处置.
- :func:`lights` and :func:`deadline_text` tell how each open clue stands against its stage's
  limit (``problem_rules.light``: yellow past half of it, red past it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain import problem_rules
from wsjc_desktop.domain.enums import AuditAction, ClueDisposal, ClueStage, FourForms
from wsjc_desktop.domain.fields import CLUE
from wsjc_desktop.domain.problem_rules import DEFAULT_STAGE_DAYS, Light
from wsjc_desktop.errors import UserError
from wsjc_desktop.printing.text import format_date
from wsjc_desktop.services import problem_sync, records, settings
from wsjc_desktop.storage.database import Database

KEY = "clues.stage_days"  # checked by ``settings`` (1 to 365 days a stage)
STAGE_DAYS_RANGE = settings.STAGE_DAYS_RANGE
#: The stages in their order.
ORDER = (ClueStage.REGISTERED, ClueStage.ASSESSING, ClueStage.DISPOSING, ClueStage.CLOSED)
#: The ways a clue can be disposed of at 处置 (everything but 待处置).
DISPOSALS = tuple(d for d in ClueDisposal if d is not ClueDisposal.PENDING)


def stage_days(db: Database) -> dict[str, int]:
    """The days each timed stage may take, as the group set them (the defaults otherwise)."""
    stored = settings.get(db, KEY)
    table = dict(DEFAULT_STAGE_DAYS)
    if isinstance(stored, Mapping):
        table.update({str(k): int(v) for k, v in stored.items() if isinstance(v, int)})
    return table


def next_stage(stage: ClueStage | str) -> ClueStage | None:
    """The stage after ``stage`` (None after 办结)."""
    position = ORDER.index(ClueStage.parse(stage))
    return ORDER[position + 1] if position + 1 < len(ORDER) else None


def advance(
    db: Database,
    clue_id: int,
    stage: ClueStage | str,
    *,
    on: date,
    disposal: ClueDisposal | str | None = None,
    result: str | None = None,
    form: FourForms | str | None = None,
) -> None:
    """Move a clue on to ``stage`` on the day ``on``: 处置 needs the way (``disposal``), 办结 the
    result and the 形态 (and a way, given now or at 处置). A stage already passed is refused
    (only :func:`reopen` goes back), and so is a day before the current stage began."""
    target = ClueStage.parse(stage)
    how = ClueDisposal.parse(disposal) if disposal else None
    shape = FourForms.parse(form) if form else None
    text = (result or "").strip()
    with db.uow() as uow:
        clue = records.load_live(uow.session, m.Clue, clue_id)
        current = ClueStage.parse(clue.stage)
        if target == current:
            raise UserError(f"该线索已处于“{current.label}”阶段。", field="stage")
        if ORDER.index(target) < ORDER.index(current):
            if current is ClueStage.CLOSED:
                raise UserError("该线索已办结；如需继续办理，请先“撤回办结”。", field="stage")
            raise UserError(
                f"该线索已处于“{current.label}”阶段，不能退回到“{target.label}”阶段。", field="stage"
            )
        began = clue.stage_since or clue.received_on
        if on < clue.received_on:
            raise UserError(
                f"{target.label}日期不能早于受理日期（{format_date(clue.received_on)}）。",
                field="stage_since",
            )
        if began is not None and on < began:
            raise UserError(
                f"{target.label}日期不能早于本阶段开始的日期（{format_date(began)}）。", field="stage_since"
            )
        if how is ClueDisposal.PENDING:
            raise UserError("请选择处置方式。", field="disposal")
        values: dict[str, Any] = {"stage": target, "stage_since": on}
        if target is ClueStage.DISPOSING and how is None:
            raise UserError("进入处置阶段，请选择处置方式。", field="disposal")
        disposing = target is ClueStage.DISPOSING or (target is ClueStage.CLOSED and how != clue.disposal)
        if how is not None and disposing:
            values["disposal"] = how
            values["disposed_on"] = on
        if target is ClueStage.CLOSED:
            if how is None and clue.disposal == ClueDisposal.PENDING:
                raise UserError("办结前请选择处置方式。", field="disposal")
            if not text:
                raise UserError("办结的线索请填写办理结果。", field="result")
            if shape is None:
                raise UserError("办结的线索请选择处理形态（未形成处理或第几种形态）。", field="form")
            values.update(result=text, form=shape, closed_on=on)
        elif text:
            values["result"] = text
        records.update_in(uow.session, CLUE, clue_id, values)
        problem_sync.sync_with_clue(uow.session, clue_id)  # problems passed on as this clue: 待验收 once 办结
        way = f"（{how.label}）" if how is not None else ""
        uow.add_audit(
            AuditAction.UPDATE,
            f"问题线索由“{current.label}”推进至“{target.label}”{way}，{format_date(on)}",
            table_name="clues",
            record_id=clue_id,
        )
        uow.commit()


def reopen(db: Database, clue_id: int, *, on: date) -> None:
    """撤回办结: a clue 办结 goes back to 处置 (from ``on``), its 办结日期 and 形态 cleared."""
    with db.uow() as uow:
        clue = records.load_live(uow.session, m.Clue, clue_id)
        if ClueStage.parse(clue.stage) is not ClueStage.CLOSED:
            raise UserError("该线索尚未办结，无需撤回。", field="stage")
        if on < clue.received_on:
            raise UserError("撤回日期不能早于受理日期。", field="stage_since")
        values = {"stage": ClueStage.DISPOSING, "stage_since": on, "closed_on": None, "form": None}
        records.update_in(uow.session, CLUE, clue_id, values)
        problem_sync.sync_with_clue(uow.session, clue_id)
        uow.add_audit(
            AuditAction.UPDATE,
            f"问题线索撤回办结，回到“{ClueStage.DISPOSING.label}”阶段，{format_date(on)}",
            table_name="clues",
            record_id=clue_id,
        )
        uow.commit()


# --- deadlines ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """Where an open clue stands against its stage's limit on a day."""

    light: Light
    due: date  # the stage's last day
    days_left: int  # negative: days past it

    @property
    def text(self) -> str:
        """剩N天 / 今日到期 / 超期N天."""
        if self.days_left > 0:
            return f"剩{self.days_left}天"
        if self.days_left == 0:
            return "今日到期"
        return f"超期{-self.days_left}天"


def deadline_of(
    stage: ClueStage | str | None, since: date | None, today: date, table: Mapping[str, int] | None
) -> Deadline | None:
    """The clue's deadline on ``today`` (None: 办结, or no limit or start)."""
    if not stage:
        return None
    shade = problem_rules.light(stage, since, today, table)
    due = problem_rules.stage_deadline(stage, since, table)
    if shade is None or due is None:
        return None
    return Deadline(shade, due, (due - today).days)


def row_deadline(row: Mapping[str, Any], today: date, table: Mapping[str, int] | None) -> Deadline | None:
    """:func:`deadline_of` for a row of the register."""
    return deadline_of(row.get("stage"), row.get("stage_since"), today, table)


def lights(db: Database, today: date) -> dict[int, Light]:
    """The light of every open clue (not 办结, not in the recycle bin) on ``today``, by id."""
    table = stage_days(db)
    with db.read() as uow:
        rows = uow.session.execute(
            select(m.Clue.id, m.Clue.stage, m.Clue.stage_since).where(
                m.Clue.deleted_at.is_(None), m.Clue.stage != ClueStage.CLOSED
            )
        ).all()
    out: dict[int, Light] = {}
    for clue_id, stage, since in rows:
        shade = problem_rules.light(stage, since, today, table)
        if shade is not None:
            out[int(clue_id)] = shade
    return out
