"""Where the program keeps its data: the user's data folder, or beside the program when portable."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_DIR_NAME = "WSJC Desktop"
DB_FILE_NAME = "wsjc.db"


def data_dir() -> Path:
    override = os.environ.get("WSJC_DATA_DIR")
    path = Path(override) if override else user_data_path(APP_DIR_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    """``WSJC_DB`` if set, else ``wsjc.db`` in the data folder."""
    env = os.environ.get("WSJC_DB")
    if env:
        return Path(env).expanduser()
    return data_dir() / DB_FILE_NAME


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def backup_dir_for(db_path: Path) -> Path:
    return db_path.parent / "backups"
