"""Ledgers (台账) written as .xlsx: one sheet per ledger, ready to print and to send on.

Plain values in, a workbook out; no Qt and no database here. Sheets are written in openpyxl's
write-only mode, row by row, so a 10 000-row ledger neither builds a full worksheet in memory
nor waits long. The file is written beside its target and moved into place only when it is
complete, so a file held open in Excel or a full disk never leaves half a ledger behind.

Nothing a cell holds can run as a formula when the file is opened in Excel or WPS: every
text goes out as a string cell (``t="inlineStr"``), including text such as ``=HYPERLINK(…)``
or ``+1`` that openpyxl would otherwise store as a formula; such a cell also carries
``quotePrefix``, so it stays text after the user edits it there.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from wsjc_desktop.errors import UserError
from wsjc_desktop.fileio import atomic_write

__all__ = [
    "DATE_FORMAT",
    "FORMULA_PREFIXES",
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
MAX_WIDTH = 40
PROGRESS_STEP = 500
LINE_HEIGHT = 14.5  # points per line of 11-point 宋体
PAPER_A4 = 9  # the paperSize code of A4 in SpreadsheetML

_FONT = "宋体"
_TITLE_FONT = Font(name="黑体", size=16, bold=True)
_HEADER_FONT = Font(name=_FONT, size=11, bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)


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
        return 12 if isinstance(value, datetime) else 11  # 2026年12月31日 in the sheet font
    longest = max((text_width(line) for line in str(value).split("\n")), default=0)
    return longest


def column_widths(columns: Sequence[LedgerColumn], rows: Sequence[Sequence[Any]]) -> list[int]:
    """Widths that fit the header and the values (long text wraps at MAX_WIDTH)."""
    widths = [max(text_width(c.header) + 2, c.width, MIN_WIDTH) for c in columns]
    for row in rows[:WIDTH_SAMPLE]:
        for i, value in enumerate(row):
            fit = _value_width(value) + 2
            if fit > widths[i]:
                widths[i] = fit
    return [min(w, MAX_WIDTH) for w in widths]


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
    nrows = len(sheet.rows)

    # everything below is part of the sheet's head, written before the first row
    widths = column_widths(columns, sheet.rows)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width + 1
    ws.freeze_panes = "A3"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.print_options.horizontalCentered = True
    ws.print_options.gridLines = True  # ruled like a paper ledger, without a border per cell
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.print_title_rows = "1:2"
    ws.auto_filter.ref = f"A2:{last}{nrows + 2}"
    if ncols > 1:
        ws.merged_cells.add(f"A1:{last}1")

    ws.row_dimensions[1].height = 32
    title = _styled(ws, sheet.title, font=_TITLE_FONT)
    title.border = Border()
    ws.append([title])
    ws.append([_styled(ws, c.header, font=_HEADER_FONT, fill=_HEADER_FILL) for c in columns])

    kinds = [c.kind for c in columns]
    make = _Cells(ws).make
    # openpyxl's own conversion learns that a value is a ready cell by catching the error of
    # assigning it as a value, once per styled cell (a third of a ledger's cells)
    ws._values_to_row = partial(_values_to_row, ws)
    # Excel does not grow a row for wrapped text in a file it opens, nor does LibreOffice
    # reliably: rows holding long text get the height their lines need
    wrapped = [(i, widths[i]) for i, kind in enumerate(kinds) if kind is ColumnKind.LONG_TEXT]
    for row_idx, row in enumerate(sheet.rows, start=3):
        if wrapped:
            lines = max((_line_count(row[i], width) for i, width in wrapped), default=1)
            if lines > 1:
                ws.row_dimensions[row_idx].height = LINE_HEIGHT * lines + 2
        ws.append([make(kind, value) for kind, value in zip(kinds, row, strict=True)])
        tick()


def _line_count(value: Any, width: int) -> int:
    if not isinstance(value, str) or not value:
        return 1
    usable = max(1, width - 1)
    return sum(max(1, -(-text_width(line) // usable)) for line in value.split("\n"))


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
    """Turns values into what ``append`` takes. Plain values go straight through (fast); dates,
    long text and anything formula-like become cells carrying a style computed once per
    sheet, their value set directly so openpyxl does not guess a type (and a formula) again."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        date_cell = WriteOnlyCell(ws)
        date_cell.number_format = DATE_FORMAT
        wrap_cell = WriteOnlyCell(ws)
        wrap_cell.alignment = _WRAP
        quoted_cell = WriteOnlyCell(ws)
        quoted_cell.quotePrefix = True  # stays text when the cell is edited in Excel or WPS
        quoted_wrap = WriteOnlyCell(ws)
        quoted_wrap.alignment = _WRAP
        quoted_wrap.quotePrefix = True
        self.date_style = date_cell._style
        self.wrap_style = wrap_cell._style
        self.quoted_style = quoted_cell._style
        self.quoted_wrap_style = quoted_wrap._style

    def _raw(self, value: Any, data_type: str, style: Any) -> Cell:
        # one style array shared by every date (or wrapped) cell: openpyxl only reads it
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
            formula_like = value.startswith(FORMULA_PREFIXES)
            if kind is ColumnKind.LONG_TEXT:
                return self._raw(value, "s", self.quoted_wrap_style if formula_like else self.wrap_style)
            if formula_like:  # text, never a formula, even once edited (quotePrefix)
                return self._raw(value, "s", self.quoted_style)
            return value
        if isinstance(value, date):
            return self._raw(value, "d", self.date_style)
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, int | float):
            return value
        return self.make(kind, str(value))


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
    wb = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(wb, sheet, tick)
    with atomic_write(target, holder="Excel、WPS") as handle:
        wb.save(handle)
    return total
