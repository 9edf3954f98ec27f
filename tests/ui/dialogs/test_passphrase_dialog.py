"""The passphrase dialogs, driven through their widgets against real encrypted files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.support.builders import cadre, unit
from tests.ui.modal import answer_modals, type_text
from wsjc_desktop.domain.models import Cadre
from wsjc_desktop.storage import crypto
from wsjc_desktop.storage.database import Database, open_database
from wsjc_desktop.storage.health import DamagedDatabaseError
from wsjc_desktop.ui.dialogs.passphrase_dialog import (
    LOST_WARNING,
    NewPassphraseDialog,
    PassphraseDialog,
    ask_passphrase,
)

KEY = "八个字的中文口令"  # typed the way an input method delivers it
SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "screenshots" / "passphrase.png"


@pytest.fixture(autouse=True)
def _app(qapp: object) -> None:
    from wsjc_desktop.ui.app import setup_application

    setup_application(crash_dialog=False)


@pytest.fixture
def encrypted(tmp_path: Path) -> Path:
    path = tmp_path / "wsjc.db"
    db = open_database(path, key=KEY)
    cadre(db, unit(db, "区财政局"), "王小明")
    db.dispose()
    return path


@pytest.fixture
def opened() -> Iterator[list[Database]]:
    databases: list[Database] = []
    yield databases
    for db in databases:
        db.dispose()


def click(button: QWidget) -> None:
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def enter(dialog: PassphraseDialog, text: str) -> None:
    dialog.edit.clear()
    type_text(dialog.edit, text)
    assert dialog.edit.text() == text
    click(dialog.open_button)


def test_a_wrong_passphrase_is_shown_inline_and_the_right_one_opens_the_file(
    encrypted: Path, opened: list[Database]
) -> None:
    seen: dict[str, object] = {}

    def answer(widget: QWidget) -> None:
        assert isinstance(widget, PassphraseDialog)
        seen["intro"] = widget.intro.text()
        seen["title"] = widget.windowTitle()
        enter(widget, "错误的口令一二三")
        seen["message"] = widget.message.text()
        seen["visible"] = widget.message.isVisible()
        seen["cleared"] = widget.edit.text()
        widget.resize(460, widget.sizeHint().height())
        seen["shot"] = widget.grab()
        enter(widget, KEY)

    answer_modals(answer)
    key = ask_passphrase(None, encrypted, try_open=lambda k: opened.append(open_database(encrypted, key=k)))
    assert key == KEY
    assert "“wsjc.db”已加密" in str(seen["intro"]) and seen["title"] == "打开加密的数据库"
    assert seen["message"] == "口令不正确，无法打开加密的数据库。还可以再试 2 次。"
    assert seen["visible"] is True and seen["cleared"] == ""
    assert len(opened) == 1 and opened[0].encrypted  # opened once, by the right passphrase
    with opened[0].read() as uow:
        assert uow.session.scalar(select(Cadre.name)) == "王小明"
    _save_screenshot(seen["shot"])  # type: ignore[arg-type]


def test_after_the_last_wrong_attempt_only_closing_is_left(encrypted: Path) -> None:
    seen: dict[str, object] = {}

    def answer(widget: QWidget) -> None:
        assert isinstance(widget, PassphraseDialog)
        for n in range(3):
            enter(widget, f"wrong passphrase {n}")
        seen["message"] = widget.message.text()
        seen["open_enabled"] = widget.open_button.isEnabled()
        seen["edit_enabled"] = widget.edit.isEnabled()
        seen["cancel"] = widget.cancel_button.text()
        click(widget.cancel_button)

    answer_modals(answer)
    assert ask_passphrase(None, encrypted, attempts=3) is None
    assert "口令不正确" in str(seen["message"]) and "已连续 3 次输入错误" in str(seen["message"])
    assert seen["open_enabled"] is False and seen["edit_enabled"] is False and seen["cancel"] == "关闭"


def test_an_empty_passphrase_is_not_an_attempt_and_cancel_gives_none(encrypted: Path) -> None:
    tried: list[str] = []
    seen: dict[str, object] = {}

    def answer(widget: QWidget) -> None:
        assert isinstance(widget, PassphraseDialog)
        click(widget.open_button)
        seen["message"] = widget.message.text()
        seen["failures"] = widget.failures
        click(widget.cancel_button)

    answer_modals(answer)
    assert ask_passphrase(None, encrypted, try_open=tried.append) is None
    assert seen == {"message": "请输入口令。", "failures": 0} and tried == []


def test_other_errors_close_the_dialog_and_reach_the_caller(encrypted: Path) -> None:
    def damaged(_key: str) -> None:
        raise DamagedDatabaseError("数据库文件已损坏（完整性检查未通过）：“wsjc.db”。")

    answer_modals(lambda widget: enter(widget, KEY))  # type: ignore[arg-type]
    with pytest.raises(DamagedDatabaseError, match="已损坏"):
        ask_passphrase(None, encrypted, try_open=damaged)


def test_a_new_passphrase_is_checked_before_it_is_accepted(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = NewPassphraseDialog(None, path=tmp_path / "wsjc.db")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert "“wsjc.db”" in dialog.intro.text()
    assert dialog.warning.text() == LOST_WARNING and "无法恢复" in LOST_WARNING
    assert not dialog.ok_button.isEnabled()  # nothing typed, nothing acknowledged

    type_text(dialog.edit, "短口令")
    assert dialog.strength_label.text() == "口令强度：太短"
    dialog.understood.setChecked(True)
    assert dialog.ok_button.isEnabled()
    click(dialog.ok_button)
    assert dialog.isVisible() and dialog.edit_error.isVisible()
    assert "至少需要 8 个字符" in dialog.edit_error.text()

    dialog.edit.clear()
    type_text(dialog.edit, KEY)
    assert not dialog.edit_error.isVisible()  # typing clears the old message
    type_text(dialog.confirm_edit, "八个字的中文口今")  # one character differs
    click(dialog.ok_button)
    assert dialog.isVisible() and dialog.confirm_error.isVisible()
    assert dialog.confirm_error.text() == "两次输入的口令不一致。"

    dialog.confirm_edit.clear()
    type_text(dialog.confirm_edit, KEY)
    dialog.show_box.setChecked(True)
    dialog.adjustSize()
    shot = dialog.grab()
    click(dialog.ok_button)
    assert not dialog.isVisible() and dialog.passphrase() == KEY
    _save_screenshot(None, shot)


def test_a_new_passphrase_encrypts_a_file_that_then_opens_with_it(
    tmp_path: Path, opened: list[Database]
) -> None:
    path = tmp_path / "wsjc.db"
    db = open_database(path)
    unit(db, "区财政局")
    db.dispose()

    def choose(widget: QWidget) -> None:
        assert isinstance(widget, NewPassphraseDialog)
        type_text(widget.edit, KEY)
        type_text(widget.confirm_edit, KEY)
        widget.understood.setChecked(True)
        click(widget.ok_button)

    from wsjc_desktop.ui.dialogs.passphrase_dialog import ask_new_passphrase

    answer_modals(choose)
    new_key = ask_new_passphrase(None, path=path)
    assert new_key == KEY
    crypto.encrypt_existing(path, new_key)
    answer_modals(lambda widget: enter(widget, KEY))  # type: ignore[arg-type]
    assert ask_passphrase(None, path, try_open=lambda k: opened.append(open_database(path, key=k))) == KEY
    assert opened[0].encrypted


_shots: dict[str, QPixmap] = {}


def _save_screenshot(ask: QPixmap | None, new: QPixmap | None = None) -> None:
    """Both dialogs side by side in one picture, once both tests have taken theirs."""
    if ask is not None:
        _shots["ask"] = ask
    if new is not None:
        _shots["new"] = new
    if len(_shots) < 2:
        return
    left, right = _shots["ask"], _shots["new"]
    gap = 24
    canvas = QPixmap(left.width() + right.width() + 3 * gap, max(left.height(), right.height()) + 2 * gap)
    canvas.fill(QColor("#e8e8e8"))
    painter = QPainter(canvas)
    painter.drawPixmap(gap, gap, left)
    painter.drawPixmap(left.width() + 2 * gap, gap, right)
    painter.end()
    # the picture in docs/ is only rewritten when asked (a test run leaves the checkout as it was)
    import os
    import tempfile

    target = SCREENSHOT if os.environ.get("WSJC_UPDATE_SCREENSHOTS") else Path(tempfile.mkdtemp()) / "p.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    assert canvas.save(str(target))
    assert shiboken6.isValid(canvas)
