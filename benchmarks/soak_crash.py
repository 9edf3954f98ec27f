"""Crash soak: kill a working program (SIGKILL) hundreds of times and check the file after each kill.

The same harness as ``tests/crash`` (``tests.crash.harness.CrashHarness``): a worker process does
bulk writes through the real services (records, notices.issue, roster imports of 200 rows, each
one transaction), journalling every write the services reported committed; it is killed after a
random delay (seeded) and the file is checked before anything else opens it: integrity_check,
open_database, every reported write present with its values, every import all or nothing, the
killed program's lock seen as stale, and a write after restarting. The kills run in sequence on
one file, so the data accumulates.

Run from the repository root (Linux or macOS; Windows has no SIGKILL):

    python benchmarks/soak_crash.py [--kills 200] [--seed 1] [--keep DIR]

Prints each round and writes benchmarks/results/crash_soak.md. Exit code 1 if anything was lost,
half-imported or damaged.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.crash.harness import CrashHarness, Report  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "crash_soak.md"


def _seconds(values: list[float]) -> str:
    if not values:
        return "–"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.2f} / {p95:.2f} / {ordered[-1]:.2f}"


def _counts(db_path: Path) -> dict[str, int]:
    con = sqlite3.connect(db_path)
    try:
        tables = ("units", "cadres", "alert_notices", "audit_entries")
        return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}
    finally:
        con.close()


def render(report: Report, *, kills: int, seed: int, elapsed: float, db_path: Path) -> str:
    counts = _counts(db_path)
    size = db_path.stat().st_size / 1e6
    verdict = "**passes**" if report.failures == 0 and report.kills >= kills else "**FAILS**"
    rows = [
        ("kills (SIGKILL)", report.kills),
        ("checks run", report.checks),
        ("integrity failures (`PRAGMA integrity_check`, `foreign_key_check`)", report.integrity_failures),
        ("files that would not open (`open_database`)", report.open_failures),
        ("records lost (reported written, then missing)", report.records_lost),
        ("values wrong (present, but not as reported)", report.values_wrong),
        ("imports partial (a batch neither 0 nor all rows)", report.imports_partial),
        ("phantoms (data no write reported)", report.phantoms),
        ("writes failed after restarting", report.write_failures),
        ("killed locks not seen as stale", report.lock_not_stale),
        ("workers that died by themselves", report.worker_errors),
    ]
    activity = [
        ("writes reported committed", report.writes_committed),
        ("writes refused by the rules (nothing written)", report.writes_refused),
        ("roster imports reported committed (200 rows each)", report.imports_committed),
        ("kills during an import", report.kills_in_import),
        ("kills during a write", report.kills_in_write),
        ("kills between two writes", report.kills_between),
        ("kills at start-up (before the worker was ready)", report.kills_at_startup),
        ("write under way at the kill: found committed", report.in_flight_applied),
        ("write under way at the kill: found absent (rolled back)", report.in_flight_absent),
        ("stale writer locks cleared by the next start", report.stale_locks_cleared),
        ("lock guards left by a kill (cleared after 3 s unchanged)", report.guards_left),
        ("torn journal lines (the worker died writing one)", report.torn_journal_lines),
    ]
    lines = [
        "# Crash soak",
        "",
        f"`python benchmarks/soak_crash.py --kills {kills} --seed {seed}` on {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} CPUs. A worker process writes through the real services (records "
        "create/update/delete, notices.issue, roster imports of 200 rows from .xlsx and .csv, each "
        "one transaction) and is killed with SIGKILL after a random, seeded delay; the file is "
        "checked after every kill. All kills run on one file, so the data accumulates.",
        "",
        f"Result: {verdict}: nothing lost, nothing half-imported, no damage after {report.kills} kills.",
        "",
        "| check | count |",
        "|---|---:|",
        *(f"| {label} | {value:,} |" for label, value in rows),
        "",
        "| what happened | count |",
        "|---|---:|",
        *(f"| {label} | {value:,} |" for label, value in activity),
        "",
        "Rounds by mode: "
        + ", ".join(f"{mode} {n}" for mode, n in sorted(report.modes.items()))
        + "; by kill moment: "
        + ", ".join(f"{name} {n}" for name, n in sorted(report.strategies.items()))
        + ".",
        "",
        "| duration (s) | median / p95 / max |",
        "|---|---:|",
        f"| worker alive before the kill | {_seconds(report.lived)} |",
        f"| checking the file after a kill | {_seconds(report.verify_seconds)} |",
        f"| whole round | {_seconds(report.rounds_seconds)} |",
        "",
        f"Total {elapsed / 60:.1f} min. The file at the end: {size:.1f} MB, "
        + ", ".join(f"{n:,} {t}" for t, n in counts.items())
        + ".",
    ]
    if report.problems:
        lines += ["", "## Problems", "", *(f"- {p}" for p in report.problems[:50])]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--kills", type=int, default=200, help="how many times to kill the worker (200)")
    parser.add_argument("--seed", type=int, default=1, help="seeds the kill moments and the work (1)")
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (default: a temporary one)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the results")
    args = parser.parse_args(argv)
    if sys.platform == "win32":
        print("Windows has no SIGKILL; run the soak on Linux or macOS.", file=sys.stderr)
        return 2

    # stopped with SIGTERM: unwind, so the worker under way is killed and the folder removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    folder = args.keep or Path(tempfile.mkdtemp(prefix="wsjc-crash-soak-"))
    os.environ.setdefault("WSJC_DATA_DIR", str(folder / "data"))
    # the program's own log (one "cleared a stale writer lock" per round) goes to a file, not here
    logging.basicConfig(filename=folder / "soak.log", level=logging.INFO, encoding="utf-8")
    harness = CrashHarness(folder / "run", seed=args.seed)
    started = time.monotonic()

    def progress(number: int, mode: str, strategy: str, problems: list[str]) -> None:
        r = harness.report
        state = "; ".join(problems) if problems else "ok"
        print(
            f"[{number:4d}/{args.kills}] {mode:7s} {strategy:8s} alive {r.lived[-1]:.2f}s "
            f"check {r.verify_seconds[-1]:.2f}s  writes {r.writes_committed} imports {r.imports_committed}  "
            f"{state}",
            flush=True,
        )

    try:
        report = harness.run(args.kills, on_round=progress)
        elapsed = time.monotonic() - started
        text = render(report, kills=args.kills, seed=args.seed, elapsed=elapsed, db_path=harness.db_path)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"written to {args.out}")
    return 0 if report.failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
