"""信息采集: 生成信息采集表 (choose a unit and a file) and 导入信息采集表 (a preview per cadre, old →
new, then 导入 or 取消).

The dialogs only gather choices and show what the service says; making, reading, matching and
writing are in :mod:`wsjc_desktop.services.collect`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.services.collect import (
    Action,
    CollectPreview,
    CollectResult,
    MadeCollection,
    default_file_name,
    import_collection,
    make_collection,
    preview_collection,
    unit_choices,
)
from wsjc_desktop.ui import filedialogs
from wsjc_desktop.ui.actions import run_action
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.filedialogs import Purpose

FILE_FILTER = "信息采集表 (*.xlsx)"
COLUMNS = ("干部 / 内容", "项目", "原值", "新值")
NEW_COLOUR = QColor("#1b6e20")
ERROR_COLOUR = QColor("#b00020")


class CollectMakeDialog(QDialog):
    """生成信息采集表: the unit, the file, 生成."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.made: MadeCollection | None = None
        self.setWindowTitle("生成信息采集表")
        self.resize(560, 240)

        intro = QLabel(
            "为一个单位生成信息采集表（Excel），表中预先填入该单位的干部基本信息、家庭成员和个人有关事项报告。"
            "单位核对、补充后交回，再用“文件 → 导入信息采集表”导入。"
        )
        intro.setWordWrap(True)
        self.unit_box = QComboBox()
        for unit_id, name in unit_choices(ctx.db):
            self.unit_box.addItem(name, unit_id)
        self.unit_box.currentIndexChanged.connect(self._suggest_name)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("选择保存位置")
        self.browse_button = QPushButton("选择…")
        self.browse_button.clicked.connect(self.choose_file)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        form = QFormLayout()
        form.addRow("单位：", self.unit_box)
        form.addRow("保存到：", path_row)

        self.make_button = QPushButton("生成")
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(self.make)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.make_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.make_button.setEnabled(self.unit_box.count() > 0)
        self._suggest_name()

    def _suggest_name(self) -> None:
        name = self.unit_box.currentText()
        if not name:
            return
        folder = filedialogs.start_folder(Purpose.EXPORT)
        self.path_edit.setText(str(folder / default_file_name(name, self.ctx.today)))

    def choose_file(self) -> None:
        suggested = Path(self.path_edit.text()).name or default_file_name(self.unit_box.currentText())
        path = filedialogs.save_file(
            self, Purpose.EXPORT, "保存信息采集表", suggested, "Excel 工作簿 (*.xlsx)", suffix=".xlsx"
        )
        if path is not None:
            self.path_edit.setText(str(path))

    def make(self) -> None:
        text = self.path_edit.text().strip()
        if not text:
            QMessageBox.information(self, "生成信息采集表", "请选择保存位置。")
            return
        unit_id = int(self.unit_box.currentData())
        path = Path(text)
        made = run_action(
            self, lambda: make_collection(self.ctx.db, unit_id, path), busy=True, title="无法生成信息采集表"
        )
        if made is None:
            return
        self.made = made
        filedialogs.remember(Purpose.EXPORT, made.path.parent)
        QMessageBox.information(
            self,
            "已生成",
            f"已生成“{made.unit_name}”的信息采集表：干部 {made.cadres} 人，"
            f"家庭成员 {made.family_members} 人，个人有关事项报告 {made.reports} 份。\n\n{made.path}",
        )
        self.accept()


class CollectImportDialog(QDialog):
    """导入信息采集表: choose the returned file, see per cadre what changes (old → new), 导入."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, path: Path | str | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview: CollectPreview | None = None
        self.import_result: CollectResult | None = None
        self.setWindowTitle("导入信息采集表")
        self.resize(900, 600)

        self.file_label = QLabel("请选择单位交回的信息采集表。")
        self.file_label.setWordWrap(True)
        self.choose_button = QPushButton("选择文件…")
        self.choose_button.clicked.connect(self.choose_file)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(self.choose_button)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((200, 110, 190)):
            self.tree.setColumnWidth(col, width)

        self.errors_label = QLabel("错误（须改正后重新导入）：")
        self.errors_label.setStyleSheet(f"color: {ERROR_COLOUR.name()}; font-weight: bold;")
        self.errors = QListWidget()
        self.errors.setMaximumHeight(130)
        self.errors_label.hide()
        self.errors.hide()

        self.summary_label = QLabel("")
        self.summary_label.setWordWrap(True)

        self.import_button = QPushButton("导入")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.import_file)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.errors_label)
        layout.addWidget(self.errors)
        layout.addWidget(self.summary_label)
        layout.addLayout(buttons)
        if path is not None:
            self.load(Path(path))

    def choose_file(self) -> None:
        path = filedialogs.open_file(self, Purpose.IMPORT, "选择交回的信息采集表", FILE_FILTER)
        if path is not None:
            self.load(path)

    def load(self, path: Path) -> None:
        run_action(
            self,
            lambda: preview_collection(self.ctx.db, path),
            busy=True,
            title="无法读取信息采集表",
            on_done=self.show_preview,
        )

    def show_preview(self, preview: CollectPreview) -> None:
        self.preview = preview
        self.file_label.setText(
            f"文件：{preview.path.name}　　单位：{preview.unit_name}　　生成于：{preview.made_at}"
        )
        self.tree.clear()
        for group in preview.cadres:
            new = sum(1 for c in group.changes if c.action is Action.NEW)
            updated = len(group.changes) - new
            counts = "，".join(
                p for p in (f"新增{new}项" if new else "", f"更新{updated}项" if updated else "") if p
            )
            top = QTreeWidgetItem([f"{group.name}（{counts}）"])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            self.tree.addTopLevelItem(top)
            top.setFirstColumnSpanned(True)
            for change in group.changes:
                where = f"{change.sheet} 第{change.row}行"
                item = QTreeWidgetItem([f"{change.action.value}{change.kind}“{change.title}”（{where}）"])
                if change.action is Action.NEW:
                    item.setForeground(0, QBrush(NEW_COLOUR))
                top.addChild(item)
                item.setFirstColumnSpanned(True)
                for fld in change.fields:
                    item.addChild(QTreeWidgetItem(["", fld.label, fld.old, fld.new]))
        self.tree.expandAll()
        self.errors.clear()
        for issue in preview.errors:
            self.errors.addItem(issue.text())
        for issue in preview.warnings:
            self.errors.addItem("提示：" + issue.text())
        shown = bool(preview.errors or preview.warnings)
        self.errors_label.setText(
            "错误（须改正后重新选择文件，本次不会导入任何内容）：" if preview.errors else "提示："
        )
        self.errors_label.setVisible(shown)
        self.errors.setVisible(shown)
        self.summary_label.setText(preview.summary())
        self.import_button.setEnabled(preview.ok and bool(preview.changes) and not self.ctx.readonly)

    def import_file(self) -> None:
        preview = self.preview
        if preview is None:
            return
        result = run_action(
            self, lambda: import_collection(self.ctx.db, preview), busy=True, title="导入失败"
        )
        if result is None:
            return
        self.import_result = result
        QMessageBox.information(
            self,
            "导入完成",
            f"已导入“{preview.unit_name}”的信息采集表：新增 {result.imported} 条，更新 {result.updated} 条，"
            f"无变化 {result.unchanged} 条。",
        )
        self.accept()
