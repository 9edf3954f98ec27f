"""Add/edit dialogs built from a record type's field spec.

The dialog gathers values and hands them to one service call; a ``UserError`` naming a field
is shown in red under that field and the dialog stays open with everything typed kept. The
message goes as soon as that field is edited. The dialog opens with the focus in its first
field, is never taller than the free area of the screen (the fields scroll, 保存 and 取消 stay
in view), and asks 放弃修改？ before Esc, 取消 or the close button throw away what was typed
(``dialog_behaviour.GuardedDialog``).

A cadre is picked by typing any part of “姓名（单位）”, or pinyin: the start of the name's full
pinyin (``zhangs``) or any run of its initials (``zs``), the same keys the search box indexes
(``services.search.pinyin_keys``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, QRect, QSize, QStringListModel, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
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
    QStyle,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.domain.fields import Field, FieldKind, RecordSpec
from wsjc_desktop.errors import UserError
from wsjc_desktop.services.display import Lookups, display_value
from wsjc_desktop.ui.dialog_behaviour import GuardedDialog
from wsjc_desktop.ui.styles import ERROR_STYLE as ERROR_STYLE
from wsjc_desktop.ui.windows import available_rect, fitted_size

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

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever the value changes (typed, chosen or ticked)."""
        raise NotImplementedError


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

    def on_change(self, callback: Callable[[], None]) -> None:
        self.edit.textChanged.connect(lambda _text: callback())


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

    def on_change(self, callback: Callable[[], None]) -> None:
        self.edit.textChanged.connect(callback)


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

    def on_change(self, callback: Callable[[], None]) -> None:
        self.spin.valueChanged.connect(lambda _value: callback())


class BoolEditor(Editor):
    def __init__(self, fld: Field) -> None:
        self.box = QCheckBox()
        super().__init__(self.box)

    def get(self) -> Any:
        return self.box.isChecked()

    def set(self, value: Any) -> None:
        self.box.setChecked(bool(value))

    def on_change(self, callback: Callable[[], None]) -> None:
        self.box.toggled.connect(lambda _on: callback())


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

    def on_change(self, callback: Callable[[], None]) -> None:
        self.combo.currentIndexChanged.connect(lambda _index: callback())


class _PickerLine(QLineEdit):
    """Enter picks the person highlighted in the list under the box, else the typed one; it
    must not also press the dialog's 保存 button."""

    def __init__(self) -> None:
        super().__init__()
        self.offered: QCompleter | None = None  # the list of matching people, set by the picker

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            popup = self.offered.popup() if self.offered is not None else None
            if popup is not None and popup.isVisible():
                selection = popup.selectionModel()
                if selection is not None and selection.hasSelection():
                    event.ignore()  # the list takes it: its highlighted person is chosen
                    return
                popup.hide()
            self.returnPressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def person_name(label: str) -> str:
    """The name in a picker's “姓名（单位）”."""
    return label.split("（")[0]


def person_matches(query: str, label: str) -> bool:
    """Whether typing ``query`` finds the person shown as ``label`` (“姓名（单位）”): any part of
    the label, or, in ASCII letters, the start of the name's full pinyin (``zhangs``) or any run
    of its initials (``zs``, ``s``), case ignored."""
    typed = query.strip().casefold()
    if not typed:
        return False
    if typed in label.casefold():
        return True
    letters = typed.replace(" ", "")
    if not (letters.isascii() and letters.isalpha()):
        return False
    # the search box's own keys; pypinyin loads when letters are first typed, not with the form
    from wsjc_desktop.services.search import pinyin_keys

    full, initials = pinyin_keys(person_name(label))
    return full.startswith(letters) or letters in initials


