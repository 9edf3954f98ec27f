"""The program's own opening runs the recovery (issue 15.2): a file left by an encryption killed
between its two renames on a file system without hard links (FAT/exFAT: no ``wsjc.db`` at all,
the data only in a hidden ``.old``) is put back by the next start, not replaced by an empty
database; a reader leaves it alone."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.support.builders import unit
from wsjc_desktop.errors import UserError
from wsjc_desktop.storage.database import open_database


def _units(path: Path) -> int:
    with closing(sqlite3.connect(path)) as con:
        return int(con.execute("SELECT count(*) FROM units").fetchone()[0])


def _killed_between_the_renames(tmp_path: Path) -> Path:
    path = tmp_path / "wsjc.db"
    db = open_database(path)
    try:
        for n in range(3):
            unit(db, f"恢复测试单位{n}")
    finally:
        db.dispose()
    path.rename(tmp_path / ".wsjc.db.0123456789abcdef.old")  # the old file moved away, the new not yet in
    return path


def test_the_next_start_puts_the_old_file_back_instead_of_a_new_empty_database(tmp_path: Path) -> None:
    path = _killed_between_the_renames(tmp_path)
    db = open_database(path)
    try:
        assert _units(path) == 3
    finally:
        db.dispose()
    assert not list(tmp_path.glob(".wsjc.db.*.old"))


def test_a_reader_does_not_recover(tmp_path: Path) -> None:
    path = _killed_between_the_renames(tmp_path)
    with pytest.raises(UserError):  # a reader finds no file: refused, and nothing is touched
        open_database(path, readonly=True).dispose()
    assert not path.exists() and list(tmp_path.glob(".wsjc.db.*.old"))
