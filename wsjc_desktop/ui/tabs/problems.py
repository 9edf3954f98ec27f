"""问题台账: every problem found, wherever it was found, and below the selected one its path
from 发现 through 交办 and 整改反馈 to 验收销号, with the buttons that move it on."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.domain.enums import ProblemHandoff, ProblemStatus
from wsjc_desktop.domain.fields import PROBLEM
from wsjc_desktop.services import problems
from wsjc_desktop.services.display import format_date
from wsjc_desktop.services.problems import PathStep
from wsjc_desktop.ui.actions import run_action
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.problem_forms import NEW_NOTICE, CloseDialog, FittedForms, HandOffDialog
from wsjc_desktop.ui.forms import confirm
from wsjc_desktop.ui.record_tab import RecordTab

#: The tables whose changes move a problem's path (its notice's feedback, a clue's closing …).
PATH_TABLES = ("problems", "alert_notices", "rectifications", "talks", "clues", "inspections", "members")

#: The records a step links to (they open in their own tab).
LINKED_TABLES = ("inspections", "meetings", "talks", "clues", "alert_notices")

DONE_COLOR, PENDING_COLOR, LATE_COLOR = "#2c3e50", "#95a5a6", "#c0392b"


class PathPanel(QWidget):
    """The selected problem's path: one line a step, the steps done with their dates, the ones
    still ahead greyed (an overdue one in red). A linked record opens on click."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problem_path")
        self.heading = QLabel()
        self.heading.setObjectName("path_heading")
        self.heading.setWordWrap(True)
        self.steps_host = QWidget()
        self.steps_layout = QVBoxLayout(self.steps_host)
        self.steps_layout.setContentsMargins(8, 4, 8, 4)
        self.steps_layout.setSpacing(6)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.steps_host)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(scroll, 1)
        self.step_labels: list[QLabel] = []
        self.on_link: Any = None

    def show_path(self, heading: str, steps: list[PathStep]) -> None:
        self.heading.setText(heading)
        for label in self.step_labels:
            label.hide()  # gone now, not only once the event loop deletes it
            label.deleteLater()
        self.step_labels = []
        while self.steps_layout.count():
            self.steps_layout.takeAt(0)
        for step in steps:
            label = QLabel(self._html(step))
            label.setObjectName("path_step")
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setProperty("done", step.done)
            label.setToolTip("" if step.table is None else "点击链接打开该记录")
            label.linkActivated.connect(self._link)
            self.steps_layout.addWidget(label)
            self.step_labels.append(label)
        self.steps_layout.addStretch(1)

    def texts(self) -> list[str]:
        """What each step says, as plain text (for tests and screen readers)."""
        return [str(label.property("plain")) for label in self.step_labels]

    @staticmethod
    def _html(step: PathStep) -> str:
        late = "已逾期" in step.text
        color = DONE_COLOR if step.done else LATE_COLOR if late else PENDING_COLOR
        mark = "●" if step.done else "○"
        when = format_date(step.on) if step.on else "&nbsp;" * 10  # the width of a date
        text = escape(step.text)
        if step.table in LINKED_TABLES and step.record_id is not None:
            text = f'<a href="{step.table}:{step.record_id}">{text}</a>'
        weight = "bold" if step.done else "normal"
        return (
            f'<span style="color:{color}">{mark} <span style="font-family:monospace">{when}</span>'
            f'　<span style="font-weight:{weight}">{escape(step.stage)}</span>　{text}</span>'
        )

    def _link(self, href: str) -> None:
        table, _sep, record_id = href.partition(":")
        if self.on_link is not None and record_id.isdigit():
            self.on_link(table, int(record_id))


