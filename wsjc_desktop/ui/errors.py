"""User errors become a message box; anything else is logged and shown as a crash dialog."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

import shiboken6
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from wsjc_desktop.errors import UserError
from wsjc_desktop.logging_setup import setup_logging

log = logging.getLogger(__name__)

#: The title of a message box that says why an action could not be done.
DEFAULT_TITLE = "无法完成操作"


def show_user_error(
    parent: QWidget | None,
    exc: UserError,
    title: str = DEFAULT_TITLE,
    *,
    critical: bool = False,
    text: str = "{message}",
) -> None:
    """The message of ``exc`` in a warning box (``critical``: an error box) over ``parent``, or
    over the window on screen when ``parent`` has been closed meanwhile. ``text`` words the
    message, ``{message}`` standing for the error's own."""
    show = QMessageBox.critical if critical else QMessageBox.warning
    show(message_parent(parent), title, text.replace("{message}", exc.message))


def message_parent(parent: QWidget | None) -> QWidget | None:
    """The window a message about ``parent``'s action opens over: ``parent`` while its window is
    on screen, else the active window if that one is (a box parented to a closed window gets
    lost behind the others, or is never shown). None stays None (nothing is open yet)."""
    if parent is None:
        return None
    if shiboken6.isValid(parent) and parent.window().isVisible():
        return parent
    return _visible_window()


def _visible_window() -> QWidget | None:
    """The window to show a message over: the active one, if it is still on screen."""
    window = QApplication.activeWindow()
    return window if window is not None and window.isVisible() else None


def install_gui_excepthook() -> None:
    """Route uncaught exceptions (including those in Qt slots) here: log, show, keep running."""
    log_path = setup_logging()

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, UserError):
            show_user_error(_visible_window(), exc)
            return
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("未处理的错误", exc_info=(exc_type, exc, tb))
        detail = "".join(traceback.format_exception(exc_type, exc, tb))[-4000:]
        box = QMessageBox(_visible_window())
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("程序出错")
        box.setText("程序遇到了一个意外错误。已保存的数据不受影响，您可以继续工作。")
        box.setInformativeText(f"错误详情已记录在日志文件：\n{log_path}")
        box.setDetailedText(detail)
        box.exec()

    sys.excepthook = hook
