"""Shared by the benchmarks: cached demo databases and small statistics helpers."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def build_database(path: Path, scale: int) -> None:
    from wsjc_desktop.services.demo import generate_demo
    from wsjc_desktop.storage.database import open_database

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    print(f"building {path} with generate_demo(scale={scale}, seed=1) …", flush=True)
    started = time.perf_counter()
    db = open_database(partial)
    try:
        counts = generate_demo(db, scale=scale, seed=1)
    finally:
        db.dispose()
    partial.replace(path)  # only a finished build is cached
    total = sum(counts.values())
    print(f"built in {time.perf_counter() - started:.1f} s: {total:,} rows", flush=True)


def demo_db(scale: int, path: Path | None = None) -> Path:
    """The cached ``demo --scale N --seed 1`` database, built on first use and brought up to the
    program's schema when it is older (else every copy would be upgraded inside the figures)."""
    target = path or DATA_DIR / f"demo-scale{scale}.db"
    if not target.exists():
        build_database(target, scale)
    else:
        upgrade_cached(target)
    return target


def upgrade_cached(target: Path) -> None:
    import shutil

    from wsjc_desktop.storage.database import open_database
    from wsjc_desktop.storage.migrate import HEAD, current_revision

    if current_revision(target) == HEAD:
        return
    print(f"upgrading {target} to schema {HEAD} …", flush=True)
    work = Path(tempfile.mkdtemp(prefix="wsjc-upgrade-"))
    try:
        partial = work / target.name
        shutil.copyfile(target, partial)
        open_database(partial).dispose()  # checked and upgraded (with its own backup, in work/)
        partial.replace(target)  # only a finished upgrade replaces the cache
    finally:
        shutil.rmtree(work, ignore_errors=True)


def empty_db(name: str = "empty.db") -> Path:
    from wsjc_desktop.storage.database import open_database

    target = DATA_DIR / name
    if not target.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        open_database(target).dispose()
    else:
        upgrade_cached(target)
    return target


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def read_all_cells(path: Path) -> int:
    """The floor of the import benchmarks: openpyxl in read-only mode reading every cell."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells += len(row)
    book.close()
    return cells
