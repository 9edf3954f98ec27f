"""Screenshots of what a new user meets on the first day, on a 1366×768 laptop screen.

python scripts/make_first_day_screenshots.py

Qt runs offscreen on a 1366×728 screen (the free area above a 40 px taskbar); each picture is the
whole 1366×768 screen: the windows where the program put them, and a taskbar strip below.
Written to docs/screenshots/: ``first_day_setup.png`` (the setup wizard with the 机关代字 and the
preview of the first numbers), ``first_day_cadre_form.png`` (the cadre form, 保存 and 取消 in
view), ``first_day_message_box.png`` (a Chinese message box: 是/否), ``first_day_manual.png``
(使用说明).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SCREEN_CONFIG = ROOT / "tests" / "fixtures" / "screen_1366x728.json"
TASKBAR = 40

os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN_CONFIG}"
sys.path.insert(0, str(ROOT))


def screen_picture(target: Path) -> None:
    """Paint every visible window at its place on a 1366×768 screen, with a taskbar; save it."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter
    from PySide6.QtWidgets import QApplication

    screen = QApplication.primaryScreen()
    area = screen.availableGeometry()
    image = QImage(area.width(), area.height() + TASKBAR, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a6ea5"))
    painter = QPainter(image)
    windows = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()]
    windows.sort(key=lambda w: (w.isModal(), w.windowType() == Qt.WindowType.Dialog))
    for window in windows:  # offscreen windows have a 2 px frame and no title bar
        frame = window.frameGeometry()
        painter.fillRect(frame, QColor("#8a949e"))
        painter.drawPixmap(window.geometry().topLeft(), window.grab())
    painter.fillRect(0, area.height(), area.width(), TASKBAR, QColor("#1f2a36"))
    painter.setPen(QColor("#ffffff"))
    painter.setFont(QFont(QApplication.font().family(), 10))
    painter.drawText(16, area.height() + 26, "开始    派驻纪检监察组 监督工作台")
    painter.end()
    image.save(str(target))
    print(f"wrote {target.relative_to(ROOT)}")


def while_modal(action: Callable[[], object], shoot: Callable[[object], None]) -> None:
    """Run ``action`` (which opens a modal window); once it is up, ``shoot`` it, then close it."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(50, poll)
            return
        for _ in range(5):
            QApplication.processEvents()
        shoot(widget)
        widget.close()

    QTimer.singleShot(100, poll)
    action()


def main() -> None:
    from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

    from wsjc_desktop.services.demo import generate_demo
    from wsjc_desktop.storage.database import open_database
    from wsjc_desktop.ui.app import setup_application
    from wsjc_desktop.ui.context import AppContext
    from wsjc_desktop.ui.main_window import MainWindow

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WSJC_DATA_DIR"] = str(Path(tmp) / "data")
        app = setup_application()
        assert isinstance(app, QApplication)

        # the setup wizard of a new database, with a group name and its 机关代字 typed
        fresh = open_database(Path(tmp) / "new.db")
        from wsjc_desktop.ui.dialogs import setup_wizard

        def fill_setup(widget: object) -> None:
            name = widget.findChild(QLineEdit, "setup_group_name")  # type: ignore[attr-defined]
            if name is not None:
                name.setText("区纪委监委驻区财政局纪检监察组")
            code = widget.findChild(QLineEdit, "setup_agency_code")  # type: ignore[attr-defined]
            if code is not None:
                code.setText("驻财")
            screen_picture(OUT / "first_day_setup.png")

        while_modal(lambda: setup_wizard.run_setup(None, fresh), fill_setup)
        fresh.dispose()

        db = open_database(Path(tmp) / "demo.db")
        generate_demo(db, seed=7)
        ctx = AppContext.create(db)
        window = MainWindow(ctx)
        window.show()
        page = window.show_tab("廉政档案")
        for _ in range(10):
            app.processEvents()

        # the cadre form (the longest form) on a 728 px high screen
        new_record = getattr(page, "new_record")  # noqa: B009
        while_modal(new_record, lambda _w: screen_picture(OUT / "first_day_cadre_form.png"))

        # a Chinese message box (Qt's own buttons: 是 / 否)
        def ask() -> None:
            QMessageBox.question(window, "切换用户", "退出当前用户并回到登录界面？未保存的输入请先保存。")

        while_modal(ask, lambda _w: screen_picture(OUT / "first_day_message_box.png"))

        # the manual (F1)
        window.show_tab("工作台")
        window.show_manual()
        for _ in range(10):
            app.processEvents()
        screen_picture(OUT / "first_day_manual.png")
        for widget in QApplication.topLevelWidgets():
            if widget is not window and widget.isVisible():
                widget.close()
        window.close()
        ctx.hub.close()
        db.dispose()


if __name__ == "__main__":
    main()
