"""Ruled tables (forms, lists) whose cells grow with their text and flow onto the next page.

A row taller than the room left is split between lines of text: the first part closes the
page, the rest continues on the next one under the repeated header rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from wsjc_desktop.printing.layout import (
    ASCENT,
    BLACK,
    BOTTOM,
    FORM_SIZE,
    LEFT,
    PAGE_HEIGHT,
    TOP,
    TYPE_WIDTH,
    Line,
    Span,
    Writer,
)
from wsjc_desktop.printing.text import paragraphs

OUTER_RULE = 1.0
INNER_RULE = 0.5
SHADE = (0.9, 0.9, 0.9)


@dataclass(frozen=True)
class Cell:
    text: str | Sequence[Span] = ""
    span: int = 1
    role: str = "fangsong"
    align: Literal["left", "center"] = "left"
    middle: bool = False  # centred vertically (labels)
    indent: bool = False  # paragraphs indented two characters (long prose)
    min_lines: int = 1
    merge_up: bool = False  # continues the cell above: no rule between them, no text
    shade: bool = False
    fit: bool = False  # shrink the text (to 10.5 pt at least) rather than wrap it


MIN_FIT_SIZE = 10.5  # 五号


def label(text: str, span: int = 1, *, role: str = "fangsong", shade: bool = False) -> Cell:
    """A form's label cell: centred both ways, shrunk a little rather than wrapped."""
    return Cell(text, span=span, role=role, align="center", middle=True, shade=shade, fit=True)


@dataclass(frozen=True)
class Row:
    cells: Sequence[Cell]
    keep: bool = False  # never split across pages
    with_previous: bool = False  # on the same page as the row above (signature rows, a last row)


@dataclass
class Table:
    widths: Sequence[float]
    rows: Sequence[Row]
    header: int = 0  # leading rows repeated at the top of each further page
    size: float = FORM_SIZE
    leading: float | None = None
    pad_x: float = 4.0
    pad_y: float = 4.0

    @property
    def line_height(self) -> float:
        return self.leading if self.leading is not None else round(self.size * 1.5, 2)


def fit_widths(natural: Sequence[float], minimum: Sequence[float], total: float = TYPE_WIDTH) -> list[float]:
    """Column widths summing to ``total``: each at least its minimum, the rest shared out in
    proportion to how much more room each column's content would like."""
    natural = [max(n, m) for n, m in zip(natural, minimum, strict=True)]
    if sum(natural) <= total:
        spare = total - sum(natural)
        weight = sum(natural)
        return [n + spare * n / weight for n in natural]
    floor = sum(minimum)
    if floor >= total:
        return [m * total / floor for m in minimum]
    want = [n - m for n, m in zip(natural, minimum, strict=True)]
    # give each column its minimum, then the rest in proportion to the square root of what it
    # wants, so one very long column does not squeeze the others to their minimum
    weights = [math.sqrt(w) for w in want]
    spare = total - floor
    widths = [m + spare * w / sum(weights) for m, w in zip(minimum, weights, strict=True)]
    # a column needing less than its share gives the excess back to the others
    for _ in range(len(widths)):
        over = [i for i, w in enumerate(widths) if w > natural[i]]
        if not over:
            break
        excess = sum(widths[i] - natural[i] for i in over)
        for i in over:
            widths[i] = natural[i]
        rest = [i for i in range(len(widths)) if i not in over and widths[i] < natural[i]]
        if not rest:
            break
        rest_weight = sum(weights[i] for i in rest) or 1.0
        for i in rest:
            widths[i] += excess * weights[i] / rest_weight
    scale = total / sum(widths)
    return [w * scale for w in widths]


def table_height(writer: Writer, table: Table) -> float:
    """The height ``table`` takes when it does not break across pages."""
    drawer = _Drawer(writer, table)
    return sum(drawer.height(drawer.cell_lines(row)[0], row) for row in table.rows)


