"""审计日志: who did what and when, filtered, with the values before and after each change.

Strictly read-only: the table and the detail pane cannot be edited and nothing here changes or
removes an entry (the file refuses that anyway). The log can be long, so the table holds only
the pages of rows scrolled to so far (``canFetchMore`` / ``fetchMore``), 200 at a time, and the
filters are applied by the database. 导出… writes the filtered log to .xlsx.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.services import audit
from wsjc_desktop.services.audit import AuditRow
from wsjc_desktop.ui import table_copy
from wsjc_desktop.ui.actions import run_action
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.styles import HINT_STYLE

COLUMNS = ("时间", "人员", "操作", "对象", "摘要")
PAGE_SIZE = 200
NOBODY = "（未登录）"
#: Dates at or before this mean “no limit” in the date filters.
NO_DATE = QDate(2000, 1, 1)
CHANGED_BRUSH = QBrush(QColor("#fff3cd"))
FAILED_BRUSH = QBrush(QColor("#c0392b"))

Index = QModelIndex | QPersistentModelIndex


class AuditTableModel(QAbstractTableModel):
    """The entries matching the filters, newest first, fetched a page at a time."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.filters: dict[str, Any] = {}
        self.rows: list[AuditRow] = []
        self.total = 0

    def set_filters(self, filters: dict[str, Any]) -> None:
        self.beginResetModel()
        self.filters = dict(filters)
        self.total = audit.count(self.ctx.db, **self.filters)
        self.rows = audit.query(self.ctx.db, **self.filters, limit=PAGE_SIZE, offset=0)
        self.endResetModel()

    def reload(self) -> None:
        self.set_filters(self.filters)

    # --- lazy paging -----------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = audit.query(self.ctx.db, **self.filters, limit=PAGE_SIZE, offset=len(self.rows))
        if not more:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    # --- the model -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def row_at(self, row: int) -> AuditRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.row_at(index.row())
        if entry is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._text(entry, column)
            if role == Qt.ItemDataRole.ToolTipRole:
                return text if column in (3, 4) and text else None
            return text
        if role == Qt.ItemDataRole.ForegroundRole and entry.action is AuditAction.LOGIN and _failed(entry):
            return FAILED_BRUSH
        return None

    @staticmethod
    def _text(entry: AuditRow, column: int) -> str:
        if column == 0:
            return f"{entry.at:%Y-%m-%d %H:%M:%S}"
        if column == 1:
            return entry.member_name or NOBODY
        if column == 2:
            return entry.action_label
        if column == 3:
            return entry.object_text
        if column == 4:
            return entry.description
        return ""

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable  # never editable


def _failed(entry: AuditRow) -> bool:
    return "失败" in (entry.summary or "")


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("不限")
    edit.setDate(NO_DATE)
    return edit


def _chosen_date(edit: QDateEdit) -> date | None:
    value = edit.date()
    if value <= NO_DATE:
        return None
    return date(value.year(), value.month(), value.day())


