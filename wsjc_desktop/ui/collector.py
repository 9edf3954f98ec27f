"""Python's cycle collector runs on the GUI thread only.

CPython collects reference cycles in whichever thread happens to allocate past a threshold.
The window has threads of its own (the lock's heartbeat, the integrity check, the start-up
backup, the module preloader), so a cycle holding widgets could be freed there, and Qt deletes a
widget from the wrong thread: the program then crashes later, somewhere unrelated (seen in the
tests as a crash inside ``QDialog.__init__``).

:func:`install` turns automatic collection off and collects from a timer on the GUI thread
instead, generation by generation, as the interpreter would have (:func:`collect_due`). The
command line never installs it.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: How often the GUI thread looks whether a collection is due.
INTERVAL_MS = 250


def collect_due() -> int:
    """Collect the generation automatic collection would collect now (the oldest one whose count
    is past its threshold), if any. Returns the number of unreachable objects found."""
    thresholds = gc.get_threshold()
    counts = gc.get_count()
    generation = -1
    for gen, (count, threshold) in enumerate(zip(counts, thresholds, strict=True)):
        if threshold and count > threshold:
            generation = gen
        else:
            break
    return gc.collect(generation) if generation >= 0 else 0


class GuiThreadCollector(QObject):
    """The timer that does the collecting, parented to the application."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        if gc.isenabled():  # something turned it back on: off again, the GUI thread collects
            gc.disable()
        collect_due()


def install(app: QObject) -> GuiThreadCollector:
    """Collect cycles on the GUI thread only, for as long as ``app`` lives."""
    existing = app.findChild(GuiThreadCollector)
    if isinstance(existing, GuiThreadCollector):
        return existing
    gc.disable()
    return GuiThreadCollector(app)
