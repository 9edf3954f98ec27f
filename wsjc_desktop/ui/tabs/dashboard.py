"""工作台: the to-do list, the next holiday and its 节前廉政提醒, the year's work in charts, and
where the exchange between the group's PCs stands (``exchange_panel``, shown only to a group
that exchanges).

The first tab of the window. It reads through :mod:`wsjc_desktop.services.todo` and
:mod:`wsjc_desktop.services.stats`, follows every change the hub announces (only the parts a
change touches, and only once the tab is shown again if it is hidden), and asks the window to
open what a line of the list points at. QtCharts loads only when the charts are first drawn.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QMargins, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import todo
from wsjc_desktop.services.todo import HolidayReminders, Severity, TodoKind, TodoSection
from wsjc_desktop.ui.context import AppContext, ui_settings
from wsjc_desktop.ui.tabs.exchange_panel import ExchangePanel

if TYPE_CHECKING:
    from PySide6.QtCharts import QChart, QChartView

#: The tab that shows a unit's cadres and their dossiers.
DOSSIER_TAB = "廉政档案"
#: Units shown in the per-unit chart.
TOP_UNITS = 15
MUTED = "#6b7785"
SEVERITY_COLORS = {Severity.OVERDUE: QColor("#c0392b"), Severity.DUE_SOON: QColor("#b9770e")}
#: Bar colours per chart series, in the order of stats.SERIES.
SERIES_COLORS = ("#3a78c2", "#3a9d6e", "#e0a030", "#8c6bb8")
#: Short legend labels for the series of services.stats (the measure is said above the charts).
LEGEND = {
    "谈话（人次）": "谈话人次",
    "列席会议（次）": "列席会议",
    "廉情提醒（份）": "廉情提醒",
    "党廉回复（人次）": "党廉回复",
}

# What each part of the tab is drawn from: a change to any of these tables redraws that part.
TODO_TABLES = frozenset(
    {
        "alert_notices",
        "units",
        "cadres",
        "duty_reports",
        "personal_matters_reports",
        "family_members",
        "integrity_opinions",
        "discipline_records",
        "follow_up_visits",
        "clues",
        "risk_points",
        "attachments",
        # the supervision loop: clues' lights, overdue problems, monthly 巡视巡察整改监督
        "inspections",
        "problems",
        "settings",  # clues.stage_days
    }
)
HOLIDAY_TABLES = frozenset({"alert_notices", "units", "settings"})
CHART_TABLES = frozenset({"talks", "meetings", "alert_notices", "integrity_opinions", "units", "cadres"})

TODO, HOLIDAY, CHARTS, EXCHANGE = "todo", "holiday", "charts", "exchange"
ALL_PARTS = frozenset({TODO, HOLIDAY, CHARTS, EXCHANGE})

#: Per-PC flag (ui.ini): the user closed the first-start hint with 不再显示.
MANUAL_HINT_KEY = "help/manual_hint_dismissed"
MANUAL_HINT = '初次使用？按 F1 或点击 <a href="#manual">帮助 → 使用说明</a> 查看操作指南。'

#: The to-do sections of the supervision loop (a line opens its clue, problem or unit).
_LOOP_KINDS = frozenset({TodoKind.CLUES_DUE, TodoKind.PROBLEMS_OVERDUE, TodoKind.RECTIFICATION_CHECKS})

#: Item data roles of the to-do tree.
TARGET_ROLE = Qt.ItemDataRole.UserRole
KIND_ROLE = Qt.ItemDataRole.UserRole + 1


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(f"color: {MUTED};")
    return label


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    return label


def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [child for i in range(item.childCount()) if (child := item.child(i)) is not None]


class TodoTree(QTreeWidget):
    """The to-do list: a section per kind, a line per notice or unit. Enter or a double-click
    opens the line (a section's heading opens the whole list where there is one)."""

    open_requested = Signal(object)  # the QTreeWidgetItem

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("todo_tree")
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setExpandsOnDoubleClick(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.itemDoubleClicked.connect(lambda item, _col: self.open_requested.emit(item))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            item = self.currentItem()
            if item is not None:
                self.open_requested.emit(item)
            return
        super().keyPressEvent(event)


class HolidayCard(QFrame):
    """下一个节日: when it is, how far its 节前廉政提醒 have gone, and the button to send them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("holiday_card")
        self.setStyleSheet(
            "#holiday_card { background: #f4f6f9; border: 1px solid #dde3ea; border-radius: 4px; }"
        )
        self.title = _heading("下一个节日")
        self.headline = QLabel()
        self.headline.setObjectName("holiday_headline")
        font = QFont(self.headline.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setStyleSheet("color: #1f5f99;")
        self.headline.setWordWrap(True)
        self.progress = QLabel()
        self.progress.setObjectName("holiday_progress")
        self.progress.setWordWrap(True)
        self.button = QPushButton("一键发出节前廉政提醒")
        self.button.setObjectName("send_holiday_reminders")
        self.button.setToolTip(
            "给每个在监督范围内的单位各发出一份节前廉政提醒（编发文号），合成一个 PDF 供打印"
        )
        self.button.setEnabled(False)
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self.title)
        text.addWidget(self.headline)
        text.addWidget(self.progress)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(12)
        layout.addLayout(text, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def show_problem(self, message: str) -> None:
        self.headline.setText("无法读取节前廉政提醒的情况")
        self.progress.setText(message)
        self.button.setEnabled(False)

    def show_state(self, state: HolidayReminders | None, today: date) -> None:
        if state is None:
            self.headline.setText("暂无已知的节假日安排")
            self.progress.setText("可在“设置”中填写本年度的节假日安排。")
            self.button.setEnabled(False)
            return
        self.headline.setText(state.headline(today))
        self.progress.setText(state.progress_text)
        self.progress.setStyleSheet("" if state.done else "color: #b9770e;")
        self.button.setEnabled(state.units_total > 0)
        self.button.setText("重新打印节前廉政提醒" if state.done else "一键发出节前廉政提醒")


class ManualHint(QFrame):
    """The first-start line over the 工作台: where the manual is, and 不再显示 (remembered per PC).

    Shown until dismissed: it costs no database read, so the 工作台 opens as fast as without it."""

    help_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("manual_hint")
        self.setStyleSheet(
            "#manual_hint { background: #eef5fc; border: 1px solid #c9dcf0; border-radius: 4px; }"
        )
        self.label = QLabel(MANUAL_HINT)
        self.label.setObjectName("manual_hint_text")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.label.linkActivated.connect(lambda _link: self.help_requested.emit())
        self.dismiss_button = QPushButton("不再显示")
        self.dismiss_button.setObjectName("manual_hint_dismiss")
        self.dismiss_button.setFlat(True)
        self.dismiss_button.setToolTip("以后不再显示这条提示（随时可按 F1 打开使用说明）")
        self.dismiss_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 6, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.dismiss_button)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        if self.dismissed():
            self.hide()  # (never show() here: without a parent yet it would be a window of its own)

    @staticmethod
    def dismissed() -> bool:
        value = ui_settings().value(MANUAL_HINT_KEY, False)
        return value is True or str(value).lower() in ("true", "1")

    def dismiss(self) -> None:
        settings = ui_settings()
        settings.setValue(MANUAL_HINT_KEY, True)
        settings.sync()
        self.hide()


class DashboardTab(QWidget):
    """工作台."""

    status_message = Signal(str)
    open_related = Signal(str, int)  # (table, id): a notice, opened in its tab
    open_unit = Signal(str, int)  # (tab title, unit id): a unit's cadres, in that tab
    open_notices = Signal(str)  # the notices register, filtered by this status
    holiday_reminders_requested = Signal(str, int)  # (holiday, year): send its 节前廉政提醒
    help_requested = Signal()  # the first-start hint's link: open 帮助 → 使用说明
    exchange_conflicts_requested = Signal()  # the 数据交换 card's 处理冲突…
    completed = Signal()  # every part drawn (the list, the holiday card, the charts)
    tab_title = "工作台"
    #: The window's 新建/编辑/删除 have nothing to act on here.
    edits_records = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("tab_dashboard")
        self._loaded = False
        self._dirty: set[str] = set()  # parts to redraw (when next shown)
        self._await_paint = False
        self.sections: list[TodoSection] = []
        self.holiday: HolidayReminders | None = None
        self.chart_views: list[QChartView] = []
        self.charts: list[QChart] = []
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(0)
        self._later.timeout.connect(self._redraw)

        # left: the to-do list
        self.todo_summary = _muted()
        self.todo_summary.setObjectName("todo_summary")
        self.todo_summary.setWordWrap(True)
        self.tree = TodoTree()
        self.tree.open_requested.connect(self._open_item)
        hint = _muted("双击或按回车打开")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        left_layout.setSpacing(4)
        left_layout.addWidget(_heading("待办事项"))
        left_layout.addWidget(self.todo_summary)
        left_layout.addWidget(self.tree, 1)
        left_layout.addWidget(hint)

        # right: the holiday card, then the charts
        self.holiday_card = HolidayCard()
        self.holiday_card.button.clicked.connect(self.send_holiday_reminders)
        self.year = QComboBox()
        self.year.setObjectName("chart_year")
        this_year = ctx.today.year
        for year in range(this_year, this_year - 6, -1):
            self.year.addItem(f"{year}年", year)
        self.year.currentIndexChanged.connect(lambda _i: self._reload({CHARTS}))
        chart_bar = QHBoxLayout()
        chart_bar.setContentsMargins(0, 6, 0, 0)
        chart_bar.addWidget(_heading("工作量统计"))
        measures = _muted("谈话、党廉回复按人次计，列席会议按次计，廉情提醒按份计")
        measures.setWordWrap(True)  # narrow windows: two lines rather than a wider minimum
        chart_bar.addWidget(measures, 1)
        chart_bar.addWidget(QLabel("年度："))
        chart_bar.addWidget(self.year)
        self.chart_tabs = QTabWidget()
        self.chart_tabs.setObjectName("chart_tabs")
        self.chart_placeholder = _muted("正在统计…")
        self.chart_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_tabs.addTab(self.chart_placeholder, "工作量")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.setSpacing(6)
        right_layout.addWidget(self.holiday_card)
        self.exchange_panel = ExchangePanel()
        self.exchange_panel.conflicts_requested.connect(self.exchange_conflicts_requested)
        right_layout.addWidget(self.exchange_panel)
        right_layout.addLayout(chart_bar)
        right_layout.addWidget(self.chart_tabs, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("dashboard_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([580, 700])  # a notice's line (about 40 characters) fits
        self.manual_hint = ManualHint()
        self.manual_hint.help_requested.connect(self.help_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.manual_hint)
        layout.addWidget(self.splitter)
        ctx.hub.changed.connect(self._on_changes)

    # --- loading ---------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        if not self._loaded:
            self._loaded = True
            # the list now; the calendar (a slow first import) and the charts once it is on screen
            self._dirty |= ALL_PARTS
            self._redraw_part(TODO)
            self._after_paint()

    @property
    def is_loaded(self) -> bool:
        """The list is shown: the tab can be used (the card and the charts may follow)."""
        return self._loaded and TODO not in self._dirty

    @property
    def is_complete(self) -> bool:
        """Every part is drawn and up to date."""
        return self._loaded and not self._dirty

    def select_first(self) -> None:
        """Draw what is still pending now and select the first line (screenshots, first visit)."""
        self.ensure_loaded()
        self._later.stop()
        self._redraw()
        lines = self.lines()
        if lines and self.tree.currentItem() is None:
            self.tree.setCurrentItem(lines[0])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.ensure_loaded()
        if self._dirty:
            self._after_paint()

    def _after_paint(self) -> None:
        """Redraw what is pending once the tab has been painted as it is (it shows at once)."""
        self._await_paint = True
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._await_paint:
            self._await_paint = False
            self._later.start()

    def refresh(self) -> None:
        self._loaded = True
        self._reload(ALL_PARTS)

    def _reload(self, parts: set[str] | frozenset[str]) -> None:
        self._dirty |= parts
        if self.isVisible():
            self._later.start()

    def refresh_exchange(self) -> None:
        """Redraw the 数据交换 card (after an export, an import, a folder sync, a setting)."""
        if self._loaded:
            self._reload({EXCHANGE})

    def _on_changes(self, changes: ChangeSet) -> None:
        if not self._loaded:
            return
        tables = changes.tables
        parts = {EXCHANGE}  # every write is a change not exported yet
        if tables & TODO_TABLES:
            parts.add(TODO)
        if tables & HOLIDAY_TABLES:
            parts.add(HOLIDAY)
        if tables & CHART_TABLES:
            parts.add(CHARTS)
        if parts:
            self._reload(parts)

    def _redraw(self) -> None:
        for part in (TODO, HOLIDAY, CHARTS, EXCHANGE):
            if part in self._dirty:
                self._redraw_part(part)
        if not self._dirty:
            self.completed.emit()

    def _redraw_part(self, part: str) -> None:
        self._dirty.discard(part)
        if part == TODO:
            self._show_todo(todo.todo_list(self.ctx.db, self.ctx.today))
        elif part == HOLIDAY:
            try:
                self.holiday = todo.next_holiday_reminders(self.ctx.db, self.ctx.today)
            except UserError as exc:  # e.g. a damaged page (the start-up check says the rest)
                self.holiday = None
                self.holiday_card.show_problem(exc.message)
            else:
                self.holiday_card.show_state(self.holiday, self.ctx.today)
        elif part == EXCHANGE:
            self._show_exchange()
        else:
            try:
                self._show_charts(int(self.year.currentData()))
            except UserError as exc:
                if self.charts:  # the placeholder has made way for the charts
                    self.status_message.emit(f"无法统计：{exc.message}")
                else:
                    self.chart_placeholder.setText(f"无法统计：{exc.message}")

    # --- the to-do list --------------------------------------------------------------

    def _show_todo(self, sections: list[TodoSection]) -> None:
        self.sections = sections
        current = self.tree.currentItem()
        keep = current.data(0, TARGET_ROLE) if current is not None else None
        collapsed = {
            head.data(0, KIND_ROLE)
            for head in _children(self.tree.invisibleRootItem())
            if not head.isExpanded()
        }
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        restore: QTreeWidgetItem | None = None
        for section in sections:
            if not section.total:
                continue
            head = QTreeWidgetItem([f"{section.title}（{section.count_text}）"])
            head.setData(0, KIND_ROLE, section.kind.value)
            head.setFont(0, bold)
            color = SEVERITY_COLORS.get(section.severity)
            if color is not None:
                head.setForeground(0, QBrush(color))
            self.tree.addTopLevelItem(head)
            for item in section.items:
                line = QTreeWidgetItem([item.text])
                line.setData(0, TARGET_ROLE, (item.table, item.record_id))
                line.setData(0, KIND_ROLE, item.kind.value)
                line.setToolTip(0, f"{item.text}\n{item.tip}" if item.tip else item.text)
                color = SEVERITY_COLORS.get(item.severity)
                if color is not None:
                    line.setForeground(0, QBrush(color))
                head.addChild(line)
                if keep == (item.table, item.record_id):
                    restore = line
            if section.more:
                more = QTreeWidgetItem([f"……另有 {section.more} 项未列出，双击在相应标签页中查看"])
                more.setData(0, KIND_ROLE, section.kind.value)
                more.setForeground(0, QBrush(QColor(MUTED)))
                head.addChild(more)
            head.setExpanded(section.kind.value not in collapsed)
        if not self.tree.topLevelItemCount():
            empty = QTreeWidgetItem(["暂无待办事项"])
            empty.setForeground(0, QBrush(QColor(MUTED)))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.tree.addTopLevelItem(empty)
        self.tree.setUpdatesEnabled(True)
        if restore is not None:
            self.tree.setCurrentItem(restore)
        counts = [f"{s.title} {s.count_text}" for s in sections if s.total]
        text = "；".join(counts) if counts else "暂无待办事项"
        self.todo_summary.setText(
            f"截至{self.ctx.today.month}月{self.ctx.today.day}日：共 {len(counts)} 类待办"
        )
        self.todo_summary.setToolTip(text)
        self.status_message.emit(f"待办：{text}" if counts else text)

    def lines(self) -> list[QTreeWidgetItem]:
        """Every line of the list that opens a record or a unit, in order."""
        return [
            line
            for head in _children(self.tree.invisibleRootItem())
            for line in _children(head)
            if line.data(0, TARGET_ROLE) is not None
        ]

    def item_targets(self) -> list[tuple[str, int]]:
        """(table, id) of every line listed, in order."""
        return [tuple(line.data(0, TARGET_ROLE)) for line in self.lines()]

    def find_item(self, table: str, record_id: int) -> QTreeWidgetItem | None:
        for line in self.lines():
            if tuple(line.data(0, TARGET_ROLE)) == (table, record_id):
                return line
        return None

    def _open_item(self, item: QTreeWidgetItem) -> None:
        target = item.data(0, TARGET_ROLE)
        kind = item.data(0, KIND_ROLE)
        if target is not None:
            table, record_id = target
            if table == "units" and kind == TodoKind.RECTIFICATION_CHECKS.value:
                self.open_related.emit("units", int(record_id))  # the unit and its 整改期
            elif table == "units":
                self.open_unit.emit(DOSSIER_TAB, int(record_id))
            else:
                self.open_related.emit(str(table), int(record_id))
        elif kind is not None:  # a section heading, or its “另有 N 项” line
            if TodoKind(kind) in (TodoKind.OVERDUE, TodoKind.DUE_SOON, TodoKind.NOT_RECTIFIED):
                self.open_notices.emit(str(kind))
            elif item.parent() is not None and TodoKind(kind) in _LOOP_KINDS:
                pass  # their registers' tabs list them all
            elif item.parent() is not None:
                self.open_unit.emit(DOSSIER_TAB, 0)
            else:
                item.setExpanded(not item.isExpanded())

    # --- the exchange ----------------------------------------------------------------

    def _show_exchange(self) -> None:
        from wsjc_desktop.exchange import engine

        try:
            status = engine.status(self.ctx.db)
            local = engine.local_settings(self.ctx.db)
        except UserError as exc:  # a damaged page: the start-up check says the rest
            self.exchange_panel.show_problem(exc.message)
            return
        self.exchange_panel.show_status(status, local, self.ctx.today)

    # --- the holiday -----------------------------------------------------------------

    def send_holiday_reminders(self) -> None:
        if self.holiday is not None:
            self.holiday_reminders_requested.emit(self.holiday.reminder_name, self.holiday.holiday.year)

    # --- the charts ------------------------------------------------------------------

    def _chart_font(self, scale: float = 1.0, *, bold: bool = False) -> QFont:
        # the application font carries the bundled CJK fallback; QtCharts would otherwise pick
        # a default family without Chinese glyphs
        font = QFont(QApplication.font())
        font.setPointSizeF(font.pointSizeF() * scale)
        font.setBold(bold)
        return font

    def _make_chart_views(self) -> None:
        from PySide6.QtCharts import QChart, QChartView
        from PySide6.QtGui import QPainter

        self.chart_tabs.removeTab(0)
        self.chart_placeholder.deleteLater()
        for name, title in (("monthly_chart", "各月工作量"), ("unit_chart", "各单位对比")):
            chart = QChart()
            chart.setObjectName(name)
            chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
            chart.setTitleFont(self._chart_font(1.05, bold=True))
            chart.legend().setFont(self._chart_font(0.9))
            chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
            chart.setMargins(QMargins(0, 0, 0, 0))
            chart.layout().setContentsMargins(2, 2, 2, 2)
            chart.setBackgroundRoundness(3)
            view = QChartView(chart)
            view.setObjectName(f"{name}_view")
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumSize(240, 220)
            self.chart_tabs.addTab(view, title)
            self.charts.append(chart)
            self.chart_views.append(view)

    def _show_charts(self, year: int) -> None:
        from wsjc_desktop.services import stats

        monthly, units = stats.activity(self.ctx.db, year)
        if not self.charts:
            self._make_chart_views()
        self._fill_monthly(self.charts[0], year, monthly)
        self._fill_units(
            self.charts[1], year, units, (stats.SERIES_TALKS, stats.SERIES_MEETINGS, stats.SERIES_NOTICES)
        )

    def _fill(
        self, chart: QChart, title: str, categories: list[str], series: dict[str, list[int]], horizontal: bool
    ) -> None:
        from PySide6.QtCharts import (
            QBarCategoryAxis,
            QBarSet,
            QHorizontalStackedBarSeries,
            QStackedBarSeries,
            QValueAxis,
        )

        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        chart.setTitle(title)
        bars = QHorizontalStackedBarSeries() if horizontal else QStackedBarSeries()
        bars.setBarWidth(0.7)
        for n, (label, values) in enumerate(series.items()):
            bar_set = QBarSet(LEGEND.get(label, label))
            bar_set.append([float(v) for v in values])
            color = QColor(SERIES_COLORS[n % len(SERIES_COLORS)])
            bar_set.setColor(color)
            bar_set.setBorderColor(color)
            bars.append(bar_set)
        chart.addSeries(bars)
        category_axis = QBarCategoryAxis()
        category_axis.append(categories)
        category_axis.setLabelsFont(self._chart_font(0.85))
        category_axis.setGridLineVisible(False)
        category_axis.setTruncateLabels(horizontal)  # “10月” may touch its neighbour, never “1…”
        value_axis = QValueAxis()
        value_axis.setLabelsFont(self._chart_font(0.85))
        value_axis.setLabelFormat("%d")
        top = max((sum(column) for column in zip(*series.values(), strict=True)), default=0)
        value_axis.setRange(0, max(top, 4))
        value_axis.applyNiceNumbers()
        if horizontal:
            chart.addAxis(category_axis, Qt.AlignmentFlag.AlignLeft)
            chart.addAxis(value_axis, Qt.AlignmentFlag.AlignBottom)
        else:
            chart.addAxis(category_axis, Qt.AlignmentFlag.AlignBottom)
            chart.addAxis(value_axis, Qt.AlignmentFlag.AlignLeft)
        bars.attachAxis(category_axis)
        bars.attachAxis(value_axis)

    def _fill_monthly(self, chart: QChart, year: int, monthly: dict[str, list[int]]) -> None:
        empty = not any(any(values) for values in monthly.values())
        title = f"{year}年各月工作量" + ("（暂无记录）" if empty else "")
        self._fill(chart, title, [f"{n}月" for n in range(1, 13)], monthly, horizontal=False)

    def _fill_units(
        self, chart: QChart, year: int, units: list[tuple[str, dict[str, int]]], labels: tuple[str, ...]
    ) -> None:
        ranked = sorted(units, key=lambda unit: -sum(unit[1].get(label, 0) for label in labels))
        shown = ranked[:TOP_UNITS]
        title = f"{year}年各单位工作量"
        if not any(sum(values.get(label, 0) for label in labels) for _name, values in shown):
            title += "（暂无记录）"
        elif len(units) > TOP_UNITS:
            title += f"：共{len(units)}个单位，列出合计最多的{TOP_UNITS}个"
        shown.reverse()  # a horizontal bar chart draws its first category at the bottom
        series = {label: [values.get(label, 0) for _name, values in shown] for label in labels}
        self._fill(chart, title, [name for name, _values in shown], series, horizontal=True)

    def chart_categories(self) -> list[list[str]]:
        """The category labels of each chart (for tests)."""
        from PySide6.QtCharts import QBarCategoryAxis

        out = []
        for chart in self.charts:
            axes = [a for a in chart.axes() if isinstance(a, QBarCategoryAxis)]
            out.append(list(axes[0].categories()) if axes else [])
        return out

    # --- the window's actions (nothing to create, edit, print or export here) --------

    def new_record(self) -> None:
        pass

    def edit_selected(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            self._open_item(item)

    def delete_selected(self) -> None:
        pass

    def can_print(self) -> bool:
        return False

    def print_selected(self) -> None:
        pass

    def can_export(self) -> bool:
        return False

    def export_view(self) -> None:
        pass

    def open_record(self, record_id: int) -> bool:
        return False

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("tabs/dashboard/splitter", self.splitter.saveState())

    def restore_state(self, settings: QSettings) -> None:
        state = settings.value("tabs/dashboard/splitter")
        if state is not None:
            self.splitter.restoreState(state)


__all__ = ["DashboardTab", "HolidayCard", "ManualHint", "TodoTree"]
