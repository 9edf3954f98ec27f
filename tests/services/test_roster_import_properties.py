"""Property tests for importing rosters: every row either imports or carries a Chinese error,
and an import is all or nothing.

- ``clean_row`` takes any cells (control characters, formulas, huge numbers, floats for ID
  numbers, dates as text in many forms) without failing;
- a generated roster with good and bad rows previews each bad row with its own Chinese error,
  imports exactly the good rows when told to and nothing at all when not;
- a failure in the middle of the write (a row the database refuses, a full disk) leaves the
  database exactly as it was: no unit, no cadre, no changed value, no audit entry.
"""

from __future__ import annotations

import csv
import re
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import event

from tests.support.builders import id_number
from wsjc_desktop.domain.enums import CadreRank, Gender
from wsjc_desktop.errors import UserError
from wsjc_desktop.excel.roster import LABELS, RawRow
from wsjc_desktop.services import records
from wsjc_desktop.services.roster_import import RowAction, clean_row, import_roster, preview_roster
from wsjc_desktop.storage.database import Database, open_database

CJK_RE = re.compile(r"[\u4e00-\u9fff]")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
TODAY = date.today()

#: Each example writes a file and a database: few examples, and no shrinking (it would take
#: minutes); a failure is reported as generated.
SLOW = settings(
    max_examples=30,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


# --- one row: any cells ------------------------------------------------------------------------

text_chars = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(list("\x00\x07\x0b\x1b\x7f\x85\u2028\u3000\u200b\ufeff\t\n\r=+-@.年月日号·")),
)
cell_values = st.one_of(
    st.none(),
    st.text(text_chars, max_size=15),
    st.sampled_from(
        ["=SUM(A1:A3)", '=HYPERLINK("http://x","点我")', "+1", "@x", "#N/A", "男", "女", "是", "否"]
    ),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(),
    st.sampled_from([110105194912310021.0, 1.10105194912310e17, 1975.03, 1975.1, 197503.0, 20260305]),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.decimals(allow_nan=False),
    st.builds(
        lambda day, form: day.strftime(form),
        st.dates(min_value=date(1000, 1, 1)),
        st.sampled_from(
            ["%Y.%m", "%Y.%m.%d", "%Y-%m-%d", "%Y年%m月", "%Y年%m月%d日", "%Y/%m/%d", "%Y%m", "%y.%m"]
        ),
    ),
    st.builds(lambda d, s: id_number(d, s), st.dates(date(1900, 1, 1), TODAY), st.integers(0, 999)),
)
all_cells = st.fixed_dictionaries({name: cell_values for name in LABELS})
some_cells = st.dictionaries(st.sampled_from(list(LABELS)), cell_values)


@settings(max_examples=200, deadline=None)
@given(st.one_of(all_cells, some_cells), st.integers(2, 10_000))
@example({"name": "张\x00三", "unit": "区财政局\x1b", "note": "第一行\n第二行\x07"}, 3)
@example({"name": "·", "unit": "局" * 101}, 4)
@example({"name": "张三", "unit": "区财政局", "id_number": 110105194912310021.0}, 5)
def test_any_cells_give_a_clean_row_or_chinese_errors(cells: dict[str, Any], number: int) -> None:
    row = clean_row(RawRow(number, cells))

    assert row.row == number
    for column, message in row.errors + row.warnings:
        assert column in LABELS.values(), column
        assert CJK_RE.search(message) and not message.endswith("。"), message
    if row.ok:
        assert row.values["name"] and row.values["unit"]
    values = row.values
    for name in ("name", "unit", "ethnicity", "native_place", "political_status", "education", "position"):
        if name in values:
            text = values[name]
            assert isinstance(text, str) and text == text.strip() and text
            assert not CONTROL_RE.search(text) and "\n" not in text, repr(text)
    if "note" in values:
        assert not CONTROL_RE.search(values["note"])
    for name in ("birth_date", "party_join_date", "work_start_date", "position_start_date"):
        assert name not in values or type(values[name]) is date
    if "id_number" in values:
        assert re.fullmatch(r"[1-8]\d{16}[\dX]", values["id_number"])
        assert not isinstance(cells["id_number"], int | float | Decimal) or isinstance(
            cells["id_number"], bool
        )
    assert "gender" not in values or isinstance(values["gender"], Gender)
    assert "rank" not in values or isinstance(values["rank"], CadreRank)
    for name in ("is_leader", "is_top_leader"):
        assert name not in values or isinstance(values[name], bool)
    if isinstance(cells.get("id_number"), int | float) and not isinstance(cells["id_number"], bool):
        # a warning: the person comes in without the number (issue 17, point 3)
        assert (
            "身份证号",
            "身份证号以数字格式保存，后几位已丢失，请把该列设为“文本”格式后重新填写；该人员将不带身份证号导入",
        ) in row.warnings


