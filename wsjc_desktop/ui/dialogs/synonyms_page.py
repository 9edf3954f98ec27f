"""设置 → 导入: the group's own ways of writing an option in past ledgers (政治谈话 → 谈心谈话).

The built-in list (``ledger_import.BUILTIN_SYNONYMS``: 集体廉政谈话 → 廉政谈话 …) needs nothing
here; this page keeps what the group adds, stored as the setting ``import.synonyms``
(``{column label: {as written: option}}``), saved with the other settings.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QWidget,
)

from wsjc_desktop.domain.fields import FieldKind
from wsjc_desktop.services.ledger_import import BUILTIN_SYNONYMS, IMPORTABLE
from wsjc_desktop.services.ledgers import LEDGERS
from wsjc_desktop.ui.dialogs.rows_page import RowsPage

KEY = "import.synonyms"
HEADERS = ("列名", "台账中的写法", "对应的选项")


def option_columns() -> dict[str, list[str]]:
    """Every column of an importable ledger that holds an option, with its options."""
    out: dict[str, list[str]] = {}
    for key in IMPORTABLE:
        for fld in LEDGERS[key].fields:
            if fld.kind is FieldKind.ENUM and fld.enum is not None and fld.editable:
                out.setdefault(fld.label, [e.label for e in fld.enum])
    return out


class SynonymsPage(RowsPage):
    """A table of (column, as written, option) rows, with 添加 and 删除."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.columns = option_columns()
        built_in = sum(len(v) for v in BUILTIN_SYNONYMS.values())
        super().__init__(
            "导入往年台账时，选择项的其他写法会自动对应到程序中的选项。"
            f"常见写法（如“集体廉政谈话”→“廉政谈话”、“党组会”→“党委(组)会”）已内置 {built_in} 条；"
            "本组特有的写法请在下表中添加。",
            HEADERS,
            "synonyms_table",
            parent=parent,
        )

    def add_row(  # the page's own cells, all optional
        self, column: str | None = None, written: str = "", option: str | None = None
    ) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        column_box = QComboBox()
        column_box.addItems(list(self.columns))
        option_box = QComboBox()
        edit = QLineEdit(written)
        edit.setPlaceholderText("如：政治谈话")

        def fill_options() -> None:
            option_box.clear()
            option_box.addItems(self.columns.get(column_box.currentText(), []))

        column_box.currentTextChanged.connect(lambda _text: fill_options())
        if column is not None and column in self.columns:
            column_box.setCurrentText(column)
        fill_options()
        if option is not None:
            option_box.setCurrentText(option)
        self.table.setCellWidget(row, 0, column_box)
        self.table.setCellWidget(row, 1, edit)
        self.table.setCellWidget(row, 2, option_box)
        if not written:
            edit.setFocus()
        return row

    def set_value(self, value: Any) -> None:
        self.table.setRowCount(0)
        if not isinstance(value, dict):
            return
        for column, mapping in value.items():
            if isinstance(mapping, dict):
                for written, option in mapping.items():
                    self.add_row(str(column), str(written), str(option))

    def value(self) -> dict[str, dict[str, str]]:
        """The rows as the setting stores them (rows with nothing written are left out)."""
        out: dict[str, dict[str, str]] = {}
        for row in range(self.table.rowCount()):
            column, edit, option = (self.table.cellWidget(row, c) for c in range(3))
            assert isinstance(column, QComboBox) and isinstance(edit, QLineEdit)
            assert isinstance(option, QComboBox)
            written = edit.text().strip()
            if written:
                out.setdefault(column.currentText(), {})[written] = option.currentText()
        return out
