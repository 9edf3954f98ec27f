"""Reading a cadre roster (花名册) from .xlsx, .xls or .csv, whatever shape a clerk gave it.

The sheet and its header row are found by themselves: title rows above the header,
two-level headers (merged cells), labels written with spaces (“姓  名”) or line breaks,
and the usual synonyms (出生日期/出生年月, 单位/所在单位/工作单位 …) are recognised.
Values are returned as the cells held them; turning them into stored values is the
importer's job (:mod:`wsjc_desktop.services.roster_import`). No Qt, no database.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wsjc_desktop.domain.validation import to_halfwidth
from wsjc_desktop.errors import UserError

#: Field code name → the header texts that mean it (compared without spaces, brackets or “*”).
#: The first text is the one the blank template uses.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "干部姓名"),
    "gender": ("性别",),
    "ethnicity": ("民族",),
    "birth_date": ("出生年月", "出生日期", "出生时间", "生日"),
    "native_place": ("籍贯",),
    "political_status": ("政治面貌",),
    "party_join_date": ("入党时间", "入党日期", "入党年月"),
    "work_start_date": ("参加工作时间", "工作时间", "参工时间", "参加工作日期"),
    "education": ("学历", "文化程度", "最高学历"),
    "unit": ("单位", "所在单位", "工作单位", "单位名称", "所属单位"),
    "position": ("职务", "现任职务", "现职务"),
    "rank": ("职级", "级别", "现任职级"),
    "is_leader": ("是否班子成员", "班子成员"),
    "is_top_leader": ("是否一把手", "一把手", "是否主要负责人"),
    "position_start_date": ("任现职时间", "任现职务时间", "任职时间"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "身份证"),
    "phone": ("联系电话", "手机", "手机号码", "手机号", "电话", "联系方式"),
    "note": ("备注",),
}

#: The label each column is called by in messages and in the template.
LABELS: dict[str, str] = {name: texts[0] for name, texts in HEADERS.items()}

_LOOKUP: dict[str, str] = {text: name for name, texts in HEADERS.items() for text in texts}

#: A row whose first filled cell starts with one of these is a total or signature line, not a cadre.
FOOTER_WORDS = (
    "合计",
    "小计",
    "总计",
    "共计",
    "填报人",
    "审核人",
    "填表人",
    "制表人",
    "负责人",
    "填报日期",
    "填表日期",
    "注：",
    "注:",
    "说明",
)

#: Columns every roster has that are not cadre data.
_IGNORED_HEADERS = ("序号", "编号", "序")

_HEADER_SCAN_ROWS = 30
_BRACKETS_RE = re.compile(r"[(（\[【].*?[)）\]】]")
_SPACES_RE = re.compile(r"[\s\u3000*＊:：]+")


def header_key(value: object) -> str | None:
    """The field a header cell names, or None."""
    if not isinstance(value, str):
        return None
    text = _SPACES_RE.sub("", _BRACKETS_RE.sub("", to_halfwidth(value)))
    return _LOOKUP.get(text)


@dataclass(frozen=True)
class RawRow:
    """One data row: its row number in the sheet (1-based) and the cells by field name."""

    row: int
    cells: dict[str, Any]


@dataclass
class RosterSheet:
    sheet_name: str
    header_row: int  # the last header row (1-based)
    columns: dict[str, int]  # field → 0-based column index
    rows: list[RawRow] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)  # 合计 / 填报人 lines
    unknown_headers: list[str] = field(default_factory=list)


# --- the three file formats -----------------------------------------------------------

Table = tuple[str, Iterator[Sequence[Any]]]


def _xlsx_tables(path: Path) -> Iterator[Table]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip, xml and openpyxl errors alike mean a file we cannot read
        raise UserError(f"无法读取Excel文件“{path.name}”：文件已损坏或不是.xlsx格式。") from exc
    try:
        for sheet in book.worksheets:
            yield sheet.title, sheet.iter_rows(values_only=True)
    finally:
        book.close()


def _xls_tables(path: Path) -> Iterator[Table]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path))
    except Exception as exc:
        raise UserError(f"无法读取Excel文件“{path.name}”：文件已损坏或不是.xls格式。") from exc

    def rows(sheet: Any) -> Iterator[list[Any]]:
        for r in range(sheet.nrows):
            out: list[Any] = []
            for cell in sheet.row(r):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        out.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                    except Exception:
                        out.append(cell.value)
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    number = cell.value
                    out.append(int(number) if float(number).is_integer() and abs(number) < 1e15 else number)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    out.append(None)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    out.append(bool(cell.value))
                else:
                    out.append(cell.value)
            yield out

    for sheet in book.sheets():
        yield sheet.name, rows(sheet)


def _csv_tables(path: Path) -> Iterator[Table]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise UserError(f"无法识别“{path.name}”的文字编码，请另存为UTF-8或GBK编码的CSV文件。")
    # newline="": only the file's own line ends end a row (not U+0085, U+2028 … inside a cell),
    # and a quoted cell keeps its line breaks
    yield path.stem, _csv_rows(csv.reader(io.StringIO(text, newline="")), path.name)


def _csv_rows(reader: Any, name: str) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as exc:  # a cell over the csv module's size limit, a stray quote …
        limit = csv.field_size_limit()
        what = f"有单元格超过{limit}个字符" if "field larger" in str(exc) else "格式有误"
        raise UserError(f"无法读取CSV文件“{name}”：第{reader.line_num}行{what}。") from exc


def _tables(path: Path) -> Iterator[Table]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_tables(path)
    if suffix == ".xls":
        return _xls_tables(path)
    if suffix == ".csv":
        return _csv_tables(path)
    raise UserError(f"不支持的文件类型“{path.suffix}”：请选择.xlsx、.xls或.csv文件。")


# --- finding the header ---------------------------------------------------------------


def _row_keys(row: Sequence[Any]) -> dict[int, str]:
    return {i: key for i, value in enumerate(row) if (key := header_key(value)) is not None}


def _find_header(head: list[Sequence[Any]]) -> tuple[int, int, dict[str, int]] | None:
    """(first and last header row index in ``head``, field → column), or None if no header is there."""
    keyed = [_row_keys(row) for row in head]
    best = max(range(len(keyed)), key=lambda i: len(set(keyed[i].values())), default=None)
    if best is None or "name" not in keyed[best].values() or len(set(keyed[best].values())) < 2:
        return None
    columns: dict[str, int] = {}
    first = last = best
    # two-level headers: a group title above or the detail labels below fill the other columns
    for index in (best, best + 1, best - 1):
        if not 0 <= index < len(keyed):
            continue
        found = False
        for col, key in sorted(keyed[index].items()):
            if key not in columns and col not in columns.values():
                columns[key] = col
                found = True
        if found:
            first, last = min(first, index), max(last, index)
    return first, last, columns


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_footer(row: Sequence[Any]) -> bool:
    for value in row:
        if _blank(value):
            continue
        text = _SPACES_RE.sub("", to_halfwidth(str(value)))
        return text.startswith(FOOTER_WORDS)
    return False


def read_roster(path: Path | str) -> RosterSheet:
    """The cadre rows of the first sheet in ``path`` that has a roster header."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"文件不存在：{path}")
    for sheet_name, rows in _tables(path):
        head: list[Sequence[Any]] = []
        for row in rows:
            head.append(row)
            if len(head) >= _HEADER_SCAN_ROWS:
                break
        found = _find_header(head)
        if found is None:
            continue
        first, last, columns = found
        sheet = RosterSheet(sheet_name=sheet_name, header_row=last + 1, columns=columns)
        known = set(columns.values())
        sheet.unknown_headers = [
            str(value).strip()
            for header in head[first : last + 1]
            for i, value in enumerate(header)
            if i not in known
            and isinstance(value, str)
            and _SPACES_RE.sub("", value) not in _IGNORED_HEADERS
            and header_key(value) is None
        ]
        _collect(sheet, enumerate(head[last + 1 :], start=last + 2))
        _collect(sheet, enumerate(rows, start=len(head) + 1))
        return sheet
    raise UserError("未在文件中找到花名册表头：表头应至少包含“姓名”和“单位”“出生年月”等列。")


