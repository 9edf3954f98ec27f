"""Ledgers (台账) written as .xlsx: one sheet per ledger, ready to print and to send on.

Plain values in, a workbook out; no Qt and no database here. Sheets are written in openpyxl's
write-only mode, row by row, so a 10 000-row ledger neither builds a full worksheet in memory
nor waits long. The file is written beside its target and moved into place only when it is
complete, so a file held open in Excel or a full disk never leaves half a ledger behind.

Nothing a cell holds can run as a formula when the file is opened in Excel or WPS: every
text goes out as a string cell (``t="inlineStr"``), including text such as ``=HYPERLINK(…)``
or ``+1`` that openpyxl would otherwise store as a formula; such a cell also carries
``quotePrefix``, so it stays text after the user edits it there.

Printing. A ledger prints on A4 landscape with its title and header rows repeated on every
page, in 宋体 at 10.5 pt (五号) for the data: text wraps, is top-aligned and sits in columns whose
width is capped, and each row is as tall as its longest text. A sheet may name the columns that
go on paper (:attr:`LedgerSheet.printed`): they must be its first columns, and the print area
covers exactly them. A print area over contiguous columns is the one way to print part of a
sheet that Excel, WPS and LibreOffice all honour and that hides nothing on screen (several
print ranges would each print on pages of their own, hidden columns would hide them from the
user too), and the sheet's columns keep their order, so the sheet reads back by its header
labels as it was written. The printed columns are narrowed (text wraps more) until they fit
the page's width at 100 %; fit-to-width then only guards against a renderer measuring wider
than we do, and is set only when the printed columns fit at a scale that keeps 9 pt.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache, partial
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from wsjc_desktop.errors import UserError
from wsjc_desktop.fileio import atomic_write

__all__ = [
    "DATE_FORMAT",
    "FONT_NAME",
    "FONT_SIZE",
    "FORMULA_PREFIXES",
    "MIN_PRINTED_SIZE",
    "PAGE_WIDTH",
    "ColumnKind",
    "LedgerColumn",
    "LedgerSheet",
    "Progress",
    "text_width",
    "write_ledgers",
]

Progress = Callable[[int, int], None]

#: Shown as 2026年3月5日 in Excel, WPS and LibreOffice alike.
DATE_FORMAT = 'yyyy"年"m"月"d"日"'

#: A text starting with one of these could run as a formula (or a DDE command) if it ever
#: became a formula cell; such text is always written as a string cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Column widths are measured on this many rows: enough to see the typical value, and the
#: cost stays flat however long the ledger.
WIDTH_SAMPLE = 500
MIN_WIDTH = 4
#: Widths are in half-width characters, which is also Excel's column unit: at 10.5 pt a Chinese
#: character of 宋体 is two units wide. A printed column holds at most MAX_WIDTH (long text at
#: most MAX_LONG_WIDTH), a column that is not printed at most MAX_SCREEN_WIDTH.
MAX_WIDTH = 24
MAX_LONG_WIDTH = 36
MAX_SCREEN_WIDTH = 60
#: The narrowest a wrapping column is made to fit the page (five Chinese characters a line).
MIN_WRAP_WIDTH = 12
DATE_WIDTH = 14  # 2026年12月31日
PROGRESS_STEP = 500
FONT_NAME = "宋体"
FONT_SIZE = 10.5  # 五号, points
MIN_PRINTED_SIZE = 9.0  # points: the smallest text a ledger may print at
LINE_HEIGHT = 13.5  # points per line of 10.5-point 宋体 (Excel's own row height for it)
ROW_PADDING = 4.0  # points above and below a row's lines
PAPER_A4 = 9  # the paperSize code of A4 in SpreadsheetML
SIDE_MARGIN = 0.4  # inches, left and right
#: Column units across A4 landscape (297 mm) inside the side margins: 10.9 inches of 96 px, at
#: 7 px a unit, less a few units for the renderer's own rounding.
PAGE_WIDTH = int((297 / 25.4 - 2 * SIDE_MARGIN) * 96 / 7) - 4

_FONT = FONT_NAME
_TITLE_FONT = Font(name=_FONT, size=16, bold=True)
_HEADER_FONT = Font(name=_FONT, size=FONT_SIZE, bold=True)
_DATA_FONT = Font(name=_FONT, size=FONT_SIZE)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_TOP_CENTER = Alignment(horizontal="center", vertical="top")  # numbers and dates


class ColumnKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"  # wraps in its cell
    DATE = "date"
    NUMBER = "number"


@dataclass(frozen=True)
class LedgerColumn:
    header: str
    kind: ColumnKind = ColumnKind.TEXT
    width: int = 0  # at least this many half-width characters (0: fit the values)


@dataclass(frozen=True)
class LedgerSheet:
    name: str  # the sheet tab (Excel allows 31 characters, no []:*?/\)
    title: str  # the merged title row, e.g. 谈话台账（2026年）
    columns: Sequence[LedgerColumn]
    rows: Sequence[Sequence[Any]]  # one value per column: str, int, date, or None
    #: The header labels of the columns that print, the sheet's first columns (empty: all).
    printed: Sequence[str] = ()

    def printed_count(self) -> int:
        """How many leading columns print; ValueError if ``printed`` are not the first columns."""
        if not self.printed:
            return len(self.columns)
        headers = [c.header for c in self.columns[: len(self.printed)]]
        if headers != list(self.printed):
            raise ValueError(
                f"{self.name}: the printed columns {list(self.printed)} are not the sheet's first "
                f"columns {headers} (the print area covers one run of columns from A)"
            )
        return len(self.printed)


def text_width(text: str) -> int:
    """Width in half-width characters: a Chinese character (or full-width sign) counts two."""
    try:
        # GBK spends two bytes on exactly the wide characters: one C call instead of a loop
        return len(text.encode("gbk"))
    except UnicodeEncodeError:
        return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _value_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return DATE_WIDTH + 1 if isinstance(value, datetime) else DATE_WIDTH
    longest = max((text_width(line) for line in str(value).split("\n")), default=0)
    return longest


def _wraps(kind: ColumnKind) -> bool:
    return kind in (ColumnKind.TEXT, ColumnKind.LONG_TEXT)


def _header_width(header: str) -> int:
    """The narrowest width showing the header on at most two lines."""
    full = text_width(header)
    if full <= 8:
        return full + 2
    half = -(-full // 2)
    return half + half % 2 + 2  # whole Chinese characters a line


def column_widths(
    columns: Sequence[LedgerColumn], rows: Sequence[Sequence[Any]], printed: int | None = None
) -> list[int]:
    """Widths that fit the header (on two lines if long) and the values, capped (longer text
    wraps).

    The first ``printed`` columns (default: all) then fill the page's width: room left over
    widens the text (or the header) that wraps most; if they are too wide, the wrapping columns
    are narrowed, widest first (long text counting half), until they fit or none can narrow.
    """
    printed = len(columns) if printed is None else printed
    widths = [max(_header_width(c.header), c.width, MIN_WIDTH) for c in columns]
    for row in rows[:WIDTH_SAMPLE]:
        for i, value in enumerate(row):
            fit = _value_width(value) + (1 if isinstance(value, date) else 2)  # a date never wraps
            if fit > widths[i]:
                widths[i] = fit
    # what each column would take to show everything on one line, its header included
    wanted = [max(w, text_width(c.header) + 2) for c, w in zip(columns, widths, strict=True)]
    for i, column in enumerate(columns):
        if i >= printed:  # off the page: its header on one line
            widths[i] = max(widths[i], text_width(column.header) + 2)
            cap = MAX_SCREEN_WIDTH
        else:
            cap = MAX_LONG_WIDTH if column.kind is ColumnKind.LONG_TEXT else MAX_WIDTH
        widths[i] = min(widths[i], max(cap, _header_width(column.header)))
    wrapping = [i for i in range(printed) if _wraps(columns[i].kind)]
    # room left on the page goes to the text (or the header) that wraps most, two units (one
    # Chinese character) at a time
    while sum(widths[:printed]) + 2 <= PAGE_WIDTH:
        short = [i for i in range(printed) if min(wanted[i], MAX_SCREEN_WIDTH) > widths[i]]
        if not short:
            break
        widest = max(short, key=lambda i: wanted[i] / widths[i])
        widths[widest] += 2
    floors = {i: max(_header_width(columns[i].header), MIN_WRAP_WIDTH) for i in wrapping}
    # long text keeps about twice the width of short text as both are narrowed
    weight = {i: 2 if columns[i].kind is ColumnKind.LONG_TEXT else 1 for i in wrapping}
    while sum(widths[:printed]) > PAGE_WIDTH:
        narrowable = [i for i in wrapping if widths[i] > floors[i]]
        if not narrowable:
            break
        widest = max(narrowable, key=lambda i: widths[i] / weight[i])
        widths[widest] = max(floors[widest], widths[widest] - 2)
    return widths


def _safe_sheet_name(name: str) -> str:
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in name).strip("'")
    return cleaned[:31] or "台账"


def _styled(
    ws: WriteOnlyWorksheet, value: Any, *, font: Font, fill: PatternFill | None = None
) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    cell.font = font
    if fill is not None:
        cell.fill = fill
    cell.border = _BORDER
    cell.alignment = _CENTER
    return cell


def _write_sheet(wb: Workbook, sheet: LedgerSheet, tick: Callable[[], None]) -> None:
    ws: WriteOnlyWorksheet = wb.create_sheet(_safe_sheet_name(sheet.name))
    columns = list(sheet.columns)
    ncols = max(1, len(columns))
    last = get_column_letter(ncols)
    printed = max(1, sheet.printed_count())
    last_printed = get_column_letter(printed)
    nrows = len(sheet.rows)

    # everything below is part of the sheet's head, written before the first row
    widths = column_widths(columns, sheet.rows, printed)
    for i, width in enumerate(widths, start=1):
        dimension = ws.column_dimensions[get_column_letter(i)]
        dimension.width = width
        # a column with a style of its own would give it to LibreOffice's unstyled cells; the
        # data style is the workbook's first format, so the column is written with none, and
        # what the user types into it takes the data style too
        dimension.font = _DATA_FONT
        dimension.alignment = _WRAP
    ws.freeze_panes = "A3"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.orientation = "landscape"
    # the columns were narrowed to fit at 100 %; fitting to the width shrinks the print only
    # where a renderer measures wider, and only if what it may come to still reads at 9 pt
    if sum(widths[:printed]) * MIN_PRINTED_SIZE / FONT_SIZE <= PAGE_WIDTH:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    else:
        ws.page_setup.scale = 100
        ws.print_title_cols = "A:A"  # 序号 on every page across
    ws.print_options.horizontalCentered = True
    ws.print_options.gridLines = True  # ruled like a paper ledger, without a border per cell
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = f"{_FONT},Regular"
    ws.oddFooter.center.size = FONT_SIZE
    ws.print_title_rows = "1:2"
    ws.print_area = f"A1:{last_printed}{nrows + 2}"
    ws.auto_filter.ref = f"A2:{last}{nrows + 2}"
    if printed > 1:  # the title is centred over what prints
        ws.merged_cells.add(f"A1:{last_printed}1")

    ws.row_dimensions[1].height = 32
    title = _styled(ws, sheet.title, font=_TITLE_FONT)
    title.border = Border()
    ws.append([title])
    header_lines = max((_line_count(c.header, w) for c, w in zip(columns, widths, strict=True)), default=1)
    ws.row_dimensions[2].height = _row_height(header_lines)
    ws.append([_styled(ws, c.header, font=_HEADER_FONT, fill=_HEADER_FILL) for c in columns])

    kinds = [c.kind for c in columns]
    make = _Cells(ws).make
    # openpyxl's own conversion learns that a value is a ready cell by catching the error of
    # assigning it as a value, once per styled cell (a third of a ledger's cells)
    ws._values_to_row = partial(_values_to_row, ws)
    # Excel does not grow a row for wrapped text in a file it opens, nor does LibreOffice
    # reliably: rows holding text longer than its column get the height their lines need
    wrapped = [(i, widths[i]) for i, kind in enumerate(kinds) if _wraps(kind)]
    for row_idx, row in enumerate(sheet.rows, start=3):
        lines = 1
        for i, width in wrapped:
            value = row[i]
            # one paragraph of fewer characters than half the width fits whatever they are
            if isinstance(value, str) and (2 * len(value) > width - 2 or "\n" in value):
                lines = max(lines, _line_count(value, width))
        if lines > 1:
            # the row's attributes as openpyxl writes them from a RowDimension, without building
            # one per row (a write-only sheet reads them once, when the row goes out)
            dict.__setitem__(ws.row_dimensions, row_idx, _height_attributes(lines))
        ws.append([make(kind, value) for kind, value in zip(kinds, row, strict=True)])
        tick()


def _row_height(lines: int) -> float:
    return LINE_HEIGHT * lines + ROW_PADDING


@cache
def _height_attributes(lines: int) -> dict[str, str]:
    return {"ht": f"{_row_height(lines):g}", "customHeight": "1"}


def _line_count(value: Any, width: int) -> int:
    """The lines ``value`` wraps to in a column ``width`` wide, at most."""
    if not isinstance(value, str) or not value:
        return 1
    usable = max(2, width - 2)  # the cell's own padding
    return sum(_wrapped(line, usable) for line in value.split("\n"))


def _wrapped(line: str, usable: int) -> int:
    width = text_width(line)
    if width <= usable:
        return 1
    if width == 2 * len(line):  # Chinese only: whole characters a line
        return -(-len(line) // (usable // 2))
    # mixed: a line holds at least its width less one unit (a Chinese character that does not
    # fit at its end starts the next)
    return -(-width // (usable - 1))


def _values_to_row(ws: WriteOnlyWorksheet, values: Sequence[Any], row_idx: int) -> Iterator[Cell]:
    """As ``WriteOnlyWorksheet._values_to_row``, taking ready cells as they are."""
    plain = WriteOnlyCell(ws)
    for col_idx, value in enumerate(values, 1):
        if value is None:
            continue
        if isinstance(value, Cell):
            cell = value
        else:
            cell = plain
            cell.value = value
        cell.column = col_idx
        cell.row = row_idx
        yield cell


class _Cells:
    """Turns values into what ``append`` takes. Plain values go straight through (fast) and take
    the workbook's default cell format, which is the data style (see :func:`_workbook`); dates,
    numbers of a number column and anything formula-like become cells carrying a style computed
    once per sheet, their value set directly so openpyxl does not guess a type (and a formula)
    again."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        date_cell = WriteOnlyCell(ws)
        date_cell.font = _DATA_FONT
        date_cell.alignment = _TOP_CENTER
        date_cell.number_format = DATE_FORMAT
        number_cell = WriteOnlyCell(ws)
        number_cell.font = _DATA_FONT
        number_cell.alignment = _TOP_CENTER
        quoted_cell = WriteOnlyCell(ws)
        quoted_cell.font = _DATA_FONT
        quoted_cell.alignment = _WRAP
        quoted_cell.quotePrefix = True  # stays text when the cell is edited in Excel or WPS
        self.date_style = date_cell._style
        self.number_style = number_cell._style
        self.quoted_style = quoted_cell._style

    def _raw(self, value: Any, data_type: str, style: Any) -> Cell:
        # one style array shared by every date (number, quoted) cell: openpyxl only reads it
        cell = Cell(self.ws, row=1, column=1, style_array=style)
        cell._value = value
        cell.data_type = data_type
        return cell

    def make(self, kind: ColumnKind, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            if ILLEGAL_CHARACTERS_RE.search(value):  # control characters pasted from elsewhere
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith(FORMULA_PREFIXES):  # text, never a formula, even once edited
                return self._raw(value, "s", self.quoted_style)
            return value
        if isinstance(value, date):
            return self._raw(value, "d", self.date_style)
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, int | float):
            return self._raw(value, "n", self.number_style) if kind is ColumnKind.NUMBER else value
        return self.make(kind, str(value))


