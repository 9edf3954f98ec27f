"""Every benchmark in one run, each figure next to its floor measured in the same run.

    python benchmarks/run_all.py            # realistic (demo --scale 10) and stress (--scale 100);
                                            # the window's start-up also at --scale 1
    python benchmarks/run_all.py --quick    # fewer runs, scale 10 only: a fast check
    python benchmarks/run_all.py --runs 3 --output /tmp/trial.md   # fewer cold starts, elsewhere

Prints one table and writes benchmarks/results/latest.md (or ``--output``), with a "Profile of
missed goals" section for each start-up goal missed (``ui_startup.profile_markdown``). The demo
databases are the cached ones of ``common.demo_db(scale)``; every benchmark works on copies in a
temporary folder (the program opens its file for writing), so the cached files are never written.

The functions are those of the single benchmarks (``ui_startup.measure``,
``search_latency.measure_all``, ``printing_bench.measure``, ``excel_export_bench.measure``,
``roster_import_bench.measure``, ``backup_bench.measure``, ``stats_bench.measure``).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for entry in (str(ROOT), str(HERE)):  # the scripts import either ``benchmarks.common`` or ``common``
    if entry not in sys.path:
        sys.path.insert(0, entry)

from benchmarks import (  # noqa: E402
    backup_bench,
    excel_export_bench,
    exchange_bench,
    printing_bench,
    roster_import_bench,
    search_latency,
    stats_bench,
    ui_startup,
)
from benchmarks.common import demo_db, empty_db, median  # noqa: E402

RESULTS = HERE / "results" / "latest.md"


@dataclass
class Row:
    scale: str  # "1", "10", "100" or "–" (does not depend on the database)
    figure: str
    measured: str
    floor: str
    ratio: str
    goal: str
    met: bool | None  # None: no goal

    @property
    def verdict(self) -> str:
        return "–" if self.met is None else ("met" if self.met else "**missed**")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def ratio_row(scale: str, figure: str, value: float, floor: float, floor_is: str, goal: float) -> Row:
    """A figure (seconds) against its floor (seconds) with a goal for the ratio."""
    ratio = value / floor if floor else float("inf")
    shown = ms if min(value, floor) >= 0.1 else (lambda x: f"{x * 1000:.1f} ms")
    return Row(
        scale,
        figure,
        shown(value),
        f"{floor_is}: {shown(floor)}",
        f"{ratio:.2f}×",
        f"≤ {goal:g}×",
        ratio <= goal,
    )


class Runner:
    def __init__(self, quick: bool, work: Path, window_runs: int | None = None) -> None:
        self.quick = quick
        self.work = work
        self.window_runs = window_runs  # None: 5 (2 with --quick)
        self.rows: list[Row] = []
        self.failures: list[str] = []
        self.notes: list[str] = []
        self.profiles: list[ui_startup.Profile] = []

    def runs(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def attempt(self, what: str, action: Callable[[], None]) -> None:
        """Run one benchmark; a failure is reported in the table instead of stopping the rest."""
        print(f"… {what}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            action()
        except Exception as exc:  # one broken benchmark must not hide the others
            traceback.print_exc()
            self.failures.append(f"{what}: {type(exc).__name__}: {exc}")
        print(f"  {what}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)

    def copy(self, source: Path, name: str) -> Path:
        target = self.work / name
        shutil.copyfile(source, target)
        return target

    # --- the benchmarks ---------------------------------------------------------------

    def window(self, scale: int, cached: Path) -> None:
        runs = self.window_runs or self.runs(5, 2)
        db = self.copy(cached, f"ui-{scale}.db")
        empty = self.copy(empty_db(), f"ui-empty-{scale}.db")
        f = ui_startup.measure(db, empty, runs, label=f"scale {scale}")
        for r in ui_startup.figure_rows(f, runs):
            self.rows.append(Row(str(scale), r.figure, r.measured, r.floor, r.ratio, r.goal, r.met))
        self.profiles += f["profiles"]  # type: ignore[arg-type]

    def search(self, scale: int, cached: Path) -> None:
        queries = self.runs(60, 50)
        db = self.copy(cached, f"search-{scale}.db")
        for c in search_latency.measure_all(db, queries=queries):
            p50, p95 = float(c["p50"]), float(c["p95"])  # type: ignore[arg-type]
            r50, r95 = float(c["raw_p50"]), float(c["raw_p95"])  # type: ignore[arg-type]
            self.rows.append(
                Row(
                    str(scale),
                    f"search {c['name']}, p50 / p95 ({c['count']} queries)",
                    f"{p50:.1f} / {p95:.1f} ms",
                    f"raw SQLite query: {r50:.2f} / {r95:.2f} ms",
                    f"{p95 / r95:.0f}× at p95" if r95 else "–",
                    "p95 ≤ 50 ms",
                    p95 <= 50,
                )
            )

    def printing(self) -> None:
        f = printing_bench.measure(pairs=self.runs(15, 5), cold_runs=self.runs(5, 2))
        ours, bare = median(f["ours"]), median(f["bare"])  # type: ignore[arg-type]
        self.rows.append(ratio_row("–", "one notice PDF, warm", ours, bare, "bare reportlab page", 1.3))
        bulk = float(f["bulk"])  # type: ignore[arg-type]
        self.rows.append(
            Row("–", "100-unit 节前廉政提醒 (one PDF)", f"{bulk:.2f} s", "–", "–", "≤ 5 s", bulk <= 5)
        )

    def export(self, scale: int, cached: Path) -> None:
        db = self.copy(cached, f"export-{scale}.db")
        f = excel_export_bench.measure(db, runs=self.runs(5, 2))
        writer, bare, whole = (float(f[k]) for k in ("writer", "bare", "export"))  # type: ignore[arg-type]
        rows = int(f["rows"])  # type: ignore[call-overload]
        self.rows.append(
            ratio_row(
                str(scale), f"ledger export, {rows:,} rows: writing", writer, bare, "openpyxl write-only", 1.2
            )
        )
        self.rows.append(
            Row(
                str(scale),
                f"ledger export, {rows:,} rows: read + write",
                ms(whole),
                f"openpyxl write-only: {ms(bare)}",
                f"{whole / bare:.2f}×",
                "–",
                None,
            )
        )

    def roster(self) -> None:
        f = roster_import_bench.measure(rows=10_000, runs=self.runs(3, 1))
        self.rows.append(
            ratio_row(
                "–",
                f"roster import, 10,000 rows ({int(f['imported']):,} new): preview + import",
                f["total"],
                f["read"],
                "openpyxl read-only",
                1.5,
            )
        )
        self.notes.append(
            f"roster import split: preview {f['preview']:.2f} s, import {f['import']:.2f} s, "
            f"openpyxl read-only {f['read']:.2f} s."
        )

    def backup(self, scale: int, cached: Path) -> None:
        f = backup_bench.measure(cached, runs=self.runs(5, 1))
        self.rows.append(
            ratio_row(
                str(scale),
                f"verified backup ({f['size'] / 2**20:.0f} MB)",
                f["create"],
                f["floor"],
                "SQLite backup API",
                2.0,
            )
        )
        self.notes.append(
            f"backup at scale {scale}: copying {f['copying']:.2f} s, verifying {f['verifying']:.2f} s; "
            f"alone on the copy: integrity_check {f['integrity']:.2f} s, quick_check {f['quick']:.2f} s."
        )

    def stats(self, scale: int, cached: Path) -> None:
        f = stats_bench.measure(cached, runs=self.runs(7, 2))
        cli, floor = float(f["cli"]), float(f["floor"])  # type: ignore[arg-type]
        self.rows.append(
            Row(
                str(scale),
                "`wsjc-desktop stats --json`, fresh process",
                ms(cli),
                f"Python + one raw count: {ms(floor)}",
                f"{cli / floor:.2f}×",
                "≤ 1 s",
                cli <= 1.0,
            )
        )


def table(rows: list[Row]) -> list[str]:
    header = ("scale", "figure", "measured", "floor", "ratio", "goal", "met")
    out = ["| " + " | ".join(header) + " |", "|---|---|---:|---|---:|---|---|"]
    for r in rows:
        out.append(
            f"| {r.scale} | {r.figure} | {r.measured} | {r.floor} | {r.ratio} | {r.goal} | {r.verdict} |"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer runs, scale 10 only")
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help="the Markdown file (default %(default)s)"
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=None,
        help="cold starts per window figure (default 5, 2 with --quick; each register tab as "
        f"the start tab: at most {ui_startup.TAB_RUNS})",
    )
    args = parser.parse_args(argv)

    load_start = os.getloadavg() if hasattr(os, "getloadavg") else None
    started = time.perf_counter()
    scales = [10] if args.quick else [10, 100]
    window_scales = [10] if args.quick else [1, 10, 100]  # the start-up goals hold at 1, 10 and 100
    cached = {scale: demo_db(scale) for scale in sorted({*scales, *window_scales})}  # built once, then copied
    empty_db()
    with tempfile.TemporaryDirectory(prefix="wsjc-run-all-") as tmp:
        r = Runner(args.quick, Path(tmp), args.runs)
        for scale in window_scales:
            r.attempt(f"window, scale {scale}", lambda s=scale: r.window(s, cached[s]))
        for scale in scales:
            r.attempt(f"search, scale {scale}", lambda s=scale: r.search(s, cached[s]))
        r.attempt("printing", r.printing)
        for scale in scales:
            r.attempt(f"ledger export, scale {scale}", lambda s=scale: r.export(s, cached[s]))
        r.attempt("roster import", r.roster)
        backup_scale = scales[-1]  # the stress file (scale 10 with --quick)
        r.attempt(f"backup, scale {backup_scale}", lambda: r.backup(backup_scale, cached[backup_scale]))
        r.attempt("exchange packages", lambda: exchange_bench.add_rows(r, cached))  # scale 10 (and 100)
        for scale in scales:
            r.attempt(f"stats, scale {scale}", lambda s=scale: r.stats(s, cached[s]))
    load_end = os.getloadavg() if hasattr(os, "getloadavg") else None

    def load(values: tuple[float, float, float] | None) -> str:
        return ", ".join(f"{x:.2f}" for x in values) if values else "n/a"

    missed = [row for row in r.rows if row.met is False]
    lines = [
        "# All benchmarks" + (" (quick)" if args.quick else ""),
        "",
        f"`python benchmarks/run_all.py{' --quick' if args.quick else ''}"
        f"{f' --runs {args.runs}' if args.runs else ''}`, "
        f"{time.strftime('%Y-%m-%d %H:%M')}: "
        f"scale 10 is the realistic database (`demo --scale 10`), scale 100 the stress one, scale 1 a "
        "small office's (window figures only); “–” does not depend on the database. Each floor is "
        "measured in the same run as its figure.",
        "",
        "Start-up: each cold start is a fresh process, timed from the moment the benchmark spawns it "
        "(its `time.time()`, passed to the child) to the tab shown at start loaded and painted; the "
        "floor is a bare PySide6 window with five empty tabs, started and painted the same way. "
        "“With … as the start tab”: the program starts on the tab it remembers in its data folder "
        "(`ui.ini`, `window/tab_title`), written there before each such start. The bare window, the "
        "工作台, the login and the register-tab starts are taken in rounds, after unmeasured starts that "
        "fill what a PC has after the program's first start (the holiday calendar in the data folder, "
        "compiled bytecode: the probes keep theirs in `benchmarks/data/pycache`, whatever "
        "`PYTHONDONTWRITEBYTECODE` says). Tabs “opened after start-up” are clicked once the start-up "
        "work behind the window is over.",
        "",
        f"Machine: {platform.system()} {platform.release()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}. Load average (1, 5, 15 min) at "
        f"start {load(load_start)}, at the end {load(load_end)}: other processes may have been running.",
        "",
        *table(r.rows),
        "",
        f"{sum(1 for x in r.rows if x.met)} of {sum(1 for x in r.rows if x.met is not None)} goals met"
        + (": missed " + "; ".join(f"{x.figure} (scale {x.scale})" for x in missed) if missed else "")
        + ".",
        "",
    ]
    lines += [f"- {note}" for note in r.notes]
    lines += ["", *ui_startup.profile_markdown(r.profiles)]
    if r.failures:
        lines += ["", "Benchmarks that failed:", *[f"- {f}" for f in r.failures]]
    lines += ["", f"Whole run {time.perf_counter() - started:.0f} s.", ""]
    text = "\n".join(lines)
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    return 1 if r.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
