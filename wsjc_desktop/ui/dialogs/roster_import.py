"""导入花名册: pick a roster file, see what every row would do, then import the valid rows.

The dialog only shows the preview and calls the importer; reading, matching and writing
are in :mod:`wsjc_desktop.services.roster_import`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.services.roster_import import (
    ImportResult,
    PreviewRow,
    RosterPreview,
    RowAction,
    import_roster,
    preview_roster,
    save_template,
)
from wsjc_desktop.ui import filedialogs
from wsjc_desktop.ui.actions import run_action, user_action
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.filedialogs import Purpose

COLUMNS = ("行号", "姓名", "单位", "操作", "问题")
ERROR_BACKGROUND = QColor("#fde2e1")
WARNING_BACKGROUND = QColor("#fff6d6")
FILE_FILTER = "花名册 (*.xlsx *.xls *.csv);;Excel 工作簿 (*.xlsx);;Excel 97-2003 (*.xls);;CSV (*.csv)"
#: Above this many rows the import shows a progress dialog.
PROGRESS_THRESHOLD = 500

Index = QModelIndex | QPersistentModelIndex


class HasIssues(Protocol):
    """A previewed row: its errors and warnings, each (column label, message)."""

    errors: list[tuple[str, str]]
    warnings: list[tuple[str, str]]


def problems_text(row: HasIssues) -> str:
    parts = [f"{col}：{msg}" if col else msg for col, msg in row.errors]
    parts += [f"提示 {col}：{msg}" if col else f"提示：{msg}" for col, msg in row.warnings]
    return "；".join(parts)


class RowsPreviewModel(QAbstractTableModel):
    """An import's preview rows, one line each (the texts of :meth:`cells` under ``columns``);
    error rows are tinted red, rows with warnings yellow. The roster's and the ledgers' previews."""

    columns: tuple[str, ...] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def cells(self, row: Any) -> Sequence[str]:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(self.columns):
            return self.columns[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            texts = self.cells(row)
            return texts[index.column()] if 0 <= index.column() < len(texts) else None
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.errors:
                return ERROR_BACKGROUND
            if row.warnings:
                return WARNING_BACKGROUND
        return None


def preview_table(model: RowsPreviewModel, widths: Sequence[int]) -> QTableView:
    """The read-only table an import's preview is shown in: whole rows selected, the last column
    (the problems) taking the rest of the width."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for col, width in enumerate(widths):
        table.setColumnWidth(col, width)
    return table


class PreviewModel(RowsPreviewModel):
    """The roster's rows: 行号, 姓名, 单位, 操作, 问题."""

    columns = COLUMNS

    def cells(self, row: PreviewRow) -> Sequence[str]:
        return (str(row.row), row.name, row.unit_name, row.action.value, problems_text(row))


class RosterImportDialog(QDialog):
    """Preview a roster, then 导入有效行 in one transaction (or nothing)."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, path: Path | str | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview: RosterPreview | None = None
        self.import_result: ImportResult | None = None
        self.setWindowTitle("导入花名册")
        self.resize(860, 560)

        self.file_label = QLabel("尚未选择文件。")
        self.choose_button = QPushButton("选择文件…")
        self.choose_button.clicked.connect(self.choose_file)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(self.choose_button)

        self.model = PreviewModel(self)
        self.table = preview_table(self.model, (50, 90, 160, 60))

        self.summary_label = QLabel("")
        self.summary_label.setWordWrap(True)
        self.notes_label = QLabel("")
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet("color: #666;")

        self.import_button = QPushButton("导入有效行")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.import_valid_rows)
        self.template_button = QPushButton("保存空白模板…")
        self.template_button.clicked.connect(self.save_blank_template)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.template_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.notes_label)
        layout.addLayout(buttons)

        if path is not None:
            self.load(Path(path))

    # --- actions --------------------------------------------------------------------

    def choose_file(self) -> None:
        path = filedialogs.open_file(self, Purpose.IMPORT, "选择花名册文件", FILE_FILTER)
        if path is not None:
            self.load(path)

    def load(self, path: Path) -> None:
        run_action(
            self,
            lambda: preview_roster(self.ctx.db, path),
            busy=True,
            title="无法读取花名册",
            on_done=self.show_preview,
        )

    def show_preview(self, preview: RosterPreview) -> None:
        self.preview = preview
        self.file_label.setText(
            f"文件：{preview.path.name}（工作表“{preview.sheet_name}”，表头在第{preview.header_row}行）"
        )
        self.model.set_rows(preview.rows)
        self.summary_label.setText(preview.summary())
        notes = list(preview.warnings)
        if preview.new_units:
            notes.append("将新建单位：" + "、".join(preview.new_units))
        self.notes_label.setText("\n".join(notes))
        writable = preview.count(RowAction.NEW) + preview.count(RowAction.UPDATE)
        self.import_button.setEnabled(writable > 0)

    def import_valid_rows(self) -> None:
        if self.preview is None:
            return
        total = len(self.preview.rows)
        progress: QProgressDialog | None = None
        if total >= PROGRESS_THRESHOLD:
            progress = QProgressDialog("正在导入花名册…", "", 0, total, self)
            progress.setWindowTitle("导入花名册")
            progress.setCancelButton(None)  # one transaction: stopping halfway is not offered
            progress.setWindowModality(Qt.WindowModality.WindowModal)
            progress.setMinimumDuration(0)

        def report(done: int, count: int) -> None:
            if progress is not None:
                progress.setValue(done)
                QApplication.processEvents()

        preview = self.preview
        try:
            result = run_action(
                self, lambda: import_roster(self.ctx.db, preview, progress=report), title="导入失败"
            )
        finally:
            if progress is not None:
                progress.close()
        if result is None:
            return
        self.import_result = result
        QMessageBox.information(
            self,
            "导入完成",
            f"新增 {result.imported} 人，更新 {result.updated} 人，无变化 {result.unchanged} 人，"
            f"跳过 {result.skipped} 行。",
        )
        self.accept()

    def save_blank_template(self) -> None:
        # the template is filled in and then imported: it shares the 导入 folder
        path = filedialogs.save_file(
            self, Purpose.IMPORT, "保存空白模板", "花名册模板.xlsx", "Excel 工作簿 (*.xlsx)", suffix=".xlsx"
        )
        if path is None:
            return
        with user_action(self, title="无法保存模板") as action:
            save_template(path)
        if action.failed:
            return
        QMessageBox.information(self, "已保存", f"空白模板已保存到：{path}")
