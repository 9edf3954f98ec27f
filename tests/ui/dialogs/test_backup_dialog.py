"""备份与恢复: the list, 立即备份, 备份到…, and 恢复… through a real close-restore-reopen hook."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.support.builders import cadre, member, unit
from tests.ui.modal import answer_modals, click_accept
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import backup, records, settings
from wsjc_desktop.storage.database import Database, open_database
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.dialogs.backup_dialog import COLUMNS, BackupDialog, RestoreHook

EARLIER = datetime(2026, 1, 5, 18, 0)  # before any backup the tests make "now"


@pytest.fixture
def filled(ctx: AppContext) -> AppContext:
    finance = unit(ctx.db, "区财政局")
    for name in ("张三", "李四"):
        cadre(ctx.db, finance, name)
    member(ctx.db, "李明")
    return ctx


@pytest.fixture
def reopen(ctx: AppContext, db_path: Path) -> Iterator[RestoreHook]:
    """What the main window does: close the database, restore over it, open it again."""
    opened: list[Database] = []

    def hook(path: Path) -> Path | None:
        ctx.db.dispose()
        try:
            safety = backup.restore(path, db_path)
        finally:
            ctx.db = open_database(db_path)
            opened.append(ctx.db)
        return safety

    yield hook
    for db in opened:
        db.dispose()


def show(dialog: BackupDialog, qtbot: QtBot) -> BackupDialog:
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.fixture
def dialog(filled: AppContext, qtbot: QtBot, reopen: RestoreHook) -> Iterator[BackupDialog]:
    backup.create_backup(filled.db, reason="start", now=EARLIER)
    dlg = show(BackupDialog(filled, restore_hook=reopen), qtbot)
    yield dlg
    if shiboken6.isValid(dlg):
        dlg.close()


def row_texts(dlg: BackupDialog, row: int) -> list[str]:
    texts = []
    for column in range(dlg.table.columnCount()):
        item = dlg.table.item(row, column)
        texts.append(item.text() if item is not None else "")
    return texts


def unit_names(db: Database) -> set[str]:
    return {row["full_name"] for row in records.list_records(db, "units")}


def capture(texts: list[str], button: str | None = None) -> Any:
    """A modal handler: note the message box's text (and details), then press ``button`` (or accept)."""

    def handler(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox), type(widget)
        texts.append(f"{widget.text()}\n{widget.informativeText()}")
        if button is None:
            click_accept(widget)
        else:
            next(b for b in widget.buttons() if b.text() == button).click()

    return handler


def test_it_lists_the_backups_with_their_counts(dialog: BackupDialog, filled: AppContext) -> None:
    assert dialog.objectName() == "backup_dialog"
    assert dialog.folder_label.text() == f"备份文件夹：{filled.db.path.parent / 'backups'}"
    assert [dialog.table.horizontalHeaderItem(i).text() for i in range(len(COLUMNS))] == list(COLUMNS)  # type: ignore[union-attr]
    assert dialog.table.rowCount() == 1
    assert row_texts(dialog, 0) == [
        "2026-01-05 18:00",
        "启动时自动备份",
        row_texts(dialog, 0)[2],
        "1",
        "2",
        "0",
        "0",
        "0",
        "正常",
    ]
    assert not dialog.restore_button.isEnabled()  # nothing selected yet
    dialog.table.selectRow(0)
    assert dialog.restore_button.isEnabled() and dialog.restore_file_button.isEnabled()


def test_backup_now_adds_a_verified_backup_at_the_top(
    dialog: BackupDialog, qtbot: QtBot, filled: AppContext
) -> None:
    unit(filled.db, "区教育局")
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 2
    top = row_texts(dialog, 0)
    assert top[1] == "手动备份" and top[3] == "2" and top[-1] == "正常"
    assert dialog.selected() is not None and dialog.selected() == dialog.items[0]
    made = dialog.items[0].path
    assert made.parent == filled.db.path.parent / "backups" and made.name.endswith("-manual.db")
    assert "已备份并校验" in dialog.status.text() and str(made) in dialog.status.text()
    assert backup.verify_backup(made).ok


def test_backup_to_a_chosen_folder(
    dialog: BackupDialog, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usb = tmp_path / "U盘"
    usb.mkdir()
    offered: list[str] = []

    def choose(parent: QWidget, caption: str, start: str, *rest: Any) -> str:
        offered.append(caption)
        return str(usb)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", choose)
    qtbot.mouseClick(dialog.backup_to_button, Qt.MouseButton.LeftButton)
    assert offered and "U 盘" in offered[0]
    [made] = list(usb.iterdir())
    assert made.name.endswith("-manual.db") and backup.verify_backup(made).ok
    assert dialog.table.rowCount() == 1  # the list is the backup folder's
    assert str(made) in dialog.status.text()

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: "")  # cancelled
    qtbot.mouseClick(dialog.backup_to_button, Qt.MouseButton.LeftButton)
    assert len(list(usb.iterdir())) == 1


def test_a_backup_that_cannot_be_made_says_why(
    dialog: BackupDialog, qtbot: QtBot, filled: AppContext, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    settings.set_many(filled.db, {"folders.backup": str(blocker / "backups")})
    texts: list[str] = []
    answer_modals(capture(texts))
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(texts))
    assert "无法使用备份文件夹" in texts[0]


