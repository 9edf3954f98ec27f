"""Search across all records: 1, 2 and 3+ character queries, pinyin, ranking, recycle bin."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from wsjc_desktop.domain.enums import MeetingType, NoticeKind, TalkKind
from wsjc_desktop.domain.models import AlertNotice, Cadre, Meeting, Member, Record, Talk, Unit
from wsjc_desktop.services.search import KIND_LABELS, SearchHit, pinyin_keys, search
from wsjc_desktop.storage import migrate, search_index
from wsjc_desktop.storage.database import Database, open_database


@dataclass
class Ids:
    finance: int  # 区财政局
    education: int  # 区教育局
    zhang_san: int  # 张三, 财政局 科长
    zhang_sanfeng: int  # 张三丰, 教育局 副局长
    li_si: int  # 李四, 财政局 办公室主任
    zeng: int  # 曾国藩, 教育局
    notice: int
    meeting: int
    talk: int


@pytest.fixture
def ids(db: Database) -> Ids:
    with db.uow() as uow:
        s = uow.session
        finance = Unit(full_name="区财政局", short_name="财政局")
        education = Unit(full_name="区教育局", short_name="教育局")
        zhang_san = Cadre(name="张三", unit=finance, position="科长")
        zhang_sanfeng = Cadre(name="张三丰", unit=education, position="副局长")
        li_si = Cadre(name="李四", unit=finance, position="办公室主任")
        zeng = Cadre(name="曾国藩", unit=education, position="干部")
        notice = AlertNotice(
            kind=NoticeKind.COPY_NOTICE,
            doc_number="驻区纪〔2026〕3号",
            unit=finance,
            cadre_id=None,
            title="关于公车私用问题的廉情抄告",
            problems="发现违规发放津贴补贴问题。",
        )
        meeting = Meeting(
            unit=education,
            held_on=date(2026, 3, 5),
            meeting_type=MeetingType.DEMOCRATIC_LIFE,
            title="2025年度民主生活会",
            topics="讨论三重一大事项\n审议采购预算",
        )
        talk = Talk(
            kind=TalkKind.INTEGRITY,
            held_on=date(2026, 3, 6),
            location="第三会议室",
            reason="新任职廉政提醒",
            cadres=[zhang_san, li_si],
        )
        s.add_all([finance, education, zhang_san, zhang_sanfeng, li_si, zeng, notice, meeting, talk])
        s.flush()
        notice.cadre_id = li_si.id
        uow.commit()
    return Ids(
        finance.id,
        education.id,
        zhang_san.id,
        zhang_sanfeng.id,
        li_si.id,
        zeng.id,
        notice.id,
        meeting.id,
        talk.id,
    )


def keys(hits: list[SearchHit]) -> list[tuple[str, int]]:
    return [(h.kind, h.record_id) for h in hits]


def found(db: Database, query: str, *, kinds: Collection[str] | None = None) -> set[tuple[str, int]]:
    return set(keys(search(db, query, kinds=kinds)))


def edit(db: Database, model: type[Record], record_id: int, **values: object) -> None:
    with db.uow() as uow:
        obj = uow.session.get(model, record_id)
        assert obj is not None
        for name, value in values.items():
            setattr(obj, name, value)
        uow.commit()


# --- what each length of query finds -----------------------------------------------------


@pytest.mark.parametrize(
    ("query", "kind", "attr"),
    [
        ("财", "units", "finance"),  # in a unit name
        ("丰", "cadres", "zhang_sanfeng"),  # in a name
        ("科", "cadres", "zhang_san"),  # in a position
        ("抄", "alert_notices", "notice"),  # in a notice title
        ("民", "meetings", "meeting"),  # in a meeting title
        ("谈", "talks", "talk"),  # in the talk's kind label
        ("教育", "units", "education"),
        ("三丰", "cadres", "zhang_sanfeng"),
        ("李四", "cadres", "li_si"),
        ("3号", "alert_notices", "notice"),  # part of the 文号
        ("私用", "alert_notices", "notice"),
        ("生活", "meetings", "meeting"),
        ("李四", "talks", "talk"),  # a cadre named on the talk
        ("会议", "talks", "talk"),  # its location
        ("区财政局", "units", "finance"),
        ("办公室主任", "cadres", "li_si"),
        ("财政局", "cadres", "zhang_san"),  # the cadre's unit
        ("津贴补贴", "alert_notices", "notice"),  # the problems found, long text
        ("〔2026〕", "alert_notices", "notice"),
        ("李四", "alert_notices", "notice"),  # the cadre the notice is about
        ("三重一大", "meetings", "meeting"),  # a topic, long text
        ("民主生活会", "meetings", "meeting"),
        ("新任职", "talks", "talk"),  # the reason
        ("第三会议室", "talks", "talk"),
        ("廉政谈话：张三", "talks", "talk"),
    ],
)
def test_queries_of_every_length_find_every_kind(
    db: Database, ids: Ids, query: str, kind: str, attr: str
) -> None:
    assert (kind, getattr(ids, attr)) in found(db, query)


def test_no_false_positives(db: Database, ids: Ids) -> None:
    assert search(db, "王") == []
    assert search(db, "王五") == []
    assert search(db, "王五六") == []
    assert found(db, "丰") == {("cadres", ids.zhang_sanfeng)}
    assert found(db, "三重一大") == {("meetings", ids.meeting)}


def test_hits_are_typed_and_labelled(db: Database, ids: Ids) -> None:
    hit = search(db, "张三丰")[0]
    assert hit == SearchHit("cadres", ids.zhang_sanfeng, "张三丰", "教育局 · 副局长", 1.0)
    assert hit.kind_label == KIND_LABELS["cadres"] == "监察对象"
    assert list(KIND_LABELS) == [
        "units",
        "cadres",
        "alert_notices",
        "meetings",
        "talks",
        "inspections",
        "problems",
    ]
    talk = next(h for h in search(db, "第三会议室") if h.kind == "talks")
    assert talk.title == "廉政谈话：张三、李四"
    assert talk.subtitle == "2026-03-06 · 第三会议室"


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "\u3000"])
def test_empty_query_finds_nothing(db: Database, ids: Ids, query: str) -> None:
    assert search(db, query) == []


@pytest.mark.parametrize(
    "query", ['"', '"张三', '张三" OR "李四', "%", "_", "张%", "%三%", "a*", "NEAR(张三 李四)", "^张三"]
)
def test_query_syntax_is_taken_literally(db: Database, ids: Ids, query: str) -> None:
    assert search(db, query) == []


def test_quotes_and_wildcards_match_themselves(db: Database, ids: Ids) -> None:
    with db.uow() as uow:
        unit = Unit(full_name='100%"达标"_单位')
        uow.session.add(unit)
        uow.commit()
    for query in ["%", "0%", '"达标"', '%"达', "_单位", '100%"达标"_单位']:
        assert found(db, query) == {("units", unit.id)}, query


# --- pinyin ------------------------------------------------------------------------------


def test_pinyin_keys() -> None:
    assert pinyin_keys("张三") == ("zhangsan", "zs")
    assert pinyin_keys(" 欧阳修 ") == ("ouyangxiu", "oyx")
    assert pinyin_keys("李A") == ("lia", "la")
    assert pinyin_keys("阿卜杜·热合曼") == ("abodureheman", "abdrhm")
    assert pinyin_keys("") == ("", "")


@pytest.mark.parametrize("query", ["zs", "ZS", "zhangsan", "zhangs", "ZhangSan", "zhang san"])
def test_pinyin_finds_a_cadre(db: Database, ids: Ids, query: str) -> None:
    assert ("cadres", ids.zhang_san) in found(db, query)


def test_pinyin_exact_before_prefix(db: Database, ids: Ids) -> None:
    hits = search(db, "zhangsan")
    assert keys(hits)[:2] == [("cadres", ids.zhang_san), ("cadres", ids.zhang_sanfeng)]
    assert hits[0].score > hits[1].score
    assert keys(search(db, "zsf")) == [("cadres", ids.zhang_sanfeng)]
    assert found(db, "ls") == {("cadres", ids.li_si)}


def test_pinyin_knows_surname_readings(db: Database, ids: Ids) -> None:
    assert found(db, "zengguofan") == {("cadres", ids.zeng)}
    assert found(db, "cengguofan") == {("cadres", ids.zeng)}  # what lazy_pinyin says
    assert found(db, "zgf") == {("cadres", ids.zeng)}


def test_pinyin_follows_a_rename(db: Database, ids: Ids) -> None:
    edit(db, Cadre, ids.zhang_san, name="王五")
    assert ("cadres", ids.zhang_san) not in found(db, "zs")
    assert ("cadres", ids.zhang_san) in found(db, "ww")


# --- ranking and filters -----------------------------------------------------------------


def test_exact_then_prefix_then_title_then_elsewhere(db: Database, ids: Ids) -> None:
    hits = search(db, "张三")
    assert keys(hits) == [
        ("cadres", ids.zhang_san),  # the name itself
        ("cadres", ids.zhang_sanfeng),  # the name starts with it
        ("talks", ids.talk),  # inside the talk's title
    ]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].score > hits[1].score > hits[2].score


def test_ranking_of_longer_queries(db: Database, ids: Ids) -> None:
    hits = search(db, "区财政局")
    assert keys(hits) == [
        ("units", ids.finance),  # exact title
        ("cadres", ids.zhang_san),  # in the body, cadres before notices, then by name
        ("cadres", ids.li_si),
        ("alert_notices", ids.notice),
    ]
    assert hits[0].score == 1.0 and {h.score for h in hits[1:]} == {0.25}
    assert keys(search(db, "关于公车"))[0] == ("alert_notices", ids.notice)
    assert search(db, "关于公车")[0].score == 0.75  # a prefix of the title


def test_tier_comes_before_kind(db: Database, ids: Ids) -> None:
    with db.uow() as uow:
        for title in ("财政", "财政局"):
            uow.session.add(
                Meeting(
                    unit_id=ids.education,
                    held_on=date(2026, 2, 1),
                    meeting_type=MeetingType.SPECIAL_TOPIC,
                    title=title,
                )
            )
        uow.commit()
    for query in ("财政", "财政局"):  # the gram path and the full-text path
        hits = search(db, query)
        assert (hits[0].kind, hits[0].title, hits[0].score) == ("meetings", query, 1.0)
        assert search(db, query, limit=1) == hits[:1]  # the database, not only Python, ranks
        order = keys(hits)
        assert order.index(("units", ids.finance)) < order.index(("cadres", ids.zhang_san))
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_ties_go_by_kind_then_title(db: Database, ids: Ids) -> None:
    # "局" is in both unit titles (tier 2) and elsewhere in every cadre, notice, meeting.
    hits = search(db, "局")
    assert keys(hits)[:2] == [("units", ids.education), ("units", ids.finance)]  # 教 U+6559 < 财 U+8D22
    kinds = [h.kind for h in hits[2:]]
    assert kinds == sorted(kinds, key=list(KIND_LABELS).index)
    cadre_titles = [h.title for h in hits if h.kind == "cadres"]
    assert cadre_titles == sorted(cadre_titles)


def test_limit(db: Database, ids: Ids) -> None:
    full = search(db, "局")
    assert len(full) > 3
    assert search(db, "局", limit=3) == full[:3]
    assert search(db, "区财政局", limit=2) == search(db, "区财政局")[:2]
    assert search(db, "局", limit=0) == []


def test_kinds_filter(db: Database, ids: Ids) -> None:
    assert found(db, "张三", kinds=["talks"]) == {("talks", ids.talk)}
    assert found(db, "区财政局", kinds={"alert_notices", "units"}) == {
        ("units", ids.finance),
        ("alert_notices", ids.notice),
    }
    assert found(db, "zs", kinds=["units"]) == set()
    assert search(db, "张三", kinds=[]) == []
    with pytest.raises(ValueError, match="members"):
        search(db, "张三", kinds=["members"])


# --- keeping the index current ---------------------------------------------------------


def test_recycle_bin_hides_and_restore_brings_back(db: Database, ids: Ids) -> None:
    for query in ("三丰", "张三丰", "zsf"):
        assert ("cadres", ids.zhang_sanfeng) in found(db, query)
    edit(db, Cadre, ids.zhang_sanfeng, deleted_at=datetime.now())
    for query in ("三丰", "张三丰", "zsf"):
        assert ("cadres", ids.zhang_sanfeng) not in found(db, query)
    edit(db, Cadre, ids.zhang_sanfeng, deleted_at=None)
    for query in ("三丰", "张三丰", "zsf"):
        assert ("cadres", ids.zhang_sanfeng) in found(db, query)


@pytest.mark.parametrize(
    ("model", "attr", "query"),
    [
        (Unit, "education", "教育"),
        (AlertNotice, "notice", "津贴补贴"),
        (Meeting, "meeting", "三重一大"),
        (Talk, "talk", "第三会议室"),
    ],
)
def test_every_kind_leaves_and_returns_with_the_recycle_bin(
    db: Database, ids: Ids, model: type[Record], attr: str, query: str
) -> None:
    key = (model.__tablename__, getattr(ids, attr))
    assert key in found(db, query)
    edit(db, model, key[1], deleted_at=datetime.now())
    assert key not in found(db, query)
    edit(db, model, key[1], deleted_at=None)
    assert key in found(db, query)


def test_a_deleted_unit_takes_its_records_along(db: Database, ids: Ids) -> None:
    assert {("cadres", ids.zhang_san), ("alert_notices", ids.notice)} <= found(db, "财政局")
    edit(db, Unit, ids.finance, deleted_at=datetime.now())
    assert found(db, "财政局") == set()
    assert found(db, "张三") == {("cadres", ids.zhang_sanfeng)}  # not the talk: its cadres are gone
    edit(db, Unit, ids.finance, deleted_at=None)
    assert {("units", ids.finance), ("cadres", ids.zhang_san), ("alert_notices", ids.notice)} <= found(
        db, "财政局"
    )
    assert ("talks", ids.talk) in found(db, "张三")


def test_a_notice_does_not_name_a_cadre_of_a_deleted_unit(db: Database, ids: Ids) -> None:
    edit(db, AlertNotice, ids.notice, unit_id=ids.education)
    assert ("alert_notices", ids.notice) in found(db, "李四")
    edit(db, Unit, ids.finance, deleted_at=datetime.now())
    assert found(db, "李四") == set()
    assert found(db, "津贴补贴") == {("alert_notices", ids.notice)}


def test_renaming_a_unit_updates_its_cadres(db: Database, ids: Ids) -> None:
    edit(db, Unit, ids.finance, full_name="区审计局", short_name="审计局")
    assert found(db, "财政") == set()
    assert {("units", ids.finance), ("cadres", ids.zhang_san), ("cadres", ids.li_si)} <= found(db, "审计局")
    assert search(db, "张三")[0].subtitle == "审计局 · 科长"


def test_renaming_a_cadre_updates_its_talks(db: Database, ids: Ids) -> None:
    assert ("talks", ids.talk) in found(db, "李四")
    edit(db, Cadre, ids.li_si, name="李思思")
    assert found(db, "李四") == set()  # neither the cadre, the talk nor the notice
    assert found(db, "李思思") == {("cadres", ids.li_si), ("talks", ids.talk), ("alert_notices", ids.notice)}
    assert found(db, "思思") == {("cadres", ids.li_si), ("talks", ids.talk), ("alert_notices", ids.notice)}
    talk = next(h for h in search(db, "李思思") if h.kind == "talks")
    assert talk.title == "廉政谈话：张三、李思思"


def test_deleting_a_cadre_takes_its_name_off_talks(db: Database, ids: Ids) -> None:
    edit(db, Cadre, ids.li_si, deleted_at=datetime.now())
    assert found(db, "李四") == set()
    assert ("talks", ids.talk) in found(db, "张三")
    edit(db, Cadre, ids.li_si, deleted_at=None)
    assert ("talks", ids.talk) in found(db, "李四")


def test_changing_a_talks_cadres(db: Database, ids: Ids) -> None:
    with db.uow() as uow:
        talk = uow.session.get(Talk, ids.talk)
        zeng = uow.session.get(Cadre, ids.zeng)
        assert talk is not None and zeng is not None
        talk.cadres = [zeng]
        uow.commit()
    assert found(db, "国藩") == {("cadres", ids.zeng), ("talks", ids.talk)}
    assert ("talks", ids.talk) not in found(db, "张三")


def test_hard_delete_removes_the_entry(db: Database, ids: Ids) -> None:
    with db.uow() as uow:
        talk = uow.session.get(Talk, ids.talk)
        uow.session.delete(talk)
        uow.commit()
    assert ("talks", ids.talk) not in found(db, "第三会议室")
    assert_index_matches_a_rebuild(db)


def test_meeting_without_title_is_found_by_its_type(db: Database, ids: Ids) -> None:
    with db.uow() as uow:
        meeting = Meeting(
            unit_id=ids.finance, held_on=date(2026, 1, 9), meeting_type=MeetingType.ADMINISTRATIVE
        )
        uow.session.add(meeting)
        uow.commit()
    hits = search(db, "行政办公会")
    assert keys(hits) == [("meetings", meeting.id)]
    assert hits[0].title == "行政办公会" and hits[0].score == 1.0


def test_unsearched_tables_are_ignored(db: Database, ids: Ids) -> None:
    with db.uow() as uow:
        uow.session.add(Member(name="张三"))
        uow.commit()
    assert found(db, "张三") == {
        ("cadres", ids.zhang_san),
        ("cadres", ids.zhang_sanfeng),
        ("talks", ids.talk),
    }


# --- rebuild and migration ---------------------------------------------------------------


Rows = list[tuple[object, ...]]


def index_snapshot(db: Database) -> tuple[Rows, Rows, Rows]:
    """The index content with entry ids replaced by what they stand for."""
    con = sqlite3.connect(db.path)
    try:
        entries = con.execute(
            "SELECT kind, record_id, title, subtitle, body, short_text FROM search_entries ORDER BY 1, 2"
        ).fetchall()
        grams = con.execute(
            "SELECT g.gram, g.tier, e.kind, e.record_id FROM search_grams g"
            " LEFT JOIN search_entries e ON e.id = g.entry_id ORDER BY 1, 2, 3, 4"
        ).fetchall()
        pinyin = con.execute(
            "SELECT p.key, e.kind, e.record_id FROM search_pinyin p"
            " LEFT JOIN search_entries e ON e.id = p.entry_id ORDER BY 1, 2, 3"
        ).fetchall()
        # External-content FTS5 compares its index with search_entries row by row.
        con.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
        fts = con.execute(
            "SELECT e.kind, e.record_id FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid"
            " WHERE search_fts MATCH ? ORDER BY 1, 2",
            ('"区财政"',),
        ).fetchall()
    finally:
        con.close()
    return entries, grams, pinyin + fts


def assert_index_matches_a_rebuild(db: Database) -> None:
    before = index_snapshot(db)
    queries = ["张", "张三", "局", "区财政局", "三重一大", "zs", "zhangs", "会议", "李思思"]
    hits_before = {q: search(db, q) for q in queries}
    with db.uow() as uow:
        search_index.rebuild(uow.session)
        uow.commit()
    assert index_snapshot(db) == before
    assert {q: search(db, q) for q in queries} == hits_before


def test_rebuild_gives_what_refresh_gave(db: Database, ids: Ids) -> None:
    edit(db, Cadre, ids.li_si, name="李思思")
    edit(db, Unit, ids.education, deleted_at=datetime.now())
    edit(db, Unit, ids.education, deleted_at=None, full_name="区教育和体育局")
    edit(db, Talk, ids.talk, location="谈话室")
    edit(db, AlertNotice, ids.notice, deleted_at=datetime.now())
    assert index_snapshot(db)[0]  # not trivially empty
    assert_index_matches_a_rebuild(db)


def test_rebuild_catches_rows_written_behind_the_index(db: Database, ids: Ids) -> None:
    """Bulk writes with Core (as the demo generator does) are invisible until rebuild."""
    with db.uow() as uow:
        uow.session.execute(
            insert(Cadre),
            [
                {
                    "uid": f"bulk-{n}",
                    "name": f"赵{n}",
                    "unit_id": ids.finance,
                    "is_leader": False,
                    "is_top_leader": False,
                    "status": "serving",
                    "created_at": datetime.now(),
                    "updated_at": datetime.now(),
                }
                for n in range(3)
            ],
        )
        uow.commit()
    assert search(db, "赵") == []
    with db.uow() as uow:
        search_index.rebuild(uow.session)
        uow.commit()
    assert [h.title for h in search(db, "赵")] == ["赵0", "赵1", "赵2"]
    assert [h.title for h in search(db, "zhao")] == ["赵0", "赵1", "赵2"]


def test_file_from_first_migration_becomes_searchable(db_path: Path) -> None:
    migrate.upgrade(db_path, "0001")
    con = sqlite3.connect(db_path)
    stamp = "'2025-01-02 09:00:00'"
    con.executescript(
        f"""
        INSERT INTO units (id, uid, full_name, short_name, unit_type, sort_order, in_scope,
                           created_at, updated_at)
        VALUES (1, 'u-1', '区财政局', '财政局', 'agency', 1, 1, {stamp}, {stamp}),
               (2, 'u-2', '区农业局', NULL, 'agency', 2, 1, {stamp}, {stamp});
        UPDATE units SET deleted_at = {stamp} WHERE id = 2;
        INSERT INTO cadres (id, uid, name, unit_id, position, is_leader, is_top_leader, status,
                            created_at, updated_at)
        VALUES (1, 'c-1', '王小明', 1, '局长', 1, 1, 'serving', {stamp}, {stamp}),
               (2, 'c-2', '王大明', 2, '局长', 0, 0, 'serving', {stamp}, {stamp});
        INSERT INTO talks (id, uid, kind, held_on, location, reason, created_at, updated_at)
        VALUES (1, 't-1', 'reminder', '2025-03-01', '小会议室', '工作作风提醒', {stamp}, {stamp});
        INSERT INTO talk_cadres (talk_id, cadre_id) VALUES (1, 1);
        """
    )
    con.commit()
    con.close()
    assert migrate.ensure_schema(db_path) is not None  # upgraded, after a backup
    db = open_database(db_path)
    try:
        assert found(db, "王") == {("cadres", 1), ("talks", 1)}  # not the cadre of the deleted unit
        assert found(db, "wxm") == {("cadres", 1)}
        assert found(db, "财政局") == {("units", 1), ("cadres", 1)}
        assert found(db, "工作作风") == {("talks", 1)}
        assert search(db, "提醒谈话")[0].title == "提醒谈话：王小明"
        with db.uow() as uow:  # and it stays current from then on
            cadre = uow.session.scalars(select(Cadre).where(Cadre.id == 1)).one()
            cadre.name = "王晓明"
            uow.commit()
        assert search(db, "提醒谈话")[0].title == "提醒谈话：王晓明"
        assert_index_matches_a_rebuild(db)
    finally:
        db.dispose()