# --- whole rosters ------------------------------------------------------------------------------

COLUMNS = [
    "name",
    "gender",
    "birth_date",
    "unit",
    "position",
    "id_number",
    "phone",
    "party_join_date",
    "note",
]
UNITS = ["区财政局", "区审计局", "区住建局"]  # the first two exist, the third is created
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


@dataclass
class Person:
    name: str
    birth: date
    seq: int
    unit: str
    position: str
    phone: str | None

    @property
    def id_number(self) -> str:
        return id_number(self.birth, self.seq)

    def cells(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "gender": "男" if self.seq % 2 else "女",  # the 17th digit is the last of seq
            "birth_date": f"{self.birth.year}.{self.birth.month:02d}",
            "unit": self.unit,
            "position": self.position,
            "id_number": self.id_number,
            "phone": self.phone,
            "party_join_date": None,
            "note": "",
        }


#: Ways a row goes wrong: (column, the cell, a fragment of the Chinese message it must get).
#: An unusable ID number is no longer one of them: the person comes in without it, with a
#: warning (tests/services/test_roster_lenient.py).
BAD_CELLS: list[tuple[str, Any, str]] = [
    ("birth_date", "1975.13", "不是有效年月"),
    ("birth_date", "2999.01", "不能晚于今天"),
    ("name", "", "请填写姓名"),
    ("name", "·", "请填写姓名"),
    ("unit", "", "请填写单位"),
    ("unit", "局" * 101, "单位不能超过100个字"),
    ("phone", "12345", "联系电话格式不正确"),
    ("gender", "未知", "性别“未知”应为“男”或“女”"),
    ("party_join_date", "1920.01", "入党时间不能早于出生年月"),
]


