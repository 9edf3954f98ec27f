"""File dialogs reopen in the folder last used for the same purpose: 导出, 另存为, 导入, 备份.

The platform's dialogs cannot be driven, so :func:`filedialogs.ask` (the one place that opens
them) is replaced: it notes where each dialog starts and answers with a path chosen here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPageSize, QPainter, QPdfWriter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tests.support.builders import cadre, unit
from tests.support.shared import ROSTER_SAMPLE
from tests.ui.modal import answer_modals, click_accept
from wsjc_desktop.paths import data_dir
from wsjc_desktop.services import backup, settings
from wsjc_desktop.ui import filedialogs
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.backup_dialog import BackupDialog
from wsjc_desktop.ui.dialogs.roster_import import RosterImportDialog
from wsjc_desktop.ui.filedialogs import Kind, Purpose
from wsjc_desktop.ui.main_window import MainWindow
from wsjc_desktop.ui.print_preview import PrintPreviewDialog
from wsjc_desktop.ui.record_tab import RecordTab


@dataclass
class Asked:
    kind: Kind
    title: str
    start: Path


@dataclass
class FakeDialogs:
    """Stands in for the platform's dialogs: each call takes the next answer ("" cancels)."""

    answers: list[str] = field(default_factory=list)
    asked: list[Asked] = field(default_factory=list)

    def __call__(
        self, kind: Kind, parent: QWidget | None, title: str, start: str, file_filter: str
    ) -> list[str]:
        self.asked.append(Asked(kind, title, Path(start)))
        assert self.answers, f"no answer left for the dialog “{title}”"
        answer = self.answers.pop(0)
        return [answer] if answer else []

    def answer(self, *paths: Path | str) -> FakeDialogs:
        self.answers.extend(str(p) for p in paths)
        return self


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> FakeDialogs:
    fake = FakeDialogs()
    monkeypatch.setattr(filedialogs, "ask", fake)
    return fake


def folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def close_export_done(widget: QWidget) -> None:
    assert isinstance(widget, QMessageBox) and widget.objectName() == "export_done"
    next(b for b in widget.buttons() if b.text() == "关闭").click()


def export_talks(window: MainWindow, qtbot: QtBot) -> None:
    """导出 on the 谈话记录 tab, closing the 导出完成 message."""
    page = window.show_tab("谈话记录")
    assert isinstance(page, RecordTab)
    qtbot.waitUntil(lambda: page.is_loaded)
    seen = answer_modals(close_export_done)
    window.export_view()
    qtbot.waitUntil(lambda: bool(seen))


def make_pdf(path: Path) -> Path:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    painter = QPainter(writer)
    painter.drawText(200, 200, "谈话记录")
    painter.end()
    return path


