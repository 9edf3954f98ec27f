"""信息采集 (issue 17, point 4): a unit's collection workbook made from a demo database, filled in
with openpyxl as a clerk would, and brought back: exactly the clerk's changes, old → new in the
preview; the same file again changes nothing; bad cells refuse the whole file."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func, select

from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import PersonalMattersCheck
from wsjc_desktop.errors import UserError
from wsjc_desktop.excel.collect import FIRST_ROW, GUIDE_SHEET, HEADER_ROW, META_SHEET
from wsjc_desktop.services import collect
from wsjc_desktop.services.collect import Action
from wsjc_desktop.services.demo import generate_demo
from wsjc_desktop.storage.database import Database, open_database

UNIT = "区财政局"


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("collect") / "demo.db"
    db = open_database(path)
    try:
        generate_demo(db, scale=1, seed=3, today=date(2026, 6, 15))
    finally:
        db.dispose()
    return path


@pytest.fixture
def demo(demo_source: Path, tmp_path: Path) -> Iterator[Database]:
    target = tmp_path / "wsjc.db"
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(demo_source) + suffix)
        if source.exists():
            shutil.copyfile(source, Path(str(target) + suffix))
    db = open_database(target)
    yield db
    db.dispose()


def unit_id(db: Database, name: str = UNIT) -> int:
    return next(i for i, n in collect.unit_choices(db) if n == name)


def columns(ws: Worksheet) -> dict[str, int]:
    """Header label (without the required-mark) → column number."""
    return {str(c.value).rstrip("*"): c.column for c in ws[HEADER_ROW] if c.value}


def first_blank(ws: Worksheet, label: str) -> int:
    col = columns(ws)[label]
    return next(r for r in range(FIRST_ROW, ws.max_row + 2) if ws.cell(r, col).value is None)


def snapshot(db: Database) -> dict[tuple[str, int], tuple[Any, ...]]:
    """Every cadre, family member and report (all columns), by table and id."""
    out: dict[tuple[str, int], tuple[Any, ...]] = {}
    with db.read() as uow:
        for model in (m.Cadre, m.FamilyMember, m.PersonalMattersReport):
            table = model.__table__
            for row in uow.session.execute(select(table)).all():
                out[(model.__tablename__, row.id)] = tuple(row)
    return out


def audit_count(db: Database) -> int:
    with db.read() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(m.AuditEntry)) or 0)


@pytest.fixture
def made(demo: Database, tmp_path: Path) -> Path:
    out = tmp_path / "信息采集表.xlsx"
    collect.make_collection(demo, unit_id(demo), out)
    return out


def test_the_workbook_is_prefilled_with_the_units_records(demo: Database, made: Path) -> None:
    book = load_workbook(made)
    assert book.sheetnames[:4] == ["干部基本信息", "家庭成员", "个人有关事项", GUIDE_SHEET]
    cadres = book["干部基本信息"]
    head = columns(cadres)
    with demo.read() as uow:
        stored = {
            c.id: c
            for c in uow.session.scalars(
                select(m.Cadre).where(m.Cadre.unit_id == unit_id(demo), m.Cadre.deleted_at.is_(None))
            )
        }
        family = uow.session.scalar(
            select(func.count()).where(
                m.FamilyMember.cadre_id.in_(stored), m.FamilyMember.deleted_at.is_(None)
            )
        )
    keys = [cadres.cell(r, head["干部编号"]).value for r in range(FIRST_ROW, cadres.max_row + 1)]
    assert sorted(k for k in keys if k is not None) == sorted(stored)
    row = next(r for r in range(FIRST_ROW, cadres.max_row + 1) if cadres.cell(r, head["干部编号"]).value)
    cadre = stored[cadres.cell(row, head["干部编号"]).value]
    assert cadres.cell(row, head["姓名"]).value == cadre.name
    assert cadres.cell(row, head["出生年月"]).value == f"{cadre.birth_date:%Y-%m}"
    assert cadres.cell(row, head["职级"]).value == (cadre.rank.label if cadre.rank else None)
    sheet = book["家庭成员"]
    filled = [
        r for r in range(FIRST_ROW, sheet.max_row + 1) if sheet.cell(r, columns(sheet)["成员编号"]).value
    ]
    assert len(filled) == family


def checks(ws: Worksheet) -> dict[str, Any]:
    """Header label → the data validation of its column."""
    by_letter = {
        r.coord.split(":")[0].rstrip("0123456789"): dv
        for dv in ws.data_validations.dataValidation
        for r in dv.sqref.ranges
    }
    return {
        label: by_letter[ws.cell(HEADER_ROW, col).column_letter]
        for label, col in columns(ws).items()
        if ws.cell(HEADER_ROW, col).column_letter in by_letter
    }


def test_drop_downs_hints_protection_and_the_guide_are_in_the_file(made: Path) -> None:
    book = load_workbook(made)
    cadres, family, reports = book["干部基本信息"], book["家庭成员"], book["个人有关事项"]
    on_cadres = checks(cadres)
    gender = on_cadres["性别"]
    assert gender.type == "list" and gender.formula1 == '"男,女"' and gender.showErrorMessage
    assert on_cadres["职级"].formula1 == '"厅级,处级,科级,一般干部"'
    assert on_cadres["班子成员"].formula1 == '"是,否"'
    assert on_cadres["状态"].type == "list"
    assert on_cadres["出生年月"].prompt == "格式：1975-03（年-月）" and on_cadres["出生年月"].showInputMessage
    assert str(on_cadres["出生年月"].sqref).endswith(f":E{cadres.max_row}")  # the blank rows too
    on_reports = checks(reports)
    assert on_reports["报告日期"].prompt == "格式：2023-03-05"
    assert on_reports["抽查核实结果"].formula1 == '"未抽查,如实报告,漏报,瞒报"'
    assert checks(family)["经商办企业"].formula1 == '"是,否"'
    assert "干部编号" not in on_cadres
    for sheet in (cadres, family, reports):
        assert sheet.protection.sheet, sheet.title
        assert sheet.cell(HEADER_ROW, 3).protection.locked  # the header
        assert not sheet.cell(FIRST_ROW, len(columns(sheet))).protection.locked  # a data cell
        assert not sheet.cell(sheet.max_row, len(columns(sheet))).protection.locked  # a blank row's
        assert sheet.column_dimensions["A"].hidden  # the 干部编号 key
        assert sheet.cell(FIRST_ROW, 1).protection.locked
    assert family.column_dimensions["B"].hidden  # the 成员编号 key
    guide = book[GUIDE_SHEET]
    text = "\n".join(str(c.value) for c in guide["A"] if c.value)
    assert "填表说明" in text and "下拉列表" in text and "1975-03" in text and "空白行" in text
    assert book[META_SHEET].sheet_state == "veryHidden"


def fill_in(made: Path, out: Path) -> dict[str, Any]:
    """What a clerk does: change a family member's 工作单位, add a family member, change a
    cadre's 职务, add a personal-matters report; returns what was changed."""
    book = load_workbook(made)
    family = book["家庭成员"]
    fh = columns(family)
    member_id = family.cell(FIRST_ROW, fh["成员编号"]).value
    old_workplace = family.cell(FIRST_ROW, fh["工作单位"]).value
    owner = family.cell(FIRST_ROW, fh["干部姓名"]).value
    family.cell(FIRST_ROW, fh["工作单位"], "区城市建设投资集团有限公司")
    new = first_blank(family, "姓名")
    family.cell(new, fh["干部姓名"], owner)
    family.cell(new, fh["称谓"], "儿媳")
    family.cell(new, fh["姓名"], "王小丽")
    family.cell(new, fh["出生年月"], "1995-07")
    family.cell(new, fh["工作单位"], "区人民医院")
    family.cell(new, fh["经商办企业"], "否")
    cadres = book["干部基本信息"]
    ch = columns(cadres)
    cadre_row = FIRST_ROW + 1
    cadre_id = cadres.cell(cadre_row, ch["干部编号"]).value
    old_position = cadres.cell(cadre_row, ch["职务"]).value
    cadre_name = cadres.cell(cadre_row, ch["姓名"]).value
    cadres.cell(cadre_row, ch["职务"], "副局长（主持工作）")
    reports = book["个人有关事项"]
    rh = columns(reports)
    report_row = first_blank(reports, "年度")
    reports.cell(report_row, rh["干部姓名"], cadre_name)
    reports.cell(report_row, rh["年度"], 2019)
    reports.cell(report_row, rh["报告日期"], "2019-03-05")
    book.save(out)
    return {
        "member_id": member_id,
        "old_workplace": old_workplace,
        "owner": owner,
        "new_row": new,
        "cadre_id": cadre_id,
        "cadre_name": cadre_name,
        "old_position": old_position,
        "report_row": report_row,
    }


