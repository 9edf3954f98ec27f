"""年度统计: figures on a known world, the records behind one, the sentences, the exports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton, QTreeWidgetItem, QWidget
from pytestqt.qtbot import QtBot

from tests.services import test_stats
from tests.ui.modal import answer_modals, message_text
from tests.ui.test_export import close_done, patch_save
from wsjc_desktop.services import records, settings, stats
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.stats_dialog import StatsDialog, open_stats_dialog

world = test_stats.world  # two units, five cadres, two members and a year of work

PERSON_TIMES = "talks.person_times"
TRACED = [
    "2026年3月5日 廉政谈话 张三（财政局）",
    "2026年3月5日 廉政谈话 李四（财政局）",
    "2026年3月5日 廉政谈话 王五（教育局）",
    "2026年6月1日 提醒谈话 赵六（教育局）",
]


@pytest.fixture
def dialog(ctx: AppContext, qtbot: QtBot, world: dict[str, int]) -> Iterator[StatsDialog]:
    dlg = open_stats_dialog(None, ctx)
    qtbot.waitExposed(dlg)
    yield dlg
    if shiboken6.isValid(dlg):
        dlg.close()


def item_of(dlg: StatsDialog, key: str) -> QTreeWidgetItem:
    item = dlg.figure_item(key)
    assert item is not None, key
    return item


def click_figure(dlg: StatsDialog, qtbot: QtBot, key: str) -> None:
    tree = dlg.figures
    item = item_of(dlg, key)
    tree.scrollToItem(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())
    assert dlg.current_key() == key


def shown(dlg: StatsDialog, key: str) -> str:
    return item_of(dlg, key).text(1)


def test_it_opens_on_this_year_with_every_figure(dialog: StatsDialog) -> None:
    assert dialog.objectName() == "stats_dialog" and not dialog.isModal()
    assert dialog.year_spin.value() == 2026  # ctx.today is 2026-06-15
    assert dialog.report is not None and dialog.report.period == stats.Period.year(2026)
    tree = dialog.figures
    sections = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]  # type: ignore[union-attr]
    assert sections == list(stats.SECTIONS)
    assert len(list(tree.figure_items())) == len(stats.FIGURES)
    assert shown(dialog, PERSON_TIMES) == "4"
    assert item_of(dialog, PERSON_TIMES).text(2) == "人次"
    assert shown(dialog, "notices.issued") == "8"
    assert shown(dialog, "notices.overdue") == "2"  # judged on 2026-06-15: the two 春节 reminders
    assert "逾期按2026年6月15日判断" in dialog.status.text()
    assert dialog.export_xlsx_button.isEnabled() and dialog.export_pdf_button.isEnabled()
    assert dialog.current_key() is None and dialog.trace_model.rowCount() == 0
    assert "选择左侧的统计项" in dialog.trace_hint.text()


def test_selecting_a_figure_lists_its_records_and_double_click_opens_one(
    dialog: StatsDialog, qtbot: QtBot, world: dict[str, int]
) -> None:
    click_figure(dialog, qtbot, PERSON_TIMES)
    assert dialog.trace_title.text() == "谈话人次（合计）"
    assert dialog.trace_count.text() == "共 4 条记录"
    assert [row.text for row in dialog.trace_rows()] == TRACED

    listed = dialog.trace_list
    opened: list[tuple[str, int]] = []
    dialog.open_record.connect(lambda table, record_id: opened.append((table, record_id)))
    for row, expected in ((2, world["t_three"]), (3, world["t_reminder"])):
        center = listed.visualRect(dialog.trace_model.index(row)).center()
        # a real double-click: a press first (QTest's double-click alone opens nothing in item views)
        qtbot.mouseClick(listed.viewport(), Qt.MouseButton.LeftButton, pos=center)
        with qtbot.waitSignal(dialog.open_record, timeout=2000) as blocker:
            qtbot.mouseDClick(listed.viewport(), Qt.MouseButton.LeftButton, pos=center)
        assert blocker.args == ["talks", expected]
    assert opened == [("talks", world["t_three"]), ("talks", world["t_reminder"])]  # once each

    click_figure(dialog, qtbot, "meetings.type.party_committee")
    assert dialog.trace_count.text() == "共 0 条记录"
    assert dialog.trace_model.rowCount() == 0


def test_the_scope_shows_a_unit_or_a_member(dialog: StatsDialog, world: dict[str, int]) -> None:
    dialog.select_figure(PERSON_TIMES)
    dialog.set_scope(("unit", world["education"]))
    assert dialog.scope_combo.currentText() == "单位：教育局"
    assert shown(dialog, PERSON_TIMES) == "2"
    assert shown(dialog, "notices.issued") == "3"
    assert dialog.current_key() == PERSON_TIMES  # the selection stays on the figure
    assert [row.text for row in dialog.trace_rows()] == [TRACED[2], TRACED[3]]

    dialog.set_scope(("member", world["li"]))
    assert shown(dialog, PERSON_TIMES) == "3"
    assert dialog.figure_item("cadres.count") is None  # not a figure a member has
    assert dialog.trace_count.text() == "共 3 条记录"

    dialog.set_scope(None)
    assert shown(dialog, PERSON_TIMES) == "4"


def test_copy_puts_the_sentences_on_the_clipboard(dialog: StatsDialog) -> None:
    assert dialog.report is not None
    expected = "\n".join(stats.sentences(dialog.report))
    assert dialog.sentences.toPlainText() == expected
    assert dialog.sentences.isReadOnly()
    QGuiApplication.clipboard().clear()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == expected
    assert dialog.copy_note.text() == "已复制"


def test_ctrl_c_on_the_figures_copies_label_and_value(dialog: StatsDialog, qtbot: QtBot) -> None:
    tree = dialog.figures
    click_figure(dialog, qtbot, PERSON_TIMES)
    qtbot.keyClick(tree, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "谈话人次（合计）\t4"

    tree.clearSelection()
    section = tree.topLevelItem(stats.SECTIONS.index(stats.SECTION_REPLIES))
    assert section is not None
    section.setSelected(True)
    qtbot.keyClick(tree, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().split("\n")
    assert lines[0] == "出具党风廉政意见回复（人次）\t3"
    assert len(lines) == section.childCount()


def test_a_custom_range_is_counted_when_asked(dialog: StatsDialog, qtbot: QtBot) -> None:
    dialog.set_range(date(2026, 1, 1), date(2026, 6, 30))
    assert dialog.stale and not dialog.export_xlsx_button.isEnabled()
    assert "请点“统计”" in dialog.status.text()
    assert not dialog.year_spin.isEnabled() and dialog.start_edit.isEnabled()
    dialog.run_button.click()
    assert dialog.report is not None
    assert dialog.report.period.label == "2026年1月1日至2026年6月30日"
    assert shown(dialog, "meetings.count") == "1"
    assert not dialog.stale and dialog.export_xlsx_button.isEnabled()
    assert dialog.sentences.toPlainText().startswith("2026年1月1日至2026年6月30日共参加")

    dialog.set_range(date(2026, 6, 30), date(2026, 1, 1))
    texts: list[str] = []

    def read(widget: QWidget) -> None:
        texts.append(message_text(widget))
        widget.close()

    answer_modals(read)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: bool(texts))
    assert "结束日期早于开始日期" in texts[0]

    dialog.set_year(2025)
    dialog.run_button.click()
    assert shown(dialog, PERSON_TIMES) == "1"  # 张三 on 2025-12-31


def test_a_change_to_the_data_asks_for_a_recount(
    dialog: StatsDialog, ctx: AppContext, world: dict[str, int]
) -> None:
    records.create(ctx.db, "talks", {"held_on": "2026-05-05", "kind": "reminder", "cadre_ids": [world["c1"]]})
    assert dialog.stale and "数据已有变动" in dialog.status.text()
    assert not dialog.export_pdf_button.isEnabled()
    dialog.run_button.click()
    assert shown(dialog, PERSON_TIMES) == "5"
    settings.set_many(ctx.db, {"group.name": "驻区教育局纪检监察组"})  # no figure changes
    assert not dialog.stale


def test_export_excel_writes_the_workbook(
    dialog: StatsDialog, ctx: AppContext, qtbot: QtBot, tmp_path: Path, monkeypatch: Any
) -> None:
    settings.set_many(ctx.db, {"folders.export": str(tmp_path)})
    offered = patch_save(monkeypatch, tmp_path / "统计")  # no suffix: .xlsx is added
    texts: list[str] = []
    answer_modals(close_done(texts))
    dialog.export_xlsx_button.click()
    qtbot.waitUntil(lambda: bool(texts))
    assert offered == [str(tmp_path / "2026年度工作统计.xlsx")]
    target = tmp_path / "统计.xlsx"
    assert str(target) in texts[0]
    wb = load_workbook(target)
    assert wb.sheetnames == ["汇总", "分单位", "分人员", "文字材料"]
    values = {row[1]: row[2] for row in wb["汇总"].iter_rows(min_row=3, values_only=True)}
    assert values["谈话人次（合计）"] == 4


def test_export_pdf_writes_the_table(
    dialog: StatsDialog, qtbot: QtBot, tmp_path: Path, monkeypatch: Any
) -> None:
    target = tmp_path / "统计表.pdf"
    offered = patch_save(monkeypatch, target)
    texts: list[str] = []
    answer_modals(close_done(texts))
    dialog.export_pdf_button.click()
    qtbot.waitUntil(lambda: bool(texts))
    assert offered[0].endswith("2026年度工作统计表.pdf")
    assert target.read_bytes().startswith(b"%PDF")


def test_a_failed_export_is_a_message(
    dialog: StatsDialog, qtbot: QtBot, tmp_path: Path, monkeypatch: Any
) -> None:
    patch_save(monkeypatch, tmp_path / "不存在" / "a.xlsx")
    texts: list[str] = []

    def read(widget: QWidget) -> None:
        texts.append(message_text(widget))
        widget.close()

    answer_modals(read)
    dialog.export_xlsx_button.click()
    qtbot.waitUntil(lambda: bool(texts))
    assert "文件夹不存在" in texts[0]
    assert not (tmp_path / "不存在").exists()


def test_escape_closes_it(dialog: StatsDialog, qtbot: QtBot) -> None:
    with qtbot.waitSignal(dialog.destroyed, timeout=2000):
        qtbot.keyClick(dialog.figures, Qt.Key.Key_Escape)


@pytest.mark.parametrize("size", [(1000, 700), (800, 600)])
def test_nothing_is_clipped(dialog: StatsDialog, qtbot: QtBot, size: tuple[int, int]) -> None:
    dialog.resize(*size)
    qtbot.waitUntil(lambda: dialog.width() == size[0])
    hint = dialog.minimumSizeHint()
    assert hint.width() <= 800 and hint.height() <= 600
    for button in dialog.findChildren(QPushButton):
        if button.isVisible():
            assert button.width() >= button.sizeHint().width(), button.text()
    for widget in (dialog.figures, dialog.trace_list, dialog.sentences):
        assert widget.height() >= 100 and widget.width() >= 200
    tree = dialog.figures
    assert tree.columnWidth(0) >= tree.fontMetrics().horizontalAdvance("对科级干部开展廉政谈话（人次）")


def test_the_window_opens_statistics_and_the_records_behind_a_figure(
    window: Any, qtbot: QtBot, world: dict[str, int]
) -> None:
    """工具 → 年度统计 (Ctrl+T) opens the dialog; a talk behind 谈话人次 opens in 谈话记录, a
    党廉回复 (a dossier section) opens its cadre's 廉政档案."""
    window.act_stats.trigger()
    dlg = window._stats_dialog
    qtbot.waitExposed(dlg)
    try:
        assert window.act_stats.shortcut().toString() == "Ctrl+T"
        dlg.open_record.emit("talks", world["t_three"])
        assert window.tabs.tabText(window.tabs.currentIndex()) == "谈话记录"
        assert window.pages["谈话记录"].selected_id() == world["t_three"]
        reply = stats.compute(window.ctx.db, stats.Period.year(2026)).trace("replies.person_times")[0]
        dlg.open_record.emit(reply.table, reply.record_id)
        assert window.tabs.tabText(window.tabs.currentIndex()) == "廉政档案"
        window.act_stats.trigger()  # a second trigger re-activates the same window
        assert window._stats_dialog is dlg
    finally:
        dlg.close()


