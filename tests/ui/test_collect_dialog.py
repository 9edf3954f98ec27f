"""信息采集 in the window (issue 17, point 4): 生成信息采集表… writes the workbook, 导入信息采集表…
shows per cadre what changes (old → new) before anything is written, and a read-only file
offers no import."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMenu, QTreeWidgetItem, QWidget
from pytestqt.qtbot import QtBot

from tests.support.builders import cadre, unit
from tests.ui.modal import answer_modals, click_accept, message_text
from wsjc_desktop.domain import models as m
from wsjc_desktop.excel.collect import FIRST_ROW, HEADER_ROW
from wsjc_desktop.services import collect, records
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.collect_dialog import CollectImportDialog, CollectMakeDialog


@pytest.fixture
def group(ctx: AppContext) -> dict[str, int]:
    """A unit with two cadres, a family member and a report (and another unit)."""
    unit(ctx.db, "区审计局")
    unit_id = unit(ctx.db, "区财政局")
    zhang = cadre(ctx.db, unit_id, "张三", position="局长")
    cadre(ctx.db, unit_id, "李四", position="副局长")
    spouse = records.create(
        ctx.db,
        "family_members",
        {"cadre_id": zhang, "relation": "配偶", "name": "李丽", "workplace": "区一中"},
    )
    records.create(
        ctx.db, "personal_matters_reports", {"cadre_id": zhang, "year": 2025, "check_result": "not_checked"}
    )
    return {"unit": unit_id, "zhang": zhang, "spouse": spouse}


def test_the_make_dialog_writes_the_workbook_of_the_chosen_unit(
    ctx: AppContext, group: dict[str, int], qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = CollectMakeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert [dialog.unit_box.itemText(i) for i in range(dialog.unit_box.count())] == ["区审计局", "区财政局"]
    dialog.unit_box.setCurrentIndex(1)
    assert dialog.path_edit.text().endswith("信息采集表-区财政局-20260615.xlsx")
    target = tmp_path / "财政局.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    QTest.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    assert dialog.path_edit.text() == str(target)

    texts: list[str] = []

    def read_and_close(widget: QWidget) -> None:
        texts.append(message_text(widget))
        click_accept(widget)

    seen = answer_modals(read_and_close)
    QTest.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert texts[0].startswith(
        "已生成“区财政局”的信息采集表：干部 2 人，家庭成员 1 人，个人有关事项报告 1 份。"
    )
    assert dialog.made is not None and not dialog.isVisible()
    book = load_workbook(target)
    names = [book["干部基本信息"].cell(r, 2).value for r in (FIRST_ROW, FIRST_ROW + 1)]
    assert sorted(names) == ["张三", "李四"]


def _returned(ctx: AppContext, group: dict[str, int], tmp_path: Path, *, bad: bool = False) -> Path:
    made = tmp_path / "made.xlsx"
    collect.make_collection(ctx.db, group["unit"], made)
    book = load_workbook(made)
    family = book["家庭成员"]
    head = {str(c.value).rstrip("*"): c.column for c in family[HEADER_ROW] if c.value}
    family.cell(FIRST_ROW, head["工作单位"], "区人民医院")
    family.cell(FIRST_ROW + 1, head["干部姓名"], "张三")
    family.cell(FIRST_ROW + 1, head["称谓"], "儿子")
    family.cell(FIRST_ROW + 1, head["姓名"], "张小明")
    if bad:
        family.cell(FIRST_ROW + 1, head["经商办企业"], "不清楚")
    out = tmp_path / "returned.xlsx"
    book.save(out)
    return out


def texts(item: QTreeWidgetItem) -> list[str]:
    return [item.text(c) for c in range(item.columnCount())]


def test_the_preview_lists_old_and_new_per_cadre_then_imports(
    ctx: AppContext, group: dict[str, int], qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    returned = _returned(ctx, group, tmp_path)
    dialog = CollectImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.import_button.isEnabled()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(returned), ""))
    QTest.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)

    tree = dialog.tree
    assert tree.topLevelItemCount() == 1
    top = tree.topLevelItem(0)
    assert top is not None and top.text(0) == "张三（新增1项，更新1项）"
    changed, added = top.child(0), top.child(1)
    assert changed.text(0) == f"更新家庭成员“配偶 李丽”（家庭成员 第{FIRST_ROW}行）"
    assert texts(changed.child(0)) == ["", "工作单位", "区一中", "区人民医院"]
    assert added.text(0) == f"新增家庭成员“儿子 张小明”（家庭成员 第{FIRST_ROW + 1}行）"
    assert [texts(added.child(i)) for i in range(added.childCount())] == [
        ["", "称谓", "（空）", "儿子"],
        ["", "姓名", "（空）", "张小明"],
    ]
    assert dialog.summary_label.text().startswith("涉及1名干部：家庭成员新增1、更新1")
    assert not dialog.errors.isVisible()
    with ctx.db.read() as uow:  # nothing written yet
        spouse = uow.session.get(m.FamilyMember, group["spouse"])
        assert spouse is not None and spouse.workplace == "区一中"

    seen = answer_modals(click_accept)
    QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert dialog.import_result is not None
    assert (dialog.import_result.imported, dialog.import_result.updated) == (1, 1)
    with ctx.db.read() as uow:
        spouse = uow.session.get(m.FamilyMember, group["spouse"])
        assert spouse is not None and spouse.workplace == "区人民医院"

    again = CollectImportDialog(ctx, path=returned)
    qtbot.addWidget(again)
    assert again.tree.topLevelItemCount() == 0
    assert again.summary_label.text() == "与系统中的信息相同，没有需要导入的内容。"
    assert not again.import_button.isEnabled()


def test_errors_are_listed_and_nothing_can_be_imported(
    ctx: AppContext, group: dict[str, int], qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = CollectImportDialog(ctx, path=_returned(ctx, group, tmp_path, bad=True))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.errors.isVisible() and dialog.errors.count() == 1
    item = dialog.errors.item(0)
    assert item is not None
    assert item.text().startswith(f"工作表“家庭成员”第{FIRST_ROW + 1}行 经商办企业：")
    assert not dialog.import_button.isEnabled()
    assert dialog.summary_label.text().startswith("有1行存在错误")


def test_the_file_menu_offers_both_and_a_read_only_file_no_import(window: object, ctx: AppContext) -> None:
    from wsjc_desktop.ui.main_window import MainWindow
    from wsjc_desktop.ui.record_tab import READ_ONLY_TIP

    assert isinstance(window, MainWindow)
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    labels = [a.text() for a in file_menu.actions()]
    assert "生成信息采集表…" in labels and "导入信息采集表…" in labels
    assert window.act_collect_import.isEnabled()
    ctx.db.readonly = True
    try:
        window._update_actions()
        assert not window.act_collect_import.isEnabled()
        assert window.act_collect_import.toolTip() == READ_ONLY_TIP
        assert window.act_collect_make.isEnabled()  # making the workbook only reads
    finally:
        ctx.db.readonly = False
