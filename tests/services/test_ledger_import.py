"""Every ledger the program exports imports back (issue 17, point 1).

Real files throughout: a demo database, its seven ledgers written by ``export_ledger``, read
back by ``ledger_import`` (and the roster by ``roster_import``), into the file they came from
(nothing may change, not even a stamp) and into an empty file (whose ledgers must then equal
the first file's, cell for cell).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import text

from tests.support.builders import cadre, unit
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import ledger_import, notices, records, roster_import
from wsjc_desktop.services.demo import generate_demo
from wsjc_desktop.services.ledger_import import RowAction, import_ledger, preview_ledger, split_people
from wsjc_desktop.services.ledgers import LEDGERS, export_ledger
from wsjc_desktop.storage.database import Database, open_database

TODAY = date(2026, 11, 22)
#: The order a new file takes them in: what the later ones name must exist first.
ORDER = ("units", "cadres", "notices", "meetings", "talks", "opinions", "clues", "inspections", "problems")
TABLES = (
    "units",
    "cadres",
    "alert_notices",
    "rectifications",
    "meetings",
    "meeting_opinions",
    "talks",
    "talk_cadres",
    "integrity_opinions",
    "clues",
    "members",
    "inspections",
    "inspection_units",
    "inspection_members",
    "problems",
)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ledgers") / "demo.db"
    db = open_database(path)
    try:
        generate_demo(db, scale=1, seed=3, today=TODAY)
    finally:
        db.dispose()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    shutil.copy(demo_file, tmp_path / "demo.db")
    db = open_database(tmp_path / "demo.db")
    yield db
    db.dispose()


def export_all(db: Database, folder: Path) -> dict[str, Path]:
    folder.mkdir(exist_ok=True)
    out = {}
    for key in ORDER:
        out[key] = folder / f"{key}.xlsx"
        export_ledger(db, key, out[key], today=TODAY)
    return out


def cells(path: Path) -> list[tuple[Any, ...]]:
    sheet = load_workbook(path, read_only=True).active
    assert sheet is not None
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the record tables, stamps included."""
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}
    finally:
        conn.close()


def import_any(db: Database, key: str, path: Path, **options: Any) -> Any:
    if key == "cadres":
        return roster_import.import_roster(db, roster_import.preview_roster(db, path))
    return import_ledger(db, preview_ledger(db, key, path, **options))


def test_every_ledger_imported_into_its_own_file_changes_nothing(demo: Database, tmp_path: Path) -> None:
    files = export_all(demo, tmp_path / "out")
    before = snapshot(demo.path)
    for key in ORDER:
        result = import_any(demo, key, files[key])
        assert (result.imported, result.updated, result.errors) == (0, 0, []), (key, result.as_dict())
        assert result.unchanged == len(cells(files[key])) - 2, key  # every row but title and header
    assert snapshot(demo.path) == before  # no stamp moved, no feedback or opinion added


def test_every_ledger_imported_into_an_empty_file_gives_the_same_ledgers(
    demo: Database, tmp_path: Path
) -> None:
    files = export_all(demo, tmp_path / "a")
    empty = open_database(tmp_path / "b.db")
    try:
        for key in ORDER:
            result = import_any(empty, key, files[key])
            assert result.errors == [] and result.updated == 0, (key, result.as_dict())
        again = export_all(empty, tmp_path / "b")
        for key in ORDER:
            assert cells(again[key]) == cells(files[key]), key
        # and the new file's own ledgers come back unchanged too
        for key in ORDER:
            result = import_any(empty, key, again[key])
            assert (result.imported, result.updated) == (0, 0), key
        # the demo's members did the talks: in the new file they are members without a login
        with empty.read() as uow:
            made = uow.session.execute(
                text("SELECT name, title, is_active, password_hash FROM members")
            ).all()
        assert made, "the talks' 谈话人 and 记录人 were not made"
        for _name, title, active, password in made:
            assert (title, active, password) == (ledger_import.HISTORIC_TITLE, False, None)
    finally:
        empty.dispose()
    assert sorted(LEDGERS) == sorted(ORDER)  # a new ledger must join this round trip


# --- a ledger kept by hand in the same columns ----------------------------------------------------


