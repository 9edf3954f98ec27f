"""监督检查: the checks the group made (专项, 日常, 明察暗访, 驻点, 巡视巡察整改监督, 预警核查),
and beneath the selected one the problems it found; a problem registered there starts with
its source and its unit filled in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.domain.enums import ProblemSource
from wsjc_desktop.domain.fields import INSPECTION, PROBLEM, Field
from wsjc_desktop.services import problems
from wsjc_desktop.services.records import RecordFilter
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.problem_forms import FittedForms
from wsjc_desktop.ui.record_tab import RecordListPanel, RecordTab
from wsjc_desktop.ui.table_model import spec_columns

#: What a problem registered under an inspection gets from it, and the form leaves out.
FIXED_BY_INSPECTION = ("inspection_id", "source")


class FoundProblemsPanel(FittedForms, RecordListPanel):
    """The problems an inspection found; 添加 registers one with the inspection as its source
    and the inspection's (first) unit as its unit."""

    def fixed_values(self) -> dict[str, Any]:
        return {k: v for k, v in self.parent_values.items() if k in FIXED_BY_INSPECTION}

    def new_defaults(self) -> dict[str, Any]:
        unit_id = self.parent_values.get("unit_id")
        return {"unit_id": unit_id} if unit_id is not None else {}

    def form_fields(self) -> Sequence[Field]:
        hidden = (*FIXED_BY_INSPECTION, "meeting_id", "talk_id", "clue_id")
        return [f for f in PROBLEM.editable_fields if f.name not in hidden]

    def show_inspection(self, inspection_id: int | None, unit_ids: Sequence[int]) -> None:
        if inspection_id is None:
            self.set_parent_values({})
            return
        values: dict[str, Any] = {"inspection_id": inspection_id, "source": ProblemSource.INSPECTION}
        if unit_ids:
            values["unit_id"] = unit_ids[0]
        self.set_parent_values(values, self._filter(problems.found_by(self.ctx.db, inspection_id)))

    def _filter(self, ids: frozenset[int]) -> RecordFilter:
        # today as the window sees it: a problem past its 整改期限 shows 逾期
        return RecordFilter(only_ids=ids, today=self.ctx.today_override)

    def _on_changes(self, changes: ChangeSet) -> None:
        inspection_id = self.parent_values.get("inspection_id")
        if changes.touches("problems") and inspection_id is not None:
            found = problems.found_by(self.ctx.db, int(inspection_id))
            if found != self.model.flt.only_ids:
                self.model.set_filter(self._filter(found))
                return
        super()._on_changes(changes)


class InspectionsTab(FittedForms, RecordTab):
    tab_title = "监督检查"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, INSPECTION, parent=parent)
        self.problem_button = self.add_button(
            "登记发现的问题", self.add_problem, tip="为选中的监督检查登记一个发现的问题"
        )
        self.problem_button.setObjectName("add_problem")
        self.on_selected(None)

    def build_detail(self) -> QWidget:
        columns = [c for c in spec_columns(PROBLEM) if c.key not in ("source",)]
        self.found = FoundProblemsPanel(self.ctx, PROBLEM, title="本次检查发现的问题", columns=columns)
        self.found.add_button.setText("登记问题")
        return self.found

    def on_selected(self, record_id: int | None) -> None:
        if not hasattr(self, "problem_button"):
            return
        row = self.selected_row() if record_id is not None else None
        units = [int(u) for u in (row or {}).get("unit_ids") or []]
        self.found.show_inspection(record_id if row is not None else None, units)
        self.problem_button.setEnabled(row is not None and not self.ctx.readonly)

    def _on_changes(self, changes: ChangeSet) -> None:
        super()._on_changes(changes)
        if changes.touches("inspections") and hasattr(self, "problem_button"):
            self.on_selected(self.selected_id())  # its units may have changed

    def add_problem(self) -> None:
        if self.selected_id() is not None:
            self.found.add()

    def can_export(self) -> bool:
        return True  # the ledger itself may not be there yet: export_view says so

    def export_view(self) -> None:
        from wsjc_desktop.services.ledgers import LEDGERS

        if "inspections" not in LEDGERS:
            QMessageBox.information(self, "导出", "监督检查台账的导出尚未提供。")
            return
        from wsjc_desktop.ui.export import export_tab

        export_tab(self, "inspections")