def _collect(sheet: RosterSheet, numbered: Iterable[tuple[int, Sequence[Any]]]) -> None:
    items = list(sheet.columns.items())
    for number, row in numbered:
        if all(_blank(v) for v in row):
            continue
        if _is_footer(row):
            sheet.skipped_rows.append(number)
            continue
        width = len(row)
        cells = {key: row[col] if col < width else None for key, col in items}
        if all(_blank(v) for v in cells.values()):
            continue  # e.g. only a 序号 left in an otherwise empty line
        sheet.rows.append(RawRow(number, cells))


# --- the blank template ---------------------------------------------------------------

TEMPLATE_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "native_place", "political_status", "party_join_date",
    "work_start_date", "education", "unit", "position", "rank", "is_leader", "is_top_leader",
    "position_start_date", "id_number", "phone", "note",
)  # fmt: skip


def write_template(path: Path | str) -> None:
    """A blank roster workbook with the expected headers; ID and date columns formatted as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "花名册"
    sheet.append(["监察对象花名册"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TEMPLATE_FIELDS) + 1)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(["序号", *(LABELS[name] for name in TEMPLATE_FIELDS)])
    text_columns = {
        "birth_date",
        "party_join_date",
        "work_start_date",
        "position_start_date",
        "id_number",
        "phone",
    }
    for index, name in enumerate(TEMPLATE_FIELDS, start=2):
        letter = get_column_letter(index)
        sheet.cell(row=2, column=index).font = Font(bold=True)
        sheet.column_dimensions[letter].width = (
            22 if name in ("id_number", "unit", "position", "note") else 12
        )
        if name in text_columns:
            for row in range(3, 503):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.cell(row=2, column=1).font = Font(bold=True)
    sheet.freeze_panes = "A3"
    notes = book.create_sheet("填写说明")
    for line in (
        "1. 第2行为表头，请勿修改；从第3行起每行填写一名干部。",
        "2. 出生年月等时间填写为1975.03或1975年3月；身份证号请按文本填写（本模板已设为文本格式）。",
        "3. 性别填“男”或“女”；职级填“厅级”“处级”“科级”或“一般干部”；是否班子成员、是否一把手填“是”或“否”。",
        "4. 单位填写单位全称或简称，系统中没有的单位导入时自动新建。",
    ):
        notes.append([line])
    book.save(path)
