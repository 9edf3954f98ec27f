"""Excel ledger export: a ~10k-row 廉情提醒及整改台账 against openpyxl write-only writing the
same cells with nothing else (no styles, no widths, no formula guard).

Run from the repository root: ``python benchmarks/excel_export_bench.py``. Uses the cached
scale-100 demo database (built on first use) opened read-only, and writes
benchmarks/results/excel_export.md.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import demo_db, median  # noqa: E402
from wsjc_desktop.excel.writer import LedgerSheet, write_ledgers  # noqa: E402
from wsjc_desktop.services.ledgers import export_ledger, ledger_sheet  # noqa: E402
from wsjc_desktop.storage.database import Database, open_database  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "excel_export.md"
LEDGER = "notices"
YEAR = 2026
RUNS = 5
GOAL = 1.2


def bare_openpyxl(sheet: LedgerSheet, out: Path) -> None:
    """The floor: the same header and values appended to a write-only sheet."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet.name)
    ws.append([sheet.title])
    ws.append([c.header for c in sheet.columns])
    for row in sheet.rows:
        ws.append(row)
    wb.save(out)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure(path: Path, runs: int = RUNS) -> dict[str, object]:
    """Medians (s) of bare openpyxl, write_ledgers, export_ledger and the read, on ``path`` (read-only)."""
    db: Database = open_database(path, readonly=True)
    folder = Path(tempfile.mkdtemp(prefix="wsjc-excel-bench-"))
    try:
        sheet = ledger_sheet(db, LEDGER, year=YEAR)
        rows, cells = len(sheet.rows), len(sheet.rows) * len(sheet.columns)
        times: dict[str, list[float]] = {"bare": [], "writer": [], "export": [], "read": []}
        for run in range(runs + 1):  # the first run warms caches and is not counted
            t_bare = timed(lambda: bare_openpyxl(sheet, folder / "bare.xlsx"))
            t_writer = timed(lambda: write_ledgers(folder / "writer.xlsx", [sheet]))
            t_export = timed(lambda: export_ledger(db, LEDGER, folder / "export.xlsx", year=YEAR))
            t_read = timed(lambda: ledger_sheet(db, LEDGER, year=YEAR))
            if run:
                for key, value in zip(times, (t_bare, t_writer, t_export, t_read), strict=True):
                    times[key].append(value)
    finally:
        db.dispose()
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()

    out: dict[str, object] = {k: median(v) for k, v in times.items()}
    out.update(rows=rows, cells=cells, columns=len(sheet.columns), runs=runs)
    return out


def main() -> int:
    figures = measure(demo_db(100))
    bare, writer, export, read = (float(figures[k]) for k in ("bare", "writer", "export", "read"))  # type: ignore[arg-type]
    rows, cells, columns = (int(figures[k]) for k in ("rows", "cells", "columns"))  # type: ignore[call-overload]
    lines = [
        "# Excel ledger export",
        "",
        f"廉情提醒及整改台账 {YEAR} from the scale-100 demo database: {rows:,} rows × "
        f"{columns} columns = {cells:,} cells. Median of {RUNS} runs after one warm-up.",
        "",
        "| what | seconds | × bare openpyxl |",
        "|---|---:|---:|",
        f"| openpyxl write-only, same cells, nothing else | {bare:.3f} | 1.00 |",
        f"| `excel.writer.write_ledgers` (styles, widths, row heights, formula guard) | {writer:.3f} "
        f"| {writer / bare:.2f} |",
        f"| reading the rows (`ledgers.ledger_sheet`: query, joins, labels) | {read:.3f} "
        f"| {read / bare:.2f} |",
        f"| `ledgers.export_ledger` end to end (read + write) | {export:.3f} | {export / bare:.2f} |",
        "",
        f"Goal: writing ≤ {GOAL}× bare openpyxl — writer {writer / bare:.2f}× "
        f"({'met' if writer / bare <= GOAL else 'NOT met'}); the whole export is {export / bare:.2f}×, "
        "the difference being the database read that the bare baseline does not do.",
        "",
        f"Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
