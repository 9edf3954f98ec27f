"""Regenerate the manual's pictures (resources/manual/img/) and docs/screenshots/manual.png.

python scripts/make_manual_screenshots.py

Everything runs offscreen in this one process, on a screen of a 1366×768 office laptop (1366×728
left free by the taskbar), in a temporary data folder (so the 工作台 shows its first-start hint):
a demo database written as of :data:`TODAY` (as scripts/make_screenshots.py writes it), the
window's tabs at :data:`WINDOW` and the dialogs a clerk meets daily at their own size. Each
picture is saved as a 256-colour PNG (screenshots of a window lose nothing visible that way, at
a third of the size); the manual's folder stays well under 3 MB. Last, the 使用说明 window itself
is shot on the same screen for the README (docs/screenshots/manual.png).
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QPixmap
    from PySide6.QtWidgets import QWidget

    from wsjc_desktop.ui.context import AppContext
    from wsjc_desktop.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "manual" / "img"
DOCS_SHOT = ROOT / "docs" / "screenshots" / "manual.png"
#: The day the demo data is written up to and the window believes it is (as make_screenshots.py).
TODAY = date(2026, 11, 22)
#: The main window in the pictures: small enough that its text stays legible in the manual.
WINDOW = (1100, 680)
#: The screen: 1366×768 with a 40 px taskbar.
SCREEN = {"width": 1366, "height": 728}
#: What the set-up wizard is shown filled in with (the demo's own group).
GROUP_NAME = "区纪委监委驻区发展和改革委员会纪检监察组"
AGENCY_CODE = "驻发改纪"
#: The default database of a Windows PC (paths.data_dir: %LOCALAPPDATA%\\WSJC Desktop).
WINDOWS_DB_PATH = r"C:\Users\wangjg\AppData\Local\WSJC Desktop\wsjc.db"
WINDOWS_BACKUP_DIR = r"C:\Users\wangjg\AppData\Local\WSJC Desktop\backups"
#: Pictures in the manual: a 256-colour palette; a few hundred colours of anti-aliased text
#: collapse into it without visible change.
COLOURS = 256


def _screen_config(folder: Path) -> str:
    config = {
        "synchronousWindowSystemEvents": False,
        "windowFrameMargins": True,
        "screens": [
            {
                "name": "laptop-1366x768",
                "x": 0,
                "y": 0,
                **SCREEN,
                "logicalDpi": 96,
                "logicalBaseDpi": 96,
                "dpr": 1,
            }
        ],
    }
    path = folder / "screen.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return str(path)


def save_png(image: QPixmap, target: Path) -> int:
    """Save a grab as an optimised 256-colour PNG; returns its size in bytes."""
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    picture = Image.open(io.BytesIO(buffer.data().data())).convert("RGB")
    paletted = picture.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    target.parent.mkdir(parents=True, exist_ok=True)
    paletted.save(target, "PNG", optimize=True)
    return target.stat().st_size


class Shooter:
    """The demo database, the application and the window the pictures are taken of."""

    def __init__(self, folder: Path) -> None:
        from PySide6.QtWidgets import QApplication

        from wsjc_desktop.services import auth
        from wsjc_desktop.services.demo import DEMO_PASSWORD, generate_demo
        from wsjc_desktop.storage.database import open_database
        from wsjc_desktop.ui.app import setup_application

        self.app = setup_application(crash_dialog=False)
        assert isinstance(self.app, QApplication)
        self.empty_db = open_database(folder / "empty.db")
        self.db = open_database(folder / "demo.db")
        # the demo names the group, gives it its 机关代字 and its members the demo password
        generate_demo(self.db, seed=7, today=TODAY)
        self.member_id = auth.login(self.db, auth.login_members(self.db)[0][0], DEMO_PASSWORD).id

    def settle(self, rounds: int = 8) -> None:
        from PySide6.QtCore import QCoreApplication, QEventLoop, QThread

        for _ in range(rounds):
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            QThread.msleep(10)

    def shoot(self, name: str, widget: QWidget) -> None:
        self.settle()
        size = save_png(widget.grab(), OUT / f"{name}.png")
        print(f"{name}.png  {widget.width()}×{widget.height()}  {size // 1024} KB")

    def context(self) -> AppContext:
        from wsjc_desktop.ui.context import AppContext

        ctx = AppContext.create(self.db)
        ctx.today_override = TODAY
        ctx.member_id = self.member_id
        return ctx

    # --- the pictures ----------------------------------------------------------------

    def setup_wizard(self) -> None:
        """首次使用: both pages, filled in."""
        from wsjc_desktop.ui.dialogs.setup_wizard import SetupWizard

        wizard = SetupWizard(self.empty_db, year=TODAY.year)
        wizard.group_name.setText(GROUP_NAME)
        wizard.agency_code.setText(AGENCY_CODE)
        for row, (name, password) in zip(
            wizard.rows, (("王建国", "secret-1"), ("李晓红", "secret-2")), strict=False
        ):
            row.name.setText(name)
            row.password.setText(password)
            row.confirm.setText(password)
        wizard.show()
        self.shoot("setup", wizard)
        wizard.go(1)
        self.shoot("setup_members", wizard)
        wizard.close()

    def login(self) -> None:
        from wsjc_desktop.ui.dialogs.login_dialog import LoginDialog

        dialog = LoginDialog(self.db)
        dialog.show()
        self.shoot("login", dialog)
        dialog.close()

    def main_window(self) -> None:
        from wsjc_desktop.ui.main_window import MainWindow

        ctx = self.context()
        window = MainWindow(ctx)
        window.resize(*WINDOW)
        window.show()
        # the status bar names the database: where it lives on the clerk's Windows PC, not the
        # temporary folder of this script
        window.path_label.setText(f"数据库：{WINDOWS_DB_PATH}")
        for title, name in (
            ("工作台", "dashboard"),
            ("监督单位", "units"),
            ("廉政档案", "dossier"),
            ("廉情提醒", "notices"),
            ("列席会议", "meetings"),
            ("谈话记录", "talks"),
        ):
            page = window.show_tab(title)
            self.settle()
            select_first = getattr(page, "select_first", None)
            if select_first is not None:
                select_first()
            self.shoot(name, window)
        self.notice_form(ctx, window)
        self.dialogs(ctx, window)
        window.close()
        ctx.hub.close()

    def notice_form(self, ctx: AppContext, window: MainWindow) -> None:
        """编辑廉情提醒: the form of a notice already issued."""
        from wsjc_desktop.domain.fields import ALERT_NOTICE
        from wsjc_desktop.services import records
        from wsjc_desktop.ui.forms import RecordDialog
        from wsjc_desktop.ui.tabs.notices import NoticesTab

        page = window.show_tab(NoticesTab.tab_title)
        assert isinstance(page, NoticesTab)
        notice_id = page.selected_id()
        assert notice_id is not None
        values = records.get(self.db, "alert_notices", notice_id)
        dialog = RecordDialog(
            ALERT_NOTICE,
            ctx.lookups,
            lambda _values: None,
            title=f"编辑廉情提醒 — {str(values['title'])[:20]}",
            values=values,
            parent=window,
        )
        dialog.show()
        self.shoot("notice_form", dialog)
        dialog.close()

    def dialogs(self, ctx: AppContext, window: MainWindow) -> None:
        from wsjc_desktop.services import backup
        from wsjc_desktop.storage.search_index import pinyin_keys
        from wsjc_desktop.ui.dialogs.backup_dialog import BackupDialog
        from wsjc_desktop.ui.dialogs.roster_import import RosterImportDialog
        from wsjc_desktop.ui.dialogs.settings_dialog import SettingsDialog
        from wsjc_desktop.ui.dialogs.stats_dialog import open_stats_dialog
        from wsjc_desktop.ui.search_dialog import SearchDialog

        search = SearchDialog(ctx, window)
        name = ctx.lookups.name("cadres", 1)
        search.box.setText(pinyin_keys(name)[1][:2])  # initials: several cadres
        search.run()
        search.show()
        self.shoot("search", search)
        search.close()

        settings_dialog = SettingsDialog(ctx, window)
        settings_dialog.show()
        self.shoot("settings", settings_dialog)
        settings_dialog.close()

        stats = open_stats_dialog(window, ctx)
        first = stats.figures.topLevelItem(0)
        figure = first.child(0) if first is not None else None
        if figure is not None:
            stats.figures.setCurrentItem(figure)
        self.shoot("stats", stats)
        stats.close()

        morning = datetime.combine(TODAY, datetime.min.time())
        backup.auto_backup(self.db, "start", now=morning.replace(hour=8, minute=30))
        backup.create_backup(self.db, now=morning.replace(hour=16, minute=45))
        backups = BackupDialog(ctx, window, restore_hook=lambda _path: None)
        backups.folder_label.setText(f"备份文件夹：{WINDOWS_BACKUP_DIR}")
        backups.table.selectRow(0)
        backups.show()
        self.shoot("backup", backups)
        backups.close()

        roster = RosterImportDialog(ctx, window, path=ROOT / "tests" / "fixtures" / "roster_sample.xlsx")
        roster.show()
        self.shoot("roster_import", roster)
        roster.close()

    def manual(self) -> None:
        """The 使用说明 window as it opens on a 1366×768 screen, at the 廉情提醒 section."""
        from wsjc_desktop.ui.dialogs.help_dialog import show_manual

        dialog = show_manual(None, "notices")
        self.settle()
        dialog.go_to("notices")
        self.settle()
        save_png(dialog.grab(), DOCS_SHOT)
        print(f"{DOCS_SHOT.relative_to(ROOT)}  {dialog.width()}×{dialog.height()}")
        dialog.close()

    def close(self) -> None:
        self.db.dispose()
        self.empty_db.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["WSJC_DATA_DIR"] = str(folder / "data")
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen_config(folder)}"
        sys.path.insert(0, str(ROOT))
        shooter = Shooter(folder)
        try:
            shooter.setup_wizard()
            shooter.login()
            shooter.main_window()
            shooter.manual()
        finally:
            shooter.close()
        total = sum(p.stat().st_size for p in OUT.parent.rglob("*") if p.is_file())
        print(f"resources/manual: {total / 1024 / 1024:.2f} MB")


if __name__ == "__main__":
    main()
