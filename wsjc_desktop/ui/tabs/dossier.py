"""廉政档案: one dossier per cadre (to be completed: sections and timeline)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from wsjc_desktop.domain.fields import CADRE
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.record_tab import RecordTab


class DossierTab(RecordTab):
    tab_title = "廉政档案"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, CADRE, parent=parent)