@st.composite
def people(draw: st.DrawFn, count: int) -> list[Person]:
    names = draw(
        st.lists(
            st.tuples(st.sampled_from(SURNAMES), st.text(GIVEN, min_size=1, max_size=2)).map("".join),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    seqs = draw(st.lists(st.integers(0, 999), min_size=count, max_size=count, unique=True))
    out = []
    for name, seq in zip(names, seqs, strict=True):
        out.append(
            Person(
                name=name,
                birth=draw(st.dates(date(1950, 1, 1), date(2000, 12, 31))),
                seq=seq,
                unit=draw(st.sampled_from(UNITS)),
                position=draw(st.sampled_from(["科员", "科长", "副局长", "局长 ", "党组书记"])),
                phone=draw(
                    st.one_of(st.none(), st.sampled_from(["13812345678", "010-88886666", "0571 8888 6666"]))
                ),
            )
        )
    return out


@st.composite
def rosters(draw: st.DrawFn) -> dict[str, Any]:
    """Good people, bad rows (each wrong in one way) shuffled in, and the file format."""
    good = draw(people(draw(st.integers(1, 8))))
    bad_kinds = draw(st.lists(st.sampled_from(BAD_CELLS), max_size=4))
    bad_people = draw(people(len(bad_kinds))) if bad_kinds else []
    rows: list[tuple[dict[str, Any], str | None]] = [(p.cells(), None) for p in good]
    taken = {p.seq for p in good} | {p.name for p in good}
    for person, (column, value, fragment) in zip(bad_people, bad_kinds, strict=True):
        if person.seq in taken or person.name in taken:
            continue  # would also be a duplicate of a good row: one problem per bad row
        cells = person.cells()
        if value == "WRONG_CHECK":
            right = person.id_number
            value = right[:17] + ("0" if right[17] != "0" else "1")
        elif value == "AS_NUMBER":
            value = float(person.id_number[:17] + "0")  # what Excel keeps of an ID typed as a number
        cells[column] = value
        rows.append((cells, fragment))
    order = draw(st.permutations(range(len(rows))))
    return {
        "good": good,
        "rows": [rows[i] for i in order],
        "format": draw(st.sampled_from(["xlsx", "csv"])),
        "existing": draw(st.sampled_from([0, 1, 2])),  # good people already in the database
    }


def write_roster(path: Path, rows: list[dict[str, Any]]) -> Path:
    header = ["序号", *(LABELS[c] for c in COLUMNS)]
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["某某局干部花名册"])
            writer.writerow(header)
            for i, cells in enumerate(rows, start=1):
                writer.writerow([i, *("" if cells[c] is None else cells[c] for c in COLUMNS)])
        return path
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["某某局干部花名册"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for i, cells in enumerate(rows, start=1):
        sheet.append([i, *(cells[c] for c in COLUMNS)])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    book.save(path)
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with two units (the roster's third is new); copied for every example."""
    path = tmp_path_factory.mktemp("roster-template") / "template.db"
    db = open_database(path)
    for name in UNITS[:2]:
        records.create(db, "units", {"full_name": name, "unit_type": "agency"})
    db.dispose()
    return path


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("roster-examples")


@pytest.fixture
def fresh(template: Path, workdir: Path) -> Iterator[Any]:
    """Hands out a fresh copy of the template (one per hypothesis example); disposes them all."""
    opened: list[Database] = []

    def make(existing: list[Person]) -> tuple[Database, Path]:
        folder = workdir / uuid.uuid4().hex
        folder.mkdir()
        path = folder / "wsjc.db"
        shutil.copy(template, path)
        db = open_database(path)
        opened.append(db)
        units = _units(path)
        for person in existing:  # already in the database, with another position: an update
            records.create(
                db,
                "cadres",
                {
                    "name": person.name,
                    "unit_id": units[person.unit],
                    "id_number": person.id_number,
                    "position": "待更新",
                },
            )
        return db, folder

    yield make
    for db in opened:
        db.dispose()


def _units(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        return {name: uid for uid, name in con.execute("SELECT id, full_name FROM units")}
    finally:
        con.close()


def snapshot(path: Path) -> dict[str, Any]:
    """Everything an import could touch, read straight from the file."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            table: con.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("units", "cadres", "audit_entries")
        }
    finally:
        con.close()


def existing_people(roster: dict[str, Any]) -> list[Person]:
    return [p for p in roster["good"] if p.unit in UNITS[:2]][: roster["existing"]]


@SLOW
@given(roster=rosters())
def test_a_generated_roster_imports_its_good_rows_and_only_when_told_to(
    fresh: Any, roster: dict[str, Any]
) -> None:
    before_people = existing_people(roster)
    db, folder = fresh(before_people)
    path = write_roster(folder / f"roster.{roster['format']}", [cells for cells, _ in roster["rows"]])
    bad_count = sum(1 for _, fragment in roster["rows"] if fragment)

    preview = preview_roster(db, path)

    assert len(preview.rows) == len(roster["rows"])
    for row, (_cells, fragment) in zip(preview.rows, roster["rows"], strict=True):
        messages = [message for _column, message in row.errors]
        if fragment is None:
            assert row.ok, (row.row, row.errors)
            assert row.action in (RowAction.NEW, RowAction.UPDATE)
        else:
            assert any(fragment in message for message in messages), (fragment, messages)
            assert row.action is RowAction.SKIP
            assert all(CJK_RE.search(message) for message in messages)

    # not told to skip bad rows: nothing at all
    start = snapshot(db.path)
    if bad_count:
        with pytest.raises(UserError) as info:
            import_roster(db, preview, only_valid=False)
        assert info.value.message == f"有{bad_count}行存在错误，未导入任何数据。请改正后重试。"
        assert snapshot(db.path) == start

    # told to: exactly the good rows, in one go
    result = import_roster(db, preview)
    assert (result.imported, result.updated, result.skipped) == (
        len(roster["good"]) - len(before_people),
        len(before_people),
        bad_count,
    )
    after = snapshot(db.path)
    stored = {
        row[0]: row
        for row in sqlite3.connect(db.path).execute("SELECT id_number, name, position FROM cadres")
    }
    assert set(stored) == {p.id_number for p in roster["good"]}
    for person in roster["good"]:
        assert stored[person.id_number][1:] == (person.name, person.position.strip())
    assert len(after["units"]) == len(start["units"]) + (UNITS[2] in {p.unit for p in roster["good"]})

    # and once more: nothing left to do
    again = preview_roster(db, path)
    assert again.count(RowAction.UNCHANGED) == len(roster["good"])
    assert again.count(RowAction.NEW) == again.count(RowAction.UPDATE) == 0


@SLOW
@given(roster=rosters(), data=st.data())
def test_a_row_the_database_refuses_mid_import_leaves_everything_as_it_was(
    fresh: Any, roster: dict[str, Any], data: st.DataObject
) -> None:
    db, folder = fresh(existing_people(roster))
    path = write_roster(folder / f"roster.{roster['format']}", [cells for cells, _ in roster["rows"]])
    preview = preview_roster(db, path)
    new_rows = [r for r in preview.rows if r.action is RowAction.NEW]
    if not new_rows:
        return
    victim = data.draw(st.sampled_from(new_rows)).name
    con = sqlite3.connect(db.path)
    con.execute(
        f"CREATE TRIGGER refuse_one BEFORE INSERT ON cadres WHEN NEW.name = '{victim}' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    )
    con.commit()
    con.close()
    start = snapshot(db.path)

    with pytest.raises(Exception, match="refused by the test"):
        import_roster(db, preview)

    assert snapshot(db.path) == start  # no unit, no cadre, no update, no audit entry


@SLOW
@given(roster=rosters())
def test_a_full_disk_mid_import_is_a_chinese_message_and_writes_nothing(
    fresh: Any, roster: dict[str, Any]
) -> None:
    db, folder = fresh(existing_people(roster))
    rows = [dict(cells) for cells, _ in roster["rows"]]
    good = next(i for i, (_cells, fragment) in enumerate(roster["rows"]) if fragment is None)
    rows[good]["note"] = "谈话记录摘要。" * 2000  # more than the free pages of the file can take
    path = write_roster(folder / f"roster.{roster['format']}", rows)
    preview = preview_roster(db, path)
    assert preview.rows[good].action in (RowAction.NEW, RowAction.UPDATE)
    pages = sqlite3.connect(db.path).execute("PRAGMA page_count").fetchone()[0]

    @event.listens_for(db.engine, "connect")
    def disk_full_after_this(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLITE_FULL on the first new page

    db.engine.dispose()  # connections made from now on carry the limit
    start = snapshot(db.path)

    with pytest.raises(UserError) as info:
        import_roster(db, preview)

    assert info.value.message == "磁盘空间已满，未能保存。请清理磁盘后重试。"
    assert snapshot(db.path) == start


def test_cells_of_every_python_type_a_reader_can_return() -> None:
    """xlrd and openpyxl hand back str, int, float, bool, datetime, date, time and None."""
    for value in ("x", 1, 1.5, True, datetime(2026, 3, 5, 8, 0), date(2026, 3, 5), time(8, 30), None):
        row = clean_row(RawRow(2, dict.fromkeys(LABELS, value)))
        assert all(CJK_RE.search(message) for _c, message in row.errors + row.warnings)


# --- the bugs these properties found, pinned ------------------------------------------------------


def test_control_characters_are_dropped_from_text_cells_and_notes_keep_their_lines() -> None:
    row = clean_row(
        RawRow(
            2,
            {
                "name": "张\x00三",
                "unit": "区财政局\x1b",
                "position": "科长\x07",
                "note": "第一行\n第二行\x0c",
            },
        )
    )
    assert row.ok
    assert row.values == {"name": "张三", "unit": "区财政局", "position": "科长", "note": "第一行\n第二行"}


def test_a_unit_name_too_long_to_create_is_a_row_error_not_a_failed_import(fresh: Any) -> None:
    db, folder = fresh([])
    path = write_roster(
        folder / "long.csv",
        [
            {**dict.fromkeys(COLUMNS), "name": "张三", "unit": "局" * 101},
            {**dict.fromkeys(COLUMNS), "name": "李四", "unit": "区住建局"},
        ],
    )
    preview = preview_roster(db, path)
    assert preview.rows[0].errors == [("单位", "单位不能超过100个字")]
    result = import_roster(db, preview)
    assert (result.imported, result.skipped) == (1, 1)


def test_a_skipped_row_never_creates_its_unit(fresh: Any) -> None:
    db, folder = fresh([])
    path = write_roster(
        folder / "future.xlsx",
        [{**dict.fromkeys(COLUMNS), "name": "张三", "unit": "区住建局", "birth_date": "2999.01"}],
    )
    preview = preview_roster(db, path)
    assert preview.rows[0].errors == [("出生年月", "出生年月不能晚于今天")]
    assert preview.new_units == [] and preview.rows[0].warnings == []
    start = snapshot(db.path)
    assert import_roster(db, preview).skipped == 1
    after = snapshot(db.path)
    assert after["units"] == start["units"] and after["cadres"] == start["cadres"]
