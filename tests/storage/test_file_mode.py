"""A new database file, and the -wal and -shm SQLite makes beside it, are readable by their
owner only (0600), whatever the umask."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.builders import unit
from wsjc_desktop.storage.database import PRIVATE_FILE_MODE, open_database

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")

KEY = "correct horse battery"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The loosest usual umask (group and others may read): the file must still be private."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("key", [None, KEY], ids=["plain", "encrypted"])
def test_a_new_database_and_its_wal_and_shm_are_private(
    tmp_path: Path, open_umask: None, key: str | None
) -> None:
    path = tmp_path / "new" / "wsjc.db"  # the folder is made too
    db = open_database(path, key=key)
    try:
        unit(db)  # a write: the -wal and -shm exist while the file is open
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: oct(mode(f)) for f in files} == {f.name: oct(PRIVATE_FILE_MODE) for f in files}
    finally:
        db.dispose()
    assert PRIVATE_FILE_MODE == 0o600
    assert mode(path) == 0o600


def test_an_empty_file_given_to_be_a_database_is_made_private(tmp_path: Path, open_umask: None) -> None:
    path = tmp_path / "wsjc.db"
    path.touch(mode=0o644)
    assert mode(path) == 0o644
    db = open_database(path)
    db.dispose()
    assert mode(path) == 0o600


def test_an_existing_database_keeps_its_mode(tmp_path: Path, open_umask: None) -> None:
    path = tmp_path / "wsjc.db"
    open_database(path).dispose()
    path.chmod(0o640)  # the owner's choice for a file already there
    db = open_database(path)
    try:
        unit(db)
    finally:
        db.dispose()
    assert mode(path) == 0o640
