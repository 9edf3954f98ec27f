"""信息采集表: the workbook a unit fills in and sends back, written and read (no Qt, no database).

Three sheets take the data (干部基本信息, 家庭成员, 个人有关事项), one explains them (填表说明)
and a very hidden one (采集表信息) says which unit and which program made the file. The columns
come from the record specs of :mod:`wsjc_desktop.domain.fields` (label, kind, choices), so a new
field of a cadre is one more name in :data:`CADRE_FIELDS`.

Each sheet starts with hidden, locked key columns (the cadre's id, the family member's or
report's id): a row the unit adds has none. The sheets are protected with the data cells
unlocked, so the headers and the keys stay as written; every enumeration is a drop-down and
every date carries its format as an input hint.

Reading goes through :func:`wsjc_desktop.excel.roster.xlsx_tables`, which holds the file to
:mod:`wsjc_desktop.limits` while it streams it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from wsjc_desktop.domain.enums import LabeledEnum
from wsjc_desktop.domain.fields import CADRE, FAMILY_MEMBER, PERSONAL_MATTERS_REPORT, FieldKind, RecordSpec
from wsjc_desktop.errors import UserError
from wsjc_desktop.excel.roster import xlsx_tables
from wsjc_desktop.excel.writer import FORMULA_PREFIXES
from wsjc_desktop.fileio import atomic_write
from wsjc_desktop.limits import DEFAULT_LIMITS, Limits

#: What the hidden sheet says the file is, and the layout's version.
MARK = "WSJC-COLLECT"
VERSION = 1

GUIDE_SHEET = "填表说明"
META_SHEET = "采集表信息"

#: Key and helper columns (not fields of the record the row is).
CADRE_KEY = "cadre_key"
RECORD_KEY = "record_key"
CADRE_NAME = "cadre_name"
CADRE_ID_NUMBER = "cadre_id_number"

#: The fields of each sheet, in column order.
CADRE_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "native_place", "political_status", "party_join_date",
    "work_start_date", "education", "position", "rank", "is_leader", "is_top_leader", "position_start_date",
    "id_number", "phone", "status", "note",
)  # fmt: skip
FAMILY_FIELDS = (
    "relation", "name", "birth_date", "political_status", "workplace", "position", "runs_business",
    "business_note", "note",
)  # fmt: skip
REPORT_FIELDS = ("year", "report_date", "check_result", "check_note", "note")

#: The blank rows left open below the filled ones, for the unit to add to.
BLANK_ROWS = {"cadres": 50, "family_members": 300, "personal_matters_reports": 200}

HEADER_ROW = 2  # row 1 is the sheet's title
FIRST_ROW = HEADER_ROW + 1

MONTH_HINT = "1975-03"
DATE_HINT = "2023-03-05"


@dataclass(frozen=True)
class Column:
    key: str  # the field's name, or one of the key and helper names above
    label: str
    kind: FieldKind = FieldKind.TEXT
    choices: tuple[str, ...] = ()  # a drop-down
    width: int = 10
    hidden: bool = False  # a key: hidden and locked
    required: bool = False  # a row the unit adds must fill it in

    @property
    def hint(self) -> str:
        """The input hint of the column's cells (a validation prompt)."""
        if self.kind is FieldKind.MONTH:
            return f"格式：{MONTH_HINT}（年-月）"
        if self.kind is FieldKind.DATE:
            return f"格式：{DATE_HINT}"
        if self.kind is FieldKind.YEAR:
            return "格式：2025（四位年份）"
        if self.kind is FieldKind.ID_NUMBER:
            return "18位身份证号，末位可为X"
        if self.choices:
            return "请从下拉列表中选择"
        return ""


@dataclass(frozen=True, eq=False)
class CollectSheet:
    spec: RecordSpec  # the records its rows are
    name: str  # the sheet's name
    columns: tuple[Column, ...]

    @property
    def table(self) -> str:
        return self.spec.table

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def data_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.hidden)


