"""Start-up stays light: the heavy modules are imported by the features that use them, not
by opening the window.

A fresh interpreter opens the main window on a demo database (``open_main_window``, no start-up
dialogs) and lists which heavy modules are in ``sys.modules``:

* when the window is first shown and its first tab (the 工作台's to-do list) is usable — before
  the 工作台's deferred part (the holiday card and the charts, drawn after the first paint) runs;
* once that deferred part has run, which must then have brought QtCharts and holidays in (so the
  first check really happened before it) and nothing else;
* when the window opens on a register tab and has loaded it, after the events have settled: the
  hidden 工作台 never draws, so even QtCharts and holidays stay out.

SQLAlchemy and the models are not imported before the 工作台 is complete either (it is read with
plain SQL); they load in a background thread after it. The program's own start shows the login
before them too, and they (with argon2) load while the member types.

argon2 is imported by the login and the idle lock when they check a password, sqlcipher3 only for
an encrypted file and Alembic only when a file needs creating or upgrading, none of which happens
here. A failure names the chain of imports that brought the module in (``python -X importtime``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

#: Modules that opening the window must not import.
HEAVY = (
    "reportlab",
    "openpyxl",
    "xlrd",
    "pypinyin",
    "PIL",
    "PySide6.QtCharts",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtPrintSupport",
    "holidays",
    "argon2",
    "sqlcipher3",
    "alembic",
)
#: What the 工作台's deferred part imports by design.
DASHBOARD_DEFERRED = {"PySide6.QtCharts", "holidays"}
#: The ORM: the 工作台 is drawn from plain SQL, so these load only after it (in the background).
ORM = ("sqlalchemy", "wsjc_desktop.domain.models")

PROBE = """
import json, sys, time
from pathlib import Path

from wsjc_desktop.ui.app import current_tab_loaded, open_main_window, setup_application

heavy = json.loads(sys.argv[3])
tab = sys.argv[2] or None


def loaded_now():
    return sorted(m for m in heavy if m in sys.modules)


app = setup_application(crash_dialog=False)
window, ctx = open_main_window(Path(sys.argv[1]), tab=tab)
report = {"tab": window.tabs.tabText(window.tabs.currentIndex())}
if tab is None:  # what is loaded when the 工作台 is complete: noted before the window's own
    # slot (connected at the first paint, so after this one) starts the ORM's background import
    window.dashboard.completed.connect(lambda: report.setdefault("when_complete", loaded_now()))
report["usable_at_show"] = current_tab_loaded(window)
report["at_show"] = loaded_now()
deadline = time.monotonic() + 20
while not current_tab_loaded(window) and time.monotonic() < deadline:
    app.processEvents()
report["usable"] = current_tab_loaded(window)
report["when_usable"] = loaded_now()
page = window.tabs.currentWidget()
if tab is None:  # the 工作台: let its deferred part (holiday card, charts) run
    while not page.is_complete and time.monotonic() < deadline:
        app.processEvents()
    report["complete"] = page.is_complete
    from wsjc_desktop.ui import preload  # then the ORM loads behind the finished screen

    thread = preload.start()
    while thread.is_alive() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
