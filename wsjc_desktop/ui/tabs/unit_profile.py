"""政治生态研判: the selected unit's year on one page — the figures, three trend charts, the
risk points, what is open, the 研判 — and its report (预览打印, PDF, Word).

The page shows what the printed report prints: both come from
:func:`wsjc_desktop.services.unit_profile.report_values`. It reads when it is on screen (and
again after a change to what it counts), never for a unit merely passed over in the list.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.printing.unit_profile import SERIES_COLOURS, ProfileValues
from wsjc_desktop.services import unit_profile
from wsjc_desktop.ui.actions import run_action
from wsjc_desktop.ui.bar_chart import BarChart
from wsjc_desktop.ui.context import AppContext

#: Tables whose changes the page counts.
PROFILE_TABLES = (
    "units",
    "cadres",
    "talks",
    "meetings",
    "meeting_opinions",
    "alert_notices",
    "rectifications",
    "inspections",
    "problems",
    "clues",
    "discipline_records",
    "personal_matters_reports",
    "duty_reports",
    "risk_points",
    "settings",
)
OVERDUE = QColor("#b81c1c")
NO_UNIT = "请在上方列表中选择一个单位。"


def _table(name: str, headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(True)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
    return table


def _fill(table: QTableWidget, rows: tuple[tuple[str, ...], ...], empty: str) -> None:
    table.clearSpans()
    table.setRowCount(max(1, len(rows)))
    if not rows:
        table.setItem(0, 0, QTableWidgetItem(empty))
        for column in range(1, table.columnCount()):
            table.setItem(0, column, QTableWidgetItem(""))
        if table.columnCount() > 1:
            table.setSpan(0, 0, 1, table.columnCount())
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(value.replace("\n", " 至 ") if "\n" in value else value)
            table.setItem(r, c, item)
    table.resizeRowsToContents()
    # as tall as its rows: the page scrolls, not each table
    height = table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(table.rowCount())) + 4
    table.setFixedHeight(height)


class UnitProfilePage(QWidget):
    """One unit's 政治生态研判 of a chosen year."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unit_profile_page")
        self.ctx = ctx
        self.unit_id: int | None = None
        self.values: ProfileValues | None = None
        self.profile: unit_profile.UnitProfile | None = None
        self._dirty = False

        self.heading = QLabel(NO_UNIT)
        self.heading.setObjectName("profile_heading")
        self.year = QSpinBox()
        self.year.setObjectName("profile_year")
        self.year.setRange(2000, 2100)
        self.year.setValue(ctx.today.year)
        self.year.setSuffix(" 年")
        self.year.setAccessibleName("研判年度")
        self.year.valueChanged.connect(lambda _year: self.reload())
        self.preview_button = QPushButton("预览打印…")
        self.preview_button.setObjectName("profile_preview")
        self.preview_button.clicked.connect(self.preview_report)
        self.pdf_button = QPushButton("导出PDF…")
        self.pdf_button.setObjectName("profile_pdf")
        self.pdf_button.clicked.connect(lambda: self.export_report(".pdf"))
        self.word_button = QPushButton("导出Word…")
        self.word_button.setObjectName("profile_word")
        self.word_button.clicked.connect(lambda: self.export_report(".docx"))
        self.status = QLabel("")
        self.status.setObjectName("profile_status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        bar = QHBoxLayout()
        bar.addWidget(self.heading, 1)
        bar.addWidget(QLabel("年度："))
        bar.addWidget(self.year)
        bar.addWidget(self.preview_button)
        bar.addWidget(self.pdf_button)
        bar.addWidget(self.word_button)

        self.summary = QLabel()
        self.summary.setObjectName("profile_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.figures = _table("profile_figures", ("统计项",))
        # the printed report's colours
        colours = [QColor.fromRgbF(*rgb) for rgb in SERIES_COLOURS]
        self.charts = [BarChart(colours) for _ in unit_profile.TREND_CHARTS]
        for n, chart in enumerate(self.charts):
            chart.setObjectName(f"profile_chart_{n}")
        self.risks = _table("profile_risks", ("风险等级", "岗位、环节", "风险点", "防控措施"))
        self.open_items = _table("profile_open", ("类别", "事项", "日期／期限", "状态"))
        self.assessment = QLabel()
        self.assessment.setObjectName("profile_assessment")
        self.assessment.setWordWrap(True)
        self.assessment.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(4, 4, 4, 4)

        def section(title: str) -> None:
            label = QLabel(title)
            label.setStyleSheet("font-weight: bold; margin-top: 6px;")
            body.addWidget(label)

        section("一、基本情况")
        body.addWidget(self.summary)
        section("二、主要数据与三年趋势")
        row = QHBoxLayout()
        row.addWidget(self.figures, 3)
        charts = QVBoxLayout()
        for chart in self.charts:
            charts.addWidget(chart)
        charts.addStretch(1)
        row.addLayout(charts, 2)
        body.addLayout(row)
        section("三、廉政风险点")
        body.addWidget(self.risks)
        section("四、未办结事项")
        body.addWidget(self.open_items)
        section("五、分析研判")
        body.addWidget(self.assessment)
        body.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("profile_scroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        self._enable()
        self._say("")
        ctx.hub.changed.connect(self._on_changes)

    # --- what is shown -------------------------------------------------------------------------

    def set_unit(self, unit_id: int | None) -> None:
        if unit_id == self.unit_id and not self._dirty:
            return
        self.unit_id = unit_id
        self._say("")
        self.reload()

    def reload(self) -> None:
        """Read and show the profile now if the page is on screen; else when it shows."""
        if not self.isVisible():
            self._dirty = True
            return
        self._dirty = False
        if self.unit_id is None:
            self._show(None, None)
            return
        unit_id, year = self.unit_id, self.year.value()
        found = run_action(
            self, lambda: unit_profile.profile(self.ctx.db, unit_id, year, self.ctx.today), title="无法研判"
        )
        self._show(found, unit_profile.report_values(found) if found is not None else None)

    def _show(self, found: unit_profile.UnitProfile | None, values: ProfileValues | None) -> None:
        self.profile, self.values = found, values
        self._enable()
        if found is None or values is None:
            self.heading.setText(NO_UNIT)
            for label in (self.summary, self.assessment):
                label.setText("")
            for table in (self.figures, self.risks, self.open_items):
                table.setRowCount(0)
            for chart in self.charts:
                chart.set_data("", (), ())
            return
        self.heading.setText(f"{found.unit_name}　{found.year}年度政治生态分析研判")
        self.summary.setText("\n".join(values.sentences))
        self.assessment.setText("\n".join(values.assessment))
        self.figures.setColumnCount(len(values.figure_headers))
        self.figures.setHorizontalHeaderLabels(list(values.figure_headers))
        header = self.figures.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(values.figure_headers)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        _fill(self.figures, values.figure_rows, "")
        for r in range(self.figures.rowCount()):
            for column in range(1, len(values.figure_headers)):
                item = self.figures.item(r, column)
                if item is not None:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        for chart, values_ in zip(self.charts, values.charts, strict=True):
            chart.set_data(values_.title, [f"{y}年" for y in values_.years], values_.series)
        self.risks.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.risks.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        _fill(self.risks, values.risk_rows, "未登记廉政风险点")
        self.open_items.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        _fill(self.open_items, values.open_rows, "无未办结事项")
        for r, open_item in enumerate(found.open_items):
            if open_item.overdue:
                for c in range(self.open_items.columnCount()):
                    cell = self.open_items.item(r, c)
                    if cell is not None:
                        cell.setForeground(QBrush(OVERDUE))

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _enable(self) -> None:
        ready = self.unit_id is not None
        for button in (self.preview_button, self.pdf_button, self.word_button):
            button.setEnabled(ready)
        self.year.setEnabled(ready)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.reload()

    def _on_changes(self, changes: ChangeSet) -> None:
        if changes.touches(*PROFILE_TABLES):
            self.reload()

    # --- the report ------------------------------------------------------------------------------

    def _file_name(self) -> str:
        name = self.profile.short_name if self.profile is not None else "单位"
        return f"{name}{self.year.value()}年度政治生态分析研判报告"

    def _write(self, path: Path) -> None:
        assert self.unit_id is not None
        unit_profile.write_report(self.ctx.db, self.unit_id, self.year.value(), path, today=self.ctx.today)

    def preview_report(self) -> None:
        """The report in the print preview (which also saves it as a PDF or a Word file)."""
        if self.unit_id is None:
            return
        from wsjc_desktop.ui.print_preview import preview

        preview(self, self.ctx, self._write, self._file_name(), file_name=self._file_name())

    def export_report(self, suffix: str) -> Path | None:
        """Ask where, then write the report there (a .pdf or a .docx); returns the file written."""
        if self.unit_id is None:
            return None
        from wsjc_desktop.ui.filedialogs import Purpose, save_file

        what, pattern = (
            ("Word 文件", "Word 文件 (*.docx)") if suffix == ".docx" else ("PDF", "PDF 文件 (*.pdf)")
        )
        path = save_file(
            self,
            Purpose.SAVE_AS,
            f"导出研判报告（{what}）",
            self._file_name() + suffix,
            pattern,
            suffix=suffix,
        )
        if path is None:
            return None

        def write() -> Path:
            self._write(path)
            return path

        if run_action(self, write, busy=True, title="无法导出") is None:
            return None
        self._say(f"已导出{what}：{path}")
        return path
