"""文件 → 数据交换 in the window: export, import, the exchange folder, and the conflicts.

:class:`ExchangeActions` is what the main window's 数据交换 menu and the 工作台's card call; the
dialogs (``dialogs.exchange_dialogs``, ``dialogs.conflict_dialog``) gather the file and the
passphrase, the engine (``exchange.engine``) does the work. Results are said in the status bar
(and in a box where the user asked for something and must see what came of it); conflicts open
the conflict dialog; a conflict left open stays listed (nothing is decided by closing a window).

**The exchange folder** (设置 → 数据交换): with a folder set and the passphrase kept on this PC,
:meth:`ExchangeActions.sync` takes the other PCs' packages from it and leaves this PC's there:
once the window is up after the login (:meth:`start_auto`, from ``app.run_gui``), when the program
exits (the window's close, before the exit backup) and on 立即同步交换文件夹. A folder that is not
there (a stick unplugged) is said in the status bar and nothing more: no box at every start.
It runs on the window's thread with the wait cursor: the merge writes through the same database
the window reads, and what it changes is announced to every open view when it commits.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from wsjc_desktop.errors import UserError
from wsjc_desktop.exchange import engine, labels
from wsjc_desktop.ui.actions import run_action
from wsjc_desktop.ui.windows import exec_dialog

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from wsjc_desktop.ui.context import AppContext

__all__ = ["ExchangeActions", "folder_text"]

log = logging.getLogger(__name__)

#: The start-up sync waits this long after the window is shown (its first paint comes first).
START_DELAY_MS = 600
#: How long a result stays in the status bar.
MESSAGE_MS = 30_000
TITLE = "数据交换"
FIRST_EXPORT = (
    "已设置本组的交换口令（首次导出）。另一台电脑导入时需输入同一口令，请当面告知，不要写在 U 盘上。\n\n"
)
NOT_KEPT = (
    "已设置交换文件夹，但本机没有记住交换口令，未自动同步："
    "可用“文件 → 数据交换 → 立即同步交换文件夹”（Ctrl+Shift+S）。"
)
NO_FOLDER = (
    "尚未设置交换文件夹。\n\n请在“工具 → 设置 → 数据交换”中选择两台电脑都能访问的文件夹"
    "（如 U 盘上的文件夹），或用“导出交换包…”“导入交换包…”手动交换。"
)


def folder_text(result: engine.FolderResult) -> str:
    """What a folder sync did, in one line for the status bar."""
    parts: list[str] = []
    for _path, got in result.imported:
        if got.unchanged:
            continue
        sender = got.sender or "另一台电脑"
        conflicts = f"，冲突 {len(got.conflicts)} 处" if got.conflicts else ""
        parts.append(
            f"收到{sender}的修改（新增 {got.inserted}，修改 {got.updated}，删除 {got.deleted}{conflicts}）"
        )
    if not parts:
        parts.append("没有收到新的修改")
    if result.exported is not None:
        parts.append("已放入本机的交换包")
    if result.refused:
        path, why = result.refused[0]
        more = f"等 {len(result.refused)} 个" if len(result.refused) > 1 else ""
        parts.append(f"未能导入“{path.name}”{more}：{why}")
    for _path, got in result.imported:
        if got.gaps:
            sender = got.sender or "另一台电脑"
            parts.append(f"{sender}的交换包缺少本机需要的部分修改，请在那台电脑上导出完整交换包")
        for note in got.notes:
            parts.append(f"提示：{note}")
    return "交换文件夹已同步：" + "；".join(parts) + "。"


class ExchangeActions(QObject):
    """The window's 数据交换 (see the module)."""

    #: where the exchange stands may have changed (a package written or taken, a conflict
    #: settled, a setting): the 工作台's card redraws
    changed = Signal()

    def __init__(self, window: QMainWindow, ctx: AppContext) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        #: the folder is synced at start and exit (the program's own window; not a test's)
        self.auto = False
        self._start_timer = QTimer(self)  # a child: gone with the window if it closes first
        self._start_timer.setSingleShot(True)
        self._start_timer.timeout.connect(lambda: self.sync("start"))

    def _say(self, text: str, ms: int = MESSAGE_MS) -> None:
        self.window.statusBar().showMessage(text, ms)

    # --- export and import -------------------------------------------------------------------

    def export_package(self) -> engine.ExportResult | None:
        """文件 → 数据交换 → 导出交换包…"""
        if self.ctx.readonly:
            return None
        from wsjc_desktop.ui.dialogs.exchange_dialogs import ExportDialog, export_text

        dialog = ExportDialog(self.ctx, self.window)
        exec_dialog(dialog)
        result, set_now = dialog.result_, dialog.passphrase_set_now
        if result is None:
            return None
        self.changed.emit()
        text = export_text(result)
        self._say(text)
        first = FIRST_EXPORT if set_now else ""
        box = QMessageBox(QMessageBox.Icon.Information, "导出交换包", f"{first}{text}", parent=self.window)
        box.setObjectName("exchange_export_done")
        box.setInformativeText("请把交换包带到另一台电脑上，用“文件 → 数据交换 → 导入交换包…”导入。")
        box.exec()
        return result

    def import_package(self, path: Path | None = None) -> engine.ImportResult | None:
        """文件 → 数据交换 → 导入交换包… (``path``: a package already chosen)."""
        if self.ctx.readonly:
            return None
        from wsjc_desktop.ui.dialogs.exchange_dialogs import ImportDialog, ImportResultDialog, import_summary

        dialog = ImportDialog(self.ctx.db, self.window, path=path)
        exec_dialog(dialog)
        result = dialog.result_
        if result is None:
            return None
        self.changed.emit()
        self._say(import_summary(result))
        shown = ImportResultDialog(result, self.window)
        settle = bool(exec_dialog(shown)) and bool(result.conflicts)
        if settle:
            self.show_conflicts()
        elif result.conflicts:
            self._say(f"{import_summary(result)}冲突已记下，可在“文件 → 数据交换 → 查看冲突…”中处理。")
        return result

    # --- conflicts ------------------------------------------------------------------------------

    def show_conflicts(self) -> None:
        """文件 → 数据交换 → 查看冲突… (and the 工作台's 处理冲突…)."""
        from wsjc_desktop.ui.dialogs.conflict_dialog import ConflictDialog

        dialog = ConflictDialog(self.ctx, self.window)
        dialog.resolved.connect(lambda _id: self.changed.emit())
        exec_dialog(dialog)

    # --- the exchange folder --------------------------------------------------------------------

    def sync_now(self) -> engine.FolderResult | None:
        """文件 → 数据交换 → 立即同步交换文件夹."""
        return self.sync("button")

    def start_auto(self) -> None:
        """The program's window is up after the login: sync the folder once it has painted, and
        again at exit."""
        self.auto = True
        self._start_timer.start(START_DELAY_MS)

    def at_exit(self) -> None:
        self._start_timer.stop()
        if self.auto:
            self.auto = False
            self.sync("exit")

    def _passphrase(self, asked: bool) -> str | None:
        """The kept passphrase; asked for when the user started the sync (else None)."""
        db = self.ctx.db
        kept = engine.kept_passphrase(db)
        if kept is not None or not asked:
            return kept
        from wsjc_desktop.ui.dialogs.exchange_dialogs import ask_exchange_passphrase

        if not labels.passphrase_set(db):
            text = ask_exchange_passphrase(
                self.window,
                title="立即同步交换文件夹",
                intro="本组还没有交换口令：请设置一个。本机的交换包将用它加密。",
                check=lambda text: None,
                new=True,
            )
            if text is None:
                return None
            set_now = run_action(self.window, lambda: engine.check_passphrase(db, text, set_if_missing=True))
            return text if set_now is not None else None
        return ask_exchange_passphrase(
            self.window,
            title="立即同步交换文件夹",
            intro="请输入本组的交换口令（在“设置 → 数据交换”中勾选“在本机记住交换口令”后不再询问）。",
            check=lambda text: _check(self.ctx, text),
        )

    def sync(self, when: str) -> engine.FolderResult | None:
        """Sync the exchange folder: ``when`` is ``start``, ``exit`` or ``button`` (only the
        button asks for what is missing and says why nothing was done in a box)."""
        asked = when == "button"
        db = self.ctx.db
        if self.ctx.readonly:
            if asked:
                QMessageBox.information(self.window, TITLE, "数据库以只读方式打开，不能同步交换文件夹。")
            return None
        try:
            local = engine.local_settings(db)
        except UserError as exc:  # a damaged file: the start-up check says so
            if asked:
                QMessageBox.warning(self.window, TITLE, exc.message)
            return None
        if not local.folder:
            if asked:
                QMessageBox.information(self.window, TITLE, NO_FOLDER)
            return None
        passphrase = self._passphrase(asked)
        if passphrase is None:
            if when == "start":
                self._say(NOT_KEPT)
            return None
        folder = Path(local.folder)
        if not folder.is_dir():  # a stick not plugged in: said, not nagged about
            self._say(f"交换文件夹“{folder}”现在不可用（U 盘未插入或网络共享未连接？），本次未同步。")
            return None
        self._say("正在同步交换文件夹…", 0)
        QApplication.processEvents()  # the line shows before the work
        result = run_action(
            self.window,
            lambda: engine.sync_folder(db, folder, passphrase),
            busy=True,
            title="交换文件夹未能同步",
            text="{message}\n\n本机数据没有改动。",
            on_error=lambda _exc: self._say(""),
        )
        if result is None:
            return None
        self.changed.emit()
        text = folder_text(result)
        log.info("exchange folder %s (%s): %s", folder, when, text)
        for path, why in result.refused:  # at exit the status bar goes with the window: the log keeps it
            log.warning("exchange package %s refused: %s", path, why)
        self._say(text)
        conflicts = sum(len(got.conflicts) for _path, got in result.imported)
        if asked and (result.refused or any(got.notes or got.gaps for _p, got in result.imported)):
            QMessageBox.information(self.window, TITLE, text.replace("；", "；\n"))
        if conflicts and when != "exit":  # at exit they wait, listed, for the next start
            self.show_conflicts()
        return result


def _check(ctx: AppContext, text: str) -> None:
    engine.check_passphrase(ctx.db, text)
