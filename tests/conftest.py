"""Shared fixtures: a fresh real SQLite file per test; Qt runs offscreen."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.media import medium  # noqa: F401  (a fixture: read-only media)
from wsjc_desktop.storage.database import Database

#: The commonest office laptop: 1366×768 with a 40 px taskbar, so 1366×728 available. Every UI
#: test runs on this screen (Qt's offscreen platform reads its screens from a JSON file).
SCREEN_CONFIG = Path(__file__).resolve().parent / "fixtures" / "screen_1366x728.json"
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN_CONFIG}"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user data folder (logs, default database)."""
    monkeypatch.setenv("WSJC_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("WSJC_DB", raising=False)


@pytest.fixture(autouse=True)
def _cycles_freed_on_this_thread() -> Iterator[None]:
    """Once a window test has turned automatic collection off (ui.collector: the GUI thread
    collects), a test that runs no event loop collects what is due at its end, here."""
    yield
    if not gc.isenabled():
        from wsjc_desktop.ui.collector import collect_due

        collect_due()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "wsjc.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    from wsjc_desktop.storage.database import open_database

    database: Database = open_database(db_path)
    yield database
    database.dispose()
