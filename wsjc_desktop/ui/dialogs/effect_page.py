"""设置 → 影响期: the months of 影响期 per category and measure (the setting
``sanctions.effect_months``). The regulations' months are the default (``domain.sanctions``);
a group may change them, add a measure, or go back to the defaults. A 处分 or 组织处理 whose
影响期 is left blank is given the measure's months when saved.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from wsjc_desktop.domain.enums import DisciplineCategory
from wsjc_desktop.domain.sanctions import DEFAULT_EFFECT_MONTHS
from wsjc_desktop.ui.dialogs.rows_page import RowsPage

KEY = "sanctions.effect_months"
#: The categories a measure with an 影响期 belongs to (第一种形态 has none).
CATEGORIES = tuple(c for c in DisciplineCategory if c is not DisciplineCategory.FIRST_FORM)
COLUMNS = ("类别", "处理方式", "影响期（月）")


class EffectMonthsPage(RowsPage):
    """Rows of (category, measure, months), with 添加, 删除 and 恢复默认."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.reset_button = QPushButton("恢复默认")
        self.reset_button.setToolTip("恢复为依据有关规定的默认月数")
        super().__init__(
            "登记处分或组织处理时，影响期留空的，按下表的月数自动计算（自决定日期起）。"
            "默认值依据党纪处分条例、政务处分法和干部选拔任用有关规定；留党察看另加其期限（一年或二年）。",
            COLUMNS,
            "effect_months_table",
            extra=[self.reset_button],
            parent=parent,
        )
        self.reset_button.clicked.connect(lambda: self.set_value(DEFAULT_EFFECT_MONTHS))

    def add_row(  # the page's own cells, all optional
        self, category: str | None = None, measure: str = "", months: int = 12
    ) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        kind = QComboBox()
        for item in CATEGORIES:
            kind.addItem(item.label, item.value)
        if category is not None:
            kind.setCurrentIndex(max(0, kind.findData(category)))
        name = QLineEdit(measure)
        name.setPlaceholderText("如：记过")
        length = QSpinBox()
        length.setRange(1, 120)
        length.setValue(months)
        for column, widget in enumerate((kind, name, length)):
            self.table.setCellWidget(row, column, widget)
        if not measure:
            name.setFocus()
        return row

    def set_value(self, value: Any) -> None:
        self.table.setRowCount(0)
        table = value if isinstance(value, dict) else DEFAULT_EFFECT_MONTHS
        for category, measures in copy.deepcopy(table).items():
            if isinstance(measures, dict):
                for measure, months in measures.items():
                    self.add_row(str(category), str(measure), int(months))

    def value(self) -> dict[str, dict[str, int]]:
        """The rows as the setting stores them (a row without a measure is left out)."""
        out: dict[str, dict[str, int]] = {}
        for row in range(self.table.rowCount()):
            kind, name, length = (self.table.cellWidget(row, c) for c in range(3))
            assert (
                isinstance(kind, QComboBox) and isinstance(name, QLineEdit) and isinstance(length, QSpinBox)
            )
            measure = "".join(name.text().split())
            if measure:
                out.setdefault(str(kind.currentData()), {})[measure] = length.value()
        return out
