"""导出 Excel: ask where to save a ledger, write it with a progress dialog, offer to open it.

The tabs call :func:`export_ledger`; the work itself is one service call
(:func:`wsjc_desktop.services.ledgers.export_ledger`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from wsjc_desktop.errors import UserError
from wsjc_desktop.services import ledgers, settings
from wsjc_desktop.ui import filedialogs
from wsjc_desktop.ui.actions import run_action
from wsjc_desktop.ui.context import AppContext
from wsjc_desktop.ui.filedialogs import Purpose
from wsjc_desktop.ui.print_preview import safe_file_name

if TYPE_CHECKING:
    from wsjc_desktop.ui.record_tab import RecordTab


def configured_export_folder(ctx: AppContext) -> Path | None:
    """The 导出文件夹 setting, when it names a folder that is there."""
    try:
        folder = str(settings.get(ctx.db, "folders.export") or "")
    except UserError:
        folder = ""
    return Path(folder) if folder and Path(folder).is_dir() else None


def export_folder(ctx: AppContext) -> Path:
    """The 导出文件夹 setting, else Documents, else home."""
    return configured_export_folder(ctx) or filedialogs.documents_folder()


def ask_path(parent: QWidget, ctx: AppContext, file_name: str) -> Path | None:
    """Where to save a ledger: the dialog opens in the folder of the last export on this PC."""
    return filedialogs.save_file(
        parent,
        Purpose.EXPORT,
        "导出 Excel 台账",
        safe_file_name(file_name),
        "Excel 工作簿 (*.xlsx)",
        default_folder=configured_export_folder(ctx),
        suffix=".xlsx",
    )


def export_ledger(
    parent: QWidget, ctx: AppContext, ledger: str, *, year: int | None = None, unit_id: int | None = None
) -> Path | None:
    """The whole 导出 action for one ledger; returns the file written (None: cancelled or failed)."""
    unit_name = ctx.lookups.name("units", unit_id) if unit_id is not None else None
    path = ask_path(parent, ctx, ledgers.ledger_file_name(ledger, year, unit_name))
    if path is None:
        return None
    dialog = QProgressDialog("正在导出 Excel 台账…", "", 0, 0, parent)
    dialog.setObjectName("export_progress")
    dialog.setWindowTitle("导出")
    dialog.setCancelButton(None)  # the file appears complete or not at all: nothing to cancel
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done)  # a modal progress dialog lets the window repaint here

    try:
        written = run_action(
            parent,
            lambda: ledgers.export_ledger(
                ctx.db, ledger, path, year=year, unit_id=unit_id, progress=progress, today=ctx.today
            ),
            title="无法导出",
        )
    finally:
        dialog.close()
        dialog.deleteLater()
    if written is None:
        return None
    offer_open(parent, path, written)
    return path


def offer_open(parent: QWidget, path: Path, written: int) -> None:
    box = QMessageBox(parent)
    box.setObjectName("export_done")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle("导出完成")
    box.setText(f"已导出 {written} 条记录：\n{path}")
    open_file = box.addButton("打开文件", QMessageBox.ButtonRole.AcceptRole)
    open_folder = box.addButton("打开所在文件夹", QMessageBox.ButtonRole.ActionRole)
    box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    target = path if clicked is open_file else path.parent if clicked is open_folder else None
    if target is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
        QMessageBox.warning(parent, "无法打开", f"本机没有能打开该文件的程序。\n\n文件已保存在：{path}")


def export_tab(tab: RecordTab, ledger: str) -> Path | None:
    """A register tab's ledger, with the year and unit its filter bar shows."""
    flt = tab.filters.record_filter()
    return export_ledger(tab, tab.ctx, ledger, year=flt.year, unit_id=flt.unit_id)