def test_a_filled_in_workbook_brings_exactly_the_clerks_changes(
    demo: Database, made: Path, tmp_path: Path
) -> None:
    returned = tmp_path / "交回.xlsx"
    done = fill_in(made, returned)
    before = snapshot(demo)

    preview = collect.preview_collection(demo, returned)
    assert preview.ok, [e.text() for e in preview.errors]
    lines = sorted(c.text() for c in preview.changes)
    assert lines == sorted(
        [
            f"更新家庭成员“{_family_title(demo, done['member_id'])}”："
            f"工作单位 {done['old_workplace'] or '（空）'} → 区城市建设投资集团有限公司",
            "新增家庭成员“儿媳 王小丽”：称谓 儿媳；姓名 王小丽；出生年月 1995-07；"
            "工作单位 区人民医院；经商办企业 否",
            f"更新干部信息“{done['cadre_name']}”："
            f"职务 {done['old_position'] or '（空）'} → 副局长（主持工作）",
            "新增个人有关事项“2019年度”：年度 2019；报告日期 2019-03-05；抽查核实结果 未抽查",
        ]
    )
    assert {g.name for g in preview.cadres} == {done["owner"], done["cadre_name"]}
    assert snapshot(demo) == before  # a preview writes nothing

    result = collect.import_collection(demo, preview)
    assert (result.imported, result.updated) == (2, 2)
    assert result.by_kind["family_members"]["imported"] == 1
    after = snapshot(demo)
    changed = {key for key in after if before.get(key) != after[key]}
    with demo.read() as uow:
        session = uow.session
        member = session.get(m.FamilyMember, done["member_id"])
        assert member is not None and member.workplace == "区城市建设投资集团有限公司"
        new_member = session.scalars(select(m.FamilyMember).where(m.FamilyMember.name == "王小丽")).one()
        assert (new_member.relation, new_member.birth_date, new_member.workplace) == (
            "儿媳",
            date(1995, 7, 1),
            "区人民医院",
        )
        assert new_member.cadre_id == member.cadre_id
        cadre = session.get(m.Cadre, done["cadre_id"])
        assert cadre is not None and cadre.position == "副局长（主持工作）"
        report = session.scalars(
            select(m.PersonalMattersReport).where(
                m.PersonalMattersReport.cadre_id == cadre.id, m.PersonalMattersReport.year == 2019
            )
        ).one()
        assert (
            report.report_date == date(2019, 3, 5) and report.check_result is PersonalMattersCheck.NOT_CHECKED
        )
        expected = {
            ("family_members", member.id),
            ("family_members", new_member.id),
            ("cadres", cadre.id),
            ("personal_matters_reports", report.id),
        }
        entry = session.scalars(
            select(m.AuditEntry).where(m.AuditEntry.action == "import").order_by(m.AuditEntry.id.desc())
        ).first()
        assert entry is not None and "信息采集表" in (entry.summary or "")
    assert changed == expected

    # the same file again: nothing to do, nothing written, every stamp kept
    audits = audit_count(demo)
    again = collect.preview_collection(demo, returned)
    assert again.ok and again.changes == []
    assert again.summary() == "与系统中的信息相同，没有需要导入的内容。"
    result = collect.import_collection(demo, again)
    assert (result.imported, result.updated) == (0, 0)
    assert result.unchanged == sum(again.unchanged.values()) > 0
    assert snapshot(demo) == after
    assert audit_count(demo) == audits + 1  # only the import's own note


