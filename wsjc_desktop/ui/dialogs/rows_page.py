"""A settings page that is a table of editable rows with 添加 and 删除 under it (设置 → 导入's
other ways of writing an option, 设置 → 影响期's months): the layout and the removal they share."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)


class RowsPage(QWidget):
    """``intro`` over a table of ``headers``; 添加 calls :meth:`add_row`, which a page defines;
    ``extra`` buttons stand at the right of the row of buttons."""

    def __init__(
        self,
        intro_text: str,
        headers: Sequence[str],
        name: str,
        *,
        extra: Sequence[QPushButton] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        intro = QLabel(intro_text)
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(headers))
        self.table.setObjectName(name)
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton("添加")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button = QPushButton("删除")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        for button in extra:
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def add_row(self) -> int:
        raise NotImplementedError

    def remove_selected(self) -> None:
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)
