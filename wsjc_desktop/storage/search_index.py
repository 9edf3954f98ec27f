"""The search index over units, cadres, notices, meetings, talks, inspections and problems.

One row in ``search_entries`` per live searchable record holds what a hit shows (title,
subtitle) and what can be found (title, body, short fields). Three structures answer
queries, each for what it does best:

* ``search_fts`` (FTS5, trigram tokenizer, external content = ``search_entries``): any
  substring of 3 or more characters, in the title or anywhere in the body. It is made by
  raw SQL in migration 0002; the ORM metadata does not know it.
* ``search_grams``: every distinct 1- and 2-character gram of the record's short fields
  (names, titles, 文号, unit names, labels), since a trigram index cannot match fewer than
  3 characters. Each gram carries its ``tier`` (how well it matches the title), so a query
  reads the best tiers first and stops early.
* ``search_pinyin``: full pinyin (``zhangsan``) and initials (``zs``) of cadre names,
  matched by prefix with an index range.

A record's index rows are derived only from its own row and the rows it names (a cadre's
unit, a talk's cadres), so ``refresh`` of a few records is a few small statements, and
``rebuild`` is set-based. Rows of the recycle bin (``deleted_at`` set) are not indexed,
nor are cadres, notices and meetings of a unit in the recycle bin, nor the names of such
cadres on talks and notices.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, islice
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from wsjc_desktop.domain import fields
from wsjc_desktop.domain.models import (
    AlertNotice,
    Base,
    Cadre,
    Inspection,
    Meeting,
    Problem,
    Talk,
    Unit,
    inspection_units,
    talk_cadres,
)

#: Searchable record kinds (table names): the field spec's ``SEARCHABLE``, in its order, which is
#: the order hits of equal rank are listed and the order ``refresh`` goes through (a kind comes
#: after the kinds whose names its entries show: see ``_SHOWN_ON``).
KINDS: tuple[str, ...] = tuple(spec.table for spec in fields.SEARCHABLE)

#: Match tiers, best first: the query is the title, starts it, is inside it, is elsewhere.
TIER_EXACT, TIER_PREFIX, TIER_TITLE, TIER_ELSEWHERE = 0, 1, 2, 3

#: The FTS5 table over search_entries (title, body); made by raw SQL in migration 0002.
FTS_TABLE = "search_fts"

search_entries = Table(
    "search_entries",
    Base.metadata,
    # An explicit INTEGER PRIMARY KEY: FTS5 keys its rows by it, and VACUUM keeps it.
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("record_id", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("subtitle", Text, nullable=False),
    Column("body", Text, nullable=False),
    # The short fields, one per line: the source of this entry's grams, so they can be
    # found again (and deleted by primary key) without an index on entry_id.
    Column("short_text", Text, nullable=False),
    UniqueConstraint("kind", "record_id", name="uq_search_entries_record"),
)

search_grams = Table(
    "search_grams",
    Base.metadata,
    Column("gram", String(2), primary_key=True),
    Column("tier", Integer, primary_key=True, autoincrement=False),
    Column("entry_id", Integer, primary_key=True, autoincrement=False),
    sqlite_with_rowid=False,
)

search_pinyin = Table(
    "search_pinyin",
    Base.metadata,
    Column("key", String(100), primary_key=True),
    Column("entry_id", Integer, primary_key=True, autoincrement=False, index=True),
    sqlite_with_rowid=False,
)

_CHUNK = 500  # ids per IN (...) list
_REBUILD_BATCH = 5000  # records per round trip while rebuilding
_WHITESPACE = re.compile(r"\s+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_PINYIN_MAX = 100

#: Surnames read otherwise than lazy_pinyin reads the character (曾 is zēng, not céng).
#: Both readings are indexed, so either finds the cadre.
SURNAME_READINGS: dict[str, str] = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "覃": "qin",
    "乐": "yue",
    "盖": "ge",
    "缪": "miao",
    "种": "chong",
    "秘": "bi",
    "召": "shao",
    "员": "yun",
    "繁": "po",
    "黑": "he",
    "翟": "zhai",
    "折": "she",
    "宓": "fu",
    "句": "gou",
    "洗": "xian",
    "藏": "zang",
    "阚": "kan",
}


# --- text helpers (pure) ----------------------------------------------------------------


def fold(value: str) -> str:
    """Case-fold ASCII only, exactly as SQLite's ``lower()`` does, so Python and SQL agree."""
    return value.translate(_ASCII_LOWER)


