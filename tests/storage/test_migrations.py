"""Migrations: the migrated schema is exactly the models; older files upgrade safely."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from wsjc_desktop.errors import SchemaTooNewError, UserError
from wsjc_desktop.storage import migrate
from wsjc_desktop.storage.database import open_database
from wsjc_desktop.storage.schema import include_name, include_object, metadata


def test_head_constant_matches_the_scripts() -> None:
    assert migrate.script_head() == migrate.HEAD
    assert migrate.script_revisions()[-1] == "0001"  # walk_revisions lists newest first, base last


def schema_differences(path: Path) -> list[object]:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "include_object": include_object, "include_name": include_name},
        )
        diffs = compare_metadata(ctx, metadata)
    engine.dispose()
    return list(diffs)


def test_migrated_schema_equals_the_models(db_path: Path) -> None:
    migrate.ensure_schema(db_path)
    assert schema_differences(db_path) == []


def test_a_model_change_without_migration_is_detected(db_path: Path) -> None:
    """The comparison above can fail: drop a column behind its back and it notices."""
    migrate.ensure_schema(db_path)
    con = sqlite3.connect(db_path)
    con.execute('DROP TRIGGER "sync_units_update_note"')  # it names the column
    con.execute("ALTER TABLE units DROP COLUMN note")
    con.commit()
    con.close()
    diffs = schema_differences(db_path)
    assert any("note" in repr(d) for d in diffs)


def _make_first_revision_file(path: Path) -> None:
    migrate.upgrade(path, "0001")
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO units (id, uid, full_name, short_name, unit_type, sort_order, in_scope,"
        " created_at, updated_at) VALUES (1, 'u-1', '区财政局', '财政局', 'agency', 1, 1,"
        " '2025-01-02 09:00:00', '2025-01-02 09:00:00')"
    )
    con.execute(
        "INSERT INTO cadres (id, uid, name, unit_id, is_leader, is_top_leader, status,"
        " created_at, updated_at) VALUES (1, 'c-1', '王小明', 1, 1, 1, 'serving',"
        " '2025-01-02 09:00:00', '2025-01-02 09:00:00')"
    )
    con.commit()
    con.close()


def test_file_from_first_migration_upgrades_cleanly(db_path: Path) -> None:
    _make_first_revision_file(db_path)
    assert migrate.current_revision(db_path) == "0001"
    backup = migrate.ensure_schema(db_path)
    assert migrate.current_revision(db_path) == migrate.HEAD
    if migrate.HEAD != "0001":
        assert backup is not None and backup.exists()
        assert migrate.current_revision(backup) == "0001"  # the copy is the file as it was
        bcon = sqlite3.connect(backup)
        assert bcon.execute("SELECT full_name FROM units").fetchall() == [("区财政局",)]
        bcon.close()
    assert schema_differences(db_path) == []
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT name FROM cadres").fetchall() == [("王小明",)]
    con.close()


def test_open_database_upgrades_an_older_file(db_path: Path) -> None:
    _make_first_revision_file(db_path)
    db = open_database(db_path)
    db.dispose()
    assert migrate.current_revision(db_path) == migrate.HEAD


def test_newer_schema_is_refused_with_a_chinese_message(db_path: Path) -> None:
    migrate.ensure_schema(db_path)
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = db_path.read_bytes()
    with pytest.raises(SchemaTooNewError, match="更新版本的程序"):
        open_database(db_path)
    assert db_path.read_bytes() == before  # nothing written


def test_foreign_sqlite_file_is_refused(db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    con.execute("CREATE TABLE stuff (x)")
    con.commit()
    con.close()
    with pytest.raises(UserError, match="不是本程序的数据库"):
        open_database(db_path)


def test_0008_puts_the_clues_already_there_on_the_register_and_downgrades(db_path: Path) -> None:
    """A clue waiting for its disposal is 登记 since it came; one disposed of without a result is
    处置 since its disposal; one with a result is 办结 that day. The step down gives the file back."""
    migrate.upgrade(db_path, "0007")
    con = sqlite3.connect(db_path)
    con.execute(
        "INSERT INTO units (id, uid, full_name, unit_type, sort_order, in_scope, created_at, updated_at)"
        " VALUES (1, 'u-1', '区财政局', 'agency', 1, 1, '2026-01-02 09:00:00', '2026-01-02 09:00:00')"
    )
    clues = [
        (1, "pending", None, None),
        (2, "preliminary_check", "2026-03-10", None),
        (3, "talk_inquiry", "2026-04-01", "函询说明属实，予以了结"),
    ]
    for key, disposal, disposed_on, result in clues:
        con.execute(
            "INSERT INTO clues (id, uid, unit_id, received_on, source, summary, disposal, disposed_on,"
            " result, created_at, updated_at) VALUES (?, ?, 1, '2026-02-01', 'petition', '反映问题', ?, ?, ?,"
            " '2026-02-01 09:00:00', '2026-02-01 09:00:00')",
            (key, f"k-{key}", disposal, disposed_on, result),
        )
    con.commit()
    con.close()
    migrate.upgrade(db_path, "0008")
    con = sqlite3.connect(db_path)
    rows = con.execute(
        "SELECT id, stage, stage_since, closed_on, supervised, handler_id FROM clues ORDER BY id"
    ).fetchall()
    assert rows == [
        (1, "registered", "2026-02-01", None, 0, None),
        (2, "disposing", "2026-03-10", None, 0, None),
        (3, "closed", "2026-04-01", "2026-04-01", 0, None),
    ]
    triggers = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"sync_clues_update_stage", "sync_inspections_insert", "sync_inspection_units_insert"} <= triggers
    con.close()
    engine = migrate._migration_engine(db_path)
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0007")
    engine.dispose()
    con = sqlite3.connect(db_path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not {"inspections", "problems", "inspection_units"} & tables
    assert con.execute("SELECT id, disposal FROM clues ORDER BY id").fetchall() == [
        (1, "pending"),
        (2, "preliminary_check"),
        (3, "talk_inquiry"),
    ]
    assert "stage" not in {r[1] for r in con.execute("PRAGMA table_info(clues)")}
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()
