"""Search across units, cadres, notices, meetings, talks, inspections and problems: one box,
typed hits, best first.

What is searched is the field spec's: the record types of :data:`fields.SEARCHABLE` (in the
order equal hits are listed) and of each, the fields marked ``searchable``
(``tests/services/test_search_spec.py`` finds a record by each of them, and by no other).

A query of 1–2 characters is looked up among the grams of short fields (names, titles,
文号, unit names, labels); 3 characters and more go through the trigram full-text index,
which also covers long text (problems, topics, reasons). A query of ASCII letters is also
read as pinyin of a cadre's name: full (``zhangsan``), initials (``zs``) or a prefix of
either (``zhangs``). A query of 4 or more digits (a last ``X`` allowed) is also looked up in
cadres' 身份证号, whole or in part; such a hit's line shows the number masked, as the screen
always does (services/display).

Hits are ranked by tier: the query is the whole title, starts it, is inside it, or is
somewhere else in the record; equal tiers list units, cadres, notices, meetings, talks,
inspections, problems in that order, then by title. The query text never becomes SQL: it is always a bound
parameter, and as FTS5 input it is a quoted phrase.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, TextClause, bindparam
from sqlalchemy import text as sql_text

from wsjc_desktop.domain.fields import SEARCHABLE
from wsjc_desktop.services.display import mask_id_number
from wsjc_desktop.storage.database import Database
from wsjc_desktop.storage.search_index import (
    FTS_TABLE,
    TIER_ELSEWHERE,
    TIER_EXACT,
    TIER_PREFIX,
    TIER_TITLE,
    normalize_query,
    pinyin_keys,
)

__all__ = ["KIND_LABELS", "SearchHit", "pinyin_keys", "search"]

#: Record kinds (table names) with the label shown on a hit, in ranking order.
KIND_LABELS: dict[str, str] = {spec.table: spec.label for spec in SEARCHABLE}
KINDS: tuple[str, ...] = tuple(KIND_LABELS)

#: Score of each tier: higher is better.
TIER_SCORES: dict[int, float] = {TIER_EXACT: 1.0, TIER_PREFIX: 0.75, TIER_TITLE: 0.5, TIER_ELSEWHERE: 0.25}

_KIND_RANK = {kind: n for n, kind in enumerate(KINDS)}
_PINYIN = re.compile(r"[a-z]+")
# A whole or partial 身份证号 (normalized: a check letter is lower case). Fewer than 4 digits
# would match most people.
_ID_PART = re.compile(r"[0-9]{4,18}|[0-9]{3,17}x")
# Built from our own constants, never from input.
_KIND_ORDER_SQL = "CASE e.kind " + " ".join(f"WHEN '{k}' THEN {n}" for n, k in enumerate(KINDS)) + " END"
_COLUMNS = "e.kind, e.record_id, e.title, e.subtitle"


@dataclass(frozen=True)
class SearchHit:
    kind: str  # table name: "units", "cadres", "alert_notices", "meetings", "talks", …
    record_id: int
    title: str
    subtitle: str
    score: float

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True, slots=True)
class _Candidate:
    tier: int
    kind: str
    record_id: int
    title: str
    subtitle: str

    @property
    def sort_key(self) -> tuple[int, int, str, int]:
        return self.tier, _KIND_RANK[self.kind], self.title, self.record_id


# CROSS JOIN makes SQLite read the index table first: without statistics it may otherwise
# walk every entry of the wanted kinds and probe the index for each.
def _query(sql: str) -> TextClause:
    return sql_text(sql).bindparams(bindparam("kinds", expanding=True))


_GRAMS_SQL = _query(
    f"SELECT g.tier, {_COLUMNS} FROM search_grams AS g CROSS JOIN search_entries AS e ON e.id = g.entry_id"
    " WHERE g.gram = :gram AND g.tier BETWEEN :lo AND :hi AND e.kind IN :kinds"
    f" ORDER BY g.tier, {_KIND_ORDER_SQL}, e.title, e.record_id LIMIT :limit"
)

_FTS_TITLE_SQL = _query(
    "SELECT CASE WHEN lower(e.title) = :q THEN 0"
    " WHEN substr(lower(e.title), 1, length(:q)) = :q THEN 1"
    " WHEN instr(lower(e.title), :q) > 0 THEN 2 ELSE 3 END AS tier,"
    f" {_COLUMNS} FROM {FTS_TABLE} JOIN search_entries AS e ON e.id = {FTS_TABLE}.rowid"
    f" WHERE {FTS_TABLE} MATCH :match AND e.kind IN :kinds"
    f" ORDER BY tier, {_KIND_ORDER_SQL}, e.title, e.record_id LIMIT :limit"
)

_FTS_BODY_SQL = _query(
    f"SELECT 3 AS tier, {_COLUMNS} FROM {FTS_TABLE} JOIN search_entries AS e ON e.id = {FTS_TABLE}.rowid"
    f" WHERE {FTS_TABLE} MATCH :match AND e.kind IN :kinds"
    f" ORDER BY {_KIND_ORDER_SQL}, e.title, e.record_id LIMIT :limit"
)

_PINYIN_EXACT_SQL = _query(
    f"SELECT DISTINCT 0 AS tier, {_COLUMNS} FROM search_pinyin AS p"
    " CROSS JOIN search_entries AS e ON e.id = p.entry_id"
    " WHERE p.key = :q AND e.kind IN :kinds"
    f" ORDER BY {_KIND_ORDER_SQL}, e.title, e.record_id LIMIT :limit"
)

# A key range, not LIKE: it uses the index and needs no escaping. '{' follows 'z'.
_PINYIN_PREFIX_SQL = _query(
    f"SELECT DISTINCT 1 AS tier, {_COLUMNS} FROM search_pinyin AS p"
    " CROSS JOIN search_entries AS e ON e.id = p.entry_id"
    " WHERE p.key > :q AND p.key < :q || '{' AND e.kind IN :kinds"
    f" ORDER BY {_KIND_ORDER_SQL}, e.title, e.record_id LIMIT :limit"
)


# The index does not hold the numbers (it is a copy of what a hit may show): they are read from
# the cadres, the entry joined only to keep the index's rules (no recycle bin, no dead unit).
_ID_NUMBER_SQL = _query(
    f"SELECT CASE WHEN c.id_number = :q THEN {TIER_EXACT} ELSE {TIER_ELSEWHERE} END AS tier,"
    f" {_COLUMNS}, c.id_number FROM cadres AS c"
    " CROSS JOIN search_entries AS e ON e.kind = 'cadres' AND e.record_id = c.id"
    " WHERE instr(c.id_number, :q) > 0 AND c.deleted_at IS NULL AND e.kind IN :kinds"
    " ORDER BY tier, e.title, e.record_id LIMIT :limit"
)

#: How a hit found by its 身份证号 says so, after the cadre's unit and post.
ID_NUMBER_LABEL = "身份证号"


def fts_phrase(value: str) -> str:
    """``value`` as one FTS5 phrase: quoted, inner quotes doubled, so no syntax gets through."""
    return '"' + value.replace('"', '""') + '"'


def _fetch(conn: Connection, stmt: TextClause, kinds: Sequence[str], **params: object) -> list[_Candidate]:
    rows = conn.execute(stmt, {"kinds": list(kinds), **params})
    return [_Candidate(int(t), str(k), int(r), str(title), str(sub)) for t, k, r, title, sub in rows]


def _gram_candidates(conn: Connection, q: str, kinds: Sequence[str], limit: int) -> list[_Candidate]:
    # Title tiers first; the often long "elsewhere" tier only when they do not fill the page.
    found = _fetch(conn, _GRAMS_SQL, kinds, gram=q, lo=TIER_EXACT, hi=TIER_TITLE, limit=limit)
    if len(found) < limit:
        found += _fetch(
            conn, _GRAMS_SQL, kinds, gram=q, lo=TIER_ELSEWHERE, hi=TIER_ELSEWHERE, limit=limit - len(found)
        )
    return found


def _fts_candidates(conn: Connection, q: str, kinds: Sequence[str], limit: int) -> list[_Candidate]:
    phrase = fts_phrase(q)
    found = _fetch(conn, _FTS_TITLE_SQL, kinds, q=q, match=f"title : {phrase}", limit=limit)
    if len(found) < limit:
        # Every title match is already in `found`; the body matches add the rest.
        seen = {(c.kind, c.record_id) for c in found}
        more = _fetch(conn, _FTS_BODY_SQL, kinds, match=f"body : {phrase}", limit=limit)
        found += [c for c in more if (c.kind, c.record_id) not in seen]
    return found


def _pinyin_candidates(conn: Connection, q: str, kinds: Sequence[str], limit: int) -> list[_Candidate]:
    found = _fetch(conn, _PINYIN_EXACT_SQL, kinds, q=q, limit=limit)
    if len(found) < limit:
        seen = {(c.kind, c.record_id) for c in found}
        more = _fetch(conn, _PINYIN_PREFIX_SQL, kinds, q=q, limit=limit)
        found += [c for c in more if (c.kind, c.record_id) not in seen]
    return found


def _id_number_candidates(conn: Connection, q: str, limit: int) -> list[_Candidate]:
    """Cadres whose 身份证号 contains ``q``, each line ending with the number masked."""
    rows = conn.execute(_ID_NUMBER_SQL, {"kinds": ["cadres"], "q": q.upper(), "limit": limit})
    out = []
    for tier, kind, record_id, title, subtitle, number in rows:
        shown = f"{ID_NUMBER_LABEL} {mask_id_number(number)}"
        line = f"{subtitle} · {shown}" if subtitle else shown
        out.append(_Candidate(int(tier), str(kind), int(record_id), str(title), line))
    return out


def search(
    db: Database, text: str, *, limit: int = 50, kinds: Collection[str] | None = None
) -> list[SearchHit]:
    """The records matching ``text``, best first, at most ``limit`` of them.

    ``kinds`` restricts the hits to these record kinds (table names, see KIND_LABELS).
    """
    unknown = set(kinds or ()) - set(KINDS)
    if unknown:
        raise ValueError(f"not a searchable kind: {sorted(unknown)}")
    wanted = [k for k in KINDS if kinds is None or k in kinds]
    q = normalize_query(text)
    if not q or limit <= 0 or not wanted:
        return []
    syllables = q.replace(" ", "")
    with db.read() as uow:
        conn = uow.session.connection()
        if len(q) >= 3:
            found = _fts_candidates(conn, q, wanted, limit)
        else:
            found = _gram_candidates(conn, q, wanted, limit)
        if _PINYIN.fullmatch(syllables) and "cadres" in wanted:
            found += _pinyin_candidates(conn, syllables, ["cadres"], limit)
        by_id_number = (
            _id_number_candidates(conn, q, limit) if _ID_PART.fullmatch(q) and "cadres" in wanted else []
        )

    # Each source returned its own best `limit`, so the best `limit` overall are among them.
    best: dict[tuple[str, int], _Candidate] = {}
    for cand in found:
        key = (cand.kind, cand.record_id)
        if key not in best or cand.tier < best[key].tier:
            best[key] = cand
    for cand in by_id_number:  # its line says why the cadre was found
        key = (cand.kind, cand.record_id)
        if key in best and best[key].tier < cand.tier:
            cand = _Candidate(best[key].tier, cand.kind, cand.record_id, cand.title, cand.subtitle)
        best[key] = cand
    ranked = sorted(best.values(), key=lambda c: c.sort_key)[:limit]
    return [SearchHit(c.kind, c.record_id, c.title, c.subtitle, TIER_SCORES[c.tier]) for c in ranked]