def normalize_query(value: str) -> str:
    """The query as matched: no control characters, whitespace runs made one space, trimmed,
    ASCII lower-cased."""
    visible = "".join(ch if ch.isprintable() else " " for ch in value)
    return fold(_WHITESPACE.sub(" ", visible).strip())


def grams_of(title: str, short_text: str) -> dict[str, int]:
    """Every distinct 1- and 2-character gram of the short fields, with its best tier.

    Grams never span whitespace (so never two fields, which are stored one per line).
    """
    tiers: dict[str, int] = {}
    for part in fold(short_text).split():
        tiers.update(dict.fromkeys(part, TIER_ELSEWHERE))
        tiers.update(dict.fromkeys(map(str.__add__, part, part[1:]), TIER_ELSEWHERE))  # the pairs
    # A gram (no whitespace, at most 2 characters) is inside the title exactly when it is
    # one of the title's own grams.
    folded = fold(title)
    for part in folded.split():
        for gram in chain(part, map(str.__add__, part, part[1:])):
            if gram in tiers:
                tiers[gram] = TIER_TITLE
    for gram in (folded[:1], folded[:2]):
        if gram in tiers:
            tiers[gram] = TIER_PREFIX
    if folded in tiers:
        tiers[folded] = TIER_EXACT
    return tiers


@lru_cache(maxsize=1 << 16)
def _pinyin_tokens(name: str) -> tuple[str, ...]:
    """The pinyin syllables of a name, cached: a roster import indexes thousands of names whose
    given names (and surnames) repeat, and pypinyin costs ~0.1 ms a call."""
    tokens = []
    from pypinyin import lazy_pinyin  # heavy (~0.3 s): loaded when a name is first indexed

    for token in lazy_pinyin(name):
        letters = "".join(ch for ch in fold(token) if "a" <= ch <= "z")
        if letters:
            tokens.append(letters)
    return tuple(tokens)


def pinyin_keys(name: str) -> tuple[str, str]:
    """Full pinyin and initials of a name: ``张三`` → ``("zhangsan", "zs")``.

    Characters that are not Chinese keep their ASCII letters; anything else is dropped.
    """
    tokens = _pinyin_tokens(name.strip())
    return "".join(tokens)[:_PINYIN_MAX], "".join(t[0] for t in tokens)[:_PINYIN_MAX]


@lru_cache(maxsize=1 << 16)
def pinyin_variants(name: str) -> tuple[str, ...]:
    """Every pinyin key indexed for a name: ``pinyin_keys`` plus the surname reading, if any.

    Cached like the syllables: a roster's names repeat (and a re-import indexes them again)."""
    name = name.strip()
    keys = list(pinyin_keys(name))
    reading = SURNAME_READINGS.get(name[:1])
    if reading is not None:
        rest = _pinyin_tokens(name[1:])
        keys.append((reading + "".join(rest))[:_PINYIN_MAX])
        keys.append((reading[0] + "".join(t[0] for t in rest))[:_PINYIN_MAX])
    return tuple(dict.fromkeys(k for k in keys if k))


# --- documents: what one record puts in the index ----------------------------------------


@dataclass(frozen=True, slots=True)
class Doc:
    """The index content of one record."""

    kind: str
    record_id: int
    title: str
    subtitle: str
    body: str
    short_text: str
    pinyin: tuple[str, ...] = ()

    @property
    def stored(self) -> tuple[str, str, str, str]:
        return self.title, self.subtitle, self.body, self.short_text


def _lines(*values: str | None) -> str:
    return "\n".join(v.strip() for v in values if v and v.strip())


def _dotted(*values: str | None) -> str:
    return " · ".join(v.strip() for v in values if v and v.strip())


def _display(full_name: str, short_name: str | None) -> str:
    return short_name or full_name


IdFilter = Callable[[Any], ColumnElement[bool]]


def _id_in(ids: Sequence[int]) -> IdFilter:
    return lambda column: column.in_(ids)