@pytest.fixture
def preview(ctx: AppContext, qtbot: QtBot, tmp_path: Path) -> Iterator[PrintPreviewDialog]:
    dialog = PrintPreviewDialog(make_pdf(tmp_path / "source.pdf"), title="谈话记录 张三", ctx=ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog
    if shiboken6.isValid(dialog):
        dialog.document.close()
        dialog.close()


# --- 导出 and 另存为 through the window ------------------------------------------------------------


def test_a_second_export_starts_where_the_first_was_saved(
    window: MainWindow, ctx: AppContext, qtbot: QtBot, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    cadre(ctx.db, unit(ctx.db), "张三")
    ledgers = folder(tmp_path / "台账")
    dialogs.answer(ledgers / "第一次.xlsx", ledgers / "第二次")

    export_talks(window, qtbot)
    first = dialogs.asked[0]
    assert first.kind is Kind.SAVE and first.title == "导出 Excel 台账"
    assert first.start.parent == filedialogs.documents_folder()  # nothing remembered yet
    assert first.start.suffix == ".xlsx" and "谈话" in first.start.name
    assert (ledgers / "第一次.xlsx").is_file()

    export_talks(window, qtbot)
    assert dialogs.asked[1].start == ledgers / first.start.name
    assert (ledgers / "第二次.xlsx").is_file()  # the suffix typed or not


def test_save_as_keeps_a_folder_of_its_own(
    window: MainWindow,
    ctx: AppContext,
    qtbot: QtBot,
    dialogs: FakeDialogs,
    tmp_path: Path,
    preview: PrintPreviewDialog,
) -> None:
    configured = folder(tmp_path / "导出文件夹")
    settings.set_many(ctx.db, {"folders.export": str(configured)})
    ledgers, slips = folder(tmp_path / "台账"), folder(tmp_path / "打印件")
    dialogs.answer(ledgers / "谈话.xlsx")
    export_talks(window, qtbot)
    assert dialogs.asked[0].start.parent == configured  # the setting, while nothing is remembered

    dialogs.answer(slips / "谈话记录", slips / "又一份.pdf")
    QTest.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    assert dialogs.asked[1].title == "另存为"
    assert dialogs.asked[1].start == configured / "谈话记录 张三.pdf"  # not where 导出 went
    assert (slips / "谈话记录.pdf").is_file()
    QTest.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    assert dialogs.asked[2].start.parent == slips
    assert (slips / "又一份.pdf").is_file()

    dialogs.answer(ledgers / "再导出.xlsx")
    export_talks(window, qtbot)
    assert dialogs.asked[3].start.parent == ledgers  # 另存为 did not move it


def test_a_cancelled_dialog_remembers_nothing(
    window: MainWindow, qtbot: QtBot, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    page = window.show_tab("谈话记录")
    assert isinstance(page, RecordTab)
    qtbot.waitUntil(lambda: page.is_loaded)
    elsewhere = folder(tmp_path / "别处")
    filedialogs.remember(Purpose.EXPORT, elsewhere)
    dialogs.answer("")
    window.export_view()
    assert dialogs.asked[0].start.parent == elsewhere
    assert filedialogs.remembered_folder(Purpose.EXPORT) == elsewhere


# --- 导入 and 备份 -------------------------------------------------------------------------------


def test_the_roster_template_is_offered_where_rosters_are_imported_from(
    ctx: AppContext, qtbot: QtBot, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    dialog = RosterImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialogs.answer(ROSTER_SAMPLE)
    QTest.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert dialogs.asked[0].kind is Kind.OPEN and dialogs.asked[0].start == filedialogs.documents_folder()
    assert dialog.model.rowCount() > 0

    dialogs.answer(tmp_path / "模板")
    seen = answer_modals(click_accept)  # 已保存
    QTest.mouseClick(dialog.template_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert dialogs.asked[1].start == ROSTER_SAMPLE.parent / "花名册模板.xlsx"
    assert (tmp_path / "模板.xlsx").is_file()

    dialogs.answer("")  # the next roster is looked for beside the template
    QTest.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert dialogs.asked[2].start == tmp_path
    dialog.close()


def test_restore_from_file_looks_where_the_last_backup_went(
    ctx: AppContext, qtbot: QtBot, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    cadre(ctx.db, unit(ctx.db), "张三")
    backup.create_backup(ctx.db, reason="start")  # the backup folder is there
    dialog = BackupDialog(ctx, restore_hook=lambda _path: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    usb = folder(tmp_path / "U盘")
    dialogs.answer(usb)
    QTest.mouseClick(dialog.backup_to_button, Qt.MouseButton.LeftButton)
    assert dialogs.asked[0].kind is Kind.FOLDER
    assert dialogs.asked[0].start == dialog.folder  # nothing remembered: the backup folder
    assert len(list(usb.iterdir())) == 1

    dialogs.answer("", "")
    dialog.restore_from_file()
    QTest.mouseClick(dialog.backup_to_button, Qt.MouseButton.LeftButton)
    assert [a.start for a in dialogs.asked[1:]] == [usb, usb]
    dialog.close()


# --- where a dialog starts ---------------------------------------------------------------------


def test_a_folder_that_is_gone_falls_back_to_its_parent_then_the_default(tmp_path: Path) -> None:
    stick = folder(tmp_path / "U盘" / "备份")
    filedialogs.remember(Purpose.BACKUP, stick)
    assert filedialogs.start_folder(Purpose.BACKUP) == stick
    stick.rmdir()
    assert filedialogs.start_folder(Purpose.BACKUP) == tmp_path / "U盘"

    missing = Path(tmp_path.anchor) / "没有这个盘" / "备份"
    filedialogs.remember(Purpose.BACKUP, missing)
    default = folder(tmp_path / "默认")
    assert filedialogs.start_folder(Purpose.BACKUP, default) == default
    assert filedialogs.start_folder(Purpose.BACKUP, tmp_path / "也没有") == filedialogs.documents_folder()
    assert filedialogs.start_folder(Purpose.IMPORT) == filedialogs.documents_folder()  # its own key

    filedialogs.forget(Purpose.BACKUP)
    assert filedialogs.remembered_folder(Purpose.BACKUP) is None


def test_the_folders_are_kept_per_pc_in_the_data_folder(tmp_path: Path) -> None:
    chosen = folder(tmp_path / "台账")
    filedialogs.remember(Purpose.EXPORT, chosen)
    stored = QSettings(str(data_dir() / "ui.ini"), QSettings.Format.IniFormat)
    assert stored.value("file_dialogs/export") == str(chosen)
