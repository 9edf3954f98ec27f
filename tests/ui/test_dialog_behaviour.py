"""What every dialog does by itself (ui/dialog_behaviour): the first input has the focus when
it opens, it fits the screen, and Esc, 取消 or the close button ask 放弃修改？ over unsaved input.

Driven on small dialogs made here; tests/ui/test_forms_dialogs.py drives the program's own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.modal import type_text, wait_for_focus
from wsjc_desktop.ui import dialog_behaviour
from wsjc_desktop.ui.dialog_behaviour import DISCARD, DISCARD_TITLE, KEEP_EDITING, GuardedDialog
from wsjc_desktop.ui.windows import available_rect


@pytest.fixture(autouse=True)
def installed(qapp: QApplication) -> Iterator[None]:
    dialog_behaviour.install(qapp)
    yield


def type_keys(window: QWidget, text: str) -> None:
    """Type lower-case letters as the keyboard does: into whatever has the focus in ``window``."""
    handle = window.windowHandle()
    assert handle is not None
    for ch in text:
        QTest.keyClick(handle, Qt.Key(ord(ch.upper())))


def question(dialog: GuardedDialog, qtbot: QtBot) -> QMessageBox:
    qtbot.waitUntil(lambda: dialog.discard_question is not None and dialog.discard_question.isVisible())
    box = dialog.discard_question
    assert box is not None
    return box


def press(box: QMessageBox, text: str) -> None:
    (button,) = [b for b in box.buttons() if b.text() == text]
    button.click()


def test_install_twice_watches_once(qapp: QApplication) -> None:
    dialog_behaviour.install(qapp)
    dialog_behaviour.install(qapp)
    watchers = [c for c in qapp.children() if c.objectName() == "wsjc_dialog_behaviour"]
    assert len(watchers) == 1


def test_the_first_input_has_the_focus_never_a_button(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    button = QPushButton("浏览…")  # first in tab order: Qt itself would focus it
    read_only = QLineEdit("只读")
    read_only.setReadOnly(True)
    disabled = QLineEdit()
    disabled.setEnabled(False)
    hidden = QLineEdit()
    hidden.hide()
    first = QLineEdit()
    later = QComboBox()
    for widget in (button, read_only, disabled, hidden, first, later):
        layout.addWidget(widget)
    dialog.show()
    qtbot.waitExposed(dialog)
    wait_for_focus(qtbot, first)
    type_keys(dialog, "abc")  # the first keystrokes land in the field
    assert first.text() == "abc"


def test_a_check_list_is_an_input_and_a_focus_already_chosen_is_kept(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    checks = QListWidget()
    item = QListWidgetItem("王组长")
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Unchecked)
    checks.addItem(item)
    layout.addWidget(QPushButton("确定"))
    layout.addWidget(checks)
    dialog.show()
    qtbot.waitExposed(dialog)
    wait_for_focus(qtbot, checks)

    chosen = QDialog()
    qtbot.addWidget(chosen)
    box = QVBoxLayout(chosen)
    first, second = QLineEdit(), QLineEdit()
    box.addWidget(first)
    box.addWidget(second)
    second.setFocus()  # the dialog's own choice (as the login's password box)
    chosen.show()
    qtbot.waitExposed(chosen)
    wait_for_focus(qtbot, second)


def test_a_dialog_taller_than_the_screen_is_shrunk_to_it(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLineEdit())
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
    layout.addWidget(buttons)
    dialog.resize(900, 1400)
    dialog.show()
    qtbot.waitExposed(dialog)
    area = available_rect(dialog)
    assert dialog.height() < 1400
    assert area.contains(dialog.frameGeometry())
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isVisible()
    assert dialog.rect().contains(QRect(ok.mapTo(dialog, QPoint(0, 0)), ok.size()))


class Form(GuardedDialog):
    """A name, a check list and 保存 / 取消, as the program's dialogs have them."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("测试")
        self.name = QLineEdit("张三")
        self.checks = QListWidget()
        item = QListWidgetItem("王组长")
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        self.checks.addItem(item)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.name)
        layout.addWidget(self.checks)
        layout.addWidget(self.buttons)

    def click(self, which: QDialogButtonBox.StandardButton) -> None:
        QTest.mouseClick(self.buttons.button(which), Qt.MouseButton.LeftButton)


@pytest.fixture
def form(qtbot: QtBot) -> Iterator[Form]:
    dialog = Form()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog


def test_unchanged_closes_at_once_on_esc(form: Form, qtbot: QtBot) -> None:
    QTest.keyClick(form, Qt.Key.Key_Escape)
    assert not form.isVisible() and form.result() == QDialog.DialogCode.Rejected
    assert form.discard_question is None


def test_typed_text_asks_and_continue_editing_keeps_it(form: Form, qtbot: QtBot) -> None:
    form.name.end(False)  # the first field opens with its text selected, as after Tab
    type_text(form.name, "丰")
    QTest.keyClick(form, Qt.Key.Key_Escape)
    box = question(form, qtbot)
    assert box.windowTitle() == DISCARD_TITLE
    assert sorted(b.text() for b in box.buttons()) == sorted([DISCARD, KEEP_EDITING])
    assert form.isVisible()
    press(box, KEEP_EDITING)
    qtbot.waitUntil(lambda: form.discard_question is None)
    assert form.isVisible() and form.name.text() == "张三丰"

    form.click(QDialogButtonBox.StandardButton.Cancel)  # 取消 asks the same
    press(question(form, qtbot), DISCARD)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert form.result() == QDialog.DialogCode.Rejected


def test_a_ticked_item_is_a_change_and_undoing_it_is_none(form: Form, qtbot: QtBot) -> None:
    item = form.checks.item(0)
    item.setCheckState(Qt.CheckState.Checked)
    assert form.has_unsaved_changes()
    item.setCheckState(Qt.CheckState.Unchecked)
    assert not form.has_unsaved_changes()
    form.name.setText("李四")
    assert form.has_unsaved_changes()


def test_the_close_button_asks_too(form: Form, qtbot: QtBot) -> None:
    form.name.setText("李四")
    handle = form.windowHandle()
    assert handle is not None
    handle.close()  # what the window system does for the title bar's ×
    box = question(form, qtbot)
    assert form.isVisible()
    press(box, DISCARD)
    qtbot.waitUntil(lambda: not form.isVisible())


def test_saving_and_closing_from_code_do_not_ask(qtbot: QtBot) -> None:
    saved = Form()
    qtbot.addWidget(saved)
    saved.show()
    qtbot.waitExposed(saved)
    saved.name.setText("李四")
    saved.click(QDialogButtonBox.StandardButton.Save)
    assert not saved.isVisible() and saved.result() == QDialog.DialogCode.Accepted
    assert saved.discard_question is None

    closed = Form()
    qtbot.addWidget(closed)
    closed.show()
    qtbot.waitExposed(closed)
    closed.name.setText("李四")
    closed.close()  # the program (or a test) closing what it opened: nobody to answer
    assert not closed.isVisible() and closed.discard_question is None


def test_an_open_question_goes_with_its_dialog(form: Form, qtbot: QtBot) -> None:
    form.name.setText("李四")
    QTest.keyClick(form, Qt.Key.Key_Escape)
    box = question(form, qtbot)
    form.reject()  # closed by the program while the question is up
    assert not shiboken6.isValid(box) or not box.isVisible()
    assert form.discard_question is None
