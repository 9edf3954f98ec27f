"""The main window: one tab per register."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget

from wsjc_desktop import APP_TITLE
from wsjc_desktop.storage.database import Database

TABS = (
    ("units", "监督单位"),
    ("cadres", "廉政档案"),
    ("alert_notices", "廉情提醒"),
    ("meetings", "列席会议"),
    ("talks", "谈话记录"),
)


class MainWindow(QMainWindow):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.setWindowTitle(f"{APP_TITLE} — {db.path}")
        self.resize(1200, 760)
        self.tabs = QTabWidget()
        for table, label in TABS:
            page = QLabel(label)
            page.setObjectName(f"tab_{table}")
            self.tabs.addTab(page, label)
        self.setCentralWidget(self.tabs)
        self.statusBar().showMessage(str(db.path))
