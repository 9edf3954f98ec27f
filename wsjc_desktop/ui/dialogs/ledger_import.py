"""导入台账: pick the kind of ledger and its file, see what every row would do, then import it.

The program's own ledgers and the clerk's past ones alike (other header names, several people in
a cell, dates in any shape). The dialog only shows the preview and calls the importer; reading,
matching and writing are in :mod:`wsjc_desktop.services.ledger_import`. Any row with an error
keeps 导入 off: the import is all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.services.ledger_import import (
    IMPORTABLE,
    LedgerPreview,
    LedgerRow,
    RowAction,
    column_choices,
    import_ledger,
    preview_ledger,
    remember_columns,
)
from wsjc_desktop.services.ledgers import LEDGERS
from wsjc_desktop.services.roster_import import ImportResult
from wsjc_desktop.ui import filedialogs
from wsjc_desktop.ui.actions import run_action
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.roster_import import RowsPreviewModel, preview_table, problems_text
from wsjc_desktop.ui.filedialogs import Purpose

COLUMNS = ("行号", "内容", "操作", "问题")
FILE_FILTER = "台账 (*.xlsx *.xls *.csv);;Excel 工作簿 (*.xlsx);;Excel 97-2003 (*.xls);;CSV (*.csv)"
#: How many filled cells of a row the 内容 column shows.
SHOWN_CELLS = 4
NO_YEAR = 0  # the year box's “自动” (from the sheet's title or the file's name)
LEAVE_OUT = "（不导入）"

Index = QModelIndex | QPersistentModelIndex


def describe(row: LedgerRow, ledger: str) -> str:
    """The first few filled cells of a row, as the sheet has them: 2023-03-05 廉政谈话 张三、李四."""
    parts: list[str] = []
    for fld in LEDGERS[ledger].fields:
        value = row.cells.get(fld.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, date):
            value = f"{value:%Y-%m-%d}"
        parts.append(str(value).replace("\n", " ").strip())
        if len(parts) == SHOWN_CELLS:
            break
    return "  ".join(parts)


class LedgerPreviewModel(RowsPreviewModel):
    """The ledger's rows: 行号, 内容 (the first cells of the row), 操作, 问题."""

    columns = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ledger = IMPORTABLE[0]

    def set_ledger_rows(self, ledger: str, rows: Sequence[LedgerRow]) -> None:
        self._ledger = ledger
        self.set_rows(rows)

    def cells(self, row: LedgerRow) -> Sequence[str]:
        action = "有错误" if row.errors else row.action.value
        return (str(row.row), describe(row, self._ledger), action, problems_text(row))


