"""The ledger writer on its own: plain values in, a workbook read back with openpyxl."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from wsjc_desktop.errors import UserError
from wsjc_desktop.excel.writer import (
    DATE_FORMAT,
    MAX_SCREEN_WIDTH,
    MIN_WRAP_WIDTH,
    PAGE_WIDTH,
    ColumnKind,
    LedgerColumn,
    LedgerSheet,
    column_widths,
    text_width,
    write_ledgers,
)

COLUMNS = (
    LedgerColumn("序号", ColumnKind.NUMBER),
    LedgerColumn("单位", ColumnKind.TEXT),
    LedgerColumn("日期", ColumnKind.DATE),
    LedgerColumn("内容", ColumnKind.LONG_TEXT, 20),
)

FORMULA_LIKE = ['=HYPERLINK("http://x","点我")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=1+1"]


def sheet(rows: list[list[object]], title: str = "谈话台账（2026年）") -> LedgerSheet:
    return LedgerSheet(name="谈话台账", title=title, columns=COLUMNS, rows=rows)


def test_title_header_dates_and_sheet_setup(tmp_path: Path) -> None:
    out = tmp_path / "台账.xlsx"
    rows: list[list[object]] = [
        [1, "区财政局", date(2026, 3, 5), "第一行\n第二行"],
        [2, "区教育局", None, None],
    ]
    assert write_ledgers(out, [sheet(rows)]) == 2

    ws = load_workbook(out)["谈话台账"]
    assert ws["A1"].value == "谈话台账（2026年）"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:D1"]
    assert [c.value for c in ws[2]] == ["序号", "单位", "日期", "内容"]
    assert ws["A2"].font.b
    assert ws.max_row == 4
    assert ws["A3"].value == 1 and ws["A3"].data_type == "n"
    when = ws["C3"]
    assert when.is_date and when.value == datetime(2026, 3, 5)
    assert when.number_format == DATE_FORMAT
    assert ws["D3"].value == "第一行\n第二行" and ws["D3"].alignment.wrap_text
    assert ws["C4"].value is None
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:D4"
    assert ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_nothing_written_can_run_as_a_formula(tmp_path: Path, text: str) -> None:
    out = tmp_path / "f.xlsx"
    write_ledgers(out, [sheet([[1, text, None, text]])])
    ws = load_workbook(out).active
    assert ws is not None
    for cell in (ws["B3"], ws["D3"]):
        assert cell.data_type == "s", (text, cell.data_type)
        assert cell.value == text.replace("\r", "\n")  # XML reads a bare CR as a line feed
        assert cell.quotePrefix, text  # and stays text once the user edits it in Excel or WPS
    assert not ws["A3"].quotePrefix  # plain values are left as they are
    # and in the file itself: a string cell, no <f> element anywhere
    from zipfile import ZipFile

    with ZipFile(out) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_chinese_counts_double_in_column_widths() -> None:
    assert text_width("中文ab") == 6
    assert text_width("（）") == 4
    columns = (LedgerColumn("名"), LedgerColumn("名"))
    widths = column_widths(columns, [["区发展和改革委员会", "abcdefghi"]])
    assert widths[0] == 2 * 9 + 2
    assert widths[1] == 9 + 2
    # long text wraps instead: a lone column takes the page's width, up to the cap of a screen
    assert column_widths((LedgerColumn("长"),), [["字" * 200]]) == [MAX_SCREEN_WIDTH]


def test_printed_columns_fit_the_page_and_long_text_wraps() -> None:
    columns = [LedgerColumn(f"列{i}") for i in range(12)]
    widths = column_widths(columns, [["字" * 40] * 12], printed=8)
    assert sum(widths[:8]) <= PAGE_WIDTH
    assert all(w >= MIN_WRAP_WIDTH for w in widths[:8])
    assert widths[8:] == [MAX_SCREEN_WIDTH] * 4  # off the page: capped for the screen only


def test_print_layout(tmp_path: Path) -> None:
    out = tmp_path / "台账.xlsx"
    long_text = "关于区发展和改革委员会固定资产管理不规范问题的廉情抄告单" * 2
    rows: list[list[object]] = [[1, long_text, date(2026, 3, 5), "+1"], [2, "区教育局", None, None]]
    write_ledgers(out, [LedgerSheet("谈话台账", "谈话台账", COLUMNS, rows, printed=("序号", "单位"))])

    ws = load_workbook(out)["谈话台账"]
    assert ws.print_area == "'谈话台账'!$A$1:$B$4"  # the printed columns, every row
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:B1"]  # the title centred over them
    assert [c.value for c in ws[2]] == ["序号", "单位", "日期", "内容"]  # the sheet keeps them all
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    for cell in (ws["A2"], ws["B3"], ws["A3"], ws["C3"], ws["D3"]):
        assert cell.font.name == "宋体", cell.coordinate
        assert cell.alignment.vertical == "top" or cell.row == 2, cell.coordinate
    assert ws["B3"].alignment.wrap_text and ws["A3"].font.sz == 10.5
    assert ws["D3"].quotePrefix and ws["D3"].value == "+1"
    assert (ws.row_dimensions[3].height or 0) >= 2 * 13.5  # the long 单位 wraps onto more lines
    assert ws.row_dimensions[4].height is None  # one line: the renderer's own height


def test_too_wide_to_fit_at_9_pt_prints_at_full_size_across_pages(tmp_path: Path) -> None:
    columns = [
        LedgerColumn("序号", ColumnKind.NUMBER),
        *(LedgerColumn(f"日期{i}", ColumnKind.DATE) for i in range(12)),
    ]
    rows: list[list[object]] = [[1, *[date(2026, 12, 31)] * 12]]
    out = tmp_path / "宽.xlsx"
    write_ledgers(out, [LedgerSheet("宽", "宽", columns, rows)])

    ws = load_workbook(out)["宽"]
    assert not ws.sheet_properties.pageSetUpPr.fitToPage  # shrinking would go under 9 pt
    assert ws.page_setup.scale == 100
    assert ws.print_title_cols == "$A:$A"  # 序号 on every page across


def test_printed_columns_must_lead_the_sheet(tmp_path: Path) -> None:
    odd = LedgerSheet(name="谈话台账", title="谈话台账", columns=COLUMNS, rows=[], printed=("序号", "日期"))
    with pytest.raises(ValueError, match="first"):
        write_ledgers(tmp_path / "x.xlsx", [odd])


def test_progress_reaches_the_total(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    rows: list[list[object]] = [[i, f"单位{i}", date(2026, 1, 1), ""] for i in range(1, 1202)]
    write_ledgers(tmp_path / "p.xlsx", [sheet(rows)], progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 1201)
    assert seen[-1] == (1201, 1201)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "台账.xlsx"
    write_ledgers(out, [sheet([[1, "旧", None, None]])])
    before = out.read_bytes()
    with pytest.raises(ValueError):
        write_ledgers(out, [sheet([[1, "新", None, None], [2, "少一列"]])])
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["台账.xlsx"]


def test_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="文件夹不存在"):
        write_ledgers(tmp_path / "无" / "a.xlsx", [sheet([])])
    with pytest.raises(UserError, match="文件夹"):
        write_ledgers(tmp_path, [sheet([])])


def test_control_characters_are_dropped_not_fatal(tmp_path: Path) -> None:
    out = tmp_path / "c.xlsx"
    write_ledgers(out, [sheet([[1, "区\x01财政局", None, "第一\x0b行"], [2, "=A1\x02", None, None]])])
    ws = load_workbook(out).active
    assert ws is not None
    assert [ws["B3"].value, ws["D3"].value, ws["B4"].value] == ["区财政局", "第一行", "=A1"]
    assert ws["B4"].data_type == "s"
