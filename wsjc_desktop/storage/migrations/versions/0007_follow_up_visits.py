"""回访 records

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 15:40:00.000000

``follow_up_visits``: a visit to a sanctioned cadre (seed 004 §10: 受处分干部跟踪回访), with when
the next one is due. A record table like the others (uid, times, who, recycle bin), synced
between PCs: the exchange's triggers are made again from the live schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from wsjc_desktop.storage import sync_schema

    op.create_table(
        "follow_up_visits",
        sa.Column("cadre_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("visitors", sa.String(length=100), nullable=True),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("next_visit", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cadre_id"], ["cadres.id"], name=op.f("fk_follow_up_visits_cadre_id_cadres"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["members.id"],
            name=op.f("fk_follow_up_visits_created_by_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["members.id"],
            name=op.f("fk_follow_up_visits_updated_by_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_visits")),
        sa.UniqueConstraint("uid", name=op.f("uq_follow_up_visits_uid")),
    )
    with op.batch_alter_table("follow_up_visits") as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_visits_cadre_id"), ["cadre_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_visits_deleted_at"), ["deleted_at"], unique=False)
    sync_schema.install_triggers(op.get_bind().connection.driver_connection)


def downgrade() -> None:
    from wsjc_desktop.storage import sync_schema

    op.drop_table("follow_up_visits")  # its triggers go with it
    sync_schema.install_triggers(op.get_bind().connection.driver_connection)