def _family_title(db: Database, member_id: int) -> str:
    with db.read() as uow:
        member = uow.session.get(m.FamilyMember, member_id)
        assert member is not None
        return f"{member.relation} {member.name}"


def test_a_blank_cell_never_clears_a_stored_value(demo: Database, made: Path, tmp_path: Path) -> None:
    book = load_workbook(made)
    cadres = book["干部基本信息"]
    ch = columns(cadres)
    row = next(r for r in range(FIRST_ROW, cadres.max_row) if cadres.cell(r, ch["联系电话"]).value)
    for label in ("联系电话", "职务", "出生年月", "性别"):
        cadres.cell(row, ch[label]).value = None
    family = book["家庭成员"]
    family.cell(FIRST_ROW, columns(family)["工作单位"]).value = None
    out = tmp_path / "清空.xlsx"
    book.save(out)
    before = snapshot(demo)
    preview = collect.preview_collection(demo, out)
    assert preview.ok and preview.changes == []
    collect.import_collection(demo, preview)
    assert snapshot(demo) == before


def test_bad_cells_are_errors_per_row_in_chinese_and_nothing_is_written(
    demo: Database, made: Path, tmp_path: Path
) -> None:
    book = load_workbook(made)
    family = book["家庭成员"]
    fh = columns(family)
    family.cell(FIRST_ROW, fh["工作单位"], "一项有效的修改")
    family.cell(FIRST_ROW + 1, fh["出生年月"], "1975-13")
    cadres = book["干部基本信息"]
    ch = columns(cadres)
    cadres.cell(FIRST_ROW, ch["职级"], "副处级")
    cadres.cell(FIRST_ROW + 2, ch["性别"], "未知")
    reports = book["个人有关事项"]
    rh = columns(reports)
    new = first_blank(reports, "年度")
    reports.cell(new, rh["干部姓名"], "查无此人")
    reports.cell(new, rh["年度"], 2020)
    out = tmp_path / "有错.xlsx"
    book.save(out)
    before, audits = snapshot(demo), audit_count(demo)

    preview = collect.preview_collection(demo, out)
    texts = [e.text() for e in preview.errors]
    assert not preview.ok
    assert f"工作表“家庭成员”第{FIRST_ROW + 1}行 出生年月：出生年月“1975-13”不是有效年月" in texts
    assert any(
        t.startswith(f"工作表“干部基本信息”第{FIRST_ROW}行 职级：“副处级”不是可选项") for t in texts
    ), texts
    assert any(
        t.startswith(f"工作表“干部基本信息”第{FIRST_ROW + 2}行 性别：“未知”不是可选项") for t in texts
    ), texts
    assert f"工作表“个人有关事项”第{new}行 干部姓名：“干部基本信息”中没有干部“查无此人”" in texts
    assert len(texts) == 4
    assert preview.summary().startswith("有4行存在错误")
    result = collect.CollectResult.of(preview)
    assert (result.imported, result.updated, result.skipped) == (0, 0, 4)
    with pytest.raises(UserError, match="未导入任何数据"):
        collect.import_collection(demo, preview)
    assert snapshot(demo) == before and audit_count(demo) == audits