def _id_between(lo: int, hi: int) -> IdFilter:
    return lambda column: column.between(lo, hi)


_units = Unit.__table__
_cadres = Cadre.__table__
_notices = AlertNotice.__table__
_meetings = Meeting.__table__
_talks = Talk.__table__
_inspections = Inspection.__table__
_problems = Problem.__table__
_TABLES = {
    "units": _units,
    "cadres": _cadres,
    "alert_notices": _notices,
    "meetings": _meetings,
    "talks": _talks,
    "inspections": _inspections,
    "problems": _problems,
}

#: Where each kind's name is shown by the entries of another (a unit's on its cadres, notices and
#: meetings; a cadre's on its notices and talks): (the showing kind, its id column, its column
#: naming the first). ``refresh`` of a renamed record takes these along.
_SHOWN_ON: dict[str, tuple[tuple[str, Any, Any], ...]] = {
    "units": (
        ("cadres", _cadres.c.id, _cadres.c.unit_id),
        ("alert_notices", _notices.c.id, _notices.c.unit_id),
        ("meetings", _meetings.c.id, _meetings.c.unit_id),
        ("inspections", inspection_units.c.inspection_id, inspection_units.c.unit_id),
        ("problems", _problems.c.id, _problems.c.unit_id),
    ),
    "cadres": (
        ("alert_notices", _notices.c.id, _notices.c.cadre_id),
        ("talks", talk_cadres.c.talk_id, talk_cadres.c.cadre_id),
        ("problems", _problems.c.id, _problems.c.cadre_id),
    ),
}


def _check_kinds(kinds: Sequence[str]) -> None:
    """Every kind indexed here, and each after the kinds whose names it shows (``refresh``
    goes through them once, in order: a kind reached before its parent would miss its renames)."""
    if set(kinds) != set(_TABLES):
        raise AssertionError(f"searchable kinds {sorted(kinds)} are not the indexed {sorted(_TABLES)}")
    late = [
        f"{shown_on} before {kind}"
        for kind, showing in _SHOWN_ON.items()
        for shown_on, _id, _key in showing
        if kinds.index(shown_on) < kinds.index(kind)
    ]
    if late:
        raise AssertionError(f"fields.SEARCHABLE lists {', '.join(late)}: a kind comes after those it names")


_check_kinds(KINDS)


# The loaders read ``deleted_at`` and skip dead rows here rather than in WHERE: SQLite has
# no statistics, and a ``deleted_at IS NULL`` term tempts it to walk the deleted_at index
# over the whole table instead of looking up the few ids asked for.


def _unit_docs(conn: Connection, where: IdFilter) -> Iterator[Doc]:
    u = _units.c
    stmt = select(u.id, u.full_name, u.short_name, u.unit_type, u.deleted_at).where(where(u.id))
    for rid, full_name, short_name, unit_type, deleted in conn.execute(stmt):
        if deleted is not None:
            continue
        yield Doc(
            "units",
            rid,
            full_name.strip(),
            _dotted(short_name, unit_type.label if unit_type else None),
            _lines(short_name),
            _lines(full_name, short_name),
        )


def _cadre_docs(conn: Connection, where: IdFilter) -> Iterator[Doc]:
    c, u = _cadres.c, _units.c
    stmt = (
        select(c.id, c.name, c.position, u.full_name, u.short_name, c.deleted_at, u.deleted_at)
        .join_from(_cadres, _units, c.unit_id == u.id)
        .where(where(c.id))
    )
    for rid, name, position, unit_full, unit_short, deleted, unit_deleted in conn.execute(stmt):
        if deleted is not None or unit_deleted is not None:
            continue
        yield Doc(
            "cadres",
            rid,
            name.strip(),
            _dotted(_display(unit_full, unit_short), position),
            _lines(unit_full, unit_short, position),
            _lines(name, unit_full, unit_short, position),
            pinyin_variants(name),
        )


