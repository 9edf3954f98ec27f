"""The main window: one tab per register, menus, toolbar, shortcuts, status bar."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QByteArray, QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStyle,
    QTabWidget,
    QToolBar,
    QWidget,
)

from wsjc_desktop import APP_TITLE, __version__
from wsjc_desktop.domain.changes import ChangeSet
from wsjc_desktop.ui.actions import wait_cursor
from wsjc_desktop.ui.context import AppContext, ui_settings
from wsjc_desktop.ui.tabs.dashboard import DashboardTab
from wsjc_desktop.ui.windows import exec_dialog, fit_to_screen

if TYPE_CHECKING:
    from wsjc_desktop.ui.record_tab import RecordTable


class WorkTab(Protocol):
    """What the window asks of a tab."""

    tab_title: str

    def ensure_loaded(self) -> None: ...
    def refresh(self) -> None: ...
    def new_record(self) -> None: ...
    def edit_selected(self) -> None: ...
    def delete_selected(self) -> None: ...
    def can_print(self) -> bool: ...
    def print_selected(self) -> None: ...
    def can_export(self) -> bool: ...
    def export_view(self) -> None: ...
    def open_record(self, record_id: int) -> bool: ...


#: Which tab shows records of which table (search results open there).
TAB_FOR_TABLE = {
    "units": "监督单位",
    "cadres": "廉政档案",
    "alert_notices": "廉情提醒",
    "meetings": "列席会议",
    "talks": "谈话记录",
    "inspections": "监督检查",
    "problems": "问题台账",
    "clues": "问题线索",
}


#: The register tabs after the 工作台, in order: (title, module, class). Their modules (and with
#: them SQLAlchemy and the models) are imported when a tab is first shown, not at start-up.
REGISTER_TABS = (
    ("监督单位", "wsjc_desktop.ui.tabs.units", "UnitsTab"),
    ("廉政档案", "wsjc_desktop.ui.tabs.dossier", "DossierTab"),
    ("廉情提醒", "wsjc_desktop.ui.tabs.notices", "NoticesTab"),
    ("列席会议", "wsjc_desktop.ui.tabs.meetings", "MeetingsTab"),
    ("谈话记录", "wsjc_desktop.ui.tabs.talks", "TalksTab"),
    ("监督检查", "wsjc_desktop.ui.tabs.inspections", "InspectionsTab"),
    ("问题台账", "wsjc_desktop.ui.tabs.problems", "ProblemsTab"),
    ("问题线索", "wsjc_desktop.ui.tabs.clues", "CluesTab"),
)


class _Placeholder(QWidget):
    """Stands in a tab until the tab is first shown (then the real page takes its place)."""

    is_loaded = False

    def __init__(self, title: str) -> None:
        super().__init__()
        self.setObjectName(f"placeholder_{title}")
        from PySide6.QtWidgets import QVBoxLayout

        layout = QVBoxLayout(self)
        label = QLabel("正在打开…")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("color: palette(mid);")
        layout.addWidget(label)


class Pages(Mapping[str, QWidget]):
    """The window's tabs by title, each page made the first time it is asked for (by showing
    its tab, or by code reaching it here)."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._built: dict[str, QWidget] = {}
        self._order: list[str] = []
        self._makers: dict[str, Callable[[], QWidget]] = {}

    def add(self, title: str, page: QWidget | None, maker: Callable[[], QWidget] | None = None) -> None:
        if title not in self._order:
            self._order.append(title)
        if page is not None:
            self._built[title] = page
        elif maker is not None:
            self._makers[title] = maker

    def __getitem__(self, title: str) -> QWidget:
        page = self._built.get(title)
        if page is None:
            maker = self._makers.pop(title, None)
            if maker is None:
                raise KeyError(title)
            page = maker()
            self._built[title] = page
            self._window._install_page(title, page)
        return page

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, title: object) -> bool:
        return title in self._order

    def built(self) -> dict[str, QWidget]:
        """The pages made so far (the rest are still placeholders)."""
        return dict(self._built)

    def is_built(self, title: str) -> bool:
        return title in self._built


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("main_window")
        self._set_title("")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("main_tabs")
        self.tabs.setDocumentMode(True)
        self.pages = Pages(self)
        self._installing = False
        self.dashboard = DashboardTab(ctx)
        self.add_page(self.dashboard)
        for title, module, name in REGISTER_TABS:
            self.pages.add(title, None, self._maker(module, name))
            self.tabs.addTab(_Placeholder(title), title)
        self.dashboard.open_unit.connect(self.show_unit)
        self.dashboard.open_notices.connect(self.show_notices)
        self.dashboard.holiday_reminders_requested.connect(self.send_holiday_reminders)
        self.dashboard.help_requested.connect(self.show_manual)
        from wsjc_desktop.ui.exchange import ExchangeActions

        self.exchange = ExchangeActions(self, ctx)
        self.exchange.changed.connect(self.dashboard.refresh_exchange)
        self.dashboard.exchange_conflicts_requested.connect(self.exchange.show_conflicts)
        self.setCentralWidget(self.tabs)
        self._build_actions()
        self._build_status_bar()
        self.tabs.currentChanged.connect(self._tab_changed)
        ctx.hub.changed.connect(self._on_changes)
        self._restore_layout()
        self.tabs.installEventFilter(self)  # until the first paint: then the ORM loads behind it

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.tabs and event.type() == QEvent.Type.Paint:
            self.tabs.removeEventFilter(self)
            # the integrity check (if opening left it to run behind the window) starts now,
            # so it does not compete with the first paint for the machine
            QTimer.singleShot(0, self.ctx.db.start_check)
            if self.tabs.currentWidget() is self.dashboard and not self.dashboard.is_complete:
                # the 工作台 draws its card and charts first (plain SQL), then the ORM loads
                self.dashboard.completed.connect(self._preload, Qt.ConnectionType.SingleShotConnection)
            else:
                QTimer.singleShot(0, self._preload)
        return super().eventFilter(watched, event)

    def _preload(self) -> None:
        from wsjc_desktop.ui import preload

        preload.start()

    def _maker(self, module: str, name: str) -> Callable[[], QWidget]:
        def make() -> QWidget:
            with wait_cursor():  # a page that cannot be made is the caller's to report
                cls = getattr(importlib.import_module(module), name)
                page: QWidget = cls(self.ctx)
            return page

        return make

    def _install_page(self, title: str, page: QWidget) -> None:
        """A page just made takes its placeholder's place (keeping which tab is current)."""
        index = next(i for i in range(self.tabs.count()) if self.tabs.tabText(i) == title)
        placeholder = self.tabs.widget(index)
        current = self.tabs.currentIndex() == index
        self._installing = True
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, page, title)
            if current:
                self.tabs.setCurrentIndex(index)
        finally:
            self._installing = False
        if placeholder is not None:
            placeholder.deleteLater()
        self._connect_page(page)
        restore = getattr(page, "restore_state", None)
        if restore is not None:
            restore(ui_settings())

    def add_page(self, page: QWidget, index: int | None = None) -> None:
        title = getattr(page, "tab_title", page.objectName())
        self.pages.add(title, page)
        if index is None:
            self.tabs.addTab(page, title)
        else:
            self.tabs.insertTab(index, page, title)
        self._connect_page(page)

    def _connect_page(self, page: QWidget) -> None:
        signal = getattr(page, "status_message", None)
        if signal is not None:
            signal.connect(self._show_count)
        related = getattr(page, "open_related", None)  # e.g. a dossier's timeline entry
        if related is not None:
            related.connect(self.show_record)

    # --- actions ---------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon: QStyle.StandardPixmap | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        hint = tip or text
        if shortcut is not None:
            hint += f"（{QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)}）"
        action.setToolTip(hint)
        action.setStatusTip(hint)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.act_new = self._action("新建", self.new_record, "Ctrl+N", sp.SP_FileIcon)
        self.act_edit = self._action("编辑", self.edit_record, "Ctrl+E", sp.SP_FileDialogDetailedView)
        self.act_delete = self._action(
            "删除", self.delete_record, QKeySequence.StandardKey.Delete, sp.SP_TrashIcon
        )
        self.act_print = self._action("打印", self.print_record, "Ctrl+P", sp.SP_DialogSaveButton)
        self.act_export = self._action("导出", self.export_view, "Ctrl+Shift+E", sp.SP_DriveFDIcon)
        self.act_find = self._action("查找", self.open_search, "Ctrl+F", sp.SP_FileDialogContentsView)
        self.act_bin = self._action("回收站", self.open_recycle_bin, None, sp.SP_DirIcon)
        self.act_refresh = self._action("刷新", self.refresh, "F5", sp.SP_BrowserReload)
        self.act_settings = self._action("设置", self.open_settings, "Ctrl+,", sp.SP_FileDialogListView)
        self.act_about = self._action("关于", self.show_about, None, sp.SP_MessageBoxInformation)
        self.act_quit = self._action("退出", self.close, "Ctrl+Q")
        self.act_import = self._action("导入花名册…", self.open_roster_import, "Ctrl+I", sp.SP_ArrowDown)
        self.act_import_ledger = self._action(
            "导入台账…",
            self.open_ledger_import,
            "Ctrl+Shift+T",
            None,
            "导入廉情提醒、列席会议、谈话等台账（本程序导出的或往年手工登记的）：先逐行预览，确认后一次导入",
        )
        self.act_collect_make = self._action(
            "生成信息采集表…",
            self.open_collect_make,
            None,
            None,
            "为一个单位生成信息采集表（Excel），由单位核对、补充干部信息后交回",
        )
        self.act_collect_import = self._action(
            "导入信息采集表…",
            self.open_collect_import,
            None,
            None,
            "导入单位交回的信息采集表：先逐人列出将要修改的内容，确认后一次导入",
        )
        self.act_backup = self._action("备份与恢复…", self.open_backups, None, sp.SP_DriveHDIcon)
        self.act_audit = self._action("审计日志…", self.open_audit_log, None, sp.SP_FileDialogDetailedView)
        self.act_lock = self._action("锁定", self.lock_now, "Ctrl+L", sp.SP_DialogNoButton, "离开时锁定程序")
        self.act_password = self._action("修改口令…", self.change_password)
        self.act_switch_user = self._action(
            "切换用户…", self.switch_user, None, None, "退出当前用户，回到登录界面"
        )
        self.act_switch_user.setEnabled(False)
        self.act_manual = self._action(
            "使用说明", self.show_manual, QKeySequence.StandardKey.HelpContents, sp.SP_DialogHelpButton
        )
        self.act_encrypt = self._action(
            "加密数据库…", self.request_encryption, None, None, "用口令加密数据库文件"
        )
        self.act_exchange_export = self._action(
            "导出交换包…",
            self.exchange.export_package,
            "Ctrl+Shift+X",
            None,
            "导出交换包（*.wsjcx）：本机对方尚未收到的修改，带到另一台电脑上导入",
        )
        self.act_exchange_import = self._action(
            "导入交换包…",
            lambda: self.exchange.import_package(),  # (not with the action's checked flag)
            "Ctrl+Shift+I",
            None,
            "导入另一台电脑导出的交换包，合并对方的修改",
        )
        self.act_exchange_sync = self._action(
            "立即同步交换文件夹",
            self.exchange.sync_now,
            "Ctrl+Shift+S",
            None,
            "导入另一台电脑放在交换文件夹中的交换包，并放入本机的交换包",
        )
        self.act_exchange_conflicts = self._action(
            "查看冲突…",
            self.exchange.show_conflicts,
            None,
            None,
            "两台电脑都修改过的内容：逐一确认或改回",
        )
        self.act_stats = self._action(
            "年度统计…",
            self.open_stats,
            "Ctrl+T",
            sp.SP_FileDialogInfoView,
            "年度统计：年终总结所需的各项数字",
        )

        menu = self.menuBar()
        file_menu = menu.addMenu("文件(&F)")
        file_menu.addAction(self.act_import)
        file_menu.addAction(self.act_import_ledger)
        file_menu.addAction(self.act_collect_make)
        file_menu.addAction(self.act_collect_import)
        for act in (self.act_print, self.act_export):
            file_menu.addAction(act)
        file_menu.addSeparator()
        file_menu.addAction(self.act_backup)
        exchange_menu = file_menu.addMenu("数据交换(&X)")
        exchange_menu.setObjectName("exchange_menu")
        exchange_menu.addAction(self.act_exchange_export)
        exchange_menu.addAction(self.act_exchange_import)
        exchange_menu.addSeparator()
        exchange_menu.addAction(self.act_exchange_sync)
        exchange_menu.addSeparator()
        exchange_menu.addAction(self.act_exchange_conflicts)
        file_menu.addSeparator()
        file_menu.addAction(self.act_lock)
        file_menu.addAction(self.act_switch_user)
        file_menu.addAction(self.act_quit)
        edit_menu = menu.addMenu("编辑(&E)")
        for act in (self.act_new, self.act_edit, self.act_delete):
            edit_menu.addAction(act)
        edit_menu.addSeparator()
        edit_menu.addAction(self.act_find)
        edit_menu.addAction(self.act_bin)
        view_menu = menu.addMenu("视图(&V)")
        view_menu.addAction(self.act_refresh)
        tools_menu = menu.addMenu("工具(&T)")
        tools_menu.addAction(self.act_stats)
        tools_menu.addAction(self.act_audit)
        tools_menu.addSeparator()
        tools_menu.addAction(self.act_password)
        tools_menu.addAction(self.act_encrypt)
        tools_menu.addAction(self.act_settings)
        help_menu = menu.addMenu("帮助(&H)")
        help_menu.addAction(self.act_manual)
        help_menu.addSeparator()
        help_menu.addAction(self.act_about)

        bar = QToolBar("工具栏")
        bar.setObjectName("main_toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for act in (self.act_new, self.act_edit, self.act_delete):
            bar.addAction(act)
        bar.addSeparator()
        for act in (self.act_print, self.act_export):
            bar.addAction(act)
        bar.addSeparator()
        for act in (self.act_find, self.act_stats, self.act_bin, self.act_refresh, self.act_settings):
            bar.addAction(act)
        self.addToolBar(bar)

    def _build_status_bar(self) -> None:
        self.count_label = QLabel()
        self.path_label = QLabel(f"数据库：{self.ctx.db.path}")
        self.path_label.setObjectName("db_path")
        self.statusBar().addWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.path_label)

    # --- routing to the current tab --------------------------------------------------

    def current_tab(self) -> WorkTab | None:
        page = self.tabs.currentWidget()
        return page if hasattr(page, "new_record") else None  # type: ignore[return-value]

    def _focused_table(self) -> RecordTable | None:
        """A sub-table (a dossier section, a meeting's opinions) that has the keyboard focus."""
        if not any(self.pages.is_built(title) for title, _m, _n in REGISTER_TABS):
            return None  # no register tab made yet: no record table anywhere
        from wsjc_desktop.ui.record_tab import RecordTab, RecordTable

        widget = QApplication.focusWidget()
        page = self.tabs.currentWidget()
        if isinstance(widget, RecordTable) and not (isinstance(page, RecordTab) and widget is page.view):
            return widget
        return None

    def new_record(self) -> None:
        tab = self.current_tab()
        if tab is not None:
            tab.new_record()

    def edit_record(self) -> None:
        table = self._focused_table()
        if table is not None:
            table.open_requested.emit()
            return
        tab = self.current_tab()
        if tab is not None:
            tab.edit_selected()

    def delete_record(self) -> None:
        table = self._focused_table()
        if table is not None:
            table.delete_requested.emit()
            return
        tab = self.current_tab()
        if tab is not None:
            tab.delete_selected()

    def print_record(self) -> None:
        tab = self.current_tab()
        if tab is not None and tab.can_print():
            tab.print_selected()

    def export_view(self) -> None:
        tab = self.current_tab()
        if tab is not None and tab.can_export():
            tab.export_view()

    def refresh(self) -> None:
        tab = self.current_tab()
        if tab is not None:
            tab.refresh()

    def _tab_changed(self, index: int) -> None:
        if self._installing:
            return
        placeholder = self.tabs.widget(index)
        if isinstance(placeholder, _Placeholder):
            self.pages[self.tabs.tabText(index)]  # make the page: it replaces the placeholder
        tab = self.current_tab()
        if tab is not None:
            tab.ensure_loaded()
        self._update_actions()

    def _update_actions(self) -> None:
        tab = self.current_tab()
        self.act_print.setEnabled(tab is not None and tab.can_print())
        self.act_export.setEnabled(tab is not None and tab.can_export())
        edits = tab is not None and getattr(tab, "edits_records", True) and not self.ctx.readonly
        for act in (self.act_new, self.act_edit, self.act_delete):
            act.setEnabled(edits)
        self.act_import.setEnabled(not self.ctx.readonly)
        self.act_collect_import.setEnabled(not self.ctx.readonly)
        self.act_import_ledger.setEnabled(not self.ctx.readonly)
        if self.ctx.readonly:  # (record_tab is not imported at start-up otherwise)
            from wsjc_desktop.ui.record_tab import READ_ONLY_TIP

            self.act_collect_import.setToolTip(READ_ONLY_TIP)
            self.act_import_ledger.setToolTip(READ_ONLY_TIP)
        for act in (self.act_exchange_export, self.act_exchange_import, self.act_exchange_sync):
            act.setEnabled(not self.ctx.readonly)  # each writes (an export records what it carried)

    def _show_count(self, text: str) -> None:
        self.count_label.setText(text)

    def _on_changes(self, changes: ChangeSet) -> None:
        self._update_actions()

    # --- dialogs ---------------------------------------------------------------------

    def open_search(self) -> None:
        from wsjc_desktop.ui.search_dialog import SearchDialog

        dialog = SearchDialog(self.ctx, self)
        dialog.open_record.connect(self.show_record)
        dialog.box.setFocus()
        exec_dialog(dialog)

    def show_tab(self, title: str) -> QWidget:
        page = self.pages[title]
        self.tabs.setCurrentWidget(page)
        loader = getattr(page, "ensure_loaded", None)
        if loader is not None:
            loader()
        return page

    def show_record(self, table: str, record_id: int) -> bool:
        title = TAB_FOR_TABLE.get(table)
        if title is None:
            return False
        page = self.show_tab(title)
        opener = getattr(page, "open_record", None)
        return bool(opener(record_id)) if opener is not None else False

    def show_unit(self, title: str, unit_id: int) -> bool:
        """Switch to a tab and select a unit there (0: only switch). In the 廉政档案 tab the unit
        opens in the tree, with how many of its files are due."""
        page = self.show_tab(title)
        if not unit_id:
            return False
        opener = getattr(page, "open_unit", None)
        if opener is not None:
            return bool(opener(unit_id))
        from wsjc_desktop.ui.tabs.dossier import DossierTab

        if isinstance(page, DossierTab):
            index = page.tree_model.index_of_unit(unit_id)
            if not index.isValid():
                return False
            page.tree.setCurrentIndex(index)
            page.tree.expand(index)
            page.tree.scrollTo(index)
            page.tree.setFocus()
            return True
        return False

    def show_notices(self, status: str) -> None:
        """The 廉情提醒 register filtered by a status (逾期, 7日内到期, 已反馈 …)."""
        from wsjc_desktop.ui.tabs.notices import NoticesTab

        page = self.show_tab(NoticesTab.tab_title)
        assert isinstance(page, NoticesTab)
        page.show_status(status)

    def send_holiday_reminders(self, holiday: str, year: int) -> None:
        """The 廉情提醒 tab's 节前提醒 flow, offering this holiday and year."""
        from wsjc_desktop.ui.tabs.notices import NoticesTab

        page = self.pages[NoticesTab.tab_title]
        assert isinstance(page, NoticesTab)
        page.send_holiday_reminders(holiday, year)

    def open_roster_import(self) -> None:
        from wsjc_desktop.ui.dialogs.roster_import import RosterImportDialog

        exec_dialog(RosterImportDialog(self.ctx, self))

    def open_ledger_import(self) -> None:
        from wsjc_desktop.ui.dialogs.ledger_import import LedgerImportDialog

        exec_dialog(LedgerImportDialog(self.ctx, self))

    def open_collect_make(self) -> None:
        from wsjc_desktop.ui.dialogs.collect_dialog import CollectMakeDialog

        exec_dialog(CollectMakeDialog(self.ctx, self))

    def open_collect_import(self) -> None:
        from wsjc_desktop.ui.dialogs.collect_dialog import CollectImportDialog

        exec_dialog(CollectImportDialog(self.ctx, self))

    def open_recycle_bin(self) -> None:
        from wsjc_desktop.ui.dialogs.recycle_bin import RecycleBinDialog

        exec_dialog(RecycleBinDialog(self.ctx, self))

    # --- the session: who is working, locking, backups, the audit log -------------------

    #: a backup the user chose to restore (the program restores it once the window has closed)
    restore_requested: Path | None = None
    #: the user asked to encrypt the file (or change its passphrase), done once the window has closed
    encryption_requested = False
    #: 切换用户: the window closes and the login asks who works next (the file stays open)
    switch_user_requested = False
    idle_lock: Any = None

    def start_session_services(self, session: Any) -> None:
        """After login: the idle lock for the member, the window title, start-up notes."""
        from wsjc_desktop.services import auth

        self.ctx.member_id = session.member_id
        who = ""
        if session.member_id is not None:
            who = auth.member_info(self.ctx.db, session.member_id).name
            from wsjc_desktop.ui.idle_lock import IdleLock

            self.idle_lock = IdleLock(self, self.ctx.db, session.member_id)
        self._set_title(who)
        self.act_lock.setEnabled(self.idle_lock is not None)
        self.act_switch_user.setEnabled(session.member_id is not None)
        self.act_password.setEnabled(session.member_id is not None and not self.ctx.readonly)
        self.act_encrypt.setEnabled(not self.ctx.readonly)
        if self.ctx.db.encrypted:
            self.act_encrypt.setText("修改数据库口令…")
        self._update_actions()
        if session.notes:
            self.statusBar().showMessage("；".join(session.notes), 15000)

    def mark_readonly(self) -> None:
        """The file turned out not to be writable (the start-up check failed): read only."""
        self._update_actions()
        self.act_password.setEnabled(False)
        self.act_encrypt.setEnabled(False)
        self._set_title("")

    def _set_title(self, who: str) -> None:
        """Who is working and whether the file only reads. The program's name is not repeated:
        Qt appends the application's display name to every window title itself."""
        parts = [who] if who else []
        if self.ctx.readonly:
            parts.append("只读")
        self.setWindowTitle(" — ".join(parts))

    def stop_session_services(self) -> None:
        """The window is done with its member: no more idle locking."""
        if self.idle_lock is not None:
            self.idle_lock.stop()
            self.idle_lock = None

    def lock_now(self) -> None:
        if self.idle_lock is not None:
            self.idle_lock.lock_now()

    def switch_user(self) -> None:
        """切换用户: log out to the login (after a confirmation); the program keeps running."""
        answer = QMessageBox.question(
            self,
            "切换用户",
            "退出当前用户并回到登录界面？未保存的输入请先保存。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.switch_user_requested = True
        self.close()

    def change_password(self) -> None:
        if self.ctx.member_id is None:
            return
        from wsjc_desktop.ui.dialogs.login_dialog import run_password_dialog

        run_password_dialog(self, self.ctx.db, self.ctx.member_id)

    def open_backups(self) -> None:
        from wsjc_desktop.ui.dialogs.backup_dialog import BackupDialog

        exec_dialog(BackupDialog(self.ctx, self, restore_hook=self.request_restore))

    def request_restore(self, backup_path: Path) -> None:
        """Restoring replaces the open file: the window closes, the program restores and starts
        again from the login."""
        self.restore_requested = Path(backup_path)
        self.close()

    def request_encryption(self) -> None:
        """Encrypting replaces the open file: after a confirmation the window closes, the program
        asks for the new passphrase, converts the file and starts again."""
        what = "修改数据库口令" if self.ctx.db.encrypted else "加密数据库文件"
        answer = QMessageBox.question(
            self,
            what,
            f"{what}需要先关闭数据库（未保存的输入请先保存）。完成后程序将重新打开。是否继续？",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.encryption_requested = True
        self.close()

    def open_audit_log(self) -> None:
        from wsjc_desktop.ui.dialogs.audit_viewer import AuditViewer

        exec_dialog(AuditViewer(self.ctx, self))

    def open_stats(self) -> None:
        """The 年度统计 window (non-modal; one at a time): a record behind a figure opens here."""
        from wsjc_desktop.ui.dialogs.stats_dialog import open_stats_dialog

        existing = getattr(self, "_stats_dialog", None)
        if existing is not None and existing.isVisible():
            existing.activateWindow()
            return
        dialog = open_stats_dialog(self, self.ctx)
        dialog.open_record.connect(self._open_traced_record)
        self._stats_dialog = dialog

    def _open_traced_record(self, table: str, record_id: int) -> None:
        """Open a record behind a figure: a dossier section (党廉回复, 线索) opens its cadre's file."""
        if table not in TAB_FOR_TABLE:
            from wsjc_desktop.services import records

            row = records.get(self.ctx.db, table, record_id)
            if row.get("cadre_id"):
                table, record_id = "cadres", int(row["cadre_id"])
            elif row.get("unit_id"):
                self.show_unit(TAB_FOR_TABLE["cadres"], int(row["unit_id"]))
                return
        if not self.show_record(table, record_id):
            self.statusBar().showMessage("未能打开该记录（可能已被删除）。", 5000)

    def open_settings(self) -> None:
        from wsjc_desktop.ui.dialogs.settings_dialog import SettingsDialog

        exec_dialog(SettingsDialog(self.ctx, self))
        self.exchange.changed.emit()  # 数据交换: this PC's name, folder or kept passphrase

    def show_manual(self) -> None:
        """帮助 → 使用说明 (F1): the Chinese manual from resources/, in a window of its own, at
        the section about the tab in front."""
        from wsjc_desktop.ui.dialogs.help_dialog import TAB_SECTIONS, show_manual

        show_manual(self, TAB_SECTIONS.get(self.tabs.tabText(self.tabs.currentIndex())))

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "关于",
            f"<h3>{APP_TITLE}</h3><p>版本 {__version__}</p>"
            "<p>离线运行，不联网；全部数据保存在本机的一个数据库文件中。</p>"
            f"<p>数据库：{self.ctx.db.path}</p>",
        )

    # --- remembered layout -----------------------------------------------------------

    def _restore_layout(self) -> None:
        settings = ui_settings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)  # Qt moves it onto a screen if that one is gone
            fit_to_screen(self)  # saved on a larger screen: it still fits this one
        else:
            fit_to_screen(self, QSize(1280, 800))
        state = settings.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        for page in self.pages.built().values():  # the others restore theirs when made
            restore = getattr(page, "restore_state", None)
            if restore is not None:
                restore(settings)
        # by title: an index would point elsewhere whenever tabs are added (the 工作台 came first)
        title = settings.value("window/tab_title")
        if isinstance(title, str) and title in self.pages:
            self.show_tab(title)
        self._update_actions()

    def save_layout(self) -> None:
        settings = ui_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/tab_title", self.tabs.tabText(self.tabs.currentIndex()))
        for page in self.pages.built().values():  # a page never made has nothing new to save
            save = getattr(page, "save_state", None)
            if save is not None:
                save(settings)
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        if not (self.restore_requested or self.encryption_requested or self.switch_user_requested):
            self.exchange.at_exit()  # the program ends: the exchange folder, before the exit backup
        super().closeEvent(event)