def test_rows_the_unit_added_are_matched_again_on_a_second_import(
    demo: Database, made: Path, tmp_path: Path
) -> None:
    """A new cadre (with a family member of theirs in the same file) is created once."""
    book = load_workbook(made)
    cadres = book["干部基本信息"]
    ch = columns(cadres)
    row = first_blank(cadres, "姓名")
    cadres.cell(row, ch["姓名"], "韩新来")
    cadres.cell(row, ch["身份证号"], "110105199003070017")
    cadres.cell(row, ch["职务"], "科员")
    family = book["家庭成员"]
    fh = columns(family)
    new = first_blank(family, "姓名")
    family.cell(new, fh["干部姓名"], "韩新来")
    family.cell(new, fh["称谓"], "母亲")
    family.cell(new, fh["姓名"], "刘桂芳")
    out = tmp_path / "新人.xlsx"
    book.save(out)
    preview = collect.preview_collection(demo, out)
    assert preview.ok, [e.text() for e in preview.errors]
    group = next(g for g in preview.cadres if g.name == "韩新来")
    assert [(c.action, c.table) for c in group.changes] == [
        (Action.NEW, "cadres"),
        (Action.NEW, "family_members"),
    ]
    collect.import_collection(demo, preview)
    with demo.read() as uow:
        cadre = uow.session.scalars(select(m.Cadre).where(m.Cadre.name == "韩新来")).one()
        assert cadre.unit_id == unit_id(demo) and cadre.birth_date == date(1990, 3, 7)
        mother = uow.session.scalars(select(m.FamilyMember).where(m.FamilyMember.name == "刘桂芳")).one()
        assert mother.cadre_id == cadre.id
    again = collect.preview_collection(demo, out)
    assert again.ok and again.changes == []


