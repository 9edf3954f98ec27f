"""Regenerate docs/screenshots/: every tab of the window on a fresh demo database.

python scripts/make_screenshots.py

The registers are shot through ``wsjc-desktop gui --screenshot``; the 工作台, whose to-do list and
next holiday depend on the day, is shot as of :data:`DASHBOARD_TODAY` on demo data written as of
that day (in a child process: ``make_screenshots.py dashboard DB OUT``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
TABS = {
    "监督单位": "units",
    "廉政档案": "dossier",
    "廉情提醒": "notices",
    "列席会议": "meetings",
    "谈话记录": "talks",
}
DASHBOARD_TODAY = date(2026, 11, 22)


def shoot_dashboard(db_path: Path, target: Path) -> None:
    """Child process: demo data as of DASHBOARD_TODAY, the window on the 工作台, one grab."""
    from PySide6.QtWidgets import QApplication

    from wsjc_desktop.services.demo import generate_demo
    from wsjc_desktop.storage.database import open_database
    from wsjc_desktop.ui.app import setup_application
    from wsjc_desktop.ui.context import AppContext
    from wsjc_desktop.ui.main_window import MainWindow
    from wsjc_desktop.ui.tabs.dashboard import DashboardTab

    db = open_database(db_path)
    generate_demo(db, seed=7, today=DASHBOARD_TODAY)
    app = setup_application()
    assert isinstance(app, QApplication)
    ctx = AppContext.create(db)
    ctx.today_override = DASHBOARD_TODAY
    window = MainWindow(ctx)
    window.resize(1280, 800)
    window.show()
    page = window.show_tab(DashboardTab.tab_title)
    assert isinstance(page, DashboardTab)
    page.select_first()  # draws what is pending and selects the first line
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(target))
    window.close()
    ctx.hub.close()
    db.dispose()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WSJC_DATA_DIR": str(Path(tmp) / "data")}
        run = [sys.executable, "-m", "wsjc_desktop"]
        subprocess.run(
            [*run, "demo", "--db", str(db), "--seed", "7"], env=env, check=True, capture_output=True
        )
        for title, name in TABS.items():
            target = OUT / f"{name}.png"
            subprocess.run(
                [*run, "gui", "--db", str(db), "--tab", title, "--screenshot", str(target)],
                env=env,
                check=True,
                capture_output=True,
            )
            print(f"{title}: {target.relative_to(ROOT)}")
        target = OUT / "dashboard.png"
        subprocess.run(
            [sys.executable, __file__, "dashboard", str(Path(tmp) / "dashboard.db"), str(target)],
            env=env,
            check=True,
            capture_output=True,
        )
        print(f"工作台: {target.relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["dashboard"]:
        shoot_dashboard(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
