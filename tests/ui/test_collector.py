"""Reference cycles holding widgets are freed on the GUI thread, never in a worker thread."""

from __future__ import annotations

import gc
import threading
from typing import Any, ClassVar

from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from wsjc_desktop.ui import collector
from wsjc_desktop.ui.app import setup_application


class Cycle:
    """A dialog kept only by a reference cycle; notes the thread that frees it."""

    freed_on: ClassVar[list[int]] = []

    def __init__(self) -> None:
        self.dialog = QDialog()
        self.me = self

    def __del__(self) -> None:
        Cycle.freed_on.append(threading.get_ident())


def churn() -> None:
    """Allocate as a busy worker thread does: far past every collection threshold."""
    keep: list[Any] = []
    for _ in range(200_000):
        keep.append([])
        if len(keep) > 1000:
            keep.clear()


def test_the_application_collects_cycles_on_its_own_thread(qapp: QApplication, qtbot: QtBot) -> None:
    setup_application(crash_dialog=False)
    assert not gc.isenabled()
    assert qapp.findChild(collector.GuiThreadCollector) is collector.install(qapp)  # installed once

    Cycle.freed_on.clear()
    Cycle()
    worker = threading.Thread(target=churn)
    worker.start()
    worker.join()
    assert Cycle.freed_on == []  # the worker allocated plenty and freed nothing of ours
    # the GUI thread's own work makes a collection due (the worker's lists were freed, so its
    # allocations left the counts where they were); the timer then collects here. It goes on
    # allocating while it waits, as a running window does: objects freed meanwhile (the widgets of
    # earlier tests, deleted late) take the count back down and would leave nothing due
    busy: list[list[object]] = []

    def freed() -> bool:
        busy.extend([] for _ in range(gc.get_threshold()[0] // 4))
        return bool(Cycle.freed_on)

    qtbot.waitUntil(freed, timeout=5000)
    busy.clear()
    assert Cycle.freed_on == [threading.get_ident()]


def test_collect_due_collects_what_is_past_its_threshold(qapp: QApplication) -> None:
    setup_application(crash_dialog=False)
    gc.collect()
    assert collector.collect_due() == 0  # nothing due right after a full collection
    for _ in range(gc.get_threshold()[0] + 1):
        pair: list[Any] = []
        pair.append(pair)
    del pair
    assert collector.collect_due() > 0
