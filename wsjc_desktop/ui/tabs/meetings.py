"""列席会议: meetings attended, with the opinions raised and their follow-up beneath."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from wsjc_desktop.domain.enums import OpinionFollowUp
from wsjc_desktop.domain.fields import MEETING, MEETING_OPINION
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.record_tab import RecordListPanel, RecordTab


class OpinionsPanel(RecordListPanel):
    def new_defaults(self) -> dict[str, Any]:
        return {"follow_up": OpinionFollowUp.PENDING}


class MeetingsTab(RecordTab):
    tab_title = "列席会议"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, MEETING, parent=parent)

    def build_detail(self) -> QWidget:
        self.opinions = OpinionsPanel(self.ctx, MEETING_OPINION, title="提出的意见建议及落实情况")
        return self.opinions

    def on_selected(self, record_id: int | None) -> None:
        self.opinions.set_parent_values({} if record_id is None else {"meeting_id": record_id})

    def new_defaults(self) -> dict[str, Any]:
        member = self.ctx.db.member_id
        return {"held_on": self.ctx.today, "attendee_ids": [member] if member else []}
