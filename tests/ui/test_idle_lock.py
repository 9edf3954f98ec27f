"""Idle auto-lock: locks after the timeout, hides the window, unlocks only with the right password,
and leaves unsaved input exactly as it was."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.ui.modal import answer_modals, type_text
from wsjc_desktop.domain import models as m
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import records, settings
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.forms import RecordDialog
from wsjc_desktop.ui.idle_lock import IdleLock, LockDialog
from wsjc_desktop.ui.main_window import MainWindow


def unlock_entries(ctx: AppContext) -> list[str | None]:
    with ctx.db.read() as uow:
        return list(
            uow.session.scalars(
                select(m.AuditEntry.summary)
                .where(m.AuditEntry.summary.like("解锁%"))
                .order_by(m.AuditEntry.id)
            )
        )


def covered(window: QWidget) -> bool:
    """Whether a lock cover hides the whole window."""
    cover = window.findChild(QWidget, "idle_lock_cover")
    return cover is not None and cover.isVisible() and cover.geometry() == window.rect()


def enter(dialog: LockDialog, password: str) -> None:
    dialog.password.clear()
    QTest.keyClicks(dialog.password, password)
    dialog.unlock_button.click()


def test_locks_after_the_timeout_and_unlocks_only_with_the_right_password(
    ctx: AppContext, window: MainWindow, logged_in: int, qtbot: QtBot
) -> None:
    title_before = window.windowTitle()
    lock = IdleLock(window, ctx.db, logged_in, timeout_ms=80)
    qtbot.waitUntil(lambda: lock.is_locked, timeout=3000)
    dialog = window.findChild(LockDialog, "idle_lock_dialog")
    assert dialog is not None and dialog is lock.dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.isModal() and QApplication.activeModalWidget() is dialog
    assert dialog.who.text() == "王建国（组长）"
    # the window's contents (and its title) are hidden
    assert covered(window)
    assert window.windowTitle() == "已锁定"
    assert dialog.reason.text().startswith("较长时间没有操作")  # the idle wording, for the idle lock

    # Escape and closing do nothing
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.close()
    assert dialog.isVisible() and lock.is_locked

    enter(dialog, "wrong-one")
    assert dialog.error.isVisible() and dialog.error.text() == "口令不正确。"
    assert lock.is_locked and dialog.isVisible() and dialog.password.text() == ""
    enter(dialog, "xiuying-1")  # the other member's password does not unlock
    assert lock.is_locked and covered(window)

    enter(dialog, "jianguo-1")
    assert not lock.is_locked and not dialog.isVisible()
    assert not covered(window) and window.windowTitle() == title_before
    assert unlock_entries(ctx) == ["解锁失败（口令不正确）", "解锁失败（口令不正确）", "解锁"]
    assert ctx.db.member_id == logged_in

    # and it locks again after the next quiet spell, the password box empty
    qtbot.waitUntil(lambda: lock.is_locked, timeout=3000)
    assert dialog.isVisible() and dialog.password.text() == "" and not dialog.error.isVisible()
    enter(dialog, "jianguo-1")
    lock.stop()


def test_input_keeps_it_unlocked(ctx: AppContext, window: MainWindow, logged_in: int, qtbot: QtBot) -> None:
    # 1.5 s: a loaded two-core machine can stall the event loop for some hundred milliseconds
    lock = IdleLock(window, ctx.db, logged_in, timeout_ms=1500)
    for _ in range(20):  # 2 s of typing and mouse moves, each well inside the timeout
        qtbot.wait(100)
        QApplication.sendEvent(
            window, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier)
        )
        QTest.mouseMove(window.tabs, QPoint(20, 20))
    assert not lock.is_locked
    qtbot.waitUntil(lambda: lock.is_locked, timeout=6000)
    assert lock.dialog is not None
    enter(lock.dialog, "jianguo-1")
    lock.stop()


def test_unsaved_input_survives_the_lock(
    ctx: AppContext, window: MainWindow, logged_in: int, qtbot: QtBot
) -> None:
    lock = IdleLock(window, ctx.db, logged_in, timeout_ms=60_000)
    window.show_tab("监督单位")
    seen: dict[str, object] = {}

    def type_unsaved(widget: QWidget) -> None:
        assert isinstance(widget, RecordDialog)
        seen["record"] = widget
        seen["title"] = widget.windowTitle()
        edit = widget.editors["full_name"].edit  # type: ignore[attr-defined]
        assert isinstance(edit, QLineEdit)
        edit.setFocus()
        type_text(edit, "区审计局")
        seen["cursor"] = edit.cursorPosition()
        lock.set_timeout_ms(50)  # now leave the PC

    def unlock_and_save(widget: QWidget) -> None:
        record = seen["record"]
        assert isinstance(record, RecordDialog)
        assert widget is lock.dialog and lock.is_locked
        # the edit dialog is hidden under the lock, its title too
        assert covered(record) and covered(window)
        assert record.windowTitle() == "已锁定"
        assert "区审计局" not in record.windowTitle()
        enter(lock.dialog, "wrong-one")
        assert lock.is_locked
        enter(lock.dialog, "jianguo-1")
        assert not lock.is_locked and not covered(record)
        lock.set_timeout_ms(60_000)  # back at the PC: no second lock while the test saves
        assert record.windowTitle() == seen["title"]
        edit = record.editors["full_name"].edit
        assert edit.text() == "区审计局" and edit.cursorPosition() == seen["cursor"]
        assert record.isVisible()
        record.buttons.button(record.buttons.StandardButton.Save).click()

    handled = answer_modals(type_unsaved, unlock_and_save)
    window.act_new.trigger()
    assert len(handled) == 2
    assert [r["full_name"] for r in records.list_records(ctx.db, "units")] == ["区审计局"]
    with ctx.db.read() as uow:
        unit = uow.session.scalars(select(m.Unit)).one()
        assert unit.created_by_id == logged_in
    lock.stop()


def test_lock_now_and_the_setting(ctx: AppContext, window: MainWindow, logged_in: int, qtbot: QtBot) -> None:
    lock = IdleLock(window, ctx.db, logged_in)
    assert lock.timeout_ms == 10 * 60_000  # the default setting
    settings.set_many(ctx.db, {"security.idle_lock_minutes": 3})
    assert lock.timeout_ms == 3 * 60_000  # followed at once
    other = IdleLock(window, ctx.db, logged_in, minutes=2)
    assert other.timeout_ms == 2 * 60_000
    other.stop()
    for bad in (0, 121, True, "5"):
        with pytest.raises(UserError, match="自动锁定时间须为 1 到 120"):
            settings.set_many(ctx.db, {"security.idle_lock_minutes": bad})
    assert not lock.is_locked
    lock.lock_now()
    assert lock.is_locked and lock.dialog is not None and lock.dialog.isVisible()
    # locked by hand (Ctrl+L): it says 已锁定, not that the member was idle
    assert lock.dialog.reason.text().startswith("已锁定")
    assert "没有操作" not in lock.dialog.reason.text()
    lock.lock_now()  # again: still one dialog
    assert len(window.findChildren(LockDialog)) == 1
    enter(lock.dialog, "jianguo-1")
    assert not lock.is_locked
    lock.stop()
