"""Copy to Excel/WPS: Ctrl+C and 复制 put the selected rows of any table, with the header, on the
clipboard as tab-separated lines; driven on the real window's register, the dossier's section
tables and timeline, and the audit log viewer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QContextMenuEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QMenu,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.support.builders import cadre, member, unit
from wsjc_desktop.services import records
from wsjc_desktop.storage.database import Database
from wsjc_desktop.ui import table_copy
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.audit_viewer import AuditViewer
from wsjc_desktop.ui.dialogs.recycle_bin import RecycleBinDialog
from wsjc_desktop.ui.main_window import MainWindow
from wsjc_desktop.ui.record_tab import RecordTab
from wsjc_desktop.ui.tabs.dossier import DossierTab

CTRL = Qt.KeyboardModifier.ControlModifier
#: A context menu on the offscreen platform says it cannot do what a popup does on a screen.
POPUP_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|grabbing the keyboard)")
SENTINEL = "（剪贴板原有内容）"

UNIT_HEADER = "\t".join(
    [
        "单位全称",
        "简称",
        "单位类型",
        "主要负责人",
        "联络员",
        "联络员电话",
        "干部数",
        "2026年谈话人次",  # ctx.today is 2026-06-15
        "2026年列席会议",
        "提醒未办结",
        "其中逾期",
    ]
)


@pytest.fixture(autouse=True)
def copying(qapp: QApplication) -> None:
    """What the program's start does (ui/app.setup_application); a second call changes nothing."""
    table_copy.install(qapp)
    table_copy.install(qapp)
    QGuiApplication.clipboard().setText(SENTINEL)


def clipboard() -> str:
    return QGuiApplication.clipboard().text()


def click_row(
    qtbot: QtBot, view: QAbstractItemView, index: QModelIndex, modifier: Qt.KeyboardModifier
) -> None:
    view.scrollTo(index)
    pos = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, pos)


def click_rows(qtbot: QtBot, view: QAbstractItemView, rows: list[int]) -> None:
    """Click the first row, Ctrl+click the others, as a user selects several."""
    model = view.model()
    for n, row in enumerate(rows):
        modifier = Qt.KeyboardModifier.NoModifier if n == 0 else CTRL
        click_row(qtbot, view, model.index(row, 0), modifier)


def context_menu(
    qtbot: QtBot, view: QAbstractItemView, pos: QPoint, choose: str | None = None
) -> list[tuple[str, str, bool]]:
    """Right-click ``view`` at ``pos``; returns the menu's entries as (text, shortcut shown,
    enabled) and clicks the one named ``choose`` (else closes the menu)."""
    entries: list[tuple[str, str, bool]] = []

    def answer(tries: int = 0) -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            if tries < 300:
                QTimer.singleShot(10, lambda: answer(tries + 1))
            return
        actions = [a for a in menu.actions() if not a.isSeparator()]
        native = QKeySequence.SequenceFormat.NativeText
        entries.extend((a.text(), a.shortcut().toString(native), a.isEnabled()) for a in actions)
        target = next((a for a in actions if a.text() == choose), None)
        if target is None:
            menu.close()
        else:
            qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(target).center())

    QTimer.singleShot(0, answer)
    viewport = view.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.RightButton, pos=pos)
    # what the window system sends after a right-click (the offscreen platform sends none)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, viewport.mapToGlobal(pos))
    QApplication.sendEvent(viewport, event)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    return entries


def show_tab(window: MainWindow, title: str, qtbot: QtBot) -> RecordTab:
    page = window.show_tab(title)
    assert isinstance(page, RecordTab)
    qtbot.waitUntil(lambda: page.is_loaded)
    return page


# --- a register in the real window ---------------------------------------------------------


@pytest.fixture
def units(db: Database) -> dict[str, int]:
    return {
        "finance": unit(db, "区财政局", short_name="财政局", sort_order=1, head_name="王局长"),
        "education": unit(db, "区教育局", short_name="教育局", sort_order=2),
        "health": unit(db, "区卫生健康委员会", short_name="卫健委", sort_order=3, head_name="赵主任"),
    }


