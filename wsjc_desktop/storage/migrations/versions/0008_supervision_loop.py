"""the supervision loop: inspections, problems, the clue register, units under rectification

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 17:10:00.000000

- ``inspections`` (监督检查) with the units and members of each (``inspection_units``,
  ``inspection_members``);
- ``problems`` (问题发现台账): each problem found, its source, 交办, 整改 and 验收销号;
- ``clues`` becomes a register: its stage (登记 → 研判 → 处置 → 办结) and the day it began, a
  主办人, 督办, the 办结 date and the 形态 it led to. A clue already in the file is 登记 while
  it waits for a disposal, 处置 while disposed of without a result, 办结 once it has one;
- ``units.rectification_from`` / ``rectification_to``: the 巡视巡察整改期.

The exchange's triggers are made again from the live schema (``sync_schema.install_triggers``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def _record_columns(table: str) -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["members.id"], name=op.f(f"fk_{table}_created_by_id_members"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["members.id"], name=op.f(f"fk_{table}_updated_by_id_members"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("uid", name=op.f(f"uq_{table}_uid")),
    ]


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _link(table: str, other: str, other_key: str, *, index_other: bool) -> None:
    op.create_table(
        table,
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column(other_key, sa.Integer(), nullable=False),
        _fk(table, "inspection_id", "inspections", "CASCADE"),
        _fk(table, other_key, other, "CASCADE"),
        sa.PrimaryKeyConstraint("inspection_id", other_key, name=op.f(f"pk_{table}")),
    )
    if index_other:
        op.create_index(op.f(f"ix_{table}_{other_key}"), table, [other_key], unique=False)


def upgrade() -> None:
    from wsjc_desktop.storage import sync_schema

    op.create_table(
        "inspections",
        sa.Column(
            "kind",
            _enum("inspectionkind", "special", "routine", "unannounced", "stationed", "rectification", "alert_check"),
            nullable=False,
        ),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("methods", sa.String(length=200), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("alert_source", sa.String(length=50), nullable=True),
        sa.Column(
            "alert_result", _enum("alertcheckresult", "pending", "confirmed", "partly", "unfounded"), nullable=True
        ),
        sa.Column("note", sa.Text(), nullable=True),
        *_record_columns("inspections"),
    )
    for column in ("deleted_at", "kind", "started_on"):
        op.create_index(op.f(f"ix_inspections_{column}"), "inspections", [column], unique=False)
    _link("inspection_members", "members", "member_id", index_other=False)
    _link("inspection_units", "units", "unit_id", index_other=True)

    op.create_table(
        "problems",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("cadre_id", sa.Integer(), nullable=True),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column(
            "source",
            _enum("problemsource", "inspection", "meeting", "talk", "clue", "patrol", "ecology", "other"),
            nullable=False,
        ),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("talk_id", sa.Integer(), nullable=True),
        sa.Column("clue_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "category",
            _enum(
                "problemcategory",
                "eight_rules",
                "major_decisions",
                "appointments",
                "finance",
                "projects",
                "conduct",
                "other",
            ),
            nullable=False,
        ),
        sa.Column("severity", _enum("problemseverity", "minor", "serious", "grave"), nullable=False),
        sa.Column("handoff", _enum("problemhandoff", "notice", "talk", "clue"), nullable=True),
        sa.Column("handed_on", sa.Date(), nullable=True),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("handoff_talk_id", sa.Integer(), nullable=True),
        sa.Column("handoff_clue_id", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column(
            "status",
            _enum("problemstatus", "found", "assigned", "rectifying", "rectified", "closed", "overdue"),
            nullable=False,
        ),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closing_note", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *_record_columns("problems"),
        _fk("problems", "cadre_id", "cadres", "SET NULL"),
        _fk("problems", "closed_by_id", "members", "SET NULL"),
        _fk("problems", "clue_id", "clues", "SET NULL"),
        _fk("problems", "handoff_clue_id", "clues", "SET NULL"),
        _fk("problems", "handoff_talk_id", "talks", "SET NULL"),
        _fk("problems", "inspection_id", "inspections", "SET NULL"),
        _fk("problems", "meeting_id", "meetings", "SET NULL"),
        _fk("problems", "notice_id", "alert_notices", "SET NULL"),
        _fk("problems", "talk_id", "talks", "SET NULL"),
        _fk("problems", "unit_id", "units", "RESTRICT"),
    )
    for column in ("cadre_id", "deleted_at", "found_on", "inspection_id", "notice_id", "unit_id"):
        op.create_index(op.f(f"ix_problems_{column}"), "problems", [column], unique=False)

    with op.batch_alter_table("clues") as batch:  # rebuilt: its triggers go, and are made again below
        batch.add_column(
            sa.Column(
                "stage",
                _enum("cluestage", "registered", "assessing", "disposing", "closed"),
                nullable=False,
                server_default="registered",
            )
        )
        batch.add_column(sa.Column("stage_since", sa.Date(), nullable=True))
        batch.add_column(sa.Column("handler_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("supervised", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("form", _enum("fourforms", "none", "first", "second", "third", "fourth"), nullable=True)
        )
        batch.create_index(batch.f("ix_clues_handler_id"), ["handler_id"], unique=False)
        batch.create_index(batch.f("ix_clues_stage"), ["stage"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_clues_handler_id_members"), "members", ["handler_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("clues") as batch:  # the defaults only filled the rows already there
        batch.alter_column("stage", server_default=None)
        batch.alter_column("supervised", server_default=None)
    op.execute(
        "UPDATE clues SET"
        " stage = CASE WHEN disposal = 'pending' THEN 'registered'"
        " WHEN result IS NULL OR trim(result) = '' THEN 'disposing' ELSE 'closed' END,"
        " stage_since = CASE WHEN disposal = 'pending' THEN received_on"
        " ELSE coalesce(disposed_on, received_on) END,"
        " closed_on = CASE WHEN disposal <> 'pending' AND result IS NOT NULL AND trim(result) <> ''"
        " THEN coalesce(disposed_on, received_on) END"
    )

    op.add_column("units", sa.Column("rectification_from", sa.Date(), nullable=True))
    op.add_column("units", sa.Column("rectification_to", sa.Date(), nullable=True))
    sync_schema.install_triggers(op.get_bind().connection.driver_connection)


def downgrade() -> None:
    from wsjc_desktop.storage import sync_schema

    conn: Any = op.get_bind().connection.driver_connection
    for name in [str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]:
        if name.startswith(("sync_units", "sync_clues")):  # both are rebuilt without the columns
            op.execute(f'DROP TRIGGER "{name}"')
    with op.batch_alter_table("units") as batch:
        batch.drop_column("rectification_to")
        batch.drop_column("rectification_from")
    with op.batch_alter_table("clues") as batch:
        batch.drop_constraint("fk_clues_handler_id_members", type_="foreignkey")
        batch.drop_index("ix_clues_stage")
        batch.drop_index("ix_clues_handler_id")
        for column in ("form", "closed_on", "supervised", "handler_id", "stage_since", "stage"):
            batch.drop_column(column)
    op.drop_table("problems")
    op.drop_table("inspection_units")
    op.drop_table("inspection_members")
    op.drop_table("inspections")
    sync_schema.install_triggers(conn)