def _field_column(spec: RecordSpec, name: str, *, required: bool | None = None) -> Column:
    fld = spec.field(name)
    choices: tuple[str, ...] = ()
    if fld.kind is FieldKind.ENUM and fld.enum is not None:
        choices = tuple(e.label for e in fld.enum)
    elif fld.kind is FieldKind.BOOL:
        choices = ("是", "否")
    width = max(fld.width + 2, len(fld.label) * 2 + 2, 8)
    if fld.kind in (FieldKind.MONTH, FieldKind.DATE):
        width = max(width, 12)
    return Column(
        name, fld.label, fld.kind, choices, width, required=fld.required if required is None else required
    )


_CADRE_KEY = Column(CADRE_KEY, "干部编号", FieldKind.INT, hidden=True)
_OWNER = (
    Column(CADRE_NAME, "干部姓名", width=10, required=True),
    Column(CADRE_ID_NUMBER, "干部身份证号", FieldKind.ID_NUMBER, width=21),
)

CADRES = CollectSheet(
    CADRE,
    "干部基本信息",
    (_CADRE_KEY, *(_field_column(CADRE, name) for name in CADRE_FIELDS)),
)
FAMILY = CollectSheet(
    FAMILY_MEMBER,
    "家庭成员",
    (
        _CADRE_KEY,
        Column(RECORD_KEY, "成员编号", FieldKind.INT, hidden=True),
        *_OWNER,
        *(_field_column(FAMILY_MEMBER, name) for name in FAMILY_FIELDS),
    ),
)
REPORTS = CollectSheet(
    PERSONAL_MATTERS_REPORT,
    "个人有关事项",
    (
        _CADRE_KEY,
        Column(RECORD_KEY, "报告编号", FieldKind.INT, hidden=True),
        *_OWNER,
        # a new report without a 抽查核实结果 is 未抽查 (the field's default)
        *(
            _field_column(PERSONAL_MATTERS_REPORT, name, required=False if name == "check_result" else None)
            for name in REPORT_FIELDS
        ),
    ),
)
SHEETS = (CADRES, FAMILY, REPORTS)

GUIDE = (
    "监察对象信息采集表 填表说明",
    "",
    "一、本表由派驻纪检监察组生成，已预先填入组内掌握的本单位监察对象信息。请逐项核对，"
    "有变化的直接改写，缺少的补充填写，填好后将本文件交回。",
    "二、“干部基本信息”每行一名干部；“家庭成员”每行一名家庭成员或主要社会关系；"
    "“个人有关事项”每行一份年度个人有关事项报告。",
    "三、新增的人员或报告，请在各表已有内容下方的空白行填写（不要插入行，也不要删除行）。"
    "新增家庭成员、报告时请填写“干部姓名”；本单位有同名干部的，请同时填写“干部身份证号”。",
    "四、带下拉箭头的单元格（性别、职级、班子成员、状态、经商办企业、抽查核实结果等）请从下拉列表中选择，不要自行输入其他内容。",
    f"五、日期请按提示的格式填写：年月填写为{MONTH_HINT}（如出生年月、入党时间），"
    f"具体日期填写为{DATE_HINT}（如报告日期），年度填写四位数字（如2025）。",
    "六、身份证号、联系电话请按文本填写（本表已设为文本格式）。",
    "七、清空某一格不会删除已有信息；如需删除某项信息，请在交回时另行说明。",
    "八、表头和隐藏的编号列已锁定，用于导入时准确对应到每个人，请勿撤销保护或修改。"
    "空白行不够用时，可在“审阅”菜单中撤销工作表保护后继续向下填写（不需要密码），但不要改动表头和编号列。",
    "九、本表含个人信息，请妥善保管，按规定渠道交回，不要通过互联网传送。",
)


# --- writing --------------------------------------------------------------------------------


def cell_text(column: Column, value: Any) -> Any:
    """What a cell holds for a stored value: text for dates (so they stay as written), labels
    for enumerations, 是/否 for flags, the number for a year; None for nothing."""
    if value is None or value == "":
        return None
    if isinstance(value, LabeledEnum):
        return value.label
    if column.kind is FieldKind.BOOL:
        return "是" if value else "否"
    if column.kind is FieldKind.MONTH and isinstance(value, date):
        return f"{value:%Y-%m}"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, int):
        return value
    return str(value)