def _notice_docs(conn: Connection, where: IdFilter) -> Iterator[Doc]:
    n, u = _notices.c, _units.c
    cadre = _cadres.alias("cadre")
    cadre_unit = _units.alias("cadre_unit")
    stmt = (
        select(
            n.id,
            n.kind,
            n.doc_number,
            n.title,
            n.problems,
            u.full_name,
            u.short_name,
            n.deleted_at,
            u.deleted_at,
            cadre.c.name,
            cadre.c.deleted_at,
            cadre_unit.c.deleted_at,
        )
        .join_from(_notices, _units, n.unit_id == u.id)
        .outerjoin(cadre, cadre.c.id == n.cadre_id)
        .outerjoin(cadre_unit, cadre_unit.c.id == cadre.c.unit_id)
        .where(where(n.id))
    )
    for row in conn.execute(stmt):
        rid, kind, doc_number, title, problems, unit_full, unit_short, deleted, unit_deleted, *about = row
        if deleted is not None or unit_deleted is not None:
            continue
        cadre_name, cadre_deleted, cadre_unit_deleted = about
        if cadre_deleted is not None or cadre_unit_deleted is not None:
            cadre_name = None  # a cadre in the recycle bin is not shown by name
        yield Doc(
            "alert_notices",
            rid,
            title.strip(),
            _dotted(doc_number, _display(unit_full, unit_short), kind.label),
            _lines(doc_number, unit_full, unit_short, kind.label, cadre_name, problems),
            _lines(title, doc_number, unit_full, unit_short, kind.label, cadre_name),
        )


def _meeting_docs(conn: Connection, where: IdFilter) -> Iterator[Doc]:
    m, u = _meetings.c, _units.c
    stmt = (
        select(m.id, m.held_on, m.meeting_type, m.title, m.topics, u.full_name, u.short_name)
        .add_columns(m.deleted_at, u.deleted_at)
        .join_from(_meetings, _units, m.unit_id == u.id)
        .where(where(m.id))
    )
    for row in conn.execute(stmt):
        rid, held_on, meeting_type, title, topics, unit_full, unit_short, deleted, unit_deleted = row
        if deleted is not None or unit_deleted is not None:
            continue
        label = meeting_type.label
        shown = (title or "").strip() or label
        yield Doc(
            "meetings",
            rid,
            shown,
            _dotted(held_on.isoformat() if held_on else None, _display(unit_full, unit_short), label),
            _lines(unit_full, unit_short, label, topics),
            _lines(shown, unit_full, unit_short, label),
        )


def _talk_docs(conn: Connection, where: IdFilter) -> Iterator[Doc]:
    t, tc, c, u = _talks.c, talk_cadres.c, _cadres.c, _units.c
    names_stmt = (
        select(tc.talk_id, c.name, c.deleted_at, u.deleted_at)
        .join_from(talk_cadres, _cadres, c.id == tc.cadre_id)
        .join(_units, u.id == c.unit_id)
        .where(where(tc.talk_id))
        .order_by(tc.talk_id, c.id)
    )
    names: dict[int, list[str]] = {}
    for talk_id, name, deleted, unit_deleted in conn.execute(names_stmt):
        if deleted is None and unit_deleted is None:
            names.setdefault(talk_id, []).append(name)
    stmt = select(t.id, t.kind, t.held_on, t.location, t.reason, t.deleted_at).where(where(t.id))
    for rid, kind, held_on, location, reason, deleted in conn.execute(stmt):
        if deleted is not None:
            continue
        who = names.get(rid, [])
        title = f"{kind.label}：{'、'.join(who)}" if who else kind.label
        yield Doc(
            "talks",
            rid,
            title,
            _dotted(held_on.isoformat() if held_on else None, location),
            _lines(location, reason),
            _lines(kind.label, *who, location),
        )


