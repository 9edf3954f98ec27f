"""Crash soak: kill a working program (SIGKILL) hundreds of times and check the file after each kill.

The same harness as ``tests/crash`` (``tests.crash.harness.CrashHarness``): a worker process does
bulk writes through the real services (records, notices.issue, roster imports of 200 rows, each
one transaction), journalling every write the services reported committed; it is killed after a
random delay (seeded) and the file is checked before anything else opens it: integrity_check,
open_database, every reported write present with its values, every import all or nothing, the
killed program's lock seen as stale, and a write after restarting. The kills run in sequence on
one file, so the data accumulates.

Every ``--replace-every``-th round (4: a quarter of them, from round 2 on) replaces the file
instead, a restore and an encryption in turn, killed after a seeded delay drawn from
[0, 1.2 × the time the operation takes run whole]:

* restore: a backup of the file (made with ``backup.create_backup``, then a few writes it does not
  have) is restored over it by a worker under the writer lock (``backup.restore``, as
  ``cli restore``); the next start (recovery, ``open_database``) must find exactly the old file or
  exactly the backup, intact, with no temporary or intent file left in its folder or the backup
  folder, and a safety copy, if made, that verifies and holds the old file;
* encrypt: a copy of the file with two plain backups is encrypted with them by a worker
  (``backup.encrypt_database(backups="convert")``, as ``cli encrypt``); the next start (with the
  passphrase if the file is encrypted) must find every row, intact, no file of the operation
  left, the backups like the file, and, if it is encrypted, a marker in the data readable in no
  file of the folder tree.

Run from the repository root (Linux or macOS; Windows has no SIGKILL):

    python benchmarks/soak_crash.py [--kills 200] [--seed 1] [--replace-every 4] [--keep DIR]

Prints each round and writes benchmarks/results/crash_soak.md. Exit code 1 if anything was lost,
half-imported, damaged or left behind.
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


def render(
    report: Report, *, kills: int, seed: int, elapsed: float, db_path: Path, replace_every: int = 4
) -> str:
    counts = _counts(db_path)
    size = db_path.stat().st_size / 1e6
    verdict = "**passes**" if report.failures == 0 and report.kills >= kills else "**FAILS**"
    replaced = report.restore_rounds + report.encrypt_rounds
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
        ("restores/encryptions that lost data (neither the old file nor the new whole)", report.replace_lost),
        ("leftover files after the next start (temporary, intent, `.partial`, `.old`)", report.leftovers),
        ("plaintext left after encrypt (a marker readable in a file)", report.plaintext_left),
        ("safety copies of a restore that did not verify or were not the old file", report.safety_copies_bad),
        ("backups not like the file after encrypt (plain/encrypted, verifying)", report.backups_wrong),
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
        (
            "lock temporaries left by a kill (`wsjc.db.lock.<token>.tmp`, `.stale-<hex>`; never removed)",
            report.lock_temps_left,
        ),
        ("torn journal lines (the worker died writing one)", report.torn_journal_lines),
    ]
    replacing = [
        ("restore rounds", report.restore_rounds),
        ("restore rounds: found old (the file as before)", report.restore_found_old),
        ("restore rounds: found new (the backup)", report.restore_found_new),
        (
            "restore rounds: the kill left a step for the next start to undo or finish",
            report.recovered_by_start["restore"],
        ),
        ("restore rounds: killed after the restore had returned", report.killed_after_end["restore"]),
        ("safety copies made before a restore (each verified)", report.safety_copies),
        ("encrypt rounds", report.encrypt_rounds),
        ("encrypt rounds: found plain", report.encrypt_found_plain),
        ("encrypt rounds: found encrypted", report.encrypt_found_encrypted),
        (
            "encrypt rounds: the kill left a step for the next start to undo or finish",
            report.recovered_by_start["encrypt"],
        ),
        ("encrypt rounds: killed after the encryption had returned", report.killed_after_end["encrypt"]),
    ]
    about_replacing = (
        f"One round in {replace_every} (from round 2 on; {replaced} of {report.kills}) replaces the file "
        "instead, a restore and an encryption in turn, each killed after a seeded delay drawn from "
        "[0, 1.2 × the time the operation took run whole on a copy] (the median of 3 runs, timed again "
        "whenever the file has grown by a quarter; real timing, no patched kill points). *Restore*: "
        "a backup of the file (`backup.create_backup`, then three writes it lacks) "
        "is restored over it by a worker under the writer lock (`backup.restore`, as `cli restore`); "
        "the next start (`recovery.recover_interrupted`, `open_database`) must find exactly the old "
        "file or exactly the backup (row counts of every table, a digest of units, cadres and notices), "
        "`integrity_check` ok, no temporary, intent, `.partial` or `.old` file in the folder or the "
        "backup folder, and a safety copy, if made, that verifies and is the old file. *Encrypt*: a "
        "copy of the file with a marker record and two plain backups is encrypted with them by a "
        'worker (`backup.encrypt_database(backups="convert")`, as `cli encrypt`); the next start '
        "(with the passphrase if the file is encrypted) must find every row (the same digest), "
        "`integrity_check` ok, nothing of the operation left, the backups plain beside a plain file or "
        "encrypted (verifying) beside an encrypted one, and then the marker in no file of the folder. "
        "The workers load the program's modules before the operation begins (a window has them "
        "loaded), so the delays span the work on the files; the encryption derives its key with "
        "4,000 iterations (as `tests/crash/step_worker.py`)."
        if replace_every >= 2
        else "No round replaced the file (`--replace-every 0`)."
    )
    option = f" --replace-every {replace_every}" if replace_every != 4 else ""
    lines = [
        "# Crash soak",
        "",
        f"`python benchmarks/soak_crash.py --kills {kills} --seed {seed}{option}` on {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} CPUs. A worker process writes through the real services (records "
        "create/update/delete, notices.issue, roster imports of 200 rows from .xlsx and .csv, each "
        "one transaction) and is killed with SIGKILL after a random, seeded delay; the file is "
        "checked after every kill. All kills run on one file, so the data accumulates.",
        "",
        about_replacing,
        "",
        f"Result: {verdict}: nothing lost, nothing half-imported, no damage, nothing left behind after "
        f"{report.kills} kills.",
        "",
        "| check | count |",
        "|---|---:|",
        *(f"| {label} | {value:,} |" for label, value in rows),
        "",
        "| what happened | count |",
        "|---|---:|",
        *(f"| {label} | {value:,} |" for label, value in activity),
        "",
        "| restore and encrypt rounds | count |",
        "|---|---:|",
        *(f"| {label} | {value:,} |" for label, value in replacing),
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
        *(
            f"| {mode} run whole on a copy, to draw the delays ({len(values)} runs) | {_seconds(values)} |"
            for mode, values in sorted(report.timed.items())
        ),
        *(
            f"| {mode}: the kill's delay after the operation began | {_seconds(values)} |"
            for mode, values in sorted(report.delays.items())
        ),
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
    parser.add_argument(
        "--replace-every",
        type=int,
        default=4,
        metavar="N",
        help="every Nth round a restore or an encryption, in turn (4; 0: none)",
    )
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
        done = f"{harness.outcome}" if strategy == "during" else ""
        print(
            f"[{number:4d}/{args.kills}] {mode:7s} {strategy:8s} alive {r.lived[-1]:.2f}s "
            f"check {r.verify_seconds[-1]:.2f}s  writes {r.writes_committed} imports {r.imports_committed}  "
            f"{done + ', ' if done else ''}{state}",
            flush=True,
        )

    try:
        report = harness.run(args.kills, on_round=progress, replace_every=args.replace_every)
        elapsed = time.monotonic() - started
        text = render(
            report,
            kills=args.kills,
            seed=args.seed,
            elapsed=elapsed,
            db_path=harness.db_path,
            replace_every=args.replace_every,
        )
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
