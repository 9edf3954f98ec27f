"""The few looks every window shares: the red message that says why a value was refused, the
grey hint under an input, and the labels that carry them.

Kept apart from :mod:`wsjc_desktop.ui.forms` (which reads the field spec, and with it the ORM) so
that the login, the passphrase prompt and the lock screen, drawn before the ORM is loaded, use
the same colours as every form.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

ERROR_STYLE = "color: #c0392b;"
HINT_STYLE = "color: #666;"


def error_label(name: str = "") -> QLabel:
    """A red, wrapped message line, hidden until there is something to say."""
    label = QLabel()
    if name:
        label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def hint_label(text: str) -> QLabel:
    """A grey, wrapped explanation."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label
