"""工作统计表: the year-end figures as a ruled table per section, then the ready sentences.

Plain values in (:class:`StatsValues`), a PDF out; no Qt and no database. The page, the
title, the headings, the tables and the page numbers are the slips' own machinery
(:mod:`wsjc_desktop.printing.slips`), so the table prints like every other form.
"""

from __future__ import annotations

from dataclasses import dataclass

from wsjc_desktop.printing.fonts import FontSet
from wsjc_desktop.printing.layout import MM, SMALL_SIZE, TYPE_WIDTH, Writer
from wsjc_desktop.printing.slips import Output, _body, _form_head, _meta, _render, _section_heading
from wsjc_desktop.printing.tables import Cell, Row, Table, draw_table, label

__all__ = ["StatsItem", "StatsSection", "StatsValues", "render_stats"]

HEADERS = ("统计项", "数量")
SENTENCES_HEADING = "文字材料"
SUBJECT = "工作统计表"
VALUE_WIDTH = 32 * MM
LEADING = 18.0  # 小4号 in a dense table: one and a half lines


@dataclass(frozen=True)
class StatsItem:
    label: str  # 谈话人次（合计）
    value: int
    text: str = ""  # printed instead of the number when given, e.g. “40%”


@dataclass(frozen=True)
class StatsSection:
    title: str  # 谈话
    items: tuple[StatsItem, ...]


@dataclass(frozen=True)
class StatsValues:
    group_name: str
    period_label: str  # “2026年” or “2026年1月1日至2026年6月30日”
    sections: tuple[StatsSection, ...]
    sentences: tuple[str, ...] = ()
    subtitle: str = ""  # under the title, e.g. the period's dates
    note: str = ""  # a line after the tables, e.g. the day 逾期 was judged on

    @property
    def title(self) -> str:
        return f"{self.group_name}{self.period_label}{SUBJECT}"


def render_stats(values: StatsValues, out: Output, fonts: FontSet | None = None) -> None:
    """The 工作统计表 of one period: title, one table per section, the note, the sentences."""
    _render(out, fonts, _meta(values.title, values.group_name, SUBJECT), lambda w: _stats(w, values))


def _section_table(section: StatsSection) -> Table:
    rows = [Row([label(h, role="hei", shade=True) for h in HEADERS])]
    rows += [
        Row([Cell(item.label), Cell(item.text or str(item.value), align="center")]) for item in section.items
    ]
    widths = [TYPE_WIDTH - VALUE_WIDTH, VALUE_WIDTH]
    return Table(widths, rows, header=1, size=SMALL_SIZE, leading=LEADING, pad_y=3.0)


def _stats(w: Writer, v: StatsValues) -> None:
    _form_head(w, v.title, v.subtitle)
    number = 0
    for section in v.sections:
        number += 1
        _section_heading(w, number, section.title, 3)
        draw_table(w, _section_table(section))
    if v.note:
        w.skip_lines(0)
        w.grid_paragraph([(v.note, "kai")], size=SMALL_SIZE, indent_cells=0)
    if v.sentences:
        number += 1
        _section_heading(w, number, SENTENCES_HEADING, 2)
        _body(w, v.sentences)
