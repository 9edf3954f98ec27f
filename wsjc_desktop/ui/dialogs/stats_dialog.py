"""年度统计: the year's figures, the records behind each, the ready sentences, and the exports.

The figures come from :func:`wsjc_desktop.services.stats.compute` (one read; the records behind a
figure are fetched when it is selected); the workbook and the PDF from
:mod:`wsjc_desktop.services.yearend`. The dialog is not modal: double-clicking a record emits
:attr:`StatsDialog.open_record`, which the main window connects to its ``show_record``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import stats, yearend
from wsjc_desktop.ui.actions import run_action, wait_cursor
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.export import offer_open
from wsjc_desktop.ui.print_preview import safe_file_name

__all__ = ["FigureTree", "StatsDialog", "TraceModel", "open_stats_dialog"]

ROLE = Qt.ItemDataRole.UserRole
HINT_STYLE = "color: #666;"
ZERO_COLOR = QColor("#999999")
DATE_FORMAT = "yyyy-MM-dd"
ALL = "全组"
#: Changes to these do not change any figure.
IGNORED_TABLES = frozenset(
    {"settings", "audit_entries", "attachments", "doc_sequences", "family_members", "risk_points"}
)
PICK_HINT = "选择左侧的统计项，这里列出它统计的每一条记录；双击记录可打开它。"

#: A scope: None (the group), ("unit", id) or ("member", id).
Scope = tuple[str, int] | None


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class FigureTree(QTreeWidget):
    """The figures grouped by section; Ctrl+C copies “统计项<Tab>数量” lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stats_figures")
        self.setColumnCount(3)
        self.setHeaderLabels(["统计项", "数量", "单位"])
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        char = self.fontMetrics().horizontalAdvance("汉")
        for column, chars in ((1, 5), (2, 3)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.setColumnWidth(column, char * chars + 12)
        self.copy_action = QAction("复制（统计项和数量）", self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.triggered.connect(self.copy_selection)
        self.addAction(self.copy_action)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def figure_items(self) -> Iterator[QTreeWidgetItem]:
        for i in range(self.topLevelItemCount()):
            section = self.topLevelItem(i)
            if section is None:
                continue
            for j in range(section.childCount()):
                child = section.child(j)
                if child is not None:
                    yield child

    def copy_text(self) -> str:
        """The selected figures (a selected section: all of its figures; nothing: every figure)."""
        selected = set(map(id, self.selectedItems()))
        items = [
            item
            for item in self.figure_items()
            if not selected
            or id(item) in selected
            or (item.parent() is not None and id(item.parent()) in selected)
        ]
        return "\n".join(f"{item.text(0)}\t{item.text(1)}" for item in items)

    def copy_selection(self) -> None:
        text = self.copy_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # the item view's own Ctrl+C would copy only the current cell's text
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)


class TraceModel(QAbstractListModel):
    """The records behind a figure: tens of thousands of lines in a large file, set at once."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[stats.TraceRow] = []

    def set_rows(self, rows: list[stats.TraceRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row.text
        if role == ROLE:
            return (row.table, row.record_id)
        return None


class StatsDialog(QDialog):
    """工具 → 年度统计."""

    open_record = Signal(str, int)  # (table, id)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: stats.Report | None = None
        self.stale = False
        self.setObjectName("stats_dialog")
        self.setWindowTitle("年度统计")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(False)
        today = ctx.today

        # the period and the 统计 button
        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("stats_year")
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(today.year)
        self.year_spin.setSuffix(" 年")
        self.custom_check = QCheckBox("自定义时段")
        self.custom_check.setObjectName("stats_custom")
        self.start_edit = self._date_edit("stats_start", date(today.year, 1, 1))
        self.end_edit = self._date_edit("stats_end", today)
        self.run_button = QPushButton("统计")
        self.run_button.setObjectName("stats_run")
        self.run_button.setToolTip("按所选时段重新统计")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        self.custom_check.toggled.connect(self._custom_toggled)
        self.year_spin.valueChanged.connect(self._period_changed)
        self.start_edit.dateChanged.connect(self._period_changed)
        self.end_edit.dateChanged.connect(self._period_changed)
        self.to_label = QLabel("至")
        top = QHBoxLayout()
        top.addWidget(QLabel("年度："))
        top.addWidget(self.year_spin)
        top.addSpacing(12)
        top.addWidget(self.custom_check)
        top.addWidget(self.start_edit)
        top.addWidget(self.to_label)
        top.addWidget(self.end_edit)
        top.addSpacing(12)
        top.addWidget(self.run_button)
        top.addStretch(1)
        self.status = QLabel()
        self.status.setObjectName("stats_status")
        self.status.setWordWrap(True)
        self.status.setStyleSheet(HINT_STYLE)

        # the figures, with the scope they are for
        self.scope_combo = QComboBox()
        self.scope_combo.setObjectName("stats_scope")
        self.scope_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.scope_combo.setMinimumContentsLength(12)
        self.scope_combo.addItem(ALL, None)
        self.scope_combo.currentIndexChanged.connect(self._scope_changed)
        self.figures = FigureTree()
        self.figures.currentItemChanged.connect(self._show_trace)
        scope_row = QHBoxLayout()
        scope_row.addWidget(QLabel("范围："))
        scope_row.addWidget(self.scope_combo, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(scope_row)
        left_layout.addWidget(self.figures, 1)

        # the records behind the selected figure
        self.trace_title = QLabel()
        self.trace_title.setObjectName("stats_trace_title")
        bold = QFont(self.trace_title.font())
        bold.setBold(True)
        self.trace_title.setFont(bold)
        self.trace_count = QLabel()
        self.trace_count.setObjectName("stats_trace_count")
        self.trace_model = TraceModel(self)
        self.trace_list = QListView()
        self.trace_list.setObjectName("stats_trace")
        self.trace_list.setModel(self.trace_model)
        self.trace_list.setUniformItemSizes(True)
        self.trace_list.setAlternatingRowColors(True)
        self.trace_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.trace_list.activated.connect(self._activate)
        self.trace_hint = QLabel(PICK_HINT)
        self.trace_hint.setWordWrap(True)
        self.trace_hint.setStyleSheet(HINT_STYLE)
        trace_head = QHBoxLayout()
        trace_head.addWidget(self.trace_title, 1)
        trace_head.addWidget(self.trace_count)
        trace = QWidget()
        trace_layout = QVBoxLayout(trace)
        trace_layout.setContentsMargins(0, 0, 0, 0)
        trace_layout.addLayout(trace_head)
        trace_layout.addWidget(self.trace_list, 1)
        trace_layout.addWidget(self.trace_hint)

        # the ready sentences
        self.sentences = QPlainTextEdit()
        self.sentences.setObjectName("stats_sentences")
        self.sentences.setReadOnly(True)
        self.copy_button = QPushButton("复制到剪贴板")
        self.copy_button.setObjectName("stats_copy")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_sentences)
        self.copy_note = QLabel()
        self.copy_note.setObjectName("stats_copy_note")
        self.copy_note.setStyleSheet(HINT_STYLE)
        text_head = QHBoxLayout()
        text_head.addWidget(QLabel("文字材料（全组，可直接用于年度总结）"), 1)
        text_head.addWidget(self.copy_note)
        text_head.addWidget(self.copy_button)
        texts = QWidget()
        text_layout = QVBoxLayout(texts)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.addLayout(text_head)
        text_layout.addWidget(self.sentences, 1)

        right = QSplitter(Qt.Orientation.Vertical)
        right.setChildrenCollapsible(False)
        right.addWidget(trace)
        right.addWidget(texts)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("stats_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)

        # the exports and 关闭
        self.export_xlsx_button = QPushButton("导出 Excel…")
        self.export_xlsx_button.setObjectName("stats_export_xlsx")
        self.export_xlsx_button.setToolTip("汇总、分单位、分人员和文字材料，一个工作簿")
        self.export_xlsx_button.clicked.connect(self.export_xlsx)
        self.export_pdf_button = QPushButton("导出 PDF…")
        self.export_pdf_button.setObjectName("stats_export_pdf")
        self.export_pdf_button.setToolTip("全组的工作统计表和文字材料，可直接打印")
        self.export_pdf_button.clicked.connect(self.export_pdf)
        for button in (self.export_xlsx_button, self.export_pdf_button):
            button.setAutoDefault(False)
            button.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText("关闭")
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.export_xlsx_button)
        bottom.addWidget(self.export_pdf_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)

        self._custom_toggled(False)
        self._show_trace(None)
        ctx.hub.changed.connect(self._on_changes)
        self.resize(1000, 700)
        self.splitter.setSizes([520, 480])

    def _date_edit(self, name: str, day: date) -> QDateEdit:
        edit = QDateEdit(_qdate(day))
        edit.setObjectName(name)
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setCalendarPopup(True)
        edit.setMinimumDate(QDate(2000, 1, 1))
        edit.setMaximumDate(QDate(2100, 12, 31))
        return edit

    # --- the period ---------------------------------------------------------------------

    def period(self) -> stats.Period:
        """The period the controls show (a UserError when the custom dates are the wrong way round)."""
        if self.custom_check.isChecked():
            return stats.Period(_pydate(self.start_edit.date()), _pydate(self.end_edit.date()))
        return stats.Period.year(self.year_spin.value())

    def set_year(self, year: int) -> None:
        self.custom_check.setChecked(False)
        self.year_spin.setValue(year)

    def set_range(self, start: date, end: date) -> None:
        self.custom_check.setChecked(True)
        self.start_edit.setDate(_qdate(start))
        self.end_edit.setDate(_qdate(end))

    def _custom_toggled(self, custom: bool) -> None:
        self.year_spin.setEnabled(not custom)
        for widget in (self.start_edit, self.to_label, self.end_edit):
            widget.setEnabled(custom)
        if custom and self.report is not None and self.report.period.is_year:
            # start from the year shown, up to today when it is this year
            year = self.year_spin.value()
            end = min(date(year, 12, 31), max(date(year, 1, 1), self.ctx.today))
            self.start_edit.setDate(QDate(year, 1, 1))
            self.end_edit.setDate(_qdate(end))
        self._period_changed()

    def _period_changed(self) -> None:
        if self.report is None:
            return
        try:
            changed = self.period() != self.report.period
        except UserError:
            changed = True
        self._set_stale(changed, "统计时段已更改，请点“统计”重新统计。")

    def _on_changes(self, changes: ChangeSet) -> None:
        if self.report is not None and changes.tables - IGNORED_TABLES:
            self._set_stale(True, "数据已有变动，请点“统计”更新。")

    def _set_stale(self, stale: bool, why: str) -> None:
        self.stale = stale
        for button in (self.export_xlsx_button, self.export_pdf_button):
            button.setEnabled(self.report is not None and not stale)
        self._show_status(why if stale else "")

    def _show_status(self, extra: str = "") -> None:
        report = self.report
        if report is None:
            self.status.setText(extra)
            return
        period = report.period
        text = (
            f"统计时段：{stats.cn_date(period.start)}至{stats.cn_date(period.end)}；"
            f"逾期按{stats.cn_date(report.today)}判断；回收站中的记录不计入。"
        )
        self.status.setText(f"{text}{extra}")

    # --- computing ----------------------------------------------------------------------

    def run(self) -> stats.Report | None:
        """统计: count the period's figures (a wait cursor: a large file takes a second)."""
        period = run_action(self, self.period, title="无法统计")
        if period is None:
            return None
        report = run_action(
            self,
            lambda: stats.compute(self.ctx.db, period, today=self.ctx.today),
            busy=True,
            title="无法统计",
        )
        if report is None:
            return None
        self.report = report
        self._fill_scopes(report)
        self._fill_figures()
        self.sentences.setPlainText(yearend.sentences_text(report))
        self.copy_note.clear()
        self._set_stale(False, "")
        return report

    def _fill_scopes(self, report: stats.Report) -> None:
        wanted = self.scope_combo.currentData()
        combo = self.scope_combo
        combo.blockSignals(True)
        try:
            combo.clear()
            combo.addItem(ALL, None)
            if report.units:
                combo.insertSeparator(combo.count())
                for unit_id, name in report.units.items():
                    combo.addItem(f"单位：{name}", f"unit:{unit_id}")
            if report.members:
                combo.insertSeparator(combo.count())
                for member_id, name in report.members.items():
                    combo.addItem(f"人员：{name}", f"member:{member_id}")
            found = combo.findData(wanted) if wanted is not None else 0
            combo.setCurrentIndex(max(0, found))
        finally:
            combo.blockSignals(False)

    def scope(self) -> Scope:
        data = self.scope_combo.currentData()
        if not data:
            return None
        kind, _, scope_id = str(data).partition(":")
        return kind, int(scope_id)

    def set_scope(self, scope: Scope) -> None:
        index = self.scope_combo.findData(f"{scope[0]}:{scope[1]}") if scope is not None else 0
        if index >= 0:
            self.scope_combo.setCurrentIndex(index)

    def _scope_args(self) -> dict[str, int]:
        scope = self.scope()
        if scope is None:
            return {}
        kind, scope_id = scope
        return {"unit_id": scope_id} if kind == "unit" else {"member_id": scope_id}

    def _scope_changed(self, _index: int) -> None:
        self._fill_figures()

    def _fill_figures(self) -> None:
        report = self.report
        tree = self.figures
        current = self.current_key()
        tree.blockSignals(True)
        try:
            tree.clear()
            if report is None:
                return
            sections: dict[str, QTreeWidgetItem] = {}
            bold = QFont(tree.font())
            bold.setBold(True)
            for fig in report.figures(**self._scope_args()):
                section = sections.get(fig.section)
                if section is None:
                    section = QTreeWidgetItem([fig.section])
                    section.setFont(0, bold)
                    sections[fig.section] = section
                    tree.addTopLevelItem(section)
                    section.setFirstColumnSpanned(True)
                item = QTreeWidgetItem([fig.label, str(fig.value), fig.measure_unit])
                item.setData(0, ROLE, fig.key)
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setTextAlignment(2, Qt.AlignmentFlag.AlignCenter)
                if not fig.value:
                    for column in range(3):
                        item.setForeground(column, QBrush(ZERO_COLOR))
                section.addChild(item)
            tree.expandAll()
        finally:
            tree.blockSignals(False)
        # the figure chosen stays chosen; none is chosen for the user (its records take a moment)
        if not self.select_figure(current or ""):
            self._show_trace(None)

    def current_key(self) -> str | None:
        item = self.figures.currentItem()
        key = item.data(0, ROLE) if item is not None else None
        return str(key) if key else None

    def figure_item(self, key: str) -> QTreeWidgetItem | None:
        return next((item for item in self.figures.figure_items() if item.data(0, ROLE) == key), None)

    def select_figure(self, key: str) -> bool:
        """Make a figure current (its records are listed); False when the scope does not have it."""
        item = self.figure_item(key)
        if item is None:
            return False
        if self.figures.currentItem() is item:
            self._show_trace(item)  # current already: the list is refreshed all the same
        else:
            self.figures.setCurrentItem(item)  # lists its records
        self.figures.scrollToItem(item)
        return True

    # --- the records behind a figure ----------------------------------------------------

    def _show_trace(self, item: QTreeWidgetItem | None, _previous: Any = None) -> None:
        self.trace_model.set_rows([])
        key = item.data(0, ROLE) if item is not None else None
        report = self.report
        if report is None or not key:
            self.trace_title.setText("统计的记录")
            self.trace_count.clear()
            self.trace_hint.setText(PICK_HINT)
            return
        assert item is not None
        with wait_cursor():
            rows = report.trace(str(key), **self._scope_args())
            self.trace_model.set_rows(rows)
        self.trace_title.setText(item.text(0))
        self.trace_count.setText(f"共 {len(rows)} 条记录")
        fig = stats.figure(str(key))
        if fig.weight is not None or fig.distinct is not None:
            self.trace_hint.setText("该项不是按记录条数计数，列出的是计入它的记录。双击记录可打开它。")
        elif not rows:
            self.trace_hint.setText("该项为 0，没有记录。")
        else:
            self.trace_hint.setText("双击记录可打开它。")

    def trace_rows(self) -> list[stats.TraceRow]:
        """The records listed."""
        return list(self.trace_model.rows)

    def _activate(self, index: QModelIndex) -> None:
        data = index.data(ROLE)
        if data:
            table, record_id = data
            self.open_record.emit(str(table), int(record_id))

    # --- text and exports ---------------------------------------------------------------

    def copy_sentences(self) -> None:
        text = self.sentences.toPlainText()
        if not text:
            return
        QGuiApplication.clipboard().setText(text)
        self.copy_note.setText("已复制")

    def _ask_path(self, caption: str, name: str, filters: str, suffix: str) -> Path | None:
        from wsjc_desktop.ui import filedialogs
        from wsjc_desktop.ui.export import configured_export_folder

        return filedialogs.save_file(
            self,
            filedialogs.Purpose.EXPORT,
            caption,
            safe_file_name(name),
            filters,
            default_folder=configured_export_folder(self.ctx),
            suffix=suffix,
        )

    def _export(self, write: Callable[[stats.Report, Path], int], suffix: str, filters: str) -> Path | None:
        report = self.report
        if report is None or self.stale:
            return None
        path = self._ask_path(
            f"导出{yearend.period_title(report.period)}工作统计",
            yearend.file_name(report, suffix),
            filters,
            suffix,
        )
        if path is None:
            return None
        written = run_action(self, lambda: write(report, path), busy=True, title="无法导出")
        if written is None:
            return None
        offer_open(self, path, written)
        return path

    def export_xlsx(self) -> Path | None:
        """导出 Excel…: 汇总, 分单位, 分人员 and 文字材料 of the period shown."""
        return self._export(
            lambda report, path: yearend.export_xlsx(self.ctx.db, report, path),
            ".xlsx",
            "Excel 工作簿 (*.xlsx)",
        )

    def export_pdf(self) -> Path | None:
        """导出 PDF…: the group's 工作统计表 with the sentences."""

        def write(report: stats.Report, path: Path) -> int:
            yearend.export_pdf(self.ctx.db, report, path)
            return len(report.figures())

        return self._export(write, ".pdf", "PDF 文件 (*.pdf)")


def open_stats_dialog(parent: QWidget | None, ctx: AppContext) -> StatsDialog:
    """Open 年度统计 (not modal) on this year's figures."""
    dialog = StatsDialog(ctx, parent)
    dialog.run()
    dialog.show()
    dialog.activateWindow()
    return dialog
