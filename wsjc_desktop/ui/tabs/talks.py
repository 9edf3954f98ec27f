"""谈话记录: talks with one or many cadres."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from wsjc_desktop.domain.enums import TalkKind
from wsjc_desktop.domain.fields import TALK
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.record_tab import RecordTab


class TalksTab(RecordTab):
    tab_title = "谈话记录"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, TALK, parent=parent)

    def new_defaults(self) -> dict[str, Any]:
        return {"held_on": self.ctx.today, "kind": TalkKind.INTEGRITY, "talker_id": self.ctx.db.member_id}
