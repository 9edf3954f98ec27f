"""Answering modal dialogs from a test: each handler runs on the next modal window that opens."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

Handler = Callable[[QWidget], None]


#: Bumped between tests (tests/ui/conftest.py): a handler left waiting by one test (its modal
#: never came) must not answer the next test's modal.
_generation = [0]


def forget_pending() -> None:
    _generation[0] += 1


def answer_modals(*handlers: Handler, timeout_ms: int = 5000) -> list[QWidget]:
    """Schedule ``handlers`` for the modal windows the next action opens, in order. A handler
    that fails closes its window (so the test fails with the handler's error instead of waiting
    forever on the modal), then raises."""
    seen: list[QWidget] = []
    queue = list(handlers)
    waited = [0]
    generation = _generation[0]
    already_open = QApplication.activeModalWidget()  # not opened by the next action: left alone

    def check() -> None:
        if not queue or generation != _generation[0]:
            return
        widget = QApplication.activeModalWidget()
        if widget is None or widget is already_open or (seen and widget is seen[-1]):
            waited[0] += 10
            if waited[0] < timeout_ms:
                QTimer.singleShot(10, check)
            return
        seen.append(widget)
        handler = queue.pop(0)
        try:
            handler(widget)
        except BaseException:
            queue.clear()
            reject = getattr(widget, "reject", None)
            if callable(reject):
                reject()
            else:
                widget.close()
            raise
        if queue:
            waited[0] = 0
            QTimer.singleShot(10, check)

    QTimer.singleShot(0, check)
    return seen


def click_accept(widget: QWidget) -> None:
    """Press the accepting button of a message box (确定 / OK / Yes)."""
    assert isinstance(widget, QMessageBox), type(widget)
    for button in widget.buttons():
        if widget.buttonRole(button) in (
            QMessageBox.ButtonRole.AcceptRole,
            QMessageBox.ButtonRole.YesRole,
        ):
            button.click()
            return
    widget.accept()


def message_text(widget: QWidget) -> str:
    assert isinstance(widget, QMessageBox), type(widget)
    return widget.text()


def type_text(widget: QWidget, text: str) -> None:
    """Type text into a widget key by key, Chinese included.

    QTest.keyClicks aborts on characters outside Latin-1, so each character is sent as the
    key press an input method delivers when it commits that character.
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            QApplication.sendEvent(widget, event)


def wait_for_focus(qtbot: object, widget: QWidget) -> None:
    """Wait until ``widget`` has the keyboard focus."""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=3000)  # type: ignore[attr-defined]
