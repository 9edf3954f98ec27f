"""The roster import's fast paths give what the plain ones gave.

* ``clean_row`` with a cache shared by the rows of a file gives the rows it gives without one
  (1, 1.0, True and "1" are different cells, and so are their messages);
* ``bulk.bulk_insert`` stores exactly what ``session.execute(insert(table), rows)`` stores;
* each imported cadre gets its own 新建 audit entry, id and uid matching;
* the cycle collector is paused only for the duration of a bulk step.
"""

from __future__ import annotations

import gc
import json
import sqlite3
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import insert, select

from tests.support.builders import id_number
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import AuditAction, CadreRank, Gender
from wsjc_desktop.excel.roster import LABELS, RawRow
from wsjc_desktop.services import bulk, roster_import
from wsjc_desktop.services.roster_import import (
    ParseCache,
    clean_row,
    import_roster,
    new_cadre,
    preview_roster,
)
from wsjc_desktop.storage.database import Database, open_database

CADRES_TABLE: Any = m.Cadre.__table__

ID_A = id_number(date(1975, 3, 1), seq=13)

cells = st.one_of(
    st.none(),
    st.sampled_from(
        [1, 1.0, True, False, 0, "1", "是", "否", "男", "女", "1975.03", 1975.03, 1975.1, 197503, "197503"]
    ),
    st.sampled_from(["区财政局", " 区 财政局 ", "科级", "处级", "厅级", "一般干部", "副科", "汉族", ""]),
    st.sampled_from([ID_A, ID_A.lower(), float(ID_A[:17]), int(ID_A[:17]), "1.10105E+17", "13800000000"]),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.times(),
    st.text(max_size=6),
    st.integers(),
    st.floats(allow_nan=True),
)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.dictionaries(st.sampled_from(list(LABELS)), cells, max_size=8), max_size=12))
def test_a_shared_cache_changes_nothing(rows: list[dict[str, Any]]) -> None:
    cache: ParseCache = {}
    for number, raw in enumerate(rows, start=3):
        alone = clean_row(RawRow(number, raw))
        shared = clean_row(RawRow(number, raw), cache)
        again = clean_row(RawRow(number, raw), cache)  # from the cache this time
        for row in (shared, again):
            assert (row.values, row.errors, row.warnings, row.parsed) == (
                alone.values,
                alone.errors,
                alone.warnings,
                alone.parsed,
            )
            assert [type(x) for x in row.values.values()] == [type(x) for x in alone.values.values()]


def test_equal_cells_of_different_types_keep_their_own_outcomes() -> None:
    cache: ParseCache = {}
    outcomes = [
        clean_row(RawRow(3, {"name": "甲", "unit": "局", "id_number": cell, "is_leader": cell}), cache)
        for cell in (1, 1.0, True, "1")
    ]
    assert outcomes == [
        clean_row(RawRow(3, {"name": "甲", "unit": "局", "id_number": cell, "is_leader": cell}))
        for cell in (1, 1.0, True, "1")
    ]
    assert outcomes[0].warnings != outcomes[3].warnings  # a number lost its digits; a text is too short


