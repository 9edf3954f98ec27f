"""The problem and clue-register rules: each written once for memory and for SQL, and the two agree."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from wsjc_desktop.domain import problem_rules as pr
from wsjc_desktop.domain.enums import ClueStage, NoticeStatus, ProblemHandoff, ProblemStatus
from wsjc_desktop.domain.notice_rules import sql_date

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("closed_on", "handoff", "notice", "clue", "expected"),
    [
        (None, None, None, None, ProblemStatus.FOUND),
        (None, ProblemHandoff.NOTICE, None, None, ProblemStatus.ASSIGNED),  # the notice not linked yet
        (None, ProblemHandoff.NOTICE, NoticeStatus.DRAFT, None, ProblemStatus.ASSIGNED),
        (None, ProblemHandoff.NOTICE, NoticeStatus.ISSUED, None, ProblemStatus.ASSIGNED),
        (None, ProblemHandoff.NOTICE, NoticeStatus.FED_BACK, None, ProblemStatus.RECTIFYING),
        (None, ProblemHandoff.NOTICE, NoticeStatus.RECTIFIED, None, ProblemStatus.RECTIFIED),
        (None, ProblemHandoff.TALK, None, None, ProblemStatus.RECTIFYING),
        (None, ProblemHandoff.CLUE, None, ClueStage.DISPOSING, ProblemStatus.ASSIGNED),
        (None, ProblemHandoff.CLUE, None, ClueStage.CLOSED, ProblemStatus.RECTIFIED),
        (date(2026, 5, 1), ProblemHandoff.NOTICE, NoticeStatus.RECTIFIED, None, ProblemStatus.CLOSED),
        (date(2026, 5, 1), None, None, None, ProblemStatus.CLOSED),
    ],
)
def test_the_stored_status_follows_what_is_recorded(
    closed_on: date | None,
    handoff: ProblemHandoff | None,
    notice: NoticeStatus | None,
    clue: ClueStage | None,
    expected: ProblemStatus,
) -> None:
    assert (
        pr.derive_status(closed_on=closed_on, handoff=handoff, notice_status=notice, clue_stage=clue)
        is expected
    )


def _problems_table(rows: list[tuple[int, str, date | None]]) -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE problems (id INTEGER, status TEXT, deadline DATE)")
    con.executemany(
        "INSERT INTO problems VALUES (?, ?, ?)", [(i, s, d and d.isoformat()) for i, s, d in rows]
    )
    return con


def test_overdue_in_memory_and_in_sql_agree() -> None:
    deadlines = [None, TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=1)]
    statuses = [s for s in ProblemStatus if s is not ProblemStatus.OVERDUE]
    rows = [(n, s.value, d) for n, (s, d) in enumerate((s, d) for s in statuses for d in deadlines)]
    con = _problems_table(rows)
    in_sql = {
        r[0] for r in con.execute(f"SELECT id FROM problems p WHERE {pr.overdue_sql('p', sql_date(TODAY))}")
    }
    in_memory = {n for n, s, d in rows if pr.is_overdue(s, d, TODAY)}
    assert in_sql == in_memory
    # only the ones not rectified yet, and only past the day: 待交办/已交办/整改中 due yesterday
    assert {(rows[n][1], rows[n][2]) for n in in_memory} == {
        (s, TODAY - timedelta(days=1)) for s in ("found", "assigned", "rectifying")
    }


@pytest.mark.parametrize(
    ("elapsed", "expected"),
    [
        (0, pr.Light.GREEN),
        (5, pr.Light.GREEN),
        (6, pr.Light.YELLOW),
        (10, pr.Light.YELLOW),
        (11, pr.Light.RED),
    ],
)
def test_a_clue_turns_yellow_past_half_its_limit_and_red_past_it(elapsed: int, expected: pr.Light) -> None:
    table = {"assessing": 10}
    since = TODAY - timedelta(days=elapsed)
    assert pr.light(ClueStage.ASSESSING, since, TODAY, table) is expected
    assert pr.stage_deadline(ClueStage.ASSESSING, since, table) == since + timedelta(days=10)


def test_a_closed_clue_or_one_without_a_start_has_no_light() -> None:
    assert pr.light(ClueStage.CLOSED, TODAY - timedelta(days=400), TODAY) is None
    assert pr.light(ClueStage.REGISTERED, None, TODAY) is None
    assert pr.stage_limit(ClueStage.REGISTERED, {"registered": 0}) is None  # 0: no limit
    assert pr.stage_limit(ClueStage.DISPOSING) == pr.DEFAULT_STAGE_DAYS["disposing"]


def test_the_light_in_sql_is_the_light_in_memory() -> None:
    table = {"registered": 4, "assessing": 9, "disposing": 30}
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE clues (id INTEGER, stage TEXT, stage_since DATE)")
    rows = []
    for stage in ClueStage:
        for elapsed in (0, 2, 3, 4, 5, 9, 10, 15, 16, 30, 31, 100):
            rows.append((len(rows), stage.value, (TODAY - timedelta(days=elapsed)).isoformat()))
    rows.append((len(rows), "assessing", None))
    con.executemany("INSERT INTO clues VALUES (?, ?, ?)", rows)
    got = dict(con.execute(f"SELECT id, {pr.light_sql('c', sql_date(TODAY), table)} FROM clues c").fetchall())
    for key, stage, since in rows:
        light = pr.light(stage, date.fromisoformat(since) if since else None, TODAY, table)
        assert got[key] == (light.value if light else None), (stage, since)
    assert {v for v in got.values()} == {None, "green", "yellow", "red"}