else:  # settle: timers, deferred loads
    settle = time.monotonic() + 1.5
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.01)
report["after"] = loaded_now()
window.close()
ctx.hub.close()
print("REPORT " + json.dumps(report, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from wsjc_desktop.services.demo import generate_demo
    from wsjc_desktop.storage.database import open_database

    path = tmp_path_factory.mktemp("lazy") / "demo.db"
    db = open_database(path)
    try:
        generate_demo(db, scale=1, seed=0)
    finally:
        db.dispose()
    return path


def probe(db: Path, tab: str, data_dir: Path) -> tuple[dict[str, object], str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WSJC_DATA_DIR": str(data_dir)}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", PROBE, str(db), tab, json.dumps([*HEAVY, *ORM])],
        capture_output=True,
        env=env,
        timeout=120,
        encoding="utf-8",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("REPORT "))
    return json.loads(line.removeprefix("REPORT ")), result.stderr


def import_chain(importtime: str, module: str) -> str:
    """Who imported ``module``: its line in ``-X importtime`` output and the enclosing imports
    (a module's imports are printed before it, one level deeper)."""
    rows = []
    for line in importtime.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        name_field = line.rsplit("|", 1)[1]
        name = name_field.strip()
        depth = (len(name_field) - len(name_field.lstrip(" "))) // 2
        rows.append((depth, name))
    exact = [i for i, (_depth, name) in enumerate(rows) if name == module]
    inner = [i for i, (_depth, name) in enumerate(rows) if name.startswith(module + ".")]
    if not exact and not inner:
        return f"{module}: not in the importtime output"
    i = (exact or inner)[0]
    depth, name = rows[i]
    chain = [name]
    for parent_depth, parent in rows[i + 1 :]:
        if parent_depth < depth:
            chain.append(parent)
            depth = parent_depth
            if depth == 0:
                break
    if len(chain) == 1:  # nothing imported it while being imported: code that ran later did
        return f"{name} (imported at run time, inside a function)"
    return " ← ".join(chain)


def explain(found: list[str], importtime: str) -> str:
    return "; ".join(import_chain(importtime, m) for m in found)


def heavy_only(found: object) -> list[str]:
    assert isinstance(found, list)
    return [m for m in found if m in HEAVY]


def test_dashboard_window_opens_without_heavy_modules(demo_db: Path, tmp_path: Path) -> None:
    report, importtime = probe(demo_db, "", tmp_path)

    assert report["tab"] == "工作台"
    assert report["usable_at_show"], "the to-do list is there when the window first shows"
    assert report["at_show"] == [], explain(report["at_show"], importtime)  # type: ignore[arg-type]
    assert report["when_usable"] == [], explain(report["when_usable"], importtime)  # type: ignore[arg-type]
    # the deferred part then brings the charts and the calendar, and only those: still no ORM
    assert report["complete"]
    assert set(report["when_complete"]) == DASHBOARD_DEFERRED, explain(  # type: ignore[arg-type]
        sorted(set(report["when_complete"]) - DASHBOARD_DEFERRED),
        importtime,  # type: ignore[arg-type]
    )
    # then the ORM loads in the background, and nothing else heavy comes with it
    assert set(report["after"]) == DASHBOARD_DEFERRED | set(ORM)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "tab", ["监督单位", "廉政档案", "廉情提醒", "列席会议", "谈话记录", "监督检查", "问题台账"]
)
def test_register_tab_opens_without_heavy_modules(demo_db: Path, tmp_path: Path, tab: str) -> None:
    report, importtime = probe(demo_db, tab, tmp_path)

    assert report["tab"] == tab
    assert report["usable"], f"{tab} loaded"
    assert set(ORM) <= set(report["when_usable"])  # type: ignore[arg-type]  # registers need the ORM
    assert heavy_only(report["after"]) == [], explain(heavy_only(report["after"]), importtime)


def test_import_chain_reads_importtime_output() -> None:
    sample = "\n".join(
        [
            "import time: self [us] | cumulative | imported package",
            "import time:       100 |        100 |     reportlab.lib",
            "import time:       200 |        300 |   reportlab",
            "import time:        50 |        350 |     wsjc_desktop.printing.fonts",
            "import time:        50 |        400 | wsjc_desktop.printing",
        ]
    )
    assert import_chain(sample, "reportlab") == "reportlab ← wsjc_desktop.printing"
    assert import_chain(sample, "reportlab.lib") == "reportlab.lib ← reportlab ← wsjc_desktop.printing"
    assert import_chain(sample, "wsjc_desktop.printing") == (
        "wsjc_desktop.printing (imported at run time, inside a function)"
    )
    assert import_chain(sample, "holidays") == "holidays: not in the importtime output"


LOGIN_PROBE = """
import json, os, sys, time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from wsjc_desktop.ui.app import run_gui, setup_application

heavy = json.loads(sys.argv[2])
report = {}


def loaded_now():
    return sorted(m for m in heavy if m in sys.modules)


def watch():
    dialog = QApplication.activeModalWidget()
    if dialog is None or dialog.objectName() != "login_dialog" or not dialog.isVisible():
        QTimer.singleShot(5, watch)
        return
    report["at_login"] = loaded_now()
    from wsjc_desktop.ui import preload

    deadline = time.monotonic() + 20
    while (preload._started is None or preload._started.is_alive()) and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)
    report["while_typing"] = loaded_now()
    print("REPORT " + json.dumps(report), flush=True)
    os._exit(0)


setup_application(crash_dialog=False)
QTimer.singleShot(0, watch)
run_gui(Path(sys.argv[1]))
"""


def test_the_login_shows_before_the_orm_which_loads_while_the_member_types(
    demo_db: Path, tmp_path: Path
) -> None:
    import shutil

    path = tmp_path / "logins.db"
    shutil.copyfile(demo_db, path)  # a demo file's group has its members and logins
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WSJC_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", LOGIN_PROBE, str(path), json.dumps([*HEAVY, *ORM])],
        capture_output=True,
        env=env,
        timeout=120,
        encoding="utf-8",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(
        next(x for x in result.stdout.splitlines() if x.startswith("REPORT ")).removeprefix("REPORT ")
    )
    assert report["at_login"] == [], explain(report["at_login"], result.stderr)
    # behind the login: the ORM and the password checks, nothing else heavy
    assert set(report["while_typing"]) == {*ORM, "argon2"}, explain(report["while_typing"], result.stderr)
