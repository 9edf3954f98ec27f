"""设置 → 节假日: each year's public holidays as the 国务院办公厅 notice gives them.

Two tables per year: the days off (holidays, 补假, 调休 rest days), each with its holiday's
name, and the make-up working days (Saturdays and Sundays worked). A year the user has not
entered shows the ``holidays`` package's estimate; editing it makes it the user's entry for that
year (setting ``calendar.<year>``, see ``services.workcalendar``). The page keeps the edits to
every year looked at until the dialog's 保存, which writes them in the same transaction as the
other settings (:meth:`HolidayCalendarPage.changes`); a refused entry comes back through
:meth:`HolidayCalendarPage.show_error`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.errors import UserError
from wsjc_desktop.services import settings, workcalendar
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.settings_widgets import PREVIEW_STYLE, error_label, hint_label
from wsjc_desktop.ui.forms import confirm

WARN_STYLE = "color: #9a6700;"
WEEKEND_COLOR = "#1a5276"
ERROR_COLOR = "#c0392b"
DATE_FORMAT = "yyyy-MM-dd"


def _span_text(first: date, last: date) -> str:
    """2月15日至23日, 9月29日至10月6日, 2023年12月30日至2024年1月1日."""
    start = f"{first.month}月{first.day}日"
    if first == last:
        return start
    if first.year != last.year:
        return f"{first.year}年{start}至{last.year}年{last.month}月{last.day}日"
    if first.month != last.month:
        return f"{start}至{last.month}月{last.day}日"
    return f"{start}至{last.day}日"


def _normal_entry(value: Any) -> dict[str, Any] | None:
    """A stored or edited ``calendar.<year>`` value with its rows in date order (for comparing)."""
    if not isinstance(value, dict):
        return None
    rows = value.get("days_off") or []
    days = value.get("workdays") or []
    return {
        "days_off": sorted([list(row) for row in rows], key=str),
        "workdays": sorted(days, key=str),
    }


class DateDelegate(QStyledItemDelegate):
    """A date cell, edited with a date box (typed, or picked from the calendar that pops up)."""

    def __init__(self, page: HolidayCalendarPage) -> None:
        super().__init__(page)
        self.page = page

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        editor = QDateEdit(parent)
        editor.setDisplayFormat(DATE_FORMAT)
        editor.setCalendarPopup(True)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QDateEdit)
        day = QDate.fromString(str(index.data() or ""), DATE_FORMAT)
        editor.setDate(day if day.isValid() else QDate(self.page.year, 1, 1))

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, QDateEdit)
        model.setData(index, editor.date().toString(DATE_FORMAT))


class NameDelegate(QStyledItemDelegate):
    """A holiday's name: picked from 元旦 … 国庆节, or typed (at most 10 characters)."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        editor = QComboBox(parent)
        editor.setEditable(True)
        editor.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        editor.addItems(list(workcalendar.HOLIDAY_NAMES))
        line = editor.lineEdit()
        if line is not None:
            line.setMaxLength(workcalendar.MAX_NAME_LENGTH)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setEditText(str(index.data() or ""))

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText().strip())


