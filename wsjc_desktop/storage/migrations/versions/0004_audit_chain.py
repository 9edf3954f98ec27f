"""audit log chained; who ran a command

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 09:00:00.000000

Two columns on ``audit_entries``:

* ``actor``: who made an entry when no member did (a command run from the command line:
  命令行（user）); NULL on every entry already in the file.
* ``chain_hash``: each entry's SHA-256 over its content and the previous entry's hash
  (``storage.health``: ``entry_hash``). Filled here for the entries already in the file, in id
  order, a batch at a time (memory stays flat on a large log); the same content always gives
  the same hashes.

The triggers of 0003 refused every UPDATE, so they are dropped first and created anew as
``health.AUDIT_TRIGGERS`` defines them (the definition the start-up check compares the file
with): the update trigger now lets an entry without a hash be given one, nothing else. Both
are created again whether or not the file still had them.

This revision runs today's ``health`` code: if a later revision changes the chain or the
triggers, it refills or recreates them itself (a file upgraded through both ends up with the
later definition either way).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from wsjc_desktop.storage import health

    for name in health.AUDIT_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.add_column("audit_entries", sa.Column("actor", sa.Text(), nullable=True))
    op.add_column("audit_entries", sa.Column("chain_hash", sa.String(length=64), nullable=True))
    health.seal_audit_entries(op.get_bind().connection.driver_connection, 0, None)
    for sql in health.AUDIT_TRIGGERS.values():
        op.execute(sql)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_entries_no_delete")
    op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_column("chain_hash")
        batch_op.drop_column("actor")
    message = "audit_entries is append-only: 审计日志只能追加，不能修改或删除"
    op.execute(
        "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )
