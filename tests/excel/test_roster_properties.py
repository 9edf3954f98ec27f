"""Property tests for reading rosters: whatever a clerk's file holds, the reader returns every
data row with the cells exactly as stored, or refuses the file with a Chinese message.

Generated files: header synonyms written with spaces and brackets, title rows, two-level merged
headers, any column order, blank and footer rows, and cells holding anything (control
characters, line breaks, quotes, formulas, huge numbers, floats, dates as text and as dates).
"""

from __future__ import annotations

import csv
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from wsjc_desktop.errors import UserError
from wsjc_desktop.excel.roster import FOOTER_WORDS, HEADERS, header_key, read_roster, write_template

CJK_RE = re.compile(r"[\u4e00-\u9fff]")
FIELDS = list(HEADERS)

FILES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


# --- strategies ---------------------------------------------------------------------------------


@st.composite
def header_texts(draw: st.DrawFn, name: str) -> str:
    """A header cell for ``name`` as clerks write it: a synonym, spaced, starred, bracketed."""
    text = draw(st.sampled_from(HEADERS[name]))
    if len(text) > 1 and draw(st.booleans()):
        gap = draw(st.sampled_from([" ", "  ", "\u3000", "\n"]))
        text = text[0] + gap + text[1:]
    decoration = draw(st.sampled_from(["{}", "*{}", "{}（必填）", "{}(18位)", " {} ", "{}："]))
    return decoration.format(text)


cell_chars = st.one_of(
    st.characters(codec="utf-8", exclude_categories=["Cs"]),
    st.sampled_from(list(",\"'\r\n\t\x00\x0b\x0c\x1c\x85\u2028\u2029\u3000\ufeff=+-@#年月日·")),
)
cell_texts = st.one_of(
    st.text(cell_chars, max_size=12),
    st.sampled_from(
        [
            "=1+1",
            '=HYPERLINK("http://x")',
            "+86 138 1234 5678",
            "1975.03",
            "1975年3月",
            "1.10105E+17",
            "110105194912310021",
            "#DIV/0!",
            "  ",
        ]
    ),
    st.builds(
        lambda day, form: day.strftime(form),
        st.dates(min_value=date(1900, 1, 1)),
        st.sampled_from(["%Y.%m", "%Y-%m-%d", "%Y年%m月%d日", "%Y/%m/%d", "%Y%m%d", "%Y-%m-%d %H:%M"]),
    ),
)


def is_header_like(value: object) -> bool:
    return header_key(value) is not None or (
        isinstance(value, str) and value.strip().startswith(("序", "编号"))
    )


def is_footer_like(cells: list[Any]) -> bool:
    for value in cells:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        text = re.sub(r"[\s\u3000*＊:：]+", "", str(value))
        return text.startswith(FOOTER_WORDS) or any(text.startswith(w.translate(FULL)) for w in FOOTER_WORDS)
    return False


FULL = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


@st.composite
def roster_layouts(draw: st.DrawFn) -> dict[str, Any]:
    """Columns (field or None for 序号/an unknown column), title rows and header texts."""
    fields = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=8, unique=True))
    if "name" not in fields:
        fields.insert(draw(st.integers(0, len(fields))), "name")
    if len(fields) < 2:
        fields.append(draw(st.sampled_from([f for f in FIELDS if f != "name"])))
    columns: list[str | None] = list(fields)
    if draw(st.booleans()):
        columns.insert(0, None)  # 序号
    titles = draw(st.integers(0, 3))
    return {
        "columns": columns,
        "titles": titles,
        "headers": [draw(header_texts(c)) if c else "序号" for c in columns],
    }


def expected_rows(
    columns: list[str | None], rows: list[list[Any]], first_row: int
) -> list[tuple[int, dict[str, Any]]]:
    """The data rows the reader should return: (row number, cells by field)."""
    out = []
    for number, row in enumerate(rows, start=first_row):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        cells = {c: (row[i] if i < len(row) else None) for i, c in enumerate(columns) if c is not None}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        out.append((number, cells))
    return out


# --- CSV ---------------------------------------------------------------------------------------


@FILES
@given(
    layout=roster_layouts(),
    rows=st.lists(st.lists(cell_texts, min_size=0, max_size=10), max_size=12),
    encoding=st.sampled_from(["utf-8-sig", "utf-8", "gb18030"]),
)
@example(
    layout={"columns": ["name", "unit", "note"], "titles": 0, "headers": ["姓名", "单位", "备注"]},
    rows=[["张四", "区财政局", "a\x85b"], ["张五", "区财政局", "第一行\n第二行"], ["x" * 10, "", "\u2028"]],
    encoding="utf-8",
)
def test_csv_rows_come_back_exactly_as_written(
    tmp_path: Path, layout: dict[str, Any], rows: list[list[str]], encoding: str
) -> None:
    rows = [row[: len(layout["columns"]) + 2] for row in rows]
    assume(not any(is_header_like(v) for row in rows for v in row))
    assume(not any(is_footer_like(row) for row in rows))
    path = tmp_path / "roster.csv"
    titles = [[f"某某局干部花名册{i}"] for i in range(layout["titles"])]
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows([*titles, layout["headers"], *rows])

    sheet = read_roster(path)

    header_row = layout["titles"] + 1
    assert sheet.header_row == header_row
    assert {f: i for i, f in enumerate(layout["columns"]) if f} == sheet.columns
    got = [(r.row, r.cells) for r in sheet.rows]
    assert got == expected_rows(layout["columns"], rows, header_row + 1)