def _inspection_docs(conn: Connection, where: IdFilter) -> Iterator[Doc]:
    """An inspection: found by its 检查事项, kind, units, content, findings and alert source;
    the names of its units in the recycle bin are left out."""
    i, iu, u = _inspections.c, inspection_units.c, _units.c
    units_stmt = (
        select(iu.inspection_id, u.full_name, u.short_name, u.deleted_at)
        .join_from(inspection_units, _units, u.id == iu.unit_id)
        .where(where(iu.inspection_id))
        .order_by(iu.inspection_id, u.sort_order, u.id)
    )
    units: dict[int, list[tuple[str, str | None]]] = {}
    for inspection_id, full, short, unit_deleted in conn.execute(units_stmt):
        if unit_deleted is None:
            units.setdefault(inspection_id, []).append((full, short))
    stmt = select(
        i.id, i.kind, i.started_on, i.title, i.content, i.findings, i.alert_source, i.deleted_at
    ).where(where(i.id))
    for rid, kind, started_on, title, content, findings, alert_source, deleted in conn.execute(stmt):
        if deleted is not None:
            continue
        named = units.get(rid, [])
        shown_units = "、".join(_display(full, short) for full, short in named)
        names = [n for full, short in named for n in (full, short)]
        yield Doc(
            "inspections",
            rid,
            title.strip(),
            _dotted(started_on.isoformat() if started_on else None, shown_units, kind.label),
            _lines(*names, kind.label, alert_source, content, findings),
            _lines(title, *names, kind.label, alert_source),
        )


#: How much of a problem's description its hit shows as a title.
_PROBLEM_TITLE = 40


def _problem_title(description: str) -> str:
    first = description.strip().splitlines()[0].strip() if description.strip() else ""
    return first if len(first) <= _PROBLEM_TITLE else first[: _PROBLEM_TITLE - 1] + "…"


def _problem_docs(conn: Connection, where: IdFilter) -> Iterator[Doc]:
    """A problem: found by its description, unit, cadre and category (as a notice is)."""
    p, u = _problems.c, _units.c
    cadre = _cadres.alias("cadre")
    cadre_unit = _units.alias("cadre_unit")
    stmt = (
        select(
            p.id,
            p.found_on,
            p.category,
            p.description,
            u.full_name,
            u.short_name,
            p.deleted_at,
            u.deleted_at,
            cadre.c.name,
            cadre.c.deleted_at,
            cadre_unit.c.deleted_at,
        )
        .join_from(_problems, _units, p.unit_id == u.id)
        .outerjoin(cadre, cadre.c.id == p.cadre_id)
        .outerjoin(cadre_unit, cadre_unit.c.id == cadre.c.unit_id)
        .where(where(p.id))
    )
    for row in conn.execute(stmt):
        rid, found_on, category, description, unit_full, unit_short, deleted, unit_deleted, *about = row
        if deleted is not None or unit_deleted is not None:
            continue
        cadre_name, cadre_deleted, cadre_unit_deleted = about
        if cadre_deleted is not None or cadre_unit_deleted is not None:
            cadre_name = None
        title = _problem_title(description)
        yield Doc(
            "problems",
            rid,
            title,
            _dotted(
                found_on.isoformat() if found_on else None,
                _display(unit_full, unit_short),
                category.label,
                cadre_name,
            ),
            _lines(unit_full, unit_short, category.label, cadre_name, description),
            _lines(title, unit_full, unit_short, category.label, cadre_name),
        )


_LOADERS: dict[str, Callable[[Connection, IdFilter], Iterator[Doc]]] = {
    "units": _unit_docs,
    "cadres": _cadre_docs,
    "alert_notices": _notice_docs,
    "meetings": _meeting_docs,
    "talks": _talk_docs,
    "inspections": _inspection_docs,
    "problems": _problem_docs,
}


def load_docs(conn: Connection, kind: str, ids: Iterable[int]) -> list[Doc]:
    """The documents of these records as they should be indexed now (none for dead ones)."""
    out: list[Doc] = []
    for chunk in _chunks(sorted(set(ids)), _CHUNK):
        out.extend(_LOADERS[kind](conn, _id_in(chunk)))
    return out


def _chunks(values: Sequence[int], size: int) -> Iterator[list[int]]:
    it = iter(values)
    while chunk := list(islice(it, size)):
        yield chunk


# --- writing entries ------------------------------------------------------------------
#
# Rows go in through the driver (qmark SQL, tuples): a rebuild writes millions of gram
# rows, and SQLAlchemy's per-row parameter handling would cost more than SQLite itself.