def test_ctrl_c_copies_the_selected_rows_of_a_register_with_its_header(
    window: MainWindow, units: dict[str, int], qtbot: QtBot
) -> None:
    page = show_tab(window, "监督单位", qtbot)
    view = page.view
    assert view.model().rowCount() == 3
    click_rows(qtbot, view, [2, 0])  # the order clicked is not the order copied
    qtbot.keyClick(view, Qt.Key.Key_C, CTRL)
    assert clipboard().split("\n") == [
        UNIT_HEADER,
        "区财政局\t财政局\t机关\t王局长\t\t\t0\t0\t0\t0\t0",
        "区卫生健康委员会\t卫健委\t机关\t赵主任\t\t\t0\t0\t0\t0\t0",
    ]

    # columns as the user arranged them: moved, and a hidden one left out
    header = view.horizontalHeader()
    header.moveSection(header.visualIndex(1), 0)  # 简称 first
    view.setColumnHidden(2, True)  # 单位类型
    qtbot.keyClick(view, Qt.Key.Key_C, CTRL)
    lines = clipboard().split("\n")
    assert lines[0].startswith("简称\t单位全称\t主要负责人\t联络员\t")
    assert lines[1].startswith("财政局\t区财政局\t王局长\t\t\t0")
    assert "单位类型" not in lines[0] and "机关" not in clipboard()


@POPUP_NOISE
def test_the_register_menu_has_copy_and_keeps_the_rows_selected(
    window: MainWindow, units: dict[str, int], qtbot: QtBot
) -> None:
    page = show_tab(window, "监督单位", qtbot)
    view = page.view
    click_rows(qtbot, view, [0, 1])
    pos = view.visualRect(view.model().index(1, 3)).center()
    entries = context_menu(qtbot, view, pos, choose="复制")
    copy = QKeySequence(QKeySequence.StandardKey.Copy).toString(QKeySequence.SequenceFormat.NativeText)
    assert ("复制", copy, True) in entries
    assert [text for text, _key, _on in entries][:2] == ["编辑", "打印"]
    lines = clipboard().split("\n")
    assert lines[0] == UNIT_HEADER
    assert [line.split("\t")[0] for line in lines[1:]] == ["区财政局", "区教育局"]

    # a right-click on a row not selected selects it alone
    pos = view.visualRect(view.model().index(2, 0)).center()
    context_menu(qtbot, view, pos, choose="复制")
    assert [line.split("\t")[0] for line in clipboard().split("\n")[1:]] == ["区卫生健康委员会"]
    assert page.selected_id() == units["health"]


def test_the_cadres_beneath_a_unit_copy_too(
    window: MainWindow, db: Database, units: dict[str, int], qtbot: QtBot
) -> None:
    cadre(db, units["finance"], "张三", position="科员", gender="男")
    cadre(db, units["finance"], "李四", position="副科长", gender="女")
    page = show_tab(window, "监督单位", qtbot)
    page.select_id(units["finance"])
    panel = page.cadres  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2)
    view = panel.view
    click_rows(qtbot, view, [0, 1])
    qtbot.keyClick(view, Qt.Key.Key_C, CTRL)
    lines = clipboard().split("\n")
    assert lines[0].startswith("姓名\t性别\t民族\t出生年月\t政治面貌\t职务\t")
    assert [line.split("\t")[:2] for line in lines[1:]] == [["张三", "男"], ["李四", "女"]]


# --- the dossier ---------------------------------------------------------------------------


@pytest.fixture
def dossier_tab(ctx: AppContext, db: Database, qtbot: QtBot) -> tuple[DossierTab, int]:
    member(db)
    finance = unit(db, "区财政局", short_name="财政局")
    zhang = cadre(db, finance, "张三", position="科员")
    family = [
        {"relation": "配偶", "name": "王芳", "workplace": "区第一中学", "position": "教师"},
        {"relation": "子", "name": "张小明", "birth_date": date(2005, 9, 1)},
        {
            "relation": "父亲",
            "name": "张大山",
            "business_note": "开办\t五金店\n（已注销）",
            "runs_business": True,
        },
    ]
    for values in family:
        records.create(db, "family_members", {"cadre_id": zhang, **values})
    tab = DossierTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.show()
    qtbot.waitExposed(tab)
    qtbot.waitUntil(lambda: tab.is_loaded and tab.selected_id() == zhang)
    return tab, zhang


FAMILY_HEADER = "称谓\t姓名\t出生年月\t政治面貌\t工作单位\t职务\t经商办企业\t经商办企业情况"


