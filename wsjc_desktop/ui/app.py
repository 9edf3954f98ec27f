"""Start-up of the window: Qt application, bundled fonts, the database, the main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from wsjc_desktop.errors import UserError

log = logging.getLogger(__name__)

#: The bundled family used wherever the system font has no Chinese glyphs.
FALLBACK_FAMILY = "WenQuanYi Micro Hei"


#: Fonts the window needs (the printing fonts under resources/fonts/ are for PDFs only and
#: would cost start-up time if Qt parsed them too).
UI_FONT_FILES = ("wqy-microhei.ttc",)


def register_fonts() -> list[str]:
    """Register the bundled UI font so Chinese text never renders as boxes. Returns the families."""
    from PySide6.QtGui import QFontDatabase

    from wsjc_desktop.resources import resources_root

    families: list[str] = []
    for name in UI_FONT_FILES:
        path = resources_root() / "fonts" / name
        font_id = QFontDatabase.addApplicationFont(str(path)) if path.exists() else -1
        if font_id < 0:
            log.warning("could not load font %s", path)
            continue
        families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families


def translation_dirs() -> list[Path]:
    """Where Qt's own translations may be: Qt's configured folder, then beside the PySide6
    package (a PyInstaller bundle keeps them under ``PySide6/Qt/translations`` or
    ``PySide6/translations``)."""
    import PySide6
    from PySide6.QtCore import QLibraryInfo

    package = Path(PySide6.__file__).resolve().parent
    dirs = [
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        package / "Qt" / "translations",
        package / "translations",
    ]
    return list(dict.fromkeys(dirs))


#: Qt's catalogue for its own dialogs, message-box buttons and context menus.
QT_CATALOGUE = "qtbase_zh_CN.qm"


def install_translations(app: object) -> bool:
    """Load Qt's Simplified Chinese translations (OK → 确定, Copy → 复制, the file and print
    dialogs) and make Chinese the default locale. Returns whether the catalogue was found."""
    from PySide6.QtCore import QLocale, QTranslator
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    for folder in translation_dirs():
        path = folder / QT_CATALOGUE
        if not path.is_file():
            continue
        translator = QTranslator(app)  # parented: lives as long as the application
        if translator.load(str(path)) and app.installTranslator(translator):
            return True
    log.warning("Qt's Chinese translations (%s) not found in %s", QT_CATALOGUE, translation_dirs())
    return False


#: Input methods whose Qt 6 plugin the program does not carry, with one it carries that speaks to
#: them: fcitx 5 answers on the ibus protocol (its ibus front end, on by default), so on UOS and
#: Kylin, whose sessions say QT_IM_MODULE=fcitx, Chinese is typed through Qt's ibus plugin. (fcitx's
#: own Qt 6 plugin is built against one Qt release's private API: a system copy cannot load here.)
IM_FALLBACKS = {"fcitx": "ibus", "fcitx5": "ibus"}


def input_context_plugins() -> set[str]:
    """Names of the input-context plugins Qt can load (``ibus``, ``compose``, …), from its plugin
    folder and QT_PLUGIN_PATH."""
    import os

    from PySide6.QtCore import QLibraryInfo

    folders = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))]
    folders += [Path(p) for p in os.environ.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p]
    names: set[str] = set()
    for folder in folders:
        for path in (folder / "platforminputcontexts").glob("*"):
            stem = path.name.split(".")[0].removeprefix("lib")
            names.add(stem.removesuffix("platforminputcontextplugin"))
    return names


def choose_input_method(environ: dict[str, str], plugins: set[str], platform: str) -> str | None:
    """The QT_IM_MODULE to use instead of the session's, or None to keep it: on Linux, an input
    method named by the session whose plugin Qt lacks is reached through one it has
    (:data:`IM_FALLBACKS`)."""
    if not platform.startswith("linux"):
        return None
    requested = environ.get("QT_IM_MODULE", "").strip().lower()
    if not requested or any(requested in name for name in plugins):
        return None
    fallback = IM_FALLBACKS.get(requested)
    return fallback if fallback in plugins else None


def setup_application(*, crash_dialog: bool = True) -> object:
    """The QApplication with names, fonts and (unless told not to) the crash handler."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from wsjc_desktop import APP_NAME, APP_TITLE
    from wsjc_desktop.ui.errors import install_gui_excepthook

    if QApplication.instance() is None:
        import os

        im = choose_input_method(dict(os.environ), input_context_plugins(), sys.platform)
        if im:
            log.info(
                "input method: QT_IM_MODULE=%s has no Qt plugin here, using %s",
                os.environ["QT_IM_MODULE"],
                im,
            )
            os.environ["QT_IM_MODULE"] = im
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    if app.property("wsjc_ready"):
        return app
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setOrganizationName("WSJC")
    from PySide6.QtGui import QIcon

    from wsjc_desktop.resources import resources_root

    icon = resources_root() / "icons" / "wsjc.ico"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    install_translations(app)
    from wsjc_desktop.ui import collector, table_copy

    collector.install(app)  # cycles are freed on the GUI thread, never in a worker thread

    table_copy.install(app)  # Ctrl+C and 复制 on every table: rows with their header, for Excel/WPS
    from wsjc_desktop.ui import dialog_behaviour

    dialog_behaviour.install(app)  # every dialog: first field focused, fitted to the free screen area
    families = register_fonts()
    font = QFont(app.font())
    fallback = FALLBACK_FAMILY if FALLBACK_FAMILY in families else (families[0] if families else None)
    if fallback:
        # keep the system's UI font first (微软雅黑 on Chinese Windows); ours fills any gaps
        font.setFamilies([*font.families(), fallback])
        if font.pointSizeF() < 10:
            font.setPointSizeF(10)
        app.setFont(font)
    if crash_dialog:
        install_gui_excepthook()
    app.setProperty("wsjc_ready", True)
    return app