_ENTRY_INSERT = (
    "INSERT INTO search_entries (id, kind, record_id, title, subtitle, body, short_text)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_ENTRY_UPDATE = "UPDATE search_entries SET title = ?, subtitle = ?, body = ?, short_text = ? WHERE id = ?"
_GRAM_INSERT = "INSERT INTO search_grams (gram, tier, entry_id) VALUES (?, ?, ?)"
_GRAM_DELETE = "DELETE FROM search_grams WHERE gram = ? AND tier = ? AND entry_id = ?"
_PINYIN_INSERT = "INSERT INTO search_pinyin (key, entry_id) VALUES (?, ?)"
_PINYIN_DELETE = "DELETE FROM search_pinyin WHERE entry_id = ?"
_FTS_INSERT = f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (?, ?, ?)"
# External-content FTS5 forgets a row only when told the exact values it indexed.
_FTS_DELETE = f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, title, body) VALUES ('delete', ?, ?, ?)"


def _many(conn: Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        conn.exec_driver_sql(sql, rows)


def _entry_row(entry_id: int, doc: Doc) -> tuple[Any, ...]:
    return (entry_id, doc.kind, doc.record_id, doc.title, doc.subtitle, doc.body, doc.short_text)


def _gram_rows(placed: Iterable[tuple[int, str, str]]) -> list[tuple[str, int, int]]:
    """(gram, tier, entry id) for (entry id, title, short_text)."""
    return [(g, t, i) for i, title, short in placed for g, t in grams_of(title, short).items()]


def _add_index_rows(conn: Connection, placed: Sequence[tuple[int, Doc]]) -> None:
    """FTS, gram and pinyin rows of entries already written to search_entries."""
    _many(conn, _FTS_INSERT, [(i, d.title, d.body) for i, d in placed])
    _many(conn, _GRAM_INSERT, _gram_rows((i, d.title, d.short_text) for i, d in placed))
    _many(conn, _PINYIN_INSERT, [(k, i) for i, d in placed for k in d.pinyin])


def _drop_index_rows(conn: Connection, old: Sequence[tuple[int, str, str, str]]) -> None:
    """Undo ``_add_index_rows`` for (entry id, title, body, short_text) as stored."""
    _many(conn, _FTS_DELETE, [(i, title, body) for i, title, body, _ in old])
    # Grams are found again from the stored text, and deleted by their full key.
    _many(conn, _GRAM_DELETE, _gram_rows((i, title, short) for i, title, _, short in old))
    _many(conn, _PINYIN_DELETE, [(i,) for i, *_ in old])


def _reindex(conn: Connection, kind: str, ids: Sequence[int]) -> set[int]:
    """Bring the entries of these records up to date; return the ids whose entry changed."""
    docs = {d.record_id: d for d in load_docs(conn, kind, ids)}
    e = search_entries.c
    existing: dict[int, tuple[int, str, str, str, str]] = {}
    for chunk in _chunks(sorted(set(ids)), _CHUNK):
        stmt = select(e.record_id, e.id, e.title, e.subtitle, e.body, e.short_text).where(
            e.kind == kind, e.record_id.in_(chunk)
        )
        for record_id, entry_id, title, subtitle, body, short in conn.execute(stmt):
            existing[record_id] = (entry_id, title, subtitle, body, short)

    changed: set[int] = set()
    dropped: list[tuple[int, str, str, str]] = []
    gone: list[tuple[int]] = []
    kept: list[tuple[int, Doc]] = []
    new: list[Doc] = []
    for record_id in sorted(set(ids)):
        old = existing.get(record_id)
        doc = docs.get(record_id)
        if old is not None and doc is not None and old[1:] == doc.stored:
            continue
        changed.add(record_id)
        if old is not None:
            entry_id, title, _, body, short = old
            dropped.append((entry_id, title, body, short))
            if doc is None:
                gone.append((entry_id,))
            else:
                kept.append((entry_id, doc))
        elif doc is not None:
            new.append(doc)

    _drop_index_rows(conn, dropped)
    _many(conn, "DELETE FROM search_entries WHERE id = ?", gone)
    _many(conn, _ENTRY_UPDATE, [(d.title, d.subtitle, d.body, d.short_text, i) for i, d in kept])
    placed = list(kept)
    if new:
        # Inside the write transaction nobody else can take these ids.
        next_id = (conn.execute(select(func.max(e.id))).scalar() or 0) + 1
        added = [(next_id + n, d) for n, d in enumerate(new)]
        _many(conn, _ENTRY_INSERT, [_entry_row(i, d) for i, d in added])
        placed.extend(added)
    _add_index_rows(conn, placed)
    return changed


def _ids(conn: Connection, column: Any, key: Any, values: Iterable[int]) -> set[int]:
    """``column`` of the rows whose ``key`` is among ``values``."""
    out: set[int] = set()
    for chunk in _chunks(sorted(set(values)), _CHUNK):
        out.update(conn.execute(select(column).where(key.in_(chunk))).scalars())
    return out


# --- public API -------------------------------------------------------------------------


def _connection(target: Session | Connection) -> Connection:
    return target.connection() if isinstance(target, Session) else target


def refresh(session: Session | Connection, items: Sequence[tuple[str, int]]) -> None:
    """Bring the index up to date for these (table name, id) pairs, inside the caller's transaction.

    Tables that are not searched are ignored. A unit or cadre whose entry changed (renamed,
    deleted, restored) takes the records that show its name along: a unit's cadres, notices
    and meetings; a cadre's talks and notices.
    """
    pending: dict[str, set[int]] = {}
    for table, record_id in items:
        if table in _LOADERS:
            pending.setdefault(table, set()).add(record_id)
    if not pending:
        return
    conn = _connection(session)
    for kind in KINDS:  # parents come before the kinds that show their names (_check_kinds)
        ids = pending.get(kind)
        if not ids:
            continue
        changed = _reindex(conn, kind, sorted(ids))
        if not changed:
            continue
        for shown_on, id_column, key in _SHOWN_ON.get(kind, ()):
            pending.setdefault(shown_on, set()).update(_ids(conn, id_column, key, changed))


def rebuild(session: Session | Connection) -> None:
    """Rebuild the whole index from the records, inside the caller's transaction."""
    conn = _connection(session)
    conn.exec_driver_sql("DELETE FROM search_grams")
    conn.exec_driver_sql("DELETE FROM search_pinyin")
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('delete-all')")
    conn.exec_driver_sql("DELETE FROM search_entries")
    # Grams go to a scratch table first and into search_grams in key order at the end:
    # appending to a B-tree is far faster than millions of inserts at random places.
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.search_grams_load")
    conn.exec_driver_sql("CREATE TEMP TABLE search_grams_load (gram TEXT, tier INTEGER, entry_id INTEGER)")
    next_id = 1
    present = set(sa_inspect(conn).get_table_names())
    for kind in KINDS:
        if kind not in present:  # the kinds are table names
            # a file being upgraded: migration 0002 fills the index before the tables of later
            # revisions exist (inspections and problems: 0008), and those start empty
            continue
        for lo, hi in _id_ranges(conn, _TABLES[kind], _REBUILD_BATCH):
            placed = [(next_id + n, d) for n, d in enumerate(_LOADERS[kind](conn, _id_between(lo, hi)))]
            next_id += len(placed)
            _many(conn, _ENTRY_INSERT, [_entry_row(i, d) for i, d in placed])
            _many(
                conn,
                "INSERT INTO temp.search_grams_load (gram, tier, entry_id) VALUES (?, ?, ?)",
                _gram_rows((i, d.title, d.short_text) for i, d in placed),
            )
            _many(conn, _PINYIN_INSERT, [(k, i) for i, d in placed for k in d.pinyin])
    conn.exec_driver_sql(
        "INSERT INTO search_grams (gram, tier, entry_id)"
        " SELECT gram, tier, entry_id FROM temp.search_grams_load ORDER BY gram, tier, entry_id"
    )
    conn.exec_driver_sql("DROP TABLE temp.search_grams_load")
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')")


def _id_ranges(conn: Connection, table: Any, size: int) -> Iterator[tuple[int, int]]:
    """Consecutive (low, high) id ranges of at most ``size`` rows each."""
    last: int | None = None
    while True:
        ids = select(table.c.id).order_by(table.c.id).limit(size)
        window = (ids if last is None else ids.where(table.c.id > last)).subquery()
        lo, hi = conn.execute(select(func.min(window.c.id), func.max(window.c.id))).one()
        if lo is None:
            return
        yield lo, hi
        last = hi
