"""Roster import benchmark: preview + import of a 10k-row roster into an empty database, against
openpyxl read-only mode merely reading every cell of the same file (goal ≤ 1.5×).

Run from the repository root: ``python benchmarks/roster_import_bench.py [ROWS]``. Writes
benchmarks/results/roster_import.md. Each timed step starts after a full garbage collection, so
neither side pays for the other's leftovers.
"""

from __future__ import annotations

import gc
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import median, read_all_cells  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "roster_import.md"
GOAL = 1.5
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
UNITS = [f"区第{i}局" for i in range(1, 41)]
HEADER = [
    *("序号", "姓名", "性别", "民族", "出生年月", "政治面貌", "入党时间", "学历"),
    *("单位", "职务", "职级", "任现职时间", "身份证号", "联系电话", "备注"),
]


def _id_number(birth: date, seq: int) -> str:
    first = f"110105{birth:%Y%m%d}{seq:03d}"
    total = sum(int(d) * w for d, w in zip(first, WEIGHTS, strict=True))
    return first + "10X98765432"[total % 11]


def build_roster(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    rng = random.Random(1)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(["某区综合监督单位干部花名册"])
    sheet.append(HEADER)
    for n in range(1, rows + 1):
        birth = date(rng.randint(1960, 1998), rng.randint(1, 12), rng.randint(1, 28))
        seq = n % 1000
        sex = "男" if seq % 2 else "女"
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        party = f"{birth.year + 25}.{rng.randint(1, 12):02d}"
        sheet.append(
            [
                n,
                name,
                sex,
                "汉族",
                f"{birth.year}.{birth.month:02d}",
                "中共党员",
                party,
                "大学本科",
                rng.choice(UNITS),
                "科长",
                "科级",
                f"{min(birth.year + 40, 2024)}.0{rng.randint(1, 9)}",
                _id_number(birth, seq),
                f"13{rng.randint(100000000, 999999999)}",
                None,
            ]
        )
    book.save(path)


def import_into_empty(path: Path, work: Path) -> tuple[float, float, int]:
    from wsjc_desktop.services.roster_import import import_roster, preview_roster
    from wsjc_desktop.storage.database import open_database

    db_path = work / f"bench-{time.perf_counter_ns()}.db"
    db = open_database(db_path)  # schema creation is not timed
    try:
        gc.collect()  # neither side pays for the garbage the other left
        started = time.perf_counter()
        preview = preview_roster(db, path)
        middle = time.perf_counter()
        result = import_roster(db, preview)
        ended = time.perf_counter()
    finally:
        db.dispose()
    return middle - started, ended - middle, result.imported


def timed(fn: Callable[[], object]) -> float:
    gc.collect()
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def measure(rows: int = 10_000, runs: int = 3) -> dict[str, float]:
    """Medians (s): openpyxl read-only reading every cell, preview, import, preview + import."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        roster = work / "roster.xlsx"
        build_roster(roster, rows)
        read_times: list[float] = []
        done: list[tuple[float, float, int]] = []
        for _ in range(runs):  # interleaved, so both see the same load
            read_times.append(timed(lambda: read_all_cells(roster)))
            done.append(import_into_empty(roster, work))
    return {
        "read": median(read_times),
        "preview": median([r[0] for r in done]),
        "import": median([r[1] for r in done]),
        "total": median([r[0] + r[1] for r in done]),
        "imported": done[0][2],
    }


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    figures = measure(rows)
    imported = int(figures["imported"])
    read, preview, write, total = (figures[k] for k in ("read", "preview", "import", "total"))
    ratio = total / read
    verdict = "meets" if ratio <= GOAL else "misses"
    lines = [
        "# Roster import benchmark",
        "",
        f"{rows:,}-row roster .xlsx (15 columns), median of 3 runs; "
        f"imported {imported:,} cadres into an empty database.",
        "",
        "| step | seconds | × openpyxl read-only |",
        "|---|---:|---:|",
        f"| openpyxl read-only, read every cell | {read:.2f} | 1.00 |",
        f"| preview_roster (read + check + match) | {preview:.2f} | {preview / read:.2f} |",
        f"| import_roster (one transaction) | {write:.2f} | {write / read:.2f} |",
        f"| preview + import | {total:.2f} | {ratio:.2f} |",
        "",
        f"Goal ≤ {GOAL}×: **{verdict}** ({ratio:.2f}×).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
