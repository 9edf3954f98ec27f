"""One search box across every register (Ctrl+F); results grouped by type; Enter opens one."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.services.search import KIND_LABELS, search
from wsjc_desktop.ui import table_copy
from wsjc_desktop.ui.context import AppContext

ROLE = Qt.ItemDataRole.UserRole


class SearchDialog(QDialog):
    """A hit's line shows what the screen shows (a 身份证号 masked); 复制 copies the selected hits."""

    open_record = Signal(str, int)  # (table, id)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("查找")
        self.resize(640, 520)
        self.box = QLineEdit()
        self.box.setObjectName("search_box")
        self.box.setPlaceholderText(
            "输入姓名、单位、文号、标题等（1个字起），拼音如 zs、zhangsan，或身份证号（4位起）"
        )
        self.box.setClearButtonEnabled(True)
        self.results = QTreeWidget()
        self.results.setObjectName("search_results")
        self.results.setHeaderLabels(["名称", "说明"])
        self.results.setColumnWidth(0, 260)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.results.itemActivated.connect(self._activate)
        table_copy.add_context_menu(self.results, self._menu_entries)
        self.hint = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)  # Enter opens a hit
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.hint, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addWidget(self.results, 1)
        layout.addLayout(bottom)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.run)
        self.box.textChanged.connect(self._timer.start)
        self.box.returnPressed.connect(self._open_first)

    def run(self) -> None:
        text = self.box.text().strip()
        self.results.clear()
        if not text:
            self.hint.setText("")
            return
        hits = search(self.ctx.db, text, limit=200)
        groups: dict[str, QTreeWidgetItem] = {}
        for hit in hits:
            group = groups.get(hit.kind)
            if group is None:
                group = QTreeWidgetItem([KIND_LABELS.get(hit.kind, hit.kind), ""])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                groups[hit.kind] = group
                self.results.addTopLevelItem(group)
            item = QTreeWidgetItem([hit.title, hit.subtitle])
            item.setData(0, ROLE, (hit.kind, hit.record_id))
            group.addChild(item)
        for kind, group in groups.items():
            group.setText(0, f"{KIND_LABELS.get(kind, kind)}（{group.childCount()}）")
            group.setExpanded(True)
        self.hint.setText(f"找到 {len(hits)} 条结果" if hits else f"没有找到“{text}”")
        first = next(iter(groups.values()), None)
        child = first.child(0) if first is not None else None
        if child is not None:
            self.results.setCurrentItem(child)

    def _open_first(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.run()
        item = self.results.currentItem()
        if item is not None:
            self._activate(item)

    def _menu_entries(self, menu: QMenu) -> None:
        item = self.results.currentItem()
        action = QAction("打开", menu)
        action.setEnabled(item is not None and bool(item.data(0, ROLE)))
        if item is not None:
            action.triggered.connect(lambda: self._activate(item))
        menu.addAction(action)

    def _activate(self, item: QTreeWidgetItem) -> None:
        data = item.data(0, ROLE)
        if data:
            table, record_id = data
            self.open_record.emit(str(table), int(record_id))
            self.accept()