def draw_table(writer: Writer, table: Table, keep_with_next: float = 0.0) -> None:
    """Draw ``table`` from ``writer.y`` down, flowing onto new pages; ``writer.y`` ends below it.
    ``keep_with_next``: the height of what must follow the last row on its page."""
    _Drawer(writer, table).run(keep_with_next)


class _Drawer:
    def __init__(self, writer: Writer, table: Table) -> None:
        self.w = writer
        self.t = table
        self.edges = [LEFT]
        for width in table.widths:
            self.edges.append(self.edges[-1] + width)
        self.page_top: float | None = None  # the table's top on the current page
        self.fresh_room = BOTTOM - TOP  # the room a new page gives, under the repeated headers
        self.fresh = False  # only repeated headers drawn on this page so far

    def cell_lines(self, row: Row) -> tuple[list[list[Line]], list[float]]:
        """Each cell's lines, and the size it is set in."""
        t = self.t
        out: list[list[Line]] = []
        sizes: list[float] = []
        col = 0
        for cell in row.cells:
            width = self.edges[col + cell.span] - self.edges[col] - 2 * t.pad_x
            col += cell.span
            size = t.size
            if cell.merge_up:
                out.append([])
                sizes.append(size)
                continue
            spans_list: list[Sequence[Span]]
            if isinstance(cell.text, str):
                spans_list = [[(p, cell.role)] for p in paragraphs(cell.text)]
            else:
                spans_list = [cell.text]
            if cell.fit and spans_list:
                natural = max(sum(self.w.setter.natural_width(x, r, size) for x, r in s) for s in spans_list)
                if natural > width and size * width / natural >= MIN_FIT_SIZE:
                    size = math.floor(size * width / natural * 10) / 10
            lines: list[Line] = []
            for spans in spans_list:
                lines.extend(
                    self.w.setter.lines(
                        spans,
                        width,
                        size=size,
                        indent=2 * size if cell.indent else 0.0,
                        justify=cell.align == "left",
                    )
                )
            out.append(lines)
            sizes.append(size)
        if col != len(t.widths):
            raise ValueError(f"row spans {col} columns, table has {len(t.widths)}")
        return out, sizes

    def run(self, keep_with_next: float = 0.0) -> None:
        t = self.t
        prepared = [self.cell_lines(row) for row in t.rows]
        headers = [
            (row, lines, sizes) for row, (lines, sizes) in zip(t.rows[: t.header], prepared, strict=False)
        ]
        self.fresh_room = BOTTOM - TOP - sum(self.height(lines, row) for row, lines, _ in headers)
        for number, (row, (lines, sizes)) in enumerate(zip(t.rows, prepared, strict=True)):
            is_header = number < t.header
            # a header (and the row after it) never sits alone at the foot of a page
            keep_with = 0.0
            if is_header and number + 1 < len(t.rows):
                keep_with = self.height(prepared[number + 1][0], t.rows[number + 1], limit=2)
            # rows that go with the one above (signatures) stay on its page, all of them
            after = number + 1
            while after < len(t.rows) and t.rows[after].with_previous:
                keep_with += self.height(prepared[after][0], t.rows[after])
                after += 1
            if after == len(t.rows):
                keep_with += keep_with_next
            self.flow(row, lines, sizes, headers if not is_header else [], keep_with)
        self.close()

    def height(self, lines: list[list[Line]], row: Row, limit: int | None = None) -> float:
        count = max([len(c) for c in lines] + [c.min_lines for c in row.cells])
        if limit is not None:
            count = min(count, limit)
        return count * self.t.line_height + 2 * self.t.pad_y

    def flow(
        self,
        row: Row,
        lines: list[list[Line]],
        sizes: list[float],
        headers: list[tuple[Row, list[list[Line]], list[float]]],
        keep_with: float = 0.0,
    ) -> None:
        t = self.t
        minimum = [c.min_lines for c in row.cells]
        first_part = True
        while True:
            need = max([len(c) for c in lines] + minimum)
            height = need * t.line_height + 2 * t.pad_y
            room = BOTTOM - self.w.y
            fresh = self.fresh or abs(self.w.y - TOP) < 0.01  # a new page would not give more room
            if height + keep_with <= room + 0.01:
                self.draw_row(row, lines, sizes, need, first_part)
                self.fresh = False
                return
            fit = int((room - 2 * t.pad_y + 0.01) // t.line_height)
            whole_on_next = height + keep_with <= self.fresh_room + 0.01
            if not fresh and (row.keep or fit < 2 or (keep_with and whole_on_next)):
                self.break_page(headers)
                continue
            if height <= room + 0.01:
                if not keep_with or need < 2 or row.keep:
                    self.draw_row(row, lines, sizes, need, first_part)
                    self.fresh = False
                    return
                fit = min(fit, need - 1)  # its last line goes over with the rows that follow it
            fit = max(1, fit)
            self.draw_row(row, [c[:fit] for c in lines], sizes, fit, first_part)
            lines = [c[fit:] for c in lines]
            minimum = [max(0, m - fit) for m in minimum]
            first_part = False
            self.break_page(headers)

    def break_page(self, headers: list[tuple[Row, list[list[Line]], list[float]]]) -> None:
        self.close()
        self.w.new_page()
        for row, lines, sizes in headers:
            count = max([len(c) for c in lines] + [c.min_lines for c in row.cells])
            self.draw_row(row, lines, sizes, count, True)
        self.fresh = True

    def draw_row(
        self, row: Row, lines: list[list[Line]], sizes: list[float], count: int, first_part: bool
    ) -> None:
        t = self.t
        w = self.w
        c = w.canvas
        top = w.y
        height = count * t.line_height + 2 * t.pad_y
        starts_page = self.page_top is None
        if starts_page:
            self.page_top = top
        col = 0
        c.saveState()
        for cell, cell_lines, size in zip(row.cells, lines, sizes, strict=True):
            x0, x1 = self.edges[col], self.edges[col + cell.span]
            col += cell.span
            if cell.shade:
                c.setFillColorRGB(*SHADE)
                c.rect(x0, PAGE_HEIGHT - top - height, x1 - x0, height, stroke=0, fill=1)
            # the top rule: not between a merged cell and the one above (unless a page began)
            if starts_page or (first_part and not cell.merge_up):
                c.setLineWidth(OUTER_RULE if starts_page else INNER_RULE)
                c.line(x0, PAGE_HEIGHT - top, x1, PAGE_HEIGHT - top)
            c.setLineWidth(OUTER_RULE if x0 == LEFT else INNER_RULE)
            c.line(x0, PAGE_HEIGHT - top, x0, PAGE_HEIGHT - top - height)
            if cell_lines:
                offset = t.pad_y
                if cell.middle:
                    offset += (count - len(cell_lines)) * t.line_height / 2
                for i, line in enumerate(cell_lines):
                    baseline = top + offset + i * t.line_height + (t.line_height - size) / 2 + ASCENT * size
                    x = x0 + t.pad_x
                    if cell.align == "center":
                        x += (x1 - x0 - 2 * t.pad_x - line.width) / 2
                    w.draw_line(line, x, baseline, size, color=BLACK)
        c.setLineWidth(OUTER_RULE)
        right = self.edges[-1]
        c.line(right, PAGE_HEIGHT - top, right, PAGE_HEIGHT - top - height)
        c.restoreState()
        w.y = top + height

    def close(self) -> None:
        """The bottom rule of the table's part on this page."""
        if self.page_top is None:
            return
        c = self.w.canvas
        c.saveState()
        c.setLineWidth(OUTER_RULE)
        y = PAGE_HEIGHT - self.w.y
        c.line(self.edges[0], y, self.edges[-1], y)
        c.restoreState()
        self.page_top = None
