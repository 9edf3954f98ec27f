"""The program's own cadres ledger imported back changes nothing (issue 17, point 1).

Measured before the fix, on the scale-1 demo: 入党时间 and 任现职时间 cut to the 1st of the month,
学历 with full-width brackets rewritten half-width, every such cadre “updated” (its 更新人 and
更新时间 replaced), and cadres with neither an ID number nor a birth date inserted again on every
import. Real files: a demo database, its ledger written by ``export_ledger`` and read back by the
roster import.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.support.builders import cadre, unit
from wsjc_desktop.services import records, roster_import
from wsjc_desktop.services.demo import generate_demo
from wsjc_desktop.services.ledgers import export_ledger
from wsjc_desktop.storage.database import Database, open_database


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("round-trip") / "demo.db"
    db = open_database(path)
    try:
        generate_demo(db, scale=1, seed=1)
    finally:
        db.dispose()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    shutil.copy(demo_file, tmp_path / "demo.db")
    db = open_database(tmp_path / "demo.db")
    yield db
    db.dispose()


def cadres(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM cadres ORDER BY id").fetchall()
    finally:
        conn.close()


def import_file(db: Database, path: Path) -> roster_import.ImportResult:
    return roster_import.import_roster(db, roster_import.preview_roster(db, path))


def test_the_cadres_ledger_imported_into_its_own_file_changes_nothing(demo: Database, tmp_path: Path) -> None:
    before = cadres(demo.path)
    # what the demo holds that the import used to lose
    assert sum(1 for r in before if "（" in str(r)) > 10  # full-width brackets (学历)
    ledger = tmp_path / "cadres.xlsx"
    export_ledger(demo, "cadres", ledger)
    preview = roster_import.preview_roster(demo, ledger)
    counts = {action: preview.count(action) for action in roster_import.RowAction}
    assert counts[roster_import.RowAction.UNCHANGED] == len(before), counts
    assert counts[roster_import.RowAction.NEW] == counts[roster_import.RowAction.UPDATE] == 0, [
        (r.row, r.name, r.changes) for r in preview.rows if r.changes
    ][:5]
    result = roster_import.import_roster(demo, preview)
    assert (result.imported, result.updated) == (0, 0)
    assert cadres(demo.path) == before  # every column, 更新人 and 更新时间 included


def test_a_month_in_the_sheet_keeps_the_stored_day_and_a_new_month_is_taken(
    db: Database, tmp_path: Path
) -> None:
    unit_id = unit(db, "区财政局")
    cid = cadre(
        db,
        unit_id,
        "王芳",
        birth_date=date(1980, 5, 17),
        party_join_date=date(2004, 2, 8),
        position_start_date=date(2024, 11, 5),
        education="研究生（硕士）",
    )
    sheet = tmp_path / "roster.csv"
    sheet.write_text(
        "姓名,单位,出生年月,入党时间,任现职时间,学历\n王芳,区财政局,1980.05,2004.02,2024.12,研究生（硕士）\n",
        encoding="utf-8",
    )
    result = import_file(db, sheet)
    assert (result.imported, result.updated) == (0, 1)
    after = records.get(db, "cadres", cid)
    assert after["party_join_date"] == date(2004, 2, 8)  # the same month: the day kept
    assert after["position_start_date"] == date(2024, 12, 1)  # a new month: taken
    assert after["education"] == "研究生（硕士）"


def test_a_cadre_with_neither_id_number_nor_birth_date_is_matched_by_name_and_unit(
    db: Database, tmp_path: Path
) -> None:
    unit_id = unit(db, "区财政局")
    cid = cadre(db, unit_id, "赵六", position="科员")
    sheet = tmp_path / "roster.csv"
    sheet.write_text("姓名,单位,职务\n赵六,区财政局,科长\n", encoding="utf-8")
    for _ in range(2):  # the second import finds nothing new either
        result = import_file(db, sheet)
        assert result.imported == 0
    assert [r["id"] for r in records.list_records(db, "cadres")] == [cid]
    assert records.get(db, "cadres", cid)["position"] == "科长"


def test_two_cadres_of_one_name_in_one_unit_are_never_guessed_at(db: Database, tmp_path: Path) -> None:
    unit_id = unit(db, "区财政局")
    cadre(db, unit_id, "李娜", position="科员")
    cadre(db, unit_id, "李娜", position="科长", note="另一位")
    sheet = tmp_path / "roster.csv"
    sheet.write_text("姓名,单位,职务\n李娜,区财政局,主任科员\n", encoding="utf-8")
    preview = roster_import.preview_roster(db, sheet)
    (row,) = preview.rows
    assert row.action is roster_import.RowAction.SKIP
    assert any("2名干部" in message and "身份证号或出生年月" in message for _col, message in row.errors)
    roster_import.import_roster(db, preview)
    assert sorted(r["position"] for r in records.list_records(db, "cadres")) == ["科员", "科长"]


def test_the_same_bare_person_twice_in_one_file_is_refused_once(db: Database, tmp_path: Path) -> None:
    unit(db, "区财政局")
    sheet = tmp_path / "roster.csv"
    sheet.write_text("姓名,单位\n钱七,区财政局\n钱七,区财政局\n", encoding="utf-8")
    preview = roster_import.preview_roster(db, sheet)
    first, second = preview.rows
    assert first.action is roster_import.RowAction.NEW
    assert second.action is roster_import.RowAction.SKIP and "第2行" in second.errors[0][1]
