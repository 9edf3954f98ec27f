"""search index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('search_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('subtitle', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('short_text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entries')),
    sa.UniqueConstraint('kind', 'record_id', name='uq_search_entries_record')
    )
    op.create_table('search_grams',
    sa.Column('gram', sa.String(length=2), nullable=False),
    sa.Column('tier', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('entry_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('gram', 'tier', 'entry_id', name=op.f('pk_search_grams')),
    sqlite_with_rowid=False
    )
    op.create_table('search_pinyin',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('entry_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('key', 'entry_id', name=op.f('pk_search_pinyin')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('search_pinyin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_pinyin_entry_id'), ['entry_id'], unique=False)

    # The trigram full-text table, unknown to the models (its name starts with search_fts,
    # which the schema comparison leaves out). Spelled out here, not imported, so this
    # revision keeps making the same table whatever later code says.
    op.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "title, body, content='search_entries', content_rowid='id', "
        "tokenize='trigram', columnsize=0)"
    )

    # Make the records already in the file searchable. This runs today's indexing code:
    # if a later revision renames or drops a column that rebuild() reads, move this fill
    # to that revision (a file upgraded through several revisions only needs it once, last).
    from wsjc_desktop.storage import search_index

    search_index.rebuild(op.get_bind())


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS search_fts")
    with op.batch_alter_table('search_pinyin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_pinyin_entry_id'))

    op.drop_table('search_pinyin')
    op.drop_table('search_grams')
    op.drop_table('search_entries')
