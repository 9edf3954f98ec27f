"""File dialogs that reopen in the folder last used for the same purpose (导出, 另存为, 导入, 备份).

Each purpose remembers its own folder on this PC (``ui.ini``, see :func:`ui_settings`): a second
export starts where the first was saved, while 另存为 of a printed slip keeps a folder of its own.
With nothing remembered, or when the folder is gone (a USB stick pulled out), a dialog starts in
the caller's ``default_folder`` (such as the 导出文件夹 setting), else in the user's Documents.

The platform's own dialogs are used, all opened through :func:`ask`, the one place that calls
QFileDialog: tests replace it to see where a dialog starts and to answer it.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from wsjc_desktop.ui.context import ui_settings

__all__ = [
    "Kind",
    "Purpose",
    "ask",
    "choose_folder",
    "documents_folder",
    "forget",
    "open_file",
    "open_files",
    "remember",
    "remembered_folder",
    "save_file",
    "start_folder",
]


class Purpose(StrEnum):
    """What a file is chosen for; each remembers its own folder."""

    EXPORT = "export"  # 导出 Excel 台账
    SAVE_AS = "save_as"  # 打印预览 → 另存为 PDF
    IMPORT = "import"  # 导入花名册, and the blank template that is filled in for it
    BACKUP = "backup"  # 备份到… (a USB stick) and 从文件恢复…
    ATTACHMENT = "attachment"  # 廉政档案: 添加附件 and 附件另存为
    EXCHANGE = "exchange"  # 数据交换: 导出交换包 and 导入交换包 (a USB stick)


class Kind(Enum):
    SAVE = "save"
    OPEN = "open"
    OPEN_MANY = "open_many"
    FOLDER = "folder"


SETTINGS_GROUP = "file_dialogs"


def ask(kind: Kind, parent: QWidget | None, title: str, start: str, file_filter: str) -> list[str]:
    """Show the platform's dialog starting at ``start``; the paths chosen, empty if cancelled."""
    if kind is Kind.SAVE:
        path, _chosen_filter = QFileDialog.getSaveFileName(parent, title, start, file_filter)
        return [path] if path else []
    if kind is Kind.OPEN:
        path, _chosen_filter = QFileDialog.getOpenFileName(parent, title, start, file_filter)
        return [path] if path else []
    if kind is Kind.OPEN_MANY:
        paths, _chosen_filter = QFileDialog.getOpenFileNames(parent, title, start, file_filter)
        return [p for p in paths if p]
    folder = QFileDialog.getExistingDirectory(parent, title, start)
    return [folder] if folder else []


# --- where a dialog starts ----------------------------------------------------------------


def documents_folder() -> Path:
    """The user's Documents folder (文档 on a Chinese desktop), else the home folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if found and Path(found).is_dir():
        return Path(found)
    return Path.home()


def _key(purpose: Purpose) -> str:
    return f"{SETTINGS_GROUP}/{purpose.value}"


def remembered_folder(purpose: Purpose) -> Path | None:
    """The folder last chosen for ``purpose`` on this PC, as stored (it may no longer exist)."""
    value = ui_settings().value(_key(purpose))
    return Path(value) if isinstance(value, str) and value else None


def remember(purpose: Purpose, folder: Path) -> None:
    settings = ui_settings()
    settings.setValue(_key(purpose), str(folder))
    settings.sync()


def forget(purpose: Purpose) -> None:
    """Start from the default again (e.g. after the 导出文件夹 setting was changed)."""
    settings = ui_settings()
    settings.remove(_key(purpose))
    settings.sync()


def _usable(folder: Path) -> Path | None:
    """``folder`` if it is there, else its nearest parent that is (a drive's root only if it was
    the folder itself: starting at the root of C: helps nobody)."""
    if folder.is_dir():
        return folder
    for parent in folder.parents:
        if parent == Path(parent.anchor):
            return None
        if parent.is_dir():
            return parent
    return None


def start_folder(purpose: Purpose, default_folder: Path | None = None) -> Path:
    """Where a dialog for ``purpose`` opens: the remembered folder, the default, Documents."""
    remembered = remembered_folder(purpose)
    found = _usable(remembered) if remembered is not None else None
    if found is None and default_folder is not None and default_folder.is_dir():
        found = default_folder
    return found or documents_folder()


# --- the dialogs --------------------------------------------------------------------------


def save_file(
    parent: QWidget | None,
    purpose: Purpose,
    title: str,
    suggested_name: str,
    file_filter: str,
    *,
    default_folder: Path | None = None,
    suffix: str | None = None,
) -> Path | None:
    """Ask where to save ``suggested_name``; None if cancelled. ``suffix`` (".xlsx") is added when
    the name typed lacks it."""
    start = start_folder(purpose, default_folder) / suggested_name
    chosen = ask(Kind.SAVE, parent, title, str(start), file_filter)
    if not chosen:
        return None
    path = Path(chosen[0])
    if suffix and path.suffix.lower() != suffix.lower():
        path = path.with_name(path.name + suffix)
    remember(purpose, path.parent)
    return path


def open_file(
    parent: QWidget | None,
    purpose: Purpose,
    title: str,
    file_filter: str,
    *,
    default_folder: Path | None = None,
) -> Path | None:
    """Ask for one existing file; None if cancelled."""
    chosen = ask(Kind.OPEN, parent, title, str(start_folder(purpose, default_folder)), file_filter)
    if not chosen:
        return None
    path = Path(chosen[0])
    remember(purpose, path.parent)
    return path


def open_files(
    parent: QWidget | None,
    purpose: Purpose,
    title: str,
    file_filter: str,
    *,
    default_folder: Path | None = None,
) -> list[Path]:
    """Ask for one or more existing files; empty if cancelled."""
    chosen = ask(Kind.OPEN_MANY, parent, title, str(start_folder(purpose, default_folder)), file_filter)
    paths = [Path(p) for p in chosen]
    if paths:
        remember(purpose, paths[0].parent)
    return paths


def choose_folder(
    parent: QWidget | None, purpose: Purpose, title: str, *, default_folder: Path | None = None
) -> Path | None:
    """Ask for a folder; None if cancelled."""
    chosen = ask(Kind.FOLDER, parent, title, str(start_folder(purpose, default_folder)), "")
    if not chosen:
        return None
    folder = Path(chosen[0])
    remember(purpose, folder)
    return folder
