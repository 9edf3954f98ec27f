"""Opening dialogs and placing windows: one way for every window of the program.

* :func:`exec_dialog` runs a modal dialog and lets it go afterwards, whether or not the dialog
  deletes itself when closed (``WA_DeleteOnClose``). Deleting such a dialog a second time is
  what crashed 审计日志 on 关闭.
* :func:`fit_to_screen` keeps a window inside the screen area the taskbar leaves free (a
  1366×768 laptop has about 1366×728), so a window's buttons are never below the screen's edge.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget

#: Room kept free around a window fitted to the screen (its frame and title bar).
SCREEN_MARGIN = 24


def exec_dialog(dialog: QDialog) -> int:
    """Run ``dialog`` modally and return its result; afterwards it is deleted exactly once."""
    result = dialog.exec()
    if shiboken6.isValid(dialog) and not dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose):
        dialog.deleteLater()
    return int(result)


def available_rect(widget: QWidget | None = None) -> QRect:
    """The free area of the screen ``widget`` is on: its window's, else the window it opens
    over (a dialog not shown yet), else the primary screen's.

    Found with the static ``QGuiApplication.screenAt``, never ``QWidget.screen()`` or
    ``QWindow.screen()``: those make the returned QScreen's Python wrapper a child of the
    widget's (shiboken's parent heuristic). When the garbage collector later frees the widget
    and the wrapper together, the wrapper can be left owning the application's screen and
    delete it; the next window made then crashes in ``QWidget::screen``."""
    window = widget.window() if widget is not None else None
    while window is not None:
        if window.testAttribute(Qt.WidgetAttribute.WA_WState_Created):  # it has a native window
            screen = QGuiApplication.screenAt(window.frameGeometry().center())
            if screen is not None:
                return screen.availableGeometry()
        parent = window.parentWidget()
        window = parent.window() if parent is not None else None
    primary = QGuiApplication.primaryScreen()
    return primary.availableGeometry() if primary is not None else QRect(0, 0, 1366, 728)


def fitted_size(wanted: QSize, available: QRect, margin: int = SCREEN_MARGIN) -> QSize:
    """``wanted``, shrunk where needed to fit ``available`` with ``margin`` on each side (and
    room for a title bar)."""
    width = min(wanted.width(), max(available.width() - 2 * margin, 320))
    height = min(wanted.height(), max(available.height() - 2 * margin - 32, 240))
    return QSize(width, height)


#: A window's frame before it is first shown (the window system adds it then): title bar on top.
FRAME_GUESS = (8, 32, 8, 8)  # left, top, right, bottom


def _frame(widget: QWidget) -> tuple[int, int, int, int]:
    """The widths of the window system's frame around ``widget`` (left, top, right, bottom)."""
    if not widget.isVisible():
        return FRAME_GUESS
    outer, inner = widget.frameGeometry(), widget.geometry()
    return (
        inner.left() - outer.left(),
        inner.top() - outer.top(),
        outer.right() - inner.right(),
        outer.bottom() - inner.bottom(),
    )


def fit_to_screen(widget: QWidget, wanted: QSize | None = None, available: QRect | None = None) -> None:
    """Size ``widget`` to ``wanted`` (default: its current size) within the free screen area,
    and move it, frame and title bar included, inside that area if any part lies outside."""
    area = available if available is not None else available_rect(widget)
    size = fitted_size(wanted if wanted is not None else widget.size(), area)
    widget.resize(size)
    left, top, right, bottom = _frame(widget)
    geometry = widget.geometry()
    x = min(max(geometry.x(), area.left() + left), area.right() - right - size.width() + 1)
    y = min(max(geometry.y(), area.top() + top), area.bottom() - bottom - size.height() + 1)
    x, y = max(x, area.left() + left), max(y, area.top() + top)
    if (x, y) != (geometry.x(), geometry.y()):
        widget.move(x - left, y - top)  # a window's position is its frame's
