"""谈话记录: talks with one or many cadres."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from wsjc_desktop.domain.fields import TALK
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.record_tab import RecordTab


class TalksTab(RecordTab):
    tab_title = "谈话记录"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, TALK, parent=parent)

    def can_print(self) -> bool:
        # the window enables 打印 per tab, not per selection: print_selected asks for one
        return True

    def print_selected(self) -> None:
        record_id, row = self.selected_id(), self.selected_row()
        if record_id is None or row is None:
            QMessageBox.information(self, "打印", "请先在列表中选择要打印的谈话记录。")
            return
        from wsjc_desktop.services import printing
        from wsjc_desktop.ui.print_preview import preview

        names = "、".join(self.ctx.lookups.name("cadres", i) for i in row.get("cadre_ids") or [])
        when = f"{row['held_on']:%Y-%m-%d}"
        db = self.ctx.db

        def make(path: Path) -> None:
            printing.print_talk(db, record_id, path)

        preview(self, self.ctx, make, f"谈话记录 {when} {names}", file_name=f"谈话记录-{when}-{names[:30]}")

    def can_export(self) -> bool:
        return True

    def export_view(self) -> None:
        from wsjc_desktop.ui.export import export_tab

        export_tab(self, "talks")
