"""What a new user meets on the first day: the window on a 1366×768 laptop, its title, 切换用户."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSize, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.modal import answer_modals, click_accept
from tests.ui.test_startup import log_in, set_up
from wsjc_desktop import APP_TITLE
from wsjc_desktop.services import auth
from wsjc_desktop.storage import lock
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.main_window import MainWindow
from wsjc_desktop.ui.windows import available_rect, fit_to_screen, fitted_size

LAPTOP = QRect(0, 0, 1366, 728)  # 1366×768 less a 40 px taskbar


def test_the_tests_run_on_a_1366x728_screen(qapp: QApplication) -> None:
    screen = QGuiApplication.primaryScreen()
    assert screen is not None and screen.availableGeometry() == LAPTOP


def test_the_main_window_opens_inside_the_free_screen_area(ctx: AppContext, qtbot: QtBot) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    available = available_rect(window)
    assert available.contains(window.frameGeometry()), (window.frameGeometry(), available)
    # every register tab fits too: nothing forces the window taller than the screen
    for title in window.pages:
        window.show_tab(title)
        assert window.minimumSizeHint().height() <= available.height(), title
        assert window.minimumSizeHint().width() <= available.width(), title
    window.close()


def test_a_window_saved_on_a_large_screen_is_brought_back_inside(ctx: AppContext, qtbot: QtBot) -> None:
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.show()
    first.setGeometry(400, 300, 1900, 1100)  # as on a 1920×1200 monitor at the office
    first.close()  # saves the layout
    second = MainWindow(ctx)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert available_rect(second).contains(second.frameGeometry())
    second.close()


def test_fitting_shrinks_and_moves_only_what_does_not_fit(qtbot: QtBot) -> None:
    assert fitted_size(QSize(1280, 800), LAPTOP).height() <= LAPTOP.height() - 48
    assert fitted_size(QSize(600, 400), LAPTOP) == QSize(600, 400)
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.setGeometry(900, 500, 600, 400)  # hangs off the right and bottom edges
    fit_to_screen(widget, available=LAPTOP)
    assert LAPTOP.contains(widget.frameGeometry())
    assert widget.size() == QSize(600, 400)


def test_the_title_names_who_works_not_the_program_again(ctx: AppContext, qtbot: QtBot) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert QApplication.applicationDisplayName() == APP_TITLE  # Qt adds it to every title itself
    assert APP_TITLE not in window.windowTitle()
    window._set_title("王建国")
    assert window.windowTitle() == "王建国"
    ctx.db.readonly = True
    window._set_title("王建国")
    assert window.windowTitle() == "王建国 — 只读"
    ctx.db.readonly = False


def test_switch_user_logs_out_to_the_login_without_quitting(tmp_path: Path, qtbot: QtBot) -> None:
    from wsjc_desktop.ui.app import run_gui, setup_application

    setup_application(crash_dialog=False)
    path = tmp_path / "wsjc.db"
    first, second = set_up(path)
    titles: list[str] = []
    members_seen: list[int | None] = []

    def main_window() -> MainWindow | None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                return widget
        return None

    def when_window(then: object) -> None:
        def poll() -> None:
            window = main_window()
            if window is None:
                QTimer.singleShot(50, poll)
                return
            then(window)  # type: ignore[operator]

        QTimer.singleShot(50, poll)

    def first_window(window: MainWindow) -> None:
        titles.append(window.windowTitle())
        members_seen.append(window.ctx.member_id)
        held = lock.read_lock(path)
        assert held is not None and held.member == "王建国"
        # 切换用户: a confirmation, then the login again; 李秀英 logs in
        answer_modals(click_accept, lambda dialog: log_in(dialog, 1, "xiuying-1"))
        when_window_changes(window)
        window.act_switch_user.trigger()

    def when_window_changes(old: MainWindow) -> None:
        def poll() -> None:
            window = main_window()
            if window is None or window is old:
                QTimer.singleShot(50, poll)
                return
            titles.append(window.windowTitle())
            members_seen.append(window.ctx.member_id)
            held = lock.read_lock(path)
            assert held is not None and held.member == "李秀英"
            window.close()  # and now the program ends

        QTimer.singleShot(50, poll)

    answer_modals(lambda dialog: log_in(dialog, 0, "jianguo-1"))
    when_window(first_window)
    assert run_gui(path) == 0
    assert members_seen == [first, second]
    assert titles[0].startswith("王建国") and titles[1].startswith("李秀英")
    assert lock.read_lock(path) is None  # released once the program ended
    # the login after the switch is the second member's own
    from wsjc_desktop.storage.database import open_database

    db = open_database(path)
    try:
        assert auth.member_info(db, second).name == "李秀英"
    finally:
        db.dispose()
