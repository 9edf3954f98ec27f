"""Fixtures for driving the real window offscreen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
import shiboken6
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from wsjc_desktop.storage.database import Database
from wsjc_desktop.ui.context import AppContext

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _no_modal_answers_from_earlier_tests() -> Iterator[None]:
    from tests.ui.modal import forget_pending

    forget_pending()
    yield
    forget_pending()


@pytest.fixture
def ctx(db: Database, qapp: object) -> Iterator[AppContext]:
    from wsjc_desktop.ui.app import setup_application

    setup_application(crash_dialog=False)  # pytest-qt reports exceptions in slots itself
    context = AppContext.create(db)
    context.today_override = TODAY
    yield context
    context.hub.close()


@pytest.fixture
def window(ctx: AppContext, qtbot: QtBot) -> Iterator[object]:
    from wsjc_desktop.ui.main_window import MainWindow

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


@pytest.fixture
def open_dialog(ctx: AppContext, qtbot: QtBot) -> Iterator[Callable[[type[QWidget]], QWidget]]:
    """Show a (self-deleting) dialog class non-modally; whatever a test leaves open is closed."""
    made: list[QWidget] = []

    def make(cls: type[QWidget]) -> QWidget:
        dlg = cls(ctx)  # type: ignore[call-arg]
        made.append(dlg)
        dlg.show()
        qtbot.waitExposed(dlg)
        return dlg

    yield make
    for dlg in made:
        if shiboken6.isValid(dlg):
            dlg.close()


@pytest.fixture
def logged_in(ctx: AppContext) -> int:
    """A group of two members with passwords; the first (王建国, jianguo-1) is logged in."""
    from wsjc_desktop.services import auth
    from wsjc_desktop.services.auth import NewMember

    first, _second = auth.setup_group(
        ctx.db,
        "区纪委监委驻区财政局纪检监察组",
        [NewMember("王建国", "组长", "jianguo-1"), NewMember("李秀英", "组员", "xiuying-1")],
    )
    auth.login(ctx.db, first, "jianguo-1")
    return first
