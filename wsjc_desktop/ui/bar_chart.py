"""A small bar chart drawn with QPainter: a few categories (years), a bar per series in each,
its value over it, a legend under the title. For the 政治生态研判 page's trends; QtCharts is not
in the bundle."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

#: The series' colours unless the chart is given its own.
COLOURS = ("#b81c1c", "#54739e", "#8c8c8c")


class BarChart(QWidget):
    """Grouped bars: ``categories`` along the axis, a bar for each series in each."""

    def __init__(self, colours: Sequence[QColor] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colours = tuple(colours) if colours else tuple(QColor(c) for c in COLOURS)
        self.title = ""
        self.categories: tuple[str, ...] = ()
        self.series: tuple[tuple[str, tuple[int, ...]], ...] = ()
        self.setMinimumSize(220, 170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(300, 190)

    def set_data(
        self, title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]
    ) -> None:
        self.title = title
        self.categories = tuple(categories)
        self.series = tuple((label, tuple(int(v) for v in values)) for label, values in series)
        self.setAccessibleName(title)
        self.setToolTip(self.describe())
        self.update()

    def describe(self) -> str:
        """The chart in words (its tooltip, and what a screen reader says)."""
        lines = [self.title]
        for label, values in self.series:
            pairs = "，".join(f"{c}{v}" for c, v in zip(self.categories, values, strict=False))
            lines.append(f"{label}：{pairs}")
        return "\n".join(lines)

    def bar_rects(self) -> list[tuple[int, int, QRectF]]:
        """(series index, category index, rectangle) of every bar with a value above zero."""
        plot = self._plot_rect()
        out: list[tuple[int, int, QRectF]] = []
        if not self.categories or not self.series:
            return out
        biggest = max([1, *(v for _, values in self.series for v in values)])
        slot = plot.width() / len(self.categories)
        bar = min(slot * 0.7 / len(self.series), 28.0)
        for i in range(len(self.categories)):
            start = plot.left() + i * slot + (slot - bar * len(self.series)) / 2
            for j, (_label, values) in enumerate(self.series):
                value = values[i] if i < len(values) else 0
                if value <= 0:
                    continue
                height = plot.height() * value / biggest
                out.append((j, i, QRectF(start + j * bar + 1, plot.bottom() - height, bar - 2, height)))
        return out

    def _plot_rect(self) -> QRectF:
        line = QFontMetrics(self.font()).height()
        top = line * 2 + 6 + line  # title, legend, the values over the tallest bar
        return QRectF(6, top, max(10, self.width() - 12), max(10, self.height() - top - line - 6))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        title_font = QFont(self.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(QRectF(0, 0, self.width(), line), Qt.AlignmentFlag.AlignCenter, self.title)
        painter.setFont(self.font())
        # the legend
        widths = [metrics.horizontalAdvance(label) + line + 12 for label, _ in self.series]
        x = max(0.0, (self.width() - sum(widths)) / 2)
        for j, (label, _values) in enumerate(self.series):
            painter.fillRect(
                QRectF(x, line + 4 + line * 0.2, line * 0.6, line * 0.6), self.colours[j % len(self.colours)]
            )
            painter.drawText(
                QRectF(x + line * 0.8, line + 4, widths[j], line), Qt.AlignmentFlag.AlignLeft, label
            )
            x += widths[j]
        plot = self._plot_rect()
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        rects = {(j, i): rect for j, i, rect in self.bar_rects()}
        slot = plot.width() / max(1, len(self.categories))
        count = max(1, len(self.series))
        bar = min(slot * 0.7 / count, 28.0)
        for i, category in enumerate(self.categories):
            start = plot.left() + i * slot + (slot - bar * count) / 2
            for j, (_label, values) in enumerate(self.series):
                value = values[i] if i < len(values) else 0
                rect = rects.get((j, i))
                if rect is not None:
                    painter.fillRect(rect, self.colours[j % len(self.colours)])
                top = rect.top() if rect is not None else plot.bottom()
                painter.drawText(
                    QRectF(start + j * bar - 8, top - line, bar + 16, line),
                    Qt.AlignmentFlag.AlignCenter,
                    str(value),
                )
            painter.drawText(
                QRectF(plot.left() + i * slot, plot.bottom() + 3, slot, line),
                Qt.AlignmentFlag.AlignCenter,
                category,
            )
        painter.end()
