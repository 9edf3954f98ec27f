from __future__ import annotations

from pytestqt.qtbot import QtBot

from wsjc_desktop.ui.main_window import MainWindow


def test_window_has_the_dashboard_and_its_registers(window: MainWindow, qtbot: QtBot) -> None:
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == [
        "工作台",
        "监督单位",
        "廉政档案",
        "廉情提醒",
        "列席会议",
        "谈话记录",
        "监督检查",
        "问题台账",
        "问题线索",
    ]
    for title in titles:
        window.show_tab(title)
        qtbot.waitUntil(lambda: getattr(window.tabs.currentWidget(), "is_loaded", True))