def open_main_window(db_path: Path, *, tab: str | None = None) -> tuple[object, object]:
    """Open the database and show the main window on it, with no start-up dialogs (tests,
    benchmarks). Returns (window, context). The program itself starts through :func:`run_gui`.

    Raises UserError for a file that cannot be opened, ValueError for an unknown tab.
    """
    from wsjc_desktop.storage.database import open_database

    db = open_database(db_path, check_in_background=True)
    try:
        return _show_window(db, tab)
    except (ValueError, UserError):  # an unknown tab; a damaged page met by the first screen
        db.dispose()
        raise


def _show_window(db: object, tab: str | None, member_id: int | None = None) -> tuple[object, object]:
    from wsjc_desktop.storage.database import Database
    from wsjc_desktop.ui.context import AppContext
    from wsjc_desktop.ui.main_window import MainWindow

    assert isinstance(db, Database)
    ctx = AppContext.create(db)
    ctx.member_id = member_id
    window = MainWindow(ctx)
    if tab is not None and tab not in window.pages:
        ctx.hub.close()
        raise ValueError(f"没有名为“{tab}”的标签页，可选：{'、'.join(window.pages)}")
    window.show()
    if tab is not None:
        window.show_tab(tab)
    if db.check_pending or db.check_failed or db.check_warning:
        _watch_check(window, db)
    return window, ctx


def _watch_check(window: object, db: object) -> None:
    """Tell the user if the start-up check running behind the window finds the file damaged:
    the window then only reads (every write would be refused anyway). A warning (the audit log
    altered) is shown too, and the window goes on working."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QMessageBox

    from wsjc_desktop import APP_TITLE
    from wsjc_desktop.storage.database import Database
    from wsjc_desktop.ui.actions import run_action
    from wsjc_desktop.ui.main_window import MainWindow

    assert isinstance(window, MainWindow) and isinstance(db, Database)
    timer = QTimer(window)
    timer.setInterval(50)

    def stop_writing(_exc: UserError) -> None:
        db.readonly = True
        window.mark_readonly()

    def poll() -> None:
        if db.check_pending:
            return
        timer.stop()
        timer.deleteLater()
        if not db.check_failed:
            if db.check_warning:
                box = QMessageBox(QMessageBox.Icon.Warning, APP_TITLE, db.check_warning, parent=window)
                box.setObjectName("check_warning")
                box.setInformativeText("程序可以继续使用。请核对审计日志，并妥善保管备份。")
                box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                box.open()  # window-modal, no nested event loop: work goes on once it is read
                window.statusBar().showMessage("审计日志校验未通过，详见提示。")
            return
        run_action(
            window,
            db.wait_checked,
            title=APP_TITLE,
            critical=True,
            text="{message}\n\n请关闭程序后重新打开，按提示从备份恢复。",
            on_error=stop_writing,
        )

    timer.timeout.connect(poll)
    timer.start()


def current_tab_loaded(window: object) -> bool:
    page = window.tabs.currentWidget()  # type: ignore[attr-defined]
    return bool(getattr(page, "is_loaded", True))


#: How often the writer lock's heartbeat is renewed (a lock silent for 10 minutes counts as stale).
HEARTBEAT_MS = 60_000


def run_gui(db_path: Path, *, screenshot: Path | None = None, tab: str | None = None) -> int:
    """The program: start-up steps (passphrase, check, lock, login, backup), the window, and at
    exit a backup and the lock released. A restore chosen in the window closes the database,
    restores, and starts again from the login."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from wsjc_desktop.ui.startup import (
        Session,
        encrypt_and_restart,
        restore_and_restart,
        start_session,
        switch_member,
    )

    app = setup_application()
    assert isinstance(app, QApplication)
    login = screenshot is None or (_group_has_logins(db_path) and not _demo_logins(db_path))
    kept: Session | None = None  # 切换用户 keeps the file open for the next member
    while True:
        session = kept if kept is not None else start_session(db_path, login=login)
        kept = None
        if session is None:
            return 0
        try:
            window, ctx = _show_window(session.db, tab, session.member_id)
        except ValueError as exc:
            sys.stderr.write(f"错误：{exc}\n")
            session.close(backup=False)
            return 2
        from wsjc_desktop.ui.main_window import MainWindow

        assert isinstance(window, MainWindow)
        window.start_session_services(session)
        if screenshot is None:
            window.exchange.start_auto()  # the exchange folder, once the window is up (and at exit)
        if session.backup_thread is not None:
            _report_backup(window, session)
        heartbeat = QTimer()
        if session.writer_lock is not None:
            heartbeat.timeout.connect(lambda current=session: _renew(current))
            heartbeat.start(HEARTBEAT_MS)
        if screenshot is not None:
            _shoot_when_loaded(app, window, screenshot)
        code = app.exec()
        heartbeat.stop()
        restore = window.restore_requested
        encrypt = window.encryption_requested
        switching = window.switch_user_requested
        window.stop_session_services()
        ctx.hub.close()  # type: ignore[attr-defined]
        window.deleteLater()
        if switching:
            if switch_member(session):
                kept = session
                continue
            session.close()
            return 0
        session.close(backup=restore is None)
        if restore is not None:
            restore_and_restart(db_path, restore, session.key)
        elif encrypt:
            encrypt_and_restart(db_path, session.key)
        else:
            return int(code)


