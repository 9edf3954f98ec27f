"""Every ledger printed through LibreOffice, and the PDF read back with pdfplumber.

A demo database's ledgers are exported as a user would export them, converted to PDF by
``soffice --headless`` (as printing them would lay them out) and checked page by page: A4
landscape; no character under 9 pt as rendered (pdfplumber reports the size after the print's
scaling); on every page the title and the header row of exactly the printed columns, then rows;
and every printed cell whole inside its ruled cell, so no text is cut, a long 单位全称 or 标题
included. The table is read from the printed grid lines: a character that spills out of its
cell (a row too short for its wrapped lines) is not counted as part of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from tests.support.office import SOFFICE, xlsx_to_pdf
from wsjc_desktop.excel.writer import MIN_PRINTED_SIZE, ColumnKind, LedgerSheet
from wsjc_desktop.services.demo import generate_demo
from wsjc_desktop.services.ledgers import LEDGERS, export_ledger, ledger_sheet
from wsjc_desktop.storage.database import Database, open_database

pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs libreoffice-calc"
)

TODAY = date(2026, 6, 15)
YEAR = 2026
A4_LANDSCAPE = (841.89, 595.28)  # points

_SPACE = re.compile(r"\s+")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = open_database(tmp_path_factory.mktemp("print") / "demo.db")
    generate_demo(database, scale=1, seed=1, today=TODAY)
    yield database
    database.dispose()


def squeeze(text: str | None) -> str:
    """Text without its line breaks and spaces: a wrapped cell reads as one line."""
    return _SPACE.sub("", text or "")


def as_printed(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return squeeze(str(value))


def print_ledger(db: Database, key: str, folder: Path) -> tuple[LedgerSheet, Path]:
    year = YEAR if LEDGERS[key].dated else None
    out = folder / f"{key}.xlsx"
    export_ledger(db, key, out, year=year, today=TODAY)
    return ledger_sheet(db, key, year=year, today=TODAY), xlsx_to_pdf(out, folder)


@pytest.mark.parametrize("key", list(LEDGERS))
def test_ledger_prints_readably(demo: Database, tmp_path: Path, key: str) -> None:
    sheet, pdf_path = print_ledger(demo, key, tmp_path)
    printed = list(sheet.printed) or [c.header for c in sheet.columns]
    count = len(printed)
    expected = {row[0]: [as_printed(v) for v in row[:count]] for row in sheet.rows}
    seen: dict[int, list[str]] = {}  # 序号: the cells as printed

    with pdfplumber.open(pdf_path) as pdf:
        assert pdf.pages, "no page printed"
        for number, page in enumerate(pdf.pages, start=1):
            where = f"{key}, page {number}"
            assert (round(page.width, 1), round(page.height, 1)) == pytest.approx(A4_LANDSCAPE, abs=1), where
            smallest = min(c["size"] for c in page.chars)
            assert smallest >= MIN_PRINTED_SIZE, f"{where}: text at {smallest:.1f} pt"

            tables = page.find_tables()
            assert len(tables) == 1, f"{where}: {len(tables)} tables"
            title, header, *rows = tables[0].extract()
            assert squeeze(title[0]) == squeeze(sheet.title), where  # repeated on every page
            # exactly the printed columns, all of them on each page (none split off to another)
            assert [squeeze(h) for h in header] == printed, where
            assert rows, f"{where}: a page without rows"
            for cells in rows:
                got = [squeeze(c) for c in cells]
                number_cell = int(got[0])
                assert got == expected[number_cell], f"{where}, 序号 {number_cell}: cut or misplaced"
                seen[number_cell] = cells

    assert set(seen) == set(expected), f"{key}: rows missing from the print"
    # by name: the longest text that prints (a 单位全称, a 标题 …), whole in its cell
    _length, number_cell, index = max(
        (len(row[i]), row[0], i)
        for row in sheet.rows
        for i, column in enumerate(sheet.columns[:count])
        if isinstance(row[i], str) and column.kind in (ColumnKind.TEXT, ColumnKind.LONG_TEXT)
    )
    longest = sheet.rows[number_cell - 1][index]
    assert squeeze(seen[number_cell][index]) == squeeze(longest), f"{key}: {longest!r} cut"