def write_sheet(path: Path, title: str, header: list[str], rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


TALK_HEADER = ["序号", "谈话日期", "谈话类型", "谈话对象", "地点", "谈话人", "记录人", "事由"]


@pytest.fixture
def small(db: Database) -> Database:
    finance = unit(db, "区财政局", short_name="财政局")
    education = unit(db, "区教育局")
    cadre(db, finance, "张三")
    cadre(db, finance, "李四")
    cadre(db, finance, "王五")
    cadre(db, education, "王五")  # a name two units share
    return db


def test_a_talks_ledger_kept_by_hand(small: Database, tmp_path: Path) -> None:
    """Several people in one cell, dates as text and as an Excel serial number, a row pasted
    twice imported once, a 谈话人 who is not a member made a member without a login."""
    path = write_sheet(
        tmp_path / "talks.xlsx",
        "2026年谈话台账",
        TALK_HEADER,
        [
            [1, "2026.3.5", "廉政谈话", "张三、李四", "谈话室", "老刘", None, "任前"],
            [2, 46100, "提醒谈话", "张三，李四", None, "老刘", None, None],  # 46100 = 2026-03-19
            [
                1,
                "2026年3月5日",
                "廉政谈话",
                "张三 李四",
                "谈话室",
                "老刘",
                None,
                "任前",
            ],  # row 1 pasted again
            [4, "2026-04-01", "提醒谈话", "王五（区教育局）", None, None, None, None],
        ],
    )
    preview = preview_ledger(small, "talks", path)
    assert [r.action for r in preview.rows] == [RowAction.NEW, RowAction.NEW, RowAction.SKIP, RowAction.NEW]
    assert any("与第3行完全相同" in msg for _col, msg in preview.rows[2].warnings)
    assert preview.new_members == ["老刘"]
    result = import_ledger(small, preview)
    assert (result.imported, result.skipped) == (3, 1)
    talks = sorted(records.list_records(small, "talks"), key=lambda r: (r["held_on"], r["id"]))
    assert [t["held_on"] for t in talks] == [date(2026, 3, 5), date(2026, 3, 19), date(2026, 4, 1)]
    assert [len(t["cadre_ids"]) for t in talks] == [2, 2, 1]
    [wang] = talks[2]["cadre_ids"]
    assert records.get(small, "cadres", wang)["unit_id"] == records.list_records(small, "units")[1]["id"]
    again = preview_ledger(small, "talks", path)
    assert [r.action for r in again.rows] == [
        RowAction.UNCHANGED,
        RowAction.UNCHANGED,
        RowAction.SKIP,
        RowAction.UNCHANGED,
    ]


def test_two_rows_alike_with_their_own_numbers_are_two_records_flagged(
    small: Database, tmp_path: Path
) -> None:
    """Two drafts of one title are two records of the program's ledger (each its own 序号): both
    come in, and the second is flagged for the user to check."""
    row = ["2026-04-01", "提醒谈话", "张三", None, None, None, None]
    path = write_sheet(tmp_path / "t.xlsx", "谈话台账", TALK_HEADER, [[1, *row], [2, *row]])
    preview = preview_ledger(small, "talks", path)
    assert [r.action for r in preview.rows] == [RowAction.NEW, RowAction.NEW]
    assert any("请核对是否重复" in msg for _col, msg in preview.rows[1].warnings)
    assert import_ledger(small, preview).imported == 2
    assert [r.action for r in preview_ledger(small, "talks", path).rows] == [RowAction.UNCHANGED] * 2


def test_a_name_two_units_share_is_for_the_user_to_decide(small: Database, tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "t.xlsx",
        "谈话台账",
        TALK_HEADER,
        [[1, "2026-04-01", "提醒谈话", "王五", None, None, None, None]],
    )
    preview = preview_ledger(small, "talks", path)
    [(column, message)] = preview.rows[0].errors
    assert column == "谈话对象" and "2名同名人员" in message and "王五（单位）" in message
    with pytest.raises(UserError, match="有1行存在错误，未导入任何数据"):
        import_ledger(small, preview)
    assert records.count(small, "talks") == 0


def test_one_bad_row_writes_nothing(small: Database, tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "t.xlsx",
        "谈话台账",
        TALK_HEADER,
        [
            [1, "2026-04-01", "提醒谈话", "张三", None, None, None, None],
            [2, "2026-13-45", "提醒谈话", "张三", None, None, None, None],
            [3, "2026-04-02", "没有这种谈话", "张三", None, None, None, None],
            [4, "2026-04-03", "提醒谈话", "赵六", None, None, None, None],
        ],
    )
    preview = preview_ledger(small, "talks", path)
    assert [bool(r.errors) for r in preview.rows] == [False, True, True, False]
    assert "谈话日期" in preview.rows[1].errors[0][0]
    assert "不是可选项" in preview.rows[2].errors[0][1]
    # a person not in the roster is no error: the row waits (skipped), the others may come in
    assert preview.rows[3].action is RowAction.SKIP
    assert "花名册中没有“赵六”，该行不导入" in preview.rows[3].warnings[0][1]
    with pytest.raises(UserError):
        import_ledger(small, preview)
    assert records.count(small, "talks") == 0 and records.count(small, "members") == 0


def test_create_missing_makes_the_person_under_the_rows_unit(small: Database, tmp_path: Path) -> None:
    header = ["序号", "受理日期", "线索来源", "涉及单位", "反映对象", "反映问题", "处置方式"]
    path = write_sheet(
        tmp_path / "c.xlsx",
        "问题线索台账",
        header,
        [[1, "2026-05-06", "信访举报", "财政局", "赵六", "反映收受礼金", "暂存待查"]],
    )
    waiting = preview_ledger(small, "clues", path)
    assert waiting.rows[0].errors == [] and waiting.rows[0].action is RowAction.SKIP
    assert "花名册中没有“赵六”，该行不导入" in waiting.rows[0].warnings[0][1]
    assert import_ledger(small, waiting).skipped == 1 and records.count(small, "clues") == 0
    preview = preview_ledger(small, "clues", path, create_missing=True)
    assert preview.rows[0].errors == [] and preview.new_cadres == [("赵六", "区财政局")]
    assert import_ledger(small, preview).imported == 1
    [clue] = records.list_records(small, "clues")
    made = records.get(small, "cadres", clue["cadre_id"])
    assert made["name"] == "赵六" and made["unit_id"] == clue["unit_id"]


def test_a_past_notice_keeps_its_number_and_the_number_is_never_issued_again(
    small: Database, tmp_path: Path
) -> None:
    header = [
        "序号",
        "类别",
        "文号",
        "主送单位",
        "涉及干部",
        "标题",
        "反馈期限",
        "发出日期",
        "签发人",
        "状态",
    ]
    path = write_sheet(
        tmp_path / "n.xlsx",
        "廉情提醒及整改台账",
        header,
        [
            [
                1,
                "廉情抄告单",
                "驻财纪抄〔2026〕50号",
                "区财政局",
                "张三",
                "关于公务接待的廉情抄告单",
                "2026-03-01",
                "2026-02-01",
                "王组长",
                "逾期",
            ],
        ],
    )
    assert import_ledger(small, preview_ledger(small, "notices", path)).imported == 1
    [notice] = records.list_records(small, "alert_notices")
    assert notice["doc_number"] == "驻财纪抄〔2026〕50号" and notice["issued_on"] == date(2026, 2, 1)
    assert notice["status"].value == "issued"  # 逾期 is an issued notice past its deadline
    following = {n.kind.label: n.seq for n in notices.next_numbers(small, 2026)}
    assert following["廉情抄告单"] == 51


def test_the_people_in_one_cell() -> None:
    assert split_people("张三、李四") == ["张三", "李四"]
    assert split_people("张三，李四") == ["张三", "李四"]
    assert split_people("张三 李四") == ["张三", "李四"]
    assert split_people("张三,李四；王五") == ["张三", "李四", "王五"]
    assert split_people("王五（区教育局）、张三") == ["王五（区教育局）", "张三"]
    assert split_people("王五(区 教育局)") == ["王五(区 教育局)"]


def test_a_shared_name_goes_out_with_its_unit_and_comes_back_to_the_same_person(
    small: Database, tmp_path: Path
) -> None:
    units = {u["full_name"]: u["id"] for u in records.list_records(small, "units")}
    wangs = {
        records.get(small, "cadres", c["id"])["unit_id"]: c["id"]
        for c in records.list_records(small, "cadres")
        if c["name"] == "王五"
    }
    talk = records.create(
        small,
        "talks",
        {"held_on": date(2026, 5, 1), "kind": "reminder", "cadre_ids": [wangs[units["区教育局"]]]},
    )
    files = {key: tmp_path / f"{key}.xlsx" for key in ("units", "cadres", "talks")}
    for key, path in files.items():
        export_ledger(small, key, path, today=TODAY)
    assert cells(files["talks"])[2][3] == "王五（区教育局）"
    result = import_ledger(small, preview_ledger(small, "talks", files["talks"]))
    assert (result.imported, result.updated, result.unchanged) == (0, 0, 1)
    other = open_database(tmp_path / "b.db")
    try:
        for key, path in files.items():
            assert import_any(other, key, path).errors == []
        export_ledger(other, "talks", tmp_path / "again.xlsx", today=TODAY)
        assert cells(tmp_path / "again.xlsx") == cells(files["talks"])
    finally:
        other.dispose()
    assert records.get(small, "talks", talk)["cadre_ids"] == [wangs[units["区教育局"]]]
