"""Where the program keeps its data: the user's data folder, or beside the program when portable.

Everything the program writes on its own (the default database, ``backups/`` beside it, the log
in ``logs/``, window layout in ``ui.ini``) lives in :func:`data_dir`, chosen in this order:

1. ``WSJC_DATA_DIR`` if set (tests, benchmarks, administrators);
2. portable mode — ``--portable`` on the command line, or a file ``portable.txt`` beside the
   program — ``data/`` beside the program (:func:`program_dir`), so the whole folder can be
   carried on a USB stick;
3. otherwise the user's data folder (``%LOCALAPPDATA%\\WSJC Desktop`` on Windows,
   ``~/.local/share/WSJC Desktop`` on Linux).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "WSJC Desktop"
DB_FILE_NAME = "wsjc.db"
#: A file of this name beside the program turns portable mode on (its contents do not matter).
PORTABLE_MARKER = "portable.txt"
#: The data folder's name beside the program in portable mode.
PORTABLE_DATA_DIR = "data"

_portable_requested = False


def set_portable(enabled: bool = True) -> None:
    """Portable mode for this run (the command line's ``--portable``)."""
    global _portable_requested
    _portable_requested = enabled


def program_dir() -> Path:
    """The folder the program runs from: the executable's folder in a bundle (PyInstaller sets
    ``sys.frozen``), the checkout (the folder above the package) when run from source."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def is_portable() -> bool:
    """Whether portable mode is on: ``--portable`` was given or ``portable.txt`` is beside the program."""
    return _portable_requested or (program_dir() / PORTABLE_MARKER).is_file()


def data_dir() -> Path:
    override = os.environ.get("WSJC_DATA_DIR")
    if override:
        path = Path(override)
    elif is_portable():
        path = program_dir() / PORTABLE_DATA_DIR
    else:
        from platformdirs import user_data_path  # not needed in portable mode

        path = user_data_path(APP_DIR_NAME, appauthor=False)
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
