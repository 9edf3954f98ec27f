"""身份证号 on screen, driven through the real widgets: masked in a table, the dossier and search
results (and in what they copy); shown in full on request, which is audited; edited in full."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tests.support.builders import cadre, id_number, unit
from tests.ui.modal import answer_modals, type_text
from tests.ui.test_table_copy import POPUP_NOISE, click_rows, context_menu
from wsjc_desktop.domain.fields import CADRE
from wsjc_desktop.services import audit, auth, records
from wsjc_desktop.services.auth import NewMember
from wsjc_desktop.storage.database import Database
from wsjc_desktop.ui import table_copy
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.forms import RecordDialog
from wsjc_desktop.ui.record_tab import RecordTab
from wsjc_desktop.ui.search_dialog import SearchDialog
from wsjc_desktop.ui.table_model import Column
from wsjc_desktop.ui.tabs.dossier import DossierTab
from wsjc_desktop.ui.tabs.units import UnitsTab

ZHANG_ID = id_number(date(1980, 1, 1), seq=414, region="330102")  # 33010219800101414X
ZHANG_MASKED = "3301**********414X"
LI_ID = id_number(date(1975, 3, 15), seq=124, region="110105")
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def copying(qapp: QApplication) -> None:
    table_copy.install(qapp)


@pytest.fixture
def office(ctx: AppContext) -> dict[str, int]:
    """A logged-in member; 张三 and 李四 with numbers, 王五 without."""
    db = ctx.db
    (member_id,) = auth.setup_group(db, "驻区财政局纪检监察组", [NewMember("王建国", "组长", "jianguo-1")])
    auth.login(db, member_id, "jianguo-1")
    finance = unit(db, "区财政局", short_name="财政局")
    return {
        "member": member_id,
        "finance": finance,
        "zhang": cadre(db, finance, "张三", position="科员", id_number=ZHANG_ID),
        "li": cadre(db, finance, "李四", position="副科长", id_number=LI_ID),
        "wang": cadre(db, finance, "王五"),
    }


def views_of_numbers(db: Database) -> list[audit.AuditRow]:
    return audit.query(db, text=audit.ID_NUMBER_VIEW_TEXT)


# --- a table -------------------------------------------------------------------------------


def test_a_table_shows_and_copies_the_number_masked(
    ctx: AppContext, office: dict[str, int], qtbot: QtBot
) -> None:
    # a register of cadres showing the number (the roster's table leaves it out)
    fields = [CADRE.field(name) for name in ("name", "position", "id_number")]
    page = RecordTab(ctx, CADRE, columns=[Column(f.name, f.label, f, width=f.width) for f in fields])
    qtbot.addWidget(page)
    page.resize(900, 400)
    page.show()
    qtbot.waitUntil(lambda: page.is_loaded)
    model = page.model
    shown = {model.data(model.index(r, 0)): model.data(model.index(r, 2)) for r in range(model.rowCount())}
    assert shown == {"张三": ZHANG_MASKED, "李四": "1101**********" + LI_ID[-4:], "王五": ""}
    for row in range(model.rowCount()):
        assert model.data(model.index(row, 2), Qt.ItemDataRole.ToolTipRole) is None

    names = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    click_rows(qtbot, page.view, [names.index("张三"), names.index("李四")])
    qtbot.keyClick(page.view, Qt.Key.Key_C, CTRL)
    text = QGuiApplication.clipboard().text()
    assert text.split("\n") == [
        "姓名\t职务\t身份证号",
        f"张三\t科员\t{ZHANG_MASKED}",
        f"李四\t副科长\t1101**********{LI_ID[-4:]}",
    ]
    assert ZHANG_ID not in text and LI_ID not in text
    assert views_of_numbers(ctx.db) == []


@POPUP_NOISE
def test_a_cadre_row_shows_the_full_number_on_request(
    ctx: AppContext, office: dict[str, int], qtbot: QtBot
) -> None:
    page = UnitsTab(ctx)  # 监督单位, with the chosen unit's cadres beneath
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitUntil(lambda: page.is_loaded)
    page.select_id(office["finance"])
    panel = page.cadres
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    names = [panel.model.data(panel.model.index(r, 0)) for r in range(3)]

    shown: list[str] = []

    def read(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        shown.append(widget.text())
        widget.accept()

    answer_modals(read)
    view = panel.view
    pos = view.visualRect(panel.model.index(names.index("李四"), 1)).center()
    entries = context_menu(qtbot, view, pos, choose="显示完整身份证号")
    assert [(text, on) for text, _key, on in entries] == [
        ("编辑", True),
        ("删除", True),
        ("显示完整身份证号", True),
        ("复制", True),
    ]
    qtbot.waitUntil(lambda: shown == [f"李四：{LI_ID}"])
    (seen,) = views_of_numbers(ctx.db)
    assert seen.record_id == office["li"] and seen.member_id == office["member"]

    pos = view.visualRect(panel.model.index(names.index("王五"), 1)).center()
    entries = context_menu(qtbot, view, pos)
    assert ("显示完整身份证号", False) in [(text, on) for text, _key, on in entries]  # none to show


# --- the dossier ---------------------------------------------------------------------------


@pytest.fixture
def tab(ctx: AppContext, office: dict[str, int], qtbot: QtBot) -> Iterator[DossierTab]:
    dossier = DossierTab(ctx)
    qtbot.addWidget(dossier)
    dossier.resize(1280, 800)
    dossier.show()
    qtbot.waitExposed(dossier)
    qtbot.waitUntil(lambda: dossier.is_loaded)
    dossier.open_record(office["zhang"])
    yield dossier


def click_cadre(qtbot: QtBot, tab: DossierTab, cadre_id: int) -> None:
    index = tab.cadre_index(cadre_id)
    tab.tree.expand(index.parent())
    qtbot.mouseClick(tab.tree.viewport(), Qt.MouseButton.LeftButton, pos=tab.tree.visualRect(index).center())
    assert tab.selected_id() == cadre_id


def test_the_dossier_masks_the_number_and_shows_it_on_request(
    tab: DossierTab, ctx: AppContext, office: dict[str, int], qtbot: QtBot
) -> None:
    value, button = tab.basics.values["id_number"], tab.basics.reveal_button
    assert value.text() == ZHANG_MASKED and value.toolTip() == ""
    assert value.width() >= value.sizeHint().width()
    assert button.isVisible() and button.text() == "显示"
    assert views_of_numbers(ctx.db) == []

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert value.text() == ZHANG_ID and button.text() == "隐藏"
    qtbot.waitUntil(lambda: value.width() >= value.sizeHint().width())  # never cut short
    (seen,) = views_of_numbers(ctx.db)
    assert (seen.table_name, seen.record_id) == ("cadres", office["zhang"])
    assert seen.member_id == office["member"] and seen.summary == "查看完整身份证号：张三（财政局）"

    # a change elsewhere in the file redraws the dossier: the number stays as asked
    records.update(ctx.db, "cadres", office["zhang"], {"position": "副主任科员"})
    assert tab.basics.values["position"].text() == "副主任科员"
    assert value.text() == ZHANG_ID

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # 隐藏
    assert value.text() == ZHANG_MASKED and button.text() == "显示"
    assert len(views_of_numbers(ctx.db)) == 1  # hiding is not a look

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert value.text() == ZHANG_ID and len(views_of_numbers(ctx.db)) == 2
    click_cadre(qtbot, tab, office["wang"])  # no number: nothing to show
    assert value.text() == "—" and not button.isVisible()
    click_cadre(qtbot, tab, office["zhang"])  # back: masked again
    assert value.text() == ZHANG_MASKED and button.text() == "显示"


def test_a_changed_number_is_masked_again(
    tab: DossierTab, ctx: AppContext, office: dict[str, int], qtbot: QtBot
) -> None:
    qtbot.mouseClick(tab.basics.reveal_button, Qt.MouseButton.LeftButton)
    assert tab.basics.values["id_number"].text() == ZHANG_ID
    new = id_number(date(1980, 1, 1), seq=416, region="330102")
    records.update(ctx.db, "cadres", office["zhang"], {"id_number": new})
    assert tab.basics.values["id_number"].text() == new[:4] + "*" * 10 + new[-4:]


@POPUP_NOISE
def test_the_tree_menu_shows_a_cadres_full_number(
    tab: DossierTab, ctx: AppContext, office: dict[str, int], qtbot: QtBot
) -> None:
    index = tab.cadre_index(office["li"])
    tab.tree.expand(index.parent())
    entries = context_menu(qtbot, tab.tree, tab.tree.visualRect(index).center(), choose="显示完整身份证号")
    assert [(text, on) for text, _key, on in entries] == [("编辑基本信息", True), ("显示完整身份证号", True)]
    assert tab.selected_id() == office["li"]  # the menu opened 李四's dossier
    assert tab.basics.values["id_number"].text() == LI_ID
    (seen,) = views_of_numbers(ctx.db)
    assert seen.record_id == office["li"] and seen.summary == "查看完整身份证号：李四（财政局）"

    index = tab.cadre_index(office["wang"])
    entries = context_menu(qtbot, tab.tree, tab.tree.visualRect(index).center())
    assert ("显示完整身份证号", False) in [(text, on) for text, _key, on in entries]
    assert len(views_of_numbers(ctx.db)) == 1


def test_the_edit_form_loads_the_full_number(
    tab: DossierTab, ctx: AppContext, office: dict[str, int], qtbot: QtBot
) -> None:
    loaded: list[str] = []

    def read(widget: QWidget) -> None:
        assert isinstance(widget, RecordDialog)
        loaded.append(widget.editors["id_number"].edit.text())  # type: ignore[attr-defined]
        widget.reject()

    answer_modals(read)
    qtbot.mouseClick(tab.basics.edit_button, Qt.MouseButton.LeftButton)
    assert loaded == [ZHANG_ID]
    assert tab.basics.values["id_number"].text() == ZHANG_MASKED


# --- search --------------------------------------------------------------------------------


def test_search_finds_by_number_and_shows_and_copies_it_masked(
    ctx: AppContext, office: dict[str, int], qtbot: QtBot
) -> None:
    dialog = SearchDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    type_text(dialog.box, "414X")
    qtbot.waitUntil(lambda: dialog.hint.text() == "找到 1 条结果")
    results = dialog.results
    item = results.currentItem()
    assert item is not None
    assert (item.text(0), item.text(1)) == ("张三", f"财政局 · 科员 · 身份证号 {ZHANG_MASKED}")

    results.setFocus()
    qtbot.keyClick(results, Qt.Key.Key_C, CTRL)
    assert QGuiApplication.clipboard().text() == f"名称\t说明\n张三\t财政局 · 科员 · 身份证号 {ZHANG_MASKED}"

    opened: list[tuple[str, int]] = []
    dialog.open_record.connect(lambda table, record_id: opened.append((table, record_id)))
    qtbot.keyClick(dialog.box, Qt.Key.Key_Return)
    assert opened == [("cadres", office["zhang"])]
    assert views_of_numbers(ctx.db) == []
