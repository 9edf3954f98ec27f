"""Qt's own text (message-box buttons, text-box context menus, file dialogs) is in Chinese."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from wsjc_desktop.ui.app import QT_CATALOGUE, setup_application, translation_dirs


def test_the_catalogue_ships_with_pyside6() -> None:
    assert any((folder / QT_CATALOGUE).is_file() for folder in translation_dirs())


def test_message_box_buttons_are_chinese(qapp: QApplication, qtbot: QtBot) -> None:
    setup_application(crash_dialog=False)
    box = QMessageBox(QMessageBox.Icon.Information, "标题", "内容", QMessageBox.StandardButton.Ok)
    qtbot.addWidget(box)
    box.show()
    ok = box.button(QMessageBox.StandardButton.Ok)
    assert ok is not None and ok.text() == "确定"
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts == {"是(Y)", "否(N)"} or texts == {"是", "否"}, texts
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    box.close()


def test_text_box_context_menu_is_chinese(qapp: QApplication, qtbot: QtBot) -> None:
    setup_application(crash_dialog=False)
    edit = QLineEdit("文字")
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    texts = [action.text() for action in menu.actions() if action.text()]
    menu.deleteLater()
    assert any("复制" in text for text in texts), texts
    assert any("粘贴" in text for text in texts), texts
    assert not any("Copy" in text or "Paste" in text for text in texts), texts
