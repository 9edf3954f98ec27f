"""Add/edit dialogs built from a record type's field spec.

The dialog gathers values and hands them to one service call; a ``UserError`` naming a field
is shown in red under that field and the dialog stays open with everything typed kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.domain.fields import Field, FieldKind, RecordSpec
from wsjc_desktop.errors import UserError
from wsjc_desktop.services.display import Lookups, display_value

ERROR_STYLE = "color: #c0392b;"
PLACEHOLDERS = {
    FieldKind.DATE: "例如 2026-03-05",
    FieldKind.MONTH: "例如 1975-03",
    FieldKind.TIME: "例如 09:30",
    FieldKind.ID_NUMBER: "18位身份证号（可不填）",
    FieldKind.PHONE: "手机或座机号码",
}


class Editor:
    """One input: a widget plus how to read and write its value."""

    def __init__(self, widget: QWidget) -> None:
        self.widget = widget
        #: where an input that checks itself (a picker) reports a bad entry; set by the dialog
        self.report: Callable[[UserError], None] | None = None

    def get(self) -> Any:
        raise NotImplementedError

    def set(self, value: Any) -> None:
        raise NotImplementedError

    def focus(self) -> None:
        self.widget.setFocus()


class LineEditor(Editor):
    def __init__(self, fld: Field) -> None:
        self.fld = fld
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(fld.placeholder or PLACEHOLDERS.get(fld.kind, ""))
        super().__init__(self.edit)

    def get(self) -> Any:
        return self.edit.text().strip()

    def set(self, value: Any) -> None:
        self.edit.setText(display_value(self.fld, value))


class TextEditor(Editor):
    def __init__(self, fld: Field) -> None:
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(64)
        self.edit.setMaximumHeight(120)
        if fld.placeholder:
            self.edit.setPlaceholderText(fld.placeholder)
        super().__init__(self.edit)

    def get(self) -> Any:
        return self.edit.toPlainText()

    def set(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else str(value))


class IntEditor(Editor):
    def __init__(self, fld: Field) -> None:
        self.spin = QSpinBox()
        if fld.kind is FieldKind.YEAR:
            self.spin.setRange(1949, 2100)
            self.spin.setValue(date.today().year)
        else:
            self.spin.setRange(0, 100000)
        super().__init__(self.spin)

    def get(self) -> Any:
        return self.spin.value()

    def set(self, value: Any) -> None:
        if value is not None:
            self.spin.setValue(int(value))


class BoolEditor(Editor):
    def __init__(self, fld: Field) -> None:
        self.box = QCheckBox()
        super().__init__(self.box)

    def get(self) -> Any:
        return self.box.isChecked()

    def set(self, value: Any) -> None:
        self.box.setChecked(bool(value))


class ComboEditor(Editor):
    """A choice among labelled values; an empty first entry when the field is optional."""

    def __init__(self, fld: Field, choices: Sequence[tuple[Any, str]]) -> None:
        self.combo = QComboBox()
        if not fld.required:
            self.combo.addItem("（未填写）", None)
        for value, label in choices:
            self.combo.addItem(label, value)
        super().__init__(self.combo)

    def get(self) -> Any:
        return self.combo.currentData()

    def set(self, value: Any) -> None:
        if value is None:
            self.combo.setCurrentIndex(0)
            return
        wanted = getattr(value, "value", value)
        for i in range(self.combo.count()):
            data = self.combo.itemData(i)
            if data is not None and getattr(data, "value", data) == wanted:
                self.combo.setCurrentIndex(i)
                return


class _PickerLine(QLineEdit):
    """Enter picks the typed person; it must not also press the dialog's 保存 button."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.returnPressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class PickerEditor(Editor):
    """Type part of a name and choose: for cadres, who may be thousands."""

    def __init__(self, fld: Field, choices: Sequence[tuple[int, str]]) -> None:
        self.fld = fld
        self.by_label = {label: value for value, label in choices}
        self.by_id = {value: label for value, label in choices}
        self.edit = _PickerLine()
        self.edit.setPlaceholderText("输入姓名查找并选择")
        completer = QCompleter(QStringListModel([label for _v, label in choices]), self.edit)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.edit.setCompleter(completer)
        super().__init__(self.edit)

    def resolve(self, text: str) -> int | None:
        text = text.strip()
        if not text:
            return None
        if text in self.by_label:
            return self.by_label[text]
        matches = [v for label, v in self.by_label.items() if label.split("（")[0] == text]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise UserError(
                f"有{len(matches)}名干部叫“{text}”，请从列表中选择带单位的一项。", field=self.fld.name
            )
        raise UserError(f"没有找到干部“{text}”，请从列表中选择。", field=self.fld.name)

    def get(self) -> Any:
        return self.resolve(self.edit.text())

    def set(self, value: Any) -> None:
        self.edit.setText(self.by_id.get(int(value), "") if value is not None else "")


