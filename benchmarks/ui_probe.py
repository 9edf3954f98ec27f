"""Child process for ui_startup.py: opens a window, says READY when usable, optionally visits tabs.

    python benchmarks/ui_probe.py bare
    python benchmarks/ui_probe.py app --db PATH [--tabs | --ready-only]
    python benchmarks/ui_probe.py login --db PATH     (a file whose group has passwords)

Prints one JSON line of seconds since the parent spawned it (``WSJC_PROBE_T0``): ``ready_s`` when
the tab shown at start is usable (loaded and painted), ``complete_s`` when the 工作台's deferred
part (holiday card, charts) is drawn, ``settled_s`` when the start-up work behind the window (the
ORM's background import, the integrity check) is over. Tabs are visited after that, so each
tab's time is its own. ``--ready-only`` prints at ``ready`` and leaves at once (the start is
all that is measured; the layout is saved, the integrity check and the background import are
not waited for). ``tab`` is the tab shown at start: the one remembered in the data
folder's ``ui.ini`` (``window/tab_title``, as the program restores it), which the parent writes
before the start to measure a register tab as the start tab. ``marks`` are the seconds since
spawned at the end of each step: ``python`` (this script's first line: the interpreter has
started), ``qt`` (PySide6's widgets imported), ``setup`` (the application set up), ``window``
(the window made, with its start tab loaded), and ``ready``.

Two environment variables are for the profile of a missed goal (the parent reruns the case):

* ``WSJC_PROBE_PROFILE=FILE``: cProfile from this script's first line to ``ready``, the stats
  dumped to FILE (pstats format);
* ``WSJC_PROBE_TRACE=1``: no profiler, but a few product functions timed by wrappers put in
  place from here (opening the file, importing and making the start tab's page, its first load,
  the rows fetched for display) into ``trace`` (seconds, inclusive); run with
  ``python -X importtime`` for the import times by package (a line ``-- ready --`` on stderr
  marks the ready point).
"""

from __future__ import annotations

import time

_TOP = time.time()  # before anything else: the end of the interpreter's own start

import os  # noqa: E402

_PROFILE_TO = os.environ.get("WSJC_PROBE_PROFILE")
_PROFILER = None
if _PROFILE_TO:
    import cProfile

    _PROFILER = cProfile.Profile()
    _PROFILER.enable()

import json  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TRACE = os.environ.get("WSJC_PROBE_TRACE") == "1"


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


MARKS: dict[str, float] = {
    "python": _TOP - SPAWNED_AT if SPAWNED_AT == SPAWNED_AT else 0.0,
}


def mark(name: str) -> float:
    MARKS[name] = value = since_start()
    return value


def at_ready() -> float:
    """The ready point: the time since spawned; ends the profile and marks the importtime log."""
    ready = mark("ready")
    if _PROFILER is not None:
        _PROFILER.disable()
        _PROFILER.dump_stats(str(_PROFILE_TO))
    if TRACE:
        print("-- ready --", file=sys.stderr, flush=True)
    return ready


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- the trace: wrappers timing a few product steps (WSJC_PROBE_TRACE=1 only) -------------------

TRACED: dict[str, float] = {}


def _timed(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            TRACED[name] = TRACED.get(name, 0.0) + time.perf_counter() - started

    return wrapper


def _install_trace() -> None:
    """Wrap, from outside, the steps between the application and the usable window. Only
    modules the window imports anyway before these steps are imported here (so the imports
    still fall where they fall in the program)."""
    import importlib
    import types

    from wsjc_desktop.storage import database
    from wsjc_desktop.ui import main_window

    database.open_database = _timed("open_file", database.open_database)  # type: ignore[assignment]

    def _after_page_import() -> None:
        # the page's modules (with them SQLAlchemy and the models) are in: time the query and
        # the rows fetched for display
        from wsjc_desktop.services import records

        if not getattr(records, "_probe_traced", False):
            records.list_ids = _timed("list_ids", records.list_ids)  # type: ignore[assignment]
            records.get_many = _timed("get_many", records.get_many)  # type: ignore[assignment]
            records._probe_traced = True  # type: ignore[attr-defined]

    def import_module(name: str, package: str | None = None) -> types.ModuleType:
        started = time.perf_counter()
        try:
            return importlib.import_module(name, package)
        finally:
            TRACED["page_import"] = TRACED.get("page_import", 0.0) + time.perf_counter() - started
            _after_page_import()

    main_window.importlib = types.SimpleNamespace(import_module=import_module)  # type: ignore[attr-defined]
    original_maker = main_window.MainWindow._maker

    def maker(self: Any, module: str, name: str) -> Callable[[], Any]:
        make = original_maker(self, module, name)

        def timed_make() -> Any:
            page = _timed("page_make", make)()
            loader = getattr(page, "ensure_loaded", None)
            if loader is not None:  # instance attribute: show_tab and showEvent call this one
                page.ensure_loaded = _timed("first_load", loader)
            return page

        return timed_make

    main_window.MainWindow._maker = maker  # type: ignore[method-assign]


# --- the modes --------------------------------------------------------------------------------


def bare() -> dict[str, object]:
    from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QWidget

    mark("qt")
    app = QApplication(sys.argv)
    window = QMainWindow()
    tabs = QTabWidget()
    for title in ("监督单位", "廉政档案", "廉情提醒", "列席会议", "谈话记录"):
        tabs.addTab(QWidget(), title)
    window.setCentralWidget(tabs)
    window.resize(1280, 800)
    mark("window")
    window.show()
    app.processEvents()
    window.grab()  # one real paint
    return {"ready_s": at_ready(), "rss_mb": rss_mb(), "marks": MARKS}


def app_window(db: Path, visit_tabs: bool, ready_only: bool = False) -> dict[str, object]:
    from PySide6.QtWidgets import QApplication

    mark("qt")
    from wsjc_desktop.ui.app import current_tab_loaded, open_main_window, setup_application

    app = setup_application(crash_dialog=False)
    assert isinstance(app, QApplication)
    mark("setup")
    if TRACE:
        _install_trace()
    window, ctx = open_main_window(db)
    window.resize(1280, 800)  # type: ignore[attr-defined]
    mark("window")
    while not current_tab_loaded(window):
        app.processEvents()
    app.processEvents()
    window.grab()  # type: ignore[attr-defined]
    result: dict[str, object] = {"ready_s": at_ready(), "rss_mb": rss_mb()}
    tabs_widget = window.tabs  # type: ignore[attr-defined]
    result["tab"] = tabs_widget.tabText(tabs_widget.currentIndex())
    result["tabs"] = list(window.pages)  # type: ignore[attr-defined]
    result["marks"] = dict(MARKS)
    if TRACE:
        result["trace"] = dict(TRACED)
    if ready_only:  # the start is all that is measured: leave without the work behind it
        print(json.dumps(result, ensure_ascii=False), flush=True)
        window.close()  # type: ignore[attr-defined]  # remembers its layout, as on any exit
        os._exit(0)  # not waiting for the integrity check or the background import
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

    mark("qt")
    from wsjc_desktop.ui.app import run_gui, setup_application

    def watch() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "login_dialog" or not dialog.isVisible():
            QTimer.singleShot(2, watch)
            return
        dialog.grab()  # one real paint
        ready = at_ready()
        print(json.dumps({"ready_s": ready, "rss_mb": rss_mb(), "marks": MARKS}), flush=True)
        os._exit(0)

    setup_application(crash_dialog=False)
    mark("setup")
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
        out = app_window(db, "--tabs" in sys.argv, "--ready-only" in sys.argv)
    print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
