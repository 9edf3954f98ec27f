"""Child process for ui_startup.py: opens a window, says READY when usable, optionally visits tabs.

    python benchmarks/ui_probe.py bare
    python benchmarks/ui_probe.py app --db PATH [--tabs]
    python benchmarks/ui_probe.py login --db PATH     (a file whose group has passwords)

Prints one JSON line of seconds since the parent spawned it (``WSJC_PROBE_T0``): ``ready_s`` when
the first tab is usable, ``complete_s`` when the 工作台's deferred part (holiday card, charts) is
drawn, ``settled_s`` when the start-up work behind the window (the ORM's background import, the
integrity check) is over. Tabs are visited after that, so each tab's time is its own.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


#: The parent's wall clock when it spawned this process (``WSJC_PROBE_T0``, from ``time.time()``):
#: parent and child read the same clock, so "since spawned" has no unknown offset. (The process
#: start time in /proc counts from a boot time kept to the whole second: every
#: figure would carry the same unknown offset, pulling every ratio toward 1.)
SPAWNED_AT = float(os.environ.get("WSJC_PROBE_T0", "nan"))
_T0 = time.perf_counter()


def since_start() -> float:
    """Seconds since the parent spawned this process (else since this module ran)."""
    if SPAWNED_AT == SPAWNED_AT:  # not NaN
        return time.time() - SPAWNED_AT
    return time.perf_counter() - _T0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bare() -> dict[str, float]:
    from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QWidget

    app = QApplication(sys.argv)
    window = QMainWindow()
    tabs = QTabWidget()
    for title in ("监督单位", "廉政档案", "廉情提醒", "列席会议", "谈话记录"):
        tabs.addTab(QWidget(), title)
    window.setCentralWidget(tabs)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    window.grab()  # one real paint
    return {"ready_s": since_start(), "rss_mb": rss_mb()}


def app_window(db: Path, visit_tabs: bool) -> dict[str, object]:
    from PySide6.QtWidgets import QApplication

    from wsjc_desktop.ui.app import current_tab_loaded, open_main_window, setup_application

    app = setup_application(crash_dialog=False)
    assert isinstance(app, QApplication)
    window, ctx = open_main_window(db)
    window.resize(1280, 800)  # type: ignore[attr-defined]
    while not current_tab_loaded(window):
        app.processEvents()
    app.processEvents()
    window.grab()  # type: ignore[attr-defined]
    result: dict[str, object] = {"ready_s": since_start(), "rss_mb": rss_mb()}
    # what start-up still does behind the usable window: the 工作台's holiday card and charts,
    # the ORM's import in the background, the integrity check in its thread
    from wsjc_desktop.ui import preload

    page = window.tabs.currentWidget()  # type: ignore[attr-defined]
    while not getattr(page, "is_complete", True):
        app.processEvents()
    result["complete_s"] = since_start()
    thread = preload.start()
    while thread.is_alive() or ctx.db.check_pending:  # type: ignore[attr-defined]
        app.processEvents()
        time.sleep(0.002)
    result["settled_s"] = since_start()
    if visit_tabs:
        tabs: dict[str, float] = {}
        for title in window.pages:  # type: ignore[attr-defined]
            started = time.perf_counter()
            window.show_tab(title)  # type: ignore[attr-defined]
            while not current_tab_loaded(window):
                app.processEvents()
            app.processEvents()
            window.grab()  # type: ignore[attr-defined]
            tabs[title] = (time.perf_counter() - started) * 1000
        result["tab_ms"] = tabs
        result["rss_after_tabs_mb"] = rss_mb()
    window.close()  # type: ignore[attr-defined]
    ctx.db.dispose()  # type: ignore[attr-defined]
    return result


def login(db: Path) -> None:
    """The program's own start (``run_gui``) on a file with logins: the time the login dialog
    is first painted. Prints and leaves at once (nobody logs in)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from wsjc_desktop.ui.app import run_gui, setup_application

    def watch() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "login_dialog" or not dialog.isVisible():
            QTimer.singleShot(2, watch)
            return
        dialog.grab()  # one real paint
        print(json.dumps({"ready_s": since_start(), "rss_mb": rss_mb()}), flush=True)
        os._exit(0)

    setup_application(crash_dialog=False)
    QTimer.singleShot(0, watch)
    run_gui(db)


def main() -> None:
    mode = sys.argv[1]
    if mode == "login":
        login(Path(sys.argv[sys.argv.index("--db") + 1]))
        return
    if mode == "bare":
        out: dict[str, object] = dict(bare())
    else:
        db = Path(sys.argv[sys.argv.index("--db") + 1])
        out = app_window(db, "--tabs" in sys.argv)
    print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