def test_a_file_that_is_not_a_collection_workbook_is_refused(demo: Database, tmp_path: Path) -> None:
    from openpyxl import Workbook

    other = tmp_path / "花名册.xlsx"
    book = Workbook()
    assert book.active is not None
    book.active.append(["姓名", "单位"])
    book.save(other)
    with pytest.raises(UserError, match="不是本程序生成的信息采集表"):
        collect.preview_collection(demo, other)
    with pytest.raises(UserError, match=r"应为\.xlsx文件"):
        collect.preview_collection(demo, tmp_path / "x.csv")


def test_a_file_over_the_limits_is_refused(demo: Database, made: Path) -> None:
    from wsjc_desktop.limits import LimitError, Limits

    with pytest.raises(LimitError):
        collect.preview_collection(demo, made, limits=Limits(max_rows=20))


def test_making_the_workbook_is_noted_in_the_audit_log(demo: Database, tmp_path: Path) -> None:
    audits = audit_count(demo)
    made = collect.make_collection(demo, unit_id(demo), tmp_path / "a.xlsx")
    assert made.cadres > 0 and made.family_members > 0
    assert audit_count(demo) == audits + 1
    with pytest.raises(UserError, match=r"\.xlsx"):
        collect.make_collection(demo, unit_id(demo), tmp_path / "a.pdf")
    assert (
        collect.default_file_name(UNIT, datetime(2026, 6, 15).date()) == "信息采集表-区财政局-20260615.xlsx"
    )


def test_a_cadre_listed_by_the_id_number_of_another_units_cadre_moves_here(
    demo: Database, made: Path, tmp_path: Path
) -> None:
    here = unit_id(demo)
    with demo.read() as uow:
        other = uow.session.scalars(
            select(m.Cadre)
            .where(m.Cadre.unit_id != here, m.Cadre.id_number.is_not(None))
            .order_by(m.Cadre.id)
        ).first()
        assert other is not None
        old_unit = other.unit.display_name
        other_id, name, id_number = other.id, other.name, other.id_number
    book = load_workbook(made)
    cadres = book["干部基本信息"]
    ch = columns(cadres)
    row = first_blank(cadres, "姓名")
    cadres.cell(row, ch["姓名"], name)
    cadres.cell(row, ch["身份证号"], id_number)
    out = tmp_path / "调入.xlsx"
    book.save(out)
    preview = collect.preview_collection(demo, out)
    assert preview.ok
    [change] = preview.changes
    assert change.text() == f"更新干部信息“{name}”：单位 {old_unit} → {UNIT}"
    assert [w.text() for w in preview.warnings] == [
        f"工作表“干部基本信息”第{row}行 身份证号：系统中该身份证号的干部属于其他单位，导入后将调入本单位"
    ]
    collect.import_collection(demo, preview)
    with demo.read() as uow:
        moved = uow.session.get(m.Cadre, other_id)
        assert moved is not None and moved.unit_id == here
    assert collect.preview_collection(demo, out).changes == []
