"""The one action runner (ui/actions.py): a wait cursor while the work runs, always taken away; a
UserError becomes the message box over a window on screen; anything else goes on to the crash
dialog. And the local ``except UserError`` blocks it replaced do not come back."""

from __future__ import annotations

import ast
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.modal import Handler, answer_modals, click_accept
from wsjc_desktop.errors import UserError
from wsjc_desktop.ui.actions import run_action, user_action, wait_cursor

UI = Path(__file__).resolve().parents[2] / "wsjc_desktop" / "ui"


def cursor() -> Qt.CursorShape | None:
    """The override cursor's shape; None when there is none."""
    override = QGuiApplication.overrideCursor()
    return None if override is None else override.shape()


@pytest.fixture(autouse=True)
def _no_override_cursor(qapp: object) -> Iterator[None]:
    assert cursor() is None, "an earlier test left an override cursor"
    yield
    while QGuiApplication.overrideCursor() is not None:  # a failed test leaves the next one clean
        QGuiApplication.restoreOverrideCursor()


@pytest.fixture
def host(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    widget.setWindowTitle("窗口")
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


class Shown(NamedTuple):
    title: str
    text: str
    icon: QMessageBox.Icon
    parent: QWidget | None
    cursor: Qt.CursorShape | None


def read_box(shown: list[Shown]) -> Handler:
    """A modal handler: note what the message box says (and the cursor meanwhile), then 确定."""

    def handler(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        shown.append(
            Shown(widget.windowTitle(), widget.text(), widget.icon(), widget.parentWidget(), cursor())
        )
        click_accept(widget)

    return handler


def fail(message: str = "该记录不存在或已被删除。") -> int:
    raise UserError(message)


# --- the wait cursor ------------------------------------------------------------------------


def test_busy_shows_the_wait_cursor_and_takes_it_away_after_success(host: QWidget) -> None:
    during: list[Qt.CursorShape | None] = []

    def work() -> int:
        during.append(cursor())
        return 42

    assert run_action(host, work, busy=True) == 42
    assert during == [Qt.CursorShape.WaitCursor]
    assert cursor() is None


def test_without_busy_there_is_no_wait_cursor(host: QWidget) -> None:
    during: list[Qt.CursorShape | None] = []
    run_action(host, lambda: during.append(cursor()))
    assert during == [None]


def test_the_cursor_is_gone_before_a_user_error_is_shown(host: QWidget) -> None:
    shown: list[Shown] = []
    answer_modals(read_box(shown))
    assert run_action(host, fail, busy=True) is None
    assert [box.cursor for box in shown] == [None]
    assert cursor() is None


def test_the_cursor_is_restored_when_anything_else_goes_wrong(host: QWidget) -> None:
    def bug() -> int:
        assert cursor() == Qt.CursorShape.WaitCursor
        raise RuntimeError("a bug, not a message")

    with pytest.raises(RuntimeError, match="a bug"):
        run_action(host, bug, busy=True)
    assert cursor() is None
    assert QApplication.activeModalWidget() is None  # no message box: the crash dialog says it


def test_wait_cursor_alone_lets_a_user_error_through(host: QWidget) -> None:
    with pytest.raises(UserError), wait_cursor():
        assert cursor() == Qt.CursorShape.WaitCursor
        fail()
    assert cursor() is None


# --- a UserError becomes a message ----------------------------------------------------------


def test_a_user_error_becomes_a_message_over_the_window(host: QWidget) -> None:
    shown: list[Shown] = []
    answer_modals(read_box(shown))
    result = run_action(host, lambda: fail("数据库正被另一程序写入，请稍后再试。"), title="无法导出")
    assert result is None
    assert shown == [
        Shown("无法导出", "数据库正被另一程序写入，请稍后再试。", QMessageBox.Icon.Warning, host, None)
    ]


def test_the_default_title(host: QWidget) -> None:
    shown: list[Shown] = []
    answer_modals(read_box(shown))
    run_action(host, fail)
    assert [box.title for box in shown] == ["无法完成操作"]


def test_a_critical_message_worded_around_the_error(host: QWidget) -> None:
    shown: list[Shown] = []
    answer_modals(read_box(shown))
    run_action(
        host,
        lambda: fail("备份已损坏。"),
        title="纪检监察工作台账",
        critical=True,
        text="恢复未完成。\n\n{message}",
    )
    assert [(box.title, box.text, box.icon) for box in shown] == [
        ("纪检监察工作台账", "恢复未完成。\n\n备份已损坏。", QMessageBox.Icon.Critical)
    ]


def test_the_return_value_passes_through_and_on_done_sees_it(host: QWidget) -> None:
    done: list[object] = []
    assert run_action(host, lambda: "GZ-2026-001", on_done=done.append) == "GZ-2026-001"
    assert run_action(host, lambda: None, on_done=done.append) is None  # None, yet done
    assert done == ["GZ-2026-001", None]


def test_after_a_user_error_on_done_is_skipped_and_on_error_runs_before_the_message(
    host: QWidget,
) -> None:
    events: list[str] = []

    def note_box(widget: QWidget) -> None:
        events.append("message")
        click_accept(widget)

    answer_modals(note_box)
    result = run_action(
        host,
        fail,
        busy=True,
        on_done=lambda _value: events.append("done"),
        on_error=lambda exc: events.append(f"on_error: {exc.message} ({cursor()})"),
    )
    assert result is None
    assert events == ["on_error: 该记录不存在或已被删除。 (None)", "message"]


def test_user_action_block_says_whether_it_failed(host: QWidget) -> None:
    shown: list[Shown] = []
    with user_action(host, busy=True) as action:
        value = 7
    assert not action.failed and action.error is None and value == 7
    answer_modals(read_box(shown))
    reached: list[str] = []
    with user_action(host, title="无法删除") as action:
        fail("不能删除。")
        reached.append("after the error")  # never: the error ends the block
    assert action.failed and action.error is not None and action.error.message == "不能删除。"
    assert reached == []
    assert [(box.title, box.text) for box in shown] == [("无法删除", "不能删除。")]


def test_user_action_lets_anything_else_through(host: QWidget) -> None:
    with pytest.raises(KeyError), user_action(host, busy=True):
        raise KeyError("bug")
    assert cursor() is None


def test_a_closed_window_does_not_own_the_message(host: QWidget, qtbot: QtBot) -> None:
    """The action's window closed meanwhile (a dialog whose work outlived it): the message opens
    over the window on screen instead (a box owned by a closed window gets lost)."""
    dialog = QDialog(host)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.close()
    host.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is host)
    shown: list[Shown] = []
    answer_modals(read_box(shown))
    run_action(dialog, fail)
    assert [box.parent for box in shown] == [host]


def test_a_hidden_tab_page_still_owns_the_message(host: QWidget) -> None:
    """A widget not shown itself (a page of a tab not current) on a window that is: its window
    is on screen, the message opens over it."""
    page = QWidget(host)
    page.hide()
    shown: list[Shown] = []
    answer_modals(read_box(shown))
    run_action(page, fail)
    assert [box.parent for box in shown] == [page]


@pytest.mark.qt_no_exception_capture
def test_a_bug_in_a_button_reaches_the_global_hook(
    host: QWidget, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a slot, anything but a UserError reaches sys.excepthook (the crash dialog), with the
    cursor already restored."""
    seen: list[tuple[type[BaseException], Qt.CursorShape | None]] = []

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        seen.append((kind, cursor()))

    monkeypatch.setattr(sys, "excepthook", hook)
    button = QPushButton("统计", host)

    def bug() -> None:
        raise ZeroDivisionError

    button.clicked.connect(lambda: run_action(host, bug, busy=True))
    button.show()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(ZeroDivisionError, None)]


# --- the local blocks do not come back ------------------------------------------------------

KEEP = "keep"  # the runner cannot say it: the reason is given


class Allowed(NamedTuple):
    blocks: int
    status: str
    why: str


#: Every local ``except UserError`` left under wsjc_desktop/ui, by (file, function): a message
#: box belongs to the runner (ui/actions.py); what is here is something else.
ALLOWED: dict[tuple[str, str], Allowed] = {
    ("actions.py", "user_action"): Allowed(1, KEEP, "the runner itself"),
    # re-raised, logged or a default: no message at all
    ("app.py", "open_main_window"): Allowed(
        1, KEEP, "closes the database it opened and re-raises: the caller (tests, benchmarks) decides"
    ),
    ("app.py", "_renew"): Allowed(1, KEEP, "the writer lock's heartbeat timer: a lost lock is logged"),
    ("startup.py", "Session.close"): Allowed(
        1, KEEP, "the backup at exit: the window is gone, a failure is logged"
    ),
    ("export.py", "configured_export_folder"): Allowed(
        1, KEEP, "an unreadable 导出文件夹 setting falls back to the usual folder"
    ),
    ("print_preview.py", "PrintPreviewDialog.configured_folder"): Allowed(
        1, KEEP, "an unreadable 导出文件夹 setting falls back to the usual folder"
    ),
    ("idle_lock.py", "IdleLock.lock_now"): Allowed(
        1, KEEP, "the lock screen goes up without the member's name when it cannot be read"
    ),
    ("dialogs/stats_dialog.py", "StatsDialog._period_changed"): Allowed(
        1, KEEP, "dates the wrong way round count as a changed period (统计 then says what is wrong)"
    ),
    ("dialogs/setup_wizard.py", "SetupWizard.update_preview"): Allowed(
        1, KEEP, "a bad 文号 template is shown in the preview line, as the user types"
    ),
    ("forms.py", "RecordDialog.update_advice"): Allowed(
        1, KEEP, "a half-typed date gives no note yet (the form says what is wrong when saved)"
    ),
    # the message is a value the caller shows beside the input
    ("idle_lock.py", "IdleLock.unlock"): Allowed(
        1, KEEP, "returns the message: the lock dialog shows it under the password"
    ),
    ("dialogs/setup_wizard.py", "SetupWizard._code_problem"): Allowed(
        1, KEEP, "returns the message: shown under the 机关代字 as it is typed"
    ),
    # inline errors: the form stays open, the message beside its field, the field focused
    ("forms.py", "MultiPickerEditor._add"): Allowed(
        1, KEEP, "an unknown person is reported to the form (inline), else re-raised"
    ),
    ("forms.py", "RecordDialog.save"): Allowed(1, KEEP, "the form stays open: the message beside its field"),
    ("tabs/clues.py", "AdvanceDialog.accept"): Allowed(
        1, KEEP, "推进阶段: the dialog stays open, the message under what it asks for"
    ),
    ("dialogs/login_dialog.py", "LoginDialog.login"): Allowed(
        1, KEEP, "a wrong password: said in the dialog, the password emptied and focused"
    ),
    ("dialogs/login_dialog.py", "PasswordDialog.save"): Allowed(
        1, KEEP, "the message under the password field it is about, which is focused"
    ),
    ("dialogs/passphrase_dialog.py", "NewPassphraseDialog._submit"): Allowed(
        1, KEEP, "the message under the passphrase field it is about, which is focused"
    ),
    ("dialogs/setup_wizard.py", "SetupWizard._check_group_page"): Allowed(
        1, KEEP, "the message under the 组名 field, the page turned back to it"
    ),
    ("dialogs/setup_wizard.py", "SetupWizard.finish"): Allowed(
        1, KEEP, "the message beside the field it names, on the page that holds it"
    ),
    ("tabs/dashboard.py", "DashboardTab._redraw_part"): Allowed(
        2, KEEP, "drawing the 工作台: the problem is shown in the card or the status bar, not a box"
    ),
    # the settings dialog: shown in its preview, or beside the field it is about
    ("dialogs/settings_dialog.py", "SettingsDialog.preview"): Allowed(
        1, KEEP, "a bad template shows （模板有误） in the preview"
    ),
    ("dialogs/settings_dialog.py", "SettingsDialog.check"): Allowed(
        1, KEEP, "collects the messages to show beside the fields"
    ),
    ("dialogs/settings_dialog.py", "SettingsDialog.save"): Allowed(
        2, KEEP, "the message beside the field it names (on the 数据交换 page too)"
    ),
    ("dialogs/holiday_page.py", "HolidayCalendarPage.update_summary"): Allowed(
        1, KEEP, "a bad table shows in the summary line"
    ),
    # 数据交换 (issue 16): the exchange passphrase and the package, said beside their inputs
    ("dialogs/exchange_dialogs.py", "ExportDialog._passphrase"): Allowed(
        1, KEEP, "a wrong or weak passphrase: under its input, which is focused"
    ),
    ("dialogs/exchange_dialogs.py", "ImportDialog.set_path"): Allowed(
        1, KEEP, "a file that is no package: said under the file, 导入 disabled"
    ),
    ("dialogs/exchange_dialogs.py", "ImportDialog.do_import.work"): Allowed(
        1, KEEP, "a wrong passphrase: said under its input (else re-raised for the runner)"
    ),
    ("dialogs/exchange_dialogs.py", "ExchangePassphraseDialog.submit"): Allowed(
        1, KEEP, "a wrong or weak passphrase: under its input, which is focused"
    ),
    ("exchange.py", "ExchangeActions.sync"): Allowed(
        1, KEEP, "the sync at start and exit says nothing of a file it cannot read (the check does)"
    ),
    ("tabs/dashboard.py", "DashboardTab._show_exchange"): Allowed(
        1, KEEP, "drawing the 工作台: the problem is shown in the 数据交换 card, not a box"
    ),
    # 问题台账 (issue 19): a date of 交办 / 验收销号 that does not read, said in the dialog
    ("dialogs/problem_forms.py", "HandOffDialog.accept"): Allowed(
        1, KEEP, "a bad 交办日期 or 整改期限: said in the dialog, which stays open"
    ),
    ("dialogs/problem_forms.py", "CloseDialog.accept"): Allowed(
        1, KEEP, "a bad 销号日期: said in the dialog, which stays open"
    ),
}


def _catches_user_error(node: ast.expr | None) -> bool:
    if isinstance(node, ast.Tuple):
        return any(_catches_user_error(element) for element in node.elts)
    if isinstance(node, ast.Name):
        return node.id == "UserError"
    if isinstance(node, ast.Attribute):
        return node.attr == "UserError"
    return False


def local_handlers() -> Counter[tuple[str, str]]:
    """``except UserError`` (alone or among others) under wsjc_desktop/ui, by (file, function)."""
    found: Counter[tuple[str, str]] = Counter()

    class Finder(ast.NodeVisitor):
        def __init__(self, file: str) -> None:
            self.file = file
            self.names: list[str] = []

        def visit_scope(self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> None:
            self.names.append(node.name)
            self.generic_visit(node)
            self.names.pop()

        visit_ClassDef = visit_FunctionDef = visit_AsyncFunctionDef = visit_scope

        def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
            if _catches_user_error(node.type):
                found[(self.file, ".".join(self.names) or "<module>")] += 1
            self.generic_visit(node)

    for path in sorted(UI.rglob("*.py")):
        Finder(path.relative_to(UI).as_posix()).visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def test_no_new_local_user_error_blocks() -> None:
    """A message about a UserError goes through ui/actions.py (run_action, user_action). A block
    the runner cannot express is listed in ALLOWED with the reason."""
    found = local_handlers()
    extra = {key: count for key, count in found.items() if key not in ALLOWED or count > ALLOWED[key].blocks}
    assert not extra, (
        f"local `except UserError` not allowed: {extra}. Use run_action/user_action from "
        "wsjc_desktop.ui.actions; if the runner cannot say it (an inline error, a default), "
        "add it to ALLOWED with the reason."
    )


def test_the_allow_list_only_shrinks() -> None:
    """A block converted to the runner leaves ALLOWED too, so the list stays the truth."""
    found = local_handlers()
    stale = {key: allowed.blocks for key, allowed in ALLOWED.items() if found[key] < allowed.blocks}
    assert not stale, f"converted (or moved): remove these from ALLOWED or lower their count: {stale}"


def test_the_wait_cursor_has_one_home() -> None:
    """No module sets the override cursor by hand: wait_cursor/run_action(busy=True) restore it
    whatever happens."""
    by_hand = [
        f"{path.relative_to(UI)}:{number}"
        for path in sorted(UI.rglob("*.py"))
        if path.name != "actions.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "OverrideCursor(" in line
    ]
    assert not by_hand, f"use wsjc_desktop.ui.actions.wait_cursor: {by_hand}"
