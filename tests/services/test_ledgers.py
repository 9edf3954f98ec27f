"""Every ledger exported from a demo database, read back with openpyxl and checked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from tests.support.builders import cadre, unit
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.domain.fields import CADRE, spec_for
from wsjc_desktop.errors import UserError
from wsjc_desktop.excel.writer import DATE_FORMAT
from wsjc_desktop.services import records
from wsjc_desktop.services.demo import generate_demo
from wsjc_desktop.services.ledgers import LEDGERS, export_ledger, find_unit, ledger_file_name
from wsjc_desktop.services.records import RecordFilter
from wsjc_desktop.storage.database import Database, open_database

TODAY = date(2026, 6, 15)
YEAR = 2026

TITLES = {
    "units": "监督单位",
    "cadres": "监察对象花名册",
    "notices": "廉情提醒及整改台账",
    "meetings": "列席会议台账",
    "talks": "谈话台账",
    "opinions": "党风廉政意见回复台账",
    "clues": "问题线索台账",
    "inspections": "监督检查台账",
    "problems": "问题发现台账",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = open_database(tmp_path_factory.mktemp("ledgers") / "demo.db")
    generate_demo(database, scale=1, seed=1)
    yield database
    database.dispose()


def read(path: Path) -> Worksheet:
    ws = load_workbook(path).active
    assert isinstance(ws, Worksheet)
    return ws


def data_rows(ws: Worksheet) -> list[tuple[object, ...]]:
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=3)]


def expected_headers(key: str) -> list[str]:
    return list(LEDGERS[key].headers)


@pytest.mark.parametrize("key", list(TITLES))
def test_every_ledger(demo: Database, tmp_path: Path, key: str) -> None:
    out = tmp_path / f"{key}.xlsx"
    ledger = LEDGERS[key]
    year = YEAR if ledger.dated else None
    written = export_ledger(demo, key, out, year=year, today=TODAY)

    expected = records.count(demo, ledger.spec.table, RecordFilter(year=year, today=TODAY))
    assert written == expected > 0
    ws = read(out)
    assert ws["A1"].value == (f"{TITLES[key]}（{YEAR}年）" if year else TITLES[key])
    headers = [c.value for c in ws[2]]
    assert headers == expected_headers(key)
    rows = data_rows(ws)
    assert len(rows) == written
    assert [r[0] for r in rows] == list(range(1, written + 1))
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == f"A2:{ws.cell(2, len(headers)).column_letter}{written + 2}"
    assert ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage

    date_columns = [i for i, c in enumerate(ws[2], start=1) if c.value in _date_labels(key)]
    for column in date_columns:
        cells = [ws.cell(r, column) for r in range(3, written + 3)]
        filled = [c for c in cells if c.value is not None]
        for cell in filled:
            assert isinstance(cell.value, datetime) and cell.is_date
            assert cell.number_format == DATE_FORMAT
    if ledger.spec.date_field:
        column = headers.index(ledger.spec.field(ledger.spec.date_field).label) + 1
        dated = [ws.cell(r, column).value for r in range(3, written + 3)]
        assert any(dated), "a dated ledger has dates"
        assert all(d.year == YEAR for d in dated if isinstance(d, datetime))
        assert [d for d in dated if d] == sorted(d for d in dated if d)  # oldest first


def _date_labels(key: str) -> set[str]:
    ledger = LEDGERS[key]
    labels = {f.label for f in ledger.fields if f.kind.value == "date"}
    return labels | {c.header for c in ledger.extra if c.kind.value == "date"}


def test_values_read_as_on_screen(demo: Database, tmp_path: Path) -> None:
    """Enum labels, 是/否, names for ids, 、-joined talk partners and their count."""
    out = tmp_path / "talks.xlsx"
    export_ledger(demo, "talks", out, year=YEAR, today=TODAY)
    ws = read(out)
    headers = [c.value for c in ws[2]]
    rows = data_rows(ws)
    kinds = {r[headers.index("谈话类型")] for r in rows}
    assert "廉政谈话" in kinds
    assert not any(str(k).isascii() for k in kinds)  # labels, never the stored codes
    people = rows[0][headers.index("谈话对象")]
    count = rows[0][headers.index("人次")]
    assert isinstance(people, str) and isinstance(count, int)
    assert len(people.split("、")) == count

    # the talk's partners as the records service has them
    ids = records.list_ids(demo, "talks", RecordFilter(year=YEAR, sort="held_on", today=TODAY))
    first = records.get(demo, "talks", ids[0])
    with demo.read() as uow:
        names = [uow.session.get(m.Cadre, i).name for i in first["cadre_ids"]]  # type: ignore[union-attr]
    assert people == "、".join(names)

    export_ledger(demo, "units", tmp_path / "units.xlsx")
    ws = read(tmp_path / "units.xlsx")
    headers = [c.value for c in ws[2]]
    assert {r[headers.index("在监督范围")] for r in data_rows(ws)} <= {"是", "否"}


def test_notices_carry_their_rectification(demo: Database, tmp_path: Path) -> None:
    out = tmp_path / "notices.xlsx"
    export_ledger(demo, "notices", out, year=YEAR, today=TODAY)
    ws = read(out)
    headers = [c.value for c in ws[2]]
    rows = data_rows(ws)
    with demo.read() as uow:
        fed_back = {
            n
            for (n,) in uow.session.execute(
                select(m.Rectification.notice_id).where(m.Rectification.deleted_at.is_(None))
            )
        }
        numbers = {
            n.doc_number: n.id for n in uow.session.scalars(select(m.AlertNotice)) if n.doc_number is not None
        }
    with_feedback = [r for r in rows if numbers.get(str(r[headers.index("文号")])) in fed_back]
    assert with_feedback
    for row in with_feedback:
        assert isinstance(row[headers.index("反馈日期")], datetime)
        assert row[headers.index("整改措施")]
        assert row[headers.index("整改状态")]
    assert {r[headers.index("是否逾期")] for r in rows} <= {"是", "否", None}


def test_meetings_carry_their_opinions(demo: Database, tmp_path: Path) -> None:
    out = tmp_path / "meetings.xlsx"
    export_ledger(demo, "meetings", out, year=YEAR, today=TODAY)
    ws = read(out)
    headers = [c.value for c in ws[2]]
    rows = data_rows(ws)
    with demo.read() as uow:
        total = len(
            uow.session.scalars(
                select(m.MeetingOpinion.id)
                .join(m.Meeting)
                .where(
                    m.MeetingOpinion.deleted_at.is_(None),
                    m.Meeting.deleted_at.is_(None),
                    m.Meeting.held_on.between(date(YEAR, 1, 1), date(YEAR, 12, 31)),
                )
            ).all()
        )
    counts = [r[headers.index("意见建议条数")] for r in rows]
    assert all(isinstance(c, int) for c in counts)
    assert sum(c for c in counts if isinstance(c, int)) == total > 0
    for row, n in zip(rows, counts, strict=True):
        text = row[headers.index("意见建议")]
        assert (text is None) == (n == 0)
        if isinstance(n, int) and n > 1:
            assert str(text).startswith("1. ") and f"\n{n}. " in str(text)


def test_year_and_unit_filters(demo: Database, tmp_path: Path) -> None:
    unit_id = records.list_ids(demo, "units")[1]
    name = records.get(demo, "units", unit_id)
    assert find_unit(demo, name["full_name"]) == unit_id
    if name["short_name"]:
        assert find_unit(demo, name["short_name"]) == unit_id
    for key in ("talks", "notices", "meetings", "cadres", "opinions", "clues"):
        table = LEDGERS[key].spec.table
        out = tmp_path / f"{key}-unit.xlsx"
        written = export_ledger(demo, key, out, year=YEAR, unit_id=unit_id, today=TODAY)
        year = YEAR if LEDGERS[key].dated else None
        assert written == records.count(demo, table, RecordFilter(year=year, unit_id=unit_id, today=TODAY))
        everything = records.count(demo, table, RecordFilter(year=year, today=TODAY))
        assert written < everything, key
        assert str(read(out)["A1"].value).startswith(LEDGERS[key].title + "（")
    written = export_ledger(demo, "talks", tmp_path / "2025.xlsx", year=2025, today=TODAY)
    assert written == records.count(demo, "talks", RecordFilter(year=2025))
    assert read(tmp_path / "2025.xlsx")["A1"].value == "谈话台账（2025年）"
    whole = export_ledger(demo, "talks", tmp_path / "all.xlsx", today=TODAY)
    assert whole == records.count(demo, "talks") > written


def test_formula_looking_names_stay_text(db: Database, tmp_path: Path) -> None:
    evil = unit(db, '=HYPERLINK("http://x","点我")')
    plus = unit(db, "+1")
    cadre(db, evil, "-2+3")
    cadre(db, plus, "@SUM(A1)")
    export_ledger(db, "units", tmp_path / "units.xlsx")
    export_ledger(db, "cadres", tmp_path / "cadres.xlsx")
    units = read(tmp_path / "units.xlsx")
    assert [(c.value, c.data_type) for c in (units["B3"], units["B4"])] == [
        ('=HYPERLINK("http://x","点我")', "s"),
        ("+1", "s"),
    ]
    cadres = read(tmp_path / "cadres.xlsx")
    headers = [c.value for c in cadres[2]]
    name_col, unit_col = headers.index("姓名") + 1, headers.index(CADRE.field("unit_id").label) + 1
    cells = [cadres.cell(r, c) for r in (3, 4) for c in (name_col, unit_col)]
    assert [c.value for c in cells] == ["-2+3", '=HYPERLINK("http://x","点我")', "@SUM(A1)", "+1"]
    assert all(c.data_type == "s" for c in cells)


def test_export_is_audited_and_works_read_only(db: Database, db_path: Path, tmp_path: Path) -> None:
    unit(db, "区财政局")
    assert export_ledger(db, "units", tmp_path / "a.xlsx") == 1
    with db.read() as uow:
        entries = list(
            uow.session.scalars(select(m.AuditEntry).where(m.AuditEntry.action == AuditAction.EXPORT))
        )
    assert len(entries) == 1
    assert entries[0].table_name == "units" and "监督单位" in (entries[0].summary or "")
    db.dispose()
    readonly = open_database(db_path, readonly=True)
    try:
        assert export_ledger(readonly, "units", tmp_path / "b.xlsx") == 1
    finally:
        readonly.dispose()


def test_unknown_ledger_and_unit_are_user_errors(db: Database, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="台账"):
        export_ledger(db, "bogus", tmp_path / "x.xlsx")
    with pytest.raises(UserError, match="没有找到"):
        find_unit(db, "不存在的单位")
    assert not (tmp_path / "x.xlsx").exists()


def test_default_file_names() -> None:
    assert ledger_file_name("talks", 2026) == "谈话台账-2026.xlsx"
    assert ledger_file_name("talks", 2026, "区财政局") == "谈话台账-区财政局-2026.xlsx"
    assert ledger_file_name("units", 2026) == "监督单位.xlsx"
    assert spec_for("talks") is LEDGERS["talks"].spec
