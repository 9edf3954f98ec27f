"""回收站: what was deleted, by whom and when, newest first; 恢复 brings it back, 彻底删除 removes it.

Deletes are soft: a record in the recycle bin keeps everything it had and stays until restored
or removed for good. What was deleted together with its parent (a cadre's family members, a
notice's feedback) is not listed on its own; it comes back, or goes, with the parent.
彻底删除 asks twice (the second time saying it cannot be undone); the service refuses it while
another record still names the one chosen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.domain.fields import spec_for
from wsjc_desktop.services import records
from wsjc_desktop.services.records import DeletedItem
from wsjc_desktop.ui.actions import run_action, user_action
from wsjc_desktop.ui.context import AppContext

HINT_STYLE = "color: #666;"
DONE_STYLE = "color: #1e8449;"
ROLE = Qt.ItemDataRole.UserRole
COLUMNS = ("类型", "名称", "删除时间", "删除人")
#: 删除人 of a record deleted while nobody was logged in (as the audit log shows it)
NOBODY = "（未登录）"

HINT = (
    "删除的记录先放在回收站，选中后点“恢复”即可找回。"
    "与上级记录一起删除的内容（如干部的家庭成员、廉情提醒的整改反馈）不单独列出，恢复上级记录时一并恢复。"
    "回收站中的记录不会自动清除；“彻底删除”后无法恢复。"
)
PURGE_TIP = "永久删除选中的记录（连同与它一起删除的内容），删除后无法恢复"
MEMBER_TIP = "组内人员只能移入回收站，不能彻底删除"


class RecycleBinDialog(QDialog):
    """编辑 → 回收站."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # opened anew each time: let it go when closed, with its change-hub connection
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("回收站")
        self.items: list[DeletedItem] = []

        self.type_filter = QComboBox()
        self.type_filter.setObjectName("bin_type")
        self.type_filter.setMinimumContentsLength(12)
        self.type_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.type_filter.currentIndexChanged.connect(self._fill_table)
        self.count_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel("类型："))
        top.addWidget(self.type_filter)
        top.addStretch(1)
        top.addWidget(self.count_label)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("bin_table")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        char = self.table.fontMetrics().horizontalAdvance("汉")
        self.table.setColumnWidth(0, char * 11 + 16)  # 家庭成员及主要社会关系
        self.table.setColumnWidth(2, char * 9 + 16)
        self.table.setColumnWidth(3, char * 6 + 16)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.status = QLabel()
        self.status.setObjectName("bin_status")
        self.status.setWordWrap(True)
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)

        self.restore_button = QPushButton("恢复")
        self.restore_button.setObjectName("bin_restore")
        self.restore_button.setToolTip("把选中的记录（连同与它一起删除的内容）恢复到原处")
        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button = QPushButton("彻底删除…")
        self.purge_button.setObjectName("bin_purge")
        self.purge_button.setToolTip(PURGE_TIP)
        self.purge_button.clicked.connect(self.purge_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.purge_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(hint)
        layout.addWidget(buttons)

        ctx.hub.changed.connect(self._on_changes)
        self.refresh()
        self.resize(760, 500)

    # --- loading ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the recycle bin again, keeping the type filter and the selection where possible."""
        selected = self.selected_item()
        self.items = records.recycle_bin(self.ctx.db)
        wanted = self.type_filter.currentData()
        counts: dict[str, int] = {}
        for item in self.items:
            counts[item.table] = counts.get(item.table, 0) + 1
        self.type_filter.blockSignals(True)
        self.type_filter.clear()
        self.type_filter.addItem(f"全部类型（{len(self.items)}）", None)
        for table in records.ORDERED_TABLES:
            if table in counts or table == wanted:
                self.type_filter.addItem(f"{spec_for(table).label}（{counts.get(table, 0)}）", table)
        self.type_filter.setCurrentIndex(max(0, self.type_filter.findData(wanted)))
        self.type_filter.blockSignals(False)
        self._fill_table(keep=selected)

    def shown_items(self) -> list[DeletedItem]:
        table = self.type_filter.currentData()
        return [item for item in self.items if table is None or item.table == table]

    def _fill_table(self, *_args: object, keep: DeletedItem | None = None) -> None:
        shown = self.shown_items()
        self.table.setRowCount(len(shown))
        select_row = -1
        for row, item in enumerate(shown):
            cells = (
                item.label,
                item.title or "（无名称）",
                f"{item.deleted_at:%Y-%m-%d %H:%M}",
                item.deleted_by or NOBODY,
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column == 0:
                    cell.setData(ROLE, (item.table, item.record_id))
                if len(text) > (30 if column == 1 else 6):
                    cell.setToolTip(text)
                self.table.setItem(row, column, cell)
            if keep is not None and (item.table, item.record_id) == (keep.table, keep.record_id):
                select_row = row
        if select_row >= 0:
            self.table.selectRow(select_row)
        else:
            self.table.clearSelection()
        total = len(self.items)
        if not total:
            self.count_label.setText("回收站是空的")
        elif len(shown) == total:
            self.count_label.setText(f"共 {total} 条")
        else:
            self.count_label.setText(f"显示 {len(shown)} 条，共 {total} 条")
        self._update_buttons()

    def selected_item(self) -> DeletedItem | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        cell = self.table.item(rows[0].row(), 0)
        key = cell.data(ROLE) if cell is not None else None
        return next((i for i in self.items if (i.table, i.record_id) == tuple(key or ())), None)

    def _update_buttons(self) -> None:
        item = self.selected_item()
        self.restore_button.setEnabled(item is not None)
        # 组内人员 only ever go to the recycle bin: the audit log and their records name them
        member = item is not None and item.table == "members"
        self.purge_button.setEnabled(item is not None and not member)
        self.purge_button.setToolTip(MEMBER_TIP if member else PURGE_TIP)

    # --- restoring -------------------------------------------------------------------

    def restore_selected(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        with user_action(self, title="无法恢复") as action:
            records.restore(self.ctx.db, item.table, item.record_id)
        if action.failed:
            return
        name = f"“{item.title}”" if item.title else ""
        self.status.setStyleSheet(DONE_STYLE)
        self.status.setText(f"已恢复{item.label}{name}。")
        self.refresh()

    # --- removing for good ---------------------------------------------------------------

    def purge_selected(self) -> bool:
        """彻底删除: ask, ask again saying it cannot be undone, then remove it. True if removed."""
        item = self.selected_item()
        if item is None:
            return False
        plan = run_action(
            self, lambda: records.purge_plan(self.ctx.db, item.table, item.record_id), title="无法彻底删除"
        )
        if plan is None:
            return False
        name = f"{plan.label}“{plan.title}”" if plan.title else plan.label
        details = "删除后无法从回收站恢复。"
        if plan.with_it_text:
            details = f"与它一起删除的{plan.with_it_text}也将一并彻底删除。" + details
        if not self._ask("purge_confirm", QMessageBox.Icon.Question, f"彻底删除{name}？", details, "继续"):
            return False
        final = "彻底删除后，这些数据将永久消失，无法恢复（审计日志中保留删除记录）。"
        question = f"确定要彻底删除{name}吗？"
        if not self._ask("purge_final", QMessageBox.Icon.Warning, question, final, "彻底删除"):
            return False
        with user_action(self, title="无法彻底删除") as action:
            records.purge(self.ctx.db, item.table, item.record_id)
        if action.failed:
            return False
        self.status.setStyleSheet(DONE_STYLE)
        self.status.setText(f"已彻底删除{name}。")
        self.refresh()
        return True

    def _ask(self, name: str, icon: QMessageBox.Icon, text: str, details: str, proceed: str) -> bool:
        """A question whose default answer is 取消."""
        box = QMessageBox(icon, "彻底删除", text, parent=self)
        box.setObjectName(name)
        box.setInformativeText(details)
        yes = box.addButton(proceed, QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        box.deleteLater()
        return box.clickedButton() is yes

    def _on_changes(self, _changes: ChangeSet) -> None:
        self.refresh()
