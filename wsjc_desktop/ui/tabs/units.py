"""监督单位: the units, this year's totals beside each, and beneath the selected unit's cadres
and its 政治生态研判 (a page of its own, read when it is shown)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.domain.fields import CADRE, UNIT
from wsjc_desktop.services.overview import UnitTotals, unit_totals
from wsjc_desktop.services.records import RecordFilter, Row
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.record_tab import RecordListPanel, RecordTab
from wsjc_desktop.ui.table_model import Column, spec_columns
from wsjc_desktop.ui.tabs.unit_profile import UnitProfilePage

TOTAL_TABLES = {"units", "cadres", "talks", "meetings", "alert_notices"}


class UnitsTab(RecordTab):
    tab_title = "监督单位"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self._totals: dict[int, UnitTotals] | None = None
        year = ctx.today.year
        base = [c for c in spec_columns(UNIT) if c.key not in ("party_org_name", "sort_order", "in_scope")]
        totals = [
            Column("cadres", "干部数", compute=lambda r: str(self._total(r).cadres), width=5),
            Column(
                "talks", f"{year}年谈话人次", compute=lambda r: str(self._total(r).talk_person_times), width=8
            ),
            Column("meetings", f"{year}年列席会议", compute=lambda r: str(self._total(r).meetings), width=8),
            Column("open", "提醒未办结", compute=lambda r: str(self._total(r).notices_open), width=6),
            Column("overdue", "其中逾期", compute=lambda r: str(self._total(r).notices_overdue), width=5),
        ]
        super().__init__(ctx, UNIT, columns=base + totals, parent=parent)

    def build_detail(self) -> QWidget:
        columns = [c for c in spec_columns(CADRE) if c.key not in ("unit_id", "file_updated_on")]
        self.cadres = RecordListPanel(self.ctx, CADRE, title="本单位干部", columns=columns)
        self.profile = UnitProfilePage(self.ctx)
        self.detail_tabs = QTabWidget()
        self.detail_tabs.setObjectName("unit_detail_tabs")
        self.detail_tabs.addTab(self.cadres, "本单位干部")
        self.detail_tabs.addTab(self.profile, "政治生态研判")
        return self.detail_tabs

    def _total(self, row: Row) -> UnitTotals:
        if self._totals is None:
            self._totals = unit_totals(self.ctx.db, self.ctx.today.year, self.ctx.today)
        return self._totals.get(int(row["id"]), UnitTotals())

    def _on_changes(self, changes: ChangeSet) -> None:
        if changes.touches(*TOTAL_TABLES):
            self._totals = None
            if self.is_loaded and self.model.rowCount():
                self.model.dataChanged.emit(
                    self.model.index(0, 0),
                    self.model.index(self.model.rowCount() - 1, self.model.columnCount() - 1),
                )
        super()._on_changes(changes)

    def refresh(self) -> None:
        self._totals = None
        super().refresh()

    def on_selected(self, record_id: int | None) -> None:
        if record_id is None:
            self.cadres.set_parent_values({})
        else:
            self.cadres.set_parent_values({"unit_id": record_id}, RecordFilter(unit_id=record_id))
        self.profile.set_unit(record_id)

    def show_profile(self) -> UnitProfilePage:
        """Bring the selected unit's 政治生态研判 to the front."""
        self.detail_tabs.setCurrentWidget(self.profile)
        return self.profile

    def can_export(self) -> bool:
        return True

    def export_view(self) -> None:
        from wsjc_desktop.ui.export import export_tab

        export_tab(self, "units")
