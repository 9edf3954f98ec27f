"""Importing rosters: preview first, one transaction, updates instead of duplicates, no half-writes."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.support.builders import cadre, id_number, unit
from tests.support.shared import ROSTER_SAMPLE
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import AuditAction, CadreRank, Gender
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import records, roster_import
from wsjc_desktop.services.roster_import import (
    RowAction,
    id_number_cell,
    import_roster,
    month_cell,
    preview_roster,
    save_template,
)
from wsjc_desktop.storage.database import Database

FIXTURE = ROSTER_SAMPLE
FUTURE_PARTY_ROWS = {14, 34}  # the sample has two 入党时间 in 2027


def make_xlsx(path: Path, rows: list[list[Any]], *, text_columns: tuple[int, ...] = ()) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for col in text_columns:
        for cells in sheet.iter_rows(min_col=col, max_col=col):
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    book.save(path)
    return path


def cadres(db: Database) -> list[m.Cadre]:
    with db.read() as uow:
        found = list(uow.session.scalars(select(m.Cadre).order_by(m.Cadre.id)))
        for c in found:
            _ = c.unit.full_name
        return found


def count(db: Database, model: Any) -> int:
    with db.read() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def _month(value: object) -> tuple[int, int] | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.year, value.month
    year, month = str(value).split(".")
    return int(year), int(month)


# --- the sample roster ---------------------------------------------------------------------


def test_sample_roster_is_imported_with_every_value(db: Database) -> None:
    preview = preview_roster(db, FIXTURE)
    assert len(preview.rows) == 60
    assert preview.new_units == ["区住建局", "区审计局", "区财政局"]
    bad = {r.row for r in preview.rows if r.errors}
    assert bad == FUTURE_PARTY_ROWS
    assert all(r.errors == [("入党时间", "入党时间不能晚于今天")] for r in preview.rows if r.errors)
    assert preview.summary() == "共 60 行：新增 58，更新 0，无变化 0，有错误 2（将跳过）"

    result = import_roster(db, preview)
    assert (result.imported, result.updated, result.unchanged, result.skipped) == (58, 0, 0, 2)
    assert [(e.row, e.column) for e in result.errors] == [(14, "入党时间"), (34, "入党时间")]

    stored = {c.id_number: c for c in cadres(db)}
    assert len(stored) == 58
    assert count(db, m.Unit) == 3
    sheet = load_workbook(FIXTURE).active
    assert sheet is not None
    checked = 0
    for number, row in enumerate(sheet.iter_rows(min_row=3, values_only=True), start=3):
        (
            _,
            name,
            sex,
            ethnicity,
            birth,
            political,
            party,
            education,
            unit_name,
            position,
            rank,
            since,
            idn,
            phone,
            note,
        ) = row
        if number in FUTURE_PARTY_ROWS:
            assert idn not in stored
            continue
        got = stored[idn]
        assert got.name == name
        assert got.unit.full_name == unit_name
        assert got.gender is Gender.from_label(sex)
        assert got.ethnicity == ethnicity
        assert got.birth_date is not None and (got.birth_date.year, got.birth_date.month) == _month(birth)
        if isinstance(birth, datetime):
            assert got.birth_date == birth.date()
        assert got.political_status == political
        party_month = (got.party_join_date.year, got.party_join_date.month) if got.party_join_date else None
        assert party_month == _month(party)
        assert got.education == education
        assert got.position == position
        assert got.rank is CadreRank.from_label(rank)
        assert got.position_start_date is not None
        assert (got.position_start_date.year, got.position_start_date.month) == _month(since)
        assert got.phone == phone
        assert got.note == note
        checked += 1
    assert checked == 58
    # a few in full
    first = stored["51010419670810981X"]
    assert (first.name, first.unit.full_name, first.birth_date, first.party_join_date) == (
        "廖红怡",
        "区住建局",
        date(1967, 8, 10),
        date(1988, 12, 1),
    )
    assert (first.position, first.rank, first.phone, first.is_leader, first.is_top_leader) == (
        "党组书记",
        CadreRank.DIVISION,
        "15607665690",
        False,
        False,
    )
    third = stored["410105198907047908"]
    assert (third.name, third.gender, third.birth_date, third.education) == (
        "姚轩",
        Gender.FEMALE,
        date(1989, 7, 1),
        "硕士研究生",
    )
    with db.read() as uow:
        audits = list(
            uow.session.scalars(select(m.AuditEntry).where(m.AuditEntry.action == AuditAction.IMPORT))
        )
    assert len(audits) == 1 and "roster_sample.xlsx" in (audits[0].summary or "")


def test_reimporting_the_same_file_changes_nothing(db: Database) -> None:
    import_roster(db, preview_roster(db, FIXTURE))
    before = [(c.id, c.updated_at) for c in cadres(db)]
    audit_rows = count(db, m.AuditEntry)

    again = preview_roster(db, FIXTURE)
    assert again.summary() == "共 60 行：新增 0，更新 0，无变化 58，有错误 2（将跳过）"
    result = import_roster(db, again)
    assert (result.imported, result.updated, result.unchanged, result.skipped) == (0, 0, 58, 2)
    assert [(c.id, c.updated_at) for c in cadres(db)] == before
    assert count(db, m.Unit) == 3
    assert count(db, m.AuditEntry) == audit_rows + 1  # only the IMPORT entry itself


# --- messy files ---------------------------------------------------------------------------

ID_A = id_number(date(1975, 3, 15), 111)
ID_B = id_number(date(1980, 1, 2), 222)
ID_C = id_number(date(1969, 12, 31), 333)
HEADER = [
    *("序号", "姓  名", "性 别", "出生日期", "所在单位", "现任职务", "级别", "公民身份号码"),
    *("手机号码", "入党时间", "参加工作时间", "任现职时间", "是否班子成员", "是否一把手", "备注"),
]


def messy_rows() -> list[list[Any]]:
    return [
        ["区XX局干部花名册"],
        ["（2024年1月）"],
        HEADER,
        [
            1,
            " 张  三 ",
            "男 ",
            "1975.03",
            "区财政局 ",
            "局长",
            "处级",
            ID_A,
            "138 0013 8000",
            "1998.7",
            "197507",
            "2020年3月",
            "是",
            "是",
            "  ",
        ],
        [
            2,
            "李四",
            " 女",
            "１９８０年１月",
            "区审计局",
            "科员",
            "科员",
            ID_B,
            "０１０－１２３４５６７８",
            "2003年06月",
            "2002.08",
            "2019-05-06",
            "否",
            "否",
            "借调",
        ],
        [
            3,
            "王五",
            "男",
            datetime(1969, 12, 31),
            "区财政局",
            "副局长",
            "副处级",
            ID_C,
            None,
            None,
            None,
            None,
            "√",
            None,
            None,
        ],
        [None, None, None, None, None, None, None, None, None, None, None, None, None, None, None],
        [
            4,
            "赵六",
            "男",
            "1970.05",
            "区财政局",
            "科长",
            "科级",
            110105197005051234,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            5,
            "钱七",
            "女",
            "1971.06",
            "区财政局",
            "科长",
            "科级",
            "1.10105E+17",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            6,
            "孙八",
            "男",
            "1972.13",
            "区财政局",
            "科长",
            "科级",
            None,
            "12345",
            None,
            None,
            None,
            "也许",
            None,
            None,
        ],
        [7, "周九", "女", "1973.01", None, "科长", "科级", None, None, None, None, None, None, None, None],
        [
            8,
            None,
            "女",
            "1973.01",
            "区财政局",
            "科长",
            "科级",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            9,
            "吴十",
            "男",
            "1974.02",
            "区财政局",
            "科长",
            "组长级",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            10,
            "张三",
            "男",
            "1975.3",
            "区财政局",
            "局长",
            "处级",
            ID_A,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        ["合计", "10人"],
        ["填报人：张某", None, None, None, "审核人：李某"],
    ]


def test_messy_xlsx_every_case(db: Database, tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "messy.xlsx", messy_rows())
    preview = preview_roster(db, path)
    assert preview.header_row == 3
    by_row = {r.row: r for r in preview.rows}
    assert sorted(by_row) == [4, 5, 6, 8, 9, 10, 11, 12, 13, 14]  # blank, 合计, 填报人 rows gone

    a = by_row[4]
    assert a.errors == [] and a.action is RowAction.NEW
    assert a.values == {
        "name": "张三",
        "unit": "区财政局",
        "gender": Gender.MALE,
        "birth_date": date(1975, 3, 1),
        "party_join_date": date(1998, 7, 1),
        "work_start_date": date(1975, 7, 1),
        "position_start_date": date(2020, 3, 1),
        "position": "局长",
        "rank": CadreRank.DIVISION,
        "is_leader": True,
        "is_top_leader": True,
        "id_number": ID_A,
        "phone": "13800138000",
    }
    b = by_row[5]
    assert b.errors == []
    assert b.values["gender"] is Gender.FEMALE
    assert b.values["birth_date"] == date(1980, 1, 1)
    assert b.values["phone"] == "010-12345678"
    assert b.values["position_start_date"] == date(2019, 5, 6)
    assert b.values["rank"] is CadreRank.STAFF
    assert b.values["note"] == "借调"
    c = by_row[6]
    assert c.errors == [] and c.values["birth_date"] == date(1969, 12, 31)
    assert c.values["rank"] is CadreRank.DIVISION and c.values["is_leader"] is True

    for number in (8, 9):  # an ID number kept as a number: the person comes in without it
        assert by_row[number].errors == []
        assert by_row[number].warnings == [
            (
                "身份证号",
                "身份证号以数字格式保存，后几位已丢失，请把该列设为“文本”格式后重新填写；该人员将不带身份证号导入",
            )
        ]
    assert {col for col, _ in by_row[10].errors} == {"出生年月", "是否班子成员", "联系电话"}
    assert by_row[11].errors == [("单位", "请填写单位")]
    assert by_row[12].errors == [("姓名", "请填写姓名")]
    assert by_row[13].errors == [] and by_row[13].values.get("rank") is None
    assert by_row[13].warnings == [
        ("职级", "职级“组长级”无法识别（可选：厅级、处级、科级、一般干部），未导入该项")
    ]
    assert by_row[14].errors == [("重复", "与第4行身份证号相同")]
    assert all(r.action is RowAction.SKIP for r in preview.rows if r.errors)

    result = import_roster(db, preview)
    assert (result.imported, result.skipped) == (6, 4)
    stored = {c.name: c for c in cadres(db)}
    assert set(stored) == {"张三", "李四", "王五", "赵六", "钱七", "吴十"}
    assert stored["赵六"].id_number is None and stored["钱七"].id_number is None
    assert stored["张三"].id_number == ID_A and stored["张三"].unit.full_name == "区财政局"
    assert stored["李四"].unit.full_name == "区审计局"
    assert not any(c.id_number and c.id_number.startswith("1101051970") for c in stored.values())
    assert count(db, m.Unit) == 2


def test_messy_csv_gb18030(db: Database, tmp_path: Path) -> None:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([[("" if x is None else str(x)) for x in row] for row in messy_rows()])
    path = tmp_path / "roster.csv"
    path.write_bytes(buffer.getvalue().replace("138 0013 8000", "13800138000").encode("gb18030"))
    preview = preview_roster(db, path)
    by_row = {r.row: r for r in preview.rows}
    assert sorted(by_row) == [4, 5, 6, 8, 9, 10, 11, 12, 13, 14]
    assert by_row[4].values["birth_date"] == date(1975, 3, 1)
    assert by_row[5].values["birth_date"] == date(1980, 1, 1)
    assert by_row[6].values["birth_date"] == date(1969, 12, 31)  # str(datetime) text
    # as text in a CSV all 18 digits are there, so the number is checked like typed text
    assert by_row[8].warnings == [("身份证号", "身份证号校验码不正确，请核对；该人员将不带身份证号导入")]
    assert by_row[9].warnings[0][0] == "身份证号" and by_row[9].errors == []  # 1.10105E+17 as text
    result = import_roster(db, preview)
    assert result.imported >= 4


def test_existing_cadre_is_updated_not_duplicated(db: Database, tmp_path: Path) -> None:
    finance = unit(db, "区财政局", short_name="财政局")
    by_id = cadre(db, finance, "张三", id_number=ID_A, position="副局长")
    by_person = cadre(db, finance, "李四", birth_date=date(1980, 1, 1), gender="female")
    path = make_xlsx(
        tmp_path / "r.xlsx",
        [
            ["姓名", "出生年月", "单位", "职务", "身份证号"],
            ["张三", "1975.03", "财政局", "局长", ID_A],
            ["李四", "1980.01", "区财政局", "科长", None],
            ["王五", "1969.12", "区财政局", None, None],
        ],
    )
    preview = preview_roster(db, path)
    actions = [(r.name, r.action, r.cadre_id) for r in preview.rows]
    assert actions == [
        ("张三", RowAction.UPDATE, by_id),
        ("李四", RowAction.UPDATE, by_person),
        ("王五", RowAction.NEW, None),
    ]
    # the stored birth date (1975-03-15, from the ID number) is more precise than “1975.03”: kept
    assert preview.rows[0].changes == {"position": "局长"}
    result = import_roster(db, preview)
    assert (result.imported, result.updated) == (1, 2)
    assert len(cadres(db)) == 3
    assert records.get(db, "cadres", by_id)["position"] == "局长"
    assert records.get(db, "cadres", by_person)["position"] == "科长"
    assert count(db, m.Unit) == 1
    assert preview_roster(db, path).summary() == "共 3 行：新增 0，更新 0，无变化 3，有错误 0（将跳过）"


def test_a_failing_row_never_half_writes(db: Database, db_path: Path, tmp_path: Path) -> None:
    """A constraint the database enforces fails in the middle: no unit and no cadre is left."""
    path = make_xlsx(
        tmp_path / "r.xlsx",
        [["姓名", "单位"], ["甲", "新单位一"], ["乙", "新单位二"], ["坏人", "新单位二"], ["丁", "新单位二"]],
    )
    preview = preview_roster(db, path)
    assert [r.action for r in preview.rows] == [RowAction.NEW] * 4
    con = sqlite3.connect(db_path)
    con.execute(
        "CREATE TRIGGER no_bad BEFORE INSERT ON cadres WHEN NEW.name = '坏人' "
        "BEGIN SELECT RAISE(ABORT, 'constraint failed: no bad'); END"
    )
    con.commit()
    con.close()
    audit_rows = count(db, m.AuditEntry)
    with pytest.raises(IntegrityError):
        import_roster(db, preview)
    assert count(db, m.Cadre) == 0
    assert count(db, m.Unit) == 0
    assert count(db, m.AuditEntry) == audit_rows


def test_a_user_error_mid_import_is_reported_in_chinese_and_writes_nothing(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_xlsx(tmp_path / "r.xlsx", [["姓名", "单位"], ["甲", "新单位"], ["乙", "新单位"]])
    preview = preview_roster(db, path)
    real = roster_import.new_cadre
    calls = [0]

    def flaky(values: Any, unit_id: int) -> m.Cadre:
        calls[0] += 1
        if calls[0] == 2:
            raise UserError("模拟的失败")
        return real(values, unit_id)

    monkeypatch.setattr(roster_import, "new_cadre", flaky)
    with pytest.raises(UserError, match="导入失败，未写入任何数据。第3行：模拟的失败"):
        import_roster(db, preview)
    assert count(db, m.Cadre) == 0 and count(db, m.Unit) == 0


def test_not_only_valid_refuses_a_file_with_errors(db: Database, tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "r.xlsx", [["姓名", "单位"], ["甲", "新单位"], ["乙", None]])
    preview = preview_roster(db, path)
    with pytest.raises(UserError, match="有1行存在错误"):
        import_roster(db, preview, only_valid=False)
    assert count(db, m.Cadre) == 0


def test_stale_preview_is_matched_again_inside_the_write(db: Database, tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "r.xlsx", [["姓名", "单位", "身份证号"], ["张三", "区财政局", ID_A]])
    preview = preview_roster(db, path)
    assert preview.rows[0].action is RowAction.NEW
    cadre(db, unit(db, "区财政局"), "张三", id_number=ID_A)  # someone else adds him meanwhile
    result = import_roster(db, preview)
    assert (result.imported, result.unchanged) == (0, 1)
    assert len(cadres(db)) == 1


def test_save_template(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    save_template(path)
    sheet = load_workbook(path).active
    assert sheet is not None and sheet["B2"].value == "姓名"
    with pytest.raises(UserError, match="无法保存模板"):
        save_template(tmp_path / "missing" / "t.xlsx")


# --- normalisation properties ---------------------------------------------------------------

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
months = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


STYLES = (
    *("{y}.{m:02d}", "{y}.{m}", "{y}年{m}月", "{y}{m:02d}"),
    *("{y}-{m:02d}-{d:02d}", "{y}年{m}月{d}日", "{y} 年 {m} 月"),
)
PADS = ("", " ", "\u3000", "  ")


@settings(max_examples=200, deadline=None)
@given(day=months, style=st.sampled_from(STYLES), wide=st.booleans(), pad=st.sampled_from(PADS))
def test_month_cells_in_every_written_form(day: date, style: str, wide: bool, pad: str) -> None:
    text = style.format(y=day.year, m=day.month, d=day.day)
    if wide:
        text = text.translate(FULLWIDTH)
    got = month_cell(pad + text + pad, "birth_date")
    expected = day if "{d" in style else day.replace(day=1)
    assert got == expected


@settings(max_examples=100, deadline=None)
@given(day=months)
def test_month_cells_from_real_dates_and_numbers(day: date) -> None:
    assert month_cell(datetime(day.year, day.month, day.day), "birth_date") == day
    assert month_cell(day.year * 100 + day.month, "birth_date") == day.replace(day=1)


births = st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31))


@settings(max_examples=200, deadline=None)
@given(birth=births, seq=st.integers(0, 999), wide=st.booleans(), spaced=st.booleans())
def test_id_numbers_as_text_are_kept_and_as_numbers_are_refused(
    birth: date, seq: int, wide: bool, spaced: bool
) -> None:
    number = id_number(birth, seq)
    text = number.translate(FULLWIDTH) if wide else number
    if spaced:
        text = f" {text[:6]} {text[6:14]} {text[14:]} "
    assert id_number_cell(text.lower()) == number
    if number[-1] != "X":
        with pytest.raises(UserError, match="以数字格式保存"):
            id_number_cell(int(number))
        with pytest.raises(UserError, match="以数字格式保存"):
            id_number_cell(float(number))
        with pytest.raises(UserError, match="以数字格式保存"):
            id_number_cell(f"{float(number):.5E}")
    assert id_number_cell(None) is None and id_number_cell("  ") is None
