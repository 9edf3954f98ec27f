"""Search latency on a large demo database, next to raw SQLite queries of the same kind.

    python benchmarks/search_latency.py [--scale 100] [--db PATH] [--queries 60]

The database is made once with ``generate_demo(db, scale=N, seed=1)`` and kept under
``benchmarks/data/`` (git-ignored). Queries are drawn from the data itself with a fixed
seed, so common characters (surnames) come up as often as users would type them. Every
query runs once to warm the cache, then once timed.

For each class the raw query is the cheapest thing SQLite could do for that class, with no
ranking: ``LIKE '%x%' LIMIT 50`` on cadre names for 1–2 characters, an FTS5 MATCH for 3+,
and an index range on the pinyin keys. ``search()`` does more (every kind, ranking, a read
transaction per call), so the ratio shows what that costs.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from common import DATA_DIR, build_database

from wsjc_desktop.services.search import search
from wsjc_desktop.storage.database import Database, open_database
from wsjc_desktop.storage.search_index import pinyin_keys

LIMIT = 50


@dataclass(frozen=True)
class QueryClass:
    name: str
    queries: list[str]
    raw_sql: str
    raw_params: Callable[[str], tuple[str, ...]]


def like_pattern(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_phrase(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def substrings(rng: random.Random, texts: Sequence[str], lengths: Sequence[int], count: int) -> list[str]:
    out: list[str] = []
    attempts = 0
    while len(out) < count and attempts < count * 100:
        attempts += 1
        text = rng.choice(texts)
        n = rng.choice(lengths)
        if len(text) < n:
            continue
        start = rng.randrange(len(text) - n + 1)
        piece = text[start : start + n]
        if piece.strip() == piece and not any(ch.isspace() for ch in piece):
            out.append(piece)
    return out


def pinyin_queries(rng: random.Random, names: Sequence[str], count: int) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        full, initials = pinyin_keys(rng.choice(names))
        if len(initials) < 2:
            continue
        form = len(out) % 3
        if form == 0:
            out.append(full)
        elif form == 1:
            out.append(initials)
        else:
            out.append(full[: rng.randrange(2, len(full) + 1)])
    return out


def query_classes(con: sqlite3.Connection, count: int, seed: int) -> list[QueryClass]:
    rng = random.Random(seed)

    def column(sql: str) -> list[str]:
        return [r[0] for r in con.execute(sql) if r[0]]

    names = column("SELECT name FROM cadres WHERE deleted_at IS NULL")
    short = names + column("SELECT full_name FROM units WHERE deleted_at IS NULL")
    long_texts = (
        column("SELECT title FROM alert_notices WHERE deleted_at IS NULL")
        + column("SELECT problems FROM alert_notices WHERE deleted_at IS NULL")
        + column("SELECT topics FROM meetings WHERE deleted_at IS NULL")
        + column("SELECT reason FROM talks WHERE deleted_at IS NULL")
        + short
    )
    like = "SELECT id FROM cadres WHERE name LIKE ? ESCAPE '\\' LIMIT 50"
    return [
        QueryClass("1-char", substrings(rng, names, [1], count), like, lambda q: (like_pattern(q),)),
        QueryClass("2-char", substrings(rng, short, [2], count), like, lambda q: (like_pattern(q),)),
        QueryClass(
            "3+char",
            substrings(rng, long_texts, [3, 4, 5, 6], count),
            "SELECT rowid FROM search_fts WHERE search_fts MATCH ? LIMIT 50",
            lambda q: (fts_phrase(q),),
        ),
        QueryClass(
            "pinyin",
            pinyin_queries(rng, names, count),
            "SELECT entry_id FROM search_pinyin WHERE key >= ? AND key < ? LIMIT 50",
            lambda q: (q, q + "{"),
        ),
    ]


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(db: Database, con: sqlite3.Connection, qc: QueryClass) -> tuple[list[float], list[float], float]:
    def ours(q: str) -> Callable[[], object]:
        return lambda: search(db, q, limit=LIMIT)

    def raw(q: str) -> Callable[[], object]:
        return lambda: con.execute(qc.raw_sql, qc.raw_params(q)).fetchall()

    for q in qc.queries:  # warm the page cache for both
        ours(q)()
        raw(q)()
    ours_ms = [timed(ours(q)) for q in qc.queries]
    raw_ms = [timed(raw(q)) for q in qc.queries]
    hits = statistics.mean(len(search(db, q, limit=LIMIT)) for q in qc.queries)
    return ours_ms, raw_ms, hits


def measure_all(path: Path, queries: int = 60, seed: int = 7) -> list[dict[str, object]]:
    """Per query class: search() and raw-query p50/p95 in ms, mean hits and example queries.

    ``path`` is opened as the program opens it (it may be upgraded): pass a copy of the cache.
    """
    db = open_database(path)
    con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    out: list[dict[str, object]] = []
    try:
        for qc in query_classes(con, queries, seed):
            ours_ms, raw_ms, hits = measure(db, con, qc)
            out.append(
                {
                    "name": qc.name,
                    "p50": percentile(ours_ms, 50),
                    "p95": percentile(ours_ms, 95),
                    "raw_p50": percentile(raw_ms, 50),
                    "raw_p95": percentile(raw_ms, 95),
                    "hits": hits,
                    "examples": qc.queries[:4],
                    "count": len(qc.queries),
                }
            )
    finally:
        con.close()
        db.dispose()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, default=100, help="demo data scale (default 100)")
    parser.add_argument("--db", type=Path, help="database file (default benchmarks/data/demo-scale<N>.db)")
    parser.add_argument("--queries", type=int, default=60, help="queries per class (default 60, at least 50)")
    parser.add_argument("--seed", type=int, default=7, help="seed for drawing the queries")
    args = parser.parse_args(argv)
    if args.queries < 50:
        parser.error("--queries must be at least 50")

    path: Path = args.db or DATA_DIR / f"demo-scale{args.scale}.db"
    if not path.exists():
        build_database(path, args.scale)

    db = open_database(path)
    con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        counts = {
            kind: con.execute(f"SELECT count(*) FROM {kind} WHERE deleted_at IS NULL").fetchone()[0]
            for kind in ("units", "cadres", "alert_notices", "meetings", "talks")
        }
        entries = con.execute("SELECT count(*) FROM search_entries").fetchone()[0]
        print(f"\n{path} ({path.stat().st_size / 2**20:.0f} MiB), SQLite {sqlite3.sqlite_version}")
        records = ", ".join(f"{k} {v:,}" for k, v in counts.items())
        print(f"records: {records}; index entries {entries:,}")
        print(f"{args.queries} queries per class, limit {LIMIT}; times in ms\n")
        header = (
            f"{'class':<6} {'search p50':>10} {'p95':>8} {'raw p50':>9} {'p95':>8} "
            f"{'ratio p50':>9} {'p95':>7} {'hits':>6}  examples"
        )
        print(header)
        print("-" * len(header))
        for qc in query_classes(con, args.queries, args.seed):
            ours_ms, raw_ms, hits = measure(db, con, qc)
            o50, o95 = percentile(ours_ms, 50), percentile(ours_ms, 95)
            r50, r95 = percentile(raw_ms, 50), percentile(raw_ms, 95)
            print(
                f"{qc.name:<6} {o50:>10.2f} {o95:>8.2f} {r50:>9.3f} {r95:>8.3f} "
                f"{o50 / r50:>8.1f}× {o95 / r95:>6.1f}× {hits:>6.1f}  {' '.join(qc.queries[:4])}"
            )
    finally:
        con.close()
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
