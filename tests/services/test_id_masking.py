"""身份证号 on screen: one masking rule; search finds a cadre by the number and shows it masked;
the full number is read only through a call that writes an audit entry; ledgers keep it whole."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.builders import cadre, id_number, unit
from wsjc_desktop.domain.fields import CADRE
from wsjc_desktop.errors import NotFoundError
from wsjc_desktop.services import audit, auth, dossier, ledgers, records
from wsjc_desktop.services.auth import NewMember
from wsjc_desktop.services.display import display_value, mask_id_number, screen_value
from wsjc_desktop.services.search import search
from wsjc_desktop.storage.database import Database

ZHANG_ID = id_number(date(1980, 1, 1), seq=414, region="330102")  # 33010219800101414X
LI_ID = id_number(date(1975, 3, 15), seq=124, region="110105")
WANG_ID = id_number(date(1990, 7, 1), seq=211, region="110106")
ID_FIELD = CADRE.field("id_number")


# --- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("330102198001014149", "3301**********4149"),  # the usual 18: first 4 and last 4
        ("33010219800101414X", "3301**********414X"),
        ("330102800101414", "330*********414"),  # an old 15-digit number: 3 and 3
        ("33010219800101", "330********101"),  # malformed, 14: 3 and 3
        ("1234567", "1*****7"),
        ("1234", "1**4"),
        ("123", "***"),  # too short to show any of it
        ("3301021980010141491234", "3301**************1234"),  # too long: never more than 4 and 4
        ("  330102198001014149 ", "3301**********4149"),
        ("", ""),
        (None, ""),
    ],
)
def test_the_mask_keeps_at_most_a_quarter_at_each_end(value: str | None, shown: str) -> None:
    assert mask_id_number(value) == shown
    text = (value or "").strip()
    assert len(shown) == len(text)
    assert shown.count("*") * 2 >= len(text)  # at least half hidden, whatever the length


def test_the_screen_masks_only_the_id_number_and_the_full_value_stays_for_outputs() -> None:
    assert screen_value(ID_FIELD, ZHANG_ID) == "3301**********414X"
    assert display_value(ID_FIELD, ZHANG_ID) == ZHANG_ID  # ledgers, slips and the edit form
    assert screen_value(ID_FIELD, None) == "" and screen_value(ID_FIELD, "") == ""
    for name, value in (("name", "张三"), ("phone", "13800000000"), ("birth_date", date(1980, 1, 1))):
        fld = CADRE.field(name)
        assert screen_value(fld, value) == display_value(fld, value)


# --- a small office --------------------------------------------------------------------------


@pytest.fixture
def office(db: Database) -> dict[str, int]:
    """A logged-in member; 张三 and 李四 with numbers, 王五 without."""
    (member_id,) = auth.setup_group(db, "驻区财政局纪检监察组", [NewMember("王建国", "组长", "jianguo-1")])
    auth.login(db, member_id, "jianguo-1")
    finance = unit(db, "区财政局", short_name="财政局")
    education = unit(db, "区教育局", short_name="教育局")
    return {
        "member": member_id,
        "finance": finance,
        "education": education,
        "zhang": cadre(db, finance, "张三", position="科员", id_number=ZHANG_ID),
        "li": cadre(db, education, "李四", id_number=LI_ID),
        "wang": cadre(db, finance, "王五"),
    }


def hit_texts(db: Database, query: str) -> list[tuple[str, str]]:
    return [(hit.title, hit.subtitle) for hit in search(db, query, kinds=["cadres"])]


# --- search ----------------------------------------------------------------------------------


def test_search_finds_a_cadre_by_the_whole_number_and_shows_it_masked(
    db: Database, office: dict[str, int]
) -> None:
    hits = search(db, ZHANG_ID)
    assert [(h.kind, h.record_id) for h in hits] == [("cadres", office["zhang"])]
    assert hits[0].subtitle == "财政局 · 科员 · 身份证号 3301**********414X"
    assert hits[0].score == 1.0  # the whole number names the person
    assert hit_texts(db, ZHANG_ID.lower()) == [("张三", "财政局 · 科员 · 身份证号 3301**********414X")]


def test_search_finds_a_cadre_by_part_of_the_number(db: Database, office: dict[str, int]) -> None:
    assert hit_texts(db, "414x") == [("张三", "财政局 · 科员 · 身份证号 3301**********414X")]
    assert hit_texts(db, LI_ID[-4:]) == [("李四", f"教育局 · 身份证号 {mask_id_number(LI_ID)}")]
    both = {title for title, _line in hit_texts(db, "19")}
    assert both == set()  # two digits: not read as a number
    assert {title for title, _line in hit_texts(db, "0101")} == {"张三"}  # 1980-01-01
    assert search(db, LI_ID[:6], kinds=["units"]) == []  # only cadres carry numbers
    for query in (ZHANG_ID, "414x", LI_ID[6:14]):
        for hit in search(db, query):
            assert ZHANG_ID not in hit.subtitle + hit.title and LI_ID not in hit.subtitle + hit.title


def test_search_by_number_leaves_out_the_recycle_bin(db: Database, office: dict[str, int]) -> None:
    records.delete(db, "cadres", office["zhang"])
    assert search(db, ZHANG_ID) == []
    records.restore(db, "cadres", office["zhang"])
    assert [h.record_id for h in search(db, ZHANG_ID)] == [office["zhang"]]


def test_the_dossier_filter_finds_a_cadre_by_number(db: Database, office: dict[str, int]) -> None:
    found = dossier.matching_cadres(db, ZHANG_ID[-6:])
    assert {unit_id: [c[1] for c in cadres] for unit_id, cadres in found.items()} == {
        office["finance"]: ["张三"]
    }


# --- showing the full number -----------------------------------------------------------------


def test_the_full_number_is_read_through_an_audited_call(db: Database, office: dict[str, int]) -> None:
    before = audit.count(db)
    assert dossier.full_id_number(db, office["zhang"]) == ZHANG_ID
    assert audit.count(db) == before + 1
    (entry,) = audit.query(db, limit=1)
    assert entry.action is audit.ID_NUMBER_VIEW
    assert entry.member_id == office["member"] and entry.member_name == "王建国"
    assert (entry.table_name, entry.record_id) == ("cadres", office["zhang"])
    assert entry.summary == "查看完整身份证号：张三（财政局）"
    assert entry.object_text == f"监察对象 #{office['zhang']} 张三"
    assert audit.query(db, text="查看完整身份证号") == [entry]

    # a cadre without a number: nothing to show, nothing logged
    assert dossier.full_id_number(db, office["wang"]) is None
    assert audit.count(db) == before + 1
    records.delete(db, "cadres", office["li"])
    with pytest.raises(NotFoundError):
        dossier.full_id_number(db, office["li"])


def test_the_audit_viewer_masks_a_number_and_its_export_keeps_it(
    db: Database, office: dict[str, int], tmp_path: Path
) -> None:
    records.update(db, "cadres", office["wang"], {"id_number": WANG_ID})
    (change,) = audit.query(db, table="cadres", limit=1)
    names = dict(audit.members(db))
    shown = {label: (was, now) for label, was, now, _changed in audit.details(change, names)}
    assert shown["身份证号"] == ("", mask_id_number(WANG_ID))

    out = tmp_path / "audit.xlsx"
    audit.export_log(db, out, table="cadres")
    cells = [str(c.value) for row in load_workbook(out).active.iter_rows() for c in row if c.value]
    assert any(WANG_ID in cell for cell in cells)  # a deliberate output: the number in full


def test_the_roster_ledger_keeps_the_full_number(db: Database, office: dict[str, int]) -> None:
    sheet = ledgers.ledger_sheet(db, "cadres")
    column = [c.header for c in sheet.columns].index("身份证号")
    assert sorted(str(row[column]) for row in sheet.rows if row[column]) == sorted([ZHANG_ID, LI_ID])
