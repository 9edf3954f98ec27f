"""Start-up of the window: Qt application, bundled fonts, the database, the main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

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


def setup_application(*, crash_dialog: bool = True) -> object:
    """The QApplication with names, fonts and (unless told not to) the crash handler."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from wsjc_desktop import APP_NAME, APP_TITLE
    from wsjc_desktop.ui.errors import install_gui_excepthook

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    if app.property("wsjc_ready"):
        return app
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setOrganizationName("WSJC")
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
    """Open the database and show the main window on it. Returns (window, context).

    Raises UserError for a file that cannot be opened, ValueError for an unknown tab.
    """
    from wsjc_desktop.storage.database import open_database
    from wsjc_desktop.ui.context import AppContext
    from wsjc_desktop.ui.main_window import MainWindow

    db = open_database(db_path)
    ctx = AppContext.create(db)
    window = MainWindow(ctx)
    if tab is not None and tab not in window.pages:
        ctx.hub.close()
        db.dispose()
        raise ValueError(f"没有名为“{tab}”的标签页，可选：{'、'.join(window.pages)}")
    window.show()
    if tab is not None:
        window.show_tab(tab)
    return window, ctx


def current_tab_loaded(window: object) -> bool:
    page = window.tabs.currentWidget()  # type: ignore[attr-defined]
    return bool(getattr(page, "is_loaded", True))


def run_gui(db_path: Path, *, screenshot: Path | None = None, tab: str | None = None) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from wsjc_desktop import APP_TITLE
    from wsjc_desktop.errors import UserError
    from wsjc_desktop.ui.context import AppContext
    from wsjc_desktop.ui.main_window import MainWindow

    app = setup_application()
    assert isinstance(app, QApplication)
    try:
        window, ctx = open_main_window(db_path, tab=tab)
    except UserError as exc:
        QMessageBox.critical(None, APP_TITLE, exc.message)
        return 2
    except ValueError as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return 2
    assert isinstance(window, MainWindow) and isinstance(ctx, AppContext)
    if screenshot is not None:
        window.resize(1280, 800)  # the same frame every time, whatever was remembered
        waited = [0]

        def shoot() -> None:
            if not current_tab_loaded(window) and waited[0] < 200:
                waited[0] += 1
                QTimer.singleShot(50, shoot)
                return
            select_first = getattr(window.tabs.currentWidget(), "select_first", None)
            if select_first is not None:
                select_first()  # show the detail pane filled, not empty
            app.processEvents()
            window.grab().save(str(screenshot))
            window.close()

        QTimer.singleShot(200, shoot)
    code = app.exec()
    ctx.hub.close()
    ctx.db.dispose()
    return int(code)
