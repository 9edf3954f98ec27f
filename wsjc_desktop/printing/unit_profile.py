"""政治生态分析研判报告: one unit's year as a report, a PDF or a Word file.

Plain values in (:class:`ProfileValues`), a document out; no Qt and no database. Both engines
use their own machinery for the title, the “一、” headings, the body paragraphs and the ruled
tables (:mod:`~wsjc_desktop.printing.slips`, :mod:`~wsjc_desktop.printing.docx`); the trend
charts are bars drawn with reportlab graphics in the PDF and a table of bars in the .docx.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wsjc_desktop.printing import docx, slips
from wsjc_desktop.printing.docx_parts import Cell, Row, Run, paragraph, table
from wsjc_desktop.printing.fonts import FontSet
from wsjc_desktop.printing.layout import (
    BODY_SIZE,
    LEFT,
    LINE_PITCH,
    LINES_PER_PAGE,
    MM,
    PAGE_HEIGHT,
    TOP,
    TYPE_WIDTH,
    Writer,
)
from wsjc_desktop.printing.output import Output
from wsjc_desktop.printing.tables import draw_table
from wsjc_desktop.printing.text import chinese_ordinal
from wsjc_desktop.printing.values import DossierSection

__all__ = ["ChartValues", "ProfileValues", "render_docx", "render_pdf"]

#: The sections, in order; a section with nothing to show still prints its heading and a line.
HEADINGS = ("基本情况", "主要数据", "三年趋势", "廉政风险点", "未办结事项", "分析研判")
FIGURE_HEADERS = ("统计项",)
RISK_HEADERS = ("风险等级", "岗位、环节", "风险点", "防控措施")
OPEN_HEADERS = ("类别", "事项", "日期／期限", "状态")
#: Words a long title is never broken inside (GB/T 9704 7.3.1: break where the sense allows).
TITLE_KEEP = ("政治生态", "分析研判", "研判情况")
EMPTY = "无"
NO_RISKS = "未登记廉政风险点"
NOTHING_OPEN = "无未办结事项"

#: Bar colours of a chart's series, in order (PDF RGB; the .docx uses the same as hex).
SERIES_COLOURS = ((0.72, 0.11, 0.11), (0.33, 0.45, 0.62), (0.55, 0.55, 0.55))


@dataclass(frozen=True)
class ChartValues:
    title: str
    years: tuple[int, ...]
    series: tuple[tuple[str, tuple[int, ...]], ...]  # (label, a value per year)


@dataclass(frozen=True)
class ProfileValues:
    title: str  # 关于区财政局2026年度政治生态分析研判情况的报告
    group_name: str
    subtitle: str  # 驻区财政局纪检监察组　2026年12月6日
    sentences: tuple[str, ...]
    figure_headers: tuple[str, ...]  # 统计项, then the years
    figure_rows: tuple[tuple[str, ...], ...]
    charts: tuple[ChartValues, ...]
    risk_rows: tuple[tuple[str, ...], ...]
    open_rows: tuple[tuple[str, ...], ...]
    assessment: tuple[str, ...]
    subject: str = "政治生态分析研判"

    def sections(self) -> tuple[DossierSection, DossierSection, DossierSection]:
        """The three tables: the figures, the risk points, what is open."""
        return (
            DossierSection(HEADINGS[1], self.figure_headers, self.figure_rows),
            DossierSection(HEADINGS[3], RISK_HEADERS, self.risk_rows),
            DossierSection(HEADINGS[4], OPEN_HEADERS, self.open_rows),
        )


# ------------------------------------------------------------------------------------- PDF

CHART_HEIGHT_MM = 46.0  # one chart: its title and legend, the bars, the years
CHART_GAP_MM = 4.0
#: Rows of a dense table the heading of the charts needs below it (one chart's height).
CHART_KEEP_ROWS = 5


def render_pdf(values: ProfileValues, out: Output, *, fonts: FontSet | None = None) -> None:
    """The report as a PDF in the slips' layout."""
    meta = slips._meta(values.title, values.group_name, values.subject)
    slips._render(out, fonts, meta, lambda w: _pdf(w, values))


