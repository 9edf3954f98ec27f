"""The foot of a dossier: every talk, meeting opinion and notice about the cadre."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTableWidget, QTableWidgetItem, QWidget

from wsjc_desktop.services.display import format_date
from wsjc_desktop.services.dossier import TimelineItem
from wsjc_desktop.ui import table_copy


class TimelineTable(QTableWidget):
    """Every talk, meeting opinion and notice about the cadre, newest first."""

    open_related = Signal(str, int)
    MAX_ROWS = 10

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setObjectName("dossier_timeline")
        self.setHorizontalHeaderLabels(["日期", "类型", "标题"])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(26)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        width = self.fontMetrics().horizontalAdvance("汉")
        self.setColumnWidth(0, width * 7)
        self.setColumnWidth(1, width * 8)
        self.setToolTip("双击打开对应记录")
        self.itemDoubleClicked.connect(self._open)
        table_copy.add_context_menu(self, self._menu_entries)

    def show_items(self, items: Sequence[TimelineItem]) -> None:
        self.setRowCount(len(items))
        for row, item in enumerate(items):
            cells = (format_date(item.on), item.kind, item.title)
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, (item.table, item.record_id))
                if col == 2 and len(text) > 40:
                    cell.setToolTip(text)
                self.setItem(row, col, cell)
        shown = max(1, min(len(items), self.MAX_ROWS))
        self.setFixedHeight(
            self.horizontalHeader().sizeHint().height()
            + shown * self.verticalHeader().defaultSectionSize()
            + 2 * self.frameWidth()
        )

    def _open(self, item: QTableWidgetItem) -> None:
        table, record_id = item.data(Qt.ItemDataRole.UserRole)
        self.open_related.emit(str(table), int(record_id))

    def _menu_entries(self, menu: QMenu) -> None:
        item = self.currentItem()
        action = QAction("打开", menu)
        action.setEnabled(item is not None and item.isSelected())
        if item is not None:
            action.triggered.connect(lambda: self._open(item))
        menu.addAction(action)