def test_bulk_insert_stores_what_sqlalchemy_stores(tmp_path: Path) -> None:
    values = [
        {"name": "张三", "gender": Gender.MALE, "birth_date": date(1975, 3, 1), "rank": CadreRank.SECTION},
        {"name": "李四", "is_leader": True, "is_top_leader": True, "id_number": ID_A, "note": "多\n行"},
        {"name": "王五", "party_join_date": date(2000, 7, 1), "phone": "13800000000"},
    ]
    stored = []
    for how in ("sqlalchemy", "bulk"):
        db = open_database(tmp_path / f"{how}.db")
        try:
            with db.uow() as uow:
                unit = m.Unit(full_name="区财政局", unit_type=next(iter(roster_import.UnitType)))
                uow.session.add(unit)
                uow.session.flush()
                stamp = datetime(2026, 1, 2, 3, 4, 5, 678901)
                rows = [
                    {**new_cadre(v, unit.id), "uid": f"uid-{i}", "created_at": stamp, "updated_at": stamp}
                    for i, v in enumerate(values)
                ]
                rows[1]["deleted_at"] = datetime(2026, 2, 3, 4, 5, 6)
                for row in rows:
                    row.update(created_by_id=None, updated_by_id=None)
                if how == "bulk":
                    columns = {key: [row[key] for row in rows] for key in rows[0]}
                    bulk.bulk_insert(uow.session, CADRES_TABLE, columns)
                else:
                    uow.session.execute(insert(CADRES_TABLE), rows)
                uow.commit()
        finally:
            db.dispose()
        con = sqlite3.connect(tmp_path / f"{how}.db")
        stored.append(con.execute("SELECT * FROM cadres ORDER BY id").fetchall())
        con.close()
    assert stored[0] == stored[1]
    assert len(stored[0]) == 3


def test_each_imported_cadre_has_its_own_create_entry(db: Database, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "单位", "性别", "出生年月", "身份证号", "职级", "是否一把手"])
    sheet.append(["张三", "区财政局", "男", "1975.03", ID_A, "科级", "是"])
    sheet.append(["李四", "区审计局", "女", "1980.1", None, "处级", "否"])
    sheet.append(["王五", "区财政局", None, None, None, None, None])
    path = tmp_path / "r.xlsx"
    book.save(path)
    result = import_roster(db, preview_roster(db, path))
    assert result.imported == 3
    with db.read() as uow:
        cadres = {c.id: c for c in uow.session.scalars(select(m.Cadre))}
        entries = list(
            uow.session.scalars(
                select(m.AuditEntry).where(
                    m.AuditEntry.action == AuditAction.CREATE, m.AuditEntry.table_name == "cadres"
                )
            )
        )
        assert sorted(e.record_id for e in entries) == sorted(cadres)
        for entry in entries:
            cadre = cadres[entry.record_id]
            after = json.loads(entry.after or "")
            assert entry.record_uid == cadre.uid == after["uid"]
            assert after["id"] == cadre.id and after["name"] == cadre.name
            assert after["unit_id"] == cadre.unit_id
            assert after["birth_date"] == (cadre.birth_date.isoformat() if cadre.birth_date else None)
            assert after["gender"] == (cadre.gender.value if cadre.gender else None)
            assert after["is_leader"] == cadre.is_leader
        zhang = next(c for c in cadres.values() if c.name == "张三")
        assert (zhang.is_leader, zhang.is_top_leader, zhang.rank) == (True, True, CadreRank.SECTION)
        assert zhang.id_number == ID_A and zhang.created_at == zhang.updated_at
        assert isinstance(zhang.created_at, datetime) and not isinstance(zhang.birth_date, datetime)


def test_the_collector_is_paused_only_while_a_step_runs(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []
    real = roster_import.read_roster

    def spy(path: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(path, **kwargs)

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "单位"])
    sheet.append(["张三", "区财政局"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    assert gc.isenabled()
    monkeypatch.setattr(roster_import, "read_roster", spy)
    preview_roster(db, path)
    assert seen == [False]
    assert gc.isenabled()

    def failing(path: Any, **kwargs: Any) -> Any:
        raise OSError("磁盘已满")

    monkeypatch.setattr(roster_import, "read_roster", failing)
    with pytest.raises(OSError):
        preview_roster(db, path)
    monkeypatch.setattr(roster_import, "read_roster", real)
    assert gc.isenabled()
    gc.disable()
    try:
        preview_roster(db, path)
        assert not gc.isenabled()  # a caller's pause is left alone
    finally:
        gc.enable()


def test_time_values_keep_their_type_through_the_cache() -> None:
    cache: ParseCache = {}
    row = clean_row(RawRow(3, {"name": "甲", "unit": "局", "birth_date": time(0, 0)}), cache)
    assert row == clean_row(RawRow(3, {"name": "甲", "unit": "局", "birth_date": time(0, 0)}))
