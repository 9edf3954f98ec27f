"""登录, 首次使用 and 设置口令, driven through the real widgets."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.support.builders import member
from tests.ui.modal import answer_modals, type_text
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.services import auth, records, settings
from wsjc_desktop.services.auth import NewMember
from wsjc_desktop.storage.database import Database
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.login_dialog import LoginDialog, PasswordDialog, run_login
from wsjc_desktop.ui.dialogs.settings_dialog import SettingsDialog
from wsjc_desktop.ui.dialogs.setup_wizard import SetupWizard, run_setup

GROUP = "区纪委监委驻区财政局纪检监察组"


@pytest.fixture
def group(ctx: AppContext) -> tuple[int, int]:
    first, second = auth.setup_group(
        ctx.db, GROUP, [NewMember("王建国", "组长", "jianguo-1"), NewMember("李秀英", "组员", "xiuying-1")]
    )
    return first, second


def login_entries(db: Database) -> list[tuple[int | None, int | None, str | None]]:
    with db.read() as uow:
        rows = uow.session.execute(
            select(m.AuditEntry.member_id, m.AuditEntry.record_id, m.AuditEntry.summary)
            .where(m.AuditEntry.action == AuditAction.LOGIN)
            .order_by(m.AuditEntry.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def child(widget: QWidget, cls: type, name: str) -> QWidget:
    found = widget.findChild(cls, name)
    assert found is not None, name
    return found


def enter_password(edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.clear()
    QTest.keyClicks(edit, text)  # ASCII only; Chinese goes through modal.type_text


# --- 登录 ------------------------------------------------------------------------------


def test_login_dialog_wrong_then_right_password(
    ctx: AppContext, group: tuple[int, int], qtbot: QtBot
) -> None:
    _first, second = group
    dialog = LoginDialog(ctx.db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    box = child(dialog, QComboBox, "login_member")
    assert isinstance(box, QComboBox)
    assert [box.itemText(i) for i in range(box.count())] == ["王建国（组长）", "李秀英（组员）"]
    assert child(dialog, QLabel, "login_group").text() == GROUP  # type: ignore[attr-defined]
    box.setCurrentIndex(1)
    password = child(dialog, QLineEdit, "login_password")
    assert isinstance(password, QLineEdit)
    assert password.echoMode() == QLineEdit.EchoMode.Password
    enter_password(password, "jianguo-1")  # the other member's password
    dialog.login_button.click()
    error = child(dialog, QLabel, "login_error")
    assert error.isVisible() and error.text() == "口令不正确。"  # type: ignore[attr-defined]
    assert password.text() == "" and dialog.isVisible()
    assert ctx.db.member_id is None
    assert login_entries(ctx.db) == [(None, second, "登录失败（口令不正确）")]

    enter_password(password, "xiuying-1")
    QTest.keyClick(password, Qt.Key.Key_Return)  # Enter logs in
    assert not dialog.isVisible() and dialog.result() == 1
    assert dialog.member is not None and dialog.member.id == second
    assert ctx.db.member_id == second
    assert login_entries(ctx.db)[-1] == (second, second, "登录")


def test_run_login_remembers_the_last_member_and_quit_returns_none(
    ctx: AppContext, group: tuple[int, int], qtbot: QtBot
) -> None:
    _first, second = group

    def log_in_second(widget: QWidget) -> None:
        assert isinstance(widget, LoginDialog)
        widget.member_box.setCurrentIndex(widget.member_box.findData(second))
        widget.password.setText("xiuying-1")
        widget.login_button.click()

    answer_modals(log_in_second)
    assert run_login(None, ctx.db) == second

    chosen: list[int] = []

    def quit_(widget: QWidget) -> None:
        assert isinstance(widget, LoginDialog)
        chosen.append(widget.member_box.currentData())  # the last member comes first
        widget.quit_button.click()

    ctx.db.member_id = None
    answer_modals(quit_)
    assert run_login(None, ctx.db) is None
    assert chosen == [second]
    assert ctx.db.member_id is None


def test_login_without_any_member_says_so(ctx: AppContext, qtbot: QtBot) -> None:
    dialog = LoginDialog(ctx.db)
    qtbot.addWidget(dialog)
    assert not dialog.login_button.isEnabled()
    assert "还没有可以登录的人员" in dialog.error.text()


# --- 首次使用 ---------------------------------------------------------------------------


def fill_row(
    wizard: SetupWizard, i: int, name: str, title: str, password: str, confirm: str | None = None
) -> None:
    row = wizard.rows[i]
    row.name.clear()
    row.name.setFocus()
    type_text(row.name, name)
    row.title.setEditText(title)
    enter_password(row.password, password)
    enter_password(row.confirm, password if confirm is None else confirm)


def test_setup_wizard_sets_up_the_group_and_logs_in(ctx: AppContext, qtbot: QtBot) -> None:
    assert auth.needs_setup(ctx.db)
    done: list[bool] = []

    def setup(widget: QWidget) -> None:
        assert isinstance(widget, SetupWizard)
        assert widget.pages.currentIndex() == 0
        widget.next_button.click()  # no name yet
        assert widget.group_error.isVisible() and "请填写纪检监察组名称" in widget.group_error.text()
        widget.group_name.setFocus()
        type_text(widget.group_name, GROUP)
        widget.next_button.click()  # no 机关代字 yet
        assert widget.pages.currentIndex() == 0 and not widget.group_error.isVisible()
        assert widget.agency_code_error.text() == "请填写机关代字。"
        widget.agency_code.setFocus()
        type_text(widget.agency_code, "驻财纪")
        widget.next_button.click()
        assert widget.pages.currentIndex() == 1
        assert [r.title.currentText() for r in widget.rows] == ["组长", "组员"]
        fill_row(widget, 0, "王建国", "组长", "jianguo-1")
        fill_row(widget, 1, "李秀英", "副组长", "xiuying-1", confirm="xiuying-2")
        widget.finish_button.click()
        assert widget.rows[1].error.isVisible() and widget.rows[1].error.text() == "两次输入的口令不一致。"
        assert widget.isVisible()
        # a too-short password for the second member: refused, and nothing at all is written
        fill_row(widget, 1, "李秀英", "副组长", "12345")
        widget.finish_button.click()
        assert widget.rows[1].error.text() == "口令至少需要6个字符。"
        assert auth.needs_setup(ctx.db) and records.list_records(ctx.db, "members") == []
        fill_row(widget, 1, "李秀英", "副组长", "xiuying-1")
        widget.finish_button.click()
        done.append(True)

    answer_modals(setup)
    member_id = run_setup(None, ctx.db)
    assert done == [True]
    assert member_id is not None and ctx.db.member_id == member_id
    assert settings.get(ctx.db, "group.name") == GROUP
    assert settings.get(ctx.db, "group.agency_code") == "驻财纪"
    assert auth.login_members(ctx.db) == [(member_id, "王建国", "组长"), (member_id + 1, "李秀英", "副组长")]
    assert login_entries(ctx.db) == [(member_id, member_id, "登录")]


def test_setup_wizard_offers_members_already_in_the_file(ctx: AppContext, qtbot: QtBot) -> None:
    old = member(ctx.db, "赵六", title="组长")
    wizard = SetupWizard(ctx.db)
    qtbot.addWidget(wizard)
    assert [(r.name.text(), r.title.currentText()) for r in wizard.rows] == [("赵六", "组长"), ("", "组员")]
    wizard.add_button.click()
    assert len(wizard.rows) == 3
    wizard.rows[2].remove.click()
    wizard.rows[1].remove.click()
    assert len(wizard.rows) == 1 and not wizard.rows[0].remove.isEnabled()
    wizard.group_name.setText(GROUP)
    wizard.agency_code.setText("驻财纪")
    wizard.next_button.click()
    enter_password(wizard.rows[0].password, "zhaoliu-1")
    enter_password(wizard.rows[0].confirm, "zhaoliu-1")
    wizard.finish_button.click()
    assert wizard.member_id == old and ctx.db.member_id == old
    assert [r["name"] for r in records.list_records(ctx.db, "members")] == ["赵六"]


def test_cancelling_the_setup_returns_none(ctx: AppContext, qtbot: QtBot) -> None:
    answer_modals(lambda w: w.cancel_button.click())  # type: ignore[attr-defined]
    assert run_setup(None, ctx.db) is None
    assert auth.needs_setup(ctx.db)


# --- 设置口令 ----------------------------------------------------------------------------


def open_settings_on_members(
    open_dialog: Callable[[type[QWidget]], QWidget], qtbot: QtBot, select_name: str
) -> SettingsDialog:
    dialog = open_dialog(SettingsDialog)
    assert isinstance(dialog, SettingsDialog)
    dialog.tabs.setCurrentWidget(dialog.members_page)
    panel = dialog.members
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2)
    assert not dialog.password_button.isEnabled()
    row = next(
        i for i in range(panel.model.rowCount()) if (panel.model.row_data(i) or {})["name"] == select_name
    )
    panel.view.selectRow(row)
    assert dialog.password_button.isEnabled()
    return dialog


def test_the_other_member_resets_a_forgotten_password(
    ctx: AppContext, group: tuple[int, int], qtbot: QtBot, open_dialog: Callable[[type[QWidget]], QWidget]
) -> None:
    first, second = group
    auth.login(ctx.db, first, "jianguo-1")
    dialog = open_settings_on_members(open_dialog, qtbot, "李秀英")
    seen: list[str] = []

    def reset(widget: QWidget) -> None:
        assert isinstance(widget, PasswordDialog) and not widget.own
        seen.append(widget.windowTitle())
        enter_password(widget.old, "wrong-one")
        enter_password(widget.new, "forgot-it-1")
        enter_password(widget.confirm, "forgot-it-1")
        widget.ok_button.click()
        assert widget.errors["actor_password"].text() == "您的口令不正确。" and widget.isVisible()
        enter_password(widget.old, "jianguo-1")
        widget.ok_button.click()

    answer_modals(reset)
    dialog.password_button.click()
    assert seen == ["设置口令 — 李秀英"]
    assert auth.verify_password(ctx.db, second, "forgot-it-1")
    assert not auth.verify_password(ctx.db, second, "xiuying-1")


def test_a_member_changes_their_own_password(
    ctx: AppContext, group: tuple[int, int], qtbot: QtBot, open_dialog: Callable[[type[QWidget]], QWidget]
) -> None:
    first, _second = group
    auth.login(ctx.db, first, "jianguo-1")
    dialog = open_settings_on_members(open_dialog, qtbot, "王建国")

    def change(widget: QWidget) -> None:
        assert isinstance(widget, PasswordDialog) and widget.own
        enter_password(widget.old, "jianguo-1")
        enter_password(widget.new, "new-pass-1")
        enter_password(widget.confirm, "new-pass-2")
        widget.ok_button.click()
        assert widget.errors["confirm_password"].text() == "两次输入的新口令不一致。"
        enter_password(widget.confirm, "new-pass-1")
        widget.ok_button.click()

    answer_modals(change)
    dialog.password_button.click()
    assert auth.verify_password(ctx.db, first, "new-pass-1")


def test_setting_a_password_needs_a_login(
    ctx: AppContext, qtbot: QtBot, open_dialog: Callable[[type[QWidget]], QWidget]
) -> None:
    member(ctx.db, "王建国")
    member(ctx.db, "李秀英")
    dialog = open_settings_on_members(open_dialog, qtbot, "李秀英")
    texts: list[str] = []

    def note(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        texts.append(widget.text())
        widget.accept()

    answer_modals(note)
    dialog.password_button.click()
    assert texts == ["请先登录，再为其他人员设置口令。"]


def test_idle_lock_minutes_in_settings(
    ctx: AppContext, open_dialog: Callable[[type[QWidget]], QWidget]
) -> None:
    dialog = open_dialog(SettingsDialog)
    assert isinstance(dialog, SettingsDialog)
    assert dialog.idle_lock.value() == 10
    assert (dialog.idle_lock.minimum(), dialog.idle_lock.maximum()) == (1, 120)
    dialog.idle_lock.setValue(25)
    dialog.save_button.click()
    assert settings.get(ctx.db, "security.idle_lock_minutes") == 25