class ProblemsTab(FittedForms, RecordTab):
    tab_title = "问题台账"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, PROBLEM, parent=parent)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("problem_summary")
        self.toolbar.insertSpacing(1, 24)
        self.toolbar.insertWidget(2, self.summary_label)
        self.filters.changed.connect(self._update_summary)
        self.on_selected(None)

    def build_detail(self) -> QWidget:
        host = QWidget()
        self.path_panel = PathPanel()
        self.path_panel.on_link = self._open_linked
        self.handoff_button = QPushButton("交办(&J)…")
        self.handoff_button.setObjectName("handoff")
        self.handoff_button.setToolTip("以廉情提醒、谈话提醒交办，或作为问题线索移送（Ctrl+J）")
        self.close_button = QPushButton("验收销号(&K)…")
        self.close_button.setObjectName("close_problem")
        self.close_button.setToolTip("整改到位后验收销号（Ctrl+K）")
        self.reopen_button = QPushButton("撤销销号")
        self.reopen_button.setObjectName("reopen_problem")
        self.handoff_button.clicked.connect(self.hand_off_selected)
        self.close_button.clicked.connect(self.close_selected)
        self.reopen_button.clicked.connect(self.reopen_selected)
        for keys, slot in (("Ctrl+J", self.hand_off_selected), ("Ctrl+K", self.close_selected)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        buttons = QVBoxLayout()
        title = QLabel("<b>问题处置路径</b>")
        buttons.addWidget(title)
        for button in (self.handoff_button, self.close_button, self.reopen_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QHBoxLayout(host)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.path_panel, 1)
        layout.addLayout(buttons)
        return host

    # --- the path ----------------------------------------------------------------------

    def on_selected(self, record_id: int | None) -> None:
        if not hasattr(self, "summary_label"):
            return
        row = self.selected_row() if record_id is not None else None
        readonly = self.ctx.readonly
        status = ProblemStatus.parse(row["status"]) if row else None
        self.handoff_button.setEnabled(
            row is not None and not readonly and status is not ProblemStatus.CLOSED
        )
        self.close_button.setEnabled(
            row is not None and not readonly and status not in (ProblemStatus.CLOSED, ProblemStatus.FOUND)
        )
        self.reopen_button.setEnabled(row is not None and not readonly and status is ProblemStatus.CLOSED)
        if record_id is None or row is None:
            self.path_panel.show_path("在上方列表中选择一个问题，这里显示它从发现到销号的路径。", [])
            return
        steps = run_action(self, lambda: problems.path(self.ctx.db, record_id, self.ctx.today))
        unit = self.ctx.lookups.name("units", row.get("unit_id"))
        description = escape(" ".join(str(row.get("description") or "").split()))
        shown = PROBLEM.row_status(row, self.ctx.today)
        label = shown.label if shown is not None else ""
        self.path_panel.show_path(f"<b>{escape(unit)}</b>　{description}　<i>（{label}）</i>", steps or [])
        for widget, step in zip(self.path_panel.step_labels, steps or [], strict=True):
            widget.setProperty("plain", f"{step.stage} {step.text}")

    def _on_changes(self, changes: ChangeSet) -> None:
        super()._on_changes(changes)
        if changes.touches(*PATH_TABLES):
            self._update_summary()
            self.on_selected(self.selected_id())

    def _open_linked(self, table: str, record_id: int) -> None:
        opener = getattr(self.window(), "show_record", None)
        if opener is not None:
            opener(table, record_id)

    # --- the summary line -------------------------------------------------------------

    def apply_filters(self) -> None:
        super().apply_filters()
        self._update_summary()

    def _update_summary(self) -> None:
        if not hasattr(self, "summary_label"):
            return
        flt = self.filters.record_filter()
        found = problems.summary(self.ctx.db, self.ctx.today, year=flt.year, unit_id=flt.unit_id)
        when = f"{flt.year}年" if flt.year is not None else "历年"
        where = self.ctx.lookups.name("units", flt.unit_id) if flt.unit_id is not None else ""
        rate = f"（销号率{round(found.closed * 100 / found.found)}%）" if found.found else ""
        self.summary_label.setText(
            f"{where}{when}发现问题{found.found}个，已销号{found.closed}个{rate}，"
            f"<span style='color:{LATE_COLOR if found.overdue else DONE_COLOR}'>逾期{found.overdue}个</span>"
        )

    # --- actions -------------------------------------------------------------------------

    def hand_off_selected(self) -> None:
        record_id, row = self.selected_id(), self.selected_row()
        if record_id is None or row is None or not self.handoff_button.isEnabled():
            return
        dialog = HandOffDialog(self.ctx, row, self)
        accepted = dialog.exec()
        how, target, handed_on, deadline = dialog.values() if accepted else ("", None, None, None)
        dialog.deleteLater()
        if not accepted:
            return
        if how == NEW_NOTICE:
            notice_id = run_action(
                self,
                lambda: problems.notice_for(
                    self.ctx.db, record_id, deadline=deadline, today=handed_on or self.ctx.today
                ),
                title="无法交办",
            )
            if notice_id is None:
                return
            self.select_id(record_id)
            ask = "已生成廉情抄告单草稿，问题已交办。\n\n现在到“廉情提醒”中查看、修改并发出？"
            if confirm(self, "已交办", ask):
                self._open_linked("alert_notices", notice_id)
            return
        run_action(
            self,
            lambda: problems.hand_off(
                self.ctx.db,
                record_id,
                ProblemHandoff.parse(how),
                target,
                handed_on=handed_on,
                deadline=deadline,
            ),
            title="无法交办",
        )

    def close_selected(self) -> None:
        record_id, row = self.selected_id(), self.selected_row()
        if record_id is None or row is None or not self.close_button.isEnabled():
            return
        dialog = CloseDialog(self.ctx, row, self)
        accepted = dialog.exec()
        values = dialog.values() if accepted else None
        dialog.deleteLater()
        if values is None:
            return
        closed_on, member_id, note = values
        run_action(
            self,
            lambda: problems.close(
                self.ctx.db, record_id, closed_on=closed_on, member_id=member_id, note=note
            ),
            title="无法销号",
        )

    def reopen_selected(self) -> None:
        record_id, row = self.selected_id(), self.selected_row()
        if record_id is None or row is None or not self.reopen_button.isEnabled():
            return
        if not confirm(self, "撤销销号", "撤销该问题的验收销号？\n\n问题将回到销号前的状态。"):
            return
        run_action(self, lambda: problems.reopen(self.ctx.db, record_id), title="无法撤销销号")

    def extend_context_menu(self, menu: QMenu) -> None:
        menu.addSeparator()
        for button, slot in (
            (self.handoff_button, self.hand_off_selected),
            (self.close_button, self.close_selected),
            (self.reopen_button, self.reopen_selected),
        ):
            action = QAction(button.text().replace("&", ""), menu)
            action.setEnabled(button.isEnabled())
            action.triggered.connect(slot)
            menu.addAction(action)

    def can_export(self) -> bool:
        return True  # the ledger itself may not be there yet: export_view says so

    def export_view(self) -> None:
        from wsjc_desktop.services.ledgers import LEDGERS

        if "problems" not in LEDGERS:
            QMessageBox.information(self, "导出", "问题台账的导出尚未提供。")
            return
        from wsjc_desktop.ui.export import export_tab

        export_tab(self, "problems")
