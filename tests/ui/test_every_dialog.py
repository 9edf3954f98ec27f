"""Every window and dialog reachable from the menus and the toolbar opens and closes cleanly.

Each action is triggered on each tab where it does something, and whatever window it opens is
closed twice over: once with its 关闭 (or 取消 / 否 / 确定) button, once with Esc. Any exception
that reaches the excepthook fails the test (closing 审计日志 used to raise "Internal C++ object
already deleted"), and so does a window left open or a main window that stopped answering.
"""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QMenu, QToolBar, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.modal import forget_pending
from wsjc_desktop.services import auth
from wsjc_desktop.services.demo import DEMO_PASSWORD
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.main_window import MainWindow
from wsjc_desktop.ui.startup import Session

#: Buttons that close a window without changing anything, in the order they are tried.
CLOSING_BUTTONS = ("关闭", "取消", "否", "确定")
#: Actions that end the window's session on purpose (tested elsewhere): 退出; 锁定 is closed only
#: by the member's password (tests/ui/test_idle_lock.py).
NOT_CLOSABLE = {"退出", "锁定"}
#: Actions whose window depends on the tab (a record dialog, a preview, a file dialog).
PER_TAB = {"新建", "编辑", "删除", "打印", "导出"}


def _label(button: QAbstractButton) -> str:
    text = button.text().replace("&", "")
    return text.split("(")[0].strip()


def close_with(widget: QWidget, how: str) -> str:
    """Close ``widget`` with Esc or its closing button; returns what was pressed."""
    if how == "esc":
        QTest.keyClick(widget, Qt.Key.Key_Escape)
        return "Esc"
    buttons = [b for b in widget.findChildren(QAbstractButton) if b.isVisible() and b.isEnabled()]
    for wanted in CLOSING_BUTTONS:
        for button in buttons:
            if _label(button) == wanted:
                button.click()
                return wanted
    raise AssertionError(f"{type(widget).__name__} “{widget.windowTitle()}” has no 关闭/取消 button")


def visible_windows(main: QWidget) -> list[QWidget]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if w is not main and w.isVisible() and w.isWindow() and not isinstance(w, QMenu)
    ]


def reachable_actions(window: MainWindow) -> list[QAction]:
    """Every action in the menu bar (sub-menus included) and on the toolbar, once each."""
    found: list[QAction] = []

    def walk(actions: list[QAction]) -> None:
        for action in actions:
            menu = action.menu()
            if isinstance(menu, QMenu):
                walk(menu.actions())
            elif not action.isSeparator() and action.text() and action not in found:
                found.append(action)

    walk(window.menuBar().actions())
    for bar in window.findChildren(QToolBar):
        walk(bar.actions())
    return found


def exercise(window: MainWindow, action: QAction, how: str, qtbot: QtBot, problems: list[str]) -> list[str]:
    """Trigger ``action`` and close every window it opens with ``how``; returns what was closed."""
    closed: list[str] = []
    main = window
    before = {id(w) for w in visible_windows(main)}
    waited = [0]

    def close_modal() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or id(widget) in before:
            waited[0] += 20
            if waited[0] < 1500:
                QTimer.singleShot(20, close_modal)
            return
        try:
            closed.append(f"{type(widget).__name__}:{close_with(widget, how)}")
        except AssertionError as exc:  # never leave a modal open: fail, don't hang
            problems.append(f"{action.text()}: {exc}")
            widget.close()
        waited[0] = 0
        QTimer.singleShot(20, close_modal)  # a second modal (a question after the first)

    QTimer.singleShot(0, close_modal)
    action.trigger()  # a modal dialog runs (and is closed) inside this call
    qtbot.wait(30)
    for widget in visible_windows(main):  # windows that are not modal (年度统计, 使用说明)
        if id(widget) not in before:
            try:
                closed.append(f"{type(widget).__name__}:{close_with(widget, how)}")
            except AssertionError as exc:
                problems.append(f"{action.text()}: {exc}")
                widget.close()
            qtbot.waitUntil(lambda w=widget: not shiboken6.isValid(w) or not w.isVisible(), timeout=3000)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)
    waited[0] = 10_000  # stop the closer
    forget_pending()
    QApplication.processEvents()
    return closed


@pytest.mark.parametrize("how", ["button", "esc"])
def test_every_window_opens_and_closes_without_an_exception(
    window: MainWindow, ctx: AppContext, qtbot: QtBot, how: str
) -> None:
    from wsjc_desktop.services.demo import generate_demo

    generate_demo(ctx.db, scale=1, seed=3)  # a set-up group whose members use the demo password
    first = auth.login_members(ctx.db)[0][0]
    auth.login(ctx.db, first, DEMO_PASSWORD)
    window.start_session_services(Session(ctx.db, first))  # 修改口令, 切换用户 and 锁定 enabled
    actions = reachable_actions(window)
    labels = {a.text() for a in actions}
    wanted = (
        "审计日志…",
        "回收站",
        "设置",
        "年度统计…",
        "备份与恢复…",
        "导入花名册…",
        "查找",
        "关于",
        "使用说明",
    )
    for expected in wanted:
        assert expected in labels, f"{expected} not reachable from the menus or the toolbar"

    opened: dict[str, list[str]] = {}
    problems: list[str] = []
    with qtbot.captureExceptions() as exceptions:
        for action in actions:
            if action.text() in NOT_CLOSABLE or action.text() in PER_TAB or not action.isEnabled():
                continue
            opened[action.text()] = exercise(window, action, how, qtbot, problems)
            assert not exceptions, f"{action.text()}: {exceptions[0][1]!r}"
        for title in list(window.pages):
            window.show_tab(title)
            page = window.tabs.currentWidget()
            select_first = getattr(page, "select_first", None)
            if select_first is not None:
                select_first()
            window._update_actions()
            for action in actions:
                if action.text() not in PER_TAB or not action.isEnabled():
                    continue
                opened[f"{title}/{action.text()}"] = exercise(window, action, how, qtbot, problems)
                assert not exceptions, f"{title}/{action.text()}: {exceptions[0][1]!r}"
    assert not exceptions

    assert not problems, problems
    assert window.isVisible() and not visible_windows(window), "a window was left open"
    # the windows the issue names were really opened and closed
    for name in (
        "审计日志…",
        "回收站",
        "设置",
        "年度统计…",
        "备份与恢复…",
        "关于",
        "修改口令…",
        "切换用户…",
        "使用说明",
    ):
        assert opened.get(name), f"{name} opened nothing"
    assert opened["审计日志…"][0].startswith("AuditViewer:")
    assert any(key.endswith("/新建") and value for key, value in opened.items())
    assert not window.switch_user_requested  # 否 / Esc on 切换用户 keeps the member working
    window.stop_session_services()
