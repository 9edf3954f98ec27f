"""设置 → 线索期限: the days each stage of a 问题线索 may take (登记, 研判, 处置; the setting
``clues.stage_days``). A clue's light in the register is yellow past half of its stage's days and
red past them; 办结 has no limit. The group's defaults are ``problem_rules.DEFAULT_STAGE_DAYS``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSpinBox, QTableWidgetItem, QVBoxLayout, QWidget

from wsjc_desktop.domain.problem_rules import DEFAULT_STAGE_DAYS, TIMED_STAGES
from wsjc_desktop.services.clues import KEY, STAGE_DAYS_RANGE
from wsjc_desktop.ui.dialogs.rows_page import RowsPage
from wsjc_desktop.ui.dialogs.settings_widgets import error_label

__all__ = ["KEY", "ClueStagePage"]

COLUMNS = ("办理阶段", "期限（天）", "提示灯")


class ClueStagePage(RowsPage):
    """One row per timed stage (the rows are fixed: no 添加 or 删除), with 恢复默认."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.reset_button = QPushButton("恢复默认")
        self.reset_button.setObjectName("clue_stage_reset")
        self.reset_button.setToolTip("恢复为登记 7 天、研判 15 天、处置 60 天")
        super().__init__(
            "问题线索按“登记 → 研判 → 处置 → 办结”办理，每个阶段自进入之日起计算期限。"
            "在“问题线索”页中，超过期限一半的亮黄灯，超过期限的亮红灯；办结后不再计算。",
            COLUMNS,
            "clue_stage_table",
            extra=[self.reset_button],
            parent=parent,
        )
        # the stages are fixed: nothing to add or remove
        self.add_button.hide()
        self.remove_button.hide()
        self.table.setMaximumHeight(self.table.verticalHeader().defaultSectionSize() * 4 + 8)
        self.error = error_label()  # a refused value (the settings' check) shows here
        self.error.setObjectName("clue_stage_error")
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(2, self.error)
        layout.addStretch(1)
        self.spins: dict[str, QSpinBox] = {}
        self.notes: dict[str, QLabel] = {}
        for stage in TIMED_STAGES:
            self.add_row(stage.value)
        for spin in self.spins.values():
            spin.valueChanged.connect(lambda _value: self.error.hide())  # edited: the message goes
        self.reset_button.clicked.connect(lambda: self.set_value(DEFAULT_STAGE_DAYS))

    def add_row(self, stage: str | None = None) -> int:
        """The row of one stage (called once per stage when the page is made)."""
        if stage is None or stage in self.spins:
            return -1
        label = next(s.label for s in TIMED_STAGES if s.value == stage)
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QTableWidgetItem(label)
        name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(row, 0, name)
        days = QSpinBox()
        days.setObjectName(f"stage_days_{stage}")
        low, high = STAGE_DAYS_RANGE
        days.setRange(low, high)
        days.setSuffix(" 天")
        days.setValue(DEFAULT_STAGE_DAYS[stage])
        note = QLabel()
        note.setContentsMargins(6, 0, 6, 0)
        days.valueChanged.connect(lambda value, n=note: n.setText(self._yellow(value)))
        note.setText(self._yellow(days.value()))
        self.table.setCellWidget(row, 1, days)
        self.table.setCellWidget(row, 2, note)
        self.spins[stage] = days
        self.notes[stage] = note
        return row

    @staticmethod
    def _yellow(days: int) -> str:
        """When the light turns yellow (past half of the days) and red (past all of them)."""
        return f"满 {days // 2 + 1} 天亮黄灯，满 {days + 1} 天亮红灯"

    def set_value(self, value: Any) -> None:
        table = value if isinstance(value, dict) else DEFAULT_STAGE_DAYS
        for stage, spin in self.spins.items():
            days = table.get(stage, DEFAULT_STAGE_DAYS[stage])
            spin.setValue(int(days) if isinstance(days, int) else DEFAULT_STAGE_DAYS[stage])

    def value(self) -> dict[str, int]:
        """The days per stage as the setting stores them."""
        return {stage: spin.value() for stage, spin in self.spins.items()}
