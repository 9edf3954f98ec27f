"""备份与恢复: the backups in the backup folder, 立即备份, 备份到… (a USB stick) and 恢复….

The work is :mod:`wsjc_desktop.services.backup`; copying and checking run in a worker thread
while a progress dialog (shown only if it takes a moment) keeps the window painted.

Restoring replaces the database file, so the running program must close and reopen it: the
dialog is given ``restore_hook(backup_path)``, which the main window provides. The hook closes
``ctx.db``, calls :func:`wsjc_desktop.services.backup.restore` (which verifies the backup and
makes the safety copy first) and reopens the database; it may return the safety copy's path
for the dialog to show. Without a hook, 恢复 is disabled. The dialog reads ``ctx.db`` afresh
every time, so after a restore it lists against the reopened database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wsjc_desktop.services import backup
from wsjc_desktop.services.backup import BackupInfo, Verification
from wsjc_desktop.ui import filedialogs
from wsjc_desktop.ui.actions import run_action, user_action
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.filedialogs import Purpose

__all__ = ["BackupDialog", "RestoreHook"]

#: Closes the database, restores ``backup_path`` over it, reopens it; may return the safety copy.
RestoreHook = Callable[[Path], "Path | None"]

T = TypeVar("T")

ROLE = Qt.ItemDataRole.UserRole
HINT_STYLE = "color: #666;"
DONE_STYLE = "color: #1e8449;"
BAD_COLOR = QColor("#c0392b")
GOOD_COLOR = QColor("#1e8449")
#: the record types shown as columns (组内人员 is in the row's tooltip)
COUNT_COLUMNS = ("units", "cadres", "alert_notices", "meetings", "talks")
COLUMNS = ("备份时间", "类型", "大小", *(backup.MAIN_TABLES[t] for t in COUNT_COLUMNS), "状态")
#: a progress dialog appears only for work that takes longer than this
SHOW_PROGRESS_AFTER_S = 0.4

HINT = (
    "程序每天第一次启动时和每次退出时自动备份到此文件夹，保留最近 30 天每天最新的一份和最近 12 个月"
    "每月最新的一份；手动备份、升级前和恢复前的副本不会自动删除。每份备份都在复制后立即校验。"
)


def _when(info: BackupInfo | Verification) -> str:
    created = info.created
    return f"{created:%Y年%m月%d日 %H:%M:%S}" if created else "时间不明"


class BackupDialog(QDialog):
    """文件 → 备份与恢复…"""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, restore_hook: RestoreHook | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.restore_hook = restore_hook
        self.items: list[BackupInfo] = []
        self.busy = False  # copying or checking in the worker thread: the dialog stays open
        self.setObjectName("backup_dialog")
        self.setWindowTitle("备份与恢复")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        self.folder_label = QLabel()
        self.folder_label.setObjectName("backup_folder")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("backup_list")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.backup_button = QPushButton("立即备份")
        self.backup_button.setObjectName("backup_now")
        self.backup_button.setToolTip("把当前数据库备份到上面的备份文件夹，并校验备份")
        self.backup_button.clicked.connect(self.backup_now)
        self.backup_to_button = QPushButton("备份到…")
        self.backup_to_button.setObjectName("backup_to")
        self.backup_to_button.setToolTip("选择一个文件夹（如 U 盘）保存一份备份")
        self.backup_to_button.clicked.connect(self.backup_to)
        self.restore_button = QPushButton("恢复…")
        self.restore_button.setObjectName("backup_restore")
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button = QPushButton("从文件恢复…")
        self.restore_file_button.setObjectName("backup_restore_file")
        self.restore_file_button.setToolTip("选择一个备份文件（如 U 盘上的备份）用来恢复")
        self.restore_file_button.clicked.connect(self.restore_from_file)
        actions = QHBoxLayout()
        for button in (self.backup_button, self.backup_to_button):
            actions.addWidget(button)
        actions.addSpacing(16)
        for button in (self.restore_button, self.restore_file_button):
            actions.addWidget(button)
        actions.addStretch(1)

        self.status = QLabel()
        self.status.setObjectName("backup_status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = box.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setText("关闭")
        box.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.folder_label)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        layout.addWidget(box)
        self.resize(760, 480)
        self.refresh()

    # --- the list ---------------------------------------------------------------------------

    @property
    def folder(self) -> Path:
        return backup.default_backup_dir(self.ctx.db)

    def refresh(self, select: Path | None = None) -> None:
        folder = self.folder
        self.folder_label.setText(f"备份文件夹：{folder}")
        self.items = backup.list_backups(folder, key=self.ctx.db.key) if folder.is_dir() else []
        self.table.setRowCount(len(self.items))
        for row, info in enumerate(self.items):
            self._fill(row, info)
        if select is not None:
            for row, info in enumerate(self.items):
                if info.path == select:
                    self.table.selectRow(row)
        if not self.items:
            self.status.setStyleSheet(HINT_STYLE)
            self.status.setText("备份文件夹中还没有备份。")
        self._update_buttons()

    def _fill(self, row: int, info: BackupInfo) -> None:
        size = backup.format_size(info.size)
        counts = [str(info.counts[t]) if t in info.counts else "" for t in COUNT_COLUMNS]
        if info.verified:  # a plain backup of an encrypted database is named: it should not be
            state = (
                "正常（已加密）" if info.encrypted else "正常（明文）" if info.should_be_encrypted else "正常"
            )
        else:
            state = info.state if info.encrypted else "损坏"  # 已加密（需要口令才能校验）…
        cells = [f"{info.created:%Y-%m-%d %H:%M}", info.reason_label, size, *counts, state]
        tip = f"{info.path}\n{_when(info)}  {info.reason_label}  {size}"
        if info.counts:
            tip += "\n" + backup.describe_counts(info.counts)
        tip += f"\n问题：{info.problem}" if info.problem else "\n可以打开，记录可读；恢复前还会做完整性检查。"
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(tip)
            if column == 0:
                item.setData(ROLE, str(info.path))
            if 2 <= column < len(cells) - 1:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column == len(cells) - 1:
                item.setForeground(GOOD_COLOR if info.verified else BAD_COLOR)
            self.table.setItem(row, column, item)

    def selected(self) -> BackupInfo | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _update_buttons(self) -> None:
        can_restore = self.restore_hook is not None
        self.restore_button.setEnabled(can_restore and self.selected() is not None)
        self.restore_file_button.setEnabled(can_restore)
        if not can_restore:
            tip = "恢复需要在主窗口中进行（恢复时程序要关闭并重新打开数据库）。"
        elif self.selected() is None:
            tip = "先在列表中选择一份备份"
        else:
            tip = "用所选的备份恢复数据库（先另存当前数据库）"
        self.restore_button.setToolTip(tip)

    # --- long work --------------------------------------------------------------------------

    def _run(self, label: str, work: Callable[[backup.Progress], T]) -> T:
        """``work(progress)`` in a worker thread; the window stays painted, a progress dialog
        appears if it takes a moment. Re-raises what the work raised."""
        state = [0, 0]
        results: list[T] = []
        errors: list[BaseException] = []

        def progress(done: int, total: int) -> None:
            state[0], state[1] = done, total

        def target() -> None:
            try:
                results.append(work(progress))
            except BaseException as exc:  # handed to the main thread
                errors.append(exc)

        buttons = (self.backup_button, self.backup_to_button, self.restore_button, self.restore_file_button)
        enabled = [b.isEnabled() for b in buttons]
        for button in buttons:
            button.setEnabled(False)
        dialog: QProgressDialog | None = None
        worker = threading.Thread(target=target, name="wsjc-backup", daemon=True)
        started = time.monotonic()
        self.busy = True
        worker.start()
        try:
            while worker.is_alive():
                worker.join(0.02)
                if dialog is None and time.monotonic() - started > SHOW_PROGRESS_AFTER_S:
                    dialog = self._progress_dialog(label)
                if dialog is not None:
                    done, total = state
                    dialog.setLabelText(label if total else "正在校验…")
                    dialog.setMaximum(total)
                    dialog.setValue(done if total else 0)
                QApplication.processEvents()
        finally:
            self.busy = False
            if dialog is not None:
                dialog.close()
                dialog.deleteLater()
            for button, was in zip(buttons, enabled, strict=True):
                button.setEnabled(was)
        if errors:
            raise errors[0]
        return results[0]

    def reject(self) -> None:
        if not self.busy:  # Esc or 关闭 while a backup is being written: wait for it
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)

    def _progress_dialog(self, label: str) -> QProgressDialog:
        dialog = QProgressDialog(label, "", 0, 0, self)
        dialog.setObjectName("backup_progress")
        dialog.setWindowTitle("备份与恢复")
        dialog.setCancelButton(None)  # a backup appears whole or not at all: nothing to cancel
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(360)
        dialog.show()
        return dialog

    def _done(self, text: str) -> None:
        self.status.setStyleSheet(DONE_STYLE)
        self.status.setText(text)

    # --- backing up ---------------------------------------------------------------------------

    def backup_now(self) -> BackupInfo | None:
        """立即备份: into the backup folder."""
        return self._make(None)

    def backup_to(self) -> BackupInfo | None:
        """备份到…: a folder the user chooses (a USB stick); never rotated."""
        chosen = filedialogs.choose_folder(
            self, Purpose.BACKUP, "选择保存备份的文件夹（如 U 盘）", default_folder=self.folder
        )
        if chosen is None:
            return None
        return self._make(chosen)

    def _make(self, folder: Path | None) -> BackupInfo | None:
        db = self.ctx.db
        info = run_action(
            self,
            lambda: self._run(
                "正在备份数据库…",
                lambda progress: backup.create_backup(db, folder, reason="manual", progress=progress),
            ),
            title="备份未完成",
        )
        if info is None:
            return None
        self.refresh(select=info.path)
        self._done(
            f"已备份并校验：{info.path}（{backup.format_size(info.size)}；{backup.describe_counts(info.counts)}）"
        )
        return info

    # --- restoring ----------------------------------------------------------------------------

    def restore_selected(self) -> bool:
        """恢复…: with the backup selected in the list."""
        info = self.selected()
        if info is None:
            return False
        return self.restore_from(info.path)

    def restore_from_file(self) -> bool:
        """从文件恢复…: with a backup file the user picks."""
        # the same folder as 备份到…: a backup carried on a USB stick is restored from it
        chosen = filedialogs.open_file(
            self,
            Purpose.BACKUP,
            "选择用来恢复的备份文件",
            "数据库备份 (*.db);;所有文件 (*)",
            default_folder=self.folder,
        )
        if chosen is None:
            return False
        return self.restore_from(chosen)

    def restore_from(self, path: Path) -> bool:
        """Check the backup, show its date and counts, ask, then hand it to the restore hook."""
        if self.restore_hook is None:
            return False
        db = self.ctx.db
        key = db.key
        check = self._run("正在检查备份…", lambda _progress: backup.verify_backup(path, key))
        if not check.ok:
            QMessageBox.warning(
                self, "不能用这份备份恢复", f"备份“{path.name}”有问题，不能用来恢复：\n{check.problem}"
            )
            return False
        if not self._confirm(path, check):
            return False
        # the hook closes and reopens the database on this thread: a wait cursor, no window
        self.status.setStyleSheet(HINT_STYLE)
        self.status.setText("正在恢复数据库…")
        with user_action(
            self, busy=True, title="恢复未完成", on_error=lambda _exc: self.status.setText("")
        ) as action:
            QApplication.processEvents()  # the cursor and the status line show before the work
            safety = self.restore_hook(path)
        self.refresh()
        if action.failed:
            return False
        text = f"已恢复到 {_when(check)} 的备份。"
        if isinstance(safety, Path):
            text += f"\n恢复前的数据库已另存为：{safety}"
        self._done(text.replace("\n", " "))
        QMessageBox.information(self, "恢复完成", text)
        return True

    def _confirm(self, path: Path, check: Verification) -> bool:
        try:
            now = backup.describe_counts(backup.current_counts(self.ctx.db))
        except Exception:  # a damaged current file: what is restored is what matters
            now = "（无法读取）"
        box = QMessageBox(self)
        box.setObjectName("backup_confirm")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("确认恢复")
        box.setText(f"用 {_when(check)} 的备份恢复数据库吗？")
        box.setInformativeText(
            f"备份文件：{path}\n"
            f"备份中的记录：{backup.describe_counts(check.counts)}\n"
            f"当前的记录：{now}\n\n"
            "当前数据库会先另存为一份安全副本（放在备份文件夹中，文件名以 before-restore 结尾），"
            "然后被这份备份替换；此后所做的修改将不在恢复后的数据库中。"
        )
        restore = box.addButton("恢复", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is restore