class PickerEditor(Editor):
    """Type part of a name, or its pinyin initials, and choose: for cadres, who may be thousands.

    The people the text finds are listed under the box as it is typed; a text that finds exactly
    one person stands for that person.
    """

    def __init__(self, fld: Field, choices: Sequence[tuple[int, str]]) -> None:
        self.fld = fld
        self.choices = list(choices)
        self.by_label = {label: value for value, label in self.choices}
        self.by_id = {value: label for value, label in self.choices}
        self.edit = _PickerLine()
        self.edit.setPlaceholderText("输入姓名或拼音首字母查找并选择")
        self.found = QStringListModel(self.edit)
        # the list is filtered here (pinyin), so the completer shows it as it is
        self.completer = QCompleter(self.found, self.edit)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setWidget(self.edit)
        self.completer.activated.connect(self._chosen)  # activated(str): the label
        self.edit.offered = self.completer
        self.edit.textEdited.connect(lambda _text: self.offer())
        super().__init__(self.edit)

    def _chosen(self, label: str) -> None:
        self.edit.setText(label)

    def matches(self, text: str) -> list[tuple[int, str]]:
        """(id, label) of everyone ``text`` finds, in the order of the choices."""
        return [(value, label) for value, label in self.choices if person_matches(text, label)]

    def offer(self) -> None:
        """List the people the typed text finds under the box (nothing found: no list)."""
        labels = [label for _value, label in self.matches(self.edit.text())]
        self.found.setStringList(labels)
        if labels and self.edit.hasFocus():  # a list takes the keyboard: only for the box typed in
            self.completer.complete()
            popup = self.completer.popup()
            if popup is not None:
                # nothing highlighted until the user moves into the list: Enter then means the
                # typed text (one person, or the message that several match), not the first line
                popup.setCurrentIndex(QModelIndex())
        else:
            self.hide_offer()

    def hide_offer(self) -> None:
        popup = self.completer.popup()
        if popup is not None and popup.isVisible():
            popup.hide()

    def resolve(self, text: str) -> int | None:
        text = text.strip()
        if not text:
            return None
        if text in self.by_label:
            return self.by_label[text]
        named = [value for value, label in self.choices if person_name(label) == text]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise UserError(
                f"有{len(named)}名干部叫“{text}”，请从列表中选择带单位的一项。", field=self.fld.name
            )
        found = self.matches(text)
        if len(found) == 1:
            return found[0][0]
        if found:
            raise UserError(f"有{len(found)}名干部与“{text}”相符，请从列表中选择一项。", field=self.fld.name)
        raise UserError(f"没有找到干部“{text}”，请从列表中选择。", field=self.fld.name)

    def get(self) -> Any:
        return self.resolve(self.edit.text())

    def set(self, value: Any) -> None:
        self.edit.setText(self.by_id.get(int(value), "") if value is not None else "")

    def focus(self) -> None:
        """Focus the box; when its text finds several people (the message says choose), list them."""
        self.edit.setFocus()
        if self.edit.isVisible() and len(self.matches(self.edit.text())) > 1:
            self.offer()

    def on_change(self, callback: Callable[[], None]) -> None:
        self.edit.textChanged.connect(lambda _text: callback())


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
        # a person clicked in the list goes in at once (after the picker has taken the label)
        self.picker.completer.activated.connect(lambda _label: self._add())
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
        self.picker.hide_offer()
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
        self.picker.focus()

    def on_change(self, callback: Callable[[], None]) -> None:
        self.picker.on_change(callback)
        model = self.list.model()
        model.rowsInserted.connect(lambda *_: callback())
        model.rowsRemoved.connect(lambda *_: callback())


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

    def on_change(self, callback: Callable[[], None]) -> None:
        self.list.itemChanged.connect(lambda _item: callback())


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

#: The width of a column of fields. A form too tall for the screen is set in two columns when
#: the screen is wide enough for both (a 1366×768 laptop is); otherwise it scrolls.
COLUMN_WIDTH = 620
TWO_COLUMNS_WIDTH = 2 * COLUMN_WIDTH - 160


def split_point(heights: Sequence[int]) -> int:
    """Where rows of these heights are best cut into two columns of about the same height:
    the first column takes the rows before the returned index (rows keep their order, so the
    Tab key goes down the first column, then down the second)."""
    total = sum(heights)
    best, tallest, above = 1, total, 0
    for index, height in enumerate(heights[:-1], start=1):
        above += height
        if max(above, total - above) < tallest:
            best, tallest = index, max(above, total - above)
    return best