def test_restore_the_selected_backup(dialog: BackupDialog, qtbot: QtBot, filled: AppContext) -> None:
    unit(filled.db, "备份之后的单位")
    assert unit_names(filled.db) == {"区财政局", "备份之后的单位"}
    old_db = filled.db
    dialog.table.selectRow(0)
    texts: list[str] = []
    answer_modals(capture(texts, "恢复"), capture(texts))
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(texts) == 2)

    confirm, done = texts
    assert "用 2026年01月05日 18:00:00 的备份恢复数据库吗" in confirm
    assert "备份中的记录：监督单位 1，监察对象 2" in confirm
    assert "当前的记录：监督单位 2，监察对象 2" in confirm
    assert "恢复前的数据库已另存为" in done
    assert filled.db is not old_db  # closed and opened again
    assert unit_names(filled.db) == {"区财政局"}
    safety = [i for i in dialog.items if i.reason == "before-restore"]
    assert len(safety) == 1 and str(safety[0].path) in done
    assert "备份之后的单位" in unit_names_in(safety[0].path)
    assert dialog.table.rowCount() == 2


def unit_names_in(path: Path) -> set[str]:
    db = open_database(path, readonly=True)
    try:
        return unit_names(db)
    finally:
        db.dispose()


def test_cancelling_the_restore_changes_nothing(
    dialog: BackupDialog, qtbot: QtBot, filled: AppContext
) -> None:
    unit(filled.db, "备份之后的单位")
    old_db = filled.db
    dialog.table.selectRow(0)
    texts: list[str] = []
    answer_modals(capture(texts, "取消"))
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(texts))
    assert filled.db is old_db
    assert unit_names(filled.db) == {"区财政局", "备份之后的单位"}
    assert [i.reason for i in dialog.items] == ["start"]


def test_a_damaged_backup_is_refused(dialog: BackupDialog, qtbot: QtBot, filled: AppContext) -> None:
    path = dialog.items[0].path
    data = bytearray(path.read_bytes())
    data[:100] = b"\x00" * 100
    path.write_bytes(bytes(data))
    dialog.refresh()
    assert row_texts(dialog, 0)[-1] == "损坏"
    old_db = filled.db
    dialog.table.selectRow(0)
    texts: list[str] = []
    answer_modals(capture(texts))
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(texts))
    assert "不能用来恢复" in texts[0]
    assert filled.db is old_db and unit_names(filled.db) == {"区财政局"}
    assert [i.reason for i in dialog.items] == ["start"]  # no safety copy was made


def test_restore_from_a_file(
    dialog: BackupDialog,
    qtbot: QtBot,
    filled: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    usb = tmp_path / "usb"
    made = backup.create_backup(filled.db, usb, now=EARLIER)
    records.delete(filled.db, "cadres", 1)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(made.path), "数据库备份 (*.db)"))
    texts: list[str] = []
    answer_modals(capture(texts, "恢复"), capture(texts))
    qtbot.mouseClick(dialog.restore_file_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(texts) == 2)
    assert str(made.path) in texts[0]
    assert len(records.list_records(filled.db, "cadres")) == 2


def test_without_a_hook_restoring_is_off(filled: AppContext, qtbot: QtBot) -> None:
    dlg = show(BackupDialog(filled), qtbot)
    try:
        assert not dlg.restore_button.isEnabled() and not dlg.restore_file_button.isEnabled()
        assert dlg.table.rowCount() == 0 and "还没有备份" in dlg.status.text()
        assert dlg.restore_from(Path("anything.db")) is False
    finally:
        dlg.close()


def test_long_work_shows_progress_and_the_dialog_waits_for_it(
    dialog: BackupDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wsjc_desktop.ui.dialogs import backup_dialog

    monkeypatch.setattr(backup_dialog, "SHOW_PROGRESS_AFTER_S", 0.0)
    gate = threading.Event()
    seen: dict[str, Any] = {}

    def work(progress: Callable[[int, int], None]) -> int:
        progress(3, 10)
        assert gate.wait(5)
        return 42

    def probe() -> None:
        shown = dialog.findChild(QProgressDialog, "backup_progress")
        seen["progress"] = (shown.value(), shown.maximum()) if shown is not None else None
        seen["buttons"] = dialog.backup_button.isEnabled()
        dialog.close()  # ignored: a backup is being written
        dialog.reject()
        seen["open"] = dialog.isVisible()
        gate.set()

    QTimer.singleShot(200, probe)
    assert dialog._run("正在备份数据库…", work) == 42
    assert seen == {"progress": (3, 10), "buttons": False, "open": True}
    assert dialog.backup_button.isEnabled() and not dialog.busy
    left = dialog.findChild(QProgressDialog, "backup_progress")
    assert left is None or not left.isVisible()  # closed (and deleted later)

    def fails(progress: Callable[[int, int], None]) -> int:
        raise UserError("磁盘空间已满")

    with pytest.raises(UserError, match="磁盘空间已满"):
        dialog._run("正在备份数据库…", fails)