def _pdf(w: Writer, v: ProfileValues) -> None:
    figures, risks, open_items = v.sections()
    _pdf_head(w, v)
    slips._section_heading(w, 1, HEADINGS[0], 1)
    slips._body(w, v.sentences)
    slips._section_heading(w, 2, HEADINGS[1], 3)
    draw_table(w, slips._section_table(w, figures, EMPTY))
    slips._section_heading(w, 3, HEADINGS[2], CHART_KEEP_ROWS)
    _pdf_charts(w, v.charts)
    slips._section_heading(w, 4, HEADINGS[3], 2)
    draw_table(w, slips._section_table(w, risks, NO_RISKS))
    slips._section_heading(w, 5, HEADINGS[4], 2)
    draw_table(w, slips._section_table(w, open_items, NOTHING_OPEN))
    slips._section_heading(w, 6, HEADINGS[5], 1)
    slips._body(w, v.assessment)


def _pdf_head(w: Writer, v: ProfileValues) -> None:
    """The title (broken where its sense allows) and the line under it, as a form's head."""
    w.start_document()
    slips._title(w, v.title, TITLE_KEEP)
    index = w.grid_index()
    w.text_at(
        [(v.subtitle, "kai")],
        LEFT,
        w.baseline_on(index, BODY_SIZE),
        BODY_SIZE,
        align="center",
        width=TYPE_WIDTH,
    )
    w.y = TOP + (index + 1) * LINE_PITCH


def _pdf_charts(w: Writer, charts: Sequence[ChartValues]) -> None:
    """The charts one under another, the width of the type area: per year a bar for each series
    with its value over it; the title and a legend above, the years below."""
    for chart in charts:
        height = CHART_HEIGHT_MM * MM
        if w.room < height:
            w.new_page()
        _pdf_chart(w, chart, w.y, height)
        w.y += height + CHART_GAP_MM * MM
    # back onto the grid for what follows
    index = w.grid_index()
    if index >= LINES_PER_PAGE:
        w.new_page()
    else:
        w.y = TOP + index * LINE_PITCH


def _pdf_chart(w: Writer, chart: ChartValues, top: float, height: float) -> None:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.shapes import Drawing, Line, Rect
    from reportlab.lib.colors import Color

    title_size, small = 12.0, 10.5
    w.text_at([(chart.title, "hei")], LEFT, top + title_size, title_size)
    # the legend at the right of the title: a swatch and the series' name each
    names = [label for label, _ in chart.series]
    widths = [w.setter.natural_width(n, "fangsong", small) for n in names]
    x = LEFT + TYPE_WIDTH - sum(widths) - len(names) * small * 2.0
    for j, (name, width) in enumerate(zip(names, widths, strict=True)):
        c = w.canvas
        c.saveState()
        c.setFillColorRGB(*SERIES_COLOURS[j % len(SERIES_COLOURS)])
        c.rect(x, PAGE_HEIGHT - (top + title_size) - 0.5, small * 0.8, small * 0.8, stroke=0, fill=1)
        c.restoreState()
        w.text_at([(name, "fangsong")], x + small * 1.1, top + title_size, small)
        x += width + small * 2.0
    plot_top = top + title_size + 6 + small + 2  # room for the values over the tallest bar
    plot_bottom = top + height - (small + 6)  # the years below the axis
    plot_height = plot_bottom - plot_top
    biggest = max([1, *(v for _, values in chart.series for v in values)])
    drawing = Drawing(TYPE_WIDTH, plot_bottom - top)
    drawing.add(Line(0, 0, TYPE_WIDTH, 0, strokeColor=Color(0, 0, 0), strokeWidth=0.6))
    slot = TYPE_WIDTH / max(1, len(chart.years))
    count = max(1, len(chart.series))
    bar = min(slot * 0.6 / count, 14 * MM)
    for i, year in enumerate(chart.years):
        start = i * slot + (slot - bar * count) / 2
        for j, (_name, values) in enumerate(chart.series):
            value = values[i]
            h = plot_height * value / biggest
            if h > 0:
                colour = Color(*SERIES_COLOURS[j % len(SERIES_COLOURS)])
                drawing.add(Rect(start + j * bar + 1, 0, bar - 2, h, fillColor=colour, strokeColor=None))
            baseline = plot_bottom - h - 3
            w.text_at(
                [(str(value), "song")], LEFT + start + j * bar, baseline, small, align="center", width=bar
            )
        w.text_at(
            [(f"{year}年", "fangsong")],
            LEFT + i * slot,
            plot_bottom + small + 2,
            small,
            align="center",
            width=slot,
        )
    renderPDF.draw(drawing, w.canvas, LEFT, PAGE_HEIGHT - plot_bottom)


