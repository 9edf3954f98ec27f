"""Window benchmarks on a large demo database, each next to its floor measured in the same run.

* cold start to a usable window (first tab loaded and painted) vs a bare PySide6 window with
  five empty tabs (goal ≤ 1.5×), median of several fresh processes, after one start that is
  not measured (as on a PC where the program has started before: its caches are filled);
* how long the 工作台's holiday card and charts take after that (goal ≤ 300 ms, as a tab), and
  when the work behind the window (the ORM's background import, the integrity check) is over;
* time to open each tab for the first time (goal ≤ 300 ms);
* resident memory after visiting every tab, over the same on an empty database (goal ≤ +50 MB).

    python benchmarks/ui_startup.py [--scale 100] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import demo_db, empty_db, median

HERE = Path(__file__).resolve().parent
PROBE = HERE / "ui_probe.py"
RESULTS = HERE / "results"


def probe(*args: str, data_dir: Path | None = None) -> dict[str, object]:
    """One fresh process. ``data_dir``: the program's data folder to use (its remembered window
    layout is removed first); None: an empty one, as at the very first start."""
    with tempfile.TemporaryDirectory() as fresh:
        folder = data_dir or Path(fresh)
        (folder / "ui.ini").unlink(missing_ok=True)  # no remembered tab or layout
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WSJC_DATA_DIR": str(folder)}
        env["WSJC_PROBE_T0"] = repr(time.time())  # one wall clock for parent and child
        out = subprocess.run(
            [sys.executable, str(PROBE), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=True,
        )
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    return dict(json.loads(line))


def _with_logins(db: Path) -> Path:
    """A copy of ``db`` whose group has set passwords (so the program starts with its login)."""
    from wsjc_desktop.services import auth, members
    from wsjc_desktop.services.auth import NewMember
    from wsjc_desktop.storage.database import open_database

    target = db.with_name(db.stem + "-logins.db")
    shutil.copyfile(db, target)
    opened = open_database(target)
    try:
        if members.needs_setup(opened):
            auth.setup_group(opened, "测试组", [NewMember("王建国", "组长", "jianguo-1")])
    finally:
        opened.dispose()
    return target


def measure(db: Path, empty: Path, runs: int = 5) -> dict[str, object]:
    """The window figures for the database ``db`` (its floor measured in the same run).

    The probes open the files for writing (as the program does): pass copies, never the cache.
    Returns ``bare``/``app`` (cold starts, s), ``complete`` (s from the usable window to the
    工作台's holiday card and charts drawn), ``settled`` (s from the start to the end of the work
    behind the window: the ORM's background import, the integrity check), ``tab_ms`` (title → ms,
    each tab opened once that work is over), ``rss_mb`` and
    ``rss_empty_mb`` (resident memory after every tab on ``db`` and on the empty ``empty``).
    """
    bare = [float(probe("bare")["ready_s"]) for _ in range(runs)]  # type: ignore[arg-type]
    # the program's data folder as on any start but the very first: one start not measured
    # fills its caches (the holiday calendar), as the first start on a PC does
    data_dir = Path(tempfile.mkdtemp(prefix="wsjc-probe-data-"))
    try:
        probe("app", "--db", str(db), data_dir=data_dir)
        starts = [probe("app", "--db", str(db), data_dir=data_dir) for _ in range(runs)]
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    app = [float(x["ready_s"]) for x in starts]  # type: ignore[arg-type]
    logins = _with_logins(db)
    login = [float(probe("login", "--db", str(logins))["ready_s"]) for _ in range(runs)]  # type: ignore[arg-type]
    visit_big = probe("app", "--db", str(db), "--tabs")
    visit_empty = probe("app", "--db", str(empty), "--tabs")
    return {
        "bare": bare,
        "app": app,
        "login": login,  # the program's own start: the login dialog painted
        # after the usable window: the 工作台's card and charts, then the background work
        "complete": [float(x["complete_s"]) - float(x["ready_s"]) for x in starts],  # type: ignore[arg-type]
        "settled": [float(x["settled_s"]) for x in starts],  # type: ignore[arg-type]
        "tab_ms": dict(visit_big["tab_ms"]),  # type: ignore[call-overload]
        "rss_mb": float(visit_big["rss_after_tabs_mb"]),  # type: ignore[arg-type]
        "rss_empty_mb": float(visit_empty["rss_after_tabs_mb"]),  # type: ignore[arg-type]
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:  # copies: the cached files are never written
        big = Path(tmp) / "big.db"
        empty = Path(tmp) / "empty.db"
        shutil.copyfile(demo_db(args.scale), big)
        shutil.copyfile(empty_db(), empty)
        figures = measure(big, empty, args.runs)
    bare: list[float] = figures["bare"]  # type: ignore[assignment]
    app: list[float] = figures["app"]  # type: ignore[assignment]

    lines = [
        f"# Window benchmarks (demo --scale {args.scale})",
        "",
        "| figure | measured | floor | ratio / goal | met |",
        "|---|---|---|---|---|",
    ]
    start_ratio = median(app) / median(bare)
    lines.append(
        f"| cold start to usable window (median of {args.runs}) | {median(app) * 1000:.0f} ms"
        f" | bare window with five empty tabs: {median(bare) * 1000:.0f} ms"
        f" | {start_ratio:.2f}× (goal ≤ 1.5×)"
        f" | {'yes' if start_ratio <= 1.5 else 'no'} |"
    )
    login: list[float] = figures["login"]  # type: ignore[assignment]
    login_ratio = median(login) / median(bare)
    lines.append(
        f"| the program's own start: login dialog shown (median of {args.runs}) | "
        f"{median(login) * 1000:.0f} ms | bare window with five empty tabs: {median(bare) * 1000:.0f} ms"
        f" | {login_ratio:.2f}× (goal ≤ 1.5×) | {'yes' if login_ratio <= 1.5 else 'no'} |"
    )
    complete = median(figures["complete"]) * 1000  # type: ignore[arg-type]
    lines.append(
        f"| 工作台's holiday card and charts, after the usable window | {complete:.0f} ms | – "
        f"| goal ≤ 300 ms | {'yes' if complete <= 300 else 'no'} |"
    )
    settled = median(figures["settled"])  # type: ignore[arg-type]
    lines.append(f"| start-up work behind the window done | {settled * 1000:.0f} ms | – | – | – |")
    tab_ms: dict[str, float] = figures["tab_ms"]  # type: ignore[assignment]
    for title, ms in tab_ms.items():
        lines.append(
            f"| open tab {title} | {ms:.0f} ms | – | goal ≤ 300 ms | {'yes' if ms <= 300 else 'no'} |"
        )
    rss_big = float(figures["rss_mb"])  # type: ignore[arg-type]
    rss_empty = float(figures["rss_empty_mb"])  # type: ignore[arg-type]
    extra = rss_big - rss_empty
    lines.append(
        f"| resident memory after all tabs | {rss_big:.0f} MB | empty database: {rss_empty:.0f} MB"
        f" | +{extra:.0f} MB (goal ≤ +50 MB) | {'yes' if extra <= 50 else 'no'} |"
    )
    lines.append("")
    lines.append(
        f"cold starts (s): app {', '.join(f'{x:.2f}' for x in app)};"
        f" bare {', '.join(f'{x:.2f}' for x in bare)}"
    )
    text = "\n".join(lines)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ui_startup.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
