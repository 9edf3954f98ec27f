"""the rule an 影响期 was set by

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 15:20:00.000000

``discipline_records.effect_rule``: the rule an 影响期 was set by (党纪处分·严重警告 18个月, from
``domain.sanctions``), NULL for the records already in the file and for periods entered by hand.
The exchange's triggers stamp every column of a synced table, so they are made again from the
live schema (``sync_schema.install_triggers``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from wsjc_desktop.storage import sync_schema

    op.add_column("discipline_records", sa.Column("effect_rule", sa.String(length=100), nullable=True))
    sync_schema.install_triggers(op.get_bind().connection.driver_connection)


def downgrade() -> None:
    from wsjc_desktop.storage import sync_schema

    conn: Any = op.get_bind().connection.driver_connection
    for name in [str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]:
        if name.startswith("sync_discipline_records"):  # the table is rebuilt without the column
            op.execute(f'DROP TRIGGER "{name}"')
    with op.batch_alter_table("discipline_records") as batch:
        batch.drop_column("effect_rule")
    sync_schema.install_triggers(conn)