def _report_backup(window: object, session: object) -> None:
    """Once the start backup running behind the window is over, show what it noted (a failure)."""
    from PySide6.QtCore import QTimer

    from wsjc_desktop.ui.main_window import MainWindow
    from wsjc_desktop.ui.startup import Session

    assert isinstance(window, MainWindow) and isinstance(session, Session)
    before = len(session.notes)
    timer = QTimer(window)
    timer.setInterval(200)

    def poll() -> None:
        thread = session.backup_thread
        if thread is not None and thread.is_alive():
            return
        timer.stop()
        if len(session.notes) > before:
            window.statusBar().showMessage("；".join(session.notes[before:]), 15000)

    timer.timeout.connect(poll)
    timer.start()


def _renew(session: object) -> None:
    from wsjc_desktop.errors import UserError
    from wsjc_desktop.ui.startup import Session

    assert isinstance(session, Session)
    if session.writer_lock is None:
        return
    try:
        session.writer_lock.refresh()
    except UserError as exc:  # the lock was taken over: say so, stop writing
        log.error("writer lock lost: %s", exc.message)


def _demo_logins(db_path: Path) -> bool:
    """A demo file (every login has the public demo password): a screenshot need not log in."""
    from wsjc_desktop.services.demo import has_demo_logins

    return has_demo_logins(db_path)


def _group_has_logins(db_path: Path) -> bool:
    """Whether the file's group has members with passwords (then even a screenshot logs in).
    A file that cannot be read here (missing, encrypted) counts as having none: the start-up
    steps deal with it."""
    import sqlite3

    from wsjc_desktop.storage.media import try_connect_readonly

    path = Path(db_path)
    if not path.is_file():
        return False
    conn = try_connect_readonly(path)
    if conn is None:
        return False
    try:
        row = conn.execute(
            "SELECT count(*) FROM members WHERE deleted_at IS NULL AND password_hash IS NOT NULL"
        ).fetchone()
        return bool(row and row[0])
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _shoot_when_loaded(app: object, window: object, screenshot: Path) -> None:
    from PySide6.QtCore import QTimer

    window.resize(1280, 800)  # type: ignore[attr-defined]  # the same frame every time
    waited = [0]

    def shoot() -> None:
        if not current_tab_loaded(window) and waited[0] < 200:
            waited[0] += 1
            QTimer.singleShot(50, shoot)
            return
        select_first = getattr(window.tabs.currentWidget(), "select_first", None)  # type: ignore[attr-defined]
        if select_first is not None:
            select_first()  # show the detail pane filled, not empty
        app.processEvents()  # type: ignore[attr-defined]
        window.grab().save(str(screenshot))  # type: ignore[attr-defined]
        window.close()  # type: ignore[attr-defined]

    QTimer.singleShot(200, shoot)
