"""audit log append-only

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:00:00.000000

Two triggers make ``audit_entries`` append-only in the file itself: any UPDATE or DELETE of
an entry aborts its statement (and the program's transaction with it), whoever issues it.
Rows already in the file are kept as they are.

Triggers belong to their table: a later revision that rebuilds ``audit_entries`` (a batch
``alter_table`` copies it into a new table) drops them and must create them again.
A hard DELETE of a member whose id an entry names is refused too (the ``ON DELETE SET NULL``
would update the entry); members only ever go to the recycle bin.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MESSAGE = "audit_entries is append-only: 审计日志只能追加，不能修改或删除"


def upgrade() -> None:
    op.execute(
        "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_entries_no_delete")
    op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
