"""A UserError becomes a message box; anything else is logged and shown with the log's path."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.modal import answer_modals
from wsjc_desktop.errors import UserError
from wsjc_desktop.logging_setup import setup_logging
from wsjc_desktop.ui.errors import install_gui_excepthook


@pytest.fixture
def gui_hook(qapp: object) -> Iterator[None]:
    before = sys.excepthook
    install_gui_excepthook()
    yield
    sys.excepthook = before


def test_bug_is_logged_and_shown_with_the_log_path(gui_hook: None, qtbot: QtBot) -> None:
    shown: list[tuple[str, str, str]] = []

    def read_and_close(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        shown.append((box.windowTitle(), box.text(), box.informativeText()))
        box.close()

    answer_modals(read_and_close)
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    log_path = setup_logging()
    assert shown and shown[0][0] == "程序出错"
    assert "继续工作" in shown[0][1]
    assert str(log_path) in shown[0][2]
    assert "boom in a slot" in log_path.read_text(encoding="utf-8")


def test_user_error_is_a_plain_message(gui_hook: None, qtbot: QtBot) -> None:
    shown: list[str] = []

    def read_and_close(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        shown.append(box.text())
        box.close()

    answer_modals(read_and_close)
    try:
        raise UserError("数据库正被另一程序写入，请稍后再试。")
    except UserError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    assert shown == ["数据库正被另一程序写入，请稍后再试。"]
