"""The small pieces every 设置 page shares: the grey hint under an input, the red message that
says why a value was refused, and the colour of a preview or a status that is fine.

``settings_dialog`` (the dialog and its 基本信息, 文号, 组内人员 and 文件夹与字体 pages) and
``holiday_page`` (节假日) both build from these, so the pages look alike.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from wsjc_desktop.ui.forms import ERROR_STYLE

HINT_STYLE = "color: #666;"
PREVIEW_STYLE = "color: #1a5276;"


def hint_label(text: str) -> QLabel:
    """A grey, wrapped explanation."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


def error_label() -> QLabel:
    """A red, wrapped message line, hidden until there is something to say."""
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label
