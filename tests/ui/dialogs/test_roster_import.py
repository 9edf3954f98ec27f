"""导入花名册 dialog: preview table, summary, importing, the template and a failed import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from tests.support.shared import ROSTER_SAMPLE
from tests.ui.modal import answer_modals, click_accept, message_text
from wsjc_desktop.domain import models as m
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import roster_import
from wsjc_desktop.storage.database import Database
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.roster_import import ERROR_BACKGROUND, RosterImportDialog

FIXTURE = ROSTER_SAMPLE


def cadre_count(db: Database) -> int:
    with db.read() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(m.Cadre)) or 0)


@pytest.fixture
def dialog(ctx: AppContext, qtbot: QtBot) -> RosterImportDialog:
    dlg = RosterImportDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def test_choose_file_shows_the_preview_and_imports(
    dialog: RosterImportDialog,
    ctx: AppContext,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    qtmodeltester: Any,
) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(FIXTURE), ""))
    assert not dialog.import_button.isEnabled()
    QTest.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    model = dialog.model
    qtmodeltester.check(model)
    assert model.rowCount() == 60
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "行号",
        "姓名",
        "单位",
        "操作",
        "问题",
    ]
    assert dialog.summary_label.text() == "共 60 行：新增 58，更新 0，无变化 0，有错误 2（将跳过）"
    assert "将新建单位：区住建局、区审计局、区财政局" in dialog.notes_label.text()
    bad = next(r for r in range(60) if model.index(r, 0).data() == "14")
    assert model.index(bad, 3).data() == "跳过"
    assert "入党时间：入党时间不能晚于今天" in model.index(bad, 4).data()
    assert model.index(bad, 1).data(Qt.ItemDataRole.BackgroundRole) == ERROR_BACKGROUND
    assert model.index(0, 3).data() == "新增"
    assert model.index(0, 1).data() == "廖红怡" and model.index(0, 2).data() == "区住建局"

    seen = answer_modals(click_accept)
    QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert dialog.import_result is not None and dialog.import_result.imported == 58
    assert cadre_count(ctx.db) == 58


def test_path_passed_in_and_a_failed_import_writes_nothing(
    ctx: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    dlg = RosterImportDialog(ctx, path=FIXTURE)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.model.rowCount() == 60
    real = roster_import.new_cadre

    def failing(values: Any, unit_id: int) -> m.Cadre:
        if values.get("name") == "姚轩":
            raise UserError("模拟的失败")
        return real(values, unit_id)

    monkeypatch.setattr(roster_import, "new_cadre", failing)
    texts: list[str] = []

    def read_and_close(widget: QWidget) -> None:
        texts.append(message_text(widget))
        click_accept(widget)

    seen = answer_modals(read_and_close)
    QTest.mouseClick(dlg.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert texts == ["导入失败，未写入任何数据。第5行：模拟的失败"]
    assert cadre_count(ctx.db) == 0
    assert dlg.isVisible()  # the user can fix the file and try again


def test_unreadable_file_shows_a_message(
    dialog: RosterImportDialog, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "x.xlsx"
    book = Workbook()
    book.save(other)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    texts: list[str] = []

    def read_and_close(widget: QWidget) -> None:
        texts.append(message_text(widget))
        click_accept(widget)

    seen = answer_modals(read_and_close)
    QTest.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert "未在文件中找到花名册表头" in texts[0]
    assert dialog.model.rowCount() == 0 and not dialog.import_button.isEnabled()


def test_save_blank_template(
    dialog: RosterImportDialog, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "模板"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    seen = answer_modals(click_accept)
    QTest.mouseClick(dialog.template_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    saved = target.with_suffix(".xlsx")
    sheet = load_workbook(saved).active
    assert sheet is not None and sheet["B2"].value == "姓名"


def test_cancel_closes_without_writing(dialog: RosterImportDialog, ctx: AppContext, qtbot: QtBot) -> None:
    dialog.load(FIXTURE)
    QTest.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert cadre_count(ctx.db) == 0


def test_big_import_shows_progress_and_reimport_has_nothing_to_do(
    ctx: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QProgressDialog

    from wsjc_desktop.ui.dialogs import roster_import as dialog_module

    monkeypatch.setattr(dialog_module, "PROGRESS_THRESHOLD", 10)
    values: list[int] = []
    real_set = QProgressDialog.setValue

    def record(self: QProgressDialog, value: int) -> None:
        values.append(value)
        real_set(self, value)

    monkeypatch.setattr(QProgressDialog, "setValue", record)
    dlg = RosterImportDialog(ctx, path=FIXTURE)
    qtbot.addWidget(dlg)
    dlg.show()
    seen = answer_modals(click_accept)
    QTest.mouseClick(dlg.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert values and values[-1] == 60
    again = RosterImportDialog(ctx, path=FIXTURE)
    qtbot.addWidget(again)
    assert again.summary_label.text() == "共 60 行：新增 0，更新 0，无变化 58，有错误 2（将跳过）"
    assert not again.import_button.isEnabled()