# ------------------------------------------------------------------------------------ .docx

BAR_BLOCKS = 8  # the longest bar, in blocks
BAR_SIZE = 9.0  # points: eight blocks and the value fit a year's column


def render_docx(values: ProfileValues, out: Output) -> None:
    """The report as a Word file in the letters' and forms' layout."""
    docx._write(out, docx._package(values.title, values.group_name, values.subject), [_docx(values)])


def _docx(v: ProfileValues) -> str:
    figures, risks, open_items = v.sections()
    body = docx._Body()
    docx._title(body, v.title, TITLE_KEEP)
    body.add(paragraph([Run(v.subtitle, "kai")], align="center", snap=False))

    def heading(number: int) -> None:
        text = f"{chinese_ordinal(number)}、{HEADINGS[number - 1]}"
        body.add(paragraph([Run(text, "hei")], align="left", keep_next=True))

    heading(1)
    docx._paragraphs(body, v.sentences)
    heading(2)
    body.add(docx._section_table(figures, EMPTY))
    heading(3)
    for chart in v.charts:
        body.add(paragraph([Run(chart.title, "kai")], align="left", keep_next=True))
        body.add(_docx_chart(chart))
    heading(4)
    body.add(docx._section_table(risks, NO_RISKS))
    heading(5)
    body.add(docx._section_table(open_items, NOTHING_OPEN))
    heading(6)
    docx._paragraphs(body, v.assessment)
    return body.text()


def _hex(rgb: tuple[float, float, float]) -> str:
    return "".join(f"{round(c * 255):02X}" for c in rgb)


def _docx_chart(chart: ChartValues) -> str:
    """A chart as a table: a row per series, a column per year, each cell a bar of blocks and
    the value."""
    biggest = max([1, *(v for _, values in chart.series for v in values)])
    size = docx.SMALL
    rows = [
        Row(
            (
                docx._label("", size=size, shade=True),
                *(docx._label(f"{year}年", role="hei", size=size, shade=True) for year in chart.years),
            ),
            header=True,
        )
    ]
    for j, (label, values) in enumerate(chart.series):
        colour = _hex(SERIES_COLOURS[j % len(SERIES_COLOURS)])
        cells = [docx._label(label, size=size)]
        for value in values:
            blocks = round(BAR_BLOCKS * value / biggest)
            runs = (Run("█" * blocks, "song", BAR_SIZE, color=colour), Run(f" {value}", "fangsong", size))
            cells.append(Cell(runs=runs if blocks else runs[1:], align="left", middle=True))
        rows.append(Row(tuple(cells), keep=True))
    first = 34.0
    widths = [first, *([(docx.TYPE_WIDTH - first) / max(1, len(chart.years))] * len(chart.years))]
    return table(widths, rows, size=size, leading=18.0, keep_together=True)
