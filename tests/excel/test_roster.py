"""Reading rosters in the shapes clerks make them: finding the sheet, the header and the rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from tests.support.shared import ROSTER_SAMPLE
from wsjc_desktop.errors import UserError
from wsjc_desktop.excel.roster import LABELS, TEMPLATE_FIELDS, header_key, read_roster, write_template

FIXTURE = ROSTER_SAMPLE


def make_xlsx(
    path: Path, sheets: dict[str, list[list[Any]]], merges: dict[str, list[str]] | None = None
) -> Path:
    book = Workbook()
    for sheet in list(book.worksheets):
        book.remove(sheet)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for rng in (merges or {}).get(title, []):
            sheet.merge_cells(rng)
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("姓名", "name"),
        ("姓  名", "name"),
        ("姓\u3000名", "name"),
        ("出生\n年月", "birth_date"),
        ("出生日期", "birth_date"),
        ("所在单位", "unit"),
        ("工作单位", "unit"),
        ("单位", "unit"),
        ("身份证号码", "id_number"),
        ("公民身份号码", "id_number"),
        ("身份证号（18位）", "id_number"),
        ("*现任职务", "position"),
        ("级别", "rank"),
        ("手机号码", "phone"),
        ("手机", "phone"),
        ("是否一把手", "is_top_leader"),
        ("是否班子成员", "is_leader"),
        ("参加工作时间", "work_start_date"),
        ("任现职时间", "position_start_date"),
        ("序号", None),
        ("家庭住址", None),
        (None, None),
        (3, None),
    ],
)
def test_header_key_knows_the_synonyms(text: object, key: str | None) -> None:
    assert header_key(text) == key


def test_sample_fixture_is_found(tmp_path: Path) -> None:
    sheet = read_roster(FIXTURE)
    assert sheet.sheet_name == "花名册"
    assert sheet.header_row == 2
    assert len(sheet.rows) == 60
    assert sheet.rows[0].row == 3
    assert sheet.rows[0].cells["name"] == "廖红怡"
    assert sheet.unknown_headers == []  # 序号 is expected, not reported


def test_title_rows_two_level_merged_header_and_later_sheet(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["某某局干部花名册"],
        ["填报单位：某某局", None, None, None, None, "2024年1月"],
        ["序号", "基本情况", None, None, "任职情况", None, "身份证号码", "家庭住址"],
        [None, "姓  名", "性 别", "出生日期", "所在单位", "现任职务", None, None],
        [1, "张三", "男", "1975.03", "区财政局", "局长", "x", "某路1号"],
        [None, None, None, None, None, None, None, None],
        [2, "李四", "女", "1980.1", "区审计局", "科长", None, None],
        ["合计", "2人", None, None, None, None, None, None],
        ["填报人：王五", None, None, "审核人：赵六", None, None, None, None],
    ]
    path = make_xlsx(
        tmp_path / "messy.xlsx",
        {"说明": [["本表为花名册"], ["请按要求填写"]], "干部名册": rows},
        {"干部名册": ["A1:H1", "B3:D3", "E3:F3", "G3:G4", "A3:A4"]},
    )
    sheet = read_roster(path)
    assert sheet.sheet_name == "干部名册"
    assert sheet.header_row == 4
    assert set(sheet.columns) == {"name", "gender", "birth_date", "unit", "position", "id_number"}
    assert [r.row for r in sheet.rows] == [5, 7]
    assert sheet.rows[1].cells == {
        "name": "李四",
        "gender": "女",
        "birth_date": "1980.1",
        "unit": "区审计局",
        "position": "科长",
        "id_number": None,
    }
    assert sheet.skipped_rows == [8, 9]
    assert sheet.unknown_headers == ["家庭住址"]


def test_no_header_anywhere_is_a_user_error(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "x.xlsx", {"Sheet": [["a", "b"], [1, 2]]})
    with pytest.raises(UserError, match="未在文件中找到花名册表头"):
        read_roster(path)


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    other = tmp_path / "roster.docx"
    other.write_text("x")
    with pytest.raises(UserError, match="不支持的文件类型"):
        read_roster(other)
    with pytest.raises(UserError, match="文件不存在"):
        read_roster(tmp_path / "none.xlsx")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(UserError, match="无法读取Excel文件"):
        read_roster(broken)


CSV_TEXT = (
    "干部花名册\n"
    "序号,姓  名,性别,出生年月,单位,身份证号\n"
    "1,张三,男 ,1975.03,区财政局,110105197503150011\n"
    ",,,,,\n"
    "2,李四,女,１９８０年１月,区审计局,\n"
    "合计,2,,,,\n"
)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_each_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    sheet = read_roster(path)
    assert sheet.sheet_name == "roster"
    assert sheet.header_row == 2
    assert [r.cells["name"] for r in sheet.rows] == ["张三", "李四"]
    assert sheet.rows[1].cells["birth_date"] == "１９８０年１月"
    assert sheet.rows[0].row == 3 and sheet.rows[1].row == 5
    assert sheet.skipped_rows == [6]


def test_xls_written_by_an_old_excel_writer(tmp_path: Path) -> None:
    """A real BIFF .xls (as WPS/Excel 2003 save it), written with xlwt: title row, a date cell."""
    import xlwt  # the test extra; writes genuine BIFF8 files

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    sheet.write(0, 0, "花名册")
    for col, header in enumerate(["姓名", "出生年月", "工作单位", "身份证号", "手机"]):
        sheet.write(1, col, header)
    sheet.write(2, 0, "张三")
    sheet.write(2, 1, datetime(1975, 3, 15), date_style)
    sheet.write(2, 2, "区财政局")
    sheet.write(2, 3, "110105197503150011")
    sheet.write(2, 4, 13800138000)
    path = tmp_path / "old.xls"
    book.save(str(path))
    roster = read_roster(path)
    assert roster.header_row == 2
    (row,) = roster.rows
    assert row.cells["birth_date"] == datetime(1975, 3, 15)
    assert row.cells["id_number"] == "110105197503150011"
    assert row.cells["phone"] == 13800138000
    assert row.cells["unit"] == "区财政局"


def test_template_has_every_header_and_reads_back_empty(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    sheet = load_workbook(path).active
    assert sheet is not None
    headers = [c.value for c in sheet[2]]
    assert headers == ["序号", *(LABELS[n] for n in TEMPLATE_FIELDS)]
    assert all(header_key(h) == n for h, n in zip(headers[1:], TEMPLATE_FIELDS, strict=True))
    id_col = 2 + TEMPLATE_FIELDS.index("id_number")
    assert sheet.cell(row=3, column=id_col).number_format == "@"
    roster = read_roster(path)
    assert roster.rows == [] and roster.header_row == 2