@POPUP_NOISE
def test_a_dossier_section_copies_its_rows(dossier_tab: tuple[DossierTab, int], qtbot: QtBot) -> None:
    tab, _zhang = dossier_tab
    panel = tab.sections["family_members"]
    view = panel.view
    assert panel.model.rowCount() == 3
    names = [panel.model.data(panel.model.index(r, 1)) for r in range(3)]
    rows = [names.index("王芳"), names.index("张大山")]
    click_rows(qtbot, view, rows)
    qtbot.keyClick(view, Qt.Key.Key_C, CTRL)
    expected = {
        "王芳": "配偶\t王芳\t\t\t区第一中学\t教师\t否\t",
        "张大山": "父亲\t张大山\t\t\t\t\t是\t开办 五金店 （已注销）",  # tab and line break flattened
    }
    assert clipboard().split("\n") == [FAMILY_HEADER, *(expected[names[r]] for r in sorted(rows))]

    # its context menu: the panel's own 编辑 / 删除, and 复制
    pos = view.visualRect(panel.model.index(names.index("张小明"), 0)).center()
    entries = context_menu(qtbot, view, pos, choose="复制")
    assert [(text, on) for text, _key, on in entries] == [("编辑", True), ("删除", True), ("复制", True)]
    assert clipboard() == FAMILY_HEADER + "\n子\t张小明\t2005-09\t\t\t\t否\t"


@POPUP_NOISE
def test_the_dossier_timeline_copies_and_the_name_tree_is_left_alone(
    dossier_tab: tuple[DossierTab, int], ctx: AppContext, qtbot: QtBot
) -> None:
    tab, zhang = dossier_tab
    records.create(
        ctx.db,
        "talks",
        {"kind": "integrity", "held_on": date(2026, 3, 6), "reason": "新任职廉政谈话", "cadre_ids": [zhang]},
    )
    qtbot.waitUntil(lambda: tab.timeline.rowCount() == 1)
    timeline = tab.timeline
    click_rows(qtbot, timeline, [0])
    qtbot.keyClick(timeline, Qt.Key.Key_C, CTRL)
    assert clipboard() == "日期\t类型\t标题\n2026-03-06\t廉政谈话\t新任职廉政谈话"
    entries = context_menu(qtbot, timeline, timeline.visualItemRect(timeline.item(0, 2)).center())
    assert [(text, on) for text, _key, on in entries] == [("打开", True), ("复制", True)]

    # the unit and cadre tree shows no header: Ctrl+C there is Qt's own (the name)
    assert not table_copy.handles(tab.tree)
    tab.tree.setFocus()
    qtbot.keyClick(tab.tree, Qt.Key.Key_C, CTRL)
    assert clipboard() == "张三"


# --- a table that is not a register: the audit log -----------------------------------------


@POPUP_NOISE
def test_the_audit_log_copies_its_rows(
    open_dialog: Callable[[type[QWidget]], QWidget], units: dict[str, int], qtbot: QtBot
) -> None:
    viewer = open_dialog(AuditViewer)
    assert isinstance(viewer, AuditViewer)
    view = viewer.table
    assert view.model().rowCount() == 3  # the three units created, newest first
    click_row(qtbot, view, view.model().index(2, 0), Qt.KeyboardModifier.NoModifier)
    qtbot.keyClick(view, Qt.Key.Key_C, CTRL)
    header, line = clipboard().split("\n")
    assert header == "时间\t人员\t操作\t对象\t摘要"
    at, who, action, what, summary = line.split("\t")
    assert at.startswith(f"{date.today():%Y-%m-%d} ") and len(at) == 19
    assert (who, action, what, summary) == (
        "（未登录）",
        "新建",
        f"监督单位 #{units['finance']} 区财政局",
        "新建",
    )

    pos = view.visualRect(view.model().index(0, 3)).center()
    entries = context_menu(qtbot, view, pos, choose="复制")
    assert [text for text, _key, _on in entries] == ["复制"]
    assert clipboard().split("\n")[1].endswith(f"监督单位 #{units['health']} 区卫生健康委员会\t新建")


@POPUP_NOISE
def test_a_table_without_a_menu_of_its_own_gets_one_with_copy(
    open_dialog: Callable[[type[QWidget]], QWidget], db: Database, units: dict[str, int], qtbot: QtBot
) -> None:
    records.delete(db, "units", units["education"])
    records.delete(db, "units", units["health"])
    dialog = open_dialog(RecycleBinDialog)
    assert isinstance(dialog, RecycleBinDialog)
    view = dialog.table
    assert view.contextMenuPolicy() == Qt.ContextMenuPolicy.DefaultContextMenu  # the dialog's own
    pos = view.visualItemRect(view.item(1, 1)).center()  # type: ignore[arg-type]
    entries = context_menu(qtbot, view, pos, choose="复制")  # the right-click selects the row
    assert [(text, on) for text, _key, on in entries] == [("复制", True)]
    header, line = clipboard().split("\n")
    assert header == "类型\t名称\t删除时间\t删除人"
    kind, name, _when, who = line.split("\t")
    assert (kind, name, who) == ("监督单位", "区教育局", "（未登录）")  # newest first: the second

    # the keyboard's menu key opens it too, where the view has the focus
    QGuiApplication.clipboard().setText(SENTINEL)
    view.setFocus()
    by_key: list[str] = []

    def answer(tries: int = 0) -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            if tries < 300:
                QTimer.singleShot(10, lambda: answer(tries + 1))
            return
        by_key.extend(a.text() for a in menu.actions())
        menu.close()

    QTimer.singleShot(0, answer)
    center = view.viewport().rect().center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, center, view.viewport().mapToGlobal(center))
    QApplication.sendEvent(view, event)
    assert by_key == ["复制"]