class AuditViewer(QDialog):
    """工具 → 审计日志."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("audit_viewer")
        self.setWindowTitle("审计日志")
        self.names: dict[int, str] = {}

        # --- filters
        self.member_filter = QComboBox()
        self.member_filter.setObjectName("audit_member")
        self.action_filter = QComboBox()
        self.action_filter.setObjectName("audit_action")
        self.table_filter = QComboBox()
        self.table_filter.setObjectName("audit_table")
        self.table_filter.setMinimumContentsLength(8)
        self.table_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.start_filter = _date_edit("audit_start")
        self.end_filter = _date_edit("audit_end")
        self.text_filter = QLineEdit()
        self.text_filter.setObjectName("audit_text")
        self.text_filter.setPlaceholderText("摘要或修改内容中的文字")
        self.text_filter.setClearButtonEnabled(True)
        self.clear_button = QPushButton("清除筛选")
        self.clear_button.setObjectName("audit_clear")
        self.clear_button.setAutoDefault(False)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setAutoDefault(False)
        self.count_label = QLabel()
        self.count_label.setObjectName("audit_count")
        self._fill_filters()

        first = QHBoxLayout()
        for caption, widget in (("人员：", self.member_filter), ("操作：", self.action_filter)):
            first.addWidget(QLabel(caption))
            first.addWidget(widget)
            first.addSpacing(8)
        first.addWidget(QLabel("对象："))
        first.addWidget(self.table_filter)
        first.addStretch(1)
        first.addWidget(self.count_label)
        second = QHBoxLayout()
        second.addWidget(QLabel("日期："))
        second.addWidget(self.start_filter)
        second.addWidget(QLabel("至"))
        second.addWidget(self.end_filter)
        second.addSpacing(8)
        second.addWidget(QLabel("查找："))
        second.addWidget(self.text_filter, 1)
        second.addWidget(self.clear_button)
        second.addWidget(self.refresh_button)

        # --- the table
        self.model = AuditTableModel(ctx, self)
        self.table = QTableView()
        self.table.setObjectName("audit_table_view")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table_copy.add_context_menu(self.table)  # 复制: the selected rows, for Excel or WPS
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        metrics = self.table.fontMetrics()
        for column, sample in enumerate(
            ("2026-06-15 10:20:30", "王建国王", "登录登", "监督单位 #12 区发展和改革委员")
        ):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 18)
        header.setStretchLastSection(True)

        # --- the detail pane
        self.detail_title = QLabel("选中一条日志，可在此查看修改前后的内容。")
        self.detail_title.setObjectName("audit_detail_title")
        self.detail_title.setWordWrap(True)
        self.detail_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QTableWidget(0, 3)
        self.detail.setObjectName("audit_detail")
        self.detail.setHorizontalHeaderLabels(["字段", "修改前", "修改后"])
        self.detail.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.detail.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.detail.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.detail.setWordWrap(True)
        self.detail.verticalHeader().setVisible(False)
        detail_header = self.detail.horizontalHeader()
        detail_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        detail_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        detail_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        detail_host = QWidget()
        detail_box = QVBoxLayout(detail_host)
        detail_box.setContentsMargins(0, 4, 0, 0)
        detail_box.addWidget(self.detail_title)
        detail_box.addWidget(self.detail, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail_host)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)

        # --- the bottom
        self.export_button = QPushButton("导出…")
        self.export_button.setObjectName("audit_export")
        self.export_button.setAutoDefault(False)
        self.close_button = QPushButton("关闭")
        self.close_button.setAutoDefault(False)
        self.status = QLabel()
        self.status.setObjectName("audit_status")
        self.status.setStyleSheet(HINT_STYLE)
        bottom = QHBoxLayout()
        bottom.addWidget(
            QLabel("审计日志只能查看，不能修改或删除。"),
        )
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(first)
        layout.addLayout(second)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(300)
        self._text_timer.timeout.connect(self.apply_filters)
        for combo in (self.member_filter, self.action_filter, self.table_filter):
            combo.currentIndexChanged.connect(self.apply_filters)
        for edit in (self.start_filter, self.end_filter):
            edit.dateChanged.connect(self.apply_filters)
        self.text_filter.textChanged.connect(lambda _text: self._text_timer.start())
        self.text_filter.returnPressed.connect(self.apply_filters)
        self.clear_button.clicked.connect(self.clear_filters)
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export)
        self.close_button.clicked.connect(self.close)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        ctx.hub.changed.connect(self._on_changes)

        self.apply_filters()
        self.resize(980, 640)

    # --- filters ---------------------------------------------------------------------

    def _fill_filters(self) -> None:
        self.names = dict(audit.members(self.ctx.db))
        for combo in (self.member_filter, self.action_filter, self.table_filter):
            combo.blockSignals(True)
        member = self.member_filter.currentData()
        table = self.table_filter.currentData()
        self.member_filter.clear()
        self.member_filter.addItem("全部", None)
        for member_id, name in self.names.items():
            self.member_filter.addItem(name, member_id)
        self.member_filter.addItem(NOBODY, audit.NO_MEMBER)
        if self.action_filter.count() == 0:
            self.action_filter.addItem("全部", None)
            for action in AuditAction:
                self.action_filter.addItem(action.label, action.value)
        self.table_filter.clear()
        self.table_filter.addItem("全部", None)
        for name in audit.tables(self.ctx.db):
            self.table_filter.addItem(audit.table_label(name), name)
        for combo, value in ((self.member_filter, member), (self.table_filter, table)):
            found = combo.findData(value)
            combo.setCurrentIndex(max(0, found))
        for combo in (self.member_filter, self.action_filter, self.table_filter):
            combo.blockSignals(False)

    def filters(self) -> dict[str, Any]:
        """The filters as ``audit.query`` takes them."""
        return {
            "member_id": self.member_filter.currentData(),
            "action": self.action_filter.currentData(),
            "table": self.table_filter.currentData(),
            "start": _chosen_date(self.start_filter),
            "end": _chosen_date(self.end_filter),
            "text": self.text_filter.text().strip() or None,
        }

    def apply_filters(self) -> None:
        self._text_timer.stop()
        self.model.set_filters(self.filters())
        self.count_label.setText(f"共 {self.model.total} 条")
        self.show_detail(None)

    def clear_filters(self) -> None:
        widgets: tuple[QWidget, ...] = (
            self.member_filter,
            self.action_filter,
            self.table_filter,
            self.start_filter,
            self.end_filter,
            self.text_filter,
        )
        for widget in widgets:
            widget.blockSignals(True)
        for combo in (self.member_filter, self.action_filter, self.table_filter):
            combo.setCurrentIndex(0)
        self.start_filter.setDate(NO_DATE)
        self.end_filter.setDate(NO_DATE)
        self.text_filter.clear()
        for widget in widgets:
            widget.blockSignals(False)
        self.apply_filters()

    def refresh(self) -> None:
        """Read the log again (entries written meanwhile, on this PC or another)."""
        selected = self.selected()
        self._fill_filters()
        self.apply_filters()
        if selected is not None:
            for row, entry in enumerate(self.model.rows):
                if entry.id == selected.id:
                    self.table.selectRow(row)
                    break

    def _on_changes(self, changes: ChangeSet) -> None:
        if changes.touches("audit_entries"):
            self.refresh()

    # --- the detail pane -------------------------------------------------------------

    def selected(self) -> AuditRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.show_detail(self.selected())

    def show_detail(self, entry: AuditRow | None) -> None:
        self.detail.setRowCount(0)
        if entry is None:
            self.detail_title.setText("选中一条日志，可在此查看修改前后的内容。")
            return
        who = entry.member_name or NOBODY
        parts = [f"{entry.at:%Y-%m-%d %H:%M:%S}", who, entry.action_label]
        if entry.object_text:
            parts.append(entry.object_text)
        title = "　".join(parts)
        if entry.description and entry.description != entry.action_label:
            title += f"\n{entry.description}"
        self.detail_title.setText(title)
        rows = audit.details(entry, self.names)
        self.detail.setRowCount(len(rows))
        bold = QFont(self.detail.font())
        bold.setBold(True)
        for line, (label, before, after, changed) in enumerate(rows):
            for column, text in enumerate((label, before, after)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                if changed and entry.before is not None:
                    item.setBackground(CHANGED_BRUSH)
                    if column == 0:
                        item.setFont(bold)
                if column:
                    item.setToolTip(text if len(text) > 30 else "")
                self.detail.setItem(line, column, item)
        self.detail.resizeRowsToContents()

    # --- export ----------------------------------------------------------------------

    def export(self) -> None:
        from wsjc_desktop.ui import filedialogs
        from wsjc_desktop.ui.export import configured_export_folder

        path = filedialogs.save_file(
            self,
            filedialogs.Purpose.EXPORT,
            "导出审计日志",
            f"审计日志{datetime.now():%Y%m%d}.xlsx",
            "Excel 工作簿 (*.xlsx)",
            default_folder=configured_export_folder(self.ctx),
            suffix=".xlsx",
        )
        if path is None:
            return
        written = run_action(
            self, lambda: audit.export_log(self.ctx.db, path, **self.filters()), title="无法导出"
        )
        if written is None:
            return
        self.status.setText(f"已导出 {written} 条：{Path(path).name}")
