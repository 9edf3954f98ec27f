"""User errors become a message box; anything else is logged and shown as a crash dialog."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from wsjc_desktop.errors import UserError
from wsjc_desktop.logging_setup import setup_logging

log = logging.getLogger(__name__)


def show_user_error(parent: QWidget | None, exc: UserError, title: str = "无法完成操作") -> None:
    QMessageBox.warning(parent, title, exc.message)


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
