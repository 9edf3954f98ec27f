"""廉情提醒: drafts, issuing (which allocates the 文号), feedback and rectification."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from wsjc_desktop.domain.enums import NoticeKind, NoticeStatus, RectificationStatus
from wsjc_desktop.domain.fields import ALERT_NOTICE, RECTIFICATION
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import notices
from wsjc_desktop.services.records import OPEN_NOTICES
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.display import format_cn_date, notice_status
from wsjc_desktop.ui.errors import show_user_error
from wsjc_desktop.ui.forms import RecordDialog, confirm
from wsjc_desktop.ui.record_tab import RecordListPanel, RecordTab

DUE_SOON = "due_soon"


class FeedbackPanel(RecordListPanel):
    """A notice's 整改反馈; new feedback goes through the notice service so the status follows."""

    def add(self) -> None:
        notice_id = self.parent_values.get("notice_id")
        if notice_id is not None:
            record_feedback_dialog(self, self.ctx, int(notice_id))


def record_feedback_dialog(parent: QWidget, ctx: AppContext, notice_id: int) -> int | None:
    def save(values: dict[str, Any]) -> Any:
        return notices.record_feedback(ctx.db, notice_id, values)

    dialog = RecordDialog(
        RECTIFICATION,
        ctx.lookups,
        save,
        title="登记整改反馈",
        values={"feedback_date": ctx.today, "status": RectificationStatus.IN_PROGRESS},
        parent=parent,
    )
    return int(dialog.result_value) if dialog.exec() else None


class NoticesTab(RecordTab):
    tab_title = "廉情提醒"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, ALERT_NOTICE, parent=parent)
        status = self.filters.status
        status.insertItem(1, "未办结（已发出未整改）", OPEN_NOTICES)
        status.insertItem(2, "7日内到期", DUE_SOON)
        self.issue_button = self.add_button("发出", self.issue_selected, tip="给草稿编发文号并标记为已发出")
        self.feedback_button = self.add_button(
            "登记反馈", self.record_feedback, tip="登记被监督单位的整改反馈"
        )
        self.rectified_button = self.add_button("标记已整改", self.mark_rectified)
        self.on_selected(None)

    def build_detail(self) -> QWidget:
        self.feedback = FeedbackPanel(self.ctx, RECTIFICATION, title="整改反馈")
        return self.feedback

    def new_defaults(self) -> dict[str, Any]:
        return {
            "kind": NoticeKind.COPY_NOTICE,
            "deadline": notices.default_deadline(self.ctx.db, self.ctx.today),
        }

    def apply_filters(self) -> None:
        flt = self.filters.record_filter()
        if flt.status == DUE_SOON:
            from dataclasses import replace

            flt = replace(flt, status=None, due_within_days=7)
        selected = self.selected_id()
        self.model.set_filter(flt)
        if selected is not None:
            self.select_id(selected)

    def on_selected(self, record_id: int | None) -> None:
        if not hasattr(self, "issue_button"):
            return
        row = self.selected_row() if record_id is not None else None
        status = notice_status(row, self.ctx.today) if row else None
        self.issue_button.setEnabled(status is NoticeStatus.DRAFT)
        live = status in (NoticeStatus.ISSUED, NoticeStatus.OVERDUE, NoticeStatus.FED_BACK)
        self.feedback_button.setEnabled(live)
        self.rectified_button.setEnabled(live)
        self.feedback.set_parent_values(
            {} if record_id is None or status is NoticeStatus.DRAFT else {"notice_id": record_id}
        )

    def _refresh_buttons(self) -> None:
        self.on_selected(self.selected_id())

    def _on_changes(self, changes: Any) -> None:
        super()._on_changes(changes)
        self._refresh_buttons()

    def issue_selected(self) -> None:
        record_id, row = self.selected_id(), self.selected_row()
        if record_id is None or row is None:
            return
        when = format_cn_date(self.ctx.today)
        if not confirm(self, "发出", f"发出“{row['title']}”？\n\n将自动编发文号，发出日期为{when}。"):
            return
        try:
            number = notices.issue(self.ctx.db, record_id, issued_on=self.ctx.today)
        except UserError as exc:
            show_user_error(self, exc, "无法发出")
            return
        QMessageBox.information(self, "已发出", f"已发出，文号：{number}")

    def record_feedback(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            record_feedback_dialog(self, self.ctx, record_id)

    def mark_rectified(self) -> None:
        record_id = self.selected_id()
        if record_id is None:
            return
        try:
            notices.mark_rectified(self.ctx.db, record_id)
        except UserError as exc:
            show_user_error(self, exc)

    def select_first(self) -> None:
        """Prefer a notice that already has feedback, so the lower pane shows something."""
        if self.selected_id() is not None:
            return
        for position in range(min(self.model.rowCount(), 200)):
            row = self.model.row_data(position)
            if row is not None and row["status"] in (NoticeStatus.FED_BACK, NoticeStatus.RECTIFIED):
                self.select_id(int(row["id"]))
                return
        super().select_first()
