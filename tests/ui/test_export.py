"""导出 from the window: each register tab writes its ledger with the filters it shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.support.builders import cadre, member, unit
from tests.ui.conftest import TODAY
from tests.ui.modal import answer_modals, message_text
from wsjc_desktop.domain.enums import AuditAction
from wsjc_desktop.domain.models import AuditEntry
from wsjc_desktop.services import records, settings
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.main_window import MainWindow
from wsjc_desktop.ui.record_tab import RecordTab


@pytest.fixture
def filled(ctx: AppContext) -> dict[str, int]:
    finance = unit(ctx.db, "区财政局", short_name="财政局")
    schools = unit(ctx.db, '=HYPERLINK("x")')
    a = cadre(ctx.db, finance, "张三")
    b = cadre(ctx.db, schools, "李四")
    talker = member(ctx.db, "王五")
    for held_on, people in ((TODAY, [a]), (TODAY, [a, b]), (TODAY.replace(year=2025), [b])):
        records.create(
            ctx.db,
            "talks",
            {"kind": "integrity", "held_on": held_on, "cadre_ids": people, "talker_id": talker},
        )
    records.create(
        ctx.db, "meetings", {"held_on": TODAY, "unit_id": finance, "meeting_type": "party_committee"}
    )
    return {"finance": finance, "schools": schools}


def patch_save(monkeypatch: pytest.MonkeyPatch, target: Path) -> list[str]:
    offered: list[str] = []

    def save_name(parent: QWidget, caption: str, default: str, filters: str, *rest: Any) -> tuple[str, str]:
        offered.append(default)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    return offered


def close_done(texts: list[str]) -> Any:
    def handler(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        texts.append(widget.text())
        next(b for b in widget.buttons() if b.text() == "关闭").click()

    return handler


def test_talks_tab_exports_its_year_and_unit(
    window: MainWindow,
    ctx: AppContext,
    qtbot: QtBot,
    filled: dict[str, int],
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    settings.set_many(ctx.db, {"folders.export": str(tmp_path)})
    page = window.show_tab("谈话记录")
    assert isinstance(page, RecordTab)
    qtbot.waitUntil(lambda: page.is_loaded)
    page.filters.unit.setCurrentIndex(page.filters.unit.findData(filled["finance"]))
    assert window.act_export.isEnabled()

    offered = patch_save(monkeypatch, tmp_path / "out")  # no suffix: .xlsx is added
    texts: list[str] = []
    answer_modals(close_done(texts))
    window.act_export.trigger()
    qtbot.waitUntil(lambda: bool(texts))

    assert offered == [str(tmp_path / "谈话台账-财政局-2026.xlsx")]
    assert "已导出 2 条" in texts[0]
    ws = load_workbook(tmp_path / "out.xlsx").active
    assert ws is not None
    assert ws["A1"].value == "谈话台账（财政局，2026年）"
    assert ws.max_row == 4
    assert {ws["D3"].value, ws["D4"].value} == {"张三", "张三、李四"}


@pytest.mark.parametrize(("title", "rows"), [("监督单位", 2), ("列席会议", 1), ("廉情提醒", 0)])
def test_each_tab_exports(
    window: MainWindow,
    ctx: AppContext,
    qtbot: QtBot,
    filled: dict[str, int],
    tmp_path: Path,
    monkeypatch: Any,
    title: str,
    rows: int,
) -> None:
    page = window.show_tab(title)
    if isinstance(page, RecordTab):
        qtbot.waitUntil(lambda: page.is_loaded)
    assert window.act_export.isEnabled()
    target = tmp_path / "ledger.xlsx"
    patch_save(monkeypatch, target)
    texts: list[str] = []
    answer_modals(close_done(texts))
    window.act_export.trigger()
    qtbot.waitUntil(lambda: bool(texts))
    ws = load_workbook(target).active
    assert ws is not None
    assert ws.max_row == rows + 2
    if title == "监督单位":
        assert ws["B4"].value == '=HYPERLINK("x")' and ws["B4"].data_type == "s"


def test_the_roster_through_the_export_helper(
    window: MainWindow,
    ctx: AppContext,
    qtbot: QtBot,
    filled: dict[str, int],
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    """监察对象花名册 (the dossier tab keeps 导出 disabled until its own test expects it)."""
    from wsjc_desktop.ui.export import export_ledger

    target = tmp_path / "roster.xlsx"
    offered = patch_save(monkeypatch, target)
    texts: list[str] = []
    answer_modals(close_done(texts))
    assert export_ledger(window, ctx, "cadres") == target
    assert offered[0].endswith("监察对象花名册.xlsx")
    ws = load_workbook(target).active
    assert ws is not None
    assert ws["A1"].value == "监察对象花名册"
    assert ws.max_row == 4


def test_cancelled_dialog_writes_nothing(
    window: MainWindow,
    ctx: AppContext,
    qtbot: QtBot,
    filled: dict[str, int],
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    page = window.show_tab("谈话记录")
    assert isinstance(page, RecordTab)
    qtbot.waitUntil(lambda: page.is_loaded)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: ("", ""))
    page.export_view()
    assert not list(tmp_path.rglob("*.xlsx"))
    with ctx.db.read() as uow:
        exports = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.EXPORT))
        assert not list(exports)


def test_a_missing_folder_is_a_message(
    window: MainWindow, qtbot: QtBot, filled: dict[str, int], tmp_path: Path, monkeypatch: Any
) -> None:
    page = window.show_tab("谈话记录")
    assert isinstance(page, RecordTab)
    qtbot.waitUntil(lambda: page.is_loaded)
    patch_save(monkeypatch, tmp_path / "不存在" / "a.xlsx")
    texts: list[str] = []

    def read(widget: QWidget) -> None:
        texts.append(message_text(widget))
        widget.close()

    answer_modals(read)
    page.export_view()
    qtbot.waitUntil(lambda: bool(texts))
    assert "文件夹不存在" in texts[0]
