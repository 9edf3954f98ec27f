"""Shared fixtures: a fresh real SQLite file per test; Qt runs offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from wsjc_desktop.storage.database import Database

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user data folder (logs, default database)."""
    monkeypatch.setenv("WSJC_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("WSJC_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "wsjc.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    from wsjc_desktop.storage.database import open_database

    database: Database = open_database(db_path)
    yield database
    database.dispose()
