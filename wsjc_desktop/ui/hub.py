"""Bridges the database's change notices into a Qt signal every view can listen to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from wsjc_desktop.domain.changes import ChangeSet

if TYPE_CHECKING:
    from wsjc_desktop.storage.database import Database


class ChangeHub(QObject):
    """``changed`` fires after every committed write with the ChangeSet it made."""

    changed = Signal(object)

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = db.subscribe(self._on_change)

    def _on_change(self, changes: ChangeSet) -> None:
        self.changed.emit(changes)

    def close(self) -> None:
        self._unsubscribe()