def test_the_loops_figures_and_their_records(ctx: AppContext, qtbot: QtBot) -> None:
    """Issue 19: the 监督检查 and 问题整改 sections, a rate shown in %, the records behind a figure."""
    import os

    from tests.services import test_loop_figures

    test_loop_figures.build_world(ctx.db)
    dlg = open_stats_dialog(None, ctx)
    qtbot.waitExposed(dlg)
    try:
        tree = dlg.figures
        sections = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]  # type: ignore[union-attr]
        assert sections[2] == "监督检查" and "问题整改" in sections
        assert shown(dlg, "inspections.unannounced") == "2"
        rate = item_of(dlg, "problems.closing_rate")
        assert (rate.text(1), rate.text(2)) == ("40", "%")
        click_figure(dlg, qtbot, "inspections.unannounced")
        qtbot.waitUntil(lambda: dlg.trace_model.rowCount() == 2)
        first = dlg.trace_rows()[0].text
        assert first == "2026年3月1日 明察暗访 财政局、教育局：unannounced检查"
        if os.environ.get("WSJC_SCREENSHOTS"):
            dlg.resize(1100, 760)
            qtbot.wait(50)
            dlg.grab().save(str(Path(os.environ["WSJC_SCREENSHOTS"]) / "stats_loop.png"))
    finally:
        dlg.close()
