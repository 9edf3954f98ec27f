"""帮助 → 使用说明: the manual in resources/manual/ is whole (every picture it shows is there, its
links stay inside it) and its window works: contents, find in page, one window at a time, Esc.
Real widgets offscreen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QListWidgetItem
from pytestqt.qtbot import QtBot

from tests.ui.modal import type_text
from wsjc_desktop.ui.dialogs import help_dialog
from wsjc_desktop.ui.dialogs.help_dialog import (
    HelpDialog,
    current_manual,
    image_sources,
    manual_path,
    show_manual,
)
from wsjc_desktop.ui.windows import available_rect

#: The sections of the manual, as its contents list them.
SECTIONS = [
    "一、首次使用与登录",
    "二、工作台：待办和节前提醒",
    "三、监督单位",
    "四、廉政档案",
    "五、廉情提醒",
    "六、列席会议与意见建议",
    "七、谈话记录",
    "八、监督检查、问题台账与问题线索",
    "九、查找",
    "十、导出台账，导入花名册和台账",
    "十一、年度统计",
    "十二、备份与恢复、回收站",
    "十三、锁定、切换用户、口令与加密",
    "十四、两台电脑之间交换数据",
    "十五、快捷键一览",
    "十六、常见问题",
]
#: The offscreen platform cannot raise a window (a second request raises the open manual).
RAISE_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")
#: The widest a picture may be shown (the manual's column on a 1366×768 screen).
MAX_IMAGE_WIDTH = 760
#: The whole manual folder stays small (it ships in every installation).
MAX_FOLDER_BYTES = 3 * 1024 * 1024


@pytest.fixture
def html() -> str:
    return manual_path().read_text(encoding="utf-8")


@pytest.fixture
def manual(qapp: object, qtbot: QtBot) -> Iterator[HelpDialog]:
    """The manual window, opened as 帮助 → 使用说明 opens it (closed afterwards if still open)."""
    from wsjc_desktop.ui.app import setup_application

    setup_application(crash_dialog=False)
    dialog = show_manual(None)
    qtbot.waitExposed(dialog)
    yield dialog
    if shiboken6.isValid(dialog):
        dialog.close()


def toc_item(dialog: HelpDialog, title: str) -> QListWidgetItem:
    items = dialog.toc.findItems(title, Qt.MatchFlag.MatchExactly)
    assert len(items) == 1, title
    return items[0]


# --- the file ---------------------------------------------------------------------------


def test_the_manual_is_in_resources_and_every_picture_it_shows_is_there(html: str) -> None:
    folder = manual_path().parent
    assert manual_path().is_file()
    images = image_sources(html)
    assert len(images) >= 10  # the daily tasks, with screenshots
    for src, width in images:
        assert not src.startswith(("/", "http:", "https:", "file:")), src  # relative to the manual
        image = QImage(str(folder / src))
        assert not image.isNull(), f"{src} is missing or not an image"
        assert width is not None and 0 < width <= MAX_IMAGE_WIDTH, src
        assert width <= image.width(), f"{src} would be blown up"
    # nothing in the folder that the manual does not use, and it stays small
    used = {(folder / src).resolve() for src, _width in images} | {manual_path().resolve()}
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert {p.resolve() for p in files} == used
    assert sum(p.stat().st_size for p in files) < MAX_FOLDER_BYTES


def test_links_stay_inside_the_manual_and_every_tab_has_its_section(html: str) -> None:
    anchors = set(re.findall(r'<a name="([^"]+)"', html))
    links = re.findall(r'href="([^"]*)"', html)
    assert all(link.startswith("#") and link[1:] in anchors for link in links), links
    assert not re.search(r"(?:https?|ftp)://", html)  # offline: no web address at all
    assert set(help_dialog.TAB_SECTIONS.values()) <= anchors


def test_the_shortcut_table_lists_every_shortcut_of_the_window(html: str) -> None:
    table = html[html.index('name="shortcuts"') : html.index('name="faq"')]
    for key, what in (
        ("Ctrl+N", "新建"),
        ("Ctrl+E", "编辑"),
        ("Delete", "删除"),
        ("Ctrl+P", "打印"),
        ("Ctrl+Shift+E", "导出"),
        ("Ctrl+F", "查找"),
        ("F5", "刷新"),
        ("Ctrl+,", "设置"),
        ("Ctrl+T", "年度统计"),
        ("Ctrl+I", "导入花名册"),
        ("Ctrl+L", "锁定"),
        ("Ctrl+C", "复制选中的行"),
        ("F1", "使用说明"),
    ):
        assert re.search(rf"<td><b>{re.escape(key)}</b>[^<]*</td><td>{what}", table), key


# --- the window -------------------------------------------------------------------------


def test_the_manual_opens_with_its_title_contents_and_pictures(manual: HelpDialog) -> None:
    assert manual.windowTitle() == "使用说明"
    assert not manual.isModal()
    text = manual.browser.toPlainText()
    assert text.startswith("派驻纪检监察组 监督工作台 使用说明")
    assert [manual.toc.item(i).text() for i in range(manual.toc.count())] == SECTIONS
    assert manual.section_titles() == SECTIONS
    # every picture is in the document (loaded from the manual's folder), scaled to its width
    document = manual.browser.document()
    html = manual_path().read_text(encoding="utf-8")
    for src, width in image_sources(html):
        image = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(src))
        assert isinstance(image, QImage) and not image.isNull(), src
        assert round(image.width() / image.devicePixelRatio()) <= (width or image.width()), src


def test_the_window_fits_a_1366x768_screen(manual: HelpDialog) -> None:
    area = available_rect(manual)
    frame = manual.frameGeometry()
    assert area.contains(frame.topLeft()) and area.contains(frame.bottomRight()), (frame, area)
    assert manual.width() >= min(900, area.width() - 60)  # still roomy: contents and a page


def test_clicking_a_section_scrolls_there(manual: HelpDialog, qtbot: QtBot) -> None:
    bar = manual.browser.verticalScrollBar()
    assert bar.value() == 0
    item = toc_item(manual, "五、廉情提醒")
    rect = manual.toc.visualItemRect(item)
    qtbot.mouseClick(manual.toc.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    top = manual.section_top("notices")
    assert top > 0
    qtbot.waitUntil(lambda: abs(bar.value() - top) <= 2)
    assert manual.toc.currentItem() is item
    # the heading is the first line of the page
    cursor_rect = manual.browser.cursorRect()
    assert 0 <= cursor_rect.top() < 30

    # a section near the end scrolls as far as the page goes; the contents keep what was clicked
    last = toc_item(manual, "十六、常见问题")
    qtbot.mouseClick(
        manual.toc.viewport(), Qt.MouseButton.LeftButton, pos=manual.toc.visualItemRect(last).center()
    )
    qtbot.waitUntil(lambda: bar.value() == min(bar.maximum(), manual.section_top("faq")))
    assert manual.toc.currentItem() is last

    # scrolling by hand, the contents follow the reading
    bar.setValue(manual.section_top("dossier") + 5)
    assert manual.toc.currentItem() is toc_item(manual, "四、廉政档案")


def test_a_link_inside_the_manual_scrolls_and_nothing_outside_is_opened(
    manual: HelpDialog, qtbot: QtBot
) -> None:
    assert not manual.browser.openLinks() and not manual.browser.openExternalLinks()
    bar = manual.browser.verticalScrollBar()
    manual.browser.anchorClicked.emit(QUrl("#backup"))
    qtbot.waitUntil(lambda: abs(bar.value() - manual.section_top("backup")) <= 2)
    before = (bar.value(), manual.browser.toPlainText(), manual.browser.source())
    manual.browser.anchorClicked.emit(QUrl("https://example.com/#faq"))
    manual.browser.anchorClicked.emit(QUrl.fromLocalFile(str(Path.home() / "x.html")))
    assert (bar.value(), manual.browser.toPlainText(), manual.browser.source()) == before


def test_find_goes_from_match_to_match_with_enter(manual: HelpDialog, qtbot: QtBot) -> None:
    manual.find_box.setFocus()
    type_text(manual.find_box, "回执")
    count = manual.match_count()
    assert count >= 3
    assert manual.current_match() == 0
    assert manual.browser.textCursor().selectedText() == "回执"
    assert manual.find_note.text() == f"第 1 / {count} 处"
    assert len(manual.browser.extraSelections()) == count  # every match highlighted

    qtbot.keyClick(manual.find_box, Qt.Key.Key_Return)
    assert manual.current_match() == 1
    assert manual.find_note.text() == f"第 2 / {count} 处"
    assert manual.isVisible()  # Enter belongs to the find box, not to a button of the window
    colors = [s.format.background().color() for s in manual.browser.extraSelections()]
    assert colors[1] == help_dialog.CURRENT_MATCH_COLOR  # the current one stands out
    assert colors.count(help_dialog.MATCH_COLOR) == count - 1
    qtbot.keyClick(manual.find_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert manual.current_match() == 0
    qtbot.keyClick(manual.find_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert manual.current_match() == count - 1  # round to the last
    qtbot.keyClick(manual.find_box, Qt.Key.Key_Return)
    assert manual.current_match() == 0  # and back to the first

    # the match is scrolled into view
    rect = manual.browser.cursorRect()
    assert manual.browser.viewport().rect().contains(rect)

    manual.find_box.clear()
    type_text(manual.find_box, "没有这段文字")
    assert manual.match_count() == 0
    assert manual.find_note.text() == "未找到"
    assert manual.browser.extraSelections() == []


def test_find_starts_from_the_section_being_read(manual: HelpDialog, qtbot: QtBot) -> None:
    manual.go_to("backup")
    type_text(manual.find_box, "回收站")
    position = manual.browser.textCursor().selectionStart()
    assert position >= next(s.position for s in manual.sections if s.anchor == "backup")


def test_esc_closes_the_manual(manual: HelpDialog, qtbot: QtBot) -> None:
    type_text(manual.find_box, "口令")
    qtbot.keyClick(manual.find_box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: current_manual() is None)
    assert not shiboken6.isValid(manual) or not manual.isVisible()


def test_the_close_button_closes_it(manual: HelpDialog, qtbot: QtBot) -> None:
    qtbot.mouseClick(manual.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: current_manual() is None)


@RAISE_NOISE
def test_one_window_at_a_time_a_second_request_brings_it_forward(manual: HelpDialog, qtbot: QtBot) -> None:
    again = show_manual(None, "stats")
    assert again is manual
    assert current_manual() is manual
    bar = manual.browser.verticalScrollBar()
    qtbot.waitUntil(lambda: abs(bar.value() - manual.section_top("stats")) <= 2)
    assert manual.toc.currentItem() is toc_item(manual, "十一、年度统计")
    manual.close()
    qtbot.waitUntil(lambda: current_manual() is None)
    fresh = show_manual(None)
    try:
        assert fresh is not manual and current_manual() is fresh
    finally:
        fresh.close()


def test_f1_in_the_main_window_opens_the_manual(window: object, qtbot: QtBot) -> None:
    from wsjc_desktop.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: current_manual() is not None)
    opened = current_manual()
    assert opened is not None and opened.parent() is window
    opened.close()


def test_the_window_reopens_at_the_size_it_was_left(manual: HelpDialog, qtbot: QtBot) -> None:
    manual.resize(720, 500)  # smaller than it opens, inside any test screen
    manual.splitter.setSizes([180, 520])
    qtbot.keyClick(manual, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: current_manual() is None)
    again = show_manual(None)
    try:
        assert (again.width(), again.height()) == (720, 500)
        assert again.splitter.sizes()[0] == 180
    finally:
        again.close()


def test_a_missing_manual_is_said_in_the_window(
    qapp: object, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(help_dialog, "manual_path", lambda: tmp_path / "manual" / "index.html")
    dialog = show_manual(None)
    try:
        assert dialog.browser.toPlainText().startswith("未找到使用说明")
        assert dialog.toc.count() == 0
        assert not dialog.go_to("notices")
    finally:
        dialog.close()
