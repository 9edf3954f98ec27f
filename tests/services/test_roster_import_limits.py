"""A roster over the limits is refused before anything is written; a lawful large one imports.

The reader's limits themselves are tested file by file in ``tests/excel/test_roster_limits.py``;
here, through the import: the whole database is compared before and after a refused file (an
import is all or nothing, and a refused file never reaches the write), and the 10,000-row roster
of the benchmark still goes through the default limits.
"""

from __future__ import annotations

import sqlite3
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from benchmarks.roster_import_bench import build_roster
from wsjc_desktop.limits import MAX_COMPRESSION_RATIO, MAX_ROWS, MAX_UNPACKED_BYTES, LimitError, Limits
from wsjc_desktop.services.roster_import import RowAction, import_roster, preview_roster
from wsjc_desktop.storage.database import Database

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"


def snapshot(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as SQLite holds them."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    try:
        tables = [name for (name,) in con.execute(query)]
        return {t: sorted(map(tuple, con.execute(f'SELECT * FROM "{t}"')), key=repr) for t in tables}
    finally:
        con.close()


def cadre_row(n: int) -> str:
    cells = ("干部" + str(n), "1975.03", "区财政局")
    return (
        f'<row r="{n}">'
        + "".join(
            f'<c r="{col}{n}" t="inlineStr"><is><t>{text}</t></is></c>'
            for col, text in zip("ABC", cells, strict=True)
        )
        + "</row>"
    )


def lying_roster(path: Path, rows: int) -> Path:
    """A roster whose ``<dimension>`` says ten rows while it has ``rows``."""
    header = (
        '<row r="1">'
        + "".join(
            f'<c r="{col}1" t="inlineStr"><is><t>{text}</t></is></c>'
            for col, text in zip("ABC", ("姓名", "出生年月", "单位"), strict=True)
        )
        + "</row>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        z.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{PKG}/content-types"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" '
            f'Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with z.open("xl/worksheets/sheet1.xml", "w") as out:
            out.write(f'<worksheet xmlns="{MAIN}"><dimension ref="A1:C10"/><sheetData>{header}'.encode())
            for start in range(2, rows + 1, 10_000):
                out.write("".join(cadre_row(n) for n in range(start, min(start + 10_000, rows + 1))).encode())
            out.write(b"</sheetData></worksheet>")
    return path


def test_a_lying_dimension_with_too_many_rows_is_refused_and_nothing_is_written(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    # a database with cadres in it already
    import_roster(db, preview_roster(db, lying_roster(tmp_path / "先前.xlsx", 10)))
    before = snapshot(db_path)
    assert len(before["cadres"]) == 9
    hostile = lying_roster(tmp_path / "说谎.xlsx", MAX_ROWS + 10_000)
    started = time.perf_counter()
    with pytest.raises(LimitError) as caught:
        preview_roster(db, hostile)  # an import needs a preview: there is none to write
    assert time.perf_counter() - started < 10
    assert caught.value.message.startswith(
        f"工作表“花名册”的第{MAX_ROWS + 1:,}行已超出每张表{MAX_ROWS:,}行的上限，未导入任何数据。"
    )
    assert snapshot(db_path) == before


def test_preview_holds_the_file_to_the_limits_it_is_given(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    path = lying_roster(tmp_path / "小.xlsx", 10)
    before = snapshot(db_path)
    with pytest.raises(LimitError, match="工作表“花名册”记载有10行，超过每张表5行的上限"):
        preview_roster(db, path, limits=Limits(max_rows=5))
    assert snapshot(db_path) == before
    assert len(preview_roster(db, path, limits=Limits(max_rows=10)).rows) == 9


def test_the_benchmark_10k_roster_still_imports(db: Database, tmp_path: Path) -> None:
    """The 10,000-row roster of ``benchmarks/roster_import_bench.py``, with the default limits,
    and with room to spare under each."""
    path = tmp_path / "roster.xlsx"
    build_roster(path, 10_000)
    with zipfile.ZipFile(path) as z:
        unpacked = sum(i.file_size for i in z.infolist())
        ratio = max(i.file_size / max(i.compress_size, 1) for i in z.infolist())
    assert unpacked * 10 < MAX_UNPACKED_BYTES and ratio * 5 < MAX_COMPRESSION_RATIO
    preview = preview_roster(db, path)
    assert len(preview.rows) == 10_000 and preview.header_row == 2
    result = import_roster(db, preview)
    assert result.imported == preview.count(RowAction.NEW) > 9_900
