"""Year-end figures: ``wsjc-desktop stats --year 2026 --json`` on the stress database.

Run from the repository root: ``python benchmarks/stats_bench.py``. Uses the cached
scale-100 demo database (built on first use; a copy is used so the cache is never written)
and writes benchmarks/results/stats.md. Each figure is measured in the same run as its floors:

- the whole command in a fresh process (what a user waits for) against a fresh Python
  process that only imports sqlite3 and runs one raw count over the year's talk persons
  (the biggest table the figures read);
- the in-process ``stats.compute`` + every figure for the group, each unit and each member,
  against the raw SQLite queries behind it run with nothing else.

Goal (issue 6): the command answers within a second.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import demo_db, median  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "stats.md"
RUNS = 7
GOAL_SECONDS = 1.0
TODAY = "2026-11-22"

RAW_FLOOR = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
    'print(c.execute("SELECT count(*) FROM talk_cadres tc JOIN talks t ON t.id = tc.talk_id '
    "WHERE t.deleted_at IS NULL AND t.held_on BETWEEN '2026-01-01' AND '2026-12-31'\").fetchone()[0])"
)


def timed_process(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(source: Path, runs: int = RUNS) -> dict[str, object]:
    """Medians (s) of the CLI in a fresh process and its floor, compute and the raw selects, on a copy
    of ``source`` (never written)."""
    from wsjc_desktop.services import stats
    from wsjc_desktop.storage.database import open_database

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stress.db"
        shutil.copyfile(source, path)
        command = [sys.executable, "-m", "wsjc_desktop", "stats", "--year", "2026", "--db", str(path)]
        command += ["--json", "--today", TODAY]
        timed_process(command)  # warm the page cache once
        cli = [timed_process(command) for _ in range(runs)]
        floor = [timed_process([sys.executable, "-c", RAW_FLOOR, str(path)]) for _ in range(runs)]

        db = open_database(path)
        try:
            period, today = stats.Period.year(2026), date.fromisoformat(TODAY)
            inproc, raw = [], []
            for _ in range(runs):
                started = time.perf_counter()
                report = stats.compute(db, period, today=today)
                report.as_json()
                inproc.append(time.perf_counter() - started)
                started = time.perf_counter()
                with db.read() as uow:
                    from sqlalchemy import text

                    for _table, sql in stats.SOURCE_SQL.values():
                        uow.session.execute(text(sql), stats.sql_params(period, today)).fetchall()
                raw.append(time.perf_counter() - started)
            counted = report.value("talks.person_times")
        finally:
            db.dispose()
    return {
        "cli": median(cli),
        "floor": median(floor),
        "compute": median(inproc),
        "raw": median(raw),
        "person_times": counted,
    }


def main() -> None:
    figures = measure(demo_db(100))
    cli, floor_s = float(figures["cli"]), float(figures["floor"])  # type: ignore[arg-type]
    compute, raw_s = float(figures["compute"]), float(figures["raw"])  # type: ignore[arg-type]
    counted = int(figures["person_times"])  # type: ignore[call-overload]
    rows = [
        ("`wsjc-desktop stats --json`, fresh process", cli, floor_s, "Python + one raw count"),
        (
            "compute + every figure (group, units, members)",
            compute,
            raw_s,
            "the raw fact selects",
        ),
    ]
    lines = [
        "# Year-end figures (issue 6)",
        "",
        f"Stress database (demo scale 100: 600 units, 33k cadres, {counted:,} talk 人次 in 2026); "
        f"median of {RUNS} runs, each floor measured in the same run.",
        "",
        "| what | time | floor | floor is | ratio |",
        "|---|---:|---:|---|---:|",
    ]
    for what, value, base, base_is in rows:
        lines.append(
            f"| {what} | {value * 1000:.0f} ms | {base * 1000:.0f} ms | {base_is} | {value / base:.2f}× |"
        )
    verdict = "met" if cli <= GOAL_SECONDS else "missed"
    lines += [
        "",
        f"Goal: the command answers within {GOAL_SECONDS:.0f} s — **{verdict}** ({cli:.2f} s).",
    ]
    text_out = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text_out, encoding="utf-8")
    print(text_out)


if __name__ == "__main__":
    main()
