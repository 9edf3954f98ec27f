"""列席会议: meetings attended, with the opinions raised and their follow-up beneath."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from wsjc_desktop.domain.fields import MEETING, MEETING_OPINION
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.record_tab import RecordListPanel, RecordTab


class MeetingsTab(RecordTab):
    tab_title = "列席会议"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, MEETING, parent=parent)

    def build_detail(self) -> QWidget:
        self.opinions = RecordListPanel(self.ctx, MEETING_OPINION, title="提出的意见建议及落实情况")
        return self.opinions

    def on_selected(self, record_id: int | None) -> None:
        self.opinions.set_parent_values({} if record_id is None else {"meeting_id": record_id})

    def can_print(self) -> bool:
        # the window enables 打印 per tab, not per selection: print_selected asks for one
        return True

    def print_selected(self) -> None:
        record_id, row = self.selected_id(), self.selected_row()
        if record_id is None or row is None:
            QMessageBox.information(self, "打印", "请先在列表中选择要打印的会议记录。")
            return
        from wsjc_desktop.services import printing
        from wsjc_desktop.ui.print_preview import preview

        unit = self.ctx.lookups.name("units", row["unit_id"])
        when = f"{row['held_on']:%Y-%m-%d}"
        db = self.ctx.db

        def make(path: Path) -> None:
            printing.print_meeting(db, record_id, path)

        preview(self, self.ctx, make, f"列席会议记录 {unit} {when}", file_name=f"列席会议记录-{unit}-{when}")

    def can_export(self) -> bool:
        return True

    def export_view(self) -> None:
        from wsjc_desktop.ui.export import export_tab

        export_tab(self, "meetings")
