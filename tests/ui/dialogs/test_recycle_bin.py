"""回收站: lists what was deleted (by whom, when), restores it, removes it for good after asking
twice, and says why when it cannot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import select as sql_select

from tests.support.builders import cadre, member, unit
from tests.ui.modal import answer_modals
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.errors import NotFoundError
from wsjc_desktop.services import records
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.recycle_bin import RecycleBinDialog
from wsjc_desktop.ui.main_window import MainWindow


@pytest.fixture
def make_dialog(open_dialog: Callable[[type[QWidget]], QWidget]) -> Callable[[], RecycleBinDialog]:
    """Open the dialog (shown, not modal); the shared fixture closes what a test leaves open."""
    return lambda: open_dialog(RecycleBinDialog)  # type: ignore[return-value]


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Message boxes the dialog shows, captured instead of blocking."""
    shown: list[tuple[str, str]] = []

    def warning(parent: QWidget | None, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        shown.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    return shown


def column(dialog: RecycleBinDialog, index: int) -> list[str]:
    cells = [dialog.table.item(row, index) for row in range(dialog.table.rowCount())]
    return [cell.text() if cell is not None else "" for cell in cells]


def rows(dialog: RecycleBinDialog) -> list[tuple[str, str]]:
    table = dialog.table
    out = []
    for row in range(table.rowCount()):
        kind, title = table.item(row, 0), table.item(row, 1)
        assert kind is not None and title is not None
        out.append((kind.text(), title.text()))
    return out


def select(dialog: RecycleBinDialog, title: str) -> None:
    """Click the row whose 名称 is ``title``."""
    for row in range(dialog.table.rowCount()):
        item = dialog.table.item(row, 1)
        if item is not None and item.text() == title:
            rect = dialog.table.visualItemRect(item)
            QTest.mouseClick(
                dialog.table.viewport(),
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
                rect.center(),
            )
            assert dialog.selected_item() is not None
            assert dialog.selected_item().title == title  # type: ignore[union-attr]
            return
    raise AssertionError(f"{title} not listed")


@pytest.fixture
def deleted(ctx: AppContext) -> tuple[int, int]:
    """A unit and its cadre, both in the recycle bin (the cadre first, as the unit must be empty)."""
    unit_id = unit(ctx.db, "区财政局")
    cadre_id = cadre(ctx.db, unit_id, "张三")
    records.delete(ctx.db, "cadres", cadre_id)
    records.delete(ctx.db, "units", unit_id)
    return unit_id, cadre_id


def test_lists_deleted_records_newest_first(
    deleted: tuple[int, int], make_dialog: Callable[[], RecycleBinDialog]
) -> None:
    dialog = make_dialog()
    headers = [dialog.table.horizontalHeaderItem(i).text() for i in range(4)]  # type: ignore[union-attr]
    assert headers == ["类型", "名称", "删除时间", "删除人"]
    assert rows(dialog) == [("监督单位", "区财政局"), ("监察对象", "张三")]
    assert all(len(t) == len("2026-06-15 09:30") for t in column(dialog, 2))
    assert column(dialog, 3) == ["（未登录）", "（未登录）"]  # deleted with nobody logged in
    assert dialog.count_label.text() == "共 2 条"
    assert not dialog.restore_button.isEnabled()  # nothing selected yet
    assert not dialog.purge_button.isEnabled()


def test_shows_who_deleted_each_record(ctx: AppContext, make_dialog: Callable[[], RecycleBinDialog]) -> None:
    li, wang = member(ctx.db, "李红"), member(ctx.db, "王建国")
    unit_id = unit(ctx.db, "区财政局")
    first, second = cadre(ctx.db, unit_id, "张三"), cadre(ctx.db, unit_id, "李四")
    ctx.db.member_id = li
    records.delete(ctx.db, "cadres", first)
    ctx.db.member_id = wang
    records.delete(ctx.db, "cadres", second)
    dialog = make_dialog()
    assert column(dialog, 1) == ["李四", "张三"]
    assert column(dialog, 3) == ["王建国", "李红"]


def test_restore_order_parent_first(
    ctx: AppContext,
    deleted: tuple[int, int],
    make_dialog: Callable[[], RecycleBinDialog],
    warnings: list[tuple[str, str]],
) -> None:
    unit_id, cadre_id = deleted
    dialog = make_dialog()

    select(dialog, "张三")
    QTest.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert len(warnings) == 1
    title, text = warnings[0]
    assert title == "无法恢复"
    assert "区财政局" in text and "回收站" in text and "请先恢复" in text
    assert len(rows(dialog)) == 2
    assert records.list_records(ctx.db, "cadres") == []

    select(dialog, "区财政局")
    QTest.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert rows(dialog) == [("监察对象", "张三")]
    assert dialog.status.text() == "已恢复监督单位“区财政局”。"

    select(dialog, "张三")
    QTest.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert rows(dialog) == []
    assert dialog.count_label.text() == "回收站是空的"
    assert len(warnings) == 1
    assert [r["id"] for r in records.list_records(ctx.db, "units")] == [unit_id]
    assert [r["id"] for r in records.list_records(ctx.db, "cadres")] == [cadre_id]


def test_filter_by_type_and_follow_changes(
    ctx: AppContext, deleted: tuple[int, int], make_dialog: Callable[[], RecycleBinDialog]
) -> None:
    dialog = make_dialog()
    labels = [dialog.type_filter.itemText(i) for i in range(dialog.type_filter.count())]
    assert labels == ["全部类型（2）", "监督单位（1）", "监察对象（1）"]
    dialog.type_filter.setCurrentIndex(labels.index("监察对象（1）"))
    assert rows(dialog) == [("监察对象", "张三")]
    assert dialog.count_label.text() == "显示 1 条，共 2 条"

    # a delete elsewhere shows up at once, and the chosen type stays chosen
    other_unit = unit(ctx.db, "区审计局")
    other = cadre(ctx.db, other_unit, "李四")
    records.delete(ctx.db, "cadres", other)
    assert rows(dialog) == [("监察对象", "李四"), ("监察对象", "张三")]
    assert dialog.type_filter.currentData() == "cadres"
    # and a restore elsewhere takes it away
    records.restore(ctx.db, "cadres", other)
    assert rows(dialog) == [("监察对象", "张三")]


def test_children_deleted_with_their_parent_come_back_with_it(
    ctx: AppContext, make_dialog: Callable[[], RecycleBinDialog]
) -> None:
    cadre_id = cadre(ctx.db, unit(ctx.db), "王五")
    records.create(ctx.db, "family_members", {"cadre_id": cadre_id, "relation": "配偶", "name": "赵六"})
    records.delete(ctx.db, "cadres", cadre_id)
    dialog = make_dialog()
    assert rows(dialog) == [("监察对象", "王五")]  # the relative is not listed on its own
    select(dialog, "王五")
    QTest.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert rows(dialog) == []
    assert [r["name"] for r in records.list_records(ctx.db, "family_members")] == ["赵六"]


def test_opened_from_the_window(
    window: MainWindow, deleted: tuple[int, int], caplog: pytest.LogCaptureFixture
) -> None:
    found: list[list[tuple[str, str]]] = []

    def look_and_close(widget: QWidget) -> None:
        assert isinstance(widget, RecycleBinDialog)
        found.append(rows(widget))
        widget.reject()

    seen = answer_modals(look_and_close)
    window.act_bin.trigger()
    assert found == [[("监督单位", "区财政局"), ("监察对象", "张三")]]
    # closed, it goes away (and stops listening for changes)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(seen[0])
    records.restore(window.ctx.db, "units", deleted[0])
    assert "change listener failed" not in caplog.text


# --- 彻底删除 --------------------------------------------------------------------------------


def answer(button_text: str, seen: list[tuple[str, str, str]]) -> Callable[[QWidget], None]:
    """A modal handler: note the message box's name, text and details, then press ``button_text``."""

    def handler(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        seen.append((widget.objectName(), widget.text(), widget.informativeText()))
        next(b for b in widget.buttons() if b.text() == button_text).click()

    return handler


def purge_entries(ctx: AppContext, table: str, record_id: int) -> list[m.AuditEntry]:
    """The audit log's entries for removing this record for good (a delete with no values after)."""
    with ctx.db.read() as uow:
        found = uow.session.scalars(
            sql_select(m.AuditEntry).where(
                m.AuditEntry.action == AuditAction.DELETE,
                m.AuditEntry.table_name == table,
                m.AuditEntry.record_id == record_id,
                m.AuditEntry.after.is_(None),
            )
        )
        return list(found)


def test_purge_asks_twice_and_either_cancel_keeps_the_record(
    ctx: AppContext, make_dialog: Callable[[], RecycleBinDialog], warnings: list[tuple[str, str]]
) -> None:
    unit_id = unit(ctx.db, "区财政局")
    cadre_id = cadre(ctx.db, unit_id, "张三")
    spouse = records.create(
        ctx.db, "family_members", {"cadre_id": cadre_id, "relation": "配偶", "name": "李丽"}
    )
    records.delete(ctx.db, "cadres", cadre_id)  # the spouse goes to the bin with the cadre
    records.delete(ctx.db, "units", unit_id)
    dialog = make_dialog()
    asked: list[tuple[str, str, str]] = []

    # cancelled at the first question
    select(dialog, "张三")
    answer_modals(answer("取消", asked))
    QTest.mouseClick(dialog.purge_button, Qt.MouseButton.LeftButton)
    assert [name for name, _t, _d in asked] == ["purge_confirm"]
    assert asked[0][1] == "彻底删除监察对象“张三”？"
    assert "家庭成员及主要社会关系 1 条也将一并彻底删除" in asked[0][2] and "无法从回收站恢复" in asked[0][2]
    assert rows(dialog) == [("监督单位", "区财政局"), ("监察对象", "张三")]

    # cancelled at the second, which says it cannot be undone
    asked.clear()
    answer_modals(answer("继续", asked), answer("取消", asked))
    QTest.mouseClick(dialog.purge_button, Qt.MouseButton.LeftButton)
    assert [name for name, _t, _d in asked] == ["purge_confirm", "purge_final"]
    assert asked[1][1] == "确定要彻底删除监察对象“张三”吗？" and "无法恢复" in asked[1][2]
    assert rows(dialog) == [("监督单位", "区财政局"), ("监察对象", "张三")]
    assert records.get(ctx.db, "cadres", cadre_id, include_deleted=True)["name"] == "张三"
    assert purge_entries(ctx, "cadres", cadre_id) == []

    # both answered: gone from the list and from the file, and in the audit log
    asked.clear()
    answer_modals(answer("继续", asked), answer("彻底删除", asked))
    QTest.mouseClick(dialog.purge_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2
    assert rows(dialog) == [("监督单位", "区财政局")]
    assert dialog.status.text() == "已彻底删除监察对象“张三”。"
    with pytest.raises(NotFoundError):
        records.get(ctx.db, "cadres", cadre_id, include_deleted=True)
    [entry] = purge_entries(ctx, "cadres", cadre_id)
    assert entry.before is not None and "张三" in entry.before
    assert len(purge_entries(ctx, "family_members", spouse)) == 1
    assert warnings == []

    # the unit, now that nothing names it, can go too; restoring still works meanwhile
    select(dialog, "区财政局")
    QTest.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert rows(dialog) == [] and [r["id"] for r in records.list_records(ctx.db, "units")] == [unit_id]


def test_purge_that_others_block_says_why_and_asks_nothing(
    ctx: AppContext,
    deleted: tuple[int, int],
    make_dialog: Callable[[], RecycleBinDialog],
    warnings: list[tuple[str, str]],
) -> None:
    unit_id, _cadre_id = deleted
    dialog = make_dialog()
    select(dialog, "区财政局")
    assert dialog.purge_button.isEnabled()
    QTest.mouseClick(dialog.purge_button, Qt.MouseButton.LeftButton)  # no question comes up first
    assert warnings == [
        (
            "无法彻底删除",
            "监督单位“区财政局”还被其他记录引用：监察对象 1 条（在回收站中）。"
            "请先修改这些记录（或把它们也彻底删除），再彻底删除它。",
        )
    ]
    assert rows(dialog) == [("监督单位", "区财政局"), ("监察对象", "张三")]
    assert records.get(ctx.db, "units", unit_id, include_deleted=True)["full_name"] == "区财政局"


def test_members_cannot_be_purged(ctx: AppContext, make_dialog: Callable[[], RecycleBinDialog]) -> None:
    records.delete(ctx.db, "members", member(ctx.db, "王建国"))
    dialog = make_dialog()
    select(dialog, "王建国")
    assert dialog.restore_button.isEnabled()
    assert not dialog.purge_button.isEnabled()
    assert "不能彻底删除" in dialog.purge_button.toolTip()
