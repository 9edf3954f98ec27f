"""What every view is handed: the database, the change hub, shared lookups, saved UI state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

from wsjc_desktop.paths import data_dir
from wsjc_desktop.ui.hub import ChangeHub

if TYPE_CHECKING:
    from wsjc_desktop.services.display import Lookups
    from wsjc_desktop.storage.database import Database


def ui_settings() -> QSettings:
    """Window sizes and column layouts, in the data folder (so portable mode and tests stay local)."""
    return QSettings(str(data_dir() / "ui.ini"), QSettings.Format.IniFormat)


@dataclass
class AppContext:
    db: Database
    hub: ChangeHub
    _lookups: Lookups | None = field(default=None, repr=False)
    today_override: date | None = None  # tests and screenshots may fix "today"
    member_id: int | None = None  # who logged in (None: no logins set up, or tests)

    @property
    def lookups(self) -> Lookups:
        """Names for ids and choices for forms, made when first needed (they need the ORM)."""
        if self._lookups is None:
            from wsjc_desktop.services.display import Lookups

            self._lookups = Lookups(self.db)
            self.hub.changed.connect(self._lookups.invalidate)
        return self._lookups

    @property
    def readonly(self) -> bool:
        return self.db.readonly

    @property
    def today(self) -> date:
        return self.today_override or date.today()

    @classmethod
    def create(cls, db: Database) -> AppContext:
        return cls(db=db, hub=ChangeHub(db))
