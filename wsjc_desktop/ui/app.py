"""Start-up of the window: Qt application, bundled fonts, the database, the main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)


def register_fonts() -> list[str]:
    """Register every bundled font so Chinese text never renders as boxes. Returns the families."""
    from PySide6.QtGui import QFontDatabase

    from wsjc_desktop.resources import resources_root

    families: list[str] = []
    folder = resources_root() / "fonts"
    for path in sorted(folder.glob("*.tt[fc]")) if folder.is_dir() else []:
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("could not load font %s", path)
            continue
        families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families


def run_gui(db_path: Path, *, screenshot: Path | None = None) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from wsjc_desktop import APP_NAME, APP_TITLE
    from wsjc_desktop.errors import UserError
    from wsjc_desktop.storage.database import open_database
    from wsjc_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setOrganizationName("WSJC")
    register_fonts()
    try:
        db = open_database(db_path)
    except UserError as exc:
        QMessageBox.critical(None, APP_TITLE, exc.message)
        return 2
    window = MainWindow(db)
    window.show()
    if screenshot is not None:

        def shoot() -> None:
            window.grab().save(str(screenshot))
            window.close()

        QTimer.singleShot(300, shoot)
    code = app.exec()
    db.dispose()
    return int(code)
