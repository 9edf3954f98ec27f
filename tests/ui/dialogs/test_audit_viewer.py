"""审计日志 viewer: filters, lazy paging, before/after side by side, read-only, export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.support.builders import cadre, unit
from tests.ui.modal import type_text
from wsjc_desktop.domain import models as m
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.services import auth, records
from wsjc_desktop.services.auth import NewMember
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.audit_viewer import PAGE_SIZE, AuditViewer


@pytest.fixture
def world(ctx: AppContext) -> dict[str, int]:
    first, second = auth.setup_group(
        ctx.db,
        "驻区财政局纪检监察组",
        [NewMember("王建国", "组长", "jianguo-1"), NewMember("李秀英", "组员", "xiuying-1")],
    )
    auth.login(ctx.db, first, "jianguo-1")
    unit_id = unit(ctx.db, "区财政局")
    records.update(ctx.db, "units", unit_id, {"short_name": "财政", "head_name": "张局长"})
    auth.login(ctx.db, second, "xiuying-1")
    cadre(ctx.db, unit_id, "赵小兰", position="科长")
    return {"first": first, "second": second, "unit": unit_id}


@pytest.fixture
def viewer(open_dialog: Callable[[type[QWidget]], QWidget], world: dict[str, int]) -> AuditViewer:
    dialog = open_dialog(AuditViewer)
    assert isinstance(dialog, AuditViewer)
    return dialog


def column(viewer: AuditViewer, col: int) -> list[str]:
    model = viewer.model
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def cell(table: QTableWidget, row: int, col: int) -> QTableWidgetItem:
    item = table.item(row, col)
    assert item is not None
    return item


def choose(combo_owner: AuditViewer, name: str, data: object) -> None:
    combo = getattr(combo_owner, name)
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def test_lists_the_log_newest_first(
    viewer: AuditViewer, world: dict[str, int], qtmodeltester: object
) -> None:
    qtmodeltester.check(viewer.model)  # type: ignore[attr-defined]
    total = viewer.model.total
    assert viewer.count_label.text() == f"共 {total} 条"
    assert [viewer.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "时间",
        "人员",
        "操作",
        "对象",
        "摘要",
    ]
    assert column(viewer, 1)[0] == "李秀英" and column(viewer, 2)[0] == "新建"
    assert column(viewer, 3)[0].startswith("监察对象 #") and column(viewer, 3)[0].endswith("赵小兰")
    assert "修改：简称、主要负责人" in column(viewer, 4)
    assert column(viewer, 1)[-1] == "（未登录）"  # the set-up, before anyone logged in


def test_filters(viewer: AuditViewer, world: dict[str, int], qtbot: QtBot) -> None:
    everything = viewer.model.total
    choose(viewer, "member_filter", world["first"])
    assert set(column(viewer, 1)) == {"王建国"}
    choose(viewer, "action_filter", AuditAction.UPDATE.value)
    assert column(viewer, 4) == ["修改：简称、主要负责人"]
    choose(viewer, "member_filter", None)
    choose(viewer, "action_filter", AuditAction.LOGIN.value)
    assert column(viewer, 4) == ["登录", "登录"]
    choose(viewer, "action_filter", None)
    choose(viewer, "table_filter", "cadres")
    assert [c.split()[0] for c in column(viewer, 3)] == ["监察对象"]
    choose(viewer, "table_filter", None)

    viewer.text_filter.setFocus()
    type_text(viewer.text_filter, "张局长")
    qtbot.waitUntil(lambda: viewer.model.total == 1)
    assert viewer.count_label.text() == "共 1 条"

    viewer.clear_filters()
    assert viewer.model.total == everything and viewer.text_filter.text() == ""

    # dates: the whole log is from today; yesterday as the end leaves nothing
    today = date.today()
    viewer.end_filter.setDate(QDate(today.year, today.month, today.day).addDays(-1))
    assert viewer.model.total == 0
    viewer.end_filter.setDate(QDate(today.year, today.month, today.day))
    viewer.start_filter.setDate(QDate(today.year, today.month, today.day))
    assert viewer.model.total == everything
    assert viewer.filters()["start"] == today


def test_detail_shows_before_and_after_side_by_side(viewer: AuditViewer, world: dict[str, int]) -> None:
    choose(viewer, "action_filter", AuditAction.UPDATE.value)
    choose(viewer, "table_filter", "units")
    viewer.table.selectRow(0)
    detail = viewer.detail
    assert [detail.model().headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "字段",
        "修改前",
        "修改后",
    ]
    rows = [[cell(detail, r, c).text() for c in range(3)] for r in range(detail.rowCount())]
    assert rows[:2] == [["简称", "", "财政"], ["主要负责人", "", "张局长"]]
    assert cell(detail, 0, 0).background().color().name() == "#fff3cd"  # changed: highlighted
    assert "王建国" in viewer.detail_title.text() and "区财政局" in viewer.detail_title.text()

    # a new record: its values, in the field order of its type, with labels
    choose(viewer, "action_filter", AuditAction.CREATE.value)
    viewer.table.selectRow(0)
    labels = [cell(detail, r, 0).text() for r in range(detail.rowCount())]
    assert labels[:3] == ["单位全称", "简称", "单位类型"]
    assert "创建人" in labels
    values = {cell(detail, r, 0).text(): cell(detail, r, 2).text() for r in range(detail.rowCount())}
    assert values["单位全称"] == "区财政局" and values["单位类型"] == "机关"
    assert values["创建人"] == "王建国"


def test_it_is_read_only(viewer: AuditViewer) -> None:
    assert viewer.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert viewer.detail.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    index = viewer.model.index(0, 4)
    assert not viewer.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not viewer.model.setData(index, "改过")
    buttons = {b.text() for b in viewer.findChildren(QPushButton)}
    assert not {t for t in buttons if any(word in t for word in ("删除", "编辑", "修改", "清空"))}


def test_a_long_log_loads_page_by_page(
    ctx: AppContext, world: dict[str, int], open_dialog: Callable[[type[QWidget]], QWidget], qtbot: QtBot
) -> None:
    with ctx.db.uow() as uow:
        uow.session.add_all(
            m.AuditEntry(at=datetime(2026, 1, 1, 8, 0), action=AuditAction.PRINT, summary=f"打印第{i}份")
            for i in range(2 * PAGE_SIZE + 50)
        )
        uow.commit()
    viewer = open_dialog(AuditViewer)
    assert isinstance(viewer, AuditViewer)
    model = viewer.model
    assert model.rowCount() == PAGE_SIZE and model.total > 2 * PAGE_SIZE + 50
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * PAGE_SIZE
    viewer.table.scrollToBottom()  # scrolling to the end fetches the next page
    qtbot.waitUntil(lambda: model.rowCount() > 2 * PAGE_SIZE)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == model.total
    assert [model.rows[i].id for i in range(3)] == sorted((r.id for r in model.rows), reverse=True)[:3]


def test_new_entries_appear_and_export(
    viewer: AuditViewer,
    ctx: AppContext,
    world: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = viewer.model.total
    records.update(ctx.db, "units", world["unit"], {"note": "新备注"})
    assert viewer.model.total == before + 1
    assert viewer.model.rows[0].changed == ("note",)

    out = tmp_path / "日志.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    choose(viewer, "table_filter", "units")
    viewer.export_button.click()
    assert out.exists()
    assert viewer.status.text() == "已导出 3 条：日志.xlsx"
    # the export itself is logged
    assert viewer.model.filters["table"] == "units"
    choose(viewer, "table_filter", "audit_entries")
    assert column(viewer, 4) == ["导出审计日志 3 条：日志.xlsx"]
