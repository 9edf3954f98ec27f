"""廉情提醒: drafts, issuing (which allocates the 文号), feedback and rectification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.domain.enums import NoticeKind, NoticeStatus
from wsjc_desktop.domain.fields import ALERT_NOTICE, RECTIFICATION
from wsjc_desktop.domain.notice_rules import DUE_SOON_DAYS, HOLIDAYS
from wsjc_desktop.services import notices
from wsjc_desktop.services.display import format_cn_date, notice_status
from wsjc_desktop.services.records import OPEN_NOTICES
from wsjc_desktop.ui.actions import run_action
from wsjc_desktop.ui.context import AppContext
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
        values=RECTIFICATION.new_record_values(today=ctx.today, member_id=ctx.db.member_id),
        parent=parent,
    )
    return int(dialog.result_value) if dialog.exec() else None


class PrintCancelled(Exception):
    """The user stopped a bulk print; its transaction rolls back."""


class HolidayReminderDialog(QDialog):
    """Asks which holiday (and year) the 节前廉政提醒 are for."""

    def __init__(self, holiday: str, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("holiday_reminder_dialog")
        self.setWindowTitle("节前廉政提醒")
        self.holiday = QComboBox()
        self.holiday.setObjectName("holiday")
        self.holiday.setEditable(True)
        self.holiday.addItems(HOLIDAYS)
        self.holiday.setCurrentText(holiday)
        self.year = QSpinBox()
        self.year.setObjectName("year")
        self.year.setRange(2000, 2100)
        self.year.setSuffix(" 年")
        self.year.setValue(year)
        intro = QLabel(
            "为每个在监督范围内、尚未收到本次提醒的单位新建一份节前廉政提醒，"
            "逐一编发文号并标记为已发出，然后合成一个 PDF 供打印。"
            "已发出的不会重复发出，但会一并打印。"
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("节日：", self.holiday)
        form.addRow("年度：", self.year)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("发出并打印")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def accept(self) -> None:
        if not self.holiday.currentText().strip():
            QMessageBox.warning(self, "节前廉政提醒", "请填写节日名称。")
            return
        super().accept()

    def values(self) -> tuple[str, int]:
        return self.holiday.currentText().strip(), self.year.value()


class NoticesTab(RecordTab):
    tab_title = "廉情提醒"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, ALERT_NOTICE, parent=parent)
        status = self.filters.status
        status.insertItem(1, "未办结（已发出未整改）", OPEN_NOTICES)
        status.insertItem(2, f"{DUE_SOON_DAYS}日内到期", DUE_SOON)
        self.issue_button = self.add_button("发出", self.issue_selected, tip="给草稿编发文号并标记为已发出")
        self.feedback_button = self.add_button(
            "登记反馈", self.record_feedback, tip="登记被监督单位的整改反馈"
        )
        self.rectified_button = self.add_button("标记已整改", self.mark_rectified)
        self.holiday_button = self.add_button(
            "节前提醒…",
            lambda: self.send_holiday_reminders(),
            tip="给每个监督单位各发出一份节前廉政提醒，并合成一个 PDF 打印",
        )
        self.holiday_button.setObjectName("holiday_reminders")
        self.on_selected(None)

    def build_detail(self) -> QWidget:
        self.feedback = FeedbackPanel(self.ctx, RECTIFICATION, title="整改反馈")
        return self.feedback

    def new_defaults(self) -> dict[str, Any]:
        """The 反馈期限 (a rule of the notice service: working days from today); the rest of a
        new notice's defaults are its field spec's."""
        return {"deadline": notices.default_deadline(self.ctx.db, self.ctx.today)}

    def apply_filters(self) -> None:
        flt = self.filters.record_filter()
        if flt.status == DUE_SOON:
            from dataclasses import replace

            flt = replace(flt, status=None, due_within_days=DUE_SOON_DAYS)
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
        number = run_action(
            self, lambda: notices.issue(self.ctx.db, record_id, issued_on=self.ctx.today), title="无法发出"
        )
        if number is None:
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
        run_action(self, lambda: notices.mark_rectified(self.ctx.db, record_id))

    # --- printing --------------------------------------------------------------------

    def can_print(self) -> bool:
        # The window enables 打印 per tab (it is not told when the selection moves), so this
        # says the tab prints; print_selected asks for a selection when there is none.
        return True

    def print_selected(self) -> None:
        record_id, row = self.selected_id(), self.selected_row()
        if record_id is None or row is None:
            QMessageBox.information(self, "打印", "请先在列表中选择要打印的廉情提醒。")
            return
        from wsjc_desktop.services import printing
        from wsjc_desktop.ui.print_preview import preview

        kind = NoticeKind.parse(row["kind"]).label
        number = row.get("doc_number") or "草稿"
        db = self.ctx.db

        def make(path: Path) -> None:
            printing.print_notice(db, record_id, path)

        preview(self, self.ctx, make, f"{kind} {number}", file_name=f"{kind}-{number}-{row['title'][:30]}")

    def send_holiday_reminders(self, holiday: str | None = None, year: int | None = None) -> None:
        """Ask for the holiday (offering ``holiday`` of ``year``, else the next one on the calendar),
        issue every unit's 节前廉政提醒 with a progress bar, then preview them."""
        if holiday is None or year is None:
            holiday, year = self._next_holiday()
        dialog = HolidayReminderDialog(holiday, year, self)
        accepted = dialog.exec()
        holiday, year = dialog.values()
        dialog.deleteLater()
        if not accepted:
            return
        from wsjc_desktop.services import printing
        from wsjc_desktop.ui.print_preview import render_to_temp, show_preview

        progress = QProgressDialog("正在发出并生成节前廉政提醒…", "取消", 0, 0, self)
        progress.setObjectName("holiday_progress")
        progress.setWindowTitle("节前廉政提醒")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setValue(0)

        def report(done: int, total: int) -> None:
            if progress.wasCanceled():
                raise PrintCancelled
            progress.setMaximum(total)
            progress.setValue(done)
            progress.setLabelText(f"正在生成第 {done}/{total} 份…")

        issued: list[int] = []
        db, today = self.ctx.db, self.ctx.today

        def make(path: Path) -> None:
            issued.extend(
                printing.holiday_reminders(
                    db, holiday=holiday, year=year, out=path, issued_on=today, progress=report
                )
            )

        what = f"{year}年{holiday}节前廉政提醒"

        def render() -> Path | None:
            try:
                return render_to_temp(make, what)
            except PrintCancelled:
                return None

        try:
            path = run_action(self, render, title="无法发出节前提醒")
        finally:
            progress.close()
            progress.deleteLater()
        if path is None:  # cancelled, or the message said why
            return
        note = (
            f"已新发出 {len(issued)} 份，每份均已编发文号。"
            if issued
            else "各单位的本次提醒此前均已发出，未新发出；以下为已发出的提醒。"
        )
        self.status_message.emit(f"{what}：{note}")
        show_preview(self, self.ctx, path, what, note=note)

    def _next_holiday(self) -> tuple[str, int]:
        """The next holiday on the calendar, by the name its reminders go under (the one already
        used for it this time, if any)."""
        from wsjc_desktop.services.todo import next_holiday_reminders

        upcoming = next_holiday_reminders(self.ctx.db, self.ctx.today)
        if upcoming is None:
            return HOLIDAYS[1], self.ctx.today.year + 1
        return upcoming.reminder_name, upcoming.holiday.year

    def show_status(self, status: str) -> None:
        """List every notice (any year, unit or kind) with this status filter: 逾期, 7日内到期 …"""
        self.ensure_loaded()
        combos = self.filters
        index = combos.status.findData(status)
        if index < 0:
            return
        for combo, wanted in ((combos.year, 0), (combos.unit, 0), (combos.kind, 0), (combos.status, index)):
            combo.blockSignals(True)
            combo.setCurrentIndex(wanted)
            combo.blockSignals(False)
        combos.text.blockSignals(True)
        combos.text.clear()
        combos.text.blockSignals(False)
        self.apply_filters()
        self.view.setFocus()

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

    def can_export(self) -> bool:
        return True

    def export_view(self) -> None:
        from wsjc_desktop.ui.export import export_tab

        export_tab(self, "notices")