class HolidayCalendarPage(QWidget):
    """节假日: a year's days off (holidays, 补假, 调休 rest days) and its make-up working days.

    A year without an entry of the user's shows the ``holidays`` package's estimate; editing it
    (or 按节假日库填入) makes it the user's entry, which 保存 stores as ``calendar.<year>``;
    恢复为节假日库估算 removes the entry on 保存. Edits to several years are kept until 保存.
    The page reads nothing until it is first shown (the holiday package is slow to load).
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        today = ctx.today
        #: the year shown: next year from October on (its notice comes out late in the year)
        self.year = today.year + 1 if today.month >= 10 else today.year
        self.loaded = False
        self._filling = False
        #: per year looked at: what the database holds, and the entry as edited (None: the estimate)
        self.stored: dict[int, dict[str, Any] | None] = {}
        self.entries: dict[int, dict[str, Any] | None] = {}

        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("holiday_year")
        self.year_spin.setRange(workcalendar.FIRST_YEAR, workcalendar.LAST_YEAR)
        self.year_spin.setSuffix(" 年")
        self.year_spin.setValue(self.year)
        self.year_spin.setMinimumWidth(self.year_spin.fontMetrics().horizontalAdvance("2026 年") + 48)
        self.status = QLabel()
        self.status.setObjectName("holiday_status")
        self.status.setWordWrap(True)
        year_label = QLabel("年份")
        year_label.setBuddy(self.year_spin)

        self.days_table = self._table(("日期", "星期", "名称"), "holiday_days_off")
        self.days_table.setItemDelegateForColumn(2, NameDelegate(self))
        self.work_table = self._table(("日期", "星期"), "holiday_workdays")
        self.add_day_button = QPushButton("添加")
        self.add_day_button.setObjectName("holiday_add_day")
        self.remove_day_button = QPushButton("删除")
        self.remove_day_button.setObjectName("holiday_remove_day")
        self.add_workday_button = QPushButton("添加")
        self.add_workday_button.setObjectName("holiday_add_workday")
        self.remove_workday_button = QPushButton("删除")
        self.remove_workday_button.setObjectName("holiday_remove_workday")
        self.fill_button = QPushButton("按节假日库填入")
        self.fill_button.setObjectName("holiday_fill")
        self.fill_button.setToolTip("用节假日库对本年的估算替换下方内容，再按国务院办公厅通知修改。")
        self.restore_button = QPushButton("恢复为节假日库估算")
        self.restore_button.setObjectName("holiday_restore")
        self.restore_button.setToolTip("不再使用本年录入的安排，改用节假日库的估算（保存后生效）。")
        self.summary = hint_label("")
        self.summary.setObjectName("holiday_summary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = error_label()
        self.error.setObjectName("holiday_error")

        top = QHBoxLayout()
        top.addWidget(year_label)
        top.addWidget(self.year_spin)
        top.addSpacing(12)
        top.addWidget(self.status, 1)

        lists = QHBoxLayout()
        lists.addLayout(
            self._column(
                "放假日期（含补假、调休休息日）",
                self.days_table,
                self.add_day_button,
                self.remove_day_button,
            ),
            3,
        )
        lists.addSpacing(8)
        lists.addLayout(
            self._column(
                "调休上班日（需上班的周六、周日）",
                self.work_table,
                self.add_workday_button,
                self.remove_workday_button,
            ),
            2,
        )

        actions = QHBoxLayout()
        actions.addWidget(self.fill_button)
        actions.addWidget(self.restore_button)
        actions.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(lists, 1)
        layout.addLayout(actions)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(
            hint_label(
                "国务院办公厅每年年底公布下一年的放假安排。通知发布前，节假日库只能估算"
                "（可能与通知不同，通常不含调休）；发布后请按通知核对、修改并保存，"
                "此后计算工作日（如按工作日计算的反馈期限）即按此安排。"
            )
        )

        self.year_spin.valueChanged.connect(self.switch_year)
        self.days_table.itemChanged.connect(self._item_changed)
        self.work_table.itemChanged.connect(self._item_changed)
        self.add_day_button.clicked.connect(self.add_day)
        self.remove_day_button.clicked.connect(lambda: self._remove_rows(self.days_table))
        self.add_workday_button.clicked.connect(self.add_workday)
        self.remove_workday_button.clicked.connect(lambda: self._remove_rows(self.work_table))
        self.fill_button.clicked.connect(self.fill_from_package)
        self.restore_button.clicked.connect(self.restore_estimate)

    # --- building ---------------------------------------------------------------------

    def _table(self, headers: tuple[str, ...], name: str) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(list(headers))
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        table.setItemDelegateForColumn(0, DateDelegate(self))
        header = table.horizontalHeader()
        width = table.fontMetrics().horizontalAdvance("2026-12-31") + 36
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        table.setColumnWidth(0, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        if len(headers) > 2:
            header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        else:
            header.setStretchLastSection(True)
        return table

    @staticmethod
    def _column(title: str, table: QTableWidget, add: QPushButton, remove: QPushButton) -> QVBoxLayout:
        box = QVBoxLayout()
        box.setSpacing(4)
        box.addWidget(QLabel(f"<b>{title}</b>"))
        box.addWidget(table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        box.addLayout(buttons)
        return box

    # --- years ------------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        if not self.loaded:
            self.loaded = True
            self._show_year(self.year)

    def switch_year(self, year: int) -> None:
        self.year = year
        self.error.hide()
        if self.loaded:
            self._show_year(year)

    def _show_year(self, year: int) -> None:
        if year not in self.stored:
            self.stored[year] = _normal_entry(settings.get(self.ctx.db, workcalendar.setting_key(year)))
            self.entries[year] = self.stored[year]
        self._fill(self.entries[year] or self.estimate(year))
        self.update_status()

    def estimate(self, year: int) -> dict[str, Any]:
        value = _normal_entry(workcalendar.package_calendar(year).to_setting())
        assert value is not None
        return value

    def uses_estimate(self) -> bool:
        return self.entries.get(self.year) is None

    # --- the tables -------------------------------------------------------------------

    def _fill(self, entry: dict[str, Any]) -> None:
        self._filling = True
        try:
            self.days_table.setRowCount(0)
            for day, name in entry["days_off"]:
                self._put_row(self.days_table, self.days_table.rowCount(), str(day), str(name))
            self.work_table.setRowCount(0)
            for day in entry["workdays"]:
                self._put_row(self.work_table, self.work_table.rowCount(), str(day))
        finally:
            self._filling = False

    def _put_row(self, table: QTableWidget, row: int, day: str, name: str | None = None) -> None:
        was = self._filling
        self._filling = True
        try:
            table.insertRow(row)
            table.setItem(row, 0, QTableWidgetItem(day))
            weekday = QTableWidgetItem()
            weekday.setFlags(weekday.flags() & ~Qt.ItemFlag.ItemIsEditable)
            table.setItem(row, 1, weekday)
            if name is not None:
                table.setItem(row, 2, QTableWidgetItem(name))
            self._show_weekday(table, row)
        finally:
            self._filling = was

    def _show_weekday(self, table: QTableWidget, row: int) -> None:
        cell = table.item(row, 1)
        if cell is None:
            return
        day = self._row_date(table, row)
        if day is None:
            cell.setText("")
            return
        cell.setText(workcalendar.weekday_name(day))
        weekend = day.weekday() >= 5
        if table is self.work_table and not weekend:
            cell.setForeground(QColor(ERROR_COLOR))
            cell.setToolTip("调休上班日应是周六或周日。")
        else:
            cell.setData(Qt.ItemDataRole.ForegroundRole, QColor(WEEKEND_COLOR) if weekend else None)
            cell.setToolTip("")

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        table = item.tableWidget()
        if item.column() == 0:
            self._show_weekday(table, item.row())
        self._edited()

    def _edited(self) -> None:
        self.entries[self.year] = self.table_entry()
        self.error.hide()
        self.update_status()

    def table_entry(self) -> dict[str, Any]:
        """The tables as a ``calendar.<year>`` value (blank rows left out)."""
        days_off = []
        for row in range(self.days_table.rowCount()):
            day, name = self._text(self.days_table, row, 0), self._text(self.days_table, row, 2)
            if day or name:
                days_off.append([day, name])
        workdays = []
        for row in range(self.work_table.rowCount()):
            day = self._text(self.work_table, row, 0)
            if day:
                workdays.append(day)
        value = _normal_entry({"days_off": days_off, "workdays": workdays})
        assert value is not None
        return value

    @staticmethod
    def _text(table: QTableWidget, row: int, column: int) -> str:
        item = table.item(row, column)
        return item.text().strip() if item is not None else ""

    def _row_date(self, table: QTableWidget, row: int) -> date | None:
        try:
            return date.fromisoformat(self._text(table, row, 0))
        except ValueError:
            return None

    def _anchor(self, table: QTableWidget) -> int:
        """The row a new row goes after: the selected one, else the last."""
        row = table.currentRow()
        return row if row >= 0 else table.rowCount() - 1

    def add_day(self) -> None:
        """A new day off: the day after the selected one, with its name (else 1 January)."""
        after = self._anchor(self.days_table)
        day, name = date(self.year, 1, 1), ""
        before = self._row_date(self.days_table, after) if after >= 0 else None
        if before is not None:
            day, name = before + timedelta(days=1), self._text(self.days_table, after, 2)
        self._put_row(self.days_table, after + 1, day.isoformat(), name)
        self.days_table.setCurrentCell(after + 1, 0)
        self._edited()

    def add_workday(self) -> None:
        """A new make-up working day: the next Saturday or Sunday after the selected one that is
        neither listed yet nor a day off."""
        after = self._anchor(self.work_table)
        before = self._row_date(self.work_table, after) if after >= 0 else None
        taken = {self._row_date(self.days_table, row) for row in range(self.days_table.rowCount())}
        taken |= {self._row_date(self.work_table, row) for row in range(self.work_table.rowCount())}
        day = (before or date(self.year, 1, 1) - timedelta(days=1)) + timedelta(days=1)
        while day.weekday() < 5 or day in taken:
            day += timedelta(days=1)
        self._put_row(self.work_table, after + 1, day.isoformat())
        self.work_table.setCurrentCell(after + 1, 0)
        self._edited()

    def _remove_rows(self, table: QTableWidget) -> None:
        rows = sorted({index.row() for index in table.selectionModel().selectedRows()}, reverse=True)
        if not rows and table.currentRow() >= 0:
            rows = [table.currentRow()]
        if not rows:
            return
        self._filling = True
        try:
            for row in rows:
                table.removeRow(row)
        finally:
            self._filling = False
        self._edited()

    # --- the two sources --------------------------------------------------------------

    def fill_from_package(self) -> None:
        """Replace the tables with the package's estimate, to edit into this year's entry."""
        estimate = self.estimate(self.year)
        current = self.entries.get(self.year)
        if (
            current is not None
            and current != estimate
            and (current["days_off"] or current["workdays"])
            and not confirm(
                self,
                "按节假日库填入",
                f"用节假日库对{self.year}年的估算替换当前填写的内容？（保存前可按“取消”放弃）",
            )
        ):
            return
        self.entries[self.year] = estimate
        self._fill(estimate)
        self.error.hide()
        self.update_status()

    def restore_estimate(self) -> None:
        """Use the package's estimate for this year again (the stored entry goes on 保存)."""
        self.entries[self.year] = None
        self._fill(self.estimate(self.year))
        self.error.hide()
        self.update_status()

    def update_status(self) -> None:
        year = self.year
        entry = self.entries.get(year)
        stored = self.stored.get(year)
        if entry is None and stored is None:
            text, style = f"{year}年：使用节假日库估算（国务院办公厅通知发布后请核对）", WARN_STYLE
        elif entry is None:
            text, style = f"{year}年：保存后恢复为节假日库估算", WARN_STYLE
        elif entry == stored:
            text, style = f"{year}年：使用已录入的放假安排", PREVIEW_STYLE
        else:
            text, style = f"{year}年：使用录入的放假安排（已修改，保存后生效）", PREVIEW_STYLE
        self.status.setText(text)
        self.status.setStyleSheet(style)
        self.restore_button.setEnabled(entry is not None or stored is not None)
        self.update_summary()

    def update_summary(self) -> None:
        """The holidays the tables make, each with its block of days off."""
        entry = self.entries.get(self.year)
        try:
            if entry is None:
                cal = workcalendar.package_calendar(self.year)
            else:
                cal = workcalendar.parse_entry(self.year, entry)
        except UserError:
            self.summary.setText("假期：（填写有误，改正后显示）")
            return
        spans: dict[tuple[date, date], list[str]] = {}
        for holiday in workcalendar.holidays_with(self.ctx.db, cal):
            spans.setdefault((holiday.first_day, holiday.last_day), []).append(holiday.name)
        parts = [
            f"{'、'.join(names)} {_span_text(first, last)}（{(last - first).days + 1}天）"
            for (first, last), names in spans.items()
        ]
        self.summary.setText("假期：" + ("；".join(parts) if parts else "无"))

    # --- saving -----------------------------------------------------------------------

    def changes(self) -> tuple[dict[str, Any], list[str]]:
        """(entries to store by key, keys to clear) for every year edited."""
        stored: dict[str, Any] = {}
        cleared: list[str] = []
        for year, entry in sorted(self.entries.items()):
            key = workcalendar.setting_key(year)
            if entry is None and self.stored.get(year) is not None:
                cleared.append(key)
            elif entry is not None and entry != self.stored.get(year):
                stored[key] = entry
        return stored, cleared

    def show_error(self, year: int, message: str) -> None:
        if year != self.year:
            self.year_spin.setValue(year)
        self.error.setText(message)
        self.error.show()
        self.days_table.setFocus()
