"""replicas: stamps, tombstones and peers for the exchange between PCs

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 10:00:00.000000

Makes the file a replica of its group (``storage.sync_schema``): ``sync_state`` (this
replica's id, the group's id, its change counter and clock), ``sync_stamps`` (a stamp per
changed row and column), ``sync_tombstones`` (rows deleted for good), ``sync_known`` (the
highest change seen from each replica), ``sync_peers`` (the other replicas met) and
``sync_conflicts`` (what the user is to decide). Every row already in the file gets a row stamp
older than anything later; a setting's uid becomes the one its key gives on every replica; the
triggers that stamp every change are created from the live schema.

This revision runs today's ``sync_schema`` code: a later revision that changes a synced table
calls ``sync_schema.install_triggers`` again.
"""

from __future__ import annotations

from typing import Any

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("sync_conflicts", "sync_peers", "sync_known", "sync_tombstones", "sync_stamps", "sync_state")


def upgrade() -> None:
    from wsjc_desktop.storage import sync_schema

    sync_schema.create(op.get_bind().connection.driver_connection)


def downgrade() -> None:
    conn: Any = op.get_bind().connection.driver_connection
    names = [str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    for name in names:
        if name.startswith("sync_"):
            op.execute(f'DROP TRIGGER "{name}"')
    for table in TABLES:
        op.execute(f"DROP TABLE IF EXISTS {table}")