#: Columns written as text (Excel would turn 1975-03 into a date and an ID number into 1.1E+17).
_TEXT_KINDS = (FieldKind.MONTH, FieldKind.DATE, FieldKind.ID_NUMBER, FieldKind.PHONE, FieldKind.TEXT)


@dataclass
class CollectBook:
    """What a collection workbook holds: the unit, and each sheet's rows (column key → stored value)."""

    unit_id: int
    unit_name: str
    made_at: datetime
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # table → rows


def write_collection(path: Path | str, book: CollectBook) -> None:
    """Write ``book`` to ``path`` (.xlsx), replacing it only once the file is complete."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="DDE7F3")
    unlocked = Protection(locked=False)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.name)
        rows = book.rows.get(sheet.table, [])
        last = FIRST_ROW + len(rows) + BLANK_ROWS[sheet.table] - 1
        data_cols = sheet.data_columns
        start = len(sheet.columns) - len(data_cols) + 1  # the first column shown
        title = ws.cell(row=1, column=start, value=f"{book.unit_name} 监察对象信息采集表——{sheet.name}")
        title.font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=start, end_row=1, end_column=len(sheet.columns))
        ws.row_dimensions[HEADER_ROW].height = 30
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            head = ws.cell(
                row=HEADER_ROW, column=index, value=column.label + ("*" if column.required else "")
            )
            head.font = Font(bold=True)
            head.fill = header_fill
            head.border = border
            head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            dimension = ws.column_dimensions[letter]
            dimension.width = column.width
            if column.hidden:
                dimension.hidden = True
        for offset, values in enumerate(rows):
            row = FIRST_ROW + offset
            for index, column in enumerate(sheet.columns, start=1):
                value = cell_text(column, values.get(column.key))
                cell = ws.cell(row=row, column=index, value=value)
                if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
                    cell.data_type = "s"  # text, never a formula (=HYPERLINK(…) in a 备注)
                    cell.quotePrefix = True
        for index, column in enumerate(sheet.columns, start=1):
            text = column.kind in _TEXT_KINDS
            wrap = column.kind is FieldKind.LONG_TEXT
            for row in range(FIRST_ROW, last + 1):
                cell = ws.cell(row=row, column=index)
                cell.border = border
                if not column.hidden:
                    cell.protection = unlocked
                if text:
                    cell.number_format = "@"
                if wrap:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            if column.hidden:
                continue
            letter = get_column_letter(index)
            ref = f"{letter}{FIRST_ROW}:{letter}{last}"
            if column.choices:
                listed = ",".join(column.choices)
                check = DataValidation(
                    type="list",
                    formula1=f'"{listed}"',
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle="输入有误",
                    error=f"{column.label}请从下拉列表中选择：{'、'.join(column.choices)}",
                    showInputMessage=True,
                    promptTitle=column.label,
                    prompt=column.hint,
                )
            elif column.hint:
                check = DataValidation(
                    allow_blank=True, showInputMessage=True, promptTitle=column.label, prompt=column.hint
                )
            else:
                continue
            check.add(ref)
            ws.add_data_validation(check)
        ws.freeze_panes = ws.cell(row=FIRST_ROW, column=start + 1)
        protection = ws.protection
        protection.sheet = True
        protection.formatColumns = True  # the key columns stay hidden
        protection.formatRows = False
        protection.formatCells = False
        protection.insertRows = True
        protection.deleteRows = True
        protection.selectLockedCells = False
        protection.selectUnlockedCells = False

    guide = wb.create_sheet(GUIDE_SHEET)
    guide.column_dimensions["A"].width = 110
    for number, line in enumerate(GUIDE, start=1):
        cell = guide.cell(row=number, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if number == 1:
            cell.font = Font(bold=True, size=14)
    guide.cell(row=len(GUIDE) + 2, column=1, value=f"单位：{book.unit_name}")
    guide.cell(row=len(GUIDE) + 3, column=1, value=f"生成时间：{book.made_at:%Y-%m-%d %H:%M}")
    guide.protection.sheet = True

    meta = wb.create_sheet(META_SHEET)
    for number, (label, value) in enumerate(
        (
            ("标识", MARK),
            ("版本", VERSION),
            ("单位编号", book.unit_id),
            ("单位名称", book.unit_name),
            ("生成时间", f"{book.made_at:%Y-%m-%d %H:%M:%S}"),
        ),
        start=1,
    ):
        meta.cell(row=number, column=1, value=label)
        meta.cell(row=number, column=2, value=value)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    wb.active = 0
    with atomic_write(path, holder="Excel、WPS") as handle:
        wb.save(handle)


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CollectRow:
    """One filled row: its number in the sheet (as Excel shows it) and its cells by column key."""

    row: int
    cells: dict[str, Any]


@dataclass
class ReadCollection:
    unit_id: int
    unit_name: str
    made_at: str
    rows: dict[str, list[CollectRow]]  # table → its rows


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_key(value: Any) -> str:
    return str(value).replace("*", "").strip() if value is not None else ""


def _read_rows(sheet: CollectSheet, rows: Iterable[Sequence[Any]]) -> list[CollectRow]:
    by_label = {c.label: c.key for c in sheet.columns}
    columns: dict[str, int] | None = None
    found: list[CollectRow] = []
    for number, values in enumerate(rows, start=1):
        if columns is None:
            keys = {i: by_label[_header_key(v)] for i, v in enumerate(values) if _header_key(v) in by_label}
            if len(keys) == len(by_label):
                columns = {key: i for i, key in keys.items()}
            elif number >= 10:
                break
            continue
        width = len(values)
        cells = {key: values[i] if i < width else None for key, i in columns.items()}
        if all(_blank(cells[c.key]) for c in sheet.data_columns):
            continue  # a blank line (or a line whose contents were cleared)
        found.append(CollectRow(number, cells))
    if columns is None:
        raise UserError(
            f"工作表“{sheet.name}”的表头被改动或缺少列，无法导入：请使用本程序生成的信息采集表填写，不要修改表头。"
        )
    return found


def read_collection(path: Path | str, *, limits: Limits = DEFAULT_LIMITS) -> ReadCollection:
    """The rows of a returned collection workbook, by sheet; refused (a ``UserError``) if the file
    is not one this program made, or is over ``limits``."""
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UserError(f"信息采集表应为.xlsx文件：“{path.name}”不是。")
    meta: dict[str, Any] = {}
    rows: dict[str, list[CollectRow]] = {}
    by_name = {s.name: s for s in SHEETS}
    for name, table in xlsx_tables(path, limits):
        if name == META_SHEET:
            meta = {str(r[0]): r[1] for r in table if len(r) >= 2 and r[0] is not None}
        elif name in by_name:
            sheet = by_name[name]
            rows[sheet.table] = _read_rows(sheet, table)
    if meta.get("标识") != MARK:
        raise UserError(
            f"“{path.name}”不是本程序生成的信息采集表（缺少采集表信息）。"
            "请先用“文件 → 生成信息采集表”生成，由单位填写后再导入。"
        )
    version = meta.get("版本")
    if version != VERSION:
        raise UserError(f"“{path.name}”是其他版本的程序生成的信息采集表（版本{version}），无法导入。")
    missing = [s.name for s in SHEETS if s.table not in rows]
    if missing:
        raise UserError(f"信息采集表中缺少工作表：{'、'.join(missing)}（请勿删除或改名工作表）。")
    try:
        unit_id = int(meta.get("单位编号"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise UserError(f"“{path.name}”中的单位编号已损坏，无法导入。") from None
    return ReadCollection(unit_id, str(meta.get("单位名称") or ""), str(meta.get("生成时间") or ""), rows)


def sheet_of(table: str) -> CollectSheet:
    return next(s for s in SHEETS if s.table == table)


def labels(table: str) -> Mapping[str, str]:
    """Column key → its label, for messages."""
    return {c.key: c.label for c in sheet_of(table).columns}