# --- the mechanism on plain widgets --------------------------------------------------------


def test_cells_are_flattened_and_rows_listed_as_shown(qtbot: QtBot) -> None:
    table = QTableWidget(3, 3)
    qtbot.addWidget(table)
    table.setHorizontalHeaderLabels(["甲", "乙\t说明", "丙"])
    for row in range(3):
        for col in range(3):
            table.setItem(row, col, QTableWidgetItem(f"{row}{col}"))
    table.setItem(1, 0, QTableWidgetItem("第一行\r\n第二行\t末尾 "))
    table.item(2, 2).setData(Qt.ItemDataRole.DisplayRole, 42)  # type: ignore[union-attr]
    table.verticalHeader().moveSection(2, 0)  # row 2 is shown first
    table.show()
    qtbot.waitExposed(table)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.clearSelection()
    for row in (1, 2):
        table.item(row, 1).setSelected(True)  # type: ignore[union-attr]  # one cell is enough
    assert table_copy.rows_as_tsv(table) == "甲\t乙 说明\t丙\n20\t21\t42\n第一行 第二行 末尾\t11\t12"


def test_a_tree_with_columns_copies_rows_in_tree_order(qtbot: QtBot) -> None:
    tree = QTreeWidget()
    qtbot.addWidget(tree)
    tree.setHeaderLabels(["名称", "说明"])
    tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    groups = [QTreeWidgetItem([name, ""]) for name in ("监督单位", "监察对象")]
    tree.addTopLevelItems(groups)
    for group, children in zip(groups, (["财政局", "教育局"], ["张三", "李四"]), strict=True):
        group.addChildren([QTreeWidgetItem([child, f"{child}的说明"]) for child in children])
    tree.expandAll()
    tree.show()
    qtbot.waitExposed(tree)
    for item in (groups[1].child(1), groups[0].child(0)):
        item.setSelected(True)  # type: ignore[union-attr]
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_C, CTRL)
    assert clipboard() == "名称\t说明\n财政局\t财政局的说明\n李四\t李四的说明"


def test_a_view_with_its_own_copy_keeps_it(qtbot: QtBot) -> None:
    tree = QTreeWidget()
    qtbot.addWidget(tree)
    tree.setHeaderLabels(["统计项", "数量"])
    tree.addTopLevelItem(QTreeWidgetItem(["谈话人次", "4"]))
    own = QAction("复制（统计项和数量）", tree)
    own.setShortcut(QKeySequence.StandardKey.Copy)
    own.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    own.triggered.connect(lambda: QGuiApplication.clipboard().setText("谈话人次\t4"))
    tree.addAction(own)
    tree.show()
    tree.activateWindow()
    qtbot.waitUntil(tree.isActiveWindow)  # a widget's shortcut needs the focus in the active window
    tree.setCurrentItem(tree.topLevelItem(0))
    tree.setFocus()
    assert not table_copy.handles(tree)
    qtbot.keyClick(tree, Qt.Key.Key_C, CTRL)
    assert clipboard() == "谈话人次\t4"


def test_nothing_selected_copies_nothing(qtbot: QtBot) -> None:
    table = QTableView()
    qtbot.addWidget(table)
    widget = QTableWidget(2, 2)
    qtbot.addWidget(widget)
    assert table_copy.rows_as_tsv(table) == ""  # no model at all
    assert not table_copy.copy_rows(widget)
    assert table_copy.copy_action(widget, widget).isEnabled() is False
    assert clipboard() == SENTINEL


def test_install_is_idempotent(qapp: QApplication) -> None:
    table_copy.install(qapp)
    filters = [c for c in qapp.children() if c.objectName() == table_copy.FILTER_NAME]
    assert len(filters) == 1