def _workbook() -> Workbook:
    """A write-only workbook whose defaults are the data style.

    Its first font, the Normal style's, is 宋体 10.5 pt: column widths are measured in the width
    of a digit of that font, half a Chinese character, as :func:`column_widths` counts (with
    openpyxl's Calibri, LibreOffice, substituting a wider font, would print every column wider).
    Its first cell format, which Excel gives every cell written without a style, is that font
    wrapped and top-aligned, and so is the Normal style, which LibreOffice gives such a cell
    (unless its column has a style). The plain values, most of a ledger's cells, so carry no
    style of their own, which keeps writing them about as fast as openpyxl writes bare values.
    """
    wb = Workbook(write_only=True)
    wb._fonts = IndexedList([_DATA_FONT])
    normal = wb._named_styles["Normal"]  # what LibreOffice gives a cell written without a style
    normal.font = _DATA_FONT
    normal.alignment = _WRAP
    data = StyleArray()
    data.alignmentId = wb._alignments.add(_WRAP)
    wb._cell_styles = IndexedList([data])
    return wb


def write_ledgers(out: Path | str, sheets: Sequence[LedgerSheet], progress: Progress | None = None) -> int:
    """Write the sheets into one workbook at ``out``; returns the data rows written."""
    target = Path(out).expanduser()
    if target.is_dir():
        raise UserError(f"“{target}”是一个文件夹，请给出 Excel 文件名。")
    if not target.parent.is_dir():
        raise UserError(f"文件夹不存在：{target.parent}")
    for sheet in sheets:  # checked first: a bad row must not stop the writing halfway
        width = len(sheet.columns)
        for number, row in enumerate(sheet.rows, start=1):
            if len(row) != width:
                raise ValueError(f"{sheet.name}: row {number} has {len(row)} values for {width} columns")
    total = sum(len(s.rows) for s in sheets)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and (done % PROGRESS_STEP == 0 or done == total):
            progress(done, total)

    if progress is not None:
        progress(0, total)
    wb = _workbook()
    for sheet in sheets:
        _write_sheet(wb, sheet, tick)
    with atomic_write(target, holder="Excel、WPS") as handle:
        wb.save(handle)
    return total