class MultiPickerEditor(Editor):
    """Several cadres: pick one at a time into a list; remove with the button or Delete."""

    def __init__(self, fld: Field, choices: Sequence[tuple[int, str]]) -> None:
        self.picker = PickerEditor(fld, choices)
        self.list = QListWidget()
        self.list.setMaximumHeight(96)
        add = QPushButton("添加")
        remove = QPushButton("移除")
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        self.picker.edit.returnPressed.connect(self._add)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.picker.edit, 1)
        row.addWidget(add)
        row.addWidget(remove)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.list)
        super().__init__(box)

    def _chosen(self) -> list[int]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def _add(self) -> None:
        try:
            value = self.picker.resolve(self.picker.edit.text())
        except UserError as exc:
            if self.report is None:
                raise
            self.report(exc)
            return
        if value is None or value in self._chosen():
            self.picker.edit.clear()
            return
        item = QListWidgetItem(self.picker.by_id.get(value, str(value)))
        item.setData(Qt.ItemDataRole.UserRole, value)
        self.list.addItem(item)
        self.picker.edit.clear()

    def _remove(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))

    def get(self) -> Any:
        if self.picker.edit.text().strip():
            value = self.picker.resolve(self.picker.edit.text())  # a UserError names the field
            if value is not None and value not in self._chosen():
                self._add()
        return self._chosen()

    def set(self, value: Any) -> None:
        self.list.clear()
        for record_id in value or []:
            item = QListWidgetItem(self.picker.by_id.get(int(record_id), f"#{record_id}"))
            item.setData(Qt.ItemDataRole.UserRole, int(record_id))
            self.list.addItem(item)

    def focus(self) -> None:
        self.picker.edit.setFocus()


class CheckListEditor(Editor):
    """Several members: tick the ones that apply."""

    def __init__(self, fld: Field, choices: Sequence[tuple[int, str]]) -> None:
        self.list = QListWidget()
        self.list.setMaximumHeight(80)
        for value, label in choices:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        super().__init__(self.list)

    def get(self) -> Any:
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set(self, value: Any) -> None:
        wanted = {int(v) for v in value or []}
        for i in range(self.list.count()):
            item = self.list.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


def make_editor(fld: Field, lookups: Lookups) -> Editor:
    kind = fld.kind
    if kind is FieldKind.LONG_TEXT:
        return TextEditor(fld)
    if kind in (FieldKind.INT, FieldKind.YEAR):
        return IntEditor(fld)
    if kind is FieldKind.BOOL:
        return BoolEditor(fld)
    if kind is FieldKind.ENUM and fld.enum is not None:
        return ComboEditor(fld, [(e, e.label) for e in fld.enum])
    if kind is FieldKind.REF and fld.ref == "cadres":
        return PickerEditor(fld, lookups.active_cadres())
    if kind is FieldKind.REF and fld.ref == "units":
        return ComboEditor(fld, lookups.active_units())
    if kind is FieldKind.REF and fld.ref == "members":
        return ComboEditor(fld, lookups.active_members())
    if kind is FieldKind.REFS and fld.ref == "cadres":
        return MultiPickerEditor(fld, lookups.active_cadres())
    if kind is FieldKind.REFS and fld.ref == "members":
        return CheckListEditor(fld, lookups.active_members())
    return LineEditor(fld)


SaveCallback = Callable[[dict[str, Any]], Any]


class RecordDialog(QDialog):
    """Add or edit one record. ``on_save`` gets the values and calls the service."""

    def __init__(
        self,
        spec: RecordSpec,
        lookups: Lookups,
        on_save: SaveCallback,
        *,
        title: str,
        values: Mapping[str, Any] | None = None,
        fields: Sequence[Field] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.spec = spec
        self.on_save = on_save
        self.result_value: Any = None
        self.editors: dict[str, Editor] = {}
        self.errors: dict[str, QLabel] = {}
        shown = (
            fields if fields is not None else [f for f in spec.editable_fields if f.name != _parent_key(spec)]
        )

        form_host = QWidget()
        form = QFormLayout(form_host)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for fld in shown:
            editor = make_editor(fld, lookups)
            error = QLabel()
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            cell = QWidget()
            cell_layout = QVBoxLayout(cell)
            cell_layout.setContentsMargins(0, 0, 0, 0)
            cell_layout.setSpacing(2)
            cell_layout.addWidget(editor.widget)
            cell_layout.addWidget(error)
            label = QLabel(("* " if fld.required else "") + fld.label)
            label.setBuddy(editor.widget)
            form.addRow(label, cell)
            editor.widget.setObjectName(f"field_{fld.name}")
            editor.report = self.show_error
            self.editors[fld.name] = editor
            self.errors[fld.name] = error
        if values:
            self.set_values(values)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        self.buttons = buttons

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.resize(620, min(760, 140 + 46 * len(shown)))

    def set_values(self, values: Mapping[str, Any]) -> None:
        for name, editor in self.editors.items():
            if name in values:
                editor.set(values[name])

    def values(self) -> dict[str, Any]:
        return {name: editor.get() for name, editor in self.editors.items()}

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()
        self.general_error.hide()

    def show_error(self, exc: UserError) -> None:
        self.clear_errors()
        if exc.field and exc.field in self.errors:
            label = self.errors[exc.field]
            label.setText(exc.message)
            label.show()
            self.editors[exc.field].focus()
        else:
            self.general_error.setText(exc.message)
            self.general_error.show()

    def save(self) -> None:
        self.clear_errors()
        try:
            self.result_value = self.on_save(self.values())
        except UserError as exc:
            self.show_error(exc)
            return
        self.accept()


def _parent_key(spec: RecordSpec) -> str | None:
    return spec.parent[1] if spec.parent else None


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is yes