def test_line_breaks_inside_csv_cells_stay_in_their_cell(tmp_path: Path) -> None:
    """U+0085, U+2028 and friends are line ends to str.splitlines, not to a CSV file; a quoted
    cell keeps its own line break."""
    path = tmp_path / "notes.csv"
    path.write_text(
        '姓名,单位,备注\r\n张四,区财政局,a\x85b\u2028c\x1cd\r\n张五,区财政局,"第一行\r\n第二行"\r\n',
        encoding="utf-8",
    )
    sheet = read_roster(path)
    assert [(r.row, r.cells["name"], r.cells["note"]) for r in sheet.rows] == [
        (2, "张四", "a\x85b\u2028c\x1cd"),
        (3, "张五", "第一行\r\n第二行"),
    ]


def test_a_csv_cell_beyond_the_csv_modules_limit_is_a_chinese_error(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text(
        "姓名,单位,备注\n张三,区财政局," + "长" * (csv.field_size_limit() + 1) + "\n", encoding="utf-8"
    )
    with pytest.raises(UserError) as info:
        read_roster(path)
    assert (
        info.value.message == f"无法读取CSV文件“huge.csv”：第2行有单元格超过{csv.field_size_limit()}个字符。"
    )


# --- xlsx --------------------------------------------------------------------------------------

excel_text = st.text(cell_chars, max_size=12).map(
    lambda t: ILLEGAL_CHARACTERS_RE.sub("", t).replace("\r", "")
)
excel_values = st.one_of(
    st.none(),
    excel_text,
    cell_texts.map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t).replace("\r", "")),
    # whole numbers as a worksheet holds them exactly (beyond 2**53 a cell is a float: ID
    # numbers typed as numbers, which the importer refuses, see its property tests)
    st.integers(min_value=-(2**53), max_value=2**53),
    # floats of 15 significant digits, as a worksheet holds them
    st.floats(min_value=-1e300, max_value=1e300).map(lambda f: float(f"{f:.15g}")),
    st.sampled_from([1.10105194912310e17, 1975.03, 1975.1, 197503.0]),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 1, 1)).map(
        lambda d: d.replace(microsecond=0)
    ),
)


def as_read(value: Any) -> Any:
    """What openpyxl gives back for a value written to a cell."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str) and value == "":
        return None
    return value


@FILES
@given(
    layout=roster_layouts(),
    rows=st.lists(st.lists(excel_values, max_size=10), max_size=10),
    two_level=st.booleans(),
    formulas=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=3),
)
def test_xlsx_rows_come_back_with_their_values_whatever_they_hold(
    tmp_path: Path,
    layout: dict[str, Any],
    rows: list[list[Any]],
    two_level: bool,
    formulas: list[tuple[int, int]],
) -> None:
    columns: list[str | None] = layout["columns"]
    rows = [row[: len(columns) + 2] for row in rows]
    assume(not any(is_header_like(v) for row in rows for v in row))
    assume(not any(is_footer_like(row) for row in rows))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "干部名册"
    for i in range(layout["titles"]):
        sheet.append([f"某某局干部花名册{i}"])
        sheet.merge_cells(start_row=i + 1, start_column=1, end_row=i + 1, end_column=len(columns) + 2)
    header = layout["headers"]
    if two_level:  # a group title row above, merged over the detail labels
        sheet.append(["基本情况"] + [None] * (len(columns) - 1))
        sheet.merge_cells(
            start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(columns)
        )
    sheet.append(header)
    header_row = sheet.max_row
    for row in rows:
        sheet.append([None] * max(1, len(row)))  # a fresh row, filled cell by cell below
        for col, value in enumerate(row, start=1):
            cell = sheet.cell(row=sheet.max_row, column=col)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # typed text stays text, "=1+1" included
    written = [list(r) for r in rows]
    for r, c in formulas:  # real formulas: no cached value in a file openpyxl wrote
        if r < len(written):
            while len(written[r]) <= c:
                written[r].append(None)
            sheet.cell(row=header_row + 1 + r, column=c + 1).value = "=1+1"
            written[r][c] = None
    path = tmp_path / "roster.xlsx"
    book.save(path)

    read = read_roster(path)

    assert read.sheet_name == "干部名册"
    assert read.header_row == header_row
    assert read.columns == {f: i for i, f in enumerate(columns) if f}
    expected = expected_rows(columns, [[as_read(v) for v in row] for row in written], header_row + 1)
    assert [(r.row, r.cells) for r in read.rows] == expected


# --- files that are not rosters at all ------------------------------------------------------------


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".xlsx", ".xlsm", ".xls", ".csv"]))
@example(data=b"", suffix=".xlsx")
@example(data=b"", suffix=".csv")
@example(data=b"PK\x03\x04" + b"\x00" * 100, suffix=".xlsx")
@example(data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, suffix=".xls")
@example(data='姓名,单位\n"张三,区财政局\n'.encode(), suffix=".csv")
def test_any_bytes_are_a_roster_or_a_chinese_refusal(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"upload{suffix}"
    path.write_bytes(data)
    try:
        sheet = read_roster(path)
    except UserError as exc:
        assert CJK_RE.search(exc.message), exc.message
        return
    assert "name" in sheet.columns


def test_a_zip_that_is_not_a_workbook_and_a_cut_off_workbook_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("photo.txt", "not a workbook")
    template = tmp_path / "template.xlsx"
    write_template(template)
    data = template.read_bytes()
    for size in (len(data) // 3, len(data) // 2, len(data) - 10):
        cut = tmp_path / f"cut{size}.xlsx"
        cut.write_bytes(data[:size])
        for path in (other, cut):
            with pytest.raises(UserError) as info:
                read_roster(path)
            assert "无法读取Excel文件" in info.value.message


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(cell_chars, max_size=20), st.integers(), st.floats(), st.none(), st.dates()))
def test_header_key_of_anything_is_a_field_or_none(value: object) -> None:
    key = header_key(value)
    assert key is None or key in HEADERS