def _form_layout(host: QWidget | None = None) -> QFormLayout:
    form = QFormLayout(host)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    return form


ADVICE_STYLE = "background: #eef5ff; border: 1px solid #b8d4f5; padding: 6px;"
ADVICE_WARNING_STYLE = "background: #fff4d6; border: 1px solid #e8b64c; color: #7a4b00; padding: 6px;"


class RecordDialog(GuardedDialog):
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
        available: QRect | None = None,
        advise: Callable[[dict[str, Any]], tuple[str, bool]] | None = None,
    ) -> None:
        """``available``: the screen area to fit (default: the free area of the parent's screen).
        ``advise(values)``: a note shown above the buttons as the fields change, and whether it
        is a warning (an 影响期 behind a 党风廉政意见回复, say); "" for none."""
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

        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.advise = advise
        self.advice = QLabel()
        self.advice.setObjectName("form_advice")
        self.advice.setWordWrap(True)
        self.advice.hide()

        rows: list[tuple[QLabel, QWidget]] = []
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
            rows.append((label, cell))
            editor.widget.setObjectName(f"field_{fld.name}")
            editor.report = self.show_error
            editor.on_change(partial(self.clear_error, fld.name))
            editor.on_change(self.update_advice)
            self.editors[fld.name] = editor
            self.errors[fld.name] = error
        if values:
            self.set_values(values)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.cancel)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        self.buttons = buttons

        # the fields scroll; the message and the buttons below them stay in view
        layout = QVBoxLayout(self)
        margins = layout.contentsMargins()
        chrome = buttons.sizeHint().height() + layout.spacing() + margins.top() + margins.bottom()
        # the screen the parent is on (this dialog has none yet); fitted again when shown
        area = available if available is not None else available_rect(parent if parent is not None else self)
        form_host = self._lay_out(rows, chrome, area)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.advice)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.update_advice()
        width = COLUMN_WIDTH if isinstance(form_host.layout(), QFormLayout) else TWO_COLUMNS_WIDTH
        self.resize(fitted_size(QSize(width, form_host.sizeHint().height() + chrome), area))
        if self.editors:
            next(iter(self.editors.values())).focus()

    def _lay_out(self, rows: Sequence[tuple[QLabel, QWidget]], chrome: int, area: QRect) -> QWidget:
        """The fields in one column, or in two when one would not fit the screen's height and
        the screen is wide enough."""
        host = QWidget()
        spacing = self.style().pixelMetric(QStyle.PixelMetric.PM_LayoutVerticalSpacing)
        heights = [max(label.sizeHint().height(), cell.sizeHint().height()) + spacing for label, cell in rows]
        one_column = QSize(COLUMN_WIDTH, sum(heights) + chrome)
        fits = fitted_size(one_column, area).height() >= one_column.height()
        room = fitted_size(QSize(TWO_COLUMNS_WIDTH, 1), area).width() >= TWO_COLUMNS_WIDTH
        if fits or not room or len(rows) < 2:
            form = _form_layout(host)
            for label, cell in rows:
                form.addRow(label, cell)
            return host
        cut = split_point(heights)
        columns = QHBoxLayout(host)
        for number, part in enumerate((rows[:cut], rows[cut:])):
            if number:
                columns.addSpacing(24)  # not setSpacing: the forms would take it between rows
            form = _form_layout()
            for label, cell in part:
                form.addRow(label, cell)
            columns.addLayout(form, 1)
        return host

    def update_advice(self, *_changed: Any) -> None:
        """The note ``advise`` gives for the values as they stand (hidden when there is none)."""
        if self.advise is None:
            return
        try:
            text, warning = self.advise(self.values())
        except UserError:  # a field half typed: no note until it reads
            text, warning = "", False
        self.advice.setText(text)
        self.advice.setStyleSheet(ADVICE_WARNING_STYLE if warning else ADVICE_STYLE)
        self.advice.setVisible(bool(text))

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

    def clear_error(self, name: str) -> None:
        """The field ``name`` was edited: its message (and a general one) no longer applies."""
        self.errors[name].hide()
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
