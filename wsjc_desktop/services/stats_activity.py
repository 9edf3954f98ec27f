"""The 工作台's activity charts: monthly counts and counts per unit of the year's work.

Four series (谈话人次, 列席会议, 廉情提醒, 党廉回复) counted per month and per unit under
supervision from the same selects and rules as the year-end figures
(:mod:`wsjc_desktop.services.stats_sql`), on plain DB-API connections so that drawing the
工作台 imports no SQLAlchemy. :func:`activity` gives both data sets from one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from wsjc_desktop.services.stats_figures import Period
from wsjc_desktop.services.stats_sql import UNITS_SQL, _alongside, _facts_cte, _ids, runner, sql_params

if TYPE_CHECKING:
    from wsjc_desktop.storage.database import Database

# --- the dashboard's charts -----------------------------------------------------------------

SERIES_TALKS = "谈话（人次）"
SERIES_MEETINGS = "列席会议（次）"
SERIES_NOTICES = "廉情提醒（份）"
SERIES_REPLIES = "党廉回复（人次）"
SERIES = (SERIES_TALKS, SERIES_MEETINGS, SERIES_NOTICES, SERIES_REPLIES)
_SERIES_SOURCES = {
    SERIES_TALKS: "talk_persons",
    SERIES_MEETINGS: "meetings",
    SERIES_NOTICES: "notices",
    SERIES_REPLIES: "replies",
}


def _series_counts(db: Database, year: int) -> dict[str, list[tuple[tuple[int, ...], int, int]]]:
    """(unit ids, month, count) per series, counted from the same facts as the year-end figures."""
    params = sql_params(Period.year(year), date.today())
    out: dict[str, list[tuple[tuple[int, ...], int, int]]] = {}
    cache: dict[str, tuple[int, ...]] = {}

    def count(names: Sequence[str]) -> None:
        with db.raw_read() as conn:
            run = runner(conn)
            for name in names:
                facts = _facts_cte(_SERIES_SOURCES[name])
                query = f"{facts} SELECT k2, substr(k1, 6, 2), count(*) FROM f GROUP BY 1, 2"
                out[name] = [
                    (_ids(units, cache), int(month), int(n)) for units, month, n in run(query, params)
                ]

    if db.encrypted:  # one connection (each further one derives the key again)
        count(SERIES)
        return out
    # the talks (the most rows) on a second connection (see _alongside)
    _alongside(
        lambda: count([SERIES_TALKS]),
        lambda: count([name for name in SERIES if name != SERIES_TALKS]),
        "wsjc-chart-talks",
    )
    return {name: out[name] for name in SERIES}


def activity(db: Database, year: int) -> tuple[dict[str, list[int]], list[tuple[str, dict[str, int]]]]:
    """Both chart data sets of the dashboard from one pass over the year: series label → 12
    monthly counts, and (unit name, series label → count) per unit under supervision, in order."""
    with db.raw_read() as conn:
        units = [
            (uid, short or full) for uid, full, short, in_scope in runner(conn)(UNITS_SQL, {}) if in_scope
        ]
    monthly = {name: [0] * 12 for name in SERIES}
    totals: dict[int, dict[str, int]] = {uid: dict.fromkeys(SERIES, 0) for uid, _name in units}
    for name, rows in _series_counts(db, year).items():
        for unit_ids, month, count in rows:
            monthly[name][month - 1] += count
            for unit_id in unit_ids:
                if unit_id in totals:
                    totals[unit_id][name] += count
    return monthly, [(unit_name, totals[uid]) for uid, unit_name in units]


def monthly_activity(db: Database, year: int) -> dict[str, list[int]]:
    """Series label → 12 monthly counts for ``year`` (the same rules as the year-end figures)."""
    return activity(db, year)[0]


def unit_activity(db: Database, year: int) -> list[tuple[str, dict[str, int]]]:
    """(unit name, series label → count) for every unit under supervision, in unit order."""
    return activity(db, year)[1]
