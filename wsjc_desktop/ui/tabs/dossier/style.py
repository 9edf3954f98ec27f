"""The dossier's shared look: the muted grey of secondary text and the orange of a stale file."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QLabel

#: A file not brought up to date this year: its dot in the tree, the legend beneath it.
STALE_COLOR = QColor("#c0580e")
MUTED = "#6b7785"


def muted_label(text: str = "") -> QLabel:
    """A label in the muted grey of counts, hints and field names."""
    label = QLabel(text)
    label.setStyleSheet(f"color: {MUTED};")
    return label


def rule() -> QFrame:
    """The thin line between two parts of the dossier."""
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setStyleSheet("color: #e3e7ec;")
    return line
