"""The year-end figures the group used to count by hand, each traceable to its records.

Every figure is counted from *facts*: one small row per record (or per person of a talk)
loaded once for the period. A figure is a test on facts and a measure (count, sum of a
weight, distinct values), so the number and the list of records behind it can never
disagree: :meth:`Report.trace` returns exactly the facts a figure counted. The same facts
give the figures for the whole group, per unit and per member.

Rules (the ones a year-end summary relies on):

- deleted records (in the recycle bin) never count; a talk's person whose cadre is in the
  recycle bin does not count either;
- a talk with three cadres is one talk and three 人次;
- a notice counts in the period it was issued (drafts never count); 逾期 is judged as of
  ``today``; a notice rectified after its deadline counts as rectified *and* as late;
- 党廉回复 count 人次 by reply date, one row per person named;
- 监察对象 are those serving now in units under supervision (not tied to the period);
- 监督检查 count by the day they began, once for the group and once for each unit checked;
  提前把关议题 are the non-empty lines of a 议题前置审查's 议题 (:func:`agenda_topics`);
- problems and clues count in the period they were found or received; whether a problem was
  销号 or is 逾期, and whether a clue is past its stage's limit (its light, setting
  ``clues.stage_days``), is judged on the period's last day, or today if that is earlier; so is
  whether a sanction's 影响期 covers the day (``sanctions.in_effect``, not tied to the period);
- derived figures are computed from counted ones: sums (the 四种形态: the first form is the
  discipline records of that form plus every talk-cadre with a 第一种形态 handling) and rates
  (the 销号率, whole percent rounded half up).

Where it lives: this module holds :func:`compute`, the entry point, and re-exports the public
names of the modules it is split into, so callers import everything from here:

- :mod:`~wsjc_desktop.services.stats_figures`: the period, the facts' signatures and every
  figure's definition (:data:`FIGURES`, :data:`SECTIONS`);
- :mod:`~wsjc_desktop.services.stats_sql`: the selects the facts are read with and their loader;
- :mod:`~wsjc_desktop.services.stats_report`: :class:`Report` (counting, tracing, JSON) and the
  Chinese :func:`sentences` of the year-end summary;
- :mod:`~wsjc_desktop.services.stats_activity`: the 工作台's monthly and per-unit charts.

The notices' rules (反馈, 整改, 逾期) are those of :mod:`wsjc_desktop.domain.notice_rules`.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import TYPE_CHECKING

from wsjc_desktop.services.stats_activity import (
    SERIES,
    SERIES_MEETINGS,
    SERIES_NOTICES,
    SERIES_REPLIES,
    SERIES_TALKS,
    activity,
    monthly_activity,
    unit_activity,
)
from wsjc_desktop.services.stats_figures import (
    DERIVED,
    FIGURE_BY_KEY,
    FIGURES,
    FIGURES_BY_SOURCE,
    SECTION_CADRES,
    SECTION_CLUES,
    SECTION_DISCIPLINE,
    SECTION_FILES,
    SECTION_INSPECTIONS,
    SECTION_MEETINGS,
    SECTION_NOTICES,
    SECTION_PROBLEMS,
    SECTION_REPLIES,
    SECTION_TALKS,
    SECTIONS,
    SOURCE_ATTRS,
    Attrs,
    Fact,
    FigureDef,
    Period,
    Test,
    agenda_topics,
    cn_date,
    figure,
    people,
)
from wsjc_desktop.services.stats_report import (
    CN_DIGITS,
    Counts,
    Figure,
    Report,
    TraceRow,
    cn_count,
    percent,
    sentences,
)
from wsjc_desktop.services.stats_sql import (
    MEMBERS_SQL,
    SOURCE_EXTRAS,
    SOURCE_SQL,
    UNITS_SQL,
    Runner,
    _groups_on_two_connections,
    _Loader,
    runner,
    sql_params,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from wsjc_desktop.storage.database import Database

__all__ = [
    "CN_DIGITS",
    "DERIVED",
    "FIGURES",
    "FIGURES_BY_SOURCE",
    "FIGURE_BY_KEY",
    "MEMBERS_SQL",
    "SECTIONS",
    "SECTION_CADRES",
    "SECTION_CLUES",
    "SECTION_DISCIPLINE",
    "SECTION_FILES",
    "SECTION_INSPECTIONS",
    "SECTION_MEETINGS",
    "SECTION_NOTICES",
    "SECTION_PROBLEMS",
    "SECTION_REPLIES",
    "SECTION_TALKS",
    "SERIES",
    "SERIES_MEETINGS",
    "SERIES_NOTICES",
    "SERIES_REPLIES",
    "SERIES_TALKS",
    "SOURCE_ATTRS",
    "SOURCE_EXTRAS",
    "SOURCE_SQL",
    "UNITS_SQL",
    "Attrs",
    "Counts",
    "Fact",
    "Figure",
    "FigureDef",
    "Period",
    "Report",
    "Runner",
    "Test",
    "TraceRow",
    "activity",
    "agenda_topics",
    "cn_count",
    "cn_date",
    "compute",
    "figure",
    "monthly_activity",
    "people",
    "percent",
    "runner",
    "sentences",
    "sql_params",
    "unit_activity",
]


def compute(
    db: Database | Session | sqlite3.Connection,
    period: Period,
    *,
    today: date | None = None,
    split: bool = True,
) -> Report:
    """Count the period's figures; what is behind a figure is fetched when asked for.

    Given a Database, tracing opens its own read transaction later; given a Session or a
    connection, it must still be open when :meth:`Report.trace` is called. Given an sqlite3
    connection to a file, the talks are counted at the same time on a second connection
    (``split``); pass False when another thread already keeps the second core busy (the
    command line's integrity check: three threads on two cores were 0.15 s slower).
    """
    today = today or date.today()
    read = getattr(db, "read", None)
    if read is None:
        loader = _Loader(runner(db), period, today)
        if isinstance(db, sqlite3.Connection) and split:
            groups = _groups_on_two_connections(db, loader)
        else:
            groups = {s: loader.groups(s) for s in SOURCE_SQL}
        return Report(period, today, loader, groups, loader.facts)
    with read() as uow:
        loader = _Loader(runner(uow.session), period, today)
        groups = {source: loader.groups(source) for source in SOURCE_SQL}

    def fetch(source: str) -> list[Fact]:
        with read() as uow:
            loader.run = runner(uow.session)
            return loader.facts(source)

    return Report(period, today, loader, groups, fetch)
