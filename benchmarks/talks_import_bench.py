"""Talks-ledger import benchmark (issue 17, point 6): preview + import of a 10k-row 谈话台账 into a
database that holds its units, cadres and members, against openpyxl read-only mode merely reading
every cell of the same file (goal ≤ 1.5×).

Run from the repository root: ``python benchmarks/talks_import_bench.py [ROWS]``. Writes
benchmarks/results/talks_import.md. The database (40 units, 4,000 cadres, 6 members) is made
before the clock starts and copied for each run; each timed step starts after a full garbage
collection, and the two sides are interleaved so both see the same load.
"""

from __future__ import annotations

import gc
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import median, read_all_cells  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "talks_import.md"
GOAL = 1.5
UNITS = [f"区第{i}局" for i in range(1, 41)]
MEMBERS = ["王芳", "李明", "陈武林", "戴桂瑾", "周洁", "孙强"]
KINDS = ["廉政谈话", "提醒谈话", "任前谈话", "谈心谈话", "集体廉政谈话", "诫勉谈话"]
HEADER = ["序号", "谈话日期", "谈话类型", "谈话对象", "地点", "谈话人", "记录人", "事由", "人次"]
CADRES = 4000


def cadre_name(n: int) -> str:
    """4,000 distinct names (a roster's names are mostly distinct; shared ones are tested elsewhere)."""
    first = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    return first[n % 20] + given[(n // 20) % 20] + given[(n // 400) % 20] + ("" if n < 8000 else "甲")


def build_database(path: Path) -> None:
    from sqlalchemy import insert

    from wsjc_desktop.domain import models as m
    from wsjc_desktop.storage.database import open_database

    db = open_database(path)
    try:
        with db.uow() as uow:
            s = uow.session
            for i, name in enumerate(UNITS, start=1):
                s.add(m.Unit(full_name=name, unit_type="agency", sort_order=i, in_scope=True))
            for name in MEMBERS:
                s.add(m.Member(name=name, is_active=True))
            s.flush()
            unit_ids = [u.id for u in s.query(m.Unit).order_by(m.Unit.id)]
            s.execute(
                insert(m.Cadre),
                [
                    {"name": cadre_name(n), "unit_id": unit_ids[n % len(unit_ids)], "uid": m.new_uid()}
                    for n in range(CADRES)
                ],
            )
            uow.commit()
    finally:
        db.dispose()


def build_ledger(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    rng = random.Random(1)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("谈话台账")
    sheet.append(["谈话台账（2025年）"])
    sheet.append(HEADER)
    start = date(2025, 1, 1)
    for n in range(1, rows + 1):
        people = sorted({cadre_name(rng.randrange(CADRES)) for _ in range(rng.choice((1, 1, 1, 2, 3)))})
        sheet.append(
            [
                n,
                start + timedelta(days=rng.randrange(365)),
                rng.choice(KINDS),
                "、".join(people),
                "谈话室",
                rng.choice(MEMBERS),
                rng.choice(MEMBERS),
                "针对分管领域廉政风险开展谈话",
                len(people),
            ]
        )
    book.save(path)


def import_once(ledger: Path, template: Path, work: Path) -> tuple[float, float, int]:
    from wsjc_desktop.services.ledger_import import import_ledger, preview_ledger
    from wsjc_desktop.storage.database import open_database

    db_path = work / f"bench-{time.perf_counter_ns()}.db"
    shutil.copy(template, db_path)
    db = open_database(db_path)  # opening (and its checks) is not timed
    try:
        gc.collect()
        started = time.perf_counter()
        preview = preview_ledger(db, "talks", ledger)
        middle = time.perf_counter()
        result = import_ledger(db, preview)
        ended = time.perf_counter()
    finally:
        db.dispose()
    return middle - started, ended - middle, result.imported


def timed_read(path: Path) -> float:
    gc.collect()
    started = time.perf_counter()
    read_all_cells(path)
    return time.perf_counter() - started


def measure(rows: int = 10_000, runs: int = 3) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template, ledger = work / "template.db", work / "talks.xlsx"
        build_database(template)
        build_ledger(ledger, rows)
        reads: list[float] = []
        done: list[tuple[float, float, int]] = []
        for _ in range(runs):
            reads.append(timed_read(ledger))
            done.append(import_once(ledger, template, work))
    return {
        "read": median(reads),
        "preview": median([d[0] for d in done]),
        "import": median([d[1] for d in done]),
        "total": median([d[0] + d[1] for d in done]),
        "imported": done[0][2],
    }


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    figures = measure(rows)
    read, preview, write, total = (figures[k] for k in ("read", "preview", "import", "total"))
    ratio = total / read
    verdict = "meets" if ratio <= GOAL else "misses"
    lines = [
        "# Talks-ledger import benchmark (issue 17, point 6)",
        "",
        f"{rows:,}-row 谈话台账 .xlsx (9 columns, 1–3 people a row), median of 3 runs; imported "
        f"{int(figures['imported']):,} talks into a database holding 40 units and {CADRES:,} cadres.",
        "",
        "| step | seconds | × openpyxl read-only |",
        "|---|---:|---:|",
        f"| openpyxl read-only, read every cell | {read:.2f} | 1.00 |",
        f"| preview_ledger (read + convert + match) | {preview:.2f} | {preview / read:.2f} |",
        f"| import_ledger (one transaction) | {write:.2f} | {write / read:.2f} |",
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
