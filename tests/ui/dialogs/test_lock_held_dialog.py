"""数据库正在使用: what it shows, each answer, and the take-over offered only for an abandoned lock.

``python -m tests.ui.dialogs.test_lock_held_dialog OUT.png [--stale]`` saves a screenshot of the dialog
(docs/screenshots/lock_held.png is made this way).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.modal import answer_modals
from wsjc_desktop.storage import lock
from wsjc_desktop.storage.lock import LockInfo
from wsjc_desktop.ui.dialogs.lock_held_dialog import LockHeldDialog, ask_lock_held, describe_idle

NOW = datetime(2026, 11, 22, 9, 14).astimezone()
SINCE = datetime(2026, 11, 22, 8, 30).astimezone()
OTHER_HOST = "PC-01" if not lock.same_host("PC-01", lock.current_host()) else "PC-02"


def info(
    *, heartbeat: datetime = NOW - timedelta(seconds=40), host: str = OTHER_HOST, **values: object
) -> LockInfo:
    fields: dict[str, object] = {
        "member": "王芳",
        "host": host,
        "pid": 4242,
        "started": "x",
        "since": SINCE,
        "heartbeat": heartbeat,
        "version": "0.1.0",
        "token": "t" * 32,
        "path": Path("D:/监督工作台/wsjc.db.lock"),
    }
    fields.update(values)
    return LockInfo(**fields)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _app(qapp: object) -> None:
    from wsjc_desktop.ui.app import setup_application

    setup_application(crash_dialog=False)


def show(qtbot: QtBot, lock_info: LockInfo) -> LockHeldDialog:
    dialog = LockHeldDialog(lock_info, now=NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def click(name: str) -> Callable[[QWidget], None]:
    def handler(widget: QWidget) -> None:
        assert isinstance(widget, LockHeldDialog), type(widget)
        if name == "lock_unlock":
            confirm = widget.confirm
            assert confirm is not None
            confirm.setChecked(True)
        button = widget.findChild(QPushButton, name)
        assert button is not None and button.isEnabled(), name
        button.click()

    return handler


def test_it_says_who_where_since_when_and_last_seen(qtbot: QtBot) -> None:
    dialog = show(qtbot, info())
    assert dialog.isModal() and dialog.windowTitle() == "数据库正在使用"
    assert f"数据库正由 王芳 在 计算机 {OTHER_HOST} 上使用" in dialog.headline.text()
    assert dialog.values["member"].text() == "王芳"
    assert dialog.values["host"].text() == OTHER_HOST
    assert dialog.values["since"].text() == "11月22日 08:30"
    assert dialog.values["heartbeat"].text() == "11月22日 09:13（刚刚）"
    path_label = dialog.findChild(QWidget, "lock_db_path")
    assert path_label is not None and path_label.text().endswith("wsjc.db")  # type: ignore[attr-defined]
    # a live lock: no way to clear it from here
    assert dialog.unlock_button is None and dialog.findChild(QPushButton, "lock_unlock") is None
    assert dialog.readonly_button.text() == "以只读方式打开" and dialog.readonly_button.isDefault()
    assert dialog.quit_button.text() == "退出"
    dialog.close()


def test_before_login_and_on_this_computer(qtbot: QtBot) -> None:
    me = lock.current_host()
    dialog = show(qtbot, info(member="", host=me, pid=os.getpid(), started=lock.own_marker()))
    assert "另一位用户 在 本计算机上的另一个窗口 上使用" in dialog.headline.text()
    assert dialog.values["member"].text() == "（尚未登录）"
    assert dialog.values["host"].text() == f"{me}（本机）"
    assert dialog.unlock_button is None  # this very process is running: not abandoned
    dialog.close()


@pytest.mark.parametrize(("name", "expected"), [("lock_readonly", "readonly"), ("lock_quit", "quit")])
def test_answers(qtbot: QtBot, name: str, expected: str) -> None:
    seen = answer_modals(click(name))
    assert ask_lock_held(None, info(), now=NOW) == expected
    assert len(seen) == 1


def test_escape_means_quit(qtbot: QtBot) -> None:
    def press_escape(widget: QWidget) -> None:
        qtbot.keyClick(widget, Qt.Key.Key_Escape)  # type: ignore[no-untyped-call]

    answer_modals(press_escape)
    assert ask_lock_held(None, info(), now=NOW) == "quit"


def test_enter_opens_read_only(qtbot: QtBot) -> None:
    def press_enter(widget: QWidget) -> None:
        qtbot.keyClick(widget, Qt.Key.Key_Return)  # type: ignore[no-untyped-call]

    answer_modals(press_enter)
    assert ask_lock_held(None, info(), now=NOW) == "readonly"


def test_an_abandoned_lock_can_be_cleared_after_confirming(qtbot: QtBot) -> None:
    silent = info(heartbeat=NOW - timedelta(minutes=12))
    assert lock.is_stale(silent, now=NOW)  # (acquire would have cleared it itself; the dialog still copes)
    dialog = show(qtbot, silent)
    warning = dialog.findChild(QWidget, "lock_warning_text")
    assert warning is not None
    text = warning.text()  # type: ignore[attr-defined]
    assert "该计算机已 12 分钟没有活动" in text and "请先确认 王芳 已关闭程序" in text
    assert dialog.values["heartbeat"].text() == "11月22日 09:02（12 分钟前）"
    assert dialog.unlock_button is not None and dialog.confirm is not None
    assert dialog.unlock_button.text() == "解除锁定并打开"
    assert not dialog.unlock_button.isEnabled()
    dialog.confirm.setChecked(True)
    assert dialog.unlock_button.isEnabled()
    dialog.confirm.setChecked(False)
    assert not dialog.unlock_button.isEnabled()
    dialog.close()

    answer_modals(click("lock_unlock"))
    assert ask_lock_held(None, silent, now=NOW) == "unlock"


def test_missed_heartbeats_are_offered_before_the_lock_is_stale(qtbot: QtBot) -> None:
    quiet = info(heartbeat=NOW - timedelta(minutes=4))
    assert not lock.is_stale(quiet, now=NOW) and lock.looks_stale(quiet, now=NOW)
    dialog = show(qtbot, quiet)
    assert dialog.unlock_button is not None
    dialog.close()
    recent = info(heartbeat=NOW - timedelta(minutes=2))
    assert not lock.looks_stale(recent, now=NOW)
    dialog = show(qtbot, recent)
    assert dialog.unlock_button is None
    dialog.close()


def test_the_choice_round_trips_through_acquire(qtbot: QtBot, tmp_path: Path) -> None:
    """The dialog's 解除锁定并打开 → acquire(take_over=info) takes exactly the lock that was shown."""
    db = tmp_path / "wsjc.db"
    other = info(heartbeat=NOW - timedelta(minutes=5), path=lock.lock_path(db))
    lock.lock_path(db).write_bytes(other.to_json())
    with pytest.raises(lock.LockHeld) as held:
        lock.acquire(db, "李明", now=NOW)
    answer_modals(click("lock_unlock"))
    assert ask_lock_held(None, held.value.info, now=NOW) == "unlock"
    with lock.acquire(db, "李明", now=NOW, take_over=held.value.info) as mine:
        current = lock.read_lock(db)
        assert current is not None and current.token == mine.token and current.member == "李明"


def test_describe_idle() -> None:
    assert describe_idle(None) == "未知"
    assert describe_idle(timedelta(seconds=59)) == "刚刚"
    assert describe_idle(timedelta(minutes=3, seconds=30)) == "3 分钟前"
    assert describe_idle(timedelta(hours=5)) == "5 小时前"
    assert describe_idle(timedelta(days=3, hours=1)) == "3 天前"


def save_screenshot(out: Path, *, stale: bool = False) -> None:
    from PySide6.QtWidgets import QApplication

    from wsjc_desktop.ui.app import setup_application

    setup_application(crash_dialog=False)
    heartbeat = NOW - (timedelta(minutes=14) if stale else timedelta(seconds=40))
    dialog = LockHeldDialog(info(heartbeat=heartbeat, host="PC-01"), now=NOW)
    dialog.show()
    for _ in range(5):
        QApplication.processEvents()
    dialog.grab().save(str(out))
    dialog.close()


if __name__ == "__main__":  # pragma: no cover - makes the documentation screenshot
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    save_screenshot(Path(sys.argv[1]), stale="--stale" in sys.argv[2:])