class LedgerImportDialog(QDialog):
    """Choose a ledger kind and file, preview every row, then 导入 all of it in one transaction."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        ledger: str | None = None,
        path: Path | str | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.preview: LedgerPreview | None = None
        self.import_result: ImportResult | None = None
        self.setWindowTitle("导入台账")
        self.resize(920, 580)

        self.kind_combo = QComboBox()
        for key in IMPORTABLE:
            self.kind_combo.addItem(LEDGERS[key].title, key)
        self.kind_combo.setToolTip("要导入的台账种类（花名册请用“导入花名册…”）")
        self.year_box = QSpinBox()
        self.year_box.setRange(NO_YEAR, 2100)
        self.year_box.setSpecialValueText("自动")
        self.year_box.setValue(NO_YEAR)
        self.year_box.setToolTip("只写了月日的日期（如 3月5日）按此年份理解；“自动”：从表格标题或文件名看出")
        self.create_box = QCheckBox("新建花名册中没有的人员和单位")
        self.create_box.setToolTip("不勾选时，这样的行标为错误；勾选后在该行的单位下新建")
        self.file_label = QLabel("尚未选择文件。")
        self.choose_button = QPushButton("选择文件…")
        self.choose_button.clicked.connect(self.choose_file)
        options = QHBoxLayout()
        options.addWidget(QLabel("台账："))
        options.addWidget(self.kind_combo)
        options.addSpacing(12)
        options.addWidget(QLabel("年份："))
        options.addWidget(self.year_box)
        options.addSpacing(12)
        options.addWidget(self.create_box)
        options.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(self.choose_button)

        self.model = LedgerPreviewModel(self)
        self.table = preview_table(self.model, (50, 330, 70))

        #: columns the ledger's names did not place, and what the user chose for them
        self.columns: dict[str, str] = {}
        self.column_boxes: dict[str, QComboBox] = {}
        self.columns_group = QGroupBox("未认出的列：请选择各列对应的内容（会记住，下次相同的列名自动对应）")
        self.columns_form = QFormLayout(self.columns_group)
        self.columns_group.hide()
        #: names several cadres share, and the one the user chose for each
        self.people: dict[str, int] = {}
        self.people_boxes: dict[str, QComboBox] = {}
        self.people_group = QGroupBox("同名人员：请选择台账中写的是哪一位")
        self.people_form = QFormLayout(self.people_group)
        self.people_group.hide()
        self._options: dict[str, list[tuple[int, str]]] = {}

        self.summary_label = QLabel("")
        self.summary_label.setWordWrap(True)
        self.notes_label = QLabel("")
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet("color: #666;")

        self.import_button = QPushButton("导入")
        self.import_button.setEnabled(False)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.import_all)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addLayout(top)
        layout.addWidget(self.columns_group)
        layout.addWidget(self.people_group)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.notes_label)
        layout.addLayout(buttons)

        if ledger is not None:
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(ledger)))
        # a change of kind, year or the option reads the file again
        self.kind_combo.currentIndexChanged.connect(self.change_kind)
        self.year_box.valueChanged.connect(self.reload)
        self.create_box.toggled.connect(self.reload)
        if path is not None:
            self.load(Path(path))

    @property
    def ledger(self) -> str:
        return str(self.kind_combo.currentData())

    # --- actions --------------------------------------------------------------------

    def choose_file(self) -> None:
        path = filedialogs.open_file(self, Purpose.IMPORT, "选择台账文件", FILE_FILTER)
        if path is not None:
            self.load(path)

    def reload(self) -> None:
        if self.path is not None:
            self.load(self.path)

    def change_kind(self) -> None:
        self.columns.clear()  # another ledger's columns are other fields
        self.reload()

    def load(self, path: Path) -> None:
        if path != self.path:
            self.columns.clear()
            self.people.clear()
        self.path = path
        ledger, create = self.ledger, self.create_box.isChecked()
        year = self.year_box.value() or None
        columns, people = dict(self.columns), dict(self.people)
        self.import_button.setEnabled(False)
        run_action(
            self,
            lambda: preview_ledger(
                self.ctx.db, ledger, path, create_missing=create, year=year, columns=columns, people=people
            ),
            busy=True,
            title="无法读取台账",
            on_done=self.show_preview,
        )

    def _show_columns(self, preview: LedgerPreview) -> None:
        """A choice for every column not placed by its name (and those the user placed)."""
        headers = list(dict.fromkeys([*preview.unknown_headers, *self.columns]))
        while self.columns_form.rowCount():
            self.columns_form.removeRow(0)
        self.column_boxes.clear()
        choices = column_choices(preview.ledger)
        for header in headers:
            box = QComboBox()
            box.addItem(LEAVE_OUT, "")
            for label, name in choices.items():
                box.addItem(label, name)
            chosen = self.columns.get(header)
            box.setCurrentIndex(max(0, box.findData(chosen)) if chosen else 0)
            box.currentIndexChanged.connect(
                lambda _i, h=header, b=box: self.place_column(h, str(b.currentData()))
            )
            self.columns_form.addRow(QLabel(f"“{header}”"), box)
            self.column_boxes[header] = box
        self.columns_group.setVisible(bool(headers))

    def _show_people(self, preview: LedgerPreview) -> None:
        """A choice for every name several cadres share (and those the user chose)."""
        while self.people_form.rowCount():
            self.people_form.removeRow(0)
        self.people_boxes.clear()
        known = dict(preview.ambiguous)
        for name, chosen in self.people.items():  # chosen ones no longer show as ambiguous
            known.setdefault(name, self._options.get(name, [(chosen, name)]))
        self._options.update(known)
        for name, options in known.items():
            box = QComboBox()
            box.addItem("（请选择）", 0)
            for cadre_id, label in options:
                box.addItem(label, cadre_id)
            box.setCurrentIndex(max(0, box.findData(self.people.get(name, 0))))
            box.currentIndexChanged.connect(
                lambda _i, n=name, b=box: self.choose_person(n, int(b.currentData()))
            )
            self.people_form.addRow(QLabel(f"“{name}”"), box)
            self.people_boxes[name] = box
        self.people_group.setVisible(bool(known))

    def choose_person(self, name: str, cadre_id: int) -> None:
        if cadre_id:
            self.people[name] = cadre_id
        else:
            self.people.pop(name, None)
        self.reload()

    def place_column(self, header: str, name: str) -> None:
        self.columns[header] = name
        self.reload()

    def show_preview(self, preview: LedgerPreview) -> None:
        self.preview = preview
        self._show_columns(preview)
        self._show_people(preview)
        self.file_label.setText(f"文件：{preview.path.name}（工作表“{preview.sheet_name}”）")
        self.model.set_ledger_rows(preview.ledger, preview.rows)
        self.summary_label.setText(preview.summary())
        notes = list(preview.warnings)
        if preview.year_used and self.year_box.value() == NO_YEAR:
            notes.append(f"只写了月日的日期按 {preview.year} 年理解（可在“年份”中改）。")
        if preview.new_units:
            notes.append("将新建单位：" + "、".join(preview.new_units))
        if preview.new_cadres:
            notes.append("将新建人员：" + "、".join(f"{n}（{u}）" for n, u in preview.new_cadres))
        if preview.error_rows:
            notes.append(f"有 {preview.error_rows} 行存在错误：改正文件后重新选择，全部无误才能导入。")
        self.notes_label.setText("\n".join(notes))
        writable = preview.count(RowAction.NEW) + preview.count(RowAction.UPDATE)
        self.import_button.setEnabled(writable > 0 and not preview.error_rows)

    def import_all(self) -> None:
        if self.preview is None:
            return
        preview = self.preview
        result = run_action(self, lambda: import_ledger(self.ctx.db, preview), busy=True, title="导入失败")
        if result is None:
            return
        if self.columns:  # the next file with these headers is placed alike
            run_action(self, lambda: remember_columns(self.ctx.db, preview.ledger, self.columns))
        self.import_result = result
        QMessageBox.information(
            self,
            "导入完成",
            f"新增 {result.imported} 条，更新 {result.updated} 条，无变化 {result.unchanged} 条，"
            f"跳过 {result.skipped} 行。",
        )
        self.accept()
